//! The IdP: consumer tokens for an account. `signup` makes a new
//! unauthenticated consumer each time (for demos); `authenticate` turns the
//! brand's external JWT (the authCode) into a token for the consumer that
//! identity maps to, the same one every time.

use anyhow::Result;
use serde::Deserialize;
use serde_json::Value;

use crate::exit::{Exit, fail, http_status_exit, status_failure};
use crate::http::Network;
use crate::http::{self, Reply, Request, Site};
use crate::jwt;
use crate::sanitise;
use crate::secret::Secret;
use crate::token::Token;

/// LivePerson's code for an authCode it does not accept (developer-center
/// issue 198): usually a public key that does not match the brand's
/// signing key. The list of these codes is not public.
const CUSTOMER_JWT_NOT_VALID: &str = "9007";

#[derive(Deserialize)]
struct Answer {
    jwt: String,
}

/// Signs up (no authCode) or authenticates, and returns the token.
pub(crate) fn login(
    net: &Network,
    site: &Site,
    account: &str,
    auth_code: Option<&Secret>,
) -> Result<Token> {
    let (path, body, what) = match auth_code {
        None => (format!("/api/account/{account}/signup"), None, "signup"),
        Some(code) => (
            format!("/api/account/{account}/authenticate"),
            Some(serde_json::json!({"authCode": code.expose()}).to_string()),
            "authCode",
        ),
    };
    let reply = http::send(net, site, &path, Request::Post(body.as_deref()))
        .map_err(|err| err.context(format!("IdP {site}")))?;
    if !(200..300).contains(&reply.status) {
        return Err(refusal(site, what, &reply));
    }
    let answer: Answer = serde_json::from_slice(&reply.body).map_err(|_| {
        fail(
            Exit::Protocol,
            format!("IdP {site} did not answer with a {{\"jwt\":...}} object"),
        )
    })?;
    let claims = jwt::decode(&answer.jwt).map_err(|err| {
        fail(
            Exit::Protocol,
            format!("IdP {site} answered with a token that is not a JWT: {err}"),
        )
    })?;
    Ok(Token {
        secret: Secret::new(answer.jwt),
        claims,
    })
}

/// An answer outside 2xx: 401/403 and 9007 are refusals of the credentials
/// (77), 429 and 5xx worth a retry (75), any other 4xx a refused request (1).
/// The IdP's own `message`, if any, ends the line.
fn refusal(site: &Site, what: &str, reply: &Reply) -> anyhow::Error {
    let code = internal_error_code(&reply.body);
    let (exit, mut detail) = match code.as_deref() {
        Some(CUSTOMER_JWT_NOT_VALID) if what == "signup" => (
            Exit::NoPerm,
            ", internalErrorCode 9007 (CUSTOMER_JWT_NOT_VALID, though no JWT was sent: the \
             account may not let consumers sign up unauthenticated; log in with \
             --auth-code-file)"
                .to_owned(),
        ),
        Some(CUSTOMER_JWT_NOT_VALID) => (
            Exit::NoPerm,
            ", internalErrorCode 9007 (CUSTOMER_JWT_NOT_VALID: the brand's JWT was not accepted; \
             check that the account's authentication connector holds the public key of the key \
             that signs it)"
                .to_owned(),
        ),
        Some(code) => (
            http_status_exit(reply.status),
            format!(", internalErrorCode {code}{}", advice(reply.status, what)),
        ),
        None => (
            http_status_exit(reply.status),
            advice(reply.status, what).to_owned(),
        ),
    };
    if let Some(message) = message(&reply.body) {
        detail = format!("{detail}; it says: {}", sanitise::line(&message));
    }
    status_failure(
        exit,
        reply.status,
        format!(
            "IdP {site} refused the {what}: HTTP {}{detail}",
            reply.status
        ),
    )
}

/// What to do about a refusal, by status.
fn advice(status: u16, what: &str) -> &'static str {
    match (status, what) {
        (401 | 403, "signup") => {
            " (the account does not sign up unauthenticated consumers for this client: check \
             LP_ACCOUNT, or authenticate with --auth-code-file)"
        }
        (401 | 403, _) => {
            " (the brand's JWT was refused: check that it has not expired and that the \
             account's authentication connector holds the public key of the key that signs it)"
        }
        (404, _) => " (no such account at this IdP: check LP_ACCOUNT and --idp/LP_IDP)",
        (429, _) => " (too many requests: wait a minute, then try again)",
        (500..=599, _) => " (the IdP failed: try again later)",
        _ => "",
    }
}

/// LivePerson's `internalErrorCode`, a string or a number, when the body
/// has one.
fn internal_error_code(body: &[u8]) -> Option<String> {
    let value: Value = serde_json::from_slice(body).ok()?;
    match value.get("internalErrorCode")? {
        Value::String(code) => Some(code.clone()),
        Value::Number(code) => Some(code.to_string()),
        _ => None,
    }
}

/// The IdP's `message` (its words on a refusal), cut to a line's worth.
fn message(body: &[u8]) -> Option<String> {
    const MOST: usize = 300;
    let value: Value = serde_json::from_slice(body).ok()?;
    let message = value.get("message")?.as_str()?.trim();
    if message.is_empty() {
        return None;
    }
    Some(match message.char_indices().nth(MOST) {
        Some((end, _)) => format!("{}...", &message[..end]),
        None => message.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_error_codes_as_string_or_number() {
        assert_eq!(
            internal_error_code(br#"{"internalErrorCode":"9007"}"#).as_deref(),
            Some("9007")
        );
        assert_eq!(
            internal_error_code(br#"{"internalErrorCode":42}"#).as_deref(),
            Some("42")
        );
        assert_eq!(internal_error_code(b"<html>"), None);
    }
}
