//! The requests of the consumer API, as lp-mock answers them.

use serde_json::{Value, json};

use super::client::{Client, Ended, Outcome};
use super::echo;
use super::frames::{self, names};
use super::state::{
    ANY_SKILL, ConversationFilter, Originator, Refusal, Store, TextEvent, text_event,
};
use crate::when::now_ms;

/// The event types a consumer may publish.
const EVENT_TYPES: [&str; 4] = [
    "ContentEvent",
    "RichContentEvent",
    "AcceptStatusEvent",
    "ChatStateEvent",
];

/// The dialog a request is about: `dialogId`, or else `conversationId`
/// (the MAIN dialog's id is the conversation's).
fn dialog_of(body: &Value) -> &str {
    body["dialogId"]
        .as_str()
        .or_else(|| body["conversationId"].as_str())
        .unwrap_or_default()
}

/// The text of a plain-text ContentEvent (`contentType` may be left out).
fn plain_text(event: &Value) -> Option<&str> {
    let plain = event["contentType"]
        .as_str()
        .is_none_or(|content_type| content_type == "text/plain");
    (event["type"] == TextEvent::TYPE && plain)
        .then(|| event["message"].as_str())
        .flatten()
}

/// What a cm.UpdateConversationField field closes, if anything.
enum Closing<'a> {
    /// `ConversationStateField` or `Stage` CLOSE: the whole conversation.
    Conversation,
    /// `DialogChange` UPDATE to CLOSE: one dialog.
    Dialog(&'a str),
}

fn closing(field: &Value) -> Option<Closing<'_>> {
    match field["field"].as_str()? {
        "ConversationStateField" | "Stage" if field["conversationState"] == "CLOSE" => {
            Some(Closing::Conversation)
        }
        "DialogChange" if field["type"] == "UPDATE" && field["dialog"]["state"] == "CLOSE" => {
            field["dialog"]["dialogId"].as_str().map(Closing::Dialog)
        }
        _ => None,
    }
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
            "cm.ConsumerRequestConversation" => self.request_conversation(&id, body),
            "ms.PublishEvent" => self.publish_event(&id, body, request.get("metadata")),
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

    /// One open conversation per consumer; any routing body is accepted,
    /// and its `skillId` kept.
    fn request_conversation(&mut self, id: &str, body: &Value) -> Outcome {
        let skill_id = match &body["skillId"] {
            Value::String(skill) => skill.clone(),
            Value::Number(skill) => skill.to_string(),
            _ => ANY_SKILL.to_owned(),
        };
        let created = {
            let mut store = self.shared.store();
            (!store.has_open_conversation(&self.consumer)).then(|| {
                let conversation = store.create(&self.consumer, &skill_id);
                store.note_multi_dialog(&conversation, self.multi_dialog);
                conversation
            })
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

    /// Publishes into an open dialog; the request's top-level `metadata`
    /// (a click's) goes on the change.
    fn publish_event(&mut self, id: &str, body: &Value, metadata: Option<&Value>) -> Outcome {
        let dialog = dialog_of(body);
        let event = &body["event"];
        let event_type = event["type"].as_str().unwrap_or_default();
        if !EVENT_TYPES.contains(&event_type) {
            return self.send(frames::error(id, 400, "Unknown or missing event type"));
        }
        let published = {
            let mut store = self.shared.store();
            store
                .check(&self.consumer, dialog, true)
                .and_then(|()| store.check_dialog_open(dialog))
                .and_then(|()| {
                    store.note_multi_dialog(dialog, self.multi_dialog);
                    let consumer = Originator {
                        id: &self.consumer,
                        role: "CONSUMER",
                        client_properties: self.consumer_properties.as_deref(),
                    };
                    let sequence = store
                        .publish_with_metadata(dialog, &consumer, event_type, event, metadata)?;
                    if self.shared.agent_echo && event_type == TextEvent::TYPE {
                        let text = event["message"].as_str().unwrap_or_default();
                        let echo = format!("echo: {text}");
                        let agent = self.shared.agent();
                        store.publish(dialog, &agent, TextEvent::TYPE, &text_event(&echo))?;
                    }
                    if let Some(text) = plain_text(event).filter(|_| self.shared.botium_echo) {
                        let reply = echo::botium_reply(text);
                        let agent = self.shared.agent();
                        store.publish(dialog, &agent, TextEvent::TYPE, &reply)?;
                    }
                    // Under the store's lock, so the bot hears messages in
                    // the order they were stored.
                    if let (Some(bot), Some(text)) = (&self.shared.bot, plain_text(event)) {
                        bot.heard(&store, dialog, text);
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
        let dialog = dialog_of(body);
        let from_seq = body["fromSeq"].as_u64().unwrap_or(0);
        let replay = {
            let mut store = self.shared.store();
            store
                .check(&self.consumer, dialog, false)
                .map(|()| store.subscribe(self.connection, dialog, from_seq, self.outbox.clone()))
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
        let closing = fields.iter().find_map(closing);
        let updated = {
            let mut store = self.shared.store();
            store
                .check(&self.consumer, conversation, closing.is_some())
                .and_then(|()| match closing {
                    None => Ok(()),
                    Some(Closing::Conversation) => store.close(conversation),
                    Some(Closing::Dialog(dialog)) => {
                        store.note_multi_dialog(conversation, self.multi_dialog);
                        self.close_dialog(&mut store, conversation, dialog)
                    }
                })
                .inspect(|()| {
                    if let Some(bot) = &self.shared.bot {
                        bot.drop_dead_steps(&store, conversation);
                    }
                })
        };
        match updated {
            Ok(()) if closing.is_some() => self.send(frames::ok_string(
                id,
                "OK Conversation resolved successfully",
            )),
            Ok(()) => self.send(frames::ok_string(id, "OK")),
            Err(refusal) => self.send(frames::error(id, 400, refusal.message())),
        }
    }

    /// Closes a dialog of the conversation; the MAIN one gives way to the
    /// bot's survey if the rules have one.
    fn close_dialog(
        &self,
        store: &mut Store,
        conversation: &str,
        dialog: &str,
    ) -> Result<(), Refusal> {
        let survey = self.shared.bot.as_ref().and_then(|bot| bot.survey());
        let opened = store.close_dialog(conversation, dialog, survey.is_some())?;
        if let (Some(bot), Some(survey), Some(survey_dialog)) = (&self.shared.bot, survey, opened) {
            bot.start_survey(conversation, survey_dialog, survey);
        }
        Ok(())
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
        self.send_metadata(snapshot)
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
