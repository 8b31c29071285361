//! `test [PATH]...`: BotiumScript convo suites run against the bot. The
//! files are found (`files`), read and joined into convos (`crate::convo`),
//! the `--shard`'s part of them run `--repeat` times on `--jobs` threads,
//! each convo with its own consumer and conversation (`live`), and each
//! result printed as it ends, then the summary (`report`).

mod files;
mod live;
mod ramp;
mod report;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::cli::{GlobalArgs, TestArgs};
use crate::config::{self, Credentials};
use crate::convo::suite::{self, Planned};
use crate::credentials::JwtCommand;
use crate::exit::{self, Exit, Outcome, fail};
use crate::http::Site;
use crate::idp;
use crate::out_file::OutFile;
use crate::output::{self, Output};
use crate::secret;
use crate::signals;
use crate::token::Token;
use crate::when::now_secs;
use ramp::Ramp;
use report::{ConvoResult, Status, Summary};

/// What one read of a convo's socket asks for: a convo trades a few small
/// messages, and with `--jobs` hundreds of sockets read at once; the
/// library's 128 KiB, zeroed before each read, cost a quarter of a run's
/// CPU (`cargo bench --bench suites`). A larger frame still arrives whole.
const CONVO_READ_BUFFER_BYTES: usize = 8 * 1024;

/// Where each convo's consumer comes from.
enum Consumers {
    /// The token given (one convo at a time), and the command that renews it.
    Fixed(Token, Option<JwtCommand>),
    /// One `--jwt-command` run per convo; the consumers of the convos
    /// running, by slot.
    Command(JwtCommand, Mutex<BTreeMap<String, usize>>),
    /// A signup at the IdP per convo, as `login` does.
    Signup { idp: Site, account: String },
}

/// A consumer held by the convo running in `slot`, until it ends: a
/// consumer has one open conversation, so two convos at once cannot share
/// one.
struct Held<'a> {
    in_use: &'a Mutex<BTreeMap<String, usize>>,
    consumer: String,
}

impl<'a> Held<'a> {
    fn take(
        in_use: &'a Mutex<BTreeMap<String, usize>>,
        consumer: &str,
        slot: usize,
    ) -> Result<Held<'a>> {
        let mut held = in_use.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(other) = held.get(consumer) {
            return Err(fail(
                Exit::Usage,
                format!(
                    "--jwt-command gave consumer {consumer}, whom the convo in slot {other} \
                     holds: a consumer has one open conversation, so with --jobs above 1 the \
                     command must give each slot its own (it sees LP_TEST_SLOT)"
                ),
            ));
        }
        held.insert(consumer.to_owned(), slot);
        Ok(Held {
            in_use,
            consumer: consumer.to_owned(),
        })
    }
}

impl Drop for Held<'_> {
    fn drop(&mut self) {
        let mut held = self.in_use.lock().unwrap_or_else(PoisonError::into_inner);
        held.remove(&self.consumer);
    }
}

/// One convo to run: its plan and, with `--repeat`, which run.
struct Job<'a> {
    planned: &'a Planned,
    repeat: Option<u64>,
}

pub(crate) fn run(args: &TestArgs, global: &GlobalArgs, out: &mut Output) -> Result<()> {
    // Ctrl-C or SIGTERM at any time, a convo's handshake included, ends
    // the run with what it has: the lines, the summary, the reports.
    signals::install();
    // The exit status is the verdict: `| head -1` must not turn a failing
    // suite green, nor stop it before its reports are written.
    out.outlive_reader();
    if args.create.reuse {
        return Err(fail(
            Exit::Usage,
            "--reuse takes the consumer's open conversation, and test runs each convo in a \
             new conversation of its own: leave --reuse out",
        ));
    }
    let given = config::given_credentials(global)?;
    if matches!(given, Some(Credentials::Given(..))) && args.jobs > 1 {
        return Err(fail(
            Exit::Usage,
            "--jobs above 1 needs a consumer per convo (a consumer holds one open conversation), \
             and a fixed token (--jwt, LP_JWT, --jwt-file) is one consumer: leave it out to sign \
             up a consumer per convo, or give --jwt-command",
        ));
    }
    // Where the socket goes is checked before any convo runs.
    let local_service = config::target(global)?.is_local();
    let sources = files::read(&args.paths)?;
    files::check_reports(
        [("--junit", &args.junit), ("--metrics", &args.metrics)],
        &sources,
    )?;
    let mut planned = suite::plan(&sources);
    if planned.is_empty() {
        return Err(fail(
            Exit::NoInput,
            "no convo files (*.convo.txt) in the paths given",
        ));
    }
    planned.sort_by(|a, b| (&a.file, &a.name).cmp(&(&b.file, &b.name)));
    if let Some(shard) = args.shard {
        let (index, count) = (shard.index as usize, shard.count as usize);
        planned = planned
            .into_iter()
            .enumerate()
            .filter(|(at, _)| at % count == index - 1)
            .map(|(_, planned)| planned)
            .collect();
    }
    let consumers = match given {
        Some(Credentials::Given(token, command)) => Consumers::Fixed(token, command),
        Some(Credentials::Command(command)) => Consumers::Command(command, Mutex::default()),
        None => {
            let login = config::login(global)?;
            let idp = super::login::idp_site(&login)?;
            if idp.plain {
                secret::warn_if_plain("the token that comes back", "http", idp.host());
            }
            Consumers::Signup {
                idp,
                account: login.account.account,
            }
        }
    };
    // A report that cannot be written fails before the suite runs.
    let junit = args
        .junit
        .as_deref()
        .map(|path| OutFile::check("--junit", path))
        .transpose()?;
    let metrics = args
        .metrics
        .as_deref()
        .map(|path| OutFile::check("--metrics", path))
        .transpose()?;
    let jobs: Vec<Job> = planned
        .iter()
        .flat_map(|planned| {
            (1..=args.repeat).map(move |n| Job {
                planned,
                repeat: (args.repeat > 1).then_some(n),
            })
        })
        .collect();
    let text = output::wants_text(global.format, true);
    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let (report, results) = mpsc::channel();
    let mut all = Vec::with_capacity(jobs.len());
    let workers = (args.jobs as usize).min(jobs.len());
    let ramp = Ramp::new(workers, local_service);
    thread::scope(|scope| -> Result<()> {
        // A worker runs one convo at a time, so its number is a slot no
        // other running convo holds: `LP_TEST_SLOT` for a pool of identities.
        for slot in 0..workers {
            let report = report.clone();
            let (jobs, next, consumers, ramp) = (&jobs, &next, &consumers, &ramp);
            scope.spawn(move || {
                // After Ctrl-C or SIGTERM no convo starts.
                while signals::pending().is_none() {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(index) else { break };
                    let result = run_one(args, global, consumers, ramp, job, index, slot);
                    if report.send(result).is_err() {
                        break;
                    }
                }
            });
        }
        drop(report);
        for result in results {
            if text {
                for line in report::text_lines(&result) {
                    out.raw_line(&line)?;
                }
            } else {
                out.line(&report::json_line(&result))?;
            }
            out.flush()?;
            all.push(result);
        }
        Ok(())
    })?;
    let summary = Summary::of(&all, started.elapsed());
    if text {
        out.raw_line(&summary.text_line())?;
    } else {
        out.line(&summary.json_line())?;
    }
    out.flush()?;
    if let Some(junit) = junit {
        let suite_name = args
            .paths
            .iter()
            .map(|path| path.display().to_string())
            .collect::<Vec<_>>()
            .join(" ");
        // After a signal, the convos that never started are in the report
        // as skipped: a stopped run does not look smaller than it was.
        let started = next.load(Ordering::Relaxed).min(jobs.len());
        let skipped: Vec<report::Skipped> = jobs[started..]
            .iter()
            .map(|job| report::Skipped {
                file: &job.planned.file,
                convo: &job.planned.name,
                repeat: job.repeat,
            })
            .collect();
        junit.write(&report::junit(&suite_name, &all, &skipped, &summary))?;
    }
    if let Some(metrics) = metrics {
        metrics.write(&report::metrics(&summary, now_secs()))?;
    }
    if let Some(exit) = signals::pending() {
        return Err(fail(
            exit,
            format!(
                "stopped: {} of {} started, those cut short reported as errors",
                all.len(),
                convos(jobs.len())
            ),
        ));
    }
    if summary.all_passed() {
        return Ok(());
    }
    Err(fail(
        Exit::Refused,
        verdict(summary.failed, summary.errors, all.len()),
    ))
}

/// The run's verdict when not all passed: "3 of 14 convos failed, 2 could
/// not run", without the half that is none.
fn verdict(failed: usize, errors: usize, total: usize) -> String {
    let total = convos(total);
    match (failed, errors) {
        (0, errors) => format!("{errors} of {total} could not run"),
        (failed, 0) => format!("{failed} of {total} failed"),
        (failed, errors) => format!("{failed} of {total} failed, {errors} could not run"),
    }
}

/// What stopped a convo, for its line: a signal has no message of its own.
fn error_text(err: &anyhow::Error) -> String {
    match exit::classify(err) {
        Outcome::Fail(Exit::Interrupted) => "stopped by SIGINT".to_owned(),
        Outcome::Fail(Exit::Terminated) => "stopped by SIGTERM".to_owned(),
        _ => format!("{err:#}"),
    }
}

/// "1 convo", "2 convos".
fn convos(count: usize) -> String {
    let noun = if count == 1 { "convo" } else { "convos" };
    format!("{count} {noun}")
}

/// Runs one convo with its own consumer; never fails: what goes wrong is
/// the convo's error.
fn run_one(
    args: &TestArgs,
    global: &GlobalArgs,
    consumers: &Consumers,
    ramp: &Ramp,
    job: &Job,
    index: usize,
    slot: usize,
) -> ConvoResult {
    let started = Instant::now();
    let mut result = ConvoResult {
        file: job.planned.file.clone(),
        convo: job.planned.name.clone(),
        repeat: job.repeat,
        status: Status::Error,
        conversation: None,
        duration: Duration::ZERO,
        latencies: Vec::new(),
        failure: None,
        error: None,
        transcript: Vec::new(),
    };
    // Several convos may run at once: each one's diagnostics name it, and
    // which run of it under --repeat.
    let name = report::case_name(&job.planned.name, job.repeat);
    let played = output::on_behalf_of(format!("convo {name}"), || {
        job.planned
            .steps
            .as_ref()
            .map_err(|error| anyhow::anyhow!("{error}"))
            .and_then(|steps| {
                let turn = ramp.turn();
                let mut _held = None;
                let credentials = match consumers {
                    Consumers::Fixed(token, command) => {
                        Credentials::Given(token.clone(), command.clone())
                    }
                    Consumers::Command(command, in_use) => {
                        // Renewals run with the convo's variables too: the
                        // same identity.
                        let command = command.with_env(vec![
                            ("LP_TEST_CONVO", job.planned.name.clone()),
                            ("LP_TEST_FILE", job.planned.file.clone()),
                            ("LP_TEST_INDEX", index.to_string()),
                            ("LP_TEST_SLOT", slot.to_string()),
                        ]);
                        let token = command.fetch()?;
                        _held = Some(Held::take(in_use, token.claims.sub(), slot)?);
                        Credentials::Given(token, Some(command))
                    }
                    Consumers::Signup { idp, account } => {
                        let network = config::network(global)?;
                        Credentials::Given(idp::login(&network, idp, account, None)?, None)
                    }
                };
                let mut config = super::connection(config::service_with(global, credentials)?)?;
                config.read_buffer_bytes = CONVO_READ_BUFFER_BYTES;
                live::play(
                    turn,
                    &mut config,
                    &args.create,
                    &args.retry,
                    steps,
                    args.bot_timeout,
                    matches!(consumers, Consumers::Signup { .. }),
                )
            })
    });
    match played {
        Ok(played) => {
            result.conversation = Some(played.conversation);
            let outcome = played.outcome;
            result.latencies = outcome.latencies;
            result.transcript = outcome.transcript;
            match played.error {
                None => {
                    result.status = if outcome.failure.is_some() {
                        Status::Failed
                    } else {
                        Status::Passed
                    };
                    result.failure = outcome.failure;
                }
                Some(err) => result.error = Some(error_text(&err)),
            }
        }
        Err(err) => result.error = Some(error_text(&err)),
    }
    result.duration = started.elapsed();
    result
}
