//! `chat --record FILE`: a chat written as a convo file that `test` passes
//! against the same bot. Each line sent is a `#me` section (a click, a
//! `BUTTON`), each agent message a `#bot` section with its text, its
//! buttons (`BUTTONS`) and its cards' texts (`CARDS`). Typing and the
//! chat's other commands are not recorded.

use super::event::agent_message;
use super::json_text::botium_reads_as_json;
use super::parse::{Sender, reads_as_text};
use super::run::AgentMessage;
use crate::choices::{self, Choice};

#[derive(Default)]
pub(crate) struct Recorder {
    sections: Vec<String>,
    /// The choices of the latest agent message that offered some, for the
    /// numbers of `/click`.
    offered: Vec<Choice>,
    /// Texts in it that Botium does not read as text: JSON (`true`, `{}`,
    /// `1, 2`), an instruction (`PAUSE 10`) or a section's tag (`#bot`).
    /// BotiumScript has no way to write them as text.
    misread: Vec<String>,
}

impl Recorder {
    /// A line of chat's input, as chat reads it.
    pub(crate) fn line(&mut self, line: &str) {
        let text = line.trim_end();
        if text.trim().is_empty() {
            return;
        }
        let Some(command) = text.strip_prefix('/') else {
            return self.me(text);
        };
        if command.starts_with('/') {
            return self.me(command);
        }
        if let Some(wanted) = command.strip_prefix("click ")
            && let Ok(at) = choices::pick(&self.offered, wanted.trim())
            && !self.offered[at].is_checkbox()
        {
            let title = escape_arg(&self.offered[at].title);
            self.sections.push(format!("#me\nBUTTON {title}"));
        }
    }

    fn me(&mut self, text: &str) {
        let text = self.section_text(Sender::Me, text);
        self.sections.push(format!("#me\n{text}"));
    }

    /// A message's text as the text of a `sender` section, noted when
    /// Botium would read it as something else.
    fn section_text(&mut self, sender: Sender, text: &str) -> String {
        let escaped = escape_text(text);
        let lines: Vec<&str> = escaped.lines().collect();
        if botium_reads_as_json(&lines.join(" "))
            || !lines.iter().all(|line| reads_as_text(sender, line))
        {
            self.misread.push(text.to_owned());
        }
        escaped
    }

    /// Whether nothing was said, by either side.
    pub(crate) fn is_empty(&self) -> bool {
        self.sections.is_empty()
    }

    /// The texts that `test` will not replay as they were said, as they
    /// were sent.
    pub(crate) fn misread(&self) -> &[String] {
        &self.misread
    }

    /// An agent's event (a change as the service sent it).
    pub(crate) fn agent_event(&mut self, event_type: Option<&str>, change: &str) {
        let Some(message) = agent_message(event_type, change) else {
            return;
        };
        if let Ok(change) = serde_json::from_str::<serde_json::Value>(change) {
            let offered = choices::of_event(&change["event"]);
            if !offered.is_empty() {
                self.offered = offered;
            }
        }
        if let Some(section) = self.bot_section(&message) {
            self.sections.push(section);
        }
    }

    fn bot_section(&mut self, message: &AgentMessage) -> Option<String> {
        let mut lines = vec!["#bot".to_owned()];
        if !message.text.trim().is_empty() {
            lines.push(self.section_text(Sender::Bot, &message.text));
        }
        let args = |items: &mut dyn Iterator<Item = &String>| {
            items
                .map(|item| escape_arg(item))
                .collect::<Vec<_>>()
                .join("|")
        };
        if !message.cards.is_empty() {
            lines.push(format!("CARDS {}", args(&mut message.cards.iter())));
        }
        if !message.buttons.is_empty() {
            let titles = &mut message.buttons.iter().map(|b| &b.title);
            lines.push(format!("BUTTONS {}", args(titles)));
        }
        (lines.len() > 1).then(|| lines.join("\n"))
    }

    /// The convo file, named `name`.
    pub(crate) fn convo(&self, name: &str) -> String {
        let mut text = format!("{name}\n");
        for section in &self.sections {
            text.push('\n');
            text.push_str(section);
            text.push('\n');
        }
        text
    }
}

/// A message's text as a section's text: a first `?` or `!` doubled (they
/// are prefixes), empty lines kept (only trailing ones would be dropped,
/// and the text has none).
fn escape_text(text: &str) -> String {
    let text = text.trim_end_matches(['\n', '\r']);
    match text.chars().next() {
        Some(first @ ('?' | '!')) => format!("{first}{text}"),
        _ => text.to_owned(),
    }
}

/// An asserter's argument: one line, `|` escaped.
fn escape_arg(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}
