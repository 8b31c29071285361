//! The consumer WebSocket: dialed, read, written and closed. What the
//! frames mean to the session (request ids, responses matched by `reqId`,
//! notifications parked meanwhile, the keep-alive and the dead-link timer)
//! is `Session`'s, which this feeds and asks what to send.
//!
//! There is one thread and one socket. Once dialed, the socket is
//! non-blocking: a read that would block returns at once, so the consumer
//! flushes its output at the end of each burst, and the pump
//! (connection/pump.rs, the one loop that reads the socket) then sleeps in
//! poll(2) until data, a deadline, the keep-alive, or a signal. The clock is
//! read there, not per frame.

use std::time::{Duration, Instant};

use anyhow::Result;
use rustix::event::{PollFd, PollFlags};
use serde_json::Value;
use tungstenite::Message;
use tungstenite::protocol::WebSocket;
use tungstenite::protocol::frame::CloseFrame;
use tungstenite::protocol::frame::coding::CloseCode;

use crate::config::ConnectionConfig;
use crate::exit::{self, Exit, err_text, fail, websocket_failure};
use crate::reconnect::LinkError;
use crate::sanitise;
use crate::session::{Session, Transmit};
use crate::signals;
use crate::token::Token;
use crate::transport::{self, Stream, is_tick, timed_out};

mod pump;
pub(crate) use pump::{Consumer, Found, Wait, Wake, Watch, closed_midway};

/// How long to wait for the server's answer to our close frame.
const CLOSE_GRACE: Duration = Duration::from_secs(2);
/// Pings and pongs read in a row, with nothing else between and no pause:
/// more is a flood (each ping queues a pong, and the loop would not look up
/// at signals and deadlines while they come).
const CONTROL_FRAMES_IN_A_ROW: usize = 1024;
/// Frames held for the reader while a response is awaited weigh at most
/// this many of the largest frames (64 MiB by default).
const PARKED_FRAMES_MAX: usize = 8;

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
        let ws = transport::dial(&config.endpoint, &config.dial(token)?)?;
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
                config.max_frame_bytes.saturating_mul(PARKED_FRAMES_MAX),
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
        match self.transmit() {
            // The link is gone (the server's close came in first, or a
            // reset): the request is out as far as its sender can tell, and
            // unanswered. The next read says how the link ended, and a
            // command that rides it out looks for the request then, as for
            // any request whose answer was lost.
            Err(err) if exit::link_error(&err) == Some(LinkError::Dropped) => Ok(id),
            sent => sent.map(|()| id),
        }
    }

    /// Reads from the socket into the session until a frame for the reader
    /// (or the close) is in: how many messages that took, pings and pongs
    /// included; 0 when the socket would block first.
    fn read_socket(&mut self) -> Result<usize> {
        let mut control_frames = 0usize;
        loop {
            let read = self.ws.read();
            match read {
                Ok(Message::Text(text)) => {
                    self.ws.get_mut().message_done();
                    self.log('<', &text);
                    self.session.handle_frame(text)?;
                    return Ok(control_frames + 1);
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
                    return Ok(control_frames + 1);
                }
                Ok(Message::Frame(_)) => {}
                Err(tungstenite::Error::Io(err)) if is_tick(&err) => return Ok(0),
                Err(err) => return Err(websocket_failure(self.host(), err)),
            }
        }
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
                Err(err) => return Err(websocket_failure(self.host(), err)),
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
            eprintln!(
                "lp-consumer: {direction} {}",
                sanitise::logged_frame(text, token)
            );
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
        // What still comes is read to the server's close, and dropped.
        // The deadline holds however fast they come.
        while let Ok(read) = self.read_socket() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return;
            }
            if read > 0 {
                continue;
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
