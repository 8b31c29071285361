//! The consumer WebSocket: dialed, read, written and waited on. What the
//! frames mean to the session (request ids, responses matched by `reqId`,
//! notifications parked meanwhile, the keep-alive and the dead-link timer)
//! is `Session`'s, which this feeds and asks what to send.
//!
//! There is one thread and one socket. Once dialed, the socket is
//! non-blocking: a read that would block returns at once, so the caller
//! flushes its output at the end of each burst, and `wait` then sleeps in
//! poll(2) until data, a deadline, the keep-alive, or a signal. The clock is
//! read there, not per frame.

use std::io;
use std::os::fd::BorrowedFd;
use std::time::{Duration, Instant};

use anyhow::Result;
use rustix::event::{PollFd, PollFlags};
use serde_json::Value;
use tungstenite::http::HeaderValue;
use tungstenite::protocol::WebSocket;
use tungstenite::protocol::frame::CloseFrame;
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::{Message, Utf8Bytes};

use crate::config::ConnectionConfig;
use crate::exit::{Exit, err_text, fail, link_failure, websocket_exit, websocket_link};
use crate::frames::{self, Incoming, Response};
use crate::jsonscan;
use crate::patience::Patience;
use crate::reconnect::LinkError;
use crate::sanitise;
use crate::session::{Event, Reply, Session, Transmit};
use crate::signals;
use crate::token::Token;
use crate::transport::{self, Dial, Stream, is_tick, timed_out};

/// How long to wait for the server's answer to our close frame.
const CLOSE_GRACE: Duration = Duration::from_secs(2);
/// Pings and pongs read in a row, with nothing else between and no pause:
/// more is a flood (each ping queues a pong, and the loop would not look up
/// at signals and deadlines while they come).
const CONTROL_FRAMES_IN_A_ROW: usize = 1024;
/// `--verbose` shows at most this much of a frame.
const LOGGED_FRAME_BYTES: usize = 2048;

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

pub(crate) struct Connection {
    ws: WebSocket<Stream>,
    session: Session,
    /// The token, to scrub `--verbose` lines; None when not verbose.
    verbose_redact: Option<String>,
}

impl Connection {
    /// Dials, upgrades and authenticates with `token` (the configuration's,
    /// or a renewed one), all within `--timeout`.
    pub(crate) fn open(config: &ConnectionConfig, token: &Token) -> Result<Connection> {
        let mut authorization = HeaderValue::from_str(&format!("jwt {}", token.secret.expose()))
            .map_err(|_| {
                fail(
                    Exit::DataErr,
                    "the JWT has characters that cannot go in an HTTP header",
                )
            })?;
        authorization.set_sensitive(true);
        let mut headers = vec![("Authorization", authorization)];
        if let Some(properties) = &config.client_properties {
            headers.push(("Client-Properties", properties.clone()));
        }
        let dial = Dial {
            proxy: config.proxy.as_ref(),
            tls: config
                .endpoint
                .tls
                .then(|| config.network.tls_connector())
                .transpose()?,
            timeout: config.network.timeout,
            max_frame_bytes: config.max_frame_bytes,
            headers,
            verbose: config.network.verbose,
        };
        let ws = transport::dial(&config.endpoint, &dial)?;
        ws.get_ref().tcp().set_nonblocking(true).map_err(|err| {
            fail(
                Exit::Unavailable,
                format!("cannot set up the socket: {}", err_text(&err)),
            )
        })?;
        signals::install();
        Ok(Connection {
            ws,
            session: Session::new(
                &config.endpoint.host,
                config.network.timeout,
                config.keepalive,
                Instant::now(),
            ),
            verbose_redact: config
                .network
                .verbose
                .then(|| token.secret.expose().to_owned()),
        })
    }

    pub(crate) fn timeout(&self) -> Duration {
        self.session.timeout()
    }

    pub(crate) fn host(&self) -> &str {
        self.session.host()
    }

    /// Sends a request and returns its id, without waiting for the answer.
    pub(crate) fn send_request(
        &mut self,
        request_type: &str,
        body: Option<&Value>,
    ) -> Result<String> {
        self.send_request_with_metadata(request_type, body, None)
    }

    /// Sends a request with a top-level `metadata` beside its body (a
    /// button's click metadata), without waiting for the answer.
    pub(crate) fn send_request_with_metadata(
        &mut self,
        request_type: &str,
        body: Option<&Value>,
        metadata: Option<&Value>,
    ) -> Result<String> {
        let id = self.session.request(request_type, body, metadata);
        self.transmit()?;
        Ok(id)
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

    /// Reads what the socket has into the session: false when it would
    /// block.
    fn read_socket(&mut self) -> Result<bool> {
        if let Some(exit) = signals::pending() {
            self.finish();
            return Err(fail(exit, ""));
        }
        let mut control_frames = 0usize;
        loop {
            let read = self.ws.read();
            match read {
                Ok(Message::Text(text)) => {
                    self.ws.get_mut().message_done();
                    self.log('<', &text);
                    self.session.handle_frame(text)?;
                    return Ok(true);
                }
                Ok(Message::Binary(_)) => {
                    return Err(fail(
                        Exit::Protocol,
                        "the server sent a binary frame; the protocol uses JSON text frames",
                    ));
                }
                Ok(message @ (Message::Ping(_) | Message::Pong(_))) => {
                    self.ws.get_mut().message_done();
                    if matches!(message, Message::Pong(_)) {
                        self.session.handle_pong();
                    }
                    control_frames += 1;
                    if control_frames > CONTROL_FRAMES_IN_A_ROW {
                        return Err(fail(
                            Exit::Protocol,
                            format!(
                                "{}: the server sent more than {CONTROL_FRAMES_IN_A_ROW} pings \
                                 or pongs in a row without a message: a flood",
                                self.host()
                            ),
                        ));
                    }
                }
                Ok(Message::Close(frame)) => {
                    // tungstenite queued the answer to the close; send it,
                    // best effort.
                    let _ = self.ws.flush();
                    let close = frame.as_ref().map(|f| (u16::from(f.code), &*f.reason));
                    self.session.handle_close(close);
                    return Ok(true);
                }
                Ok(Message::Frame(_)) => {}
                Err(tungstenite::Error::Io(err)) if is_tick(&err) => return Ok(false),
                Err(err) => return Err(self.link_error(err)),
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

    /// The timers of the link itself, at `now`: a keep-alive when due, the
    /// dead-link verdict, and a message that stopped half-way.
    pub(crate) fn maintain(&mut self, now: Instant) -> Result<()> {
        self.session.handle_timeout(now)?;
        if self.ws.get_mut().stalled(now) {
            return Err(timed_out(
                &format!("{}: receiving a frame", self.host()),
                self.timeout(),
            ));
        }
        self.transmit()
    }

    /// Sends what the session has to send.
    fn transmit(&mut self) -> Result<()> {
        while let Some(transmit) = self.session.poll_transmit() {
            match transmit {
                Transmit::Text(text) => {
                    self.log('>', &text);
                    self.send_message(Message::text(text))?;
                }
                Transmit::Ping => self.send_message(Message::Ping(Default::default()))?,
            }
        }
        Ok(())
    }

    fn link_error(&self, err: tungstenite::Error) -> anyhow::Error {
        use tungstenite::Error as E;
        use tungstenite::error::ProtocolError as P;
        let message = match &err {
            E::ConnectionClosed | E::AlreadyClosed => "the connection is closed".to_owned(),
            E::Protocol(P::ResetWithoutClosingHandshake) => {
                "the connection dropped without a close frame".to_owned()
            }
            E::Io(io_err) => format!("the connection failed: {}", err_text(io_err)),
            E::Capacity(limit) => format!(
                "the server sent a message larger than --max-frame-bytes allows ({limit}); \
                 raise --max-frame-bytes to read it"
            ),
            other => format!("the server broke the WebSocket protocol: {other}"),
        };
        let exit = match &err {
            E::Protocol(P::ResetWithoutClosingHandshake) => Exit::TempFail,
            other => websocket_exit(other),
        };
        let message = format!("{}: {message}", self.host());
        match websocket_link(&err) {
            Some(link) => link_failure(exit, link, message),
            None => fail(exit, message),
        }
    }

    /// Queues a message and writes it out, waiting (up to `--timeout`) for
    /// room in the socket's buffer.
    fn send_message(&mut self, message: Message) -> Result<()> {
        let mut sent = self.ws.send(message);
        let deadline = Instant::now() + self.timeout();
        loop {
            // What must still be queued once there is room: the buffer of
            // unsent bytes is bounded (a server that does not read).
            let mut unqueued = None;
            match sent {
                Ok(()) => return Ok(()),
                Err(tungstenite::Error::Io(err)) if is_tick(&err) => {}
                Err(tungstenite::Error::WriteBufferFull(message)) => unqueued = Some(*message),
                Err(err) => return Err(self.link_error(err)),
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(timed_out(
                    &format!("{}: sending", self.host()),
                    self.timeout(),
                ));
            }
            if let Some(exit) = signals::pending() {
                return Err(fail(exit, ""));
            }
            nap_on(self.ws.get_ref(), PollFlags::OUT, left);
            sent = match unqueued {
                // What went out meanwhile made room, or not yet.
                Some(message) => match self.ws.flush() {
                    Err(tungstenite::Error::Io(err)) if !is_tick(&err) => {
                        Err(tungstenite::Error::Io(err))
                    }
                    _ => self.ws.send(message),
                },
                None => self.ws.flush(),
            };
        }
    }

    fn log(&self, direction: char, text: &str) {
        if let Some(token) = &self.verbose_redact {
            eprintln!("lp-consumer: {direction} {}", loggable(text, token));
        }
    }

    /// Sends a close frame and waits briefly for the server's; errors are
    /// ignored, since the command's result is already decided.
    pub(crate) fn finish(&mut self) {
        if self.verbose_redact.is_some() {
            eprintln!("lp-consumer: > close 1000");
        }
        let close = CloseFrame {
            code: CloseCode::Normal,
            reason: Default::default(),
        };
        if self.ws.close(Some(close)).is_err() {
            return;
        }
        let deadline = Instant::now() + CLOSE_GRACE.min(self.timeout());
        loop {
            match self.ws.read() {
                Err(tungstenite::Error::Io(err)) if is_tick(&err) => {}
                Ok(_) => continue,
                Err(_) => return,
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            nap_on(self.ws.get_ref(), PollFlags::IN, left);
        }
    }
}

/// Sleeps until the socket is ready for `events`, a signal comes, or
/// `left` passes; whatever woke it, the caller tries again.
fn nap_on(socket: &Stream, events: PollFlags, left: Duration) {
    let mut fds = vec![PollFd::new(socket.tcp(), events)];
    if let Some(fd) = signals::wake_fd() {
        fds.push(PollFd::from_borrowed_fd(fd, PollFlags::IN));
    }
    let _ = signals::poll_for(&mut fds, left);
}

/// A frame as `--verbose` shows it: one line, the token scrubbed, and a long
/// one cut with its size said.
fn loggable(text: &str, token: &str) -> String {
    let line = jsonscan::compact(text).replace(token, "<redacted>");
    // A frame that is not JSON can hold anything.
    let line = sanitise::line(&line).into_owned();
    if line.len() <= LOGGED_FRAME_BYTES {
        return line;
    }
    let mut cut = LOGGED_FRAME_BYTES;
    while !line.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}... ({} bytes)", &line[..cut], line.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_frames_are_cut_and_the_token_scrubbed() {
        let short = loggable(r#"{"jwt":"tok.en.x"}"#, "tok.en.x");
        assert_eq!(short, r#"{"jwt":"<redacted>"}"#);
        let long = format!(r#"{{"m":"{}"}}"#, "é".repeat(5000));
        let line = loggable(&long, "tok.en.x");
        assert!(line.len() < LOGGED_FRAME_BYTES + 32, "{}", line.len());
        assert!(line.ends_with(&format!("... ({} bytes)", long.len())));
    }
}
