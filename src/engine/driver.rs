//! Drives an `Engine` over real connections: the connection's pump feeds
//! it frames until a read would block, then it flushes the output, stores
//! the cursor, tells the engine the time and says what to wait for; and,
//! with `--reconnect`, opens a new connection when one fails, with backoff,
//! or at once with a renewed token when the service refused the token and
//! `--jwt-command` can renew it, as `reconnect` decides.

use std::ops::ControlFlow;
use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::Value;
use tungstenite::Utf8Bytes;

use super::{Engine, Io};
use crate::config::ConnectionConfig;
use crate::connection::{Connection, Consumer, Wait, Wake, Watch};
use crate::exit::{Exit, fail, link_failure};
use crate::frames::Response;
use crate::output::{self, Output};
use crate::patience::Patience;
use crate::reconnect::LinkError;
use crate::relink::{Recovery, Relink};
use crate::signals;
use crate::state::StateFile;

/// While frames keep coming in short bursts, the cursor is stored at most
/// this often: each store is an fsync.
const STORE_EVERY: Duration = Duration::from_millis(100);

/// When to try again after a failed connection.
pub(crate) struct Retry {
    pub(crate) enabled: bool,
    /// Give up after this many attempts in a row that brought nothing new.
    pub(crate) max: Option<u32>,
}

/// Where the output goes and where the cursor is kept.
pub(crate) struct Sinks<'a> {
    out: &'a mut Output,
    state: Option<&'a mut StateFile>,
    /// Time spent storing the cursor.
    storing: Duration,
    /// When the cursor was last stored.
    stored_at: Option<Instant>,
}

impl<'a> Sinks<'a> {
    pub(crate) fn new(out: &'a mut Output, state: Option<&'a mut StateFile>) -> Sinks<'a> {
        Sinks {
            out,
            state,
            storing: Duration::ZERO,
            stored_at: None,
        }
    }

    /// Flushes the output, then stores the cursor that covers it.
    fn settle(&mut self, cursor: Option<u64>) -> Result<()> {
        self.out.flush()?;
        if let (Some(state), Some(cursor)) = (&mut self.state, cursor) {
            let start = Instant::now();
            let stored = state.store(cursor);
            self.storing += start.elapsed();
            self.stored_at = Some(start);
            stored?;
        }
        Ok(())
    }

    /// At the end of a burst: flushes the output, and stores the cursor
    /// unless it was stored less than STORE_EVERY ago; then says when the
    /// store is due (a wait wakes up for it).
    fn settle_burst(&mut self, cursor: Option<u64>) -> Result<Option<Instant>> {
        let unstored = self
            .state
            .as_ref()
            .is_some_and(|state| cursor.is_some() && state.stored() != cursor);
        let due = self.stored_at.map(|at| at + STORE_EVERY);
        if unstored && due.is_some_and(|due| Instant::now() < due) {
            self.out.flush()?;
            return Ok(due);
        }
        self.settle(cursor)?;
        Ok(None)
    }

    /// Time spent on our own output: writing it, storing the cursor.
    fn own_time(&self) -> Duration {
        self.out.time_blocked() + self.storing
    }

    /// The stream's clock: the time, less what our own output took, so
    /// that a slow reader or disk never counts as the server's silence
    /// (a response due within --timeout, the idle time).
    fn stream_now(&self) -> Instant {
        let now = Instant::now();
        now.checked_sub(self.own_time()).unwrap_or(now)
    }

    /// A time on the stream's clock as a time on the wall's.
    fn wall_time(&self, at: Instant) -> Instant {
        at + self.own_time()
    }
}

/// The engine's requests and lines, over one connection.
struct SessionIo<'a, 'b> {
    connection: &'a mut Connection,
    sinks: &'a mut Sinks<'b>,
}

impl Io for SessionIo<'_, '_> {
    fn print(&mut self, line: &str) -> Result<()> {
        self.sinks.out.event(line)
    }

    fn request(&mut self, request_type: &'static str, body: &Value) -> Result<String> {
        self.connection.send_request(request_type, Some(body))
    }

    fn other_response(&mut self, response: &Response) -> Result<bool> {
        Ok(self.connection.other_response(response))
    }

    fn say(&mut self, line: &str) {
        output::say(line);
    }
}

/// Runs the stream to its end: Ok for an ending (or a reader that went
/// away), Err for a failure that retrying did not mend.
pub(crate) fn run(
    engine: &mut Engine,
    config: &ConnectionConfig,
    retry: &Retry,
    sinks: &mut Sinks,
) -> Result<()> {
    let mut relink = Relink::new(config, retry.enabled, retry.max);
    loop {
        let progress_before = engine.progress();
        let result = one_connection(engine, config, &mut relink, retry, sinks);
        engine.disconnected();
        // Whatever ended the connection, what was printed is flushed and
        // its cursor stored (a signal's exit code still wins).
        let settled = sinks.settle(engine.cursor());
        let err = match result {
            Ok(()) => return settled,
            Err(err) => err,
        };
        // A refused token is renewed and the stream goes on at once from
        // the cursor.
        match relink.recover(err, engine.progress() > progress_before)? {
            Recovery::Now => {}
            Recovery::After(delay) => {
                if sleep_unless_ended(engine, sinks, delay)? {
                    return sinks.settle(engine.cursor());
                }
            }
        }
    }
}

/// Subscribes on a new connection and streams until an ending (Ok) or a
/// failure (Err, which the caller may retry). `relink` learns when the
/// service answers anything on it.
fn one_connection(
    engine: &mut Engine,
    config: &ConnectionConfig,
    relink: &mut Relink,
    retry: &Retry,
    sinks: &mut Sinks,
) -> Result<()> {
    let mut connection = relink.open()?;
    if relink.reconnecting() {
        relink.say_reconnected(connection.host(), &format!("resuming {}", engine.resumes()));
    }
    engine.start(&mut SessionIo {
        connection: &mut connection,
        sinks: &mut *sinks,
    })?;
    connection.pump(&mut Stream {
        engine,
        relink,
        sinks,
        setup: SetupPatience::new(config),
        reconnects: retry.enabled,
    })
}

/// The stream on one connection, as the pump feeds it. `relink` learns
/// when the service answers anything on it.
struct Stream<'a, 'b, 'c> {
    engine: &'a mut Engine,
    relink: &'a mut Relink<'c>,
    sinks: &'a mut Sinks<'b>,
    setup: SetupPatience,
    /// A normal close is a failure to retry (`--reconnect`), not the end.
    reconnects: bool,
}

impl Stream<'_, '_, '_> {
    /// The engine's ending, once it has one: what was printed goes out and
    /// the connection is closed.
    fn ended(&mut self, connection: &mut Connection) -> Result<ControlFlow<()>> {
        if self.engine.ending().is_none() {
            return Ok(ControlFlow::Continue(()));
        }
        self.engine.end_of_burst(&mut SessionIo {
            connection: &mut *connection,
            sinks: &mut *self.sinks,
        })?;
        self.sinks.out.flush()?;
        connection.finish();
        Ok(ControlFlow::Break(()))
    }
}

impl Consumer for Stream<'_, '_, '_> {
    type Output = ();

    fn frame(&mut self, connection: &mut Connection, frame: Utf8Bytes) -> Result<ControlFlow<()>> {
        self.relink.accepted();
        let mut io = SessionIo {
            connection: &mut *connection,
            sinks: &mut *self.sinks,
        };
        self.engine.on_frame(&frame, &mut io)?;
        self.ended(connection)
    }

    fn drained(
        &mut self,
        connection: &mut Connection,
    ) -> Result<ControlFlow<(), Option<Wait<'_>>>> {
        // The burst is over: what it printed goes out now, then the cursor
        // that covers it is stored (or soon).
        self.engine.end_of_burst(&mut SessionIo {
            connection: &mut *connection,
            sinks: &mut *self.sinks,
        })?;
        let store_due = self.sinks.settle_burst(self.engine.cursor())?;
        let now = self.sinks.stream_now();
        self.engine.on_tick(now)?;
        self.setup.tick(self.engine, Instant::now());
        if let ControlFlow::Break(()) = self.ended(connection)? {
            return Ok(ControlFlow::Break(()));
        }
        let until = [
            self.engine
                .next_deadline()
                .map(|at| self.sinks.wall_time(at)),
            self.setup.next(),
            store_due,
        ]
        .into_iter()
        .flatten()
        .min();
        let watch = Watch {
            stdout: true,
            other: None,
        };
        Ok(ControlFlow::Continue(Some(Wait { until, watch })))
    }

    fn woke(&mut self, wake: Wake) -> ControlFlow<()> {
        match wake {
            Wake::ReaderGone => ControlFlow::Break(()),
            _ => ControlFlow::Continue(()),
        }
    }

    fn closed(&mut self, connection: &mut Connection) -> Result<()> {
        if self.reconnects {
            return Err(link_failure(
                Exit::TempFail,
                LinkError::Closed(1000),
                "the server closed the connection",
            ));
        }
        self.engine.closed_by_server(&mut SessionIo {
            connection,
            sinks: &mut *self.sinks,
        });
        Ok(())
    }
}

/// Tells a person when a setup response is slow in coming.
pub(crate) struct SetupPatience {
    waiting: Option<(&'static str, Patience)>,
    timeout: Duration,
    verbose: bool,
}

impl SetupPatience {
    pub(crate) fn new(config: &ConnectionConfig) -> SetupPatience {
        SetupPatience {
            waiting: None,
            timeout: config.network.timeout,
            verbose: config.network.verbose,
        }
    }

    /// When the wait for a setup response is next worth a word.
    pub(crate) fn next(&self) -> Option<Instant> {
        self.waiting
            .as_ref()
            .and_then(|(_, patience)| patience.next())
    }

    pub(crate) fn tick(&mut self, engine: &Engine, now: Instant) {
        let Some(request_type) = engine.awaiting() else {
            self.waiting = None;
            return;
        };
        if self
            .waiting
            .as_ref()
            .is_none_or(|(awaited, _)| *awaited != request_type)
        {
            let what = format!("the response to {request_type}");
            self.waiting = Some((
                request_type,
                Patience::new(what, self.timeout, self.verbose),
            ));
        }
        if let Some((_, patience)) = &mut self.waiting {
            patience.tick(now);
        }
    }
}

/// Sleeps for `delay` between connections, waking for SIGINT/SIGTERM and
/// for the engine's timers: true when the stream ended meanwhile (the idle
/// time runs across reconnects).
fn sleep_unless_ended(engine: &mut Engine, sinks: &Sinks, delay: Duration) -> Result<bool> {
    let until = Instant::now() + delay;
    loop {
        engine.on_tick(sinks.stream_now())?;
        if engine.ending().is_some() {
            return Ok(true);
        }
        if Instant::now() >= until {
            return Ok(false);
        }
        let wake = engine
            .next_deadline()
            .map_or(until, |at| sinks.wall_time(at).min(until));
        if let Some(exit) = signals::sleep_until(wake) {
            return Err(fail(exit, ""));
        }
    }
}
