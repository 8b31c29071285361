//! One file per subcommand. Each takes the checked configuration and the
//! output, and returns an error that `exit` turns into a code. Here, what
//! turns a checked configuration into a connection's: the CSDS lookup and
//! the `--jwt-command` run.

pub(crate) mod ack;
pub(crate) mod chat;
pub(crate) mod click;
pub(crate) mod close;
pub(crate) mod conversations;
pub(crate) mod create;
pub(crate) mod domains;
pub(crate) mod jwt_sub;
pub(crate) mod login;
mod read_back;
pub(crate) mod send;
pub(crate) mod subscribe;
pub(crate) mod test;

use anyhow::Result;

use crate::config::{self, ConnectionConfig, Credentials, ServiceConfig, Target};
use crate::credentials::JwtCommand;
use crate::csds;
use crate::exit::{Exit, fail};
use crate::jsonscan::compact;
use crate::output::Output;
use crate::secret;
use crate::session::Reply;
use crate::token::{Token, expiry_problem};
use crate::when::now_secs;

/// A token this close to its end is swapped for `--jwt-command`'s before
/// connecting.
const RENEW_WITHIN_SECS: u64 = 60;

/// What one read of the socket asks for, for a stream of events: the
/// WebSocket library's own default.
const BULK_READ_BUFFER_BYTES: usize = 128 * 1024;

/// What a connection is opened with: the endpoint, from CSDS when only the
/// account is known, and a token good for a while.
pub(crate) fn connection(service: ServiceConfig) -> Result<ConnectionConfig> {
    let ServiceConfig {
        target,
        credentials,
        client_properties,
        network,
        keepalive,
        max_frame_bytes,
    } = service;
    let endpoint = match target {
        Target::Endpoint(endpoint) => endpoint,
        Target::Lookup { account, csds } => {
            let host = csds.service_host(&network, &account, csds::MESSAGING)?;
            config::messaging_endpoint(&host, &account, !csds.plain(), "CSDS's asyncMessagingEnt")?
        }
    };
    let (token, jwt_command) = match credentials {
        Credentials::Given(token, command) => (current(token, command.as_ref())?, command),
        Credentials::Command(command) => (command.fetch()?, Some(command)),
    };
    let proxy = network.proxy_for(&endpoint.host, endpoint.tls)?;
    if !endpoint.tls {
        secret::warn_if_plain("the token", "ws", &endpoint.host);
    }
    Ok(ConnectionConfig {
        endpoint,
        proxy,
        client_properties,
        token,
        jwt_command,
        network,
        keepalive,
        max_frame_bytes,
        read_buffer_bytes: BULK_READ_BUFFER_BYTES,
    })
}

/// The token as given, else `--jwt-command`'s.
pub(crate) fn token(credentials: &Credentials) -> Result<Token> {
    match credentials {
        Credentials::Given(token, _) => Ok(token.clone()),
        Credentials::Command(command) => command.fetch(),
    }
}

/// A given token, or `--jwt-command`'s for the same consumer when the
/// given one is about to expire (it would be refused soon). A token the
/// command has just printed is used as it is, however short its life.
fn current(token: Token, jwt_command: Option<&JwtCommand>) -> Result<Token> {
    match jwt_command {
        Some(command) if token.claims.expires_within(now_secs(), RENEW_WITHIN_SECS) => {
            command.renew(&token)
        }
        _ => match expiry_problem(&token.claims) {
            Some(problem) => Err(fail(Exit::NoPerm, problem)),
            None => Ok(token),
        },
    }
}

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
