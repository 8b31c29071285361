//! Standard input as lines, read on a thread of its own so that the main
//! thread keeps tending the connection while no line is ready. Each line
//! also writes a byte to a pipe whose read end the connection's wait
//! watches, so a line wakes the wait at once.

use std::io::{self, BufRead, PipeReader, Read, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::thread;
use std::time::Duration;

use anyhow::Result;
use rustix::event::{PollFd, PollFlags};

use crate::exit::{Exit, err_text, fail};
use crate::signals;

/// Lines read ahead of their use, at most.
const LINES_AHEAD: usize = 64;

/// What `Lines::next` found.
pub(crate) enum Line {
    /// A line, without its `\n` (or `\r\n`).
    Text(String),
    /// Nothing yet.
    Pending,
    /// End of input.
    End,
}

pub(crate) struct Lines {
    lines: Receiver<io::Result<Vec<u8>>>,
    wake: PipeReader,
    /// Lines handed out so far, for messages.
    number: u64,
}

impl Lines {
    /// Starts reading standard input.
    pub(crate) fn stdin() -> Result<Lines> {
        let (wake, mut waker) = io::pipe().map_err(pipe_error)?;
        rustix::io::ioctl_fionbio(&wake, true).map_err(|err| pipe_error(err.into()))?;
        let (sender, lines) = mpsc::sync_channel(LINES_AHEAD);
        thread::spawn(move || {
            for line in io::stdin().lock().split(b'\n') {
                let failed = line.is_err();
                if sender.send(line).is_err() {
                    return;
                }
                let _ = waker.write_all(b"l");
                if failed {
                    break;
                }
            }
            drop(sender);
            let _ = waker.write_all(b"e");
        });
        Ok(Lines {
            lines,
            wake,
            number: 0,
        })
    }

    /// The descriptor that becomes readable when a line (or the end) is
    /// ready.
    pub(crate) fn wake_fd(&self) -> BorrowedFd<'_> {
        self.wake.as_fd()
    }

    /// The number of the line last handed out (1-based).
    pub(crate) fn number(&self) -> u64 {
        self.number
    }

    /// The next line if one is ready. A line that is not UTF-8 is an error
    /// (exit 65) that says how many lines came before it.
    pub(crate) fn next(&mut self) -> Result<Line> {
        // Emptied before looking at the channel: a line sent after this
        // writes a new byte, so no wake-up is lost.
        let mut drained = [0u8; 64];
        while matches!(self.wake.read(&mut drained), Ok(n) if n > 0) {}
        let bytes = match self.lines.try_recv() {
            Ok(line) => line.map_err(|err| {
                fail(
                    Exit::NoInput,
                    format!("cannot read standard input: {}", err_text(&err)),
                )
            })?,
            Err(TryRecvError::Empty) => return Ok(Line::Pending),
            Err(TryRecvError::Disconnected) => return Ok(Line::End),
        };
        self.number += 1;
        let mut bytes = bytes;
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        String::from_utf8(bytes).map(Line::Text).map_err(|_| {
            fail(
                Exit::DataErr,
                format!("line {} of standard input is not UTF-8", self.number),
            )
        })
    }

    /// `next`, but a line (or the end) that standard input already holds
    /// is waited for while the reading thread catches up, instead of
    /// `Pending`: for counting what was never sent, which should not
    /// depend on that thread's turn. Only input still to come is
    /// `Pending`. Each wait is at most `CATCH_UP`.
    pub(crate) fn next_held(&mut self) -> Result<Line> {
        /// Plenty for a thread to read what a pipe or a file holds.
        const CATCH_UP: Duration = Duration::from_secs(1);
        loop {
            match self.next()? {
                Line::Pending if stdin_holds_more() => {
                    let mut wake = [PollFd::new(&self.wake, PollFlags::IN)];
                    if signals::poll_for(&mut wake, CATCH_UP).map_err(pipe_error)? == 0 {
                        return Ok(Line::Pending);
                    }
                }
                line => return Ok(line),
            }
        }
    }
}

/// Whether reading standard input now would not wait: data, its end, or
/// an error is there.
fn stdin_holds_more() -> bool {
    let stdin = io::stdin();
    let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
    signals::poll_for(&mut fds, Duration::ZERO).is_ok_and(|ready| ready > 0)
}

fn pipe_error(err: io::Error) -> anyhow::Error {
    fail(
        Exit::Software,
        format!("cannot make a pipe: {}", err_text(&err)),
    )
}
