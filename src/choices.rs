//! What a consumer can click in an agent's message: the buttons of its
//! `quickReplies`, or of its structured content (a RichContentEvent), in
//! the order they appear. A click that publishes text is two requests
//! (FACTS 14.3): an AcceptStatusEvent ACTION for the message's sequence,
//! then the button's text, both with the button's `click.metadata` as the
//! request's top-level `metadata`. `link` and `navigate` actions send
//! nothing: their target is shown.

use anyhow::Result;
use serde_json::{Value, json};

use crate::exit::{Exit, fail};

/// One button.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Choice {
    pub(crate) title: String,
    pub(crate) action: Action,
    /// `click.metadata`, sent with the click's requests.
    pub(crate) metadata: Option<Value>,
}

/// What clicking a button does.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Action {
    /// Publishes this text.
    Publish(String),
    /// Opens a web page.
    Link(String),
    /// Opens a map at these coordinates.
    Navigate { latitude: Value, longitude: Value },
    /// Nothing the client knows how to do.
    Nothing,
}

/// The buttons of a messaging event (the change's `event` object).
pub(crate) fn of_event(event: &Value) -> Vec<Choice> {
    let mut choices = Vec::new();
    if let Some(replies) = event["quickReplies"]["replies"].as_array() {
        choices.extend(replies.iter().filter_map(button));
    }
    // Structured content comes as `content` (node SDK) or `message` (schema).
    for content in [&event["content"], &event["message"]] {
        if content.is_object() {
            collect_buttons(content, &mut choices);
        }
    }
    choices
}

/// Buttons anywhere in structured content, in document order.
fn collect_buttons(value: &Value, choices: &mut Vec<Choice>) {
    match value {
        Value::Object(map) => {
            if map.get("type").and_then(Value::as_str) == Some("button") {
                choices.extend(button(value));
                return;
            }
            for inner in map.values() {
                collect_buttons(inner, choices);
            }
        }
        Value::Array(items) => {
            for item in items {
                collect_buttons(item, choices);
            }
        }
        _ => {}
    }
}

fn button(value: &Value) -> Option<Choice> {
    let click = &value["click"];
    let actions: &[Value] = match &click["actions"] {
        Value::Array(actions) => actions,
        Value::Null => &[],
        // A one-element array may arrive as the bare element.
        one => std::slice::from_ref(one),
    };
    let of_type = |kind: &str| {
        actions
            .iter()
            .find(|action| action["type"].as_str() == Some(kind))
    };
    let action = if let Some(publish) = of_type("publishText") {
        Action::Publish(publish["text"].as_str()?.to_owned())
    } else if let Some(link) = of_type("link") {
        Action::Link(link["uri"].as_str().unwrap_or_default().to_owned())
    } else if let Some(navigate) = of_type("navigate") {
        Action::Navigate {
            latitude: navigate["la"].clone(),
            longitude: navigate["lo"].clone(),
        }
    } else {
        Action::Nothing
    };
    let title = value["title"]
        .as_str()
        .map(str::to_owned)
        .or_else(|| match &action {
            Action::Publish(text) => Some(text.clone()),
            _ => None,
        })?;
    let metadata = click.get("metadata").filter(|m| !m.is_null()).cloned();
    Some(Choice {
        title,
        action,
        metadata,
    })
}

/// The choice a user named: its 1-based number, or its title (case does
/// not matter).
pub(crate) fn pick<'a>(choices: &'a [Choice], wanted: &str) -> Result<&'a Choice> {
    let wanted = wanted.trim();
    let found = match wanted.parse::<usize>() {
        Ok(number) => number.checked_sub(1).and_then(|at| choices.get(at)),
        Err(_) => {
            let lower = wanted.to_lowercase();
            choices
                .iter()
                .find(|choice| choice.title.to_lowercase() == lower)
        }
    };
    found.ok_or_else(|| {
        let offered: Vec<String> = choices
            .iter()
            .enumerate()
            .map(|(at, choice)| format!("{} {}", at + 1, choice.title))
            .collect();
        fail(
            Exit::DataErr,
            format!(
                "no choice `{wanted}`; the message offers: {}",
                offered.join(", ")
            ),
        )
    })
}

/// What a click that sends nothing shows: the target, as one JSON line.
pub(crate) fn target(choice: &Choice) -> Value {
    match &choice.action {
        Action::Link(uri) => json!({"click": choice.title, "link": uri}),
        Action::Navigate {
            latitude,
            longitude,
        } => json!({"click": choice.title, "navigate": {"la": latitude, "lo": longitude}}),
        Action::Publish(_) | Action::Nothing => json!({"click": choice.title, "action": null}),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata(id: &str) -> Value {
        json!([{"type": "ExternalId", "id": id}])
    }

    #[test]
    fn quick_replies_in_order_with_their_metadata() {
        let event = json!({
            "type": "ContentEvent", "contentType": "text/plain", "message": "Pick one",
            "quickReplies": {"type": "quickReplies", "itemsPerRow": 2, "replies": [
                {"type": "button", "title": "Yes", "click": {
                    "actions": [{"type": "publishText", "text": "yes please"}],
                    "metadata": metadata("y")}},
                {"type": "button", "title": "No", "click": {
                    "actions": [{"type": "publishText", "text": "No"}]}},
            ]},
        });
        let choices = of_event(&event);
        assert_eq!(choices.len(), 2);
        assert_eq!(choices[0].action, Action::Publish("yes please".into()));
        assert_eq!(choices[0].metadata, Some(metadata("y")));
        assert_eq!(choices[1].metadata, None);
        assert_eq!(pick(&choices, "2").unwrap().title, "No");
        assert_eq!(pick(&choices, "yes").unwrap().title, "Yes");
        let err = pick(&choices, "3").unwrap_err();
        assert!(err.to_string().contains("1 Yes, 2 No"), "{err}");
        assert!(pick(&choices, "0").is_err());
    }

    #[test]
    fn buttons_anywhere_in_structured_content() {
        let event = json!({"type": "RichContentEvent", "content": {"type": "vertical", "elements": [
            {"type": "text", "text": "Our plans"},
            {"type": "horizontal", "elements": [
                {"type": "button", "title": "Basic", "click": {
                    "actions": [{"type": "publishText", "text": "basic"}], "metadata": metadata("b")}},
                {"type": "button", "title": "Site", "click": {
                    "actions": [{"type": "link", "name": "Site", "uri": "https://example.com"}]}},
                {"type": "button", "title": "Map", "click": {
                    "actions": {"type": "navigate", "la": 1.5, "lo": 2.5}}},
            ]},
        ]}});
        let choices = of_event(&event);
        let titles: Vec<&str> = choices.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(titles, ["Basic", "Site", "Map"]);
        assert_eq!(
            choices[1].action,
            Action::Link("https://example.com".into())
        );
        assert_eq!(
            target(&choices[2]),
            json!({"click": "Map", "navigate": {"la": 1.5, "lo": 2.5}})
        );
        assert!(of_event(&json!({"type": "ContentEvent", "message": "plain"})).is_empty());
    }
}
