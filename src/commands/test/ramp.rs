//! How many convos connect at once. Against a service on this machine,
//! connecting (a signup, a handshake, a conversation request, on both
//! sides) is CPU that the convos already talking need for their replies:
//! 200 convos connecting together on 2 cores added 7 to 25 ms to the
//! others' reply latencies (`cargo bench --bench suites`). So convos then
//! connect as many at a time as there are cores, and each, once its
//! conversation is open, talks beside all the others. A remote service's
//! connecting is spent waiting on the network: every convo connects at
//! once. So does every convo once one has taken longer than `STALLED` to
//! connect: that service is waiting on something too (or not answering),
//! and turns would only queue the others behind it.

use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// Far longer than connecting to a service on this machine takes (about a
/// millisecond of CPU), even on a busy one.
const STALLED: Duration = Duration::from_millis(250);

/// Lets at most `limit` holders through at a time.
pub(super) struct Ramp {
    state: Mutex<State>,
    freed: Condvar,
    limit: usize,
}

#[derive(Default)]
struct State {
    /// The turns held, by number, and when each was given.
    held: Vec<(u64, Instant)>,
    given: u64,
    /// A turn was held past `STALLED`: no more limit.
    open: bool,
}

/// A convo's turn to connect; the next one's comes when it is dropped.
pub(crate) struct Turn<'a> {
    ramp: &'a Ramp,
    number: u64,
}

impl Ramp {
    /// `jobs` at once, or, when the service shares this machine, one per
    /// core.
    pub(super) fn new(jobs: usize, local_service: bool) -> Ramp {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Ramp {
            state: Mutex::new(State::default()),
            freed: Condvar::new(),
            limit: if local_service { cores.min(jobs) } else { jobs }.max(1),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits for a turn to connect.
    pub(super) fn turn(&self) -> Turn<'_> {
        let mut state = self.state();
        loop {
            let now = Instant::now();
            let oldest = state.held.iter().map(|(_, at)| *at).min();
            if oldest.is_some_and(|at| now >= at + STALLED) {
                state.open = true;
            }
            if state.open || state.held.len() < self.limit {
                state.given += 1;
                let number = state.given;
                state.held.push((number, now));
                return Turn { ramp: self, number };
            }
            // Until a turn is given back, or the oldest is stalled.
            let until = oldest.map_or(STALLED, |at| (at + STALLED).saturating_duration_since(now));
            state = self
                .freed
                .wait_timeout(state, until)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        self.ramp
            .state()
            .held
            .retain(|(number, _)| *number != self.number);
        self.ramp.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use std::sync::mpsc;

    #[test]
    fn a_local_service_gets_one_connecting_convo_per_core_and_a_remote_one_all() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(Ramp::new(500, true).limit, cores.min(500));
        assert_eq!(Ramp::new(1, true).limit, 1);
        assert_eq!(Ramp::new(500, false).limit, 500);
    }

    #[test]
    fn a_turn_is_given_when_one_is_given_back() {
        let ramp = Ramp::new(2, false);
        let first = ramp.turn();
        let _second = ramp.turn();
        let (taken, waited) = mpsc::channel();
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let _third = ramp.turn();
                taken.send(Instant::now()).unwrap();
            });
            let given_back = Instant::now();
            drop(first);
            // Given at once, not when the first turn would have stalled.
            assert!(waited.recv().unwrap() >= given_back);
            assert!(!ramp.state().open);
        });
    }

    #[test]
    fn a_stalled_turn_lifts_the_limit() {
        let ramp = Ramp::new(1, false);
        let _stalled = ramp.turn();
        // Past STALLED with the first turn held, every turn is given.
        let _second = ramp.turn();
        let _third = ramp.turn();
        assert!(ramp.state().open);
        assert_eq!(ramp.state().held.len(), 3);
    }
}
