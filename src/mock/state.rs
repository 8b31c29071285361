//! What lp-mock remembers: conversations, their events by sequence, and who
//! is subscribed to what. Each connection has an outbox (a channel its
//! thread drains between reads), so an event published on one connection
//! reaches the subscribers on every other.
//!
//! Events are stored as ready-to-send notification frames, serialized once
//! when published, so replaying a long history does no JSON work.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::Sender;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};
use tungstenite::Utf8Bytes;

use super::frames;

/// Connections are numbered from 0 in the order they are accepted.
pub(crate) type ConnectionId = u64;

/// A frame for one connection's thread to send.
pub(crate) enum Outgoing {
    /// An ms.MessagingEventNotification (sent twice under `repeat_changes`).
    Events(Utf8Bytes),
    /// Any other notification.
    Other(Utf8Bytes),
}

pub(crate) type Outbox = Sender<Outgoing>;

pub(crate) fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

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
}

/// Why a consumer may not do something with a conversation.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Refusal {
    NotFound,
    NotYours,
    Closed,
}

impl Refusal {
    pub(crate) fn message(self) -> &'static str {
        match self {
            Refusal::NotFound => "Conversation not found",
            Refusal::NotYours => "The conversation belongs to another consumer",
            Refusal::Closed => "The conversation is closed",
        }
    }
}

struct Conversation {
    consumer: String,
    /// Creation order, for listing.
    created: usize,
    open: bool,
    start_ts: i64,
    end_ts: Option<i64>,
    last_update_ts: i64,
    /// One notification frame per stored change; the index is the sequence.
    events: Vec<Utf8Bytes>,
    /// Sequence of the last ContentEvent.
    last_content: Option<usize>,
    /// At most one subscription per connection.
    subscribers: Vec<(ConnectionId, Outbox)>,
    /// Subscriptions made since the start, ended ones included.
    subscriptions: usize,
}

impl Conversation {
    fn state(&self) -> &'static str {
        if self.open { "OPEN" } else { "CLOSE" }
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
        let state = conversation.state();
        // lp-mock's conversations have one stage, named like their state.
        let listed = |names: &[String]| names.is_empty() || names.iter().any(|n| n == state);
        listed(&self.states)
            && listed(&self.stages)
            && self
                .min_last_updated_ms
                .is_none_or(|min| conversation.last_update_ts >= min)
    }
}

#[derive(Default)]
pub(crate) struct Store {
    conversations: HashMap<String, Conversation>,
    conversation_subscriptions: Vec<ConversationsSubscription>,
}

impl Store {
    pub(crate) fn has_open_conversation(&self, consumer: &str) -> bool {
        self.conversations
            .values()
            .any(|c| c.open && c.consumer == consumer)
    }

    /// Opens a conversation and tells the consumer's cqm subscribers.
    pub(crate) fn create(&mut self, consumer: &str) -> String {
        let id = new_id();
        let now = now_ms();
        let conversation = Conversation {
            consumer: consumer.to_owned(),
            created: self.conversations.len(),
            open: true,
            start_ts: now,
            end_ts: None,
            last_update_ts: now,
            events: Vec::new(),
            last_content: None,
            subscribers: Vec::new(),
            subscriptions: 0,
        };
        self.conversations.insert(id.clone(), conversation);
        self.notify_conversation_subscribers(&id);
        id
    }

    /// Whether `consumer` may use the conversation (and it is open, if
    /// `must_be_open`).
    pub(crate) fn check(
        &self,
        consumer: &str,
        conversation: &str,
        must_be_open: bool,
    ) -> Result<(), Refusal> {
        match self.conversations.get(conversation) {
            None => Err(Refusal::NotFound),
            Some(c) if c.consumer != consumer => Err(Refusal::NotYours),
            Some(c) if must_be_open && !c.open => Err(Refusal::Closed),
            Some(_) => Ok(()),
        }
    }

    /// Stores an event and fans it out to the conversation's subscribers.
    /// Returns its sequence, or None for a ChatStateEvent, which is passed
    /// on but neither sequenced nor stored.
    pub(crate) fn publish(
        &mut self,
        conversation_id: &str,
        by: &Originator,
        event_type: &str,
        event: &impl Serialize,
    ) -> Result<Option<u64>, Refusal> {
        let conversation = self
            .conversations
            .get_mut(conversation_id)
            .ok_or(Refusal::NotFound)?;
        let stored = event_type != "ChatStateEvent";
        let now = now_ms();
        let sequence = conversation.events.len();
        let frame = frames::events_notification(&Change {
            sequence: stored.then_some(sequence as u64),
            originator_id: by.id,
            originator_metadata: by,
            server_timestamp: stored.then_some(now),
            event,
            conversation_id,
            dialog_id: conversation_id,
        });
        // A subscriber whose connection ended has dropped its inbox.
        conversation
            .subscribers
            .retain(|(_, outbox)| outbox.send(Outgoing::Events(frame.clone())).is_ok());
        if !stored {
            return Ok(None);
        }
        if event_type == TextEvent::TYPE {
            conversation.last_content = Some(sequence);
        }
        conversation.last_update_ts = now;
        conversation.events.push(frame);
        Ok(Some(sequence as u64))
    }

    /// Closes an open conversation and tells the consumer's cqm subscribers.
    pub(crate) fn close(&mut self, conversation_id: &str) -> Result<(), Refusal> {
        let conversation = self
            .conversations
            .get_mut(conversation_id)
            .ok_or(Refusal::NotFound)?;
        if !conversation.open {
            return Err(Refusal::Closed);
        }
        let now = now_ms();
        conversation.open = false;
        conversation.end_ts = Some(now);
        conversation.last_update_ts = now;
        self.notify_conversation_subscribers(conversation_id);
        Ok(())
    }

    /// Subscribes a connection to a conversation's events, replacing its
    /// previous subscription there, and returns the stored events from
    /// `from_seq` on. Both happen under the caller's lock, so no live event
    /// falls between the replay and the subscription.
    pub(crate) fn subscribe(
        &mut self,
        connection: ConnectionId,
        conversation_id: &str,
        from_seq: u64,
        outbox: Outbox,
    ) -> Vec<Utf8Bytes> {
        let Some(conversation) = self.conversations.get_mut(conversation_id) else {
            return Vec::new();
        };
        conversation.subscribers.retain(|(id, _)| *id != connection);
        conversation.subscribers.push((connection, outbox));
        conversation.subscriptions += 1;
        let start = usize::try_from(from_seq)
            .unwrap_or(usize::MAX)
            .min(conversation.events.len());
        conversation.events[start..].to_vec()
    }

    pub(crate) fn subscribers(&self, conversation_id: &str) -> usize {
        self.conversations
            .get(conversation_id)
            .map_or(0, |c| c.subscribers.len())
    }

    pub(crate) fn subscriptions(&self, conversation_id: &str) -> usize {
        self.conversations
            .get(conversation_id)
            .map_or(0, |c| c.subscriptions)
    }

    /// Forgets every subscription of a connection that ended.
    pub(crate) fn disconnect(&mut self, connection: ConnectionId) {
        for conversation in self.conversations.values_mut() {
            conversation.subscribers.retain(|(id, _)| *id != connection);
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
    let mut details = json!({
        "participants": [{"id": c.consumer, "role": "CONSUMER"}],
        "state": c.state(),
        "stage": c.state(),
        "startTs": c.start_ts,
    });
    if let Some(end) = c.end_ts {
        details["endTs"] = end.into();
    }
    let mut result = json!({"convId": id, "effectiveTTR": -1, "conversationDetails": details});
    let last_content = c
        .last_content
        .and_then(|sequence| c.events.get(sequence))
        .and_then(|frame| serde_json::from_str::<Value>(frames::change_of(frame)).ok());
    if let Some(change) = last_content {
        result["lastContentEventNotification"] = change;
    }
    result
}
