//! The rules file (its format is in the parent module's documentation),
//! read into ready-to-publish events, and how a rule matches a message.
//! Every mistake is reported with where it is, as `rules[2].reply[0]`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Map, Value, json};

use crate::mock::state::{TextEvent, text_event};

/// The longest `typing` or `delay`, in seconds.
const MAX_WAIT_SECS: f64 = 3600.0;
/// LivePerson shows at most this many quick replies in a row.
const MAX_ITEMS_PER_ROW: u64 = 8;
/// The longest button title the structured-content schema allows.
const MAX_TITLE_CHARS: usize = 128;
/// The reply kinds, each the key of a reply object.
const KINDS: [&str; 7] = [
    "text", "card", "rich", "typing", "delay", "transfer", "close",
];
/// What goes with `text` in a reply.
const TEXT_EXTRAS: [&str; 2] = ["quickReplies", "itemsPerRow"];

/// An event the bot publishes, built once when the rules are read.
pub(crate) struct Content {
    pub(crate) event_type: &'static str,
    pub(crate) event: Value,
}

/// A post-conversation survey: its questions, asked one by one.
pub(crate) struct Survey {
    pub(crate) questions: Vec<Arc<Content>>,
}

/// One step of a reply (`typing` is three: COMPOSING, a wait, ACTIVE).
#[derive(Clone)]
pub(crate) enum Action {
    Say(Arc<Content>),
    Wait(Duration),
    Transfer(String),
    /// Close the conversation, or only its MAIN dialog to open a survey.
    Close(Option<Arc<Survey>>),
}

impl Action {
    /// Whether the bot has nothing more to say in the dialog after it.
    fn ends(&self) -> bool {
        matches!(self, Action::Transfer(_) | Action::Close(_))
    }
}

/// What a rule's `when` accepts.
enum Phrase {
    Anything,
    /// Lower-case words that must appear side by side, in order.
    Words(Vec<String>),
}

impl Phrase {
    fn matches(&self, message: &[String]) -> bool {
        match self {
            Phrase::Anything => true,
            Phrase::Words(words) => message.windows(words.len()).any(|run| run == words),
        }
    }
}

struct Rule {
    when: Vec<Phrase>,
    reply: Vec<Action>,
}

/// A bot's rules, read from JSON by `BotRules::from_json`.
pub struct BotRules {
    rules: Vec<Rule>,
    survey: Option<Arc<Survey>>,
}

/// A rules file that cannot be used: where, and why.
#[derive(Debug)]
pub struct RulesError {
    /// As `rules[2].reply[0]`; empty for the file as a whole.
    place: String,
    reason: String,
}

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.place.is_empty() {
            f.write_str(&self.reason)
        } else {
            write!(f, "{}: {}", self.place, self.reason)
        }
    }
}

impl std::error::Error for RulesError {}

type Parsed<T> = Result<T, RulesError>;

fn fail<T>(place: &str, reason: impl Into<String>) -> Parsed<T> {
    Err(RulesError {
        place: place.to_owned(),
        reason: reason.into(),
    })
}

/// The place of a member: `rules[2]` + `reply` = `rules[2].reply`.
fn member(place: &str, key: &str) -> String {
    if place.is_empty() {
        key.to_owned()
    } else {
        format!("{place}.{key}")
    }
}

fn item(place: &str, index: usize) -> String {
    format!("{place}[{index}]")
}

fn object<'a>(value: &'a Value, place: &str) -> Parsed<&'a Map<String, Value>> {
    match value {
        Value::Object(map) => Ok(map),
        _ => fail(place, "expected an object"),
    }
}

fn array<'a>(value: &'a Value, place: &str) -> Parsed<&'a [Value]> {
    match value {
        Value::Array(list) => Ok(list),
        _ => fail(place, "expected a list"),
    }
}

fn string<'a>(value: &'a Value, place: &str) -> Parsed<&'a str> {
    match value {
        Value::String(text) => Ok(text),
        _ => fail(place, "expected a string"),
    }
}

/// A string of 1 to MAX_TITLE_CHARS characters.
fn title<'a>(value: &'a Value, place: &str) -> Parsed<&'a str> {
    let text = string(value, place)?;
    let chars = text.chars().count();
    if chars == 0 || chars > MAX_TITLE_CHARS {
        return fail(place, format!("expected 1 to {MAX_TITLE_CHARS} characters"));
    }
    Ok(text)
}

fn required<'a>(map: &'a Map<String, Value>, place: &str, key: &str) -> Parsed<&'a Value> {
    match map.get(key) {
        Some(value) => Ok(value),
        None => fail(place, format!("`{key}` is missing")),
    }
}

/// Refuses members other than `known`, typos included.
fn only(map: &Map<String, Value>, place: &str, known: &[&str]) -> Parsed<()> {
    match map.keys().find(|key| !known.contains(&key.as_str())) {
        Some(key) => fail(place, format!("unknown field `{key}`")),
        None => Ok(()),
    }
}

/// The lower-case words of a text: its runs of letters and digits.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

impl BotRules {
    /// Reads a rules file's text.
    pub fn from_json(text: &str) -> Result<BotRules, RulesError> {
        let root: Value = match serde_json::from_str(text) {
            Ok(root) => root,
            Err(err) => return fail("", format!("not JSON: {err}")),
        };
        let map = object(&root, "")?;
        only(map, "", &["rules", "survey"])?;
        let list = array(required(map, "", "rules")?, "rules")?;
        let rules = list
            .iter()
            .enumerate()
            .map(|(index, rule)| read_rule(rule, &item("rules", index)))
            .collect::<Parsed<_>>()?;
        let survey = map
            .get("survey")
            .map(|survey| read_survey(survey, "survey"))
            .transpose()?;
        Ok(BotRules { rules, survey })
    }

    /// The reply of the first rule that matches a message, if any.
    pub(crate) fn reply_to(&self, message: &str) -> Option<&[Action]> {
        let message = words(message);
        self.rules
            .iter()
            .find(|rule| rule.when.iter().any(|phrase| phrase.matches(&message)))
            .map(|rule| rule.reply.as_slice())
    }

    /// The survey for a consumer who closes the MAIN dialog.
    pub(crate) fn survey(&self) -> Option<&Arc<Survey>> {
        self.survey.as_ref()
    }
}

fn read_rule(value: &Value, place: &str) -> Parsed<Rule> {
    let map = object(value, place)?;
    only(map, place, &["when", "reply"])?;
    let when_place = member(place, "when");
    let when = match required(map, place, "when")? {
        Value::Array(list) if list.is_empty() => return fail(&when_place, "an empty list"),
        Value::Array(list) => list
            .iter()
            .enumerate()
            .map(|(index, phrase)| read_phrase(phrase, &item(&when_place, index)))
            .collect::<Parsed<_>>()?,
        phrase => vec![read_phrase(phrase, &when_place)?],
    };
    let reply_place = member(place, "reply");
    let mut reply: Vec<Action> = Vec::new();
    for (index, value) in array(required(map, place, "reply")?, &reply_place)?
        .iter()
        .enumerate()
    {
        let place = item(&reply_place, index);
        if reply.last().is_some_and(Action::ends) {
            return fail(&place, "nothing can follow a `transfer` or a `close`");
        }
        reply.extend(read_reply(value, &place)?);
    }
    Ok(Rule { when, reply })
}

fn read_phrase(value: &Value, place: &str) -> Parsed<Phrase> {
    let text = string(value, place)?;
    if text.trim() == "*" {
        return Ok(Phrase::Anything);
    }
    let words = words(text);
    if words.is_empty() {
        return fail(place, format!("`{text}` has no words to match"));
    }
    Ok(Phrase::Words(words))
}

/// The kind of a reply object: its one member named in KINDS.
fn kind_of<'a>(map: &'a Map<String, Value>, place: &str) -> Parsed<&'a str> {
    let mut kinds = map.keys().filter(|key| KINDS.contains(&key.as_str()));
    match (kinds.next(), kinds.next()) {
        (Some(kind), None) => Ok(kind),
        (Some(first), Some(second)) => fail(
            place,
            format!("a reply has one kind, not both `{first}` and `{second}`"),
        ),
        (None, _) => match map.keys().find(|key| !TEXT_EXTRAS.contains(&key.as_str())) {
            Some(key) => fail(place, format!("unknown reply kind `{key}`")),
            None => fail(place, format!("a reply needs one of {}", KINDS.join(", "))),
        },
    }
}

fn read_reply(value: &Value, place: &str) -> Parsed<Vec<Action>> {
    let map = object(value, place)?;
    let kind = kind_of(map, place)?;
    if matches!(kind, "text" | "card" | "rich") {
        return Ok(vec![Action::Say(read_message(map, place)?)]);
    }
    only(map, place, &[kind])?;
    let (value, place) = (&map[kind], &member(place, kind));
    Ok(match kind {
        "typing" => vec![
            Action::Say(chat_state("COMPOSING")),
            Action::Wait(read_seconds(value, place)?),
            Action::Say(chat_state("ACTIVE")),
        ],
        "delay" => vec![Action::Wait(read_seconds(value, place)?)],
        "transfer" => vec![Action::Transfer(match value {
            Value::String(skill) if !skill.is_empty() => skill.clone(),
            Value::Number(skill) if skill.is_u64() => skill.to_string(),
            _ => return fail(place, "expected a skill id"),
        })],
        _ => vec![Action::Close(read_close(value, place)?)],
    })
}

/// A `text` (with its quick replies), `card` or `rich` reply: a reply the
/// bot says, and a survey question.
fn read_message(map: &Map<String, Value>, place: &str) -> Parsed<Arc<Content>> {
    let kind = kind_of(map, place)?;
    let content = match kind {
        "text" => {
            let mut known = vec![kind];
            known.extend(TEXT_EXTRAS);
            only(map, place, &known)?;
            read_text(map, place)?
        }
        "card" => {
            only(map, place, &[kind])?;
            read_card(&map[kind], &member(place, kind))?
        }
        "rich" => {
            only(map, place, &[kind])?;
            read_rich(&map[kind], &member(place, kind))?
        }
        _ => return fail(place, "expected a `text`, a `card` or a `rich`"),
    };
    Ok(Arc::new(content))
}

pub(crate) fn text_content(text: &str) -> Content {
    Content {
        event_type: TextEvent::TYPE,
        event: serde_json::to_value(text_event(text)).expect("a text event is JSON"),
    }
}

fn chat_state(state: &str) -> Arc<Content> {
    Arc::new(Content {
        event_type: "ChatStateEvent",
        event: json!({"type": "ChatStateEvent", "chatState": state}),
    })
}

fn read_text(map: &Map<String, Value>, place: &str) -> Parsed<Content> {
    let mut content = text_content(string(&map["text"], &member(place, "text"))?);
    let Some(replies) = map.get("quickReplies") else {
        if map.contains_key("itemsPerRow") {
            return fail(place, "`itemsPerRow` goes with `quickReplies`");
        }
        return Ok(content);
    };
    let replies_place = member(place, "quickReplies");
    let replies = array(replies, &replies_place)?;
    if replies.is_empty() {
        return fail(&replies_place, "an empty list");
    }
    let buttons = replies
        .iter()
        .enumerate()
        .map(|(index, button)| read_button(button, &item(&replies_place, index), false))
        .collect::<Parsed<Vec<_>>>()?;
    let per_row = match map.get("itemsPerRow") {
        None => (buttons.len() as u64).min(MAX_ITEMS_PER_ROW),
        Some(value) => match value.as_u64() {
            Some(n) if (1..=MAX_ITEMS_PER_ROW).contains(&n) => n,
            _ => {
                let reason = format!("expected 1 to {MAX_ITEMS_PER_ROW}");
                return fail(&member(place, "itemsPerRow"), reason);
            }
        },
    };
    content.event["quickReplies"] =
        json!({"type": "quickReplies", "itemsPerRow": per_row, "replies": buttons});
    Ok(content)
}

/// A button of quick replies or of a card: it publishes its `text` (or
/// else its title) when clicked, or, on a card, may open a `link`.
fn read_button(value: &Value, place: &str, on_card: bool) -> Parsed<Value> {
    let map = object(value, place)?;
    let known: &[&str] = if on_card {
        &["title", "text", "link", "metadata"]
    } else {
        &["title", "text", "metadata"]
    };
    only(map, place, known)?;
    let title = title(required(map, place, "title")?, &member(place, "title"))?;
    let action = match (map.get("text"), map.get("link")) {
        (Some(_), Some(_)) => return fail(place, "a button has `text` or `link`, not both"),
        (None, Some(link)) => {
            let uri = string(link, &member(place, "link"))?;
            json!({"type": "link", "name": title, "uri": uri})
        }
        (Some(text), None) => {
            json!({"type": "publishText", "text": string(text, &member(place, "text"))?})
        }
        (None, None) => json!({"type": "publishText", "text": title}),
    };
    let mut click = json!({"actions": [action]});
    if let Some(metadata) = map.get("metadata") {
        click["metadata"] = read_metadata(metadata, &member(place, "metadata"))?;
    }
    Ok(json!({"type": "button", "title": title, "click": click}))
}

/// A list of metadata objects, each with its `type` (`ExternalId`, say).
fn read_metadata(value: &Value, place: &str) -> Parsed<Value> {
    for (index, entry) in array(value, place)?.iter().enumerate() {
        let place = item(place, index);
        string(required(object(entry, &place)?, &place, "type")?, &place)?;
    }
    Ok(value.clone())
}

/// A RichContentEvent: a vertical layout of a bold title, an optional
/// text and the buttons. Structured content goes in `message`, as
/// LivePerson's schema (ms/RichContent.json) requires.
fn read_card(value: &Value, place: &str) -> Parsed<Content> {
    let map = object(value, place)?;
    only(map, place, &["title", "text", "buttons"])?;
    let title = string(required(map, place, "title")?, &member(place, "title"))?;
    let mut elements = vec![json!({"type": "text", "text": title, "style": {"bold": true}})];
    if let Some(text) = map.get("text") {
        elements.push(json!({"type": "text", "text": string(text, &member(place, "text"))?}));
    }
    if let Some(buttons) = map.get("buttons") {
        let buttons_place = member(place, "buttons");
        for (index, button) in array(buttons, &buttons_place)?.iter().enumerate() {
            elements.push(read_button(button, &item(&buttons_place, index), true)?);
        }
    }
    Ok(Content {
        event_type: "RichContentEvent",
        event: json!({
            "type": "RichContentEvent",
            "message": {"type": "vertical", "elements": elements},
        }),
    })
}

/// A RichContentEvent with this structured content, as it is written
/// (any template LivePerson documents): an object with a `type`.
fn read_rich(value: &Value, place: &str) -> Parsed<Content> {
    string(
        required(object(value, place)?, place, "type")?,
        &member(place, "type"),
    )?;
    Ok(Content {
        event_type: "RichContentEvent",
        event: json!({"type": "RichContentEvent", "message": value}),
    })
}

fn read_seconds(value: &Value, place: &str) -> Parsed<Duration> {
    value
        .as_f64()
        .filter(|secs| (0.0..=MAX_WAIT_SECS).contains(secs))
        .map(Duration::from_secs_f64)
        .map_or_else(
            || fail(place, format!("expected seconds, 0 to {MAX_WAIT_SECS}")),
            Ok,
        )
}

/// `true`, or an object with an optional `survey`.
fn read_close(value: &Value, place: &str) -> Parsed<Option<Arc<Survey>>> {
    match value {
        Value::Bool(true) => Ok(None),
        Value::Object(map) => {
            only(map, place, &["survey"])?;
            map.get("survey")
                .map(|survey| read_survey(survey, &member(place, "survey")))
                .transpose()
        }
        _ => fail(place, r#"expected `true` or {"survey": [...]}"#),
    }
}

fn read_survey(value: &Value, place: &str) -> Parsed<Arc<Survey>> {
    let list = array(value, place)?;
    if list.is_empty() {
        return fail(place, "a survey needs a question");
    }
    let questions = list
        .iter()
        .enumerate()
        .map(|(index, question)| {
            let place = item(place, index);
            read_message(object(question, &place)?, &place)
        })
        .collect::<Parsed<_>>()?;
    Ok(Arc::new(Survey { questions }))
}
