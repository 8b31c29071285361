//! The requests of the consumer API, as lp-mock answers them.

use serde_json::{Value, json};

use super::client::{Client, Ended, Outcome};
use super::frames;
use super::state::{ConversationFilter, Originator, TextEvent, now_ms, text_event};

/// The event types a consumer may publish.
const EVENT_TYPES: [&str; 4] = [
    "ContentEvent",
    "RichContentEvent",
    "AcceptStatusEvent",
    "ChatStateEvent",
];

/// The conversation a request is about: `dialogId` (the main dialog's id
/// is the conversation's) or `conversationId`.
fn conversation_of(body: &Value) -> &str {
    body["dialogId"]
        .as_str()
        .or_else(|| body["conversationId"].as_str())
        .unwrap_or_default()
}

/// A list of names, which may come as one bare name.
fn names(value: &Value) -> Vec<String> {
    let list = match value {
        Value::Array(list) => list.as_slice(),
        one => std::slice::from_ref(one),
    };
    list.iter()
        .filter_map(|name| name.as_str().map(str::to_owned))
        .collect()
}

impl Client<'_> {
    /// Answers one text frame from the client.
    pub(crate) fn handle(&mut self, text: &str) -> Outcome {
        // Without an id there is nothing to answer to.
        let Ok(Value::Object(request)) = serde_json::from_str::<Value>(text) else {
            return Ok(());
        };
        let id = match request.get("id") {
            Some(Value::String(id)) => id.clone(),
            Some(Value::Number(id)) => id.to_string(),
            _ => return Ok(()),
        };
        let Some(request_type) = request.get("type").and_then(Value::as_str) else {
            return self.send(frames::error(&id, 400, "The request has no type"));
        };
        let body = request.get("body").unwrap_or(&Value::Null);
        // Types come with and without the ".ams." or "." of older clients.
        match request_type
            .trim_start_matches(".ams.")
            .trim_start_matches('.')
        {
            "cm.ConsumerRequestConversation" => self.request_conversation(&id),
            "ms.PublishEvent" => self.publish_event(&id, body),
            "ms.SubscribeMessagingEvents" => self.subscribe_events(&id, body),
            "cm.UpdateConversationField" => self.update_conversation_field(&id, body),
            "cqm.SubscribeExConversations" | "aam.SubscribeExConversations" => {
                self.subscribe_conversations(&id, body)
            }
            "cqm.UnsubscribeExConversations" | "aam.UnsubscribeExConversations" => {
                self.unsubscribe_conversations(&id, body)
            }
            "GetClock" => self.send(frames::response(
                &id,
                200,
                ".GetClock$Response",
                &json!({"currentTime": now_ms()}),
            )),
            _ => self.send(frames::error(&id, 400, "Unknown request type")),
        }
    }

    /// One open conversation per consumer; any routing body is accepted.
    fn request_conversation(&mut self, id: &str) -> Outcome {
        let created = {
            let mut store = self.shared.store();
            (!store.has_open_conversation(&self.consumer)).then(|| store.create(&self.consumer))
        };
        match created {
            Some(conversation) => self.send(frames::response(
                id,
                200,
                "cm.RequestConversationResponse",
                &json!({"conversationId": conversation}),
            )),
            None => self.send(frames::error(
                id,
                400,
                "The consumer already has an open conversation",
            )),
        }
    }

    fn publish_event(&mut self, id: &str, body: &Value) -> Outcome {
        let conversation = conversation_of(body);
        let event = &body["event"];
        let event_type = event["type"].as_str().unwrap_or_default();
        if !EVENT_TYPES.contains(&event_type) {
            return self.send(frames::error(id, 400, "Unknown or missing event type"));
        }
        let published = {
            let mut store = self.shared.store();
            store
                .check(&self.consumer, conversation, true)
                .and_then(|()| {
                    let consumer = Originator {
                        id: &self.consumer,
                        role: "CONSUMER",
                        client_properties: self.consumer_properties.as_deref(),
                    };
                    let sequence = store.publish(conversation, &consumer, event_type, event)?;
                    if self.shared.agent_echo && event_type == TextEvent::TYPE {
                        let text = event["message"].as_str().unwrap_or_default();
                        let echo = format!("echo: {text}");
                        let agent = self.shared.agent();
                        store.publish(conversation, &agent, TextEvent::TYPE, &text_event(&echo))?;
                    }
                    // Chat states are not sequenced; the service answers 0.
                    Ok(sequence.unwrap_or(0))
                })
        };
        match published {
            Ok(sequence) => self.send(frames::response(
                id,
                200,
                "ms.PublishEventResponse",
                &json!({"sequence": sequence}),
            )),
            Err(refusal) => self.send(frames::error(id, 400, refusal.message())),
        }
    }

    /// The response, then the stored events from `fromSeq` on, then live
    /// events as they come (through the outbox).
    fn subscribe_events(&mut self, id: &str, body: &Value) -> Outcome {
        let conversation = conversation_of(body);
        let from_seq = body["fromSeq"].as_u64().unwrap_or(0);
        let replay = {
            let mut store = self.shared.store();
            store.check(&self.consumer, conversation, false).map(|()| {
                store.subscribe(self.connection, conversation, from_seq, self.outbox.clone())
            })
        };
        let replay = match replay {
            Ok(replay) => replay,
            Err(refusal) => return self.send(frames::error(id, 400, refusal.message())),
        };
        self.shared.subscribers_changed.notify_all();
        self.send(frames::response(
            id,
            200,
            ".ams.GenericSubscribeResponse",
            &json!({}),
        ))?;
        self.send_injected()?;
        for batch in replay.chunks(self.shared.batch) {
            if self.shared.stopping() {
                return Err(Ended);
            }
            self.send_events(frames::events_batch(batch))?;
        }
        Ok(())
    }

    fn update_conversation_field(&mut self, id: &str, body: &Value) -> Outcome {
        let conversation = body["conversationId"].as_str().unwrap_or_default();
        // A one-element array may come as the bare element.
        let fields = match &body["conversationField"] {
            Value::Array(fields) => fields.as_slice(),
            Value::Null => &[],
            field => std::slice::from_ref(field),
        };
        let closes = fields.iter().any(|field| {
            field["field"] == "ConversationStateField" && field["conversationState"] == "CLOSE"
        });
        let updated = {
            let mut store = self.shared.store();
            store
                .check(&self.consumer, conversation, closes)
                .and_then(|()| match closes {
                    true => store.close(conversation),
                    false => Ok(()),
                })
        };
        match updated {
            Ok(()) if closes => self.send(frames::ok_string(
                id,
                "OK Conversation resolved successfully",
            )),
            Ok(()) => self.send(frames::ok_string(id, "OK")),
            Err(refusal) => self.send(frames::error(id, 400, refusal.message())),
        }
    }

    /// The response, then a snapshot of the consumer's conversations, then
    /// an UPSERT whenever one of them opens or closes.
    fn subscribe_conversations(&mut self, id: &str, body: &Value) -> Outcome {
        let filter = ConversationFilter {
            states: names(&body["convState"]),
            stages: names(&body["stage"]),
            min_last_updated_ms: body["minLastUpdatedTime"].as_i64(),
        };
        let (subscription_id, snapshot) = self.shared.store().subscribe_conversations(
            self.connection,
            &self.consumer,
            &filter,
            self.outbox.clone(),
        );
        self.send(frames::response(
            id,
            200,
            "cqm.SubscribeExConversationsResponse",
            &json!({"subscriptionId": subscription_id}),
        ))?;
        self.send(snapshot)
    }

    fn unsubscribe_conversations(&mut self, id: &str, body: &Value) -> Outcome {
        let subscription_id = body["subscriptionId"].as_str().unwrap_or_default();
        let removed = self
            .shared
            .store()
            .unsubscribe_conversations(self.connection, subscription_id);
        if removed {
            self.send(frames::ok_string(id, "OK"))
        } else {
            self.send(frames::error(id, 400, "Unknown subscriptionId"))
        }
    }
}
