//! `close CONV`: cm.UpdateConversationField with ConversationStateField CLOSE.

use anyhow::Result;

use crate::cli::CloseArgs;
use crate::config::ConnectionConfig;
use crate::connection::Connection;
use crate::frames::{close_body, types};
use crate::output::Output;

pub(crate) fn run(args: &CloseArgs, config: &ConnectionConfig, out: &mut Output) -> Result<()> {
    let mut connection = Connection::open(config)?;
    let reply = connection.request(
        types::UPDATE_CONVERSATION_FIELD,
        Some(&close_body(&args.conversation)),
    )?;
    super::print_reply(out, &reply)?;
    connection.finish();
    Ok(())
}
