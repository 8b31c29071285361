//! `send CONV [TEXT]`: ms.PublishEvent with a text/plain ContentEvent; without
//! TEXT, one message per line of standard input over one connection.

use std::io::{self, BufRead};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::Duration;

use anyhow::Result;

use crate::cli::SendArgs;
use crate::config::{ConnectionConfig, err_text};
use crate::connection::Connection;
use crate::exit::{Exit, fail};
use crate::frames::{publish_text_body, types};
use crate::output::Output;

/// Lines read ahead of the connection, at most.
const LINES_AHEAD: usize = 64;
/// How long to wait for the next line before tending the connection.
const LINE_WAIT: Duration = Duration::from_millis(50);

pub fn run(args: &SendArgs, config: &ConnectionConfig, out: &mut Output) -> Result<()> {
    let mut connection = Connection::open(config)?;
    match &args.text {
        Some(text) => publish(&mut connection, &args.conversation, text, out)?,
        None => publish_lines(&mut connection, &args.conversation, out)?,
    }
    connection.finish();
    Ok(())
}

fn publish(
    connection: &mut Connection,
    conversation: &str,
    text: &str,
    out: &mut Output,
) -> Result<()> {
    let reply = connection.request(
        types::PUBLISH_EVENT,
        Some(&publish_text_body(conversation, text)),
    )?;
    super::print_reply(out, &reply)
}

/// Standard input is read on its own thread so that, while no line is
/// ready, the connection keeps answering pings and sees Ctrl-C.
fn publish_lines(connection: &mut Connection, conversation: &str, out: &mut Output) -> Result<()> {
    let (sender, lines) = mpsc::sync_channel(LINES_AHEAD);
    thread::spawn(move || {
        for line in io::stdin().lock().split(b'\n') {
            let failed = line.is_err();
            if sender.send(line).is_err() || failed {
                break;
            }
        }
    });
    let mut number = 0u64;
    loop {
        let line = match lines.recv_timeout(LINE_WAIT) {
            Ok(line) => line,
            Err(RecvTimeoutError::Timeout) => {
                connection.idle_tick()?;
                continue;
            }
            Err(RecvTimeoutError::Disconnected) => return Ok(()),
        };
        number += 1;
        let mut bytes = line.map_err(|err| {
            fail(
                Exit::NoInput,
                format!("cannot read standard input: {}", err_text(&err)),
            )
        })?;
        if bytes.last() == Some(&b'\r') {
            bytes.pop();
        }
        let text = String::from_utf8(bytes).map_err(|_| {
            fail(
                Exit::DataErr,
                format!("line {number} of standard input is not UTF-8"),
            )
        })?;
        if !text.is_empty() {
            publish(connection, conversation, &text, out)?;
        }
    }
}
