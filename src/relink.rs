//! Connections opened again after a failure, as `reconnect` decides: the
//! token in use (renewed by `--jwt-command` when refused), the attempts so
//! far, and the lines that tell the user. `subscribe` (through the engine's
//! driver), `send`, `chat` and `click` hold their socket through it.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::io::{self, IsTerminal};
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::config::ConnectionConfig;
use crate::connection::Connection;
use crate::exit;
use crate::output;
use crate::reconnect::{Attempts, Decision, GiveUp, LinkError, Pause, Policy};
use crate::signals;
use crate::token::Token;
use crate::when::now_secs;

pub(crate) struct Relink<'a> {
    config: &'a ConnectionConfig,
    policy: Policy,
    attempts: Attempts,
    /// The token in use, once renewed.
    renewed: Option<Token>,
    /// A connection failed before: the next one is a reconnection.
    reconnecting: bool,
    /// The last failure was said on stderr, so the reconnection is too. A
    /// routine renewal (tokens live minutes) is said only to a person or
    /// with -v: not a line for cron to mail.
    said: bool,
}

/// What to do after a failed connection that is not final.
pub(crate) enum Recovery {
    /// Connect again now (the token was renewed).
    Now,
    /// Connect again after this pause.
    After(Duration),
}

impl Relink<'_> {
    /// `reconnect`: after failures that may heal (`--reconnect`), with at
    /// most `max_retries` attempts in a row that bring nothing new. A
    /// refused token is renewed whenever there is a `--jwt-command`.
    pub(crate) fn new(
        config: &ConnectionConfig,
        reconnect: bool,
        max_retries: Option<u32>,
    ) -> Relink<'_> {
        Relink {
            config,
            policy: Policy {
                reconnect,
                can_renew: config.jwt_command.is_some(),
                max_retries,
            },
            attempts: Attempts::default(),
            renewed: None,
            reconnecting: false,
            said: false,
        }
    }

    /// A connection for a one-shot command: a token refused at the
    /// handshake is renewed (nothing was sent yet); nothing else is tried
    /// again.
    pub(crate) fn connect(config: &ConnectionConfig) -> Result<Connection> {
        let mut relink = Relink::new(config, false, None);
        loop {
            match relink.open() {
                Ok(connection) => return Ok(connection),
                Err(err) => {
                    relink.recover(err, false)?;
                }
            }
        }
    }

    /// A new connection, with the token in use.
    pub(crate) fn open(&self) -> Result<Connection> {
        Connection::open(self.config, self.token())
    }

    fn token(&self) -> &Token {
        self.renewed.as_ref().unwrap_or(&self.config.token)
    }

    /// Whether a connection failed before this one.
    pub(crate) fn reconnecting(&self) -> bool {
        self.reconnecting
    }

    /// Says that a new connection to `host` goes on (`going_on`), when the
    /// failure before it was said.
    pub(crate) fn say_reconnected(&self, host: &str, going_on: &str) {
        if self.said {
            output::say(&format!("reconnected to {host}; {going_on}"));
        }
    }

    /// The service answered on the current connection: its token is good.
    pub(crate) fn accepted(&mut self) {
        self.attempts.accepted();
    }

    /// A connection failed with `err`; `progressed` says whether it
    /// brought anything new. Renews the token or picks the pause, saying
    /// so on stderr; the error back when the failure is final.
    pub(crate) fn recover(&mut self, err: anyhow::Error, progressed: bool) -> Result<Recovery> {
        // A signal that interrupted the link (EINTR in a handshake, say)
        // stops the run: it is no failure to ride out.
        if let Some(exit) = signals::pending() {
            return Err(exit::fail(exit, ""));
        }
        self.reconnecting = true;
        let link = exit::link_error(&err);
        // Refused with longer than this to live, a token did not expire.
        const EARLY_SECS: u64 = 30;
        let claims = &self.token().claims;
        let early = claims.exp().is_some() && !claims.expires_within(now_secs(), EARLY_SECS);
        match self.attempts.decide(link, progressed, early, &self.policy) {
            Decision::Renew => {
                // Routine (tokens live minutes): said only where someone
                // reads it, a terminal or -v; it is no news to a cron job.
                self.said = self.config.network.verbose || io::stderr().is_terminal();
                if let (true, Some(link)) = (self.said, link) {
                    output::say(&format!("{link}; renewing the token with --jwt-command"));
                }
                self.renew(link)?;
                Ok(Recovery::Now)
            }
            Decision::RenewAfter(pause) => {
                // The error's own advice (get a fresh token) is what
                // happens here: say the refusal, not the advice.
                let refusal = link.map_or_else(|| format!("{err:#}"), |link| link.to_string());
                self.renew(link)?;
                let failure =
                    format!("{refusal} well before it expires; renewed it with --jwt-command");
                Ok(Recovery::After(self.pause(&failure, &pause)))
            }
            Decision::Wait(pause) => Ok(Recovery::After(self.pause(&format!("{err:#}"), &pause))),
            Decision::GiveUp(GiveUp::Final) => Err(err),
            Decision::GiveUp(GiveUp::RefusedAfterRenewal) => {
                Err(err.context("the token just renewed by --jwt-command was refused too"))
            }
            Decision::GiveUp(GiveUp::TooManyAttempts(max)) => {
                let attempts = if max == 1 { "attempt" } else { "attempts" };
                Err(err.context(format!(
                    "giving up after {max} reconnect {attempts} that brought nothing new"
                )))
            }
        }
    }

    /// A new token from `--jwt-command`, for a link that refused it.
    fn renew(&mut self, link: Option<LinkError>) -> Result<()> {
        if let (Some(command), Some(_)) = (&self.config.jwt_command, link) {
            self.renewed = Some(command.renew(self.token())?);
        }
        Ok(())
    }

    /// The delay of `pause`, picked between its bounds and said with the
    /// `failure`.
    fn pause(&mut self, failure: &str, pause: &Pause) -> Duration {
        self.said = true;
        let Pause { attempt, min, max } = *pause;
        let delay = min + (max - min).mul_f64(random_fraction(attempt));
        output::say(&format!(
            "{failure}; reconnecting in {:.1} s (attempt {attempt})",
            delay.as_secs_f64()
        ));
        delay
    }

    /// `recover`, then the pause it picks: Ok once a new connection may
    /// be opened, the error when the failure is final (or a signal's exit
    /// when one came during the pause).
    pub(crate) fn recovered(&mut self, err: anyhow::Error, progressed: bool) -> Result<()> {
        match self.recover(err, progressed)? {
            Recovery::Now => Ok(()),
            Recovery::After(delay) => match signals::sleep_until(Instant::now() + delay) {
                Some(exit) => Err(exit::fail(exit, "")),
                None => Ok(()),
            },
        }
    }

    /// A new connection after `err`, as `recovered` decides; the error
    /// back when it is final. A connection that cannot be opened is one
    /// more failure.
    pub(crate) fn reopen(
        &mut self,
        mut err: anyhow::Error,
        mut progressed: bool,
    ) -> Result<Connection> {
        loop {
            self.recovered(err, progressed)?;
            match self.open() {
                Ok(connection) => return Ok(connection),
                Err(failed) => (err, progressed) = (failed, false),
            }
        }
    }
}

/// A number in [0, 1), different from run to run.
fn random_fraction(seed: u32) -> f64 {
    RandomState::new().hash_one(seed) as f64 / u64::MAX as f64
}
