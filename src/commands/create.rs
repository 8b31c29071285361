//! `create`: cm.ConsumerRequestConversation, with the optional body fields
//! LivePerson documents for routing.

use anyhow::Result;
use serde_json::{Map, Value};

use crate::cli::CreateArgs;
use crate::config::ConnectionConfig;
use crate::connection::Connection;
use crate::exit::{self, Exit, Outcome, fail};
use crate::frames::{self, types};
use crate::output::Output;
use crate::relink::Relink;
use crate::session::Reply;
use crate::when::now_ms;

pub(crate) fn run(args: &CreateArgs, config: &ConnectionConfig, out: &mut Output) -> Result<()> {
    let body = request_body(args)?;
    let mut connection = Relink::connect(config)?;
    let opened = match reused(&mut connection, args)? {
        Some(reused) => reused,
        None => request(&mut connection, body.as_ref(), true).map_err(|err| {
            exit::unanswered(
                err,
                "the conversation request",
                "a conversation may be open (`lp-consumer conversations` lists it, \
                 `lp-consumer close CONV` ends it)",
            )
        })?,
    };
    opened.print(out)?;
    connection.finish();
    Ok(())
}

/// The conversation `create`'s flags stand for.
pub(crate) enum Opened {
    /// This consumer's open conversation (`--reuse`).
    Reused(String),
    /// A new one, as the service answered.
    Requested(Reply),
    /// A new one whose answer was lost with its connection, found open
    /// on the next.
    Found(String),
}

/// How long before a lost request an open conversation may have started
/// and still be taken for the one it asked for: the service's clock and
/// ours differ by a little.
const CLOCK_SKEW_MS: i64 = 60_000;

impl Opened {
    /// The line `create` prints (and `chat`, first, in JSON): the
    /// service's answer, or the conversation reused.
    pub(crate) fn print(&self, out: &mut Output) -> Result<()> {
        match self {
            Opened::Reused(id) => {
                out.line(&serde_json::json!({"conversationId": id, "reused": true}))?;
                out.flush()
            }
            Opened::Requested(reply) => super::print_reply(out, reply),
            // As the lost answer would have said it.
            Opened::Found(id) => {
                out.line(&serde_json::json!({"conversationId": id}))?;
                out.flush()
            }
        }
    }

    /// True for a conversation this run asked for (not `--reuse`'s).
    pub(crate) fn is_new(&self) -> bool {
        !matches!(self, Opened::Reused(_))
    }

    pub(crate) fn id(&self) -> Result<String> {
        match self {
            Opened::Reused(id) | Opened::Found(id) => Ok(id.clone()),
            Opened::Requested(reply) => frames::body_member(
                reply.body.as_deref(),
                "conversationId",
            )
            .and_then(|id| id.as_str().map(str::to_owned))
            .ok_or_else(|| {
                fail(
                    Exit::Protocol,
                    "the service answered the conversation request without a conversationId",
                )
            }),
        }
    }
}

/// With `--reuse`, the open conversation if there is one; else a new one
/// (requested with `body`); `reusable` when the command takes `--reuse`.
pub(crate) fn open(
    connection: &mut Connection,
    args: &CreateArgs,
    body: Option<&Value>,
    reusable: bool,
) -> Result<Opened> {
    match reused(connection, args)? {
        Some(reused) => Ok(reused),
        None => request(connection, body, reusable),
    }
}

/// With `--reuse`, the consumer's open conversation, if it has one.
fn reused(connection: &mut Connection, args: &CreateArgs) -> Result<Option<Opened>> {
    if !args.reuse {
        return Ok(None);
    }
    let open = super::conversations::snapshot(connection, &["OPEN"])?
        .into_iter()
        .find(|conversation| !conversation.closed());
    Ok(open.map(|open| Opened::Reused(open.conversation_id)))
}

/// A new conversation, requested with `body`. A refusal names the
/// consumer's open conversation if it has one, and `--reuse` where the
/// command takes it (`reusable`).
fn request(connection: &mut Connection, body: Option<&Value>, reusable: bool) -> Result<Opened> {
    match connection.request(types::REQUEST_CONVERSATION, body) {
        Ok(reply) => Ok(Opened::Requested(reply)),
        // LivePerson does not document its answer to a second
        // conversation; one at a time per consumer is the rule.
        Err(err) if matches!(exit::classify(&err), Outcome::Fail(Exit::Refused)) => {
            let reuse = if reusable { "--reuse takes it, " } else { "" };
            let open = super::conversations::snapshot(connection, &["OPEN"])
                .ok()
                .and_then(|listed| listed.into_iter().find(|c| !c.closed()));
            let advice = match open {
                Some(open) => format!(
                    " (this consumer's conversation {id} is open, and a consumer has one at a \
                     time: {reuse}`lp-consumer close {id}` ends it)",
                    id = open.conversation_id
                ),
                None => format!(
                    " (a consumer has one open conversation at a time: {reuse}`lp-consumer \
                     close CONV` ends it)"
                ),
            };
            Err(exit::amended(err, &advice))
        }
        Err(err) => Err(err),
    }
}

/// `open` on `connection`, which holds on through `relink`'s connections:
/// a refused token is renewed and, with `--reconnect`, a link that fails
/// is replaced. When the request's answer was lost with its link, the
/// request is not sent again blindly: LivePerson keeps one open
/// conversation per consumer, so an open one that started since the
/// request went out is the one it asked for. Otherwise the request goes
/// again (and is refused, with advice, if an older conversation is open).
/// When the link cannot be had again, the error says that the conversation
/// may be open, followed by `advice` on finding it; `reusable` as `open`.
pub(crate) fn open_resuming(
    relink: &mut Relink,
    connection: &mut Connection,
    args: &CreateArgs,
    body: Option<&Value>,
    reusable: bool,
    advice: &str,
) -> Result<Opened> {
    let asked_ms = now_ms();
    let mut answer_lost = false;
    loop {
        let attempt = if answer_lost && !args.reuse {
            opened_since(connection, asked_ms - CLOCK_SKEW_MS).and_then(|found| match found {
                Some(id) => Ok(Opened::Found(id)),
                None => open(connection, args, body, reusable),
            })
        } else {
            open(connection, args, body, reusable)
        };
        let err = match attempt {
            Ok(opened) => return Ok(opened),
            Err(err) if exit::link_error(&err).is_some() => err,
            Err(err) => return Err(err),
        };
        // A refusal is an answer (not done); no answer, it may have been.
        answer_lost |= !exit::answered(&err);
        *connection = relink.reopen(err, false).map_err(|err| {
            if answer_lost {
                exit::amended(
                    err,
                    &format!(
                        " (the conversation request's answer was lost: the conversation may be \
                         open{advice})"
                    ),
                )
            } else {
                err
            }
        })?;
        relink.say_reconnected(
            connection.host(),
            "asking whether the conversation was opened",
        );
    }
}

/// The consumer's open conversation that started at `since_ms` or later
/// by the service's clock, if any.
fn opened_since(connection: &mut Connection, since_ms: i64) -> Result<Option<String>> {
    Ok(super::conversations::snapshot(connection, &["OPEN"])?
        .into_iter()
        .find(|conversation| {
            !conversation.closed() && conversation.start_ts.is_some_and(|start| start >= since_ms)
        })
        .map(|conversation| conversation.conversation_id))
}

/// The request body, or none when no routing flag is given (the documented
/// minimal request has no body).
pub(crate) fn request_body(args: &CreateArgs) -> Result<Option<Value>> {
    let mut body = Map::new();
    if let Some(brand) = &args.brand {
        body.insert("brandId".into(), brand.as_str().into());
    }
    if let Some(skill) = &args.skill {
        body.insert("skillId".into(), skill.as_str().into());
    }
    if let (Some(campaign), Some(engagement)) = (&args.campaign, &args.engagement) {
        body.insert(
            "campaignInfo".into(),
            serde_json::json!({"campaignId": campaign, "engagementId": engagement}),
        );
    }
    if let Some(context) = &args.context {
        let value: Value = serde_json::from_str(context)
            .map_err(|err| fail(Exit::DataErr, format!("--context is not JSON: {err}")))?;
        if !value.is_object() {
            return Err(fail(Exit::DataErr, "--context must be a JSON object"));
        }
        body.insert("conversationContext".into(), value);
    }
    Ok((!body.is_empty()).then_some(Value::Object(body)))
}
