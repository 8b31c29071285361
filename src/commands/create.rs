//! `create`: cm.ConsumerRequestConversation, with the optional body fields
//! LivePerson documents for routing.

use anyhow::Result;
use serde_json::{Map, Value};

use crate::cli::CreateArgs;
use crate::config::ConnectionConfig;
use crate::connection::Connection;
use crate::exit::{Exit, fail};
use crate::frames::types;
use crate::output::Output;

pub(crate) fn run(args: &CreateArgs, config: &ConnectionConfig, out: &mut Output) -> Result<()> {
    let body = request_body(args)?;
    let mut connection = Connection::open(config)?;
    if args.reuse
        && let Some(open) = super::conversations::snapshot(&mut connection, &["OPEN"])?
            .into_iter()
            .find(|conversation| !conversation.closed())
    {
        out.line(&serde_json::json!({"conversationId": open.conversation_id, "reused": true}))?;
        out.flush()?;
    } else {
        let reply = connection.request(types::REQUEST_CONVERSATION, body.as_ref())?;
        super::print_reply(out, &reply)?;
    }
    connection.finish();
    Ok(())
}

/// The request body, or none when no routing flag is given (the documented
/// minimal request has no body).
fn request_body(args: &CreateArgs) -> Result<Option<Value>> {
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
