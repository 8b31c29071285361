//! The session on the consumer WebSocket, without the socket: request ids
//! minted, the awaited response matched by `reqId` (notifications that
//! arrive meanwhile are parked and handed out after it), the keep-alive and
//! the dead-link verdict.
//!
//! Frames and the time go in (`handle_frame`, `handle_pong`, `handle_close`,
//! `handle_timeout`); out come what to send (`poll_transmit`), when to be
//! woken (`poll_timeout`) and what happened (`poll_event`). `Connection`
//! moves the bytes; the unit tests drive a session by hand.
//!
//! A frame carries no time: the clock is read once per wait, not per frame.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::Value;
use serde_json::value::RawValue;
use tungstenite::Utf8Bytes;

use crate::exit::{Exit, fail, link_failure};
use crate::frames::{self, Incoming, check_response, types};
use crate::reconnect::LinkError;
use crate::sanitise;

/// GetClock requests whose answers we still drop, at most.
const KEEPALIVE_IDS_KEPT: usize = 8;

/// A successful response.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) code: i64,
    pub(crate) body: Option<Box<RawValue>>,
}

/// What to send.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Transmit {
    /// A request, as a text frame.
    Text(String),
    /// A WebSocket ping.
    Ping,
}

/// What happened on the session.
#[derive(Debug)]
pub(crate) enum Event {
    /// A frame for the reader: any frame while no response is awaited (the
    /// reader matches its own responses), else a parked notification.
    Frame(Utf8Bytes),
    /// The response to the awaited request `id`: a code outside 2xx is an
    /// error.
    Reply { id: String, reply: Result<Reply> },
    /// A response to a request nobody awaits (said with `--verbose`).
    Unmatched(String),
    /// The server closed the connection normally (code 1000).
    End,
    /// The link failed; the error carries its `LinkError`.
    Failed(anyhow::Error),
}

/// WebSocket pings and GetClock requests when the link is quiet, and the
/// dead-link verdict when they go unanswered.
struct Keepalive {
    every: Option<Duration>,
    next_at: Option<Instant>,
    /// When a keep-alive went out that nothing has answered yet.
    unanswered_since: Option<Instant>,
    /// GetClock ids whose responses are dropped.
    ids: VecDeque<String>,
}

pub(crate) struct Session {
    host: String,
    timeout: Duration,
    next_id: u64,
    /// The request whose response is awaited: its id and type.
    awaiting: Option<(String, String)>,
    /// Frames for the reader, held while a response is awaited.
    parked: VecDeque<Utf8Bytes>,
    /// Their bytes, and how many may be held: a server that keeps sending
    /// and never answers is a flood, not a reason to grow without end.
    parked_bytes: usize,
    park_limit: usize,
    reply: Option<Event>,
    unmatched: VecDeque<String>,
    /// How the link ended, said once the parked frames are out.
    end: Option<Event>,
    transmits: VecDeque<Transmit>,
    keepalive: Keepalive,
}

impl Session {
    /// A session on a link to `host` opened at `now`; `keepalive` is how
    /// often a quiet link is checked, `timeout` how long an answer may take,
    /// `park_limit` how many bytes of frames may wait for the reader.
    pub(crate) fn new(
        host: &str,
        timeout: Duration,
        keepalive: Option<Duration>,
        park_limit: usize,
        now: Instant,
    ) -> Session {
        Session {
            host: host.to_owned(),
            timeout,
            next_id: 1,
            awaiting: None,
            parked: VecDeque::new(),
            parked_bytes: 0,
            park_limit,
            reply: None,
            unmatched: VecDeque::new(),
            end: None,
            transmits: VecDeque::new(),
            keepalive: Keepalive {
                every: keepalive,
                next_at: keepalive.map(|every| now + every),
                unanswered_since: None,
                ids: VecDeque::new(),
            },
        }
    }

    pub(crate) fn host(&self) -> &str {
        &self.host
    }

    pub(crate) fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Queues a request (with a top-level `metadata` beside its body, such
    /// as a button's click metadata) and returns its id.
    pub(crate) fn request(
        &mut self,
        request_type: &str,
        body: Option<&Value>,
        metadata: Option<&Value>,
    ) -> String {
        let id = self.next_id.to_string();
        self.next_id += 1;
        let text = frames::request(&id, request_type, body, metadata);
        self.transmits.push_back(Transmit::Text(text));
        id
    }

    /// From now on, frames are parked until the response to request `id`
    /// (of `request_type`) comes.
    pub(crate) fn await_reply(&mut self, id: &str, request_type: &str) {
        self.awaiting = Some((id.to_owned(), request_type.to_owned()));
    }

    /// A text frame came in.
    pub(crate) fn handle_frame(&mut self, text: Utf8Bytes) -> Result<()> {
        self.keepalive.unanswered_since = None;
        let Some((awaited, request_type)) = &self.awaiting else {
            return self.park(text);
        };
        match frames::parse(&text)? {
            Incoming::Response(response) if response.req_id == *awaited => {
                let reply = check_response(request_type, &response).map(|()| Reply {
                    code: response.code,
                    body: response.body.map(RawValue::to_owned),
                });
                self.reply = Some(Event::Reply {
                    id: awaited.clone(),
                    reply,
                });
                self.awaiting = None;
            }
            Incoming::Response(response) => {
                if !self.claim(&response.req_id) {
                    self.unmatched.push_back(response.req_id.into_owned());
                }
            }
            Incoming::Notification(_) => return self.park(text),
        }
        Ok(())
    }

    /// Takes a response that no one awaits: a keep-alive's answer is the
    /// session's own (true), anything else is not (false).
    pub(crate) fn claim(&mut self, req_id: &str) -> bool {
        let ids = &mut self.keepalive.ids;
        match ids.iter().position(|id| id == req_id) {
            Some(at) => {
                ids.remove(at);
                true
            }
            None => false,
        }
    }

    /// A pong came in: the link carries ours. (A ping of the server's says
    /// nothing of that.)
    pub(crate) fn handle_pong(&mut self) {
        self.keepalive.unanswered_since = None;
    }

    /// The server closed the link, with this code and reason if it said.
    pub(crate) fn handle_close(&mut self, close: Option<(u16, &str)>) {
        let Some((code, reason)) = close else {
            self.end = Some(Event::Failed(link_failure(
                Exit::TempFail,
                LinkError::Closed(1005),
                "the server closed the connection without a close code",
            )));
            return;
        };
        let reason = if reason.is_empty() {
            String::new()
        } else {
            format!(": {}", sanitise::line(reason))
        };
        let link = LinkError::Closed(code);
        self.end = Some(if link.refuses_token() {
            Event::Failed(link_failure(
                Exit::NoPerm,
                link,
                format!(
                    "the server refused the token (close code {code}{reason}); get a fresh token"
                ),
            ))
        } else if code != 1000 {
            Event::Failed(link_failure(
                Exit::TempFail,
                link,
                format!("the server closed the connection with code {code}{reason}"),
            ))
        } else if let Some((_, request_type)) = &self.awaiting {
            Event::Failed(link_failure(
                Exit::TempFail,
                link,
                format!("the server closed the connection before answering {request_type}"),
            ))
        } else {
            Event::End
        });
    }

    /// The session's timers at `now`: the dead-link verdict (an error), and
    /// a keep-alive queued when one is due.
    pub(crate) fn handle_timeout(&mut self, now: Instant) -> Result<()> {
        if self.dead_link_at().is_some_and(|at| now > at) {
            return Err(link_failure(
                Exit::TempFail,
                LinkError::TimedOut,
                format!(
                    "{}: no answer to the keep-alive within {} s: the link is dead",
                    self.host,
                    self.timeout.as_secs_f64()
                ),
            ));
        }
        let (Some(every), Some(next_at)) = (self.keepalive.every, self.keepalive.next_at) else {
            return Ok(());
        };
        if now < next_at {
            return Ok(());
        }
        self.keepalive.next_at = Some(now + every);
        self.keepalive.unanswered_since.get_or_insert(now);
        self.transmits.push_back(Transmit::Ping);
        let id = self.request(types::GET_CLOCK, None, None);
        let ids = &mut self.keepalive.ids;
        if ids.len() == KEEPALIVE_IDS_KEPT {
            ids.pop_front();
        }
        ids.push_back(id);
        Ok(())
    }

    /// The next thing to send.
    pub(crate) fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmits.pop_front()
    }

    /// When `handle_timeout` is next due.
    pub(crate) fn poll_timeout(&self) -> Option<Instant> {
        [self.keepalive.next_at, self.dead_link_at()]
            .into_iter()
            .flatten()
            .min()
    }

    /// The next event: the awaited response, then what is left unmatched,
    /// then (once nothing is awaited) the parked frames in order, then the
    /// end. A failure while a response is awaited comes at once.
    pub(crate) fn poll_event(&mut self) -> Option<Event> {
        if let Some(reply) = self.reply.take() {
            return Some(reply);
        }
        if let Some(id) = self.unmatched.pop_front() {
            return Some(Event::Unmatched(id));
        }
        if self.awaiting.is_some() {
            return match self.end {
                Some(Event::Failed(_)) => self.end.take(),
                _ => None,
            };
        }
        if let Some(frame) = self.parked.pop_front() {
            self.parked_bytes -= frame.len();
            return Some(Event::Frame(frame));
        }
        self.end.take()
    }

    /// Holds a frame for the reader, within `park_limit`.
    fn park(&mut self, text: Utf8Bytes) -> Result<()> {
        self.parked_bytes += text.len();
        if self.parked_bytes > self.park_limit {
            let unanswered = match &self.awaiting {
                Some((_, request_type)) => format!(" while {request_type} went unanswered"),
                None => String::new(),
            };
            return Err(fail(
                Exit::Protocol,
                format!(
                    "{}: the server sent more than {} bytes of notifications{unanswered}: a flood",
                    self.host, self.park_limit
                ),
            ));
        }
        self.parked.push_back(text);
        Ok(())
    }

    fn dead_link_at(&self) -> Option<Instant> {
        self.keepalive
            .unanswered_since
            .map(|since| since + self.timeout)
    }
}

#[cfg(test)]
mod tests;
