//! What a consumer can click in an agent's message, and what a click does.
//!
//! The choices of a message (`of_event`) are the buttons of its
//! `quickReplies` and the clickable elements of its structured content (a
//! RichContentEvent), in document order: buttons, images and maps with a
//! `click` (LivePerson: "only button, image and map objects can receive the
//! actions property"), and a multiple checklist's checkboxes and submit
//! button. `pick` finds the one a user named; `click` turns the named
//! choices into what to send and what to show.
//!
//! A click that publishes text is two requests (FACTS 14.3): an
//! AcceptStatusEvent ACTION for the message's sequence, then the text,
//! both with the click's metadata as the request's top-level `metadata`.
//! `link` and `navigate` actions send nothing: their target is shown. A
//! checklist's submit button publishes the checked boxes' texts as one
//! message, separated by commas, as LivePerson's multiple checklist
//! template documents; its metadata is the submit button's followed by the
//! checked boxes'. An action lp-consumer cannot perform (a date picker, a
//! schedule slot list) makes the click an error: nothing is sent.

use anyhow::Result;
use serde_json::{Value, json};

use crate::exit::{Exit, fail};

/// One clickable element.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Choice {
    /// What it is called: a button's title, a checkbox's text, an image's
    /// caption (else its tooltip, else "image"), a map's tooltip (else
    /// "map").
    pub(crate) title: String,
    /// What clicking it does, in the order of its `click.actions`.
    pub(crate) actions: Vec<Action>,
    /// `click.metadata`, sent with the click's requests.
    pub(crate) metadata: Option<Value>,
}

/// One action of a click.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Action {
    /// Publishes this text (`publishText`).
    Publish(String),
    /// Opens a web page (`link`).
    Link(String),
    /// Opens a map at these coordinates (`navigate`).
    Navigate { latitude: Value, longitude: Value },
    /// A checkbox (`checked`): once checked, a submit button publishes
    /// this text with the other checked boxes'.
    Check(String),
    /// A checklist's submit button (`submitAsText`).
    Submit,
    /// An action lp-consumer cannot perform, by its type: `datePicker`,
    /// `scheduleSlotList`, ...
    Unsupported(String),
}

impl Choice {
    /// A checkbox is checked or unchecked; it sends nothing itself.
    pub(crate) fn is_checkbox(&self) -> bool {
        self.actions
            .iter()
            .any(|action| matches!(action, Action::Check(_)))
    }

    /// A checklist's submit button: it sends the checked boxes.
    pub(crate) fn is_submit(&self) -> bool {
        self.actions.contains(&Action::Submit)
    }
}

/// What a click does, once checked: nothing is sent for a click that
/// cannot be done.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Click {
    /// The title of the element clicked, for messages.
    pub(crate) title: String,
    /// The text to publish after the ACTION receipt, if any.
    pub(crate) text: Option<String>,
    /// The metadata of both requests.
    pub(crate) metadata: Option<Value>,
    /// The links and places to show, one JSON line each:
    /// `{"click":TITLE,"link":URI}`, `{"click":TITLE,"navigate":{"la":..,"lo":..}}`.
    pub(crate) targets: Vec<Value>,
}

/// The choices of a messaging event (the change's `event` object).
pub(crate) fn of_event(event: &Value) -> Vec<Choice> {
    let mut choices = Vec::new();
    if let Some(replies) = event["quickReplies"]["replies"].as_array() {
        choices.extend(replies.iter().filter_map(element));
    }
    // Structured content comes as `content` (node SDK) or `message` (schema).
    for content in [&event["content"], &event["message"]] {
        if content.is_object() {
            collect(content, &mut choices);
        }
    }
    choices
}

/// Clickable elements anywhere in structured content, in document order.
fn collect(value: &Value, choices: &mut Vec<Choice>) {
    match value {
        Value::Object(map) => {
            if let Some(choice) = element(value) {
                choices.push(choice);
                return;
            }
            for inner in map.values() {
                collect(inner, choices);
            }
        }
        Value::Array(items) => {
            for item in items {
                collect(item, choices);
            }
        }
        _ => {}
    }
}

/// The choice an element makes, if it is clickable.
fn element(value: &Value) -> Option<Choice> {
    let kind = value["type"].as_str()?;
    let click = &value["click"];
    let mut actions: Vec<Action> = match &click["actions"] {
        Value::Array(actions) => actions.iter().filter_map(action).collect(),
        Value::Null => Vec::new(),
        // A one-element array may arrive as the bare element.
        one => action(one).into_iter().collect(),
    };
    let text = |key: &str| value[key].as_str().filter(|text| !text.is_empty());
    let title = match kind {
        "button" | "submitButton" => text("title").map(str::to_owned).or_else(|| {
            actions.iter().find_map(|action| match action {
                Action::Publish(text) => Some(text.clone()),
                _ => None,
            })
        })?,
        "checkbox" => {
            let title = text("text")?.to_owned();
            // A box without a `checked` action still stands for its text.
            if !actions.iter().any(|a| matches!(a, Action::Check(_))) {
                actions.push(Action::Check(title.clone()));
            }
            title
        }
        // An image or a map is a choice only when it does something.
        "image" | "map" if actions.is_empty() => return None,
        "image" => text("caption")
            .or_else(|| text("tooltip"))
            .unwrap_or(kind)
            .to_owned(),
        "map" => text("tooltip").unwrap_or(kind).to_owned(),
        _ => return None,
    };
    let metadata = click.get("metadata").filter(|m| !m.is_null()).cloned();
    Some(Choice {
        title,
        actions,
        metadata,
    })
}

/// One action; None when it lacks what it needs (a `publishText` without
/// text).
fn action(value: &Value) -> Option<Action> {
    let text = |key: &str| value[key].as_str().map(str::to_owned);
    Some(match value["type"].as_str()? {
        "publishText" => Action::Publish(text("text")?),
        "link" => Action::Link(text("uri")?),
        "navigate" => Action::Navigate {
            latitude: value["la"].clone(),
            longitude: value["lo"].clone(),
        },
        "checked" => Action::Check(text("publishText")?),
        "submitAsText" => Action::Submit,
        other => Action::Unsupported(other.to_owned()),
    })
}

/// The choice a user named, by its position: its 1-based number, or its
/// title (case does not matter).
pub(crate) fn pick(choices: &[Choice], wanted: &str) -> Result<usize> {
    let wanted = wanted.trim();
    let found = match wanted.parse::<usize>() {
        Ok(number) => number.checked_sub(1).filter(|at| *at < choices.len()),
        Err(_) => {
            let lower = wanted.to_lowercase();
            choices
                .iter()
                .position(|choice| choice.title.to_lowercase() == lower)
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

/// What clicking the choices at `picked` (positions from `pick`) does: one
/// element that is not a checkbox, with the checkboxes to check when it is
/// a checklist's submit button. An error, with nothing to send, when the
/// click cannot be done: exit 65, as for a choice that is not there.
pub(crate) fn click(choices: &[Choice], picked: &[usize]) -> Result<Click> {
    let mut picked = picked.to_vec();
    picked.sort_unstable();
    picked.dedup();
    let (boxes, buttons): (Vec<&Choice>, Vec<&Choice>) = picked
        .iter()
        .map(|&at| &choices[at])
        .partition(|choice| choice.is_checkbox());
    let refuse = |why: String| Err(fail(Exit::DataErr, why));
    let submits = || {
        let titles: Vec<String> = choices
            .iter()
            .filter(|choice| choice.is_submit())
            .map(|choice| format!("`{}`", choice.title))
            .collect();
        if titles.is_empty() {
            "the message has no submit button".to_owned()
        } else {
            format!("the submit button is {}", titles.join(" or "))
        }
    };
    let choice = match buttons[..] {
        [choice] => choice,
        [] => return refuse(format!("checking boxes sends nothing: {}", submits())),
        [first, second, ..] => {
            return refuse(format!(
                "one element is clicked at a time, not `{}` and `{}`",
                first.title, second.title
            ));
        }
    };
    let title = &choice.title;
    if let Some(kind) = choice.actions.iter().find_map(|action| match action {
        Action::Unsupported(kind) => Some(kind),
        _ => None,
    }) {
        return refuse(format!(
            "`{title}` is a `{kind}` action, which lp-consumer cannot perform; nothing was sent"
        ));
    }
    if choice.actions.is_empty() {
        return refuse(format!(
            "`{title}` does nothing when clicked (no actions); nothing was sent"
        ));
    }
    if choice.is_submit() && boxes.is_empty() {
        return refuse(format!(
            "`{title}` sends the checked boxes, and none is checked"
        ));
    }
    if !choice.is_submit() && !boxes.is_empty() {
        return refuse(format!(
            "`{title}` does not send checked boxes; {}",
            submits()
        ));
    }
    let publish = choice.actions.iter().find_map(|action| match action {
        Action::Publish(text) => Some(text.clone()),
        _ => None,
    });
    let checked: Vec<&str> = boxes
        .iter()
        .flat_map(|choice| &choice.actions)
        .filter_map(|action| match action {
            Action::Check(text) => Some(text.as_str()),
            _ => None,
        })
        .collect();
    let text = publish.or_else(|| (!checked.is_empty()).then(|| checked.join(", ")));
    let metadata = merged_metadata(std::iter::once(choice).chain(boxes.iter().copied()));
    let targets = choice
        .actions
        .iter()
        .filter_map(|action| match action {
            Action::Link(uri) => Some(json!({"click": title, "link": uri})),
            Action::Navigate {
                latitude,
                longitude,
            } => Some(json!({"click": title, "navigate": {"la": latitude, "lo": longitude}})),
            _ => None,
        })
        .collect();
    Ok(Click {
        title: title.clone(),
        text,
        metadata,
        targets,
    })
}

/// The metadata entries of several choices as one list, in order.
fn merged_metadata<'a>(choices: impl Iterator<Item = &'a Choice>) -> Option<Value> {
    let mut entries = Vec::new();
    for metadata in choices.filter_map(|choice| choice.metadata.as_ref()) {
        match metadata {
            Value::Array(list) => entries.extend(list.iter().cloned()),
            one => entries.push(one.clone()),
        }
    }
    (!entries.is_empty()).then_some(Value::Array(entries))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata(id: &str) -> Value {
        json!([{"type": "ExternalId", "id": id}])
    }

    fn clicked(choices: &[Choice], wanted: &[&str]) -> Result<Click> {
        let picked: Vec<usize> = wanted.iter().map(|w| pick(choices, w).unwrap()).collect();
        click(choices, &picked)
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
        assert_eq!(choices[0].actions, [Action::Publish("yes please".into())]);
        assert_eq!(choices[0].metadata, Some(metadata("y")));
        assert_eq!(choices[1].metadata, None);
        assert_eq!(pick(&choices, "2").unwrap(), 1);
        assert_eq!(pick(&choices, "yes").unwrap(), 0);
        let err = pick(&choices, "3").unwrap_err();
        assert!(err.to_string().contains("1 Yes, 2 No"), "{err}");
        assert!(pick(&choices, "0").is_err());
        let yes = clicked(&choices, &["Yes"]).unwrap();
        assert_eq!(yes.text.as_deref(), Some("yes please"));
        assert_eq!(yes.metadata, Some(metadata("y")));
        assert!(yes.targets.is_empty());
    }

    #[test]
    fn buttons_images_and_maps_anywhere_in_structured_content() {
        let event = json!({"type": "RichContentEvent", "content": {"type": "vertical", "elements": [
            {"type": "image", "url": "https://example.com/a.png"},
            {"type": "image", "url": "https://example.com/shop.png", "caption": "Our shop",
             "click": {"actions": [{"type": "link", "uri": "https://example.com/shop"}]}},
            {"type": "text", "text": "Our plans"},
            {"type": "horizontal", "elements": [
                {"type": "button", "title": "Basic", "click": {
                    "actions": [{"type": "publishText", "text": "basic"}], "metadata": metadata("b")}},
                {"type": "button", "title": "Buy", "click": {"actions": [
                    {"type": "publishText", "text": "buy"},
                    {"type": "link", "name": "Cart", "uri": "https://example.com/cart"}]}},
            ]},
            {"type": "map", "la": 1.5, "lo": 2.5, "click": {"actions": {"type": "navigate", "la": 1.5, "lo": 2.5}}},
        ]}});
        let choices = of_event(&event);
        let titles: Vec<&str> = choices.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(titles, ["Our shop", "Basic", "Buy", "map"]);
        let shop = clicked(&choices, &["our shop"]).unwrap();
        assert_eq!(shop.text, None);
        assert_eq!(
            shop.targets,
            [json!({"click": "Our shop", "link": "https://example.com/shop"})]
        );
        let buy = clicked(&choices, &["Buy"]).unwrap();
        assert_eq!(buy.text.as_deref(), Some("buy"));
        assert_eq!(
            buy.targets,
            [json!({"click": "Buy", "link": "https://example.com/cart"})]
        );
        assert_eq!(
            clicked(&choices, &["4"]).unwrap().targets,
            [json!({"click": "map", "navigate": {"la": 1.5, "lo": 2.5}})]
        );
        let two = clicked(&choices, &["Basic", "Buy"]).unwrap_err();
        assert!(two.to_string().contains("one element"), "{two}");
        assert!(of_event(&json!({"type": "ContentEvent", "message": "plain"})).is_empty());
    }

    #[test]
    fn a_checklist_sends_the_checked_boxes_with_its_submit_button() {
        let event = json!({"type": "RichContentEvent", "message": {"type": "list", "elements": [
            {"type": "text", "text": "Which ones?"},
            {"type": "sectionList", "elements": [{"type": "section", "sectionID": "s", "elements": [
                {"type": "checklist", "elements": [
                    {"type": "checkbox", "text": "Red", "click": {"metadata": metadata("red"),
                        "actions": [{"type": "checked", "publishText": "red"}]}},
                    {"type": "checkbox", "text": "Blue", "click": {"metadata": metadata("blue"),
                        "actions": [{"type": "checked", "publishText": "blue"}]}},
                    {"type": "checkbox", "text": "Green"},
                ]}]}]},
            {"type": "buttonList", "elements": [
                {"type": "submitButton", "title": "Send", "click": {"metadata": metadata("sent"),
                    "actions": [{"type": "submitAsText", "submit": true}]}},
                {"type": "button", "title": "Back", "click": {
                    "actions": [{"type": "publishText", "text": "back"}]}},
            ]},
        ]}});
        let choices = of_event(&event);
        let titles: Vec<&str> = choices.iter().map(|c| c.title.as_str()).collect();
        assert_eq!(titles, ["Red", "Blue", "Green", "Send", "Back"]);
        // The document's order, whatever the order named.
        let sent = clicked(&choices, &["Send", "Green", "red"]).unwrap();
        assert_eq!(sent.text.as_deref(), Some("red, Green"));
        assert_eq!(
            sent.metadata,
            Some(
                json!([{"type": "ExternalId", "id": "sent"}, {"type": "ExternalId", "id": "red"}])
            )
        );
        for (wanted, says) in [
            (
                &["Red"][..],
                "checking boxes sends nothing: the submit button is `Send`",
            ),
            (
                &["Send"][..],
                "`Send` sends the checked boxes, and none is checked",
            ),
            (&["Red", "Back"][..], "`Back` does not send checked boxes"),
        ] {
            let err = clicked(&choices, wanted).unwrap_err();
            assert!(err.to_string().contains(says), "{err}");
        }
        assert_eq!(
            clicked(&choices, &["Back"]).unwrap().text.as_deref(),
            Some("back")
        );
    }

    #[test]
    fn actions_it_cannot_perform_are_refused() {
        let event = json!({"type": "RichContentEvent", "message": {"type": "vertical", "elements": [
            {"type": "button", "title": "Pick a date", "click": {"actions": [
                {"type": "datePicker", "class": "single", "title": "When?"}]}},
            {"type": "button", "title": "Mute"},
        ]}});
        let choices = of_event(&event);
        let err = clicked(&choices, &["1"]).unwrap_err();
        assert!(
            err.to_string()
                .contains("`Pick a date` is a `datePicker` action, which lp-consumer cannot"),
            "{err}"
        );
        let err = clicked(&choices, &["Mute"]).unwrap_err();
        assert!(err.to_string().contains("does nothing"), "{err}");
    }
}
