//! `send CONV [TEXT]`: ms.PublishEvent with a text/plain ContentEvent; without
//! TEXT, one message per line of standard input over one connection. Blank
//! text is never a message: TEXT is refused, stdin lines are skipped.

use anyhow::Result;
use serde_json::Value;

use crate::cli::SendArgs;
use crate::config::ConnectionConfig;
use crate::connection::Connection;
use crate::exit::{self, Exit, fail};
use crate::frames::{publish_text_body, text_notification, types};
use crate::lines::{Line, Lines};
use crate::output::Output;

pub(crate) fn run(args: &SendArgs, config: &ConnectionConfig, out: &mut Output) -> Result<()> {
    if let Some(text) = &args.text {
        if text.trim().is_empty() {
            return Err(fail(
                Exit::DataErr,
                "TEXT is empty: there is no message to send",
            ));
        }
        check_size(&args.conversation, text, config)?;
    }
    let mut connection = Connection::open(config)?;
    match &args.text {
        Some(text) => publish(&mut connection, &args.conversation, text, out)?,
        None => publish_lines(&mut connection, &args.conversation, config, out)?,
    }
    connection.finish();
    Ok(())
}

/// Refuses a message that no reader with the same `--max-frame-bytes`
/// could read back: it would make the conversation unreadable. What counts
/// is the notification readers receive: the text escaped as JSON, in its
/// envelope, with the sender's client properties.
fn check_size(conversation: &str, text: &str, config: &ConnectionConfig) -> Result<()> {
    let properties = config
        .client_properties
        .as_ref()
        .and_then(|header| serde_json::from_slice(header.as_bytes()).ok())
        .unwrap_or(Value::Null);
    let frame = text_notification(conversation, text, &properties).len();
    let max_frame_bytes = config.max_frame_bytes;
    if frame <= max_frame_bytes {
        return Ok(());
    }
    // Quotes, backslashes and control characters grow when escaped.
    let escaped = serde_json::to_string(text)?.len() - 2;
    let size = if escaped > text.len() {
        format!("{} bytes, {escaped} escaped as JSON", text.len())
    } else {
        format!("{} bytes", text.len())
    };
    Err(fail(
        Exit::DataErr,
        format!(
            "the message ({size}) would reach readers in a frame of {frame} bytes; they \
             accept frames up to --max-frame-bytes ({max_frame_bytes} bytes), so the \
             conversation could no longer be read: send it in parts (or raise \
             --max-frame-bytes here and for every reader)"
        ),
    ))
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

fn publish_lines(
    connection: &mut Connection,
    conversation: &str,
    config: &ConnectionConfig,
    out: &mut Output,
) -> Result<()> {
    let mut lines = Lines::stdin()?;
    let mut sent = 0u64;
    send_lines(&mut lines, connection, conversation, config, out, &mut sent)
        .map_err(|err| with_count(err, sent))
}

/// Sends each line; `sent` counts the messages that went out.
fn send_lines(
    lines: &mut Lines,
    connection: &mut Connection,
    conversation: &str,
    config: &ConnectionConfig,
    out: &mut Output,
    sent: &mut u64,
) -> Result<()> {
    loop {
        match lines.next()? {
            Line::Text(text) if text.trim().is_empty() => {}
            Line::Text(text) => {
                check_size(conversation, &text, config)
                    .map_err(|err| err.context(format!("line {}", lines.number())))?;
                publish(connection, conversation, &text, out)?;
                *sent += 1;
            }
            Line::Pending => connection.tend_until_readable(lines.wake_fd())?,
            Line::End => return Ok(()),
        }
    }
}

/// The error with how many messages went out before it, same exit code.
fn with_count(err: anyhow::Error, sent: u64) -> anyhow::Error {
    let messages = if sent == 1 { "message" } else { "messages" };
    exit::amended(err, &format!(" ({sent} {messages} sent before it)"))
}
