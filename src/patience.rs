//! Telling a person that a long wait goes on: a stalled server would
//! otherwise leave a terminal silent for the whole `--timeout`. Only for a
//! person (stderr is a terminal, or `--verbose`); scripts and cron see
//! nothing.

use std::io::{self, IsTerminal};
use std::time::{Duration, Instant};

/// The first word comes after this much waiting (or half the limit, if
/// shorter), then again every REPEAT.
const FIRST: Duration = Duration::from_secs(3);
const REPEAT: Duration = Duration::from_secs(10);

pub(crate) struct Patience {
    what: String,
    started: Instant,
    limit: Duration,
    next: Instant,
    speaks: bool,
}

impl Patience {
    /// A wait for `what` that gives up after `limit`.
    pub(crate) fn new(what: impl Into<String>, limit: Duration, verbose: bool) -> Patience {
        let started = Instant::now();
        Patience {
            what: what.into(),
            started,
            limit,
            next: started + FIRST.min(limit / 2),
            speaks: verbose || io::stderr().is_terminal(),
        }
    }

    /// The wait now waits for something else (the next step of a dial).
    pub(crate) fn now_for(&mut self, what: impl Into<String>) {
        self.what = what.into();
    }

    /// When it speaks next, if it ever does: a wait wakes up then.
    pub(crate) fn next(&self) -> Option<Instant> {
        self.speaks.then_some(self.next)
    }

    /// Says so if the wait has gone on long enough since it last spoke.
    pub(crate) fn tick(&mut self, now: Instant) {
        if !self.speaks || now < self.next {
            return;
        }
        self.next = now + REPEAT;
        eprintln!(
            "lp-consumer: still waiting for {} ({:.1} s of --timeout {} s)",
            self.what,
            now.duration_since(self.started).as_secs_f64(),
            self.limit.as_secs_f64()
        );
    }
}
