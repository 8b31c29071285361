//! SIGINT and SIGTERM while connected or while `--jwt-command` runs: the
//! handlers record the signal and write a byte to a pipe whose read end
//! every wait watches, so a wait in poll(2) ends at once; the connection
//! then sends a close frame (the wait for the helper kills it), and the
//! command exits 130 or 143; a second signal ends the process at once.
//! Before either, the default disposition applies, so the shell sees a
//! plain signal death.

use std::io::{self, PipeReader};
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags};
use signal_hook::consts::{SIGINT, SIGTERM};

use crate::exit::Exit;

struct Installed {
    received: Arc<AtomicUsize>,
    /// Readable once a signal came (never drained: a signal ends the run).
    wake: Option<PipeReader>,
}

static INSTALLED: OnceLock<Installed> = OnceLock::new();

/// Installs the handlers once; later calls do nothing.
pub(crate) fn install() {
    INSTALLED.get_or_init(|| {
        let received = Arc::new(AtomicUsize::new(0));
        // Without a pipe (out of descriptors), waits still see the signal
        // when they end, as they all do at a deadline.
        let wake = io::pipe().ok().map(|(reader, writer)| {
            for signal in [SIGINT, SIGTERM] {
                if let Ok(writer) = writer.try_clone() {
                    let _ = signal_hook::low_level::pipe::register(signal, writer);
                }
            }
            reader
        });
        // A second signal ends the process at once (130 or 143): the first
        // may find it blocked where no wait watches (a write to a pipe
        // whose reader stopped reading), and Ctrl-C must still work.
        let once = Arc::new(AtomicBool::new(false));
        for signal in [SIGINT, SIGTERM] {
            let exit = 128 + signal;
            // Registration only fails for forbidden signals, which these
            // are not. The check comes first: the first signal sets `once`.
            let _ =
                signal_hook::flag::register_conditional_shutdown(signal, exit, Arc::clone(&once));
            let _ = signal_hook::flag::register(signal, Arc::clone(&once));
            let _ =
                signal_hook::flag::register_usize(signal, Arc::clone(&received), signal as usize);
        }
        Installed { received, wake }
    });
}

/// The exit for a signal received since `install`, if any.
pub(crate) fn pending() -> Option<Exit> {
    let signal = INSTALLED.get()?.received.load(Ordering::Relaxed);
    match signal as i32 {
        0 => None,
        SIGINT => Some(Exit::Interrupted),
        _ => Some(Exit::Terminated),
    }
}

/// A descriptor that becomes readable when a signal comes, for a wait to
/// watch.
pub(crate) fn wake_fd() -> Option<BorrowedFd<'static>> {
    INSTALLED.get()?.wake.as_ref().map(AsFd::as_fd)
}

/// Sleeps until `until`, or until a signal: its exit then.
pub(crate) fn sleep_until(until: Instant) -> Option<Exit> {
    loop {
        if let Some(exit) = pending() {
            return Some(exit);
        }
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return None;
        }
        match wake_fd() {
            Some(fd) => {
                let mut fds = [PollFd::from_borrowed_fd(fd, PollFlags::IN)];
                let _ = poll_for(&mut fds, left);
            }
            None => std::thread::sleep(left),
        }
    }
}

/// poll(2) for at most `timeout` (rounded up to whole milliseconds, so
/// that a wait never ends early); an interrupted call is a wake like any
/// other.
pub(crate) fn poll_for(fds: &mut [PollFd], timeout: Duration) -> io::Result<usize> {
    let millis = timeout.as_micros().div_ceil(1000);
    let timeout = rustix::event::Timespec {
        tv_sec: (millis / 1000).min(i64::MAX as u128) as i64,
        tv_nsec: (millis % 1000) as i64 * 1_000_000,
    };
    match rustix::event::poll(fds, Some(&timeout)) {
        Ok(ready) => Ok(ready),
        Err(rustix::io::Errno::INTR) => Ok(0),
        Err(err) => Err(err.into()),
    }
}
