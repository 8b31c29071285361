//! `--format text`: events as the lines of a chat transcript, for a person
//! at a terminal: the time, the sequence, who (you, agent, survey, system),
//! and the words; structured content as its texts, images and maps (or,
//! with none, `[card]`); choices as numbered options, each with what it
//! does unless it only sends text; typing and receipts as short statuses.
//! One line per event, whatever the message holds, after a line with the
//! date when the day changes (and before the first), as chat clients show
//! it. Colour only when asked (a terminal without NO_COLOR). Every string
//! from the server goes through `one_line`.

use std::fmt::Write as _;

use serde_json::Value;

use crate::choices::{self, Action};
use crate::sanitise;
use crate::when::{self, now_ms};

const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";
const CYAN: &str = "\x1b[36m";
const GREEN: &str = "\x1b[32m";
const MAGENTA: &str = "\x1b[35m";
const YELLOW: &str = "\x1b[33m";
const RESET: &str = "\x1b[0m";

/// How events read as text.
pub(crate) struct Transcript {
    /// The JWT's `sub`: "you".
    pub(crate) consumer: String,
    /// The main dialog; events of another dialog are the survey's.
    pub(crate) conversation: String,
    pub(crate) colour: bool,
}

impl Transcript {
    /// One event (a change of an ms.MessagingEventNotification) as a line,
    /// without its line break, after the date's line if `day` (the date
    /// last shown) is another. Text that is not an event shows as it is,
    /// made safe for a terminal.
    pub(crate) fn event(&self, json: &str, day: &mut Option<String>) -> String {
        let Ok(change) = serde_json::from_str::<Value>(json) else {
            return one_line(json);
        };
        if !change["event"].is_object() {
            return one_line(json);
        }
        let mine = change["originatorId"].as_str() == Some(self.consumer.as_str());
        let other_dialog = change["dialogId"]
            .as_str()
            .is_some_and(|dialog| dialog != self.conversation);
        let (who, colour) = match (mine, other_dialog) {
            (true, _) => ("you", CYAN),
            (false, true) => ("survey", MAGENTA),
            (false, false) => ("agent", GREEN),
        };
        let when = change["serverTimestamp"].as_i64().unwrap_or_else(now_ms);
        let mut line = self.stamp(when, change["sequence"].as_u64(), day);
        let event = &change["event"];
        let status = |text: &str| format!("{} {text}", self.paint(who, colour));
        let is = if mine { "are" } else { "is" };
        let words = match event["type"].as_str().unwrap_or_default() {
            "ChatStateEvent" => match event["chatState"].as_str() {
                Some("COMPOSING") => status(&format!("{is} typing...")),
                Some(state) => status(&format!("{is} {}", one_line(&state.to_lowercase()))),
                None => status("changed state"),
            },
            "AcceptStatusEvent" => {
                let sequences: Vec<String> = event["sequenceList"]
                    .as_array()
                    .map(|list| list.iter().map(|s| one_line(&format!("#{s}"))).collect())
                    .unwrap_or_default();
                let verb = match event["status"].as_str() {
                    Some("READ") => "read",
                    Some("ACCEPT") => "received",
                    Some("ACTION") => "clicked in",
                    Some(_) | None => "acknowledged",
                };
                self.dimmed(&status(&format!("{verb} {}", sequences.join(" "))))
            }
            _ => format!("{}: {}", self.paint(who, colour), self.words(event)),
        };
        line.push_str(&words);
        line
    }

    /// A line from the system: the close, a survey, a transfer, a link.
    pub(crate) fn notice(&self, text: &str, day: &mut Option<String>) -> String {
        let mut line = self.stamp(now_ms(), None, day);
        let _ = write!(line, "{}: {}", self.paint("system", YELLOW), one_line(text));
        line
    }

    /// What a message says (or, structured content, what it holds), then
    /// its choices, numbered.
    fn words(&self, event: &Value) -> String {
        let mut words = match &event["message"] {
            Value::String(text) => one_line(text),
            Value::Object(file) if file.contains_key("relativePath") => format!(
                "[file] {}",
                one_line(file.get("caption").and_then(Value::as_str).unwrap_or(""))
            ),
            _ => String::new(),
        };
        for content in [&event["content"], &event["message"]] {
            if let Some(layout) = content["type"].as_str() {
                let mut pieces = Vec::new();
                contents(content, &mut pieces);
                words = if pieces.is_empty() {
                    // Only buttons, or nothing: say what kind of thing it is.
                    let kind = if layout == "carousel" {
                        "carousel"
                    } else {
                        "card"
                    };
                    format!("[{kind}]")
                } else {
                    pieces.join(" / ")
                };
            }
        }
        for (at, choice) in choices::of_event(event).iter().enumerate() {
            let mut option = format!("[{}] {}", at + 1, one_line(&choice.title));
            let mut notes: Vec<String> = choice.actions.iter().filter_map(note).collect();
            // Publishing text goes without saying, unless the choice does
            // something else too: then both are said.
            if !notes.is_empty() {
                let sends = choice.actions.iter().filter_map(|action| match action {
                    Action::Publish(text) => Some(format!("sends \"{}\"", one_line(text))),
                    _ => None,
                });
                notes.splice(0..0, sends);
            }
            if choice.actions.is_empty() {
                option.push_str(" (no action)");
            } else if !notes.is_empty() {
                let _ = write!(option, " ({})", notes.join(", "));
            }
            let _ = write!(words, "  {}", self.paint(&option, BOLD));
        }
        words
    }

    /// `HH:MM:SS #N ` in local time, after a line with the date when it is
    /// not `day`'s.
    fn stamp(&self, ms: i64, sequence: Option<u64>, day: &mut Option<String>) -> String {
        let (date, mut stamp) = local_time(ms);
        if let Some(sequence) = sequence {
            let _ = write!(stamp, " #{sequence}");
        }
        let stamp = format!("{} ", self.dimmed(&stamp));
        if day.as_ref() == Some(&date) {
            return stamp;
        }
        let line = format!("{}\n{stamp}", self.dimmed(&format!("--- {date} ---")));
        *day = Some(date);
        line
    }

    fn paint(&self, text: &str, colour: &str) -> String {
        if self.colour {
            format!("{colour}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }

    fn dimmed(&self, text: &str) -> String {
        self.paint(text, DIM)
    }
}

/// What structured content shows, in document order: its texts, its
/// images (`[image] caption`, else `[image] tooltip`) and maps (`[map]`). Buttons, checkboxes and
/// submit buttons are listed with the choices; an image or a map with a
/// click is both shown here and listed there.
fn contents(value: &Value, pieces: &mut Vec<String>) {
    match value {
        Value::Object(map) => match map.get("type").and_then(Value::as_str) {
            Some("text") => {
                if let Some(text) = map.get("text").and_then(Value::as_str) {
                    pieces.push(one_line(text));
                }
            }
            // Named as `click` names it: by its caption, else its tooltip.
            Some("image") => match ["caption", "tooltip"]
                .iter()
                .filter_map(|key| map.get(*key).and_then(Value::as_str))
                .find(|name| !name.is_empty())
            {
                Some(name) => pieces.push(format!("[image] {}", one_line(name))),
                None => pieces.push("[image]".to_owned()),
            },
            Some("map") => pieces.push("[map]".to_owned()),
            Some("button" | "checkbox" | "submitButton") => {}
            _ => {
                for (key, inner) in map {
                    if key != "click" && key != "metadata" {
                        contents(inner, pieces);
                    }
                }
            }
        },
        Value::Array(items) => items.iter().for_each(|item| contents(item, pieces)),
        _ => {}
    }
}

/// How a choice's action reads beside its title; publishing text is said
/// only beside another action.
fn note(action: &Action) -> Option<String> {
    Some(match action {
        Action::Publish(_) => return None,
        Action::Link(uri) => format!("link {}", one_line(uri)),
        Action::Navigate {
            latitude,
            longitude,
        } => format!("map {},{}", coordinate(latitude), coordinate(longitude)),
        Action::Check(_) => "checkbox".to_owned(),
        Action::Submit => "sends the checked boxes".to_owned(),
        Action::Unsupported(kind) => format!("{}: cannot be clicked here", one_line(kind)),
    })
}

/// Where a click's target (`choices::Click::targets`) points: its link,
/// or `map LA,LO`.
pub(crate) fn place(target: &Value) -> String {
    match target["link"].as_str() {
        Some(link) => one_line(link),
        None => {
            let navigate = &target["navigate"];
            format!(
                "map {},{}",
                coordinate(&navigate["la"]),
                coordinate(&navigate["lo"])
            )
        }
    }
}

/// A latitude or a longitude as written: a number, or the server's text.
fn coordinate(value: &Value) -> String {
    match value {
        Value::String(text) => one_line(text),
        other => one_line(&other.to_string()),
    }
}

/// Text from the service on one line, safe for a terminal: line breaks
/// become ` ⏎ `, other control characters show escaped.
fn one_line(text: &str) -> String {
    sanitise::words(text).into_owned()
}

/// `YYYY-MM-DD` and `HH:MM:SS` of a time in milliseconds since the epoch,
/// in the local time zone (UTC if the system cannot say).
fn local_time(ms: i64) -> (String, String) {
    let seconds = ms.div_euclid(1000) as libc::time_t;
    // SAFETY: localtime_r only writes the tm it is given; an all-zero tm is
    // a valid value to start from.
    let mut tm: libc::tm = unsafe { std::mem::zeroed() };
    let converted = unsafe { !libc::localtime_r(&seconds, &mut tm).is_null() };
    if converted {
        let of_day = i64::from(tm.tm_hour) * 3600 + i64::from(tm.tm_min) * 60;
        let date = format!(
            "{:04}-{:02}-{:02}",
            i64::from(tm.tm_year) + 1900,
            tm.tm_mon + 1,
            tm.tm_mday
        );
        (date, when::clock(of_day + i64::from(tm.tm_sec)))
    } else {
        let utc = when::utc(ms.div_euclid(1000));
        (utc[..10].to_owned(), utc[11..19].to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn transcript() -> Transcript {
        Transcript {
            consumer: "me".into(),
            conversation: "conv".into(),
            colour: false,
        }
    }

    fn line(change: Value) -> String {
        let line = transcript().event(&change.to_string(), &mut None);
        // Drop the date and the time: they depend on the time zone.
        let (date, line) = line.split_once('\n').unwrap();
        assert!(date.starts_with("--- ") && date.ends_with(" ---"), "{date}");
        line.split_once(' ').unwrap().1.to_owned()
    }

    #[test]
    fn the_date_shows_when_the_day_changes() {
        let at = |ms: i64| {
            json!({"originatorId": "me", "serverTimestamp": ms,
                    "event": {"type": "ContentEvent", "message": "hi"}})
            .to_string()
        };
        let transcript = transcript();
        let mut day = None;
        let noon = 1_796_040_000_000; // 2026-11-30 12:00 UTC
        let first = transcript.event(&at(noon), &mut day);
        assert_eq!(first.lines().count(), 2, "{first}");
        let date = day.clone().unwrap();
        assert_eq!(first.lines().next().unwrap(), format!("--- {date} ---"));
        let same_day = transcript.event(&at(noon + 60_000), &mut day);
        assert_eq!(same_day.lines().count(), 1, "{same_day}");
        let next_day = transcript.event(&at(noon + 86_400_000), &mut day);
        assert_eq!(next_day.lines().count(), 2, "{next_day}");
        assert_ne!(day.unwrap(), date);
    }

    #[test]
    fn who_says_what() {
        let said = |by: &str, dialog: &str| {
            line(
                json!({"sequence": 3, "originatorId": by, "serverTimestamp": 0, "dialogId": dialog,
                        "event": {"type": "ContentEvent", "message": "two\nlines"}}),
            )
        };
        assert_eq!(said("me", "conv"), "#3 you: two \u{23ce} lines");
        assert_eq!(said("bot", "conv"), "#3 agent: two \u{23ce} lines");
        assert_eq!(said("bot", "survey-1"), "#3 survey: two \u{23ce} lines");
    }

    #[test]
    fn choices_cards_typing_and_receipts() {
        let menu = json!({"sequence": 4, "originatorId": "bot", "event": {
            "type": "ContentEvent", "message": "Pick",
            "quickReplies": {"replies": [
                {"type": "button", "title": "Yes", "click": {"actions": [{"type": "publishText", "text": "Yes"}]}},
                {"type": "button", "title": "No", "click": {"actions": [{"type": "publishText", "text": "No"}]}}]}}});
        assert_eq!(line(menu), "#4 agent: Pick  [1] Yes  [2] No");
        let card = json!({"sequence": 5, "originatorId": "bot", "event": {"type": "RichContentEvent",
            "content": {"type": "vertical", "elements": [
                {"type": "text", "text": "Our plans"},
                {"type": "button", "title": "Site", "click": {"actions": [{"type": "link", "uri": "https://x"}]}}]}}});
        assert_eq!(line(card), "#5 agent: Our plans  [1] Site (link https://x)");
        let map = json!({"sequence": 6, "originatorId": "bot", "event": {"type": "RichContentEvent",
            "message": {"type": "vertical", "elements": [
                {"type": "map", "la": 1.5, "lo": -2, "click": {"actions": [{"type": "navigate", "la": 1.5, "lo": -2}]}},
                {"type": "button", "title": "When", "click": {"actions": [{"type": "datePicker"}]}}]}}});
        assert_eq!(
            line(map),
            "#6 agent: [map]  [1] map (map 1.5,-2)  [2] When (datePicker: cannot be clicked here)"
        );
        let buttons = json!({"sequence": 7, "originatorId": "bot", "event": {"type": "RichContentEvent",
            "message": {"type": "carousel", "elements": [{"type": "vertical", "elements": [
                {"type": "button", "title": "Go", "click": {"actions": [{"type": "publishText", "text": "go"}]}}]}]}}});
        assert_eq!(line(buttons), "#7 agent: [carousel]  [1] Go");
        let typing = json!({"originatorId": "bot", "event": {"type": "ChatStateEvent", "chatState": "COMPOSING"}});
        assert_eq!(line(typing), "agent is typing...");
        let read = json!({"sequence": 8, "originatorId": "bot", "event": {"type": "AcceptStatusEvent", "status": "READ", "sequenceList": [2, 3]}});
        assert_eq!(line(read), "#8 agent read #2 #3");
        assert!(
            transcript()
                .notice("conversation closed", &mut None)
                .ends_with("system: conversation closed")
        );
    }

    #[test]
    fn colour_only_when_asked() {
        let coloured = Transcript {
            colour: true,
            ..transcript()
        };
        let change =
            json!({"originatorId": "me", "event": {"type": "ContentEvent", "message": "hi"}})
                .to_string();
        assert!(coloured.event(&change, &mut None).contains(CYAN));
        assert!(!transcript().event(&change, &mut None).contains('\x1b'));
    }
}
