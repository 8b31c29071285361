//! `ack CONV --seq N...`: an AcceptStatusEvent (READ or ACCEPT) for the
//! given sequences, so agents see their messages as read.

use anyhow::Result;

use crate::cli::AckArgs;
use crate::config::ConnectionConfig;
use crate::exit;
use crate::frames::{accept_status_body, types};
use crate::output::Output;
use crate::relink::Relink;

pub(crate) fn run(args: &AckArgs, config: &ConnectionConfig, out: &mut Output) -> Result<()> {
    let body = accept_status_body(&args.conversation, args.status.wire_name(), &args.sequences);
    let mut connection = Relink::connect(config)?;
    let reply = connection
        .request(types::PUBLISH_EVENT, Some(&body))
        .map_err(|err| {
            exit::unanswered(
                err,
                "the receipt",
                "the conversation may have it (sending it again is harmless)",
            )
        })?;
    super::print_reply(out, &reply)?;
    connection.finish();
    Ok(())
}
