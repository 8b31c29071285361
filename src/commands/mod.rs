//! One file per subcommand. Each takes the checked configuration and the
//! output, and returns an error that `exit` turns into a code.

pub(crate) mod ack;
pub(crate) mod chat;
pub(crate) mod click;
pub(crate) mod close;
pub(crate) mod conversations;
pub(crate) mod create;
pub(crate) mod domains;
pub(crate) mod jwt_sub;
pub(crate) mod login;
pub(crate) mod send;
pub(crate) mod subscribe;

use anyhow::Result;

use crate::connection::Reply;
use crate::jsonscan::compact;
use crate::output::Output;

/// Prints a response body as one line: an object as it is, anything else
/// (a string such as "OK Conversation resolved successfully", or nothing)
/// wrapped as `{"code":..,"body":..}` so that every line is an object.
fn print_reply(out: &mut Output, reply: &Reply) -> Result<()> {
    match &reply.body {
        Some(body) if body.get().starts_with('{') => out.raw_line(&compact(body.get()))?,
        body => out.line(&serde_json::json!({"code": reply.code, "body": body}))?,
    }
    out.flush()?;
    Ok(())
}
