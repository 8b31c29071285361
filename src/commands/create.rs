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

pub(crate) fn run(args: &CreateArgs, config: &ConnectionConfig, out: &mut Output) -> Result<()> {
    let body = request_body(args)?;
    let mut connection = Relink::connect(config)?;
    open(&mut connection, args, body.as_ref())?.print(out)?;
    connection.finish();
    Ok(())
}

/// The conversation `create`'s flags stand for.
pub(crate) enum Opened {
    /// This consumer's open conversation (`--reuse`).
    Reused(String),
    /// A new one, as the service answered.
    Requested(Reply),
}

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
        }
    }

    pub(crate) fn id(&self) -> Result<String> {
        match self {
            Opened::Reused(id) => Ok(id.clone()),
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
/// (requested with `body`).
pub(crate) fn open(
    connection: &mut Connection,
    args: &CreateArgs,
    body: Option<&Value>,
) -> Result<Opened> {
    if args.reuse
        && let Some(open) = super::conversations::snapshot(connection, &["OPEN"])?
            .into_iter()
            .find(|conversation| !conversation.closed())
    {
        return Ok(Opened::Reused(open.conversation_id));
    }
    let reply = connection
        .request(types::REQUEST_CONVERSATION, body)
        .map_err(|err| match exit::classify(&err) {
            // LivePerson does not document its answer to a second
            // conversation; one at a time per consumer is the rule.
            Outcome::Fail(Exit::Refused) => exit::amended(
                err,
                " (a consumer has one open conversation at a time: --reuse takes it, \
                 `lp-consumer close CONV` ends it)",
            ),
            _ => err,
        })?;
    Ok(Opened::Requested(reply))
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
