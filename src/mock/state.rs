//! What lp-mock remembers: conversations, their dialogs, each dialog's
//! events by sequence, and who is subscribed to what. Each connection has
//! an outbox (`outbox.rs`), so an event published on one connection
//! reaches the subscribers on every other.
//!
//! Events are stored as ready-to-send notification frames, serialized once
//! when published, so replaying a long history does no JSON work.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};
use tungstenite::Utf8Bytes;

use super::outbox::{Outbox, Outgoing};
use super::{AGENT_ID, frames};

use crate::when::now_ms;

/// The skill of a conversation requested without one: any skill.
pub(crate) const ANY_SKILL: &str = "-1";

/// Connections are numbered from 0 in the order they are accepted.
pub(crate) type ConnectionId = u64;

/// SplitMix64's finalizer: a bijection on u64 that scatters the bits.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A UUID-shaped id (version 4 layout), unique within the process: a
/// counter offset by the start time and pid, scattered by a bijection.
pub(crate) fn new_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static OFFSET: OnceLock<u64> = OnceLock::new();
    let nanos = || {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    };
    let offset = *OFFSET.get_or_init(|| mix(nanos() ^ (u64::from(std::process::id()) << 40)));
    // Distinct for every call, and all of its 64 bits go into the id.
    let unique = mix(COUNTER.fetch_add(1, Ordering::Relaxed).wrapping_add(offset));
    let noise = mix(unique ^ nanos());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        unique >> 32,
        (unique >> 16) & 0xffff,
        (unique >> 4) & 0xfff,
        0x8000 | ((unique & 0xf) << 10) | (noise & 0x3ff),
        noise >> 16
    )
}

/// Who publishes an event: its `originatorMetadata`.
#[derive(Serialize)]
pub(crate) struct Originator<'a> {
    pub(crate) id: &'a str,
    pub(crate) role: &'a str,
    /// The client properties of the publisher's connection, as the service
    /// adds them; None for lean events.
    #[serde(rename = "clientProperties", skip_serializing_if = "Option::is_none")]
    pub(crate) client_properties: Option<&'a RawValue>,
}

/// A plain-text ContentEvent, as the agent inside lp-mock sends them.
#[derive(Serialize)]
#[serde(tag = "type", rename = "ContentEvent", rename_all = "camelCase")]
pub(crate) struct TextEvent<'a> {
    content_type: &'static str,
    message: &'a str,
}

impl TextEvent<'_> {
    pub(crate) const TYPE: &'static str = "ContentEvent";
}

pub(crate) fn text_event(message: &str) -> TextEvent<'_> {
    TextEvent {
        content_type: "text/plain",
        message,
    }
}

/// One change of an ms.MessagingEventNotification.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Change<'a, E> {
    #[serde(skip_serializing_if = "Option::is_none")]
    sequence: Option<u64>,
    originator_id: &'a str,
    originator_metadata: &'a Originator<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    server_timestamp: Option<i64>,
    event: &'a E,
    conversation_id: &'a str,
    dialog_id: &'a str,
    /// The publish request's top-level `metadata` (a click's, say).
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<&'a Value>,
}

/// Why a consumer may not do something with a conversation.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Refusal {
    NotFound,
    NotYours,
    Closed,
    DialogNotFound,
    DialogClosed,
}

impl Refusal {
    pub(crate) fn message(self) -> &'static str {
        match self {
            Refusal::NotFound => "Conversation not found",
            Refusal::NotYours => "The conversation belongs to another consumer",
            Refusal::Closed => "The conversation is closed",
            Refusal::DialogNotFound => "Dialog not found",
            Refusal::DialogClosed => "The dialog is closed",
        }
    }
}

fn state_name(open: bool) -> &'static str {
    if open { "OPEN" } else { "CLOSE" }
}

/// A conversation's first dialog is its MAIN one; a POST_SURVEY dialog
/// follows when a survey opens as the MAIN one closes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum DialogType {
    Main,
    PostSurvey,
}

struct Dialog {
    id: String,
    dialog_type: DialogType,
    open: bool,
    creation_ts: i64,
    end_ts: Option<i64>,
    /// One notification frame per stored change; the index is the sequence.
    events: Vec<Utf8Bytes>,
    /// At most one subscription per connection.
    subscribers: Vec<(ConnectionId, Outbox)>,
}

impl Dialog {
    fn new(id: String, dialog_type: DialogType, now: i64) -> Dialog {
        Dialog {
            id,
            dialog_type,
            open: true,
            creation_ts: now,
            end_ts: None,
            events: Vec::new(),
            subscribers: Vec::new(),
        }
    }

    fn close(&mut self, now: i64) {
        if self.open {
            self.open = false;
            self.end_ts = Some(now);
        }
    }
}

struct Conversation {
    consumer: String,
    /// Creation order, for listing.
    created: usize,
    /// The stage: the conversation as a whole, whatever its dialogs.
    open: bool,
    start_ts: i64,
    end_ts: Option<i64>,
    last_update_ts: i64,
    /// The MAIN dialog first (its id is the conversation's), then any other.
    dialogs: Vec<Dialog>,
    /// Where the last ContentEvent is: the dialog's index and the sequence.
    last_content: Option<(usize, usize)>,
    skill_id: String,
    /// lp-mock's agent is the assigned agent (until a transfer).
    agent_assigned: bool,
    /// Whether the consumer's latest connection to use the conversation
    /// advertised MULTI_DIALOG, which a survey needs.
    multi_dialog: bool,
    /// Subscriptions made since the start, to any of its dialogs, ended
    /// ones included.
    subscriptions: usize,
}

impl Conversation {
    /// Since MULTI_DIALOG, the state is the MAIN dialog's; the stage is the
    /// conversation's.
    fn state(&self) -> &'static str {
        state_name(self.dialogs[0].open)
    }

    fn stage(&self) -> &'static str {
        state_name(self.open)
    }

    fn dialog_index(&self, dialog_id: &str) -> Option<usize> {
        self.dialogs
            .iter()
            .position(|dialog| dialog.id == dialog_id)
    }
}

/// A cqm.SubscribeExConversations subscription.
struct ConversationsSubscription {
    connection: ConnectionId,
    consumer: String,
    subscription_id: String,
    outbox: Outbox,
}

/// Which conversations a cqm.SubscribeExConversations snapshot lists.
#[derive(Default)]
pub(crate) struct ConversationFilter {
    /// Empty: any.
    pub(crate) states: Vec<String>,
    /// Empty: any.
    pub(crate) stages: Vec<String>,
    pub(crate) min_last_updated_ms: Option<i64>,
}

impl ConversationFilter {
    fn accepts(&self, conversation: &Conversation) -> bool {
        let listed =
            |names: &[String], name: &str| names.is_empty() || names.iter().any(|n| n == name);
        listed(&self.states, conversation.state())
            && listed(&self.stages, conversation.stage())
            && self
                .min_last_updated_ms
                .is_none_or(|min| conversation.last_update_ts >= min)
    }
}

#[derive(Default)]
pub(crate) struct Store {
    conversations: HashMap<String, Conversation>,
    conversation_subscriptions: Vec<ConversationsSubscription>,
    /// The conversation of each dialog other than a MAIN one.
    dialog_conversations: HashMap<String, String>,
    /// New conversations get lp-mock's agent as their assigned agent (a bot
    /// serves them).
    pub(crate) assign_agent: bool,
}

impl Store {
    pub(crate) fn has_open_conversation(&self, consumer: &str) -> bool {
        self.conversations
            .values()
            .any(|c| c.open && c.consumer == consumer)
    }

    /// Opens a conversation and tells the consumer's cqm subscribers.
    pub(crate) fn create(&mut self, consumer: &str, skill_id: &str) -> String {
        let id = new_id();
        let now = now_ms();
        let conversation = Conversation {
            consumer: consumer.to_owned(),
            created: self.conversations.len(),
            open: true,
            start_ts: now,
            end_ts: None,
            last_update_ts: now,
            dialogs: vec![Dialog::new(id.clone(), DialogType::Main, now)],
            last_content: None,
            skill_id: skill_id.to_owned(),
            agent_assigned: self.assign_agent,
            multi_dialog: false,
            subscriptions: 0,
        };
        self.conversations.insert(id.clone(), conversation);
        self.notify_conversation_subscribers(&id);
        id
    }

    /// The conversation a dialog belongs to; a MAIN dialog's id is its
    /// conversation's.
    pub(crate) fn conversation_of<'a>(&'a self, dialog_id: &'a str) -> Option<&'a str> {
        if self.conversations.contains_key(dialog_id) {
            return Some(dialog_id);
        }
        self.dialog_conversations.get(dialog_id).map(String::as_str)
    }

    /// A dialog and its conversation, for changing them.
    fn dialog_mut(&mut self, dialog_id: &str) -> Option<(&mut Conversation, usize)> {
        let conversation_id = self.conversation_of(dialog_id)?.to_owned();
        let conversation = self.conversations.get_mut(&conversation_id)?;
        let index = conversation.dialog_index(dialog_id)?;
        Some((conversation, index))
    }

    fn dialog(&self, dialog_id: &str) -> Option<&Dialog> {
        let conversation = self.conversations.get(self.conversation_of(dialog_id)?)?;
        conversation
            .dialogs
            .iter()
            .find(|dialog| dialog.id == dialog_id)
    }

    /// The dialog's stored events, as notification frames, in order.
    pub(crate) fn events(&self, dialog_id: &str) -> Vec<Utf8Bytes> {
        self.dialog(dialog_id)
            .map(|dialog| dialog.events.clone())
            .unwrap_or_default()
    }

    /// Whether `consumer` may use the dialog's conversation (and the
    /// conversation is open, if `must_be_open`).
    pub(crate) fn check(
        &self,
        consumer: &str,
        dialog_id: &str,
        must_be_open: bool,
    ) -> Result<(), Refusal> {
        let conversation = self
            .conversation_of(dialog_id)
            .and_then(|id| self.conversations.get(id));
        match conversation {
            None => Err(Refusal::NotFound),
            Some(c) if c.consumer != consumer => Err(Refusal::NotYours),
            Some(c) if must_be_open && !c.open => Err(Refusal::Closed),
            Some(_) => Ok(()),
        }
    }

    /// Refuses a dialog that is closed (or unknown).
    pub(crate) fn check_dialog_open(&self, dialog_id: &str) -> Result<(), Refusal> {
        match self.dialog(dialog_id) {
            None => Err(Refusal::DialogNotFound),
            Some(dialog) if !dialog.open => Err(Refusal::DialogClosed),
            Some(_) => Ok(()),
        }
    }

    pub(crate) fn dialog_open(&self, dialog_id: &str) -> bool {
        self.check_dialog_open(dialog_id).is_ok()
    }

    pub(crate) fn agent_assigned(&self, conversation_id: &str) -> bool {
        self.conversations
            .get(conversation_id)
            .is_some_and(|c| c.agent_assigned)
    }

    /// Remembers whether the consumer's connection that just used the
    /// dialog's conversation advertised MULTI_DIALOG.
    pub(crate) fn note_multi_dialog(&mut self, dialog_id: &str, multi_dialog: bool) {
        if let Some((conversation, _)) = self.dialog_mut(dialog_id) {
            conversation.multi_dialog = multi_dialog;
        }
    }

    /// Stores an event and fans it out to the dialog's subscribers.
    /// Returns its sequence in the dialog, or None for a ChatStateEvent,
    /// which is passed on but neither sequenced nor stored.
    pub(crate) fn publish(
        &mut self,
        dialog_id: &str,
        by: &Originator,
        event_type: &str,
        event: &impl Serialize,
    ) -> Result<Option<u64>, Refusal> {
        self.publish_with_metadata(dialog_id, by, event_type, event, None)
    }

    /// `publish`, with the request's top-level metadata on the change.
    pub(crate) fn publish_with_metadata(
        &mut self,
        dialog_id: &str,
        by: &Originator,
        event_type: &str,
        event: &impl Serialize,
        metadata: Option<&Value>,
    ) -> Result<Option<u64>, Refusal> {
        let (conversation, index) = self.dialog_mut(dialog_id).ok_or(Refusal::NotFound)?;
        let conversation_id = &conversation.dialogs[0].id;
        let dialog = &conversation.dialogs[index];
        let stored = event_type != "ChatStateEvent";
        let now = now_ms();
        let sequence = dialog.events.len();
        let frame = frames::events_notification(&Change {
            sequence: stored.then_some(sequence as u64),
            originator_id: by.id,
            originator_metadata: by,
            server_timestamp: stored.then_some(now),
            event,
            conversation_id,
            dialog_id,
            metadata,
        });
        let dialog = &mut conversation.dialogs[index];
        // A subscriber whose connection ended has dropped its inbox.
        dialog
            .subscribers
            .retain(|(_, outbox)| outbox.send(Outgoing::Events(frame.clone())).is_ok());
        if !stored {
            return Ok(None);
        }
        dialog.events.push(frame);
        if event_type == TextEvent::TYPE {
            conversation.last_content = Some((index, sequence));
        }
        conversation.last_update_ts = now;
        Ok(Some(sequence as u64))
    }

    /// A conversation that is still open, to change it.
    fn open_conversation(&mut self, conversation_id: &str) -> Result<&mut Conversation, Refusal> {
        let conversation = self
            .conversations
            .get_mut(conversation_id)
            .ok_or(Refusal::NotFound)?;
        if conversation.open {
            Ok(conversation)
        } else {
            Err(Refusal::Closed)
        }
    }

    /// Closes an open conversation, every dialog of it, and tells the
    /// consumer's cqm subscribers.
    pub(crate) fn close(&mut self, conversation_id: &str) -> Result<(), Refusal> {
        let conversation = self.open_conversation(conversation_id)?;
        let now = now_ms();
        conversation.open = false;
        conversation.end_ts = Some(now);
        conversation.last_update_ts = now;
        for dialog in &mut conversation.dialogs {
            dialog.close(now);
        }
        self.notify_conversation_subscribers(conversation_id);
        Ok(())
    }

    /// Closes one open dialog of the conversation. Closing the MAIN dialog
    /// with `survey` wanted, for a consumer that advertised MULTI_DIALOG,
    /// opens a POST_SURVEY dialog (returned) and leaves the conversation
    /// open; any other close ends the conversation.
    pub(crate) fn close_dialog(
        &mut self,
        conversation_id: &str,
        dialog_id: &str,
        survey: bool,
    ) -> Result<Option<String>, Refusal> {
        let conversation = self
            .conversations
            .get_mut(conversation_id)
            .ok_or(Refusal::NotFound)?;
        let index = conversation
            .dialog_index(dialog_id)
            .ok_or(Refusal::DialogNotFound)?;
        if !conversation.dialogs[index].open {
            return Err(Refusal::DialogClosed);
        }
        let main = conversation.dialogs[index].dialog_type == DialogType::Main;
        if !(main && survey && conversation.multi_dialog) {
            return self.close(conversation_id).map(|()| None);
        }
        let now = now_ms();
        let survey_id = new_id();
        conversation.dialogs[index].close(now);
        let survey_dialog = Dialog::new(survey_id.clone(), DialogType::PostSurvey, now);
        conversation.dialogs.push(survey_dialog);
        conversation.last_update_ts = now;
        self.dialog_conversations
            .insert(survey_id.clone(), conversation_id.to_owned());
        self.notify_conversation_subscribers(conversation_id);
        Ok(Some(survey_id))
    }

    /// The assigned agent transfers an open conversation to a skill and
    /// leaves it.
    pub(crate) fn transfer(
        &mut self,
        conversation_id: &str,
        skill_id: &str,
    ) -> Result<(), Refusal> {
        let conversation = self.open_conversation(conversation_id)?;
        conversation.skill_id = skill_id.to_owned();
        conversation.agent_assigned = false;
        conversation.last_update_ts = now_ms();
        self.notify_conversation_subscribers(conversation_id);
        Ok(())
    }

    /// Subscribes a connection to a dialog's events, replacing its
    /// previous subscription there, and returns the stored events from
    /// `from_seq` on. Both happen under the caller's lock, so no live event
    /// falls between the replay and the subscription.
    pub(crate) fn subscribe(
        &mut self,
        connection: ConnectionId,
        dialog_id: &str,
        from_seq: u64,
        outbox: Outbox,
    ) -> Vec<Utf8Bytes> {
        let Some((conversation, index)) = self.dialog_mut(dialog_id) else {
            return Vec::new();
        };
        conversation.subscriptions += 1;
        let dialog = &mut conversation.dialogs[index];
        dialog.subscribers.retain(|(id, _)| *id != connection);
        dialog.subscribers.push((connection, outbox));
        let start = usize::try_from(from_seq)
            .unwrap_or(usize::MAX)
            .min(dialog.events.len());
        dialog.events[start..].to_vec()
    }

    pub(crate) fn subscribers(&self, dialog_id: &str) -> usize {
        self.dialog(dialog_id).map_or(0, |d| d.subscribers.len())
    }

    pub(crate) fn subscriptions(&self, conversation_id: &str) -> usize {
        self.conversations
            .get(conversation_id)
            .map_or(0, |c| c.subscriptions)
    }

    /// Forgets every subscription of a connection that ended.
    pub(crate) fn disconnect(&mut self, connection: ConnectionId) {
        for conversation in self.conversations.values_mut() {
            for dialog in &mut conversation.dialogs {
                dialog.subscribers.retain(|(id, _)| *id != connection);
            }
        }
        self.conversation_subscriptions
            .retain(|s| s.connection != connection);
    }

    /// Registers a cqm subscription; returns its id and the snapshot
    /// notification of the consumer's conversations that pass the filter.
    pub(crate) fn subscribe_conversations(
        &mut self,
        connection: ConnectionId,
        consumer: &str,
        filter: &ConversationFilter,
        outbox: Outbox,
    ) -> (String, String) {
        let subscription_id = new_id();
        let mut listed: Vec<(&String, &Conversation)> = self
            .conversations
            .iter()
            .filter(|(_, c)| c.consumer == consumer && filter.accepts(c))
            .collect();
        listed.sort_by_key(|(_, c)| c.created);
        let results = listed
            .into_iter()
            .map(|(id, c)| conversation_result(id, c))
            .collect();
        let snapshot = frames::conversations_notification(&subscription_id, results);
        self.conversation_subscriptions
            .push(ConversationsSubscription {
                connection,
                consumer: consumer.to_owned(),
                subscription_id: subscription_id.clone(),
                outbox,
            });
        (subscription_id, snapshot)
    }

    /// Ends a cqm subscription of this connection; false if it has none by
    /// that id.
    pub(crate) fn unsubscribe_conversations(
        &mut self,
        connection: ConnectionId,
        subscription_id: &str,
    ) -> bool {
        let before = self.conversation_subscriptions.len();
        self.conversation_subscriptions
            .retain(|s| !(s.connection == connection && s.subscription_id == subscription_id));
        self.conversation_subscriptions.len() < before
    }

    /// Sends an UPSERT of the conversation to its consumer's cqm subscriptions.
    fn notify_conversation_subscribers(&mut self, conversation_id: &str) {
        let Some(conversation) = self.conversations.get(conversation_id) else {
            return;
        };
        let result = conversation_result(conversation_id, conversation);
        self.conversation_subscriptions.retain(|s| {
            if s.consumer != conversation.consumer {
                return true;
            }
            let frame =
                frames::conversations_notification(&s.subscription_id, vec![result.clone()]);
            s.outbox.send(Outgoing::Other(frame.into())).is_ok()
        });
    }
}

/// The `result` of an UPSERT change in a cqm.ExConversationChangeNotification.
fn conversation_result(id: &str, c: &Conversation) -> Value {
    let mut participants = vec![json!({"id": c.consumer, "role": "CONSUMER"})];
    if c.agent_assigned {
        participants.push(json!({"id": AGENT_ID, "role": "ASSIGNED_AGENT"}));
    }
    let dialogs: Vec<Value> = c.dialogs.iter().map(dialog_details).collect();
    let mut details = json!({
        "participants": participants,
        "state": c.state(),
        "stage": c.stage(),
        "startTs": c.start_ts,
        "skillId": c.skill_id,
        "dialogs": dialogs,
    });
    if let Some(end) = c.end_ts {
        details["endTs"] = end.into();
    }
    let mut result = json!({"convId": id, "effectiveTTR": -1, "conversationDetails": details});
    let last_content = c
        .last_content
        .and_then(|(dialog, sequence)| c.dialogs.get(dialog)?.events.get(sequence))
        .and_then(|frame| serde_json::from_str::<Value>(frames::change_of(frame)).ok());
    if let Some(change) = last_content {
        result["lastContentEventNotification"] = change;
    }
    result
}

/// A dialog as `conversationDetails.dialogs` lists it.
fn dialog_details(dialog: &Dialog) -> Value {
    let dialog_type = match dialog.dialog_type {
        DialogType::Main => "MAIN",
        DialogType::PostSurvey => "POST_SURVEY",
    };
    let mut details = json!({
        "dialogId": dialog.id,
        "dialogType": dialog_type,
        "channelType": "MESSAGING",
        "state": state_name(dialog.open),
        "creationTs": dialog.creation_ts,
    });
    if let Some(end) = dialog.end_ts {
        details["endTs"] = end.into();
    }
    details
}
