//! `send CONV [TEXT]`: ms.PublishEvent with a text/plain ContentEvent; without
//! TEXT (or with `-`), one message per line of standard input over one
//! connection. Blank text is never a message: TEXT is refused, stdin lines
//! are skipped.

use std::os::fd::BorrowedFd;

use anyhow::Result;
use serde_json::Value;

use super::read_back;
use crate::cli::SendArgs;
use crate::config::ConnectionConfig;
use crate::connection::Connection;
use crate::exit::{self, Exit, fail};
use crate::frames::{self, Ours, publish_text_body, text_notification, types};
use crate::lines::{Line, Lines};
use crate::output::Output;
use crate::relink::Relink;
use crate::session::Reply;

pub(crate) fn run(args: &SendArgs, config: &ConnectionConfig, out: &mut Output) -> Result<()> {
    if let Some(text) = args.text() {
        if text.trim().is_empty() {
            let what = if text.is_empty() {
                "empty"
            } else {
                "blank (white space only)"
            };
            return Err(fail(
                Exit::DataErr,
                format!("TEXT is {what}: there is no message to send"),
            ));
        }
        check_size(&args.conversation, text, config)?;
    }
    let mut publisher = Publisher {
        relink: Relink::new(config, args.retry.reconnect, args.retry.max_retries),
        connection: None,
        conversation: &args.conversation,
        consumer: config.token.claims.sub(),
        last_sequence: None,
        sent: 0,
        published_here: false,
    };
    match args.text() {
        Some(text) => publisher.publish(text, out)?,
        None => {
            let mut lines = Lines::stdin()?;
            send_lines(&mut lines, &mut publisher, config, out)
                .map_err(|err| with_count(err, publisher.sent))?;
        }
    }
    if let Some(mut connection) = publisher.connection {
        connection.finish();
    }
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

/// Sends each line.
fn send_lines(
    lines: &mut Lines,
    publisher: &mut Publisher,
    config: &ConnectionConfig,
    out: &mut Output,
) -> Result<()> {
    loop {
        match lines.next()? {
            Line::Text(text) if text.trim().is_empty() => {}
            Line::Text(text) => {
                check_size(publisher.conversation, &text, config)
                    .map_err(|err| err.context(format!("line {}", lines.number())))?;
                publisher.publish(&text, out)?;
            }
            Line::Pending => publisher.tend_until_readable(lines.wake_fd())?,
            Line::End => return Ok(()),
        }
    }
}

/// Messages published over a connection that is opened again, as
/// `reconnect` decides, when it fails.
struct Publisher<'a> {
    relink: Relink<'a>,
    connection: Option<Connection>,
    conversation: &'a str,
    /// The JWT's `sub`: the originator of our messages.
    consumer: &'a str,
    /// The sequence of the last message the service confirmed.
    last_sequence: Option<u64>,
    /// Messages that went out.
    sent: u64,
    /// A message went out on the current connection.
    published_here: bool,
}

impl Publisher<'_> {
    /// Publishes `text` and prints the response. A message whose answer was
    /// lost with the connection is looked for in the conversation before it
    /// is sent again, so that it ends up there once.
    fn publish(&mut self, text: &str, out: &mut Output) -> Result<()> {
        // The message may be in the conversation already.
        let mut unsure = false;
        loop {
            let mut sent = false;
            match self.try_publish(text, unsure, &mut sent) {
                Ok(reply) => {
                    self.relink.accepted();
                    self.sent += 1;
                    self.published_here = true;
                    if let Some(sequence) = frames::body_member(reply.body.as_deref(), "sequence")
                        .and_then(|sequence| sequence.as_u64())
                    {
                        self.last_sequence = Some(sequence);
                    }
                    return super::print_reply(out, &reply);
                }
                Err(err) => {
                    // A refusal is an answer: the conversation has not
                    // got the message.
                    unsure |= sent && !exit::answered(&err);
                    let number = self.sent + 1;
                    self.failed(err).map_err(|err| {
                        if unsure {
                            exit::amended(
                                err,
                                &exit::lost_answer(
                                    &format!("message {number}"),
                                    "the conversation may have it",
                                ),
                            )
                        } else {
                            err
                        }
                    })?;
                }
            }
        }
    }

    fn try_publish(&mut self, text: &str, unsure: bool, sent: &mut bool) -> Result<Reply> {
        let after = self.last_sequence;
        let (conversation, consumer) = (self.conversation, self.consumer);
        let connection = self.connection()?;
        if unsure
            && let Some(sequence) = published(connection, conversation, consumer, after, text)?
        {
            return read_back::found_reply(sequence);
        }
        *sent = true;
        connection.request(
            types::PUBLISH_EVENT,
            Some(&publish_text_body(conversation, text)),
        )
    }

    /// Keeps the link alive until `other` is readable (the next line).
    fn tend_until_readable(&mut self, other: BorrowedFd) -> Result<()> {
        loop {
            match self.connection().and_then(|c| c.tend_until_readable(other)) {
                Ok(()) => return Ok(()),
                Err(err) => self.failed(err)?,
            }
        }
    }

    /// The connection, opened (again) if need be.
    fn connection(&mut self) -> Result<&mut Connection> {
        let connection = match self.connection.take() {
            Some(connection) => connection,
            None => {
                let connection = self.relink.open()?;
                self.published_here = false;
                if self.relink.reconnecting() {
                    self.relink.say_reconnected(
                        connection.host(),
                        &format!("going on with message {}", self.sent + 1),
                    );
                }
                connection
            }
        };
        Ok(self.connection.insert(connection))
    }

    /// The connection failed: Ok once it may be opened again (after a
    /// renewed token or a pause), the error when that is final.
    fn failed(&mut self, err: anyhow::Error) -> Result<()> {
        self.connection = None;
        self.relink.recovered(err, self.published_here)
    }
}

/// The sequence of a message of ours with this text after `after`, if the
/// conversation has one.
fn published(
    connection: &mut Connection,
    conversation: &str,
    consumer: &str,
    after: Option<u64>,
    text: &str,
) -> Result<Option<u64>> {
    let Some(last) = read_back::last_content(connection, conversation)? else {
        return Ok(None);
    };
    let from = after.map_or(0, |sequence| sequence + 1);
    read_back::find(
        connection,
        conversation,
        consumer,
        Ours::Text(text),
        from,
        last,
    )
}

/// The error with how many messages the service confirmed before it, same
/// exit code.
fn with_count(err: anyhow::Error, sent: u64) -> anyhow::Error {
    let messages = if sent == 1 { "message" } else { "messages" };
    exit::amended(
        err,
        &format!(" ({sent} {messages} sent and confirmed before it)"),
    )
}
