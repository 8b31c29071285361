//! `chat`'s own state, beside the engine that prints the conversation: the
//! lines of standard input and what each one sends, turn-taking for
//! scripts (`--turns`), clicks, and following a post-conversation survey.
//! No socket here: the command (commands/chat.rs) feeds it the engine's
//! events, the responses, lines and the time, and sends what it asks.
//!
//! A turn: a line is sent; with `--turns` the next waits until the agent
//! side answered it (at least one agent content event after our message)
//! and then said nothing more for `--settle`; no answer within
//! `--reply-timeout` ends the chat with 75. Typing counts as the agent
//! being busy, never as an answer.
//!
//! Across a new connection (`reconnected`), requests in flight get no
//! answer. A message whose event the subscription showed before its answer
//! came is in the conversation. Any other whose answer was lost is looked
//! for among the events the new subscription replays (ours, in the same
//! dialog, with the same text, after the last message confirmed), up to
//! the last content event the conversation's metadata names (or at once,
//! when every event up to it was handled before); only if it is not there
//! is it sent again. A click's ACTION receipt is not a content event, which the
//! metadata could bound: when its answer was lost, a checkpoint (an ACCEPT
//! receipt for the clicked message) is published, and the receipt is
//! looked for in the replay up to the checkpoint; only if it is not there
//! is it sent again, before the click's text. A close whose answer was lost
//! is sent again unless the metadata says the conversation closed. Lines
//! wait until then. Typing states and read receipts are not sent again.

#[cfg(test)]
mod tests;

use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::Value;

use crate::choices::{self, Choice};
use crate::engine::Event;
use crate::exit::{Exit, fail, link_failure};
use crate::frames::{self, ConversationChange, Ours, Response, check_response, types};
use crate::lines::{Line, Lines};
use crate::reconnect::LinkError;

/// What the chat asks of the world.
pub(crate) trait Io {
    /// Sends a request (with a top-level `metadata`, for clicks); returns
    /// its id.
    fn send(
        &mut self,
        request_type: &'static str,
        body: &Value,
        metadata: Option<&Value>,
    ) -> Result<String>;
    /// Sends a request only the link answers (a keep-alive's `GetClock`);
    /// returns its id.
    fn probe(&mut self) -> Result<String>;
    /// Shows a link or a place a click points at.
    fn show(&mut self, target: &Value) -> Result<()>;
    /// A line for a person: the close, a survey, a transfer (text format
    /// only).
    fn notice(&mut self, text: &str) -> Result<()>;
    /// A diagnostic for the user (stderr), one line.
    fn say(&mut self, line: &str);
}

#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) turns: bool,
    pub(crate) settle: Duration,
    pub(crate) reply_timeout: Duration,
    /// How long a request of ours may go unanswered (`--timeout`) before
    /// the link counts as dead: a failure that `--reconnect` rides out.
    pub(crate) answer_timeout: Duration,
    /// A mistyped command (`/bogus`, `/click 9`) is an error for a script,
    /// a warning for a person, who types the line again.
    pub(crate) interactive: bool,
}

/// Where the current line stands.
#[derive(Debug)]
enum Turn {
    /// The next line may go.
    Ready,
    /// A line's requests are out.
    Sending {
        line: u64,
        text: String,
        /// A click's metadata, sent with its text.
        metadata: Option<Value>,
        /// With `--turns`: the agent side must answer it.
        wants_answer: bool,
        /// Our message's sequence, from its response.
        sequence: Option<u64>,
    },
    /// The connection failed before our message was answered: it may be
    /// in the conversation or not.
    Lost {
        line: u64,
        text: String,
        metadata: Option<Value>,
        wants_answer: bool,
    },
    /// `--turns`: our message `after`, in the dialog lines go to, waits for
    /// its answer.
    Awaiting {
        line: u64,
        text: String,
        after: u64,
        answered: bool,
        /// The agent side did something since the last tick.
        busy: bool,
        last_busy: Option<Instant>,
        deadline: Option<Instant>,
        /// At the deadline, a keep-alive went out to tell a silent link
        /// from a silent bot.
        probed: bool,
    },
}

/// What a request we sent was for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Purpose {
    /// A message (or a click's text): its response has our sequence.
    Message,
    /// The ACTION receipt of a click.
    Action(Action),
    /// A typing state, read receipts.
    Courtesy,
    /// A message or an ACTION receipt whose event the subscription showed
    /// before its answer came: in the conversation, whatever becomes of
    /// the answer.
    Seen,
    /// After a reconnection, the end of what the replay must reach to
    /// tell whether a click's ACTION receipt is in the conversation.
    Checkpoint,
    /// A keep-alive sent when a turn's reply was overdue.
    Probe,
    Close,
}

/// A click's ACTION receipt, as it is sent again.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Action {
    line: u64,
    /// The choice's title.
    title: String,
    /// The clicked message.
    of: u64,
    metadata: Option<Value>,
}

/// The latest agent message with buttons, in the dialog lines go to.
struct Offer {
    dialog: String,
    sequence: u64,
    choices: Vec<Choice>,
    /// The checkboxes checked so far, by position.
    checked: Vec<usize>,
}

pub(crate) struct Chat {
    options: Options,
    conversation: String,
    /// Where lines go: the main dialog, then an open survey's.
    dialog: String,
    turn: Turn,
    in_flight: Vec<(String, Purpose)>,
    /// When the oldest of them must have its answer, from the first tick
    /// after it went out (or after the last answer).
    answer_due: Option<Instant>,
    offer: Option<Offer>,
    /// Agent content events printed and not yet receipted (`/read`).
    unread: Vec<u64>,
    /// A survey dialog to follow, for the command to subscribe to.
    survey_to_follow: Option<String>,
    skill: Option<String>,
    closed: bool,
    input_done: bool,
    close_sent: bool,
    /// A line of input went out (a message, a click, a courtesy).
    sent_any: bool,
    /// The conversation closed before the chat began, by its end time.
    closed_from_start: bool,
    /// When the chat began, by this machine's clock (ms since the epoch).
    started_ms: i64,
    /// The sequence of our last message the service confirmed, in the
    /// dialog lines go to.
    confirmed: Option<u64>,
    /// The highest sequence handled in the dialog lines go to, on any
    /// connection: a replay after a reconnection starts after it.
    latest: Option<u64>,
    /// Since a reconnection that lost a message or a close: what the
    /// replay must reach before the chat goes on.
    resync: Option<Resync>,
}

/// Catching up after a reconnection.
#[derive(Debug, Default)]
struct Resync {
    /// A close went unanswered: it is sent again unless the metadata says
    /// the conversation closed.
    close_lost: bool,
    /// A click's ACTION receipt went unanswered and is not in the replay
    /// so far: it is sent again once the replay reached the checkpoint.
    action: Option<(Action, Checkpoint)>,
    /// The conversation's metadata came: the last content event's sequence
    /// in the dialog lines go to, if it is there.
    last_content: Option<Option<u64>>,
}

/// The checkpoint published to look for a lost ACTION receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Checkpoint {
    ToSend,
    Sent,
    /// Answered: the replay must reach this sequence.
    At(u64),
    /// Answered without a sequence: the receipt is sent again.
    Unknown,
}

const HELP: &str = "lines are sent as messages; /click K (K = number or title of a choice of \
                    the latest agent message), /typing, /read, /close, /help; //text sends /text";

impl Chat {
    pub(crate) fn new(options: Options, conversation: &str) -> Chat {
        Chat {
            options,
            conversation: conversation.to_owned(),
            dialog: conversation.to_owned(),
            turn: Turn::Ready,
            in_flight: Vec::new(),
            answer_due: None,
            offer: None,
            unread: Vec::new(),
            survey_to_follow: None,
            skill: None,
            closed: false,
            input_done: false,
            close_sent: false,
            sent_any: false,
            closed_from_start: false,
            started_ms: crate::when::now_ms(),
            confirmed: None,
            latest: None,
            resync: None,
        }
    }

    /// A new connection: requests in flight will get no answer. A message
    /// among them is looked for in the replay before it is sent again.
    pub(crate) fn reconnected(&mut self) {
        self.answer_due = None;
        // The new link is probed afresh.
        if let Turn::Awaiting { probed, .. } = &mut self.turn {
            *probed = false;
        }
        let message_lost = self.in_flight.iter().any(|(_, p)| *p == Purpose::Message);
        let close_lost = self.in_flight.iter().any(|(_, p)| *p == Purpose::Close);
        if close_lost {
            self.close_sent = false;
        }
        // A click's ACTION receipt is looked for with a checkpoint of its
        // own: lost now, or still looked for when this connection failed
        // (then up to the checkpoint already answered, if it was: not one
        // more receipt in the conversation per connection).
        let action = self
            .in_flight
            .iter()
            .find_map(|(_, purpose)| match purpose {
                Purpose::Action(action) => Some((action.clone(), Checkpoint::ToSend)),
                _ => None,
            })
            .or_else(|| {
                let resync = self.resync.as_ref()?;
                resync.action.as_ref().map(|(action, checkpoint)| {
                    let checkpoint = match checkpoint {
                        Checkpoint::At(sequence) => Checkpoint::At(*sequence),
                        _ => Checkpoint::ToSend,
                    };
                    (action.clone(), checkpoint)
                })
            });
        // A lost typing state or read receipt is not sent again.
        self.in_flight.clear();
        self.turn = match std::mem::replace(&mut self.turn, Turn::Ready) {
            Turn::Sending {
                line,
                text,
                metadata,
                wants_answer,
                ..
            } if message_lost => Turn::Lost {
                line,
                text,
                metadata,
                wants_answer,
            },
            other => other,
        };
        self.sent();
        if close_lost || action.is_some() || matches!(self.turn, Turn::Lost { .. }) {
            self.resync = Some(Resync {
                close_lost,
                action,
                ..Resync::default()
            });
        }
    }

    /// After a reconnection, once the replay has caught up: sends again a
    /// message that is not in the conversation.
    pub(crate) fn resume(&mut self, io: &mut impl Io) -> Result<()> {
        if let Some(Resync {
            action: Some((action, checkpoint @ Checkpoint::ToSend)),
            ..
        }) = &mut self.resync
        {
            let body = frames::checkpoint_body(&self.dialog, action.of);
            let id = io.send(types::PUBLISH_EVENT, &body, None)?;
            self.in_flight.push((id, Purpose::Checkpoint));
            *checkpoint = Checkpoint::Sent;
        }
        let Some(Resync {
            last_content: Some(last_content),
            action,
            ..
        }) = &self.resync
        else {
            return Ok(());
        };
        let reached = |last: u64| self.latest.max(self.confirmed) >= Some(last);
        let caught_up = last_content.is_none_or(reached)
            && match action {
                None | Some((_, Checkpoint::Unknown)) => true,
                Some((_, Checkpoint::At(checkpoint))) => reached(*checkpoint),
                Some((_, Checkpoint::ToSend | Checkpoint::Sent)) => false,
            };
        if !caught_up {
            return Ok(());
        }
        let action = self.resync.take().and_then(|resync| resync.action);
        let lost = matches!(self.turn, Turn::Lost { .. })
            .then(|| std::mem::replace(&mut self.turn, Turn::Ready));
        // Not in the conversation: sent again, before the click's text.
        if let Some((action, checkpoint)) = action {
            if checkpoint == Checkpoint::Unknown {
                io.say(
                    "warning: the service gave no sequence for a read receipt, so whether the \
                     conversation has the click's ACTION receipt cannot be told: sending it \
                     again (it may be there twice)",
                );
            }
            self.send_action(io, action)?;
        }
        if let Some(Turn::Lost {
            line,
            text,
            metadata,
            wants_answer,
        }) = lost
        {
            self.message(io, line, &text, metadata.as_ref(), wants_answer)?;
        }
        Ok(())
    }

    /// Ready for the next line of input.
    pub(crate) fn wants_line(&self) -> bool {
        matches!(self.turn, Turn::Ready)
            && self.in_flight.is_empty()
            && self.resync.is_none()
            && !self.input_done
            && !self.closed
            // After a close, lines wait for what follows: the end, or a survey.
            && !self.close_sent
    }

    /// Input ended: nothing more will be sent but the close.
    pub(crate) fn input_ended(&mut self) {
        self.input_done = true;
    }

    /// The input ended and every turn is over.
    pub(crate) fn finished(&self) -> bool {
        self.input_done
            && matches!(self.turn, Turn::Ready)
            && self.in_flight.is_empty()
            && self.resync.is_none()
    }

    /// The conversation closed (its stage), as far as the chat has seen.
    pub(crate) fn closed(&self) -> bool {
        self.closed
    }

    /// The chat ended (the conversation closed, or the server ended the
    /// connection) before the input did: how many lines of input, among
    /// those already read, were not sent ("3 lines", "at least 1 line").
    /// None after the chat's own /close, whose lines after it are dropped
    /// as documented.
    pub(crate) fn unsent(&mut self, lines: &mut Lines) -> Option<String> {
        if self.input_done || self.close_sent {
            return None;
        }
        let mut unsent = 0u64;
        let more = loop {
            match lines.next_held() {
                Ok(Line::Text(text)) if text.trim().is_empty() => {}
                Ok(Line::Text(_)) | Err(_) => unsent += 1,
                Ok(Line::Pending) => break true,
                Ok(Line::End) => break false,
            }
        };
        // Seen to end: no input may still come.
        self.input_done = !more;
        if unsent == 0 {
            return None;
        }
        let least = if more { "at least " } else { "" };
        let lines = if unsent == 1 { "line" } else { "lines" };
        Some(format!("{least}{unsent} {lines}"))
    }

    /// The conversation was closed before the chat began, and no input
    /// could go in: none went out, and some was read or may still come.
    pub(crate) fn closed_before_input(&self, unsent: bool) -> bool {
        self.closed_from_start && !self.sent_any && (unsent || !self.input_done)
    }

    /// A survey dialog opened that the command must subscribe to.
    pub(crate) fn take_survey(&mut self) -> Option<String> {
        self.survey_to_follow.take()
    }

    /// One line of input (1-based `number`).
    pub(crate) fn line(&mut self, io: &mut impl Io, number: u64, line: &str) -> Result<()> {
        let text = line.trim_end();
        if text.trim().is_empty() {
            return Ok(());
        }
        let Some(command) = text.strip_prefix('/') else {
            return self.message(io, number, text, None, true);
        };
        if command.starts_with('/') {
            return self.message(io, number, command, None, true);
        }
        let (name, argument) = command
            .split_once(char::is_whitespace)
            .map_or((command, ""), |(name, rest)| (name, rest.trim()));
        match name {
            "click" => self.click(io, number, argument),
            "typing" => {
                let body = frames::chat_state_body(&self.dialog, "COMPOSING");
                self.courtesy(io, number, text, &body)
            }
            "read" => {
                if self.unread.is_empty() {
                    return Ok(());
                }
                let body = frames::accept_status_body(&self.dialog, "READ", &self.unread);
                self.unread.clear();
                self.courtesy(io, number, text, &body)
            }
            "close" => self.close(io),
            "help" => {
                io.say(HELP);
                Ok(())
            }
            _ => mistake(
                io,
                self.options.interactive,
                format!("line {number}: unknown command `/{name}`; {HELP}"),
            ),
        }
    }

    /// Publishes text (a line, or a click's text with its metadata).
    fn message(
        &mut self,
        io: &mut impl Io,
        number: u64,
        text: &str,
        metadata: Option<&Value>,
        wants_answer: bool,
    ) -> Result<()> {
        let body = frames::publish_text_body(&self.dialog, text);
        let id = io.send(types::PUBLISH_EVENT, &body, metadata)?;
        self.sent_any = true;
        self.in_flight.push((id, Purpose::Message));
        self.turn = Turn::Sending {
            line: number,
            text: text.to_owned(),
            metadata: metadata.cloned(),
            wants_answer: wants_answer && self.options.turns,
            sequence: None,
        };
        Ok(())
    }

    /// A typing state or read receipts: not sent again if lost.
    fn courtesy(&mut self, io: &mut impl Io, number: u64, text: &str, body: &Value) -> Result<()> {
        self.request(io, number, text, body, None, Purpose::Courtesy)
    }

    /// A publish that expects no answer from the agent side.
    fn request(
        &mut self,
        io: &mut impl Io,
        number: u64,
        text: &str,
        body: &Value,
        metadata: Option<&Value>,
        purpose: Purpose,
    ) -> Result<()> {
        let id = io.send(types::PUBLISH_EVENT, body, metadata)?;
        self.sent_any = true;
        self.in_flight.push((id, purpose));
        if matches!(self.turn, Turn::Ready) {
            self.turn = Turn::Sending {
                line: number,
                text: text.to_owned(),
                metadata: None,
                wants_answer: false,
                sequence: None,
            };
        }
        Ok(())
    }

    /// `/click K`: the latest agent message with choices in this dialog. A
    /// checkbox is checked or unchecked, and sends nothing until a submit
    /// button sends the checked ones; any other button ignores them, as
    /// LivePerson's checklist does.
    fn click(&mut self, io: &mut impl Io, number: u64, wanted: &str) -> Result<()> {
        let interactive = self.options.interactive;
        let dialog = &self.dialog;
        let Some(offer) = self.offer.as_mut().filter(|offer| offer.dialog == *dialog) else {
            return mistake(
                io,
                interactive,
                format!("line {number}: /click {wanted}: no agent message with choices yet"),
            );
        };
        let at = match choices::pick(&offer.choices, wanted) {
            Ok(at) => at,
            Err(err) => return mistake(io, interactive, format!("line {number}: /click: {err}")),
        };
        let choice = &offer.choices[at];
        if choice.is_checkbox() {
            let state = match offer.checked.iter().position(|&checked| checked == at) {
                Some(known) => {
                    offer.checked.remove(known);
                    "unchecked"
                }
                None => {
                    offer.checked.push(at);
                    "checked"
                }
            };
            return io.notice(&format!("{} {state}", choice.title));
        }
        let mut picked = vec![at];
        if choice.is_submit() {
            picked.extend(&offer.checked);
        }
        let click = match choices::click(&offer.choices, &picked) {
            Ok(click) => click,
            Err(err) => return mistake(io, interactive, format!("line {number}: /click: {err}")),
        };
        let sequence = offer.sequence;
        if click.text.is_some() {
            // Sent: the checklist is used up, as in LivePerson's widget.
            offer.checked.clear();
        }
        for target in &click.targets {
            io.show(target)?;
        }
        let Some(text) = &click.text else {
            return Ok(());
        };
        self.send_action(
            io,
            Action {
                line: number,
                title: click.title.clone(),
                of: sequence,
                metadata: click.metadata.clone(),
            },
        )?;
        self.message(io, number, text, click.metadata.as_ref(), true)
    }

    /// Sends a click's ACTION receipt.
    fn send_action(&mut self, io: &mut impl Io, action: Action) -> Result<()> {
        let body = frames::accept_status_body(&self.dialog, "ACTION", &[action.of]);
        let (line, title, metadata) = (action.line, action.title.clone(), action.metadata.clone());
        self.request(
            io,
            line,
            &title,
            &body,
            metadata.as_ref(),
            Purpose::Action(action),
        )
    }

    /// Closes the conversation (`/close`, or the end of input).
    pub(crate) fn close(&mut self, io: &mut impl Io) -> Result<()> {
        if self.close_sent || self.closed {
            return Ok(());
        }
        let body = frames::close_body(&self.conversation);
        let id = io.send(types::UPDATE_CONVERSATION_FIELD, &body, None)?;
        self.in_flight.push((id, Purpose::Close));
        self.close_sent = true;
        Ok(())
    }

    /// A close was asked for and answered.
    pub(crate) fn close_done(&self) -> bool {
        self.close_sent && !self.in_flight.iter().any(|(_, p)| *p == Purpose::Close)
    }

    /// A response: true when it was to one of the chat's requests.
    pub(crate) fn on_response(&mut self, response: &Response) -> Result<bool> {
        let Some(at) = self
            .in_flight
            .iter()
            .position(|(id, _)| *id == response.req_id)
        else {
            return Ok(false);
        };
        let (_, purpose) = self.in_flight.remove(at);
        // The service answers: the others' wait starts again.
        self.answer_due = None;
        let request_type = match purpose {
            Purpose::Close => types::UPDATE_CONVERSATION_FIELD,
            Purpose::Probe => types::GET_CLOCK,
            Purpose::Message
            | Purpose::Action(_)
            | Purpose::Courtesy
            | Purpose::Seen
            | Purpose::Checkpoint => types::PUBLISH_EVENT,
        };
        check_response(request_type, response).map_err(|err| match &self.turn {
            Turn::Sending { line, .. } => err.context(format!("line {line}")),
            _ => err,
        })?;
        if purpose == Purpose::Message
            && let Turn::Sending { sequence, .. } = &mut self.turn
        {
            *sequence = frames::body_member(response.body, "sequence")
                .and_then(|sequence| sequence.as_u64());
            self.confirmed = self.confirmed.max(*sequence);
        }
        if purpose == Purpose::Checkpoint
            && let Some(Resync {
                action: Some((_, checkpoint)),
                ..
            }) = &mut self.resync
        {
            *checkpoint = frames::body_member(response.body, "sequence")
                .and_then(|sequence| sequence.as_u64())
                .map_or(Checkpoint::Unknown, Checkpoint::At);
        }
        if self.in_flight.is_empty() {
            self.sent();
        }
        Ok(true)
    }

    /// Every request of the line is answered: wait for the agent's answer,
    /// or take the next line.
    fn sent(&mut self) {
        let turn = std::mem::replace(&mut self.turn, Turn::Ready);
        let Turn::Sending {
            line,
            text,
            wants_answer,
            sequence,
            ..
        } = turn
        else {
            self.turn = turn;
            return;
        };
        if let (true, Some(after)) = (wants_answer, sequence) {
            self.turn = Turn::Awaiting {
                line,
                text,
                after,
                answered: false,
                busy: false,
                last_busy: None,
                deadline: None,
                probed: false,
            };
        }
    }

    /// A new event the engine handled.
    pub(crate) fn on_event(&mut self, event: &Event) {
        if event.dialog == self.dialog {
            self.latest = self.latest.max(event.sequence);
        }
        if event.by_consumer {
            self.found_lost(event);
            return;
        }
        let content = matches!(event.event_type, Some("ContentEvent" | "RichContentEvent"));
        let typing = event.event_type == Some("ChatStateEvent");
        if content && let Some(sequence) = event.sequence {
            let choices = serde_json::from_str::<Value>(event.text)
                .map(|change| choices::of_event(&change["event"]))
                .unwrap_or_default();
            if !choices.is_empty() {
                self.offer = Some(Offer {
                    dialog: event.dialog.to_owned(),
                    sequence,
                    choices,
                    checked: Vec::new(),
                });
            }
            if event.printed && event.dialog == self.dialog {
                self.unread.push(sequence);
            }
        }
        if let Turn::Awaiting {
            after,
            answered,
            busy,
            ..
        } = &mut self.turn
        {
            let answers = content
                && event.dialog == self.dialog
                && event.sequence.is_some_and(|sequence| sequence > *after);
            *answered |= answers;
            *busy |= content || typing;
        }
    }

    /// Our own event: a message or a click's ACTION receipt whose answer
    /// has not come or was lost, if it is one of them.
    fn found_lost(&mut self, event: &Event) {
        let Some(sequence) = event.sequence else {
            return;
        };
        let is = |wanted: Ours| {
            event.dialog == self.dialog
                && event.event_type == Some(wanted.event_type())
                && serde_json::from_str::<Value>(event.text)
                    .is_ok_and(|change| wanted.is(&change["event"]))
        };
        let action_of = |of: u64| {
            is(Ours::Receipt {
                status: "ACTION",
                of,
            })
        };
        let fresh = self.confirmed.is_none_or(|confirmed| sequence > confirmed);
        // Seen before its answer came: in the conversation, whatever
        // becomes of the answer.
        let sending = match &self.turn {
            Turn::Sending {
                text,
                sequence: None,
                ..
            } => Some(text.as_str()),
            _ => None,
        };
        let mut message_seen = false;
        for (_, purpose) in &mut self.in_flight {
            let seen = match purpose {
                Purpose::Action(action) => action_of(action.of),
                Purpose::Message => fresh && sending.is_some_and(|text| is(Ours::Text(text))),
                _ => false,
            };
            if seen {
                message_seen |= *purpose == Purpose::Message;
                *purpose = Purpose::Seen;
            }
        }
        if message_seen && let Turn::Sending { sequence: at, .. } = &mut self.turn {
            *at = Some(sequence);
            self.confirmed = Some(sequence);
        }
        if let Some(resync) = &mut self.resync
            && resync
                .action
                .as_ref()
                .is_some_and(|(action, _)| action_of(action.of))
        {
            // In the conversation: not sent again.
            resync.action = None;
            return;
        }
        let Turn::Lost { text, .. } = &self.turn else {
            return;
        };
        if !(fresh && is(Ours::Text(text))) {
            return;
        }
        if let Turn::Lost {
            line,
            text,
            metadata,
            wants_answer,
        } = std::mem::replace(&mut self.turn, Turn::Ready)
        {
            self.turn = Turn::Sending {
                line,
                text,
                metadata,
                wants_answer,
                sequence: Some(sequence),
            };
            self.confirmed = Some(sequence);
            self.sent();
            // Found: nothing more to wait for, unless a close or a
            // click's ACTION receipt was lost too.
            if self
                .resync
                .as_ref()
                .is_some_and(|resync| !resync.close_lost && resync.action.is_none())
            {
                self.resync = None;
            }
        }
    }

    /// A change of the conversation's metadata: a survey opens, the
    /// conversation closes, it is transferred.
    pub(crate) fn on_conversation(
        &mut self,
        io: &mut impl Io,
        change: &ConversationChange,
    ) -> Result<()> {
        if let Some(resync) = &mut self.resync
            && resync.last_content.is_none()
        {
            let here = change
                .last_content_dialog
                .as_deref()
                .is_none_or(|dialog| dialog == self.dialog);
            resync.last_content = Some(change.last_content_sequence.filter(|_| here));
        }
        if let Some(skill) = &change.skill_id {
            if self.skill.as_ref().is_some_and(|known| known != skill) {
                io.notice(&format!(
                    "the conversation was transferred to skill {skill}"
                ))?;
            }
            self.skill = Some(skill.clone());
        }
        if let Some(survey) = change.open_survey()
            && survey.id != self.dialog
        {
            io.notice("the conversation's main dialog closed; a survey follows")?;
            // The survey takes the lines, even after our own close.
            self.close_sent = false;
            self.dialog = survey.id.clone();
            // Sequences count per dialog.
            self.confirmed = None;
            self.latest = None;
            self.survey_to_follow = Some(survey.id.clone());
            // Receipts go to the dialog of the messages they name.
            self.unread.clear();
            // The survey's questions answer the last line, if one waits.
            if let Turn::Awaiting { answered, .. } = &mut self.turn {
                *answered = true;
            }
        }
        if change.closed() && !self.closed {
            self.closed = true;
            // By its end time, when it says one: a close heard of in the
            // first metadata may have come during the chat's setup.
            self.closed_from_start = change.end_ts.is_some_and(|end| end < self.started_ms);
            io.notice("the conversation is closed")?;
        }
        Ok(())
    }

    /// The time at the end of a burst: the turn's timers.
    pub(crate) fn on_tick(&mut self, io: &mut impl Io, now: Instant) -> Result<()> {
        if self.in_flight.is_empty() {
            self.answer_due = None;
        } else if now
            >= *self
                .answer_due
                .get_or_insert(now + self.options.answer_timeout)
        {
            let what = match &self.turn {
                _ if self.probing() => "a keep-alive sent when a reply was due".to_owned(),
                Turn::Sending { line, .. } => format!("line {line}"),
                _ => "our request".to_owned(),
            };
            return Err(link_failure(
                Exit::TempFail,
                LinkError::TimedOut,
                format!(
                    "no response to {what} within {} s (--timeout)",
                    self.options.answer_timeout.as_secs_f64()
                ),
            ));
        }
        let probing = self.probing();
        let Turn::Awaiting {
            line,
            text,
            answered,
            busy,
            last_busy,
            deadline,
            probed,
            ..
        } = &mut self.turn
        else {
            return Ok(());
        };
        let deadline = *deadline.get_or_insert(now + self.options.reply_timeout);
        if std::mem::take(busy) {
            *last_busy = Some(now);
        }
        if *answered {
            if last_busy.is_none_or(|at| now >= at + self.options.settle) {
                self.turn = Turn::Ready;
            }
        } else if now >= deadline {
            // A silent link looks like a silent bot: a keep-alive tells
            // them apart. Unanswered within --timeout, the link is dead (a
            // failure --reconnect rides out); answered, the bot is silent.
            if !std::mem::replace(probed, true) {
                return self.probe(io);
            }
            if probing {
                return Ok(());
            }
            return Err(fail(
                Exit::TempFail,
                format!(
                    "no reply to line {line} (`{}`) within {} s (--reply-timeout)",
                    short(text),
                    self.options.reply_timeout.as_secs_f64()
                ),
            ));
        }
        Ok(())
    }

    /// Sends a keep-alive, to tell a silent link from a silent other side:
    /// unanswered within --timeout, `on_tick` calls the link dead.
    pub(crate) fn probe(&mut self, io: &mut impl Io) -> Result<()> {
        let id = io.probe()?;
        self.in_flight.push((id, Purpose::Probe));
        Ok(())
    }

    /// A keep-alive of `probe` awaits its answer.
    pub(crate) fn probing(&self) -> bool {
        self.in_flight.iter().any(|(_, p)| *p == Purpose::Probe)
    }

    /// When `on_tick` must run next.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        let turn = match &self.turn {
            Turn::Awaiting {
                answered: true,
                last_busy,
                ..
            } => last_busy.map(|at| at + self.options.settle),
            Turn::Awaiting { deadline, .. } => *deadline,
            Turn::Ready | Turn::Sending { .. } | Turn::Lost { .. } => None,
        };
        [turn, self.answer_due].into_iter().flatten().min()
    }
}

/// A line as an error message quotes it.
fn short(text: &str) -> String {
    const MOST: usize = 60;
    match text.char_indices().nth(MOST) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text.to_owned(),
    }
}

/// A command that cannot be done as typed: exit 65 for a script, a warning
/// for a person at a terminal (`interactive`), and the chat goes on.
fn mistake(io: &mut impl Io, interactive: bool, problem: String) -> Result<()> {
    if interactive {
        io.say(&format!("warning: {problem}"));
        Ok(())
    } else {
        Err(fail(Exit::DataErr, problem))
    }
}
