//! The conversation stream: what lp-consumer does with the frames of a
//! dialog's subscription, as a state machine without a socket. `subscribe`
//! and `chat` drive it through `driver`; the tests drive it by hand.
//!
//! Inputs: a connection opened (`start`), a frame (`on_frame`), the end of a
//! burst (`end_of_burst`, then `on_tick` with the time). Outputs, through `Io`: lines to print and
//! requests to send; and, read back by the driver, the cursor to store
//! (`cursor`), when it next needs the clock (`next_deadline`) and whether
//! the run is over (`ending`).
//!
//! Each sequence is printed at most once per run: the highest sequence
//! handled (printed or filtered out) is the cursor, a change at or below it
//! is a repeat, and each connection subscribes from cursor + 1. The service
//! sends a dialog's events in sequence order; changes inside one
//! notification are put in that order before they are handled.

pub(crate) mod driver;
#[cfg(test)]
mod tests;

use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::cli::{AckStatus, Origin};
use crate::exit::{Exit, fail, link_failure};
use crate::frames::{self, ConversationChange, Incoming, Response, check_response, types};
use crate::jsonscan::{self, ScannedChange, Scanner};
use crate::output;
use crate::reconnect::LinkError;

/// The sequence after `sequence`; the largest one is a protocol error,
/// never a cursor that wraps to 0 and replays or loses events.
fn next_after(sequence: u64) -> Result<u64> {
    sequence.checked_add(1).ok_or_else(|| {
        fail(
            Exit::Protocol,
            format!("the server sent sequence {sequence}, which no event can follow"),
        )
    })
}

/// What the engine asks of the world.
pub(crate) trait Io {
    /// Writes one line of output (compact JSON).
    fn print(&mut self, line: &str) -> Result<()>;
    /// Sends a request; returns its id.
    fn request(&mut self, request_type: &'static str, body: &Value) -> Result<String>;
    /// A response the engine does not wait for: true when it belongs to the
    /// link itself (a keep-alive's), which is never printed.
    fn other_response(&mut self, response: &Response) -> Result<bool>;
    /// A diagnostic for the user (stderr), one line.
    fn say(&mut self, line: &str);
    /// Each new event, printed or not, after it was handled (for `chat`).
    fn event(&mut self, _event: &Event) -> Result<()> {
        Ok(())
    }
    /// Each change of the conversation's metadata (for `chat`).
    fn conversation(&mut self, _change: &ConversationChange) -> Result<()> {
        Ok(())
    }
    /// After each frame: a dialog to follow from now on, such as the
    /// survey that the metadata just opened (for `chat`).
    fn dialog_to_follow(&mut self) -> Option<String> {
        None
    }
}

/// A new event, as the engine shows it to `Io::event`.
pub(crate) struct Event<'a> {
    pub(crate) dialog: &'a str,
    pub(crate) sequence: Option<u64>,
    pub(crate) by_consumer: bool,
    pub(crate) event_type: Option<&'a str>,
    /// The change as the server sent it.
    pub(crate) text: &'a str,
    pub(crate) printed: bool,
}

/// What a stream prints and when it ends.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    /// The dialog subscribed to: the conversation's id for its main dialog.
    pub(crate) conversation: String,
    /// The JWT's `sub`: events whose originatorId it is are the consumer's.
    pub(crate) consumer: String,
    pub(crate) from: Origin,
    /// Event types kept; empty: all.
    pub(crate) types: Vec<String>,
    /// Keep only events with a serverTimestamp at or after this (ms since
    /// the epoch); those without one (typing) are of now.
    pub(crate) since: Option<i64>,
    /// The receipt published for each agent content event printed.
    pub(crate) ack: Option<AckStatus>,
    /// Print every frame verbatim instead of one line per event.
    pub(crate) frames: bool,
    /// End after this many lines.
    pub(crate) count: Option<u64>,
    /// End when no new event came for this long (once set up).
    pub(crate) idle: Option<Duration>,
    /// End when the conversation closes (everything but `--follow`).
    pub(crate) until_closed: bool,
    /// How long a setup response, and the rest of the events after the
    /// close, may take.
    pub(crate) timeout: Duration,
    /// Read every event's originator and type, filters or not (`chat`
    /// watches who answers).
    pub(crate) every_origin: bool,
}

impl Options {
    /// A conversation talked in, as `chat` and a convo played live follow
    /// it: every event of `from` and `types` printed, every originator read
    /// (who answers matters), to the conversation's close.
    pub(crate) fn talk(
        conversation: String,
        consumer: String,
        from: Origin,
        types: Vec<String>,
        timeout: Duration,
    ) -> Options {
        Options {
            conversation,
            consumer,
            from,
            types,
            since: None,
            ack: None,
            frames: false,
            count: None,
            idle: None,
            until_closed: true,
            timeout,
            every_origin: true,
        }
    }
}

/// Why a stream ended well.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ending {
    /// `--count` lines were printed.
    Count,
    /// Nothing new for `--idle-timeout`.
    Idle,
    /// The conversation closed and everything before the close is printed.
    ConversationClosed,
}

/// Where the stream stands on the current connection.
#[derive(Debug)]
enum Phase {
    /// A setup request is out; its response is due `timeout` after the
    /// first tick.
    SettingUp {
        id: String,
        request_type: &'static str,
        deadline: Option<Instant>,
    },
    /// Events flow.
    Streaming,
    /// Between connections.
    Offline,
    /// The conversation closed: the events up to its last content event
    /// (a sequence, in the dialog named or the main one) may still come,
    /// for `timeout` from the first tick.
    Draining {
        last_content: Option<(Option<String>, u64)>,
        until: Option<Instant>,
    },
}

/// The earlier of two optional times.
pub(crate) fn earliest(a: Option<Instant>, b: Option<Instant>) -> Option<Instant> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// A dialog followed on this connection, and the highest sequence handled
/// in it (sequences count per dialog).
struct Dialog {
    id: String,
    cursor: Option<u64>,
}

/// What the engine reads of one change, from the scan or from serde.
struct Change<'a> {
    text: &'a str,
    sequence: Option<u64>,
    originator: Option<&'a str>,
    event_type: Option<&'a str>,
    line_breaks: bool,
}

pub(crate) struct Engine {
    options: Options,
    phase: Phase,
    /// The main dialog first (its cursor is the run's), then any other
    /// followed on the connection (a survey).
    dialogs: Vec<Dialog>,
    /// Subscriptions to other dialogs whose responses are due, by request
    /// id.
    extra_subscriptions: Vec<String>,
    printed: u64,
    /// Events with a new sequence handled since the run began, but for
    /// our own receipts.
    progress: u64,
    /// A new event (or the first setup) came since the last tick: the idle
    /// clock restarts then.
    active: bool,
    /// When the idle clock last restarted.
    idle_since: Option<Instant>,
    ending: Option<Ending>,
    /// Agent content events printed and not yet acknowledged, for `ack`:
    /// they go out at the end of the burst, so that the consumer's own
    /// receipts later in the history can strike out those already marked.
    acks_due: Vec<u64>,
    /// Ids of receipts sent whose responses have not come yet.
    acks_unanswered: Vec<String>,
    scanner: Scanner,
    scanned: Vec<ScannedChange>,
}

impl Engine {
    /// A stream that resumes after `cursor`.
    pub(crate) fn new(options: Options, cursor: Option<u64>) -> Engine {
        // A misspelt type keeps nothing, with nothing to tell why.
        for unknown in options
            .types
            .iter()
            .filter(|t| !types::EVENTS.contains(&t.as_str()))
        {
            output::say(&format!(
                "warning: --type {unknown} is none of LivePerson's event types ({}): it keeps \
                 nothing",
                types::EVENTS.join(", ")
            ));
        }
        let main = Dialog {
            id: options.conversation.clone(),
            cursor,
        };
        Engine {
            options,
            phase: Phase::Offline,
            dialogs: vec![main],
            extra_subscriptions: Vec::new(),
            printed: 0,
            progress: 0,
            active: false,
            idle_since: None,
            ending: None,
            acks_due: Vec::new(),
            acks_unanswered: Vec::new(),
            scanner: Scanner::default(),
            scanned: Vec::new(),
        }
    }

    /// The main dialog's cursor: what a state file keeps.
    pub(crate) fn cursor(&self) -> Option<u64> {
        self.dialogs[0].cursor
    }

    /// Where a new connection goes on from, for a person.
    pub(crate) fn resumes(&self) -> String {
        let main = self.cursor().map_or_else(
            || "from the start".to_owned(),
            |cursor| format!("after sequence {cursor}"),
        );
        // A survey followed counts its own sequences.
        match &self.dialogs[1..] {
            [] => main,
            others => {
                let others: Vec<String> = others
                    .iter()
                    .map(|dialog| match dialog.cursor {
                        Some(cursor) => format!("dialog {} after {cursor}", dialog.id),
                        None => format!("dialog {} from the start", dialog.id),
                    })
                    .collect();
                format!("{main} ({})", others.join(", "))
            }
        }
    }

    pub(crate) fn progress(&self) -> u64 {
        self.progress
    }

    pub(crate) fn ending(&self) -> Option<Ending> {
        self.ending
    }

    /// Every subscription is set up on this connection, the conversation's
    /// metadata included (its first snapshot follows its response).
    pub(crate) fn set_up(&self) -> bool {
        !matches!(self.phase, Phase::Offline | Phase::SettingUp { .. })
    }

    /// The setup request whose response is awaited, if one is.
    pub(crate) fn awaiting(&self) -> Option<&'static str> {
        match self.phase {
            Phase::SettingUp { request_type, .. } => Some(request_type),
            _ => None,
        }
    }

    /// A new connection: subscribe from the cursor on. Every other dialog
    /// followed (a survey) is subscribed again after its own cursor once
    /// the main dialog's subscription is answered, so that the main
    /// dialog's replay comes first: what it says came before the survey.
    pub(crate) fn start(&mut self, io: &mut impl Io) -> Result<()> {
        let main = &self.dialogs[0];
        let from = main.cursor.map_or(Ok(0), next_after)?;
        let body = frames::subscribe_body(&main.id, from);
        self.await_setup(io, types::SUBSCRIBE_MESSAGING_EVENTS, &body)
    }

    /// The other dialogs followed, subscribed again after their cursors.
    fn subscribe_others(&mut self, io: &mut impl Io) -> Result<()> {
        for dialog in &self.dialogs[1..] {
            let from = dialog.cursor.map_or(Ok(0), next_after)?;
            let body = frames::subscribe_body(&dialog.id, from);
            let request = io.request(types::SUBSCRIBE_MESSAGING_EVENTS, &body)?;
            self.extra_subscriptions.push(request);
        }
        Ok(())
    }

    /// Also follows another dialog of the conversation (a survey) on this
    /// connection, from its start; its events are routed by `dialogId`.
    pub(crate) fn follow_dialog(&mut self, io: &mut impl Io, id: &str) -> Result<()> {
        if self.dialogs.iter().any(|dialog| dialog.id == id) {
            return Ok(());
        }
        self.dialogs.push(Dialog {
            id: id.to_owned(),
            cursor: None,
        });
        let body = frames::subscribe_body(id, 0);
        let request = io.request(types::SUBSCRIBE_MESSAGING_EVENTS, &body)?;
        self.extra_subscriptions.push(request);
        Ok(())
    }

    fn await_setup(
        &mut self,
        io: &mut impl Io,
        request_type: &'static str,
        body: &Value,
    ) -> Result<()> {
        let id = io.request(request_type, body)?;
        self.phase = Phase::SettingUp {
            id,
            request_type,
            deadline: None,
        };
        Ok(())
    }

    /// The server ended the connection normally (a close frame) and the run
    /// does not reconnect: the run ends with what it printed, exit 0. Before
    /// an ending of its own (the close of the conversation, --count,
    /// --idle-timeout), events may be missing after the cursor: one line
    /// says where the output stops.
    pub(crate) fn closed_by_server(&self, io: &mut impl Io) {
        if self.ending.is_some() {
            return;
        }
        let stop = self.cursor().map_or_else(
            || "before any event".to_owned(),
            |sequence| format!("after sequence {sequence}"),
        );
        io.say(&format!(
            "warning: the server closed the connection before the end of the stream: the \
             output stops {stop} (--reconnect goes on from there)"
        ));
    }

    /// The connection ended: its requests will get no answer. A close
    /// already seen is kept (the next connection learns it again anyway).
    pub(crate) fn disconnected(&mut self) {
        if !matches!(self.phase, Phase::Draining { .. }) {
            self.phase = Phase::Offline;
        }
        self.acks_due.clear();
        self.acks_unanswered.clear();
        self.extra_subscriptions.clear();
    }

    /// The time of the end of a burst of frames: deadlines and the idle
    /// clock. The clock is read by the caller, once per burst.
    pub(crate) fn on_tick(&mut self, now: Instant) -> Result<()> {
        if std::mem::take(&mut self.active) {
            self.idle_since = Some(now);
        }
        let timeout = self.options.timeout;
        match &mut self.phase {
            Phase::SettingUp {
                request_type,
                deadline,
                ..
            } => {
                if now >= *deadline.get_or_insert(now + timeout) {
                    return Err(link_failure(
                        Exit::TempFail,
                        LinkError::TimedOut,
                        format!(
                            "no response to {request_type} within {} s",
                            timeout.as_secs_f64()
                        ),
                    ));
                }
            }
            Phase::Draining { until, .. } => {
                if now >= *until.get_or_insert(now + timeout) {
                    self.end(Ending::ConversationClosed);
                }
            }
            Phase::Streaming | Phase::Offline => {}
        }
        if let (Some(idle), Some(since)) = (self.options.idle, self.idle_since)
            && now >= since + idle
        {
            self.end(Ending::Idle);
        }
        Ok(())
    }

    /// When `on_tick` must run next, if a timer is set.
    pub(crate) fn next_deadline(&self) -> Option<Instant> {
        let phase = match &self.phase {
            Phase::SettingUp { deadline, .. } => *deadline,
            Phase::Draining { until, .. } => *until,
            Phase::Streaming | Phase::Offline => None,
        };
        let idle = self
            .options
            .idle
            .zip(self.idle_since)
            .map(|(idle, since)| since + idle);
        earliest(phase, idle)
    }

    fn end(&mut self, ending: Ending) {
        self.ending.get_or_insert(ending);
    }

    fn limit_reached(&self) -> bool {
        self.options
            .count
            .is_some_and(|count| self.printed >= count)
    }

    /// One frame from the server.
    pub(crate) fn on_frame(&mut self, text: &str, io: &mut impl Io) -> Result<()> {
        if self.ending.is_some() {
            return Ok(());
        }
        let mut scanned = std::mem::take(&mut self.scanned);
        // With one dialog followed, every event is that dialog's: the scan
        // need not read dialogId.
        let usual = !self.options.frames
            && self.dialogs.len() == 1
            && self.scanner.messaging_changes(text, &mut scanned);
        let result = if usual {
            self.scanned_changes(text, &mut scanned, io)
        } else {
            self.general_frame(text, io)
        };
        self.scanned = scanned;
        result?;
        self.after_frame();
        match io.dialog_to_follow() {
            Some(dialog) => self.follow_dialog(io, &dialog),
            None => Ok(()),
        }
    }

    /// The changes of the usual notification, from the scan.
    fn scanned_changes(
        &mut self,
        text: &str,
        scanned: &mut [ScannedChange],
        io: &mut impl Io,
    ) -> Result<()> {
        if !scanned.is_sorted_by_key(|change| change.sequence) {
            scanned.sort_by_key(|change| change.sequence);
        }
        let range = |span: Option<(usize, usize)>| span.map(|(start, end)| &text[start..end]);
        for change in scanned.iter() {
            self.change(
                0,
                &Change {
                    text: &text[change.span.0..change.span.1],
                    sequence: change.sequence,
                    originator: range(change.originator),
                    event_type: range(change.event_type),
                    line_breaks: change.line_breaks,
                },
                io,
            )?;
        }
        Ok(())
    }

    /// Any frame the scan did not decide, read by serde.
    fn general_frame(&mut self, text: &str, io: &mut impl Io) -> Result<()> {
        let mut print_frame = self.options.frames;
        match frames::parse(text)? {
            Incoming::Response(response) => {
                print_frame &= !self.on_response(&response, io)?;
            }
            Incoming::Notification(notification) => {
                let kind = &*notification.notification_type;
                if kind == types::MESSAGING_EVENT_NOTIFICATION {
                    self.serde_changes(frames::changes(notification.body)?, io)?;
                } else if types::is_conversation_change(kind) {
                    // Metadata is read, not printed, unless --frames.
                    for change in frames::changes(notification.body)? {
                        let change = frames::conversation_change(change)?;
                        if change.conversation_id != self.options.conversation {
                            continue;
                        }
                        if change.closed() && self.options.until_closed {
                            self.phase = Phase::Draining {
                                last_content: change
                                    .last_content_sequence
                                    .map(|sequence| (change.last_content_dialog.clone(), sequence)),
                                until: None,
                            };
                        }
                        io.conversation(&change)?;
                    }
                }
            }
        }
        if print_frame && !self.limit_reached() {
            io.print(&jsonscan::compact(text))?;
            self.printed += 1;
        }
        Ok(())
    }

    /// The changes of a notification serde read.
    fn serde_changes(&mut self, changes: Vec<&RawValue>, io: &mut impl Io) -> Result<()> {
        let full = self.reads_origins();
        let mut metas = Vec::with_capacity(changes.len());
        for change in changes {
            let Some(dialog) = self.dialog_of(change)? else {
                continue;
            };
            metas.push((dialog, frames::change_meta(change, full)?, change));
        }
        metas.sort_by_key(|(dialog, meta, _)| (*dialog, meta.sequence));
        for (dialog, meta, change) in &metas {
            let text = change.get();
            self.change(
                *dialog,
                &Change {
                    text,
                    sequence: meta.sequence,
                    originator: meta.originator_id.as_deref(),
                    event_type: meta.event_type(),
                    line_breaks: jsonscan::has_line_break(text.as_bytes()),
                },
                io,
            )?;
        }
        Ok(())
    }

    /// Which followed dialog a change belongs to; None for another's. With
    /// one dialog followed, every change is its.
    fn dialog_of(&self, change: &RawValue) -> Result<Option<usize>> {
        if self.dialogs.len() == 1 {
            return Ok(Some(0));
        }
        Ok(match frames::change_dialog(change)? {
            None => Some(0),
            Some(id) => self.dialogs.iter().position(|dialog| dialog.id == id),
        })
    }

    /// One event: a repeat is dropped; a new one moves its dialog's cursor
    /// and, if it passes the filters, is printed.
    fn change(&mut self, dialog: usize, change: &Change, io: &mut impl Io) -> Result<()> {
        // Past --count nothing more is handled, so the cursor never claims
        // an event that was not printed.
        if self.limit_reached() {
            return Ok(());
        }
        if let Some(sequence) = change.sequence {
            let cursor = &mut self.dialogs[dialog].cursor;
            if cursor.is_some_and(|cursor| sequence <= cursor) {
                return Ok(());
            }
            // A cursor nothing can follow would resume from a wrapped 0.
            next_after(sequence)?;
            *cursor = Some(sequence);
            // Our own receipts (a checkpoint published to read a lost
            // request back among them) are not news a reconnection brought:
            // counted, a link that always fails would be retried forever.
            if !(change.event_type == Some("AcceptStatusEvent") && self.by_consumer(change)) {
                self.progress += 1;
            }
            self.active = true;
        }
        let printed = !self.options.frames && self.keeps(change);
        if printed {
            // Events without a sequence (typing) count as life too.
            self.active = true;
            if change.line_breaks {
                io.print(&jsonscan::compacted(change.text))?;
            } else {
                io.print(change.text)?;
            }
            self.printed += 1;
            if let Some(sequence) = change.sequence
                && dialog == 0
                && self.options.ack.is_some()
                && !self.by_consumer(change)
                && change
                    .event_type
                    .is_some_and(|t| t == "ContentEvent" || t == "RichContentEvent")
            {
                self.acks_due.push(sequence);
            }
        }
        if dialog == 0
            && !self.acks_due.is_empty()
            && self.by_consumer(change)
            && change.event_type == Some("AcceptStatusEvent")
        {
            self.strike_out_receipted(change.text);
        }
        io.event(&Event {
            dialog: &self.dialogs[dialog].id,
            sequence: change.sequence,
            by_consumer: self.by_consumer(change),
            event_type: change.event_type,
            text: change.text,
            printed,
        })
    }

    /// A response: to the setup request, to a receipt, or to something of
    /// the link's (true: never printed).
    fn on_response(&mut self, response: &Response, io: &mut impl Io) -> Result<bool> {
        if let Phase::SettingUp {
            id, request_type, ..
        } = &self.phase
            && response.req_id == id.as_str()
        {
            let request_type = *request_type;
            check_response(request_type, response)?;
            // The idle clock starts once, when the first subscription is set
            // up; after that only new events restart it, whatever the link does.
            if self.idle_since.is_none() {
                self.active = true;
            }
            self.phase = Phase::Streaming;
            if request_type == types::SUBSCRIBE_MESSAGING_EVENTS {
                self.subscribe_others(io)?;
            }
            // Conversation metadata is what tells that the conversation
            // closed; ask for it once the events flow.
            if request_type == types::SUBSCRIBE_MESSAGING_EVENTS && self.options.until_closed {
                let body = frames::conversations_body(&["OPEN", "CLOSE"]);
                self.await_setup(io, types::SUBSCRIBE_EX_CONVERSATIONS, &body)?;
            }
            return Ok(false);
        }
        if let Some(at) = self
            .extra_subscriptions
            .iter()
            .position(|id| *id == response.req_id)
        {
            self.extra_subscriptions.swap_remove(at);
            check_response(types::SUBSCRIBE_MESSAGING_EVENTS, response)?;
            return Ok(false);
        }
        if let Some(at) = self
            .acks_unanswered
            .iter()
            .position(|id| *id == response.req_id)
        {
            self.acks_unanswered.swap_remove(at);
            // A receipt is a courtesy to the agent: its failure is reported,
            // not fatal.
            if let Err(err) = check_response(types::PUBLISH_EVENT, response) {
                io.say(&format!("warning: read receipt not accepted: {err}"));
            }
            return Ok(false);
        }
        io.other_response(response)
    }

    /// The consumer's own receipt (from an earlier run, or another
    /// device): the sequences it marks as read (or accepted, when that is
    /// the receipt `ack` sends) need no receipt from this run.
    fn strike_out_receipted(&mut self, change: &str) {
        let Ok(change) = serde_json::from_str::<Value>(change) else {
            return;
        };
        let event = &change["event"];
        let covers = matches!(
            (self.options.ack, event["status"].as_str()),
            (_, Some("READ")) | (Some(AckStatus::Accept), Some("ACCEPT"))
        );
        let Some(marked) = event["sequenceList"].as_array().filter(|_| covers) else {
            return;
        };
        self.acks_due.retain(|due| {
            !marked
                .iter()
                .any(|sequence| sequence.as_u64() == Some(*due))
        });
    }

    /// The receipts due, in one request: at the end of each burst of
    /// frames and before the run ends.
    pub(crate) fn end_of_burst(&mut self, io: &mut impl Io) -> Result<()> {
        if let Some(status) = self.options.ack
            && !self.acks_due.is_empty()
        {
            let body = frames::accept_status_body(
                &self.options.conversation,
                status.wire_name(),
                &self.acks_due,
            );
            self.acks_due.clear();
            let id = io.request(types::PUBLISH_EVENT, &body)?;
            self.acks_unanswered.push(id);
        }
        Ok(())
    }

    /// The endings a frame can bring.
    fn after_frame(&mut self) {
        if self.limit_reached() {
            self.end(Ending::Count);
        }
        if let Phase::Draining { last_content, .. } = &self.phase {
            let caught_up = match last_content {
                None => true,
                Some((dialog, last)) => {
                    let followed = match dialog {
                        None => self.dialogs.first(),
                        Some(id) => self.dialogs.iter().find(|d| d.id == *id),
                    };
                    // A dialog not followed here has nothing to wait for.
                    followed.is_none_or(|dialog| dialog.cursor.is_some_and(|c| c >= *last))
                }
            };
            if caught_up {
                self.end(Ending::ConversationClosed);
            }
        }
    }

    /// Whether events are kept or acknowledged by who sent them or by type.
    fn reads_origins(&self) -> bool {
        self.options.every_origin
            || self.options.from != Origin::Any
            || !self.options.types.is_empty()
            || self.options.ack.is_some()
    }

    fn by_consumer(&self, change: &Change) -> bool {
        change.originator == Some(self.options.consumer.as_str())
    }

    fn keeps(&self, change: &Change) -> bool {
        let origin_ok = match self.options.from {
            Origin::Any => true,
            Origin::Consumer => self.by_consumer(change),
            Origin::Agent => !self.by_consumer(change),
        };
        let type_ok = self.options.types.is_empty()
            || change
                .event_type
                .is_some_and(|t| self.options.types.iter().any(|wanted| wanted == t));
        // Read only when asked: the scan does not read the timestamp.
        let time_ok = self
            .options
            .since
            .is_none_or(|since| frames::server_timestamp(change.text).is_none_or(|at| at >= since));
        origin_ok && type_ok && time_ok
    }
}
