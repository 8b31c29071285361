//! What lp-mock remembers: conversations, their events by sequence, and who
//! is subscribed to what. Each connection has an outbox (a channel its
//! thread drains), so an event published on one connection reaches the
//! subscribers on every other.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use super::frames;

/// Frames for one connection, already serialized.
pub type Outbox = Sender<Arc<str>>;

pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// A random UUID-shaped id.
pub fn new_id() -> String {
    let state = RandomState::new();
    let (a, b) = (state.hash_one(now_ms()), state.hash_one(std::process::id()));
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        (b >> 48) | 0x8000,
        b & 0xffff_ffff_ffff
    )
}

struct Conversation {
    consumer: String,
    open: bool,
    start_ts: i64,
    end_ts: Option<i64>,
    /// Serialized changes; the index is the sequence.
    changes: Vec<Arc<str>>,
    last_content: Option<usize>,
    /// (connection id, outbox) of each subscriber.
    subscribers: Vec<(u64, Outbox)>,
}

struct MetaSubscriber {
    connection: u64,
    consumer: String,
    subscription_id: String,
    outbox: Outbox,
}

#[derive(Default)]
pub struct Store {
    conversations: HashMap<String, Conversation>,
    meta: Vec<MetaSubscriber>,
}

/// Who publishes an event.
pub struct Originator<'a> {
    pub id: &'a str,
    pub role: &'a str,
}

impl Store {
    pub fn open_conversation_of(&self, consumer: &str) -> Option<&str> {
        self.conversations
            .iter()
            .find(|(_, c)| c.open && c.consumer == consumer)
            .map(|(id, _)| id.as_str())
    }

    pub fn create(&mut self, consumer: &str) -> String {
        let id = new_id();
        self.conversations.insert(
            id.clone(),
            Conversation {
                consumer: consumer.to_owned(),
                open: true,
                start_ts: now_ms(),
                end_ts: None,
                changes: Vec::new(),
                last_content: None,
                subscribers: Vec::new(),
            },
        );
        self.notify_meta(&id);
        id
    }

    /// Why `consumer` may not use the conversation, if it may not.
    pub fn refuse(
        &self,
        consumer: &str,
        conversation: &str,
        must_be_open: bool,
    ) -> Option<&'static str> {
        match self.conversations.get(conversation) {
            None => Some("Conversation not found"),
            Some(c) if c.consumer != consumer => Some("Conversation belongs to another consumer"),
            Some(c) if must_be_open && !c.open => Some("Conversation is closed"),
            Some(_) => None,
        }
    }

    /// Stores an event and fans it out; returns its sequence, or None for
    /// events that are not sequenced (chat state) or an unknown conversation.
    pub fn publish(&mut self, conversation: &str, by: &Originator, event: &Value) -> Option<u64> {
        let entry = self.conversations.get_mut(conversation)?;
        let sequenced = event["type"] != "ChatStateEvent";
        let mut change = json!({
            "originatorId": by.id,
            "originatorMetadata": {"id": by.id, "role": by.role},
            "event": event,
            "conversationId": conversation,
            "dialogId": conversation,
        });
        let sequence = sequenced.then_some(entry.changes.len() as u64);
        if let Some(sequence) = sequence {
            change["sequence"] = sequence.into();
            change["serverTimestamp"] = now_ms().into();
        }
        let change: Arc<str> = change.to_string().into();
        let notification: Arc<str> = frames::messaging_notification([&*change]).into();
        entry
            .subscribers
            .retain(|(_, outbox)| outbox.send(Arc::clone(&notification)).is_ok());
        if sequenced {
            if event["type"] == "ContentEvent" {
                entry.last_content = Some(entry.changes.len());
            }
            entry.changes.push(change);
        }
        sequence
    }

    pub fn close(&mut self, conversation: &str) -> bool {
        let Some(entry) = self.conversations.get_mut(conversation) else {
            return false;
        };
        if !entry.open {
            return false;
        }
        entry.open = false;
        entry.end_ts = Some(now_ms());
        self.notify_meta(conversation);
        true
    }

    /// Registers a subscriber and returns the stored changes from
    /// `from_seq` on, atomically, so no live event falls in between.
    pub fn subscribe(
        &mut self,
        connection: u64,
        conversation: &str,
        from_seq: u64,
        outbox: Outbox,
    ) -> Vec<Arc<str>> {
        let Some(entry) = self.conversations.get_mut(conversation) else {
            return Vec::new();
        };
        entry.subscribers.retain(|(id, _)| *id != connection);
        entry.subscribers.push((connection, outbox));
        let start = usize::try_from(from_seq)
            .unwrap_or(usize::MAX)
            .min(entry.changes.len());
        entry.changes[start..].to_vec()
    }

    pub fn subscribers(&self, conversation: &str) -> usize {
        self.conversations
            .get(conversation)
            .map_or(0, |c| c.subscribers.len())
    }

    /// Forgets every subscription of a connection that ended.
    pub fn disconnect(&mut self, connection: u64) {
        for entry in self.conversations.values_mut() {
            entry.subscribers.retain(|(id, _)| *id != connection);
        }
        self.meta.retain(|m| m.connection != connection);
    }

    /// Registers a metadata subscription and returns the snapshot frame.
    pub fn subscribe_meta(
        &mut self,
        connection: u64,
        consumer: &str,
        states: &[String],
        outbox: Outbox,
    ) -> (String, String) {
        let subscription_id = new_id();
        let mut matching: Vec<(&String, &Conversation)> = self
            .conversations
            .iter()
            .filter(|(_, c)| c.consumer == consumer)
            .filter(|(_, c)| {
                let state = if c.open { "OPEN" } else { "CLOSE" };
                states.is_empty() || states.iter().any(|s| s == state)
            })
            .collect();
        matching.sort_by_key(|(_, c)| c.start_ts);
        let results = matching.into_iter().map(|(id, c)| summary(id, c)).collect();
        let snapshot = frames::conversation_notification(&subscription_id, results);
        self.meta.push(MetaSubscriber {
            connection,
            consumer: consumer.to_owned(),
            subscription_id: subscription_id.clone(),
            outbox,
        });
        (subscription_id, snapshot)
    }

    pub fn unsubscribe_meta(&mut self, connection: u64, subscription_id: &str) -> bool {
        let before = self.meta.len();
        self.meta
            .retain(|m| !(m.connection == connection && m.subscription_id == subscription_id));
        self.meta.len() < before
    }

    fn notify_meta(&mut self, conversation: &str) {
        let Some(entry) = self.conversations.get(conversation) else {
            return;
        };
        let result = summary(conversation, entry);
        self.meta.retain(|m| {
            m.consumer != entry.consumer || {
                let frame =
                    frames::conversation_notification(&m.subscription_id, vec![result.clone()]);
                m.outbox.send(frame.into()).is_ok()
            }
        });
    }
}

/// The `result` of an ExConversationChangeNotification change.
fn summary(id: &str, c: &Conversation) -> Value {
    let state = if c.open { "OPEN" } else { "CLOSE" };
    let mut details = json!({
        "participants": [{"id": c.consumer, "role": "CONSUMER"}],
        "state": state,
        "stage": state,
        "startTs": c.start_ts,
    });
    if let Some(end) = c.end_ts {
        details["endTs"] = end.into();
    }
    let mut result = json!({"convId": id, "effectiveTTR": -1, "conversationDetails": details});
    if let Some(index) = c.last_content
        && let Ok(change) = serde_json::from_str::<Value>(&c.changes[index])
    {
        result["lastContentEventNotification"] = change;
    }
    result
}
