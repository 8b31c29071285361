//! The connection as its callers read it: the next frame, the response to
//! a request, and waits for them, for another descriptor, or in poll(2)
//! until the socket, a deadline, the session's timers or a signal wake it.

use std::io;
use std::os::fd::BorrowedFd;
use std::time::Instant;

use anyhow::Result;
use rustix::event::{PollFd, PollFlags};
use serde_json::Value;
use tungstenite::Utf8Bytes;

use super::Connection;
use crate::exit::{Exit, err_text, fail, link_failure};
use crate::frames::{self, Incoming, Response};
use crate::patience::Patience;
use crate::reconnect::LinkError;
use crate::sanitise;
use crate::session::{Event, Reply};
use crate::signals;
use crate::transport::timed_out;

/// What a read produced.
pub(crate) enum Read {
    /// A text frame.
    Frame(Utf8Bytes),
    /// Nothing more right now: the socket would block.
    Empty,
    /// The server closed the connection normally (code 1000).
    Closed,
}

/// What ended a wait.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Wake {
    /// The socket has data (or an error to report).
    Input,
    /// The deadline passed.
    Deadline,
    /// The other descriptor the caller watches is readable.
    Other,
    /// stdout is a pipe whose reader went away.
    ReaderGone,
    /// Nothing happened worth saying (a nap ended, a signal that is not ours).
    Nothing,
}

/// What a wait also watches besides the socket.
#[derive(Default, Clone, Copy)]
pub(crate) struct Watch<'a> {
    /// Notice that stdout's reader left (as journalctl does), so an idle
    /// follower of `| head -n 1` ends without waiting for another event.
    pub(crate) stdout: bool,
    /// Another descriptor to wake up for.
    pub(crate) other: Option<BorrowedFd<'a>>,
}

impl Connection {
    /// Handles a response that no caller waits for: a keep-alive's answer
    /// is dropped (true), anything else is noted in `--verbose` (false).
    pub(crate) fn other_response(&mut self, response: &Response) -> bool {
        if self.session.claim(&response.req_id) {
            return true;
        }
        self.note_unmatched(&response.req_id);
        false
    }

    fn note_unmatched(&self, req_id: &str) {
        if self.verbose_redact.is_some() {
            eprintln!(
                "lp-consumer: ignoring a response to unknown request id {}",
                sanitise::line(req_id)
            );
        }
    }

    /// The next frame without waiting: parked ones first, then the socket's.
    pub(crate) fn read(&mut self) -> Result<Read> {
        loop {
            match self.session.poll_event() {
                Some(Event::Frame(frame)) => return Ok(Read::Frame(frame)),
                Some(Event::End) => return Ok(Read::Closed),
                Some(Event::Failed(err)) => return Err(err),
                Some(Event::Unmatched(id)) => self.note_unmatched(&id),
                // Only `response_to` awaits a response, and takes it.
                Some(Event::Reply { .. }) => {}
                None => {
                    if !self.read_socket()? {
                        return Ok(Read::Empty);
                    }
                }
            }
        }
    }

    /// Sends a request and waits (up to `--timeout`) for its response; a code
    /// outside 2xx is an error. Notifications that arrive meanwhile are kept
    /// for `read`.
    pub(crate) fn request(&mut self, request_type: &str, body: Option<&Value>) -> Result<Reply> {
        let id = self.send_request(request_type, body)?;
        self.response_to(&id, request_type)
    }

    /// Waits (up to `--timeout`) for the response to request `id`.
    pub(crate) fn response_to(&mut self, id: &str, request_type: &str) -> Result<Reply> {
        self.session.await_reply(id, request_type);
        let timeout = self.timeout();
        let deadline = Instant::now() + timeout;
        let mut patience = Patience::new(
            format!("the response to {request_type}"),
            timeout,
            self.verbose_redact.is_some(),
        );
        loop {
            match self.session.poll_event() {
                Some(Event::Reply {
                    id: answered,
                    reply,
                }) if answered == id => return reply,
                Some(Event::Failed(err)) => return Err(err),
                Some(Event::Unmatched(id)) => self.note_unmatched(&id),
                // Frames and a normal end are held while a response is
                // awaited, and only one is.
                Some(Event::Frame(_) | Event::End | Event::Reply { .. }) | None => {
                    if self.read_socket()? {
                        continue;
                    }
                    let now = Instant::now();
                    if now >= deadline {
                        return Err(timed_out(
                            &format!("waiting for the response to {request_type}"),
                            timeout,
                        ));
                    }
                    patience.tick(now);
                    let wake_at = patience.next().map_or(deadline, |at| at.min(deadline));
                    self.wait(Some(wake_at), Watch::default())?;
                }
            }
        }
    }

    /// The next frame, waiting for it until `until` (`Empty` then).
    pub(crate) fn next(&mut self, until: Instant) -> Result<Read> {
        loop {
            match self.read()? {
                Read::Empty => {
                    if self.wait(Some(until), Watch::default())? == Wake::Deadline {
                        return Ok(Read::Empty);
                    }
                }
                other => return Ok(other),
            }
        }
    }

    /// Waits for `other` to become readable while keeping the link alive:
    /// answers pings, drops keep-alive answers and notifications, notices
    /// signals and a dead link.
    pub(crate) fn tend_until_readable(&mut self, other: BorrowedFd) -> Result<()> {
        let watch = Watch {
            stdout: false,
            other: Some(other),
        };
        loop {
            match self.read()? {
                Read::Frame(frame) => {
                    if let Incoming::Response(response) = frames::parse(&frame)? {
                        self.other_response(&response);
                    }
                }
                Read::Closed => {
                    return Err(link_failure(
                        Exit::TempFail,
                        LinkError::Closed(1000),
                        format!("{}: the server closed the connection", self.host()),
                    ));
                }
                Read::Empty => {
                    if self.wait(None, watch)? == Wake::Other {
                        return Ok(());
                    }
                }
            }
        }
    }

    /// Sleeps until the socket has data, `until` passes, or what `watch`
    /// names happens; on the way, sends a keep-alive when one is due and
    /// notices a dead link, a stalled message and signals (a signal wakes
    /// the wait at once).
    pub(crate) fn wait(&mut self, until: Option<Instant>, watch: Watch) -> Result<Wake> {
        let now = Instant::now();
        self.maintain(now)?;
        if until.is_some_and(|until| now >= until) {
            return Ok(Wake::Deadline);
        }
        let wake_at = [
            until,
            self.session.poll_timeout(),
            self.ws.get_ref().stall_deadline(),
        ]
        .into_iter()
        .flatten()
        .min();
        let stdout = io::stdout();
        let mut fds = vec![PollFd::new(self.ws.get_ref().tcp(), PollFlags::IN)];
        let stdout_at = watch.stdout.then(|| {
            fds.push(PollFd::new(&stdout, PollFlags::empty()));
            fds.len() - 1
        });
        let other_at = watch.other.map(|fd| {
            fds.push(PollFd::from_borrowed_fd(fd, PollFlags::IN));
            fds.len() - 1
        });
        if let Some(fd) = signals::wake_fd() {
            fds.push(PollFd::from_borrowed_fd(fd, PollFlags::IN));
        }
        let polled = match wake_at {
            Some(at) => signals::poll_for(&mut fds, at.saturating_duration_since(now)),
            None => rustix::event::poll(&mut fds, None).map_err(io::Error::from),
        };
        match polled {
            Ok(_) => {}
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => {
                return Err(fail(
                    Exit::Software,
                    format!("poll failed: {}", err_text(&err)),
                ));
            }
        }
        if let Some(exit) = signals::pending() {
            self.finish();
            return Err(fail(exit, ""));
        }
        let ready = |at: Option<usize>, flags: PollFlags| {
            at.is_some_and(|at| fds[at].revents().intersects(flags))
        };
        Ok(if !fds[0].revents().is_empty() {
            Wake::Input
        } else if ready(stdout_at, PollFlags::ERR | PollFlags::HUP) {
            Wake::ReaderGone
        } else if ready(other_at, PollFlags::all()) {
            Wake::Other
        } else if until.is_some_and(|until| Instant::now() >= until) {
            Wake::Deadline
        } else {
            Wake::Nothing
        })
    }
}
