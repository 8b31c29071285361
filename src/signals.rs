//! SIGINT and SIGTERM while connected or while `--jwt-command` runs: the
//! handlers only record the signal; the connection's read loop notices it
//! within one tick and sends a close frame (the wait for the helper kills
//! it), and the command exits 130 or 143. Before either, the default
//! disposition applies, so the shell sees a plain signal death.

use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use signal_hook::consts::{SIGINT, SIGTERM};

use crate::exit::Exit;

static RECEIVED: OnceLock<Arc<AtomicUsize>> = OnceLock::new();

/// Installs the handlers once; later calls do nothing.
pub(crate) fn install() {
    RECEIVED.get_or_init(|| {
        let received = Arc::new(AtomicUsize::new(0));
        for signal in [SIGINT, SIGTERM] {
            // Registration only fails for forbidden signals, which these are not.
            let _ =
                signal_hook::flag::register_usize(signal, Arc::clone(&received), signal as usize);
        }
        received
    });
}

/// The exit for a signal received since `install`, if any.
pub(crate) fn pending() -> Option<Exit> {
    let signal = RECEIVED.get()?.load(Ordering::Relaxed);
    match signal as i32 {
        0 => None,
        SIGINT => Some(Exit::Interrupted),
        _ => Some(Exit::Terminated),
    }
}
