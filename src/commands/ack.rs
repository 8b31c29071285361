//! `ack CONV --seq N...`: an AcceptStatusEvent (READ or ACCEPT) for the
//! given sequences, so agents see their messages as read.

use anyhow::Result;

use crate::cli::AckArgs;
use crate::config::ConnectionConfig;
use crate::connection::Connection;
use crate::frames::{accept_status_body, types};
use crate::output::Output;

pub(crate) fn run(args: &AckArgs, config: &ConnectionConfig, out: &mut Output) -> Result<()> {
    let body = accept_status_body(&args.conversation, args.status.wire_name(), &args.sequences);
    let mut connection = Connection::open(config)?;
    let reply = connection.request(types::PUBLISH_EVENT, Some(&body))?;
    super::print_reply(out, &reply)?;
    connection.finish();
    Ok(())
}
