//! NDJSON on stdout: whole lines only, through one buffered writer that the
//! commands flush when a received frame has been handled.

use std::io::{self, BufWriter, StdoutLock, Write};

use anyhow::Result;
use serde::Serialize;

use crate::exit::err_text;
use crate::exit::{Exit, fail};

pub(crate) struct Output {
    out: BufWriter<StdoutLock<'static>>,
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
            out: BufWriter::with_capacity(64 * 1024, io::stdout().lock()),
        }
    }

    /// Writes one line that is already compact JSON.
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
}
