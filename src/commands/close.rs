//! `close CONV`: cm.UpdateConversationField with ConversationStateField CLOSE.
//! A conversation that is already closed is not a failure: cleanup traps
//! run `close` whatever happened before.

use anyhow::Result;
use serde_json::json;

use crate::cli::CloseArgs;
use crate::config::ConnectionConfig;
use crate::exit::{self, Exit, Outcome};
use crate::frames::{close_body, types};
use crate::output::Output;
use crate::relink::Relink;

pub(crate) fn run(args: &CloseArgs, config: &ConnectionConfig, out: &mut Output) -> Result<()> {
    let mut connection = Relink::connect(config)?;
    match connection.request(
        types::UPDATE_CONVERSATION_FIELD,
        Some(&close_body(&args.conversation)),
    ) {
        Ok(reply) => super::print_reply(out, &reply)?,
        Err(err) if matches!(exit::classify(&err), Outcome::Fail(Exit::Refused)) => {
            // The refusal does not say why in a documented way; the
            // conversation list does. Without the list, the refusal is
            // what is known.
            let Ok(listed) = super::conversations::snapshot(&mut connection, &["CLOSE"]) else {
                return Err(err);
            };
            let closed = listed.iter().any(|conversation| {
                conversation.conversation_id == args.conversation && conversation.closed()
            });
            if !closed {
                return Err(err);
            }
            out.line(&json!({"conversationId": args.conversation, "alreadyClosed": true}))?;
            out.flush()?;
        }
        Err(err) => {
            return Err(exit::unanswered(
                err,
                "the close",
                &format!(
                    "the conversation may be closed (`lp-consumer close {}` again says so: \
                     \"alreadyClosed\":true)",
                    args.conversation
                ),
            ));
        }
    }
    connection.finish();
    Ok(())
}
