//! The pump: the one loop that reads the socket into the session, hands
//! what comes out to a `Consumer`, and waits in poll(2) until the socket, a
//! deadline, the session's timers or a signal wake it. The stream, the chat
//! and a convo played live are consumers; so are the response to a request,
//! a notification looked for, and the wait for another descriptor.

use std::io;
use std::marker::PhantomData;
use std::ops::ControlFlow;
use std::os::fd::BorrowedFd;
use std::time::{Duration, Instant};

use anyhow::Result;
use rustix::event::{PollFd, PollFlags};
use serde_json::Value;
use tungstenite::Utf8Bytes;

use super::Connection;
use crate::exit::{Exit, err_text, fail, link_failure};
use crate::frames::{self, Incoming, Notification, Response};
use crate::patience::Patience;
use crate::reconnect::LinkError;
use crate::sanitise;
use crate::session::{Event, Reply};
use crate::signals;
use crate::transport::timed_out;

/// A burst longer than this many messages (pings included) is cut in parts: at the end of
/// each, the consumer is told the burst is over and the pump waits as after
/// any burst, so deadlines, signals, the keep-alive and stdout's reader are
/// looked at whatever the server keeps sending; the clock is never read
/// per frame.
const MESSAGES_PER_BURST_PART: usize = 4096;

/// What `find` ends with.
pub(crate) enum Found<T> {
    /// What `pick` made of a notification.
    It(T),
    /// `until` passed first.
    Deadline,
    /// The server closed the connection normally first.
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

    /// Runs `consumer` until it is done: reads what the socket has into the
    /// session and hands out what comes of it, then (once the socket would
    /// block, the burst over) asks the consumer what to wait for.
    pub(crate) fn pump<C: Consumer>(&mut self, consumer: &mut C) -> Result<C::Output> {
        let mut read_in_part = 0;
        loop {
            let flow = match self.session.poll_event() {
                Some(Event::Frame(frame)) => consumer.frame(self, frame)?,
                Some(Event::Reply { id, reply }) => consumer.reply(&id, reply)?,
                Some(Event::End) => return consumer.closed(self),
                Some(Event::Failed(err)) => return Err(err),
                Some(Event::Unmatched(id)) => {
                    self.note_unmatched(&id);
                    ControlFlow::Continue(())
                }
                None => {
                    if let Some(exit) = signals::pending() {
                        self.finish();
                        return Err(fail(exit, ""));
                    }
                    if read_in_part < MESSAGES_PER_BURST_PART {
                        let read = self.read_socket()?;
                        if read > 0 {
                            read_in_part += read;
                            continue;
                        }
                    }
                    read_in_part = 0;
                    match consumer.drained(self)? {
                        ControlFlow::Break(output) => return Ok(output),
                        ControlFlow::Continue(Some(Wait { until, watch })) => {
                            let wake = self.wait(until, watch)?;
                            consumer.woke(wake)
                        }
                        ControlFlow::Continue(None) => ControlFlow::Continue(()),
                    }
                }
            };
            if let ControlFlow::Break(output) = flow {
                return Ok(output);
            }
        }
    }

    /// Sends a request and waits (up to `--timeout`) for its response; a code
    /// outside 2xx is an error. Notifications that arrive meanwhile are kept
    /// for the next consumer.
    pub(crate) fn request(&mut self, request_type: &str, body: Option<&Value>) -> Result<Reply> {
        let id = self.send_request(request_type, body)?;
        self.response_to(&id, request_type)
    }

    /// Waits (up to `--timeout`) for the response to request `id`.
    pub(crate) fn response_to(&mut self, id: &str, request_type: &str) -> Result<Reply> {
        self.session.await_reply(id, request_type);
        let timeout = self.timeout();
        let mut awaited = Awaited {
            id,
            request_type,
            timeout,
            deadline: Instant::now() + timeout,
            patience: Patience::new(
                format!("the response to {request_type}"),
                timeout,
                self.verbose_redact.is_some(),
            ),
        };
        self.pump(&mut awaited)?
    }

    /// The first thing `pick` makes of a notification, waiting for it until
    /// `until`; responses that no one awaits are handled on the way.
    pub(crate) fn find<T>(
        &mut self,
        until: Instant,
        pick: impl FnMut(Notification) -> Result<Option<T>>,
    ) -> Result<Found<T>> {
        self.pump(&mut Finder {
            until,
            pick,
            found: PhantomData,
        })
    }

    /// Waits for `other` to become readable while keeping the link alive:
    /// answers pings, drops keep-alive answers and notifications, notices
    /// signals and a dead link.
    pub(crate) fn tend_until_readable(&mut self, other: BorrowedFd) -> Result<()> {
        self.pump(&mut Tend { other })
    }

    /// Sleeps until the socket has data, `until` passes, or what `watch`
    /// names happens; on the way, sends a keep-alive when one is due and
    /// notices a dead link, a stalled message and signals (a signal wakes
    /// the wait at once).
    fn wait(&mut self, until: Option<Instant>, watch: Watch) -> Result<Wake> {
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

/// What the pump waits for once the socket would block.
pub(crate) struct Wait<'a> {
    pub(crate) until: Option<Instant>,
    pub(crate) watch: Watch<'a>,
}

/// What the pump feeds. Each method says whether the pump goes on
/// (`Continue`) or ends with the consumer's output (`Break`).
pub(crate) trait Consumer {
    type Output;

    /// A frame for the reader.
    fn frame(
        &mut self,
        connection: &mut Connection,
        frame: Utf8Bytes,
    ) -> Result<ControlFlow<Self::Output>>;

    /// The response to the request the connection awaits.
    fn reply(&mut self, _id: &str, _reply: Result<Reply>) -> Result<ControlFlow<Self::Output>> {
        Ok(ControlFlow::Continue(()))
    }

    /// The socket has nothing more for now, or a long burst reached the end
    /// of a part: the burst is over. What to wait for (None: nothing, the socket is read again at once, as after
    /// sending something), or the end.
    fn drained(
        &mut self,
        connection: &mut Connection,
    ) -> Result<ControlFlow<Self::Output, Option<Wait<'_>>>>;

    /// A wait ended, by `wake`.
    fn woke(&mut self, _wake: Wake) -> ControlFlow<Self::Output> {
        ControlFlow::Continue(())
    }

    /// The server closed the connection normally (code 1000).
    fn closed(&mut self, connection: &mut Connection) -> Result<Self::Output>;
}

/// `Consumer::closed` for a conversation that only its own end ends: what
/// came before the server's close is handled, and unless that ended the
/// consumer, the close cut `what` short: a failed link, which --reconnect
/// rides out (LivePerson closes sockets with 1000 now and then).
pub(crate) fn closed_midway<C: Consumer>(
    consumer: &mut C,
    connection: &mut Connection,
    what: &str,
) -> Result<C::Output> {
    loop {
        match consumer.drained(connection)? {
            ControlFlow::Break(output) => return Ok(output),
            ControlFlow::Continue(None) => {}
            ControlFlow::Continue(Some(_)) => {
                return Err(link_failure(
                    Exit::TempFail,
                    LinkError::Closed(1000),
                    format!(
                        "{}: the server closed the connection before {what} ended",
                        connection.host()
                    ),
                ));
            }
        }
    }
}

/// The response to one request.
struct Awaited<'a> {
    id: &'a str,
    request_type: &'a str,
    timeout: Duration,
    deadline: Instant,
    patience: Patience,
}

impl Consumer for Awaited<'_> {
    type Output = Result<Reply>;

    // Frames are parked while a response is awaited.
    fn frame(&mut self, _: &mut Connection, _: Utf8Bytes) -> Result<ControlFlow<Result<Reply>>> {
        Ok(ControlFlow::Continue(()))
    }

    fn reply(&mut self, id: &str, reply: Result<Reply>) -> Result<ControlFlow<Result<Reply>>> {
        Ok(if id == self.id {
            ControlFlow::Break(reply)
        } else {
            ControlFlow::Continue(())
        })
    }

    fn drained(
        &mut self,
        _: &mut Connection,
    ) -> Result<ControlFlow<Result<Reply>, Option<Wait<'_>>>> {
        let now = Instant::now();
        if now >= self.deadline {
            return Err(timed_out(
                &format!("waiting for the response to {}", self.request_type),
                self.timeout,
            ));
        }
        self.patience.tick(now);
        let until = self
            .patience
            .next()
            .map_or(self.deadline, |at| at.min(self.deadline));
        Ok(ControlFlow::Continue(Some(Wait {
            until: Some(until),
            watch: Watch::default(),
        })))
    }

    // The session turns a close while a response is awaited into a failure.
    fn closed(&mut self, _: &mut Connection) -> Result<Result<Reply>> {
        Ok(Err(link_failure(
            Exit::TempFail,
            LinkError::Closed(1000),
            format!(
                "the server closed the connection before answering {}",
                self.request_type
            ),
        )))
    }
}

/// A notification `pick` makes something of, until a deadline.
struct Finder<T, P> {
    until: Instant,
    pick: P,
    found: PhantomData<T>,
}

impl<T, P> Consumer for Finder<T, P>
where
    P: FnMut(Notification) -> Result<Option<T>>,
{
    type Output = Found<T>;

    fn frame(
        &mut self,
        connection: &mut Connection,
        frame: Utf8Bytes,
    ) -> Result<ControlFlow<Found<T>>> {
        Ok(match frames::parse(&frame)? {
            Incoming::Notification(notification) => match (self.pick)(notification)? {
                Some(it) => ControlFlow::Break(Found::It(it)),
                None => ControlFlow::Continue(()),
            },
            Incoming::Response(response) => {
                connection.other_response(&response);
                ControlFlow::Continue(())
            }
        })
    }

    fn drained(&mut self, _: &mut Connection) -> Result<ControlFlow<Found<T>, Option<Wait<'_>>>> {
        Ok(ControlFlow::Continue(Some(Wait {
            until: Some(self.until),
            watch: Watch::default(),
        })))
    }

    fn woke(&mut self, wake: Wake) -> ControlFlow<Found<T>> {
        match wake {
            Wake::Deadline => ControlFlow::Break(Found::Deadline),
            _ => ControlFlow::Continue(()),
        }
    }

    fn closed(&mut self, _: &mut Connection) -> Result<Found<T>> {
        Ok(Found::Closed)
    }
}

/// The link kept alive until another descriptor is readable.
struct Tend<'a> {
    other: BorrowedFd<'a>,
}

impl Consumer for Tend<'_> {
    type Output = ();

    fn frame(&mut self, connection: &mut Connection, frame: Utf8Bytes) -> Result<ControlFlow<()>> {
        if let Incoming::Response(response) = frames::parse(&frame)? {
            connection.other_response(&response);
        }
        Ok(ControlFlow::Continue(()))
    }

    fn drained(&mut self, _: &mut Connection) -> Result<ControlFlow<(), Option<Wait<'_>>>> {
        Ok(ControlFlow::Continue(Some(Wait {
            until: None,
            watch: Watch {
                stdout: false,
                other: Some(self.other),
            },
        })))
    }

    fn woke(&mut self, wake: Wake) -> ControlFlow<()> {
        match wake {
            Wake::Other => ControlFlow::Break(()),
            _ => ControlFlow::Continue(()),
        }
    }

    fn closed(&mut self, connection: &mut Connection) -> Result<()> {
        Err(link_failure(
            Exit::TempFail,
            LinkError::Closed(1000),
            format!("{}: the server closed the connection", connection.host()),
        ))
    }
}
