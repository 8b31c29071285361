//! The consumer token: decoded (its claims), kept secret, and judged by its
//! `exp`.

use anyhow::Result;

use crate::exit::{Exit, fail};
use crate::jwt::{self, Claims};
use crate::secret::Secret;
use crate::when;

/// Where the token came from, for messages that must not show the token.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TokenSource {
    Flag,
    File,
    Command,
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) secret: Secret,
    pub(crate) claims: Claims,
}

/// Decodes a token; `source` names where it came from in the error.
pub(crate) fn decode_token(text: &str, source: TokenSource) -> Result<Token> {
    let text = text.trim().to_owned();
    let claims = jwt::decode(&text).map_err(|err| {
        let origin = match source {
            TokenSource::Flag => "the JWT from --jwt/LP_JWT",
            TokenSource::File => "the JWT from --jwt-file",
            TokenSource::Command => "the JWT printed by --jwt-command",
        };
        fail(Exit::DataErr, format!("{origin} is not valid: {err}"))
    })?;
    Ok(Token {
        secret: Secret::new(text),
        claims,
    })
}

/// What to say about an expired token, if it is: when, and how long ago.
pub(crate) fn expiry_problem(claims: &Claims) -> Option<String> {
    let now = when::now_secs();
    claims.expired_at(now).then(|| {
        let exp = claims.exp().unwrap_or_default() as i64;
        format!(
            "the JWT expired on {} ({} ago); get a fresh token",
            when::utc(exp),
            when::span(now.saturating_sub(exp.max(0) as u64))
        )
    })
}
