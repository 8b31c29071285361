//! `close CONV`: cm.UpdateConversationField with ConversationStateField CLOSE.

use anyhow::Result;

use crate::cli::CloseArgs;
use crate::config::ConnectionConfig;
use crate::frames::{close_body, types};
use crate::output::Output;
use crate::relink::Relink;

pub(crate) fn run(args: &CloseArgs, config: &ConnectionConfig, out: &mut Output) -> Result<()> {
    let mut connection = Relink::connect(config)?;
    let reply = connection.request(
        types::UPDATE_CONVERSATION_FIELD,
        Some(&close_body(&args.conversation)),
    )?;
    super::print_reply(out, &reply)?;
    connection.finish();
    Ok(())
}
