//! `conversations`: the consumer's conversations, from the snapshot that
//! follows cqm.SubscribeExConversations; then unsubscribe and exit.

use std::time::Instant;

use anyhow::Result;

use crate::cli::{ConversationsArgs, Stage};
use crate::config::ConnectionConfig;
use crate::connection::{Connection, Found};
use crate::exit::{Exit, fail};
use crate::frames::{self, ConversationChange, types};
use crate::output::Output;
use crate::relink::Relink;

pub(crate) fn run(
    args: &ConversationsArgs,
    config: &ConnectionConfig,
    out: &mut Output,
) -> Result<()> {
    let states: &[&str] = match (args.all, args.stage) {
        (false, None | Some(Stage::Open)) => &["OPEN"],
        _ => &["OPEN", "CLOSE"],
    };
    let mut connection = Relink::connect(config)?;
    for conversation in snapshot(&mut connection, states)? {
        // The service's convState filter is not trusted: some list closed
        // conversations whatever it asks.
        let wanted = match (args.stage, args.all) {
            (None, true) => true,
            (None, false) | (Some(Stage::Open), _) => !conversation.closed(),
            (Some(Stage::Close), _) => conversation.closed(),
        };
        if wanted {
            out.line(&conversation.summary())?;
        }
    }
    out.flush()?;
    connection.finish();
    Ok(())
}

/// Subscribes to the conversation metadata, takes the first snapshot it
/// sends (changes:[] when there is none), and unsubscribes.
pub(crate) fn snapshot(
    connection: &mut Connection,
    states: &[&str],
) -> Result<Vec<ConversationChange>> {
    let body = frames::conversations_body(states);
    let reply = connection.request(types::SUBSCRIBE_EX_CONVERSATIONS, Some(&body))?;
    let subscription = frames::body_member(reply.body.as_deref(), "subscriptionId")
        .and_then(|id| id.as_str().map(str::to_owned));
    let deadline = Instant::now() + connection.timeout();
    let found = connection.find(deadline, |n| {
        if !types::is_conversation_change(&n.notification_type) {
            return Ok(None);
        }
        frames::changes(n.body)?
            .into_iter()
            .map(frames::conversation_change)
            .collect::<Result<Vec<_>>>()
            .map(Some)
    })?;
    let Found::It(conversations) = found else {
        return Err(fail(
            Exit::TempFail,
            "the server sent no conversation list after cqm.SubscribeExConversations",
        ));
    };
    if let Some(subscription) = subscription {
        let body = serde_json::json!({"subscriptionId": subscription});
        connection.request(types::UNSUBSCRIBE_EX_CONVERSATIONS, Some(&body))?;
    }
    Ok(conversations)
}
