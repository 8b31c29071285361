//! One client connection: the handshake, then a loop that reads the
//! requests that have arrived, sends what other connections and the bot
//! put in its outbox, and sleeps in poll(2) until either has more (or a
//! tick passes, to see the server's stop); and the faults it injects.
//!
//! Frames are queued in tungstenite's write buffer (which writes itself out
//! when full) and flushed once per request or batch of live events.

use std::io::Read;
use std::net::{Shutdown, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use tungstenite::protocol::CloseFrame;
use tungstenite::protocol::frame::Frame;
use tungstenite::protocol::frame::coding::{CloseCode, Data, OpCode};
use tungstenite::{Message, Utf8Bytes, WebSocket};

use super::frames;
use super::handshake::{self, Accepted};
use super::outbox::{self, Inbox, Outbox, Outgoing};
use super::state::ConnectionId;
use super::{Faults, RawFrame, Shared, TICK, lock};
use crate::signals;
use crate::transport::{Transport, is_tick};

/// How long to wait for the client to end a connection we end.
const CLOSE_GRACE: Duration = Duration::from_secs(1);

/// The connection is over (closed, dropped, failed, or the server stops).
pub(crate) struct Ended;

pub(crate) type Outcome = Result<(), Ended>;

pub(crate) struct Client<'a> {
    pub(crate) shared: &'a Shared,
    pub(crate) connection: ConnectionId,
    /// The `sub` of the token the client connected with.
    pub(crate) consumer: String,
    /// When that token expires: the connection is closed with 4407 then.
    expires_at: Option<Instant>,
    /// What its events show as the consumer's client properties.
    pub(crate) consumer_properties: Option<Box<RawValue>>,
    /// Where other connections (and this one) put live events for it.
    pub(crate) outbox: Outbox,
    faults: Faults,
    ws: WebSocket<Transport>,
    inbox: Inbox,
    /// Frames sent since the handshake, for the fault thresholds.
    sent: usize,
    /// Requests read since the handshake, for `Faults::drop_answer`.
    requests: usize,
    /// Set while handling the request whose answer `drop_answer` loses.
    losing_answer: bool,
    /// Event notifications held under `Faults::events_late`.
    late: Vec<Utf8Bytes>,
    /// Whether its Client-Properties advertised the MULTI_DIALOG feature.
    pub(crate) multi_dialog: bool,
}

/// Serves one accepted socket until it ends or the server stops.
pub(crate) fn serve(shared: &Shared, tcp: TcpStream, connection: ConnectionId) {
    let faults = shared.faults_for(connection);
    if faults.stall {
        shared
            .stalled
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        hold_silently(shared);
        return;
    }
    let timeouts = tcp
        .set_read_timeout(Some(TICK))
        .and_then(|()| tcp.set_write_timeout(Some(TICK)))
        .and_then(|()| tcp.set_nodelay(true));
    if timeouts.is_err() {
        return;
    }
    let Some(Accepted {
        ws,
        consumer,
        expires_at,
        client_properties,
    }) = handshake::accept(shared, tcp, &faults)
    else {
        return;
    };
    let Ok((outbox, inbox)) = outbox::new() else {
        return;
    };
    // The header counts when it holds a JSON object.
    let sent = client_properties.as_deref().and_then(|text| {
        let properties = serde_json::from_str::<Map<String, Value>>(text).ok()?;
        Some((text, properties))
    });
    let multi_dialog = sent
        .as_ref()
        .is_some_and(|(_, properties)| frames::lists_multi_dialog(properties));
    let mut client = Client {
        shared,
        connection,
        consumer,
        expires_at,
        consumer_properties: shared.consumer_properties(sent.map(|(text, _)| text)),
        outbox,
        faults,
        ws,
        inbox,
        sent: 0,
        requests: 0,
        losing_answer: false,
        late: Vec::new(),
        multi_dialog,
    };
    let _ = client.run();
    shared.disconnect(connection);
}

/// Whether a socket operation only ran into its timeout.
fn timed_out(err: &tungstenite::Error) -> bool {
    matches!(err, tungstenite::Error::Io(io) if is_tick(io))
}

/// Keeps a socket open, unread and unanswered, until the server stops.
fn hold_silently(shared: &Shared) {
    while !shared.stopping() {
        thread::sleep(TICK);
    }
}

/// Waits, while `client_open` says the client has not ended the connection
/// yet, at most CLOSE_GRACE and never past the server's stop: a socket
/// dropped with unread data resets the connection, and the reset may cost
/// the client the frames still on their way.
fn linger(shared: &Shared, mut client_open: impl FnMut() -> bool) {
    let deadline = Instant::now() + CLOSE_GRACE;
    while Instant::now() < deadline && !shared.stopping() && client_open() {}
}

impl Client<'_> {
    fn run(&mut self) -> Outcome {
        // A threshold of 0 applies before any frame.
        self.apply_faults()?;
        loop {
            if self.shared.stopping() {
                return Err(self.close(CloseCode::Away, "lp-mock stops"));
            }
            // As the service does: "a fresh token is required".
            if self.expires_at.is_some_and(|at| Instant::now() >= at) {
                return Err(self.close(CloseCode::from(4407), "the token has expired"));
            }
            while let Some(outgoing) = self.inbox.next() {
                match outgoing {
                    Outgoing::Events(frame) if self.faults.events_late => self.late.push(frame),
                    Outgoing::Events(frame) => self.send_events(frame)?,
                    Outgoing::Other(frame) => self.send_metadata(frame)?,
                }
            }
            self.flush()?;
            match self.read_arrived() {
                Ok(Message::Text(text)) => {
                    lock(&self.shared.requests).push(text.as_str().to_owned());
                    self.requests += 1;
                    self.losing_answer = self.faults.drop_answer == Some(self.requests);
                    self.handle(&text)?;
                    self.losing_answer = false;
                }
                Ok(Message::Close(_)) => {
                    // Sends the answer tungstenite queued.
                    let _ = self.flush();
                    return Err(Ended);
                }
                // Binary frames are ignored; tungstenite answers pings.
                Ok(_) => {}
                Err(err) if timed_out(&err) => self.sleep(),
                Err(_) => return Err(Ended),
            }
        }
    }

    /// Reads a message if one has arrived, without waiting for one; the
    /// socket keeps its timeouts for everything else (writes, `close`).
    fn read_arrived(&mut self) -> tungstenite::Result<Message> {
        self.ws.get_ref().tcp().set_nonblocking(true)?;
        let read = self.ws.read();
        self.ws.get_ref().tcp().set_nonblocking(false)?;
        read
    }

    /// Sleeps until the client sends something, the outbox gets a frame,
    /// or a tick passes.
    fn sleep(&self) {
        let mut fds = [
            PollFd::new(self.ws.get_ref().tcp(), PollFlags::IN),
            PollFd::from_borrowed_fd(self.inbox.fd(), PollFlags::IN),
        ];
        // A failed poll is a wake like any other: the loop looks again.
        let _ = signals::poll_for(&mut fds, TICK);
        if !fds[1].revents().is_empty() {
            self.inbox.clear();
        }
    }

    /// Queues a frame, then applies the fault thresholds.
    pub(crate) fn send(&mut self, frame: impl Into<Utf8Bytes>) -> Outcome {
        if self.faults.drop_before == Some(self.sent + 1) || self.losing_answer {
            self.flush()?;
            self.drop_connection();
            return Err(Ended);
        }
        self.queue(frame.into())?;
        self.sent += 1;
        self.apply_faults()
    }

    /// Queues a frame of conversation metadata (a snapshot or a change);
    /// under `events_late`, then the event notifications held back and
    /// those already waiting in the inbox, which are older than it.
    pub(crate) fn send_metadata(&mut self, frame: impl Into<Utf8Bytes>) -> Outcome {
        self.send(frame)?;
        if self.faults.events_late {
            while let Some(outgoing) = self.inbox.next() {
                match outgoing {
                    Outgoing::Events(frame) => self.late.push(frame),
                    Outgoing::Other(frame) => self.send(frame)?,
                }
            }
            for frame in std::mem::take(&mut self.late) {
                self.send_events(frame)?;
            }
        }
        Ok(())
    }

    /// Queues an ms.MessagingEventNotification, twice under `repeat_changes`.
    pub(crate) fn send_events(&mut self, frame: Utf8Bytes) -> Outcome {
        if self.faults.repeat_changes {
            self.send(frame.clone())?;
        }
        self.send(frame)
    }

    /// Queues the frames of `Faults::inject`, unchecked.
    pub(crate) fn send_injected(&mut self) -> Outcome {
        for frame in self.faults.inject.clone() {
            let message = match frame {
                RawFrame::Text(text) => Message::text(text),
                RawFrame::Binary(bytes) => Message::binary(bytes),
                RawFrame::TextBytes(bytes) => {
                    Message::Frame(Frame::message(bytes, OpCode::Data(Data::Text), true))
                }
            };
            self.write(message)?;
            self.sent += 1;
            self.apply_faults()?;
        }
        Ok(())
    }

    fn queue(&mut self, frame: Utf8Bytes) -> Outcome {
        self.write(Message::Text(frame))
    }

    fn write(&mut self, message: Message) -> Outcome {
        match self.ws.write(message) {
            Ok(()) => Ok(()),
            // Queued, but the client reads slower than we write.
            Err(err) if timed_out(&err) => self.flush(),
            Err(_) => Err(Ended),
        }
    }

    /// Writes out everything queued, waiting for a slow reader unless the
    /// server stops.
    fn flush(&mut self) -> Outcome {
        loop {
            match self.ws.flush() {
                Ok(()) => return Ok(()),
                Err(err) if timed_out(&err) && !self.shared.stopping() => {}
                Err(_) => return Err(Ended),
            }
        }
    }

    fn apply_faults(&mut self) -> Outcome {
        let sent = Some(self.sent);
        if self.faults.garbage_after == sent {
            self.queue(frames::NOT_JSON.into())?;
        }
        if self.faults.deaf_after == sent {
            // No more reads, so no pongs and no responses either.
            self.flush()?;
            hold_silently(self.shared);
            return Err(Ended);
        }
        if self.faults.drop_after == sent {
            self.flush()?;
            self.drop_connection();
            return Err(Ended);
        }
        if let Some((after, code)) = self.faults.close_after
            && after == self.sent
        {
            return Err(self.close(code.into(), "fault injected by lp-mock"));
        }
        Ok(())
    }

    /// Sends a close frame and waits for the client's.
    fn close(&mut self, code: CloseCode, reason: &str) -> Ended {
        let frame = CloseFrame {
            code,
            reason: reason.into(),
        };
        // A failed close leaves nothing to flush, and a failed flush
        // nothing to wait for.
        let _ = self.ws.close(Some(frame));
        if self.flush().is_ok() {
            let ws = &mut self.ws;
            linger(self.shared, || match ws.read() {
                Ok(_) => true,
                Err(err) => timed_out(&err),
            });
        }
        Ended
    }

    /// Ends the TCP connection without a close frame.
    fn drop_connection(&mut self) {
        let mut tcp = self.ws.get_ref().tcp();
        if tcp.shutdown(Shutdown::Write).is_err() {
            return;
        }
        let mut discarded = [0u8; 4096];
        linger(self.shared, || match tcp.read(&mut discarded) {
            Ok(0) => false,
            Ok(_) => true,
            Err(err) => is_tick(&err),
        });
    }
}
