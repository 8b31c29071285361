//! NDJSON on stdout: whole lines only, through one buffered writer that the
//! commands flush when a received frame has been handled.

use std::io::{self, BufWriter, StdoutLock, Write};

use serde::Serialize;

pub struct Output {
    out: BufWriter<StdoutLock<'static>>,
}

impl Output {
    pub fn stdout() -> Output {
        Output {
            out: BufWriter::with_capacity(64 * 1024, io::stdout().lock()),
        }
    }

    /// Writes one line that is already compact JSON.
    pub fn raw_line(&mut self, json: &str) -> io::Result<()> {
        self.out.write_all(json.as_bytes())?;
        self.out.write_all(b"\n")
    }

    /// Writes a value as one compact JSON line.
    pub fn line<T: Serialize + ?Sized>(&mut self, value: &T) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, value).map_err(io::Error::from)?;
        self.out.write_all(b"\n")
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
