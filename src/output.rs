//! stdout: whole lines only, through one buffered writer that the commands
//! flush when a received frame has been handled. NDJSON, or with
//! `--format text` events as the lines of a transcript.

use std::cell::RefCell;
use std::io::{self, BufWriter, IsTerminal, StdoutLock, Write};
use std::time::{Duration, Instant};

use anyhow::Result;
use serde::Serialize;

use crate::cli::Format;
use crate::exit::{Exit, err_text, fail};
use crate::render::Transcript;
use crate::sanitise;

pub(crate) struct Output {
    out: BufWriter<Timed<StdoutLock<'static>>>,
    /// Set for `--format text`.
    transcript: Option<Transcript>,
    /// The date the transcript last showed.
    day: Option<String>,
}

/// Whether events show as text: as asked, else as the command prefers
/// when stdout is a terminal (`chat` does).
pub(crate) fn wants_text(format: Option<Format>, text_on_terminal: bool) -> bool {
    match format {
        Some(format) => format == Format::Text,
        None => text_on_terminal && io::stdout().is_terminal(),
    }
}

/// Colour for a person: stdout is a terminal that has colours (TERM is not
/// `dumb`) and NO_COLOR is not set (no-color.org: set and not empty).
pub(crate) fn wants_colour() -> bool {
    io::stdout().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
        && std::env::var_os("TERM").is_none_or(|term| term != "dumb")
}

thread_local! {
    /// Whose diagnostics this thread's are, when several things run at
    /// once (`test --jobs`): said before each line.
    static ON_BEHALF_OF: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// A diagnostic line on stderr: `lp-consumer: ` and `line`, made safe
/// for a terminal (it may quote the server).
pub(crate) fn say(line: &str) {
    ON_BEHALF_OF.with_borrow(|who| match who {
        Some(who) => eprintln!(
            "lp-consumer: {}: {}",
            sanitise::line(who),
            sanitise::line(line)
        ),
        None => eprintln!("lp-consumer: {}", sanitise::line(line)),
    });
}

/// Runs `work` with its diagnostics (`say`) on this thread said on behalf
/// of `who`.
pub(crate) fn on_behalf_of<T>(who: String, work: impl FnOnce() -> T) -> T {
    let before = ON_BEHALF_OF.replace(Some(who));
    let result = work();
    ON_BEHALF_OF.set(before);
    result
}

/// A closed pipe stays an `io::Error` (a quiet exit 0); any other write
/// failure is exit 74.
pub(crate) fn write_error(err: io::Error) -> anyhow::Error {
    if err.kind() == io::ErrorKind::BrokenPipe {
        err.into()
    } else {
        fail(
            Exit::IoErr,
            format!("cannot write to standard output: {}", err_text(&err)),
        )
    }
}

impl Output {
    pub(crate) fn stdout() -> Output {
        Output {
            out: BufWriter::with_capacity(
                64 * 1024,
                Timed {
                    inner: io::stdout().lock(),
                    spent: Duration::ZERO,
                    reader: Reader::Ends,
                },
            ),
            transcript: None,
            day: None,
        }
    }

    /// For a long stream into a pipe: asks the kernel for a 1 MiB pipe
    /// buffer instead of 64 KiB, so that the writer and the reader (`jq`,
    /// `wc`) take turns far less often; measured, it makes a replay into a
    /// pipe about 1.5 times faster on two cores. Nothing happens when stdout
    /// is not a pipe, or the system allows less (the size stays as it was).
    pub(crate) fn widen_pipe(&self) {
        const PIPE_BYTES: usize = 1 << 20;
        let _ = rustix::pipe::fcntl_setpipe_size(&self.out.get_ref().inner, PIPE_BYTES);
    }

    /// Shows events as a transcript from now on.
    pub(crate) fn show_as_text(&mut self, transcript: Transcript) {
        self.transcript = Some(transcript);
    }

    pub(crate) fn is_text(&self) -> bool {
        self.transcript.is_some()
    }

    /// Writes one event (compact JSON), as it is or as a transcript line.
    pub(crate) fn event(&mut self, json: &str) -> Result<()> {
        match &self.transcript {
            None => self.raw_line(json),
            Some(transcript) => {
                let line = transcript.event(json, &mut self.day);
                self.raw_line(&line)
            }
        }
    }

    /// A line for a person (the close, a survey): only in a transcript.
    pub(crate) fn notice(&mut self, text: &str) -> Result<()> {
        match &self.transcript {
            None => Ok(()),
            Some(transcript) => {
                let line = transcript.notice(text, &mut self.day);
                self.raw_line(&line)
            }
        }
    }

    /// Writes one line as it is (compact JSON).
    pub(crate) fn raw_line(&mut self, json: &str) -> Result<()> {
        self.out
            .write_all(json.as_bytes())
            .and_then(|()| self.out.write_all(b"\n"))
            .map_err(write_error)
    }

    /// Writes a value as one compact JSON line.
    pub(crate) fn line<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        serde_json::to_writer(&mut self.out, value)
            .map_err(io::Error::from)
            .and_then(|()| self.out.write_all(b"\n"))
            .map_err(write_error)
    }

    pub(crate) fn flush(&mut self) -> Result<()> {
        self.out.flush().map_err(write_error)
    }

    /// The time spent so far waiting for stdout to take what was written
    /// (a slow reader, a full pipe): ours, not the server's, so the
    /// stream's timers leave it out.
    pub(crate) fn time_blocked(&self) -> Duration {
        self.out.get_ref().spent
    }

    /// For a run whose verdict is its exit status (`test`): a reader that
    /// goes away (`| head -1`) no longer ends it quietly with 0; the run
    /// goes on, its reports are written, and what it prints after the
    /// reader left is dropped.
    pub(crate) fn outlive_reader(&mut self) {
        self.out.get_mut().reader = Reader::Outlived { gone: false };
    }
}

/// A writer that adds up the time its writes take. It sits under the
/// buffer, so the clock is read once per buffer's worth, not per line.
struct Timed<W> {
    inner: W,
    spent: Duration,
    reader: Reader,
}

/// What the reader of stdout going away does.
enum Reader {
    /// It ends the run (quietly, with 0).
    Ends,
    /// The run goes on without it; `gone` once it went.
    Outlived { gone: bool },
}

impl<W> Timed<W> {
    /// `written` (the result of a write), unless the reader went away from
    /// a run that outlives it: then `dropped` (what a write that took
    /// everything returns), and from now on the bytes are dropped.
    fn unless_outlived<T>(&mut self, written: io::Result<T>, dropped: T) -> io::Result<T> {
        match (&mut self.reader, written) {
            (Reader::Outlived { gone }, Err(err)) if err.kind() == io::ErrorKind::BrokenPipe => {
                *gone = true;
                Ok(dropped)
            }
            (_, written) => written,
        }
    }
}

impl<W: Write> Write for Timed<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Reader::Outlived { gone: true } = self.reader {
            return Ok(buf.len());
        }
        let start = Instant::now();
        let written = self.inner.write(buf);
        self.spent += start.elapsed();
        self.unless_outlived(written, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if let Reader::Outlived { gone: true } = self.reader {
            return Ok(());
        }
        let start = Instant::now();
        let flushed = self.inner.flush();
        self.spent += start.elapsed();
        self.unless_outlived(flushed, ())
    }
}
