//! A connection's outbox: the frames that other threads (other
//! connections, the bot) hand to its thread to send, and an eventfd that
//! the thread polls beside its socket, so that a frame goes out as soon as
//! it is put in rather than when the thread's socket timeout next ends.

use std::io;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, SendError, Sender};

use rustix::event::EventfdFlags;
use tungstenite::Utf8Bytes;

/// A frame for one connection's thread to send.
pub(crate) enum Outgoing {
    /// An ms.MessagingEventNotification (sent twice under `repeat_changes`).
    Events(Utf8Bytes),
    /// Any other notification.
    Other(Utf8Bytes),
}

/// Where other threads put frames for a connection.
#[derive(Clone)]
pub(crate) struct Outbox {
    frames: Sender<Outgoing>,
    wake: Arc<OwnedFd>,
}

/// The connection's side: the frames, and the fd that is readable while
/// some may be waiting.
pub(crate) struct Inbox {
    frames: Receiver<Outgoing>,
    wake: Arc<OwnedFd>,
}

/// A connection's outbox and its inbox.
pub(crate) fn new() -> io::Result<(Outbox, Inbox)> {
    let wake = Arc::new(rustix::event::eventfd(
        0,
        EventfdFlags::NONBLOCK | EventfdFlags::CLOEXEC,
    )?);
    let (frames, received) = mpsc::channel();
    let outbox = Outbox {
        frames,
        wake: Arc::clone(&wake),
    };
    Ok((
        outbox,
        Inbox {
            frames: received,
            wake,
        },
    ))
}

impl Outbox {
    /// Err: the connection has ended (its inbox is gone).
    pub(crate) fn send(&self, outgoing: Outgoing) -> Result<(), SendError<Outgoing>> {
        self.frames.send(outgoing)?;
        // Fails only when the counter is full, and then it is readable.
        let _ = rustix::io::write(&self.wake, &1u64.to_ne_bytes());
        Ok(())
    }
}

impl Inbox {
    /// The next frame waiting, if any.
    pub(crate) fn next(&self) -> Option<Outgoing> {
        self.frames.try_recv().ok()
    }

    /// The fd to poll: readable while frames may be waiting.
    pub(crate) fn fd(&self) -> BorrowedFd<'_> {
        self.wake.as_fd()
    }

    /// Resets the fd, before the frames it announced are taken.
    pub(crate) fn clear(&self) {
        let mut count = [0u8; 8];
        let _ = rustix::io::read(&self.wake, &mut count);
    }
}
