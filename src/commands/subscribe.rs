//! `subscribe CONV`: ms.SubscribeMessagingEvents; one line per change of every
//! ms.MessagingEventNotification, history first, then live; with resuming
//! (`--reconnect`, `--state-file`), filters and its endings.
//!
//! Each sequence is printed at most once per run: the highest sequence
//! handled (printed or filtered out) is the cursor, a change at or below it
//! is a repeat, and a reconnect resubscribes from cursor + 1. The service
//! sends a dialog's events in sequence order; changes inside one
//! notification are put in that order before they are handled.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::value::RawValue;

use crate::cli::{Origin, SubscribeArgs};
use crate::config::ConnectionConfig;
use crate::connection::{Connection, Event, TICK, check_response};
use crate::exit::{self, Exit, Outcome, fail};
use crate::frames::{self, ChangeMeta, Incoming, types};
use crate::jsonscan::compact;
use crate::output::Output;
use crate::signals;
use crate::state::StateFile;

/// How often an idle subscriber checks whether its stdout reader went away.
const STDOUT_CHECK: Duration = Duration::from_millis(250);
const BACKOFF_FIRST: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(30);
/// LivePerson's retry guidance: after a 429, wait at least a second.
const AFTER_THROTTLE: Duration = Duration::from_secs(1);

pub fn run(args: &SubscribeArgs, config: &ConnectionConfig, out: &mut Output) -> Result<()> {
    let state = args
        .state_file
        .as_deref()
        .map(|path| StateFile::open(path, &args.conversation))
        .transpose()?;
    let cursor = state
        .as_ref()
        .and_then(StateFile::stored)
        .or(args.from_seq.checked_sub(1));
    let mut subscriber = Subscriber {
        args,
        out,
        consumer: config.token.claims.sub(),
        cursor,
        printed: 0,
        state,
        frames_received: 0,
        acks_due: Vec::new(),
        acks_unanswered: Vec::new(),
    };
    let mut failures = 0u32;
    loop {
        let frames_before = subscriber.frames_received;
        let result = subscriber.follow_one_connection(config);
        // Whatever ended the connection, what was printed is flushed and
        // its cursor stored (a signal's exit code still wins).
        let settled = subscriber.settle();
        let err = match result {
            Ok(()) => return settled,
            Err(err) => err,
        };
        if !args.reconnect || !is_retryable(&err) {
            return Err(err);
        }
        if subscriber.frames_received > frames_before {
            failures = 0;
        }
        failures += 1;
        if let Some(max) = args.max_retries
            && failures > max
        {
            return Err(err.context(format!("giving up after {max} reconnect attempts")));
        }
        let delay = backoff(failures, &err);
        eprintln!(
            "lp-consumer: {err:#}; reconnecting in {:.1} s (attempt {failures})",
            delay.as_secs_f64()
        );
        wait_unless_signalled(delay)?;
    }
}

/// Dropped links, timeouts, overload and refused connections may heal;
/// authentication, protocol and local errors do not.
fn is_retryable(err: &anyhow::Error) -> bool {
    matches!(
        exit::classify(err),
        Outcome::Fail(Exit::TempFail | Exit::Unavailable)
    )
}

/// Exponential backoff from 0.5 s, capped at 30 s, with "equal jitter"
/// (half fixed, half random) so that many clients do not retry in step.
fn backoff(failures: u32, err: &anyhow::Error) -> Duration {
    let ceiling = BACKOFF_FIRST
        .saturating_mul(1u32 << failures.saturating_sub(1).min(16))
        .min(BACKOFF_MAX);
    let random = RandomState::new().hash_one(failures) as f64 / u64::MAX as f64;
    let delay = ceiling.mul_f64(0.5 + 0.5 * random);
    if exit::is_throttled(err) {
        delay.max(AFTER_THROTTLE)
    } else {
        delay
    }
}

/// Sleeps, waking each tick for SIGINT/SIGTERM.
fn wait_unless_signalled(delay: Duration) -> Result<()> {
    let until = Instant::now() + delay;
    loop {
        if let Some(exit) = signals::pending() {
            return Err(fail(exit, ""));
        }
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok(());
        }
        thread::sleep(left.min(TICK));
    }
}

struct Subscriber<'a> {
    args: &'a SubscribeArgs,
    out: &'a mut Output,
    consumer: &'a str,
    /// Highest sequence handled (printed or filtered out).
    cursor: Option<u64>,
    printed: u64,
    state: Option<StateFile>,
    frames_received: u64,
    /// Agent content events printed from the current frame, for --ack.
    acks_due: Vec<u64>,
    /// Ids of receipts sent whose responses have not come yet.
    acks_unanswered: Vec<String>,
}

/// A setup request whose response is still due.
struct Awaited {
    id: String,
    request_type: &'static str,
    deadline: Instant,
}

impl Subscriber<'_> {
    fn limit_reached(&self) -> bool {
        self.args.count.is_some_and(|count| self.printed >= count)
    }

    /// Subscribes on a new connection and streams until an ending (Ok) or a
    /// failure (Err, which the caller may retry).
    fn follow_one_connection(&mut self, config: &ConnectionConfig) -> Result<()> {
        let mut connection = Connection::open(config)?;
        let from_seq = self.cursor.map_or(0, |cursor| cursor + 1);
        let body = frames::subscribe_body(&self.args.conversation, from_seq);
        let mut awaited = Some(Awaited {
            id: connection.send_request(types::SUBSCRIBE_MESSAGING_EVENTS, Some(&body))?,
            request_type: types::SUBSCRIBE_MESSAGING_EVENTS,
            deadline: Instant::now() + connection.timeout(),
        });
        // When the run ends for lack of events: --idle-timeout after the
        // last one, or --timeout after the conversation closed.
        let mut quiet_deadline = None;
        // Set once the conversation is closed: the last content sequence
        // still to wait for, if the server said it.
        let mut closed_at: Option<Option<u64>> = None;
        loop {
            if self.limit_reached() || closed_at.is_some_and(|last| self.caught_up(last)) {
                connection.finish();
                return Ok(());
            }
            let deadline = awaited.as_ref().map(|a| a.deadline).or(quiet_deadline);
            let check_at = Instant::now() + STDOUT_CHECK;
            let until = deadline.map_or(check_at, |d| d.min(check_at));
            let frame = match connection.next(Some(until))? {
                Event::Frame(frame) => frame,
                Event::Idle => {
                    if self.out.reader_gone() {
                        return Ok(());
                    }
                    if deadline.is_some_and(|d| Instant::now() >= d) {
                        if let Some(awaited) = &awaited {
                            return Err(fail(
                                Exit::TempFail,
                                format!(
                                    "no response to {} within {} s",
                                    awaited.request_type,
                                    connection.timeout().as_secs_f64()
                                ),
                            ));
                        }
                        connection.finish();
                        return Ok(());
                    }
                    continue;
                }
                Event::Closed if self.args.reconnect => {
                    return Err(fail(Exit::TempFail, "the server closed the connection"));
                }
                Event::Closed => return Ok(()),
            };
            self.frames_received += 1;
            let mut print_frame = self.args.frames;
            // Events and the end of the setup restart the idle clock;
            // keep-alive answers do not.
            let mut activity = false;
            // The usual frame, an array of events, takes the one-pass road.
            let fast = (!self.args.frames)
                .then(|| frames::messaging_changes(&frame))
                .flatten();
            if let Some(changes) = fast {
                activity = true;
                self.handle_changes(changes)?;
            } else {
                match frames::parse(&frame)? {
                    Incoming::Response(response) => match awaited.take() {
                        Some(setup) if response.req_id == setup.id => {
                            check_response(setup.request_type, &response)?;
                            activity = true;
                            // Conversation metadata is what tells that the
                            // conversation closed; ask for it once the events flow.
                            if setup.request_type == types::SUBSCRIBE_MESSAGING_EVENTS
                                && self.watches_close()
                            {
                                awaited = Some(Awaited {
                                    id: connection.send_request(
                                        types::SUBSCRIBE_EX_CONVERSATIONS,
                                        Some(&frames::conversations_body(&["OPEN", "CLOSE"])),
                                    )?,
                                    request_type: types::SUBSCRIBE_EX_CONVERSATIONS,
                                    deadline: Instant::now() + connection.timeout(),
                                });
                            }
                        }
                        other => {
                            awaited = other;
                            if let Some(at) = self
                                .acks_unanswered
                                .iter()
                                .position(|id| *id == response.req_id)
                            {
                                self.acks_unanswered.swap_remove(at);
                                // A receipt is a courtesy to the agent: its failure
                                // is reported, not fatal.
                                if let Err(err) = check_response(types::PUBLISH_EVENT, &response) {
                                    eprintln!(
                                        "lp-consumer: warning: read receipt not accepted: {err}"
                                    );
                                }
                            } else {
                                print_frame &= !connection.other_response(&response);
                            }
                        }
                    },
                    Incoming::Notification(notification) => {
                        activity = true;
                        let kind = &*notification.notification_type;
                        if kind == types::MESSAGING_EVENT_NOTIFICATION {
                            self.handle_changes(frames::changes(notification.body)?)?;
                        } else if types::is_conversation_change(kind) {
                            for change in frames::changes(notification.body)? {
                                let change = frames::conversation_change(change)?;
                                if change.conversation_id == self.args.conversation
                                    && change.closed()
                                    && self.watches_close()
                                {
                                    closed_at = Some(change.last_content_sequence);
                                }
                            }
                            // Metadata is read, not printed, unless --frames.
                        }
                    }
                }
            }
            if print_frame && !self.limit_reached() {
                self.out.raw_line(&compact(&frame))?;
                self.printed += 1;
            }
            // Flush once a burst is over, or after every frame when a
            // cursor must follow the output closely.
            if self.state.is_some() || !connection.input_pending() {
                self.settle()?;
            }
            if let Some(status) = self.args.ack
                && !self.acks_due.is_empty()
            {
                let body = frames::accept_status_body(
                    &self.args.conversation,
                    status.wire_name(),
                    &self.acks_due,
                );
                self.acks_due.clear();
                let id = connection.send_request(types::PUBLISH_EVENT, Some(&body))?;
                self.acks_unanswered.push(id);
            }
            if activity && awaited.is_none() {
                quiet_deadline = self.args.idle_timeout.map(|idle| Instant::now() + idle);
            }
            if closed_at.is_some() {
                let grace = Instant::now() + connection.timeout();
                quiet_deadline = Some(quiet_deadline.map_or(grace, |d| d.min(grace)));
            }
        }
    }

    /// Flushes the output, then stores the cursor that covers it.
    fn settle(&mut self) -> Result<()> {
        self.out.flush()?;
        if let (Some(state), Some(cursor)) = (&mut self.state, self.cursor) {
            state.store(cursor)?;
        }
        Ok(())
    }

    /// The run ends when the conversation closes, unless --follow.
    fn watches_close(&self) -> bool {
        !self.args.follow
    }

    fn caught_up(&self, last: Option<u64>) -> bool {
        match (last, self.cursor) {
            (Some(last), Some(cursor)) => cursor >= last,
            (Some(_), None) => false,
            (None, _) => true,
        }
    }

    /// Prints the changes of one notification that are new and pass the
    /// filters, in sequence order, and moves the cursor past them.
    fn handle_changes(&mut self, changes: Vec<&RawValue>) -> Result<()> {
        let mut parsed = changes
            .into_iter()
            .map(|change| Ok((frames::change_meta(change, self.reads_origins())?, change)))
            .collect::<Result<Vec<(ChangeMeta, &RawValue)>>>()?;
        if !parsed.is_sorted_by_key(|(meta, _)| meta.sequence) {
            parsed.sort_by_key(|(meta, _)| meta.sequence);
        }
        for (meta, change) in parsed {
            // Past --count nothing more is handled, so the cursor never
            // claims an event that was not printed.
            if self.limit_reached() {
                break;
            }
            if let Some(sequence) = meta.sequence {
                if self.cursor.is_some_and(|cursor| sequence <= cursor) {
                    continue;
                }
                self.cursor = Some(sequence);
            }
            if !self.args.frames && self.keeps(&meta) {
                self.out.raw_line(&compact(change.get()))?;
                self.printed += 1;
                if let Some(sequence) = meta.sequence
                    && self.args.ack.is_some()
                    && !self.by_consumer(&meta)
                    && meta.event_type() == Some("ContentEvent")
                {
                    self.acks_due.push(sequence);
                }
            }
        }
        Ok(())
    }

    /// Whether events are kept or acknowledged by who sent them or by type.
    fn reads_origins(&self) -> bool {
        self.args.from != Origin::Any || !self.args.types.is_empty() || self.args.ack.is_some()
    }

    fn by_consumer(&self, meta: &ChangeMeta) -> bool {
        meta.originator_id.as_deref() == Some(self.consumer)
    }

    fn keeps(&self, meta: &ChangeMeta) -> bool {
        let by_consumer = self.by_consumer(meta);
        let origin_ok = match self.args.from {
            Origin::Any => true,
            Origin::Consumer => by_consumer,
            Origin::Agent => !by_consumer,
        };
        let type_ok = self.args.types.is_empty()
            || meta
                .event_type()
                .is_some_and(|t| self.args.types.iter().any(|wanted| wanted == t));
        origin_ok && type_ok
    }
}
