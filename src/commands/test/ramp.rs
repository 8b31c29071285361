//! How many convos connect at once. Against a service on this machine,
//! connecting (a signup, a handshake, a conversation request, on both
//! sides) is CPU that the convos already talking need for their replies:
//! 200 convos connecting together on 2 cores added 10 to 40 ms to the
//! others' reply latencies (`cargo bench --bench suites`). So convos then
//! connect as many at a time as there are cores, and each, once its
//! conversation is open, talks beside all the others. A remote service's
//! connecting is spent waiting on the network: every convo connects at once.

use std::sync::{Condvar, Mutex, PoisonError};

/// Lets at most `limit` holders through at a time.
pub(super) struct Ramp {
    connecting: Mutex<usize>,
    freed: Condvar,
    limit: usize,
}

/// A convo's turn to connect; the next one's comes when it is dropped.
pub(crate) struct Turn<'a>(&'a Ramp);

impl Ramp {
    /// `jobs` at once, or, when the service shares this machine, one per
    /// core.
    pub(super) fn new(jobs: usize, local_service: bool) -> Ramp {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Ramp {
            connecting: Mutex::new(0),
            freed: Condvar::new(),
            limit: if local_service { cores.min(jobs) } else { jobs }.max(1),
        }
    }

    /// Waits for a turn to connect.
    pub(super) fn turn(&self) -> Turn<'_> {
        let mut connecting = self
            .connecting
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        while *connecting >= self.limit {
            connecting = self
                .freed
                .wait(connecting)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *connecting += 1;
        Turn(self)
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        *self
            .0
            .connecting
            .lock()
            .unwrap_or_else(PoisonError::into_inner) -= 1;
        self.0.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_service_gets_one_connecting_convo_per_core_and_a_remote_one_all() {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        assert_eq!(Ramp::new(500, true).limit, cores.min(500));
        assert_eq!(Ramp::new(1, true).limit, 1);
        assert_eq!(Ramp::new(500, false).limit, 500);
    }

    #[test]
    fn a_turn_waits_until_one_is_given_back() {
        let ramp = Ramp::new(2, false);
        let first = ramp.turn();
        let _second = ramp.turn();
        let (taken, waited) = std::sync::mpsc::channel();
        std::thread::scope(|scope| {
            scope.spawn(|| {
                let _third = ramp.turn();
                taken.send(()).unwrap();
            });
            // The third turn is not given while two are held ...
            assert!(
                waited
                    .recv_timeout(std::time::Duration::from_millis(50))
                    .is_err()
            );
            // ... and is as soon as one is given back.
            drop(first);
            waited.recv().unwrap();
        });
    }
}
