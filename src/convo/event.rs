//! A LivePerson messaging event (a change as the service sends it), as the
//! executor sees it: text, buttons and card texts.

use serde_json::Value;

use super::run::{AgentMessage, Button};
use crate::choices::{self, Action};

/// An agent's text, quick replies or structured content, as the executor
/// sees it; anything else (typing, receipts) is not a message.
pub(crate) fn agent_message(event_type: Option<&str>, change: &str) -> Option<AgentMessage> {
    if !matches!(event_type, Some("ContentEvent" | "RichContentEvent")) {
        return None;
    }
    let change: Value = serde_json::from_str(change).ok()?;
    let event = &change["event"];
    // A checkbox is no button: it sends nothing itself.
    let buttons = choices::of_event(event)
        .into_iter()
        .filter(|choice| !choice.is_checkbox())
        .map(|choice| Button {
            payload: choice.actions.iter().find_map(|action| match action {
                Action::Publish(text) if *text != choice.title => Some(text.clone()),
                _ => None,
            }),
            title: choice.title,
        })
        .collect();
    let mut cards = Vec::new();
    for content in [&event["content"], &event["message"]] {
        if content.is_object() {
            card_texts(content, &mut cards);
        }
    }
    Some(AgentMessage {
        text: event["message"].as_str().unwrap_or_default().to_owned(),
        buttons,
        cards,
    })
}

/// The texts of structured content's `text` elements, in document order.
fn card_texts(value: &Value, texts: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_str) == Some("text")
                && let Some(text) = map.get("text").and_then(Value::as_str)
            {
                texts.push(text.to_owned());
                return;
            }
            map.values().for_each(|inner| card_texts(inner, texts));
        }
        Value::Array(items) => items.iter().for_each(|item| card_texts(item, texts)),
        _ => {}
    }
}
