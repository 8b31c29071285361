//! Turns the raw flags (and their env fallbacks) into a checked configuration
//! before any network I/O: every "what is missing or wrong" error comes from here.

use std::fs;
use std::io::{self, Read};
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Result;
use tungstenite::http::Uri;

use crate::cli::GlobalArgs;
use crate::exit::{Exit, fail, unreadable};
use crate::jwt::{self, Claims};
use crate::proxy::{self, Proxy};
use crate::secret::Secret;
use crate::transport::{Endpoint, TlsSettings};

/// Where the token came from, for messages that must not show the token.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TokenSource {
    Flag,
    File,
}

#[derive(Debug)]
pub(crate) struct Token {
    pub(crate) secret: Secret,
    pub(crate) claims: Claims,
}

pub(crate) struct ConnectionConfig {
    pub(crate) endpoint: Endpoint,
    pub(crate) proxy: Option<Proxy>,
    /// The `Client-Properties` header value, compact JSON.
    pub(crate) client_properties: Option<String>,
    pub(crate) token: Token,
    pub(crate) tls: TlsSettings,
    pub(crate) keepalive: Option<Duration>,
    pub(crate) timeout: Duration,
    pub(crate) max_frame_bytes: usize,
    pub(crate) verbose: bool,
}

const NO_TOKEN: &str = "no JWT: set LP_JWT or pass --jwt-file PATH (`-` reads standard input)";

/// Reads and decodes the token from `--jwt-file` or `--jwt`/`LP_JWT`.
pub(crate) fn token(args: &GlobalArgs) -> Result<Token> {
    let (text, source) = match (&args.jwt_file, &args.jwt) {
        (Some(path), _) => (read_token_file(path)?, TokenSource::File),
        (None, Some(text)) => (text.clone(), TokenSource::Flag),
        (None, None) => return Err(fail(Exit::Config, NO_TOKEN)),
    };
    let text = text.trim().to_owned();
    let claims = jwt::decode(&text).map_err(|err| {
        let origin = match source {
            TokenSource::Flag => "the JWT from --jwt/LP_JWT",
            TokenSource::File => "the JWT from --jwt-file",
        };
        fail(Exit::DataErr, format!("{origin} is not valid: {err}"))
    })?;
    Ok(Token {
        secret: Secret::new(text),
        claims,
    })
}

fn read_token_file(path: &Path) -> Result<String> {
    let mut text = String::new();
    let read = if path == Path::new("-") {
        io::stdin().lock().read_to_string(&mut text)
    } else {
        fs::File::open(path).and_then(|mut file| file.read_to_string(&mut text))
    };
    read.map_err(|err| unreadable("--jwt-file", path, &err))?;
    Ok(text)
}

/// Seconds since the epoch.
pub(crate) fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// What to say about an expired token, if it is.
pub(crate) fn expiry_problem(claims: &Claims) -> Option<String> {
    let now = now_secs();
    claims.expired_at(now).then(|| {
        let exp = claims.exp().unwrap_or_default();
        format!(
            "the JWT expired {} s ago (exp {exp}); get a fresh token",
            now.saturating_sub(exp as u64)
        )
    })
}

/// Everything a command that talks to the service needs, checked.
pub(crate) fn connection(args: &GlobalArgs) -> Result<ConnectionConfig> {
    let endpoint = endpoint(args)?;
    let token = token(args)?;
    if let Some(problem) = expiry_problem(&token.claims) {
        return Err(fail(Exit::NoPerm, problem));
    }
    let cacerts = match &args.cacert {
        Some(path) => read_cacerts(path)?,
        None => Vec::new(),
    };
    let env = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    let proxy = proxy::choose(args.proxy.as_deref(), &endpoint.host, endpoint.tls, &env)?;
    let client_properties = args
        .client_properties
        .as_deref()
        .map(parse_client_properties)
        .transpose()?;
    Ok(ConnectionConfig {
        endpoint,
        proxy,
        client_properties,
        token,
        tls: TlsSettings {
            cacerts,
            insecure: args.insecure,
        },
        keepalive: (!args.keepalive.is_zero()).then_some(args.keepalive),
        timeout: args.timeout,
        max_frame_bytes: args.max_frame_bytes,
        verbose: args.verbose,
    })
}

/// Client properties as LivePerson documents them: a JSON object, sent as
/// the `Client-Properties` handshake header (`type` defaults to
/// `.ClientProperties`).
fn parse_client_properties(text: &str) -> Result<String> {
    let value: serde_json::Value = serde_json::from_str(text).map_err(|err| {
        fail(
            Exit::DataErr,
            format!("--client-properties is not JSON: {err}"),
        )
    })?;
    let serde_json::Value::Object(mut properties) = value else {
        return Err(fail(
            Exit::DataErr,
            "--client-properties must be a JSON object",
        ));
    };
    properties
        .entry("type")
        .or_insert_with(|| ".ClientProperties".into());
    Ok(serde_json::Value::Object(properties).to_string())
}

fn endpoint(args: &GlobalArgs) -> Result<Endpoint> {
    if let Some(url) = &args.url {
        return parse_endpoint(url, "--url/LP_URL");
    }
    let (Some(domain), Some(account)) = (&args.domain, &args.account) else {
        let missing = match (&args.domain, &args.account) {
            (None, None) => "LP_ASYNCMESSAGINGENT and LP_ACCOUNT (--domain, --account)",
            (None, Some(_)) => "LP_ASYNCMESSAGINGENT (--domain)",
            _ => "LP_ACCOUNT (--account)",
        };
        return Err(fail(
            Exit::Config,
            format!("no endpoint: set {missing}, or LP_URL (--url) to a whole ws:// or wss:// URL"),
        ));
    };
    let domain = domain.trim();
    if domain.is_empty() || domain.contains(['/', ' ', '@', '?', '#']) {
        return Err(fail(
            Exit::Config,
            "--domain/LP_ASYNCMESSAGINGENT must be a host name such as va.msg.liveperson.net \
             (no scheme, no path); use --url for a whole URL",
        ));
    }
    let account = account.trim();
    if account.is_empty()
        || !account
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(fail(
            Exit::Config,
            "--account/LP_ACCOUNT must be an account id (letters, digits, - and _)",
        ));
    }
    parse_endpoint(
        &format!("wss://{domain}/ws_api/account/{account}/messaging/consumer?v=3"),
        "--domain/LP_ASYNCMESSAGINGENT",
    )
}

/// Parses a WebSocket URL. Without a scheme, `wss://` is assumed: plain
/// `ws://` is only used when the URL says so.
fn parse_endpoint(text: &str, origin: &str) -> Result<Endpoint> {
    let text = text.trim();
    let url = if text.contains("://") {
        text.to_owned()
    } else {
        format!("wss://{text}")
    };
    let invalid = |why: &str| fail(Exit::Config, format!("{origin}: {why}"));
    let uri: Uri = url
        .parse()
        .map_err(|_| invalid(&format!("`{url}` is not a valid URL")))?;
    let tls = match uri.scheme_str() {
        Some("wss") => true,
        Some("ws") => false,
        _ => return Err(invalid("the URL must start with ws:// or wss://")),
    };
    let host = uri
        .host()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| invalid("the URL has no host"))?;
    // http::Uri keeps the brackets of an IPv6 literal; sockets want them off.
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let port = uri.port_u16().unwrap_or(if tls { 443 } else { 80 });
    Ok(Endpoint {
        url,
        host,
        port,
        tls,
    })
}

/// Reads every certificate of a PEM file: `Certificate::from_pem` takes only
/// the first one, so a bundle is split first.
fn read_cacerts(path: &Path) -> Result<Vec<native_tls::Certificate>> {
    let text = fs::read_to_string(path).map_err(|err| unreadable("--cacert", path, &err))?;
    const END: &str = "-----END CERTIFICATE-----";
    let mut certs = Vec::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find("-----BEGIN CERTIFICATE-----") {
        let Some(len) = rest[start..].find(END) else {
            break;
        };
        let block = &rest[start..start + len + END.len()];
        let cert = native_tls::Certificate::from_pem(block.as_bytes()).map_err(|err| {
            fail(
                Exit::Config,
                format!(
                    "--cacert {}: a certificate is not valid PEM: {err}",
                    path.display()
                ),
            )
        })?;
        certs.push(cert);
        rest = &rest[start + len + END.len()..];
    }
    if certs.is_empty() {
        return Err(fail(
            Exit::Config,
            format!(
                "--cacert {}: no PEM certificate in the file",
                path.display()
            ),
        ));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_defaults_to_wss_and_takes_ports() {
        let e = parse_endpoint("example.com/ws", "x").unwrap();
        assert!(e.tls);
        assert_eq!((e.host.as_str(), e.port), ("example.com", 443));
        let e = parse_endpoint("ws://127.0.0.1:9/a?v=3", "x").unwrap();
        assert!(!e.tls);
        assert_eq!(e.port, 9);
        let e = parse_endpoint("ws://[::1]:9/a", "x").unwrap();
        assert_eq!(e.host, "::1");
        assert!(parse_endpoint("http://example.com/", "x").is_err());
    }
}
