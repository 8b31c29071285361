//! `send CONV [TEXT]`: ms.PublishEvent with a text/plain ContentEvent; without
//! TEXT, one message per line of standard input over one connection. Blank
//! text is never a message: TEXT is refused, stdin lines are skipped.

use anyhow::Result;
use tungstenite::http::HeaderValue;

use crate::cli::SendArgs;
use crate::config::ConnectionConfig;
use crate::connection::Connection;
use crate::exit::{self, Exit, fail};
use crate::frames::{publish_text_body, types};
use crate::lines::{Line, Lines};
use crate::output::Output;

/// What a notification adds around a message's text and the sender's client
/// properties, at most (originator metadata, ids): a message is refused
/// when it would make a frame larger than the reader's `--max-frame-bytes`.
const NOTIFICATION_OVERHEAD: usize = 4096;

pub(crate) fn run(args: &SendArgs, config: &ConnectionConfig, out: &mut Output) -> Result<()> {
    if let Some(text) = &args.text {
        if text.trim().is_empty() {
            return Err(fail(
                Exit::DataErr,
                "TEXT is empty: there is no message to send",
            ));
        }
        check_size(text, config)?;
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
/// could read back: it would make the conversation unreadable. Its event
/// carries the text escaped, and the sender's client properties.
fn check_size(text: &str, config: &ConnectionConfig) -> Result<()> {
    // Quotes, backslashes and control characters grow when escaped.
    let escaped = serde_json::to_string(text)?.len();
    let properties = config
        .client_properties
        .as_ref()
        .map_or(0, HeaderValue::len);
    let max_frame_bytes = config.max_frame_bytes;
    if escaped + properties + NOTIFICATION_OVERHEAD <= max_frame_bytes {
        return Ok(());
    }
    let size = if escaped > text.len() + 2 {
        format!("{} bytes ({escaped} escaped as JSON)", text.len())
    } else {
        format!("{} bytes", text.len())
    };
    Err(fail(
        Exit::DataErr,
        format!(
            "the message is {size}; readers accept frames up to --max-frame-bytes \
             ({max_frame_bytes} bytes), so the conversation could no longer be read: \
             send it in parts (or raise --max-frame-bytes here and for every reader)"
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
                check_size(&text, config)
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
