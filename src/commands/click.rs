//! `click CONV --seq N --choice K...`: clicks a choice of message N. The
//! message is read back (a subscription from N) and what the named choices
//! do is worked out (choices.rs) before anything is sent; if the click
//! publishes text, its two requests are sent: an ACTION receipt for N and
//! the text, both with the click's metadata, and the second response is
//! printed. Links and places are printed after it.

use std::time::Instant;

use anyhow::Result;
use serde_json::Value;

use crate::choices;
use crate::cli::ClickArgs;
use crate::config::ConnectionConfig;
use crate::connection::{Connection, Found};
use crate::exit::{Exit, fail};
use crate::frames::{self, types};
use crate::output::Output;
use crate::relink::Relink;

pub(crate) fn run(args: &ClickArgs, config: &ConnectionConfig, out: &mut Output) -> Result<()> {
    let dialog = args.dialog.as_deref().unwrap_or(&args.conversation);
    let mut connection = Relink::connect(config)?;
    let change = message(&mut connection, dialog, args.sequence)?;
    let offered = choices::of_event(&change["event"]);
    if offered.is_empty() {
        return Err(fail(
            Exit::DataErr,
            format!(
                "message #{} has no choices (quick replies, buttons, images or maps to click)",
                args.sequence
            ),
        ));
    }
    let picked = args
        .choice
        .iter()
        .map(|wanted| choices::pick(&offered, wanted))
        .collect::<Result<Vec<usize>>>()?;
    let click = choices::click(&offered, &picked)?;
    if let Some(text) = &click.text {
        let metadata = click.metadata.as_ref();
        let action = frames::accept_status_body(dialog, "ACTION", &[args.sequence]);
        let id =
            connection.send_request_with_metadata(types::PUBLISH_EVENT, Some(&action), metadata)?;
        connection.response_to(&id, types::PUBLISH_EVENT)?;
        let body = frames::publish_text_body(dialog, text);
        let id =
            connection.send_request_with_metadata(types::PUBLISH_EVENT, Some(&body), metadata)?;
        let reply = connection.response_to(&id, types::PUBLISH_EVENT)?;
        super::print_reply(out, &reply)?;
    }
    for target in &click.targets {
        out.line(target)?;
    }
    out.flush()?;
    connection.finish();
    Ok(())
}

/// Message `sequence` of `dialog`, read back by subscribing from it.
fn message(connection: &mut Connection, dialog: &str, sequence: u64) -> Result<Value> {
    let body = frames::subscribe_body(dialog, sequence);
    connection.request(types::SUBSCRIBE_MESSAGING_EVENTS, Some(&body))?;
    let missing = || {
        fail(
            Exit::DataErr,
            format!("there is no message #{sequence} in dialog {dialog}"),
        )
    };
    let deadline = Instant::now() + connection.timeout();
    let found = connection.find(deadline, |notification| {
        if notification.notification_type != types::MESSAGING_EVENT_NOTIFICATION {
            return Ok(None);
        }
        for change in frames::changes(notification.body)? {
            match frames::change_meta(change, false)?.sequence {
                Some(found) if found == sequence => {
                    return serde_json::from_str(change.get())
                        .map(Some)
                        .map_err(|_| fail(Exit::Protocol, "the message is not JSON"));
                }
                // Sequences come in order: a later one means no N.
                Some(found) if found > sequence => return Err(missing()),
                _ => {}
            }
        }
        Ok(None)
    })?;
    match found {
        Found::It(message) => Ok(message),
        Found::Deadline => Err(missing()),
        Found::Closed => Err(fail(
            Exit::TempFail,
            "the server closed the connection before sending the message",
        )),
    }
}
