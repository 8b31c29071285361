//! Reading the claims of a consumer JWT. The signature is never checked: the
//! client only needs `sub` (the consumerId) and `exp`, and the service is the
//! one that verifies the token.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, general_purpose};
use serde_json::{Map, Value};

/// Why a token could not be read. The messages name the part that is wrong and
/// never contain any of the token itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum JwtError {
    Empty,
    /// The token behind an Authorization header's scheme (`Bearer`, `jwt`):
    /// the scheme as it was written.
    SchemePrefix(String),
    NotThreeParts(usize),
    /// The header is not base64 of a JSON object: not a JWT (a JSON
    /// object pasted whole, say).
    BadHeader,
    /// The signature has characters base64 does not.
    BadSignature,
    PayloadNotBase64,
    PayloadNotJson,
    PayloadNotObject,
    NoSub,
}

impl fmt::Display for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JwtError::Empty => write!(f, "the token is empty"),
            JwtError::SchemePrefix(scheme) => write!(
                f,
                "it starts with \"{scheme} \", an Authorization header's scheme: give the token \
                 alone (lp-consumer sends the header)"
            ),
            JwtError::NotThreeParts(n) => write!(
                f,
                "the token has {n} dot-separated part{}, a JWT has 3 (header.payload.signature)",
                if *n == 1 { "" } else { "s" }
            ),
            JwtError::BadHeader => write!(
                f,
                "the header (first part) is not base64 JSON: is it the whole token, not a JSON object or line that holds it?"
            ),
            JwtError::BadSignature => {
                write!(
                    f,
                    "the signature (third part) has characters base64 has not"
                )
            }
            JwtError::PayloadNotBase64 => write!(f, "the payload (second part) is not base64"),
            JwtError::PayloadNotJson => write!(f, "the payload (second part) is not JSON"),
            JwtError::PayloadNotObject => {
                write!(f, "the payload (second part) is not a JSON object")
            }
            JwtError::NoSub => write!(f, "the payload has no \"sub\" claim, or an empty one"),
        }
    }
}

impl std::error::Error for JwtError {}

/// The claims of a token, with `sub` checked to be a string.
#[derive(Debug, Clone)]
pub(crate) struct Claims {
    claims: Map<String, Value>,
}

impl Claims {
    pub(crate) fn sub(&self) -> &str {
        self.claims
            .get("sub")
            .and_then(Value::as_str)
            .expect("checked in decode")
    }

    /// The `exp` claim in seconds since the epoch, when present and numeric.
    pub(crate) fn exp(&self) -> Option<f64> {
        self.claims.get("exp").and_then(Value::as_f64)
    }

    /// True when `exp` is present and not after `now` (seconds since the epoch).
    pub(crate) fn expired_at(&self, now: u64) -> bool {
        self.expires_within(now, 0)
    }

    /// True when `exp` is present and at most `secs` after `now`.
    pub(crate) fn expires_within(&self, now: u64, secs: u64) -> bool {
        self.exp()
            .is_some_and(|exp| exp <= now.saturating_add(secs) as f64)
    }

    pub(crate) fn as_map(&self) -> &Map<String, Value> {
        &self.claims
    }
}

const LENIENT: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const URL_SAFE_LENIENT: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, LENIENT);
const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, LENIENT);

/// Decodes base64url with or without padding, and also standard base64, since
/// tokens pasted from other tools sometimes use it.
fn decode_base64_any(part: &str) -> Option<Vec<u8>> {
    URL_SAFE_LENIENT
        .decode(part)
        .or_else(|_| STANDARD_LENIENT.decode(part))
        .ok()
}

/// Reads the claims of `token` (surrounding white space is ignored).
pub(crate) fn decode(token: &str) -> Result<Claims, JwtError> {
    let token = token.trim();
    if token.is_empty() {
        return Err(JwtError::Empty);
    }
    if let Some((scheme, _)) = token.split_once(char::is_whitespace)
        && ["bearer", "jwt"].contains(&scheme.to_ascii_lowercase().as_str())
    {
        return Err(JwtError::SchemePrefix(scheme.to_owned()));
    }
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 {
        return Err(JwtError::NotThreeParts(parts.len()));
    }
    let header = decode_base64_any(parts[0]).ok_or(JwtError::BadHeader)?;
    if serde_json::from_slice::<Map<String, Value>>(&header).is_err() {
        return Err(JwtError::BadHeader);
    }
    // An unsigned token ("alg":"none") has an empty signature.
    let base64 = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '/' | '=');
    if !parts[2].chars().all(base64) {
        return Err(JwtError::BadSignature);
    }
    let payload = decode_base64_any(parts[1]).ok_or(JwtError::PayloadNotBase64)?;
    let value: Value = serde_json::from_slice(&payload).map_err(|_| JwtError::PayloadNotJson)?;
    let Value::Object(claims) = value else {
        return Err(JwtError::PayloadNotObject);
    };
    if claims
        .get("sub")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        return Err(JwtError::NoSub);
    }
    Ok(Claims { claims })
}

/// Builds an unsigned-looking token around `claims`, for the local stand-in
/// and for tests: header and payload are base64url without padding, the
/// signature is a fixed placeholder (the stand-in does not check it).
pub fn encode_unsigned(claims: &Value) -> String {
    let engine = general_purpose::URL_SAFE_NO_PAD;
    let header = engine.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
    let payload = engine.encode(claims.to_string());
    let signature = engine.encode(b"lp-mock-signature-not-checked");
    format!("{header}.{payload}.{signature}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::engine::general_purpose::{STANDARD, URL_SAFE};
    use serde_json::json;

    #[test]
    fn decodes_url_safe_without_padding() {
        let token = encode_unsigned(&json!({"sub": "abc?>~", "exp": 1}));
        let claims = decode(&token).unwrap();
        assert_eq!(claims.sub(), "abc?>~");
        assert!(claims.expired_at(2));
        assert!(!claims.expired_at(0));
        assert!(claims.expires_within(0, 1));
        assert!(!claims.expires_within(0, 0));
    }

    #[test]
    fn decodes_standard_base64_with_padding() {
        let header = STANDARD.encode(r#"{"alg":"none"}"#);
        let payload = STANDARD.encode(r#"{"sub":"x","k":"???>>>"}"#);
        let token = format!("{header}.{payload}.c+/=");
        assert_eq!(decode(&token).unwrap().sub(), "x");
        let payload = URL_SAFE.encode(r#"{"sub":"y","k":"???>>>"}"#);
        assert_eq!(decode(&format!("{header}.{payload}.")).unwrap().sub(), "y");
    }

    #[test]
    fn names_the_wrong_part() {
        let part = |text: &str| general_purpose::URL_SAFE_NO_PAD.encode(text);
        let header = part(r#"{"alg":"RS256"}"#);
        let with = |payload: &str| decode(&format!("{header}.{}.c", part(payload)));
        assert_eq!(decode("  ").unwrap_err(), JwtError::Empty);
        assert_eq!(decode("a.b").unwrap_err(), JwtError::NotThreeParts(2));
        // The header's value pasted whole.
        let token = format!("{header}.{}.c", part(r#"{"sub":"x"}"#));
        for (pasted, scheme) in [("Bearer ", "Bearer"), ("jwt\t", "jwt"), ("JWT  ", "JWT")] {
            assert_eq!(
                decode(&format!("{pasted}{token}")).unwrap_err(),
                JwtError::SchemePrefix(scheme.to_owned())
            );
        }
        assert_eq!(
            decode(&format!("{header}.!!.c")).unwrap_err(),
            JwtError::PayloadNotBase64
        );
        assert_eq!(with("nope").unwrap_err(), JwtError::PayloadNotJson);
        assert_eq!(with("[1]").unwrap_err(), JwtError::PayloadNotObject);
        assert_eq!(with(r#"{"sub":1}"#).unwrap_err(), JwtError::NoSub);
        assert_eq!(with(r#"{"sub":""}"#).unwrap_err(), JwtError::NoSub);
        // Not a JWT at all: the JSON `login` prints, or garbage around one.
        let payload = part(r#"{"sub":"x"}"#);
        let token = format!("{header}.{payload}.c");
        let printed = format!(r#"{{"jwt":"{token}","sub":"x"}}"#);
        assert_eq!(decode(&printed).unwrap_err(), JwtError::BadHeader);
        assert_eq!(
            decode(&format!("!!!.{payload}.c")).unwrap_err(),
            JwtError::BadHeader
        );
        assert_eq!(
            decode(&format!("{header}.{payload}.@@@")).unwrap_err(),
            JwtError::BadSignature
        );
    }
}
