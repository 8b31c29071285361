//! Whether, and how soon, a failed connection is tried again: a decision
//! over what went wrong with the link, made without exit codes or message
//! text, so that rewording an error or renumbering an exit changes nothing
//! here. The errors carry a `LinkError` where they happen (`exit::Failure`).

use std::fmt;
use std::time::Duration;

const BACKOFF_FIRST: Duration = Duration::from_millis(500);
const BACKOFF_MAX: Duration = Duration::from_secs(30);
/// LivePerson's retry guidance: after a 429, wait at least a second.
const AFTER_THROTTLE: Duration = Duration::from_secs(1);

/// What went wrong with the link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LinkError {
    /// Lost without a close frame: a reset, an early end of stream.
    Dropped,
    /// Nothing came in time: connect, TLS, upgrade, a response, the
    /// keep-alive (a dead link).
    TimedOut,
    /// No connection was made: DNS, a refused connection, TLS, the proxy.
    Unreachable,
    /// The server closed the connection with this code (1000: normally).
    Closed(u16),
    /// The service answered with this HTTP status: the handshake's, or a
    /// request's response code.
    Status(u16),
}

impl fmt::Display for LinkError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinkError::Dropped => f.write_str("the connection dropped"),
            LinkError::TimedOut => f.write_str("the service did not answer in time"),
            LinkError::Unreachable => f.write_str("the service could not be reached"),
            LinkError::Closed(code) if self.refuses_token() => {
                write!(f, "the server refused the token (close code {code})")
            }
            LinkError::Closed(code) => write!(f, "the server closed the connection (code {code})"),
            LinkError::Status(status) if self.refuses_token() => {
                write!(f, "the server refused the token (HTTP {status})")
            }
            LinkError::Status(status) => write!(f, "the server answered HTTP {status}"),
        }
    }
}

impl LinkError {
    /// The service no longer takes the token: 401/403, or the close codes
    /// LivePerson uses for an expired or revoked one.
    pub(crate) fn refuses_token(self) -> bool {
        matches!(
            self,
            LinkError::Status(401 | 403) | LinkError::Closed(4401 | 4407 | 1008)
        )
    }

    fn may_heal(self) -> bool {
        match self {
            LinkError::Status(status) => matches!(status, 408 | 429 | 500..=599),
            LinkError::Dropped
            | LinkError::TimedOut
            | LinkError::Unreachable
            | LinkError::Closed(_) => true,
        }
    }
}

/// What the command allows.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Policy {
    /// Reconnect after a failure that may heal (`--reconnect`).
    pub(crate) reconnect: bool,
    /// A `--jwt-command` can renew a refused token.
    pub(crate) can_renew: bool,
    /// Give up after this many attempts in a row that brought nothing new.
    pub(crate) max_retries: Option<u32>,
}

/// What the run has been through, across its connections.
#[derive(Debug, Default)]
pub(crate) struct Attempts {
    /// Failed attempts in a row that brought nothing new.
    failures: u32,
    /// The current token was just printed by `--jwt-command`...
    fresh_token: bool,
    /// ...and the service has answered something on a connection since.
    accepted: bool,
}

/// A pause before attempt `attempt`, between `min` and `max` (the caller
/// picks, at random, so that many clients do not retry in step).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Pause {
    pub(crate) attempt: u32,
    pub(crate) min: Duration,
    pub(crate) max: Duration,
}

/// The decision.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Renew the token and reconnect at once.
    Renew,
    /// Renew the token and reconnect after the pause: the renewed token
    /// was refused long before its expiry.
    RenewAfter(Pause),
    /// Reconnect after the pause.
    Wait(Pause),
    /// The failure is final.
    GiveUp(GiveUp),
}

/// Why a failure is final.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum GiveUp {
    /// Not something a new connection mends (protocol, data, local), or
    /// reconnecting is not asked for.
    Final,
    /// A token just renewed was refused before the service took it.
    RefusedAfterRenewal,
    /// `--max-retries` attempts in a row brought nothing new.
    TooManyAttempts(u32),
}

impl Attempts {
    /// The service answered on the current connection: its token is good.
    pub(crate) fn accepted(&mut self) {
        self.accepted = true;
    }

    /// A connection failed with `error` (None: not a link failure);
    /// `progressed` says whether it brought anything new; `early`, whether
    /// the token had long to live (a refusal of it is then no expiry).
    pub(crate) fn decide(
        &mut self,
        error: Option<LinkError>,
        progressed: bool,
        early: bool,
        policy: &Policy,
    ) -> Decision {
        let fresh = std::mem::take(&mut self.fresh_token);
        let accepted = std::mem::take(&mut self.accepted);
        let Some(error) = error else {
            return Decision::GiveUp(GiveUp::Final);
        };
        if error.refuses_token() {
            if !policy.can_renew {
                return Decision::GiveUp(GiveUp::Final);
            }
            if fresh && !accepted {
                return Decision::GiveUp(GiveUp::RefusedAfterRenewal);
            }
            self.fresh_token = true;
            // A renewed token that served, then was refused long before its
            // expiry and with nothing new since: renewing at once would run
            // the helper and reconnect again and again. It is a failed
            // attempt, with its pause and --max-retries.
            if fresh && early {
                return match self.failed(progressed, false, policy) {
                    Decision::Wait(pause) => Decision::RenewAfter(pause),
                    decision => decision,
                };
            }
            return Decision::Renew;
        }
        if !policy.reconnect || !error.may_heal() {
            return Decision::GiveUp(GiveUp::Final);
        }
        self.failed(progressed, error == LinkError::Status(429), policy)
    }

    /// One more failed attempt, unless the connection brought progress:
    /// its pause, or the end at --max-retries.
    fn failed(&mut self, progressed: bool, throttled: bool, policy: &Policy) -> Decision {
        // Only new events count as progress: a server that drops every
        // connection right after the subscription fails every time.
        if progressed {
            self.failures = 0;
        }
        self.failures += 1;
        if let Some(max) = policy.max_retries
            && self.failures > max
        {
            return Decision::GiveUp(GiveUp::TooManyAttempts(max));
        }
        let (min, max) = backoff(self.failures, throttled);
        Decision::Wait(Pause {
            attempt: self.failures,
            min,
            max,
        })
    }
}

/// Exponential backoff from 0.5 s, capped at 30 s, with "equal jitter":
/// the pause is between half the ceiling and all of it; at least a second
/// after a 429.
fn backoff(failures: u32, throttled: bool) -> (Duration, Duration) {
    let ceiling = BACKOFF_FIRST
        .saturating_mul(1u32 << failures.saturating_sub(1).min(16))
        .min(BACKOFF_MAX);
    let floor = ceiling / 2;
    if throttled {
        (floor.max(AFTER_THROTTLE), ceiling.max(AFTER_THROTTLE))
    } else {
        (floor, ceiling)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RECONNECT: Policy = Policy {
        reconnect: true,
        can_renew: false,
        max_retries: None,
    };
    const RENEW: Policy = Policy {
        reconnect: false,
        can_renew: true,
        max_retries: None,
    };

    fn pause(attempt: u32, min_ms: u64, max_ms: u64) -> Pause {
        Pause {
            attempt,
            min: Duration::from_millis(min_ms),
            max: Duration::from_millis(max_ms),
        }
    }

    fn wait(attempt: u32, min_ms: u64, max_ms: u64) -> Decision {
        Decision::Wait(pause(attempt, min_ms, max_ms))
    }

    #[test]
    fn drops_timeouts_and_closes_wait_and_retry_under_reconnect() {
        for error in [
            LinkError::Dropped,
            LinkError::TimedOut,
            LinkError::Unreachable,
            LinkError::Closed(1000),
            LinkError::Closed(1006),
            LinkError::Closed(1011),
        ] {
            let mut attempts = Attempts::default();
            assert_eq!(
                attempts.decide(Some(error), false, false, &RECONNECT),
                wait(1, 250, 500),
                "{error:?}"
            );
        }
    }

    #[test]
    fn without_reconnect_every_failure_is_final() {
        let policy = Policy {
            reconnect: false,
            ..RECONNECT
        };
        for error in [LinkError::Dropped, LinkError::Closed(1011)] {
            let decision = Attempts::default().decide(Some(error), false, false, &policy);
            assert_eq!(decision, Decision::GiveUp(GiveUp::Final));
        }
    }

    #[test]
    fn what_is_not_a_link_failure_is_final() {
        let policy = Policy {
            can_renew: true,
            ..RECONNECT
        };
        let decision = Attempts::default().decide(None, true, false, &policy);
        assert_eq!(decision, Decision::GiveUp(GiveUp::Final));
    }

    #[test]
    fn overload_and_server_errors_at_the_handshake_retry_other_statuses_do_not() {
        for status in [408, 500, 502, 503] {
            let decision = Attempts::default().decide(
                Some(LinkError::Status(status)),
                false,
                false,
                &RECONNECT,
            );
            assert_eq!(decision, wait(1, 250, 500), "{status}");
        }
        for status in [400, 404, 426] {
            let decision = Attempts::default().decide(
                Some(LinkError::Status(status)),
                false,
                false,
                &RECONNECT,
            );
            assert_eq!(decision, Decision::GiveUp(GiveUp::Final), "{status}");
        }
    }

    #[test]
    fn a_429_waits_at_least_a_second() {
        let decision =
            Attempts::default().decide(Some(LinkError::Status(429)), false, false, &RECONNECT);
        assert_eq!(decision, wait(1, 1000, 1000));
        let mut attempts = Attempts::default();
        for _ in 0..3 {
            attempts.decide(Some(LinkError::Dropped), false, false, &RECONNECT);
        }
        // The fourth attempt's ceiling (4 s) is above the floor.
        let decision = attempts.decide(Some(LinkError::Status(429)), false, false, &RECONNECT);
        assert_eq!(decision, wait(4, 2000, 4000));
    }

    #[test]
    fn backoff_doubles_from_half_a_second_up_to_thirty() {
        let mut attempts = Attempts::default();
        let mut ceilings = Vec::new();
        for _ in 0..10 {
            let Decision::Wait(Pause { min, max, .. }) =
                attempts.decide(Some(LinkError::Dropped), false, false, &RECONNECT)
            else {
                panic!("not a wait");
            };
            assert_eq!(min * 2, max);
            ceilings.push(max.as_millis());
        }
        assert_eq!(
            ceilings,
            [
                500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000
            ]
        );
        // Far past any sensible count, still bounded.
        let (min, max) = backoff(u32::MAX, false);
        assert_eq!((min, max), (BACKOFF_MAX / 2, BACKOFF_MAX));
    }

    #[test]
    fn max_retries_counts_attempts_in_a_row_that_brought_nothing_new() {
        let policy = Policy {
            max_retries: Some(2),
            ..RECONNECT
        };
        let mut attempts = Attempts::default();
        let dropped = Some(LinkError::Dropped);
        assert_eq!(
            attempts.decide(dropped, false, false, &policy),
            wait(1, 250, 500)
        );
        assert_eq!(
            attempts.decide(dropped, false, false, &policy),
            wait(2, 500, 1000)
        );
        assert_eq!(
            attempts.decide(dropped, false, false, &policy),
            Decision::GiveUp(GiveUp::TooManyAttempts(2))
        );
        // Progress starts the count and the backoff again.
        let mut attempts = Attempts::default();
        attempts.decide(dropped, false, false, &policy);
        attempts.decide(dropped, false, false, &policy);
        assert_eq!(
            attempts.decide(dropped, true, false, &policy),
            wait(1, 250, 500)
        );
    }

    #[test]
    fn a_refused_token_is_final_without_a_helper() {
        for error in [
            LinkError::Status(401),
            LinkError::Status(403),
            LinkError::Closed(4401),
            LinkError::Closed(4407),
            LinkError::Closed(1008),
        ] {
            let decision = Attempts::default().decide(Some(error), false, false, &RECONNECT);
            assert_eq!(decision, Decision::GiveUp(GiveUp::Final), "{error:?}");
        }
    }

    #[test]
    fn a_refused_token_is_renewed_with_a_helper_with_or_without_reconnect() {
        for policy in [
            RENEW,
            Policy {
                reconnect: true,
                ..RENEW
            },
        ] {
            for error in [LinkError::Status(401), LinkError::Closed(4407)] {
                let decision = Attempts::default().decide(Some(error), false, false, &policy);
                assert_eq!(decision, Decision::Renew, "{error:?}");
            }
        }
    }

    #[test]
    fn a_fresh_token_refused_before_the_service_took_it_is_final() {
        let mut attempts = Attempts::default();
        let refused = Some(LinkError::Status(401));
        assert_eq!(
            attempts.decide(refused, false, false, &RENEW),
            Decision::Renew
        );
        assert_eq!(
            attempts.decide(refused, false, false, &RENEW),
            Decision::GiveUp(GiveUp::RefusedAfterRenewal)
        );
    }

    #[test]
    fn a_fresh_token_that_served_may_expire_and_be_renewed_again() {
        let mut attempts = Attempts::default();
        let expired = Some(LinkError::Closed(4407));
        for _ in 0..3 {
            assert_eq!(
                attempts.decide(expired, true, false, &RENEW),
                Decision::Renew
            );
            attempts.accepted();
        }
    }

    #[test]
    fn a_renewed_token_refused_long_before_its_expiry_is_a_failed_attempt() {
        let policy = Policy {
            reconnect: false,
            can_renew: true,
            max_retries: Some(2),
        };
        let mut attempts = Attempts::default();
        let refused = Some(LinkError::Closed(4401));
        // The first refusal of the token given: renewed at once.
        assert_eq!(
            attempts.decide(refused, false, true, &policy),
            Decision::Renew
        );
        attempts.accepted();
        // The renewed one served, then was refused with long to live and
        // nothing new: renewed after a pause, counted ...
        assert_eq!(
            attempts.decide(refused, false, true, &policy),
            Decision::RenewAfter(pause(1, 250, 500))
        );
        attempts.accepted();
        assert!(matches!(
            attempts.decide(refused, false, true, &policy),
            Decision::RenewAfter(Pause { attempt: 2, .. })
        ));
        attempts.accepted();
        // ... up to --max-retries.
        assert_eq!(
            attempts.decide(refused, false, true, &policy),
            Decision::GiveUp(GiveUp::TooManyAttempts(2))
        );
    }

    #[test]
    fn a_renewed_token_refused_at_its_expiry_is_renewed_at_once_and_progress_restarts_the_count() {
        let mut attempts = Attempts::default();
        let refused = Some(LinkError::Closed(4407));
        assert_eq!(
            attempts.decide(refused, false, true, &RENEW),
            Decision::Renew
        );
        attempts.accepted();
        // Expired: a renewal is routine.
        assert_eq!(
            attempts.decide(refused, false, false, &RENEW),
            Decision::Renew
        );
        attempts.accepted();
        // Refused early, but new events came: the count starts again.
        assert!(matches!(
            attempts.decide(refused, true, true, &RENEW),
            Decision::RenewAfter(Pause { attempt: 1, .. })
        ));
    }

    #[test]
    fn renewal_does_not_count_as_a_failed_attempt() {
        let policy = Policy {
            reconnect: true,
            can_renew: true,
            max_retries: Some(1),
        };
        let mut attempts = Attempts::default();
        assert_eq!(
            attempts.decide(Some(LinkError::Closed(4407)), false, false, &policy),
            Decision::Renew
        );
        attempts.accepted();
        assert_eq!(
            attempts.decide(Some(LinkError::Dropped), false, false, &policy),
            wait(1, 250, 500)
        );
    }
}
