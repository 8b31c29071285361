//! Whether a request whose answer was lost with the connection reached the
//! conversation: our own events are read back from the conversation's
//! replay, up to an event known to come after the request (the last content
//! event, as conversation metadata gives it, or a checkpoint of our own).
//! `send` looks for a lost message this way, `click` for its ACTION
//! receipt and its text, before sending them again.

use std::time::Instant;

use anyhow::Result;
use serde_json::{Value, json};

use crate::connection::{Connection, Found};
use crate::exit::{Exit, link_failure};
use crate::frames::{self, Ours, types};
use crate::reconnect::LinkError;
use crate::session::Reply;
use crate::transport::timed_out;

/// The sequence of the conversation's last content event, as its metadata
/// says: a lost message of ours, if the conversation has it, is at or
/// before it.
pub(crate) fn last_content(connection: &mut Connection, conversation: &str) -> Result<Option<u64>> {
    Ok(
        super::conversations::snapshot(connection, &["OPEN", "CLOSE"])?
            .into_iter()
            .find(|change| change.conversation_id == conversation)
            .and_then(|change| change.last_content_sequence),
    )
}

/// Publishes a checkpoint for message `of` of `dialog` (frames.rs says
/// what it is): its sequence, None when the response has none.
pub(crate) fn checkpoint(
    connection: &mut Connection,
    dialog: &str,
    of: u64,
) -> Result<Option<u64>> {
    let body = frames::checkpoint_body(dialog, of);
    let reply = connection.request(types::PUBLISH_EVENT, Some(&body))?;
    Ok(frames::body_member(reply.body.as_deref(), "sequence")
        .and_then(|sequence| sequence.as_u64()))
}

/// What stands for the lost response to a publish found at `sequence`:
/// the response the service gives.
pub(crate) fn found_reply(sequence: u64) -> Result<Reply> {
    let body = serde_json::value::to_raw_value(&json!({"sequence": sequence}))?;
    Ok(Reply {
        code: 200,
        body: Some(body),
    })
}

/// The sequence of the first event of `consumer`'s that is `wanted`, read
/// from `dialog`'s events `from` up to `until` (included).
pub(crate) fn find(
    connection: &mut Connection,
    dialog: &str,
    consumer: &str,
    wanted: Ours,
    from: u64,
    until: u64,
) -> Result<Option<u64>> {
    if until < from {
        return Ok(None);
    }
    let body = frames::subscribe_body(dialog, from);
    connection.request(types::SUBSCRIBE_MESSAGING_EVENTS, Some(&body))?;
    let deadline = Instant::now() + connection.timeout();
    let mut found = None;
    let read = connection.find(deadline, |notification| {
        if notification.notification_type != types::MESSAGING_EVENT_NOTIFICATION {
            return Ok(None);
        }
        for change in frames::changes(notification.body)? {
            let meta = frames::change_meta(change, true)?;
            let Some(sequence) = meta.sequence else {
                continue;
            };
            if found.is_none()
                && meta.originator_id.as_deref() == Some(consumer)
                && meta.event_type() == Some(wanted.event_type())
            {
                let change: Value = serde_json::from_str(change.get())?;
                if wanted.is(&change["event"]) {
                    found = Some(sequence);
                }
            }
            if sequence >= until {
                return Ok(Some(found));
            }
        }
        Ok(None)
    })?;
    match read {
        Found::It(found) => Ok(found),
        Found::Deadline => Err(timed_out(
            "reading the conversation back",
            connection.timeout(),
        )),
        Found::Closed => Err(link_failure(
            Exit::TempFail,
            LinkError::Closed(1000),
            "the server closed the connection while the conversation was read back",
        )),
    }
}
