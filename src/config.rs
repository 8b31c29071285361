//! Turns the raw flags (and their env fallbacks) into checked configurations
//! before any network I/O: every "what is missing or wrong" error comes from
//! here. An empty value (`LP_URL=`) counts as unset. Nothing here asks the
//! network or runs a command: the CSDS lookup and `--jwt-command` belong to
//! the commands (`commands::connection`, `commands::token`).

use std::fs;
use std::io::{self, Read};
use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use tungstenite::http::{HeaderValue, Uri};

use crate::address::{self, is_host};
use crate::cli::{GlobalArgs, given};
use crate::credentials::JwtCommand;
use crate::csds::{self, Csds};
use crate::exit::{Exit, fail, unreadable};
use crate::http::{Network, Site};
use crate::proxy::Proxy;
use crate::token::{Token, TokenSource, decode_token};
use crate::transport::{Dial, Endpoint, TlsSettings};

/// What a connection to the service is opened with: a `ServiceConfig`
/// once the command has its endpoint and token.
pub(crate) struct ConnectionConfig {
    pub(crate) endpoint: Endpoint,
    pub(crate) proxy: Option<Proxy>,
    /// The `Client-Properties` header value, compact JSON.
    pub(crate) client_properties: Option<HeaderValue>,
    pub(crate) token: Token,
    /// `--jwt-command`, to renew the token when the service refuses it.
    pub(crate) jwt_command: Option<JwtCommand>,
    /// TLS (set up once, for CSDS and every dial alike), `--timeout`, `-v`.
    pub(crate) network: Network,
    pub(crate) keepalive: Option<Duration>,
    pub(crate) max_frame_bytes: usize,
    /// How much one read of the socket asks for: the WebSocket library
    /// zeroes that much before every read, so a command that trades a few
    /// small messages on many sockets at once (`test --jobs`) reads less.
    pub(crate) read_buffer_bytes: usize,
}

impl ConnectionConfig {
    /// How to dial the socket with `token` (the configuration's, or a
    /// renewed one) in the `Authorization` header.
    pub(crate) fn dial(&self, token: &Token) -> Result<Dial<'_>> {
        let mut authorization = HeaderValue::from_str(&format!("jwt {}", token.secret.expose()))
            .map_err(|_| {
                fail(
                    Exit::DataErr,
                    "the JWT has characters that cannot go in an HTTP header",
                )
            })?;
        authorization.set_sensitive(true);
        let mut headers = vec![("Authorization", authorization)];
        if let Some(properties) = &self.client_properties {
            headers.push(("Client-Properties", properties.clone()));
        }
        Ok(Dial {
            proxy: self.proxy.as_ref(),
            tls: self
                .endpoint
                .tls
                .then(|| self.network.tls_connector())
                .transpose()?,
            timeout: self.network.timeout,
            max_frame_bytes: self.max_frame_bytes,
            read_buffer_bytes: self.read_buffer_bytes,
            headers,
            verbose: self.network.verbose,
        })
    }
}

/// Everything a command that talks to the service needs, checked; where
/// the socket goes may still be CSDS's to say, and the token
/// `--jwt-command`'s.
pub(crate) struct ServiceConfig {
    pub(crate) target: Target,
    pub(crate) credentials: Credentials,
    pub(crate) client_properties: Option<HeaderValue>,
    pub(crate) network: Network,
    pub(crate) keepalive: Option<Duration>,
    pub(crate) max_frame_bytes: usize,
}

/// Where the socket goes, as far as the flags tell without asking anyone.
pub(crate) enum Target {
    Endpoint(Endpoint),
    /// Only the account is known: its messaging host is in CSDS.
    Lookup {
        account: String,
        csds: Csds,
    },
}

impl Target {
    /// True when the service is on this machine (a loopback host, or a
    /// CSDS there), and so shares its CPU with lp-consumer.
    pub(crate) fn is_local(&self) -> bool {
        match self {
            Target::Endpoint(endpoint) => address::is_loopback(&endpoint.host),
            Target::Lookup { csds, .. } => csds.is_local(),
        }
    }
}

/// Where the token comes from.
pub(crate) enum Credentials {
    /// `--jwt-file` or `--jwt`/`LP_JWT`, and `--jwt-command` to renew it
    /// when one is given.
    Given(Token, Option<JwtCommand>),
    /// `--jwt-command` alone.
    Command(JwtCommand),
}

/// What the commands that ask CSDS alone (`domains`, `login`) need.
pub(crate) struct AccountConfig {
    pub(crate) account: String,
    pub(crate) csds: Csds,
    pub(crate) network: Network,
}

/// `login`'s configuration: the account's, the IdP when given, and the
/// messaging variable of lp.env when the flags give it.
pub(crate) struct LoginConfig {
    pub(crate) account: AccountConfig,
    /// `--idp`/`LP_IDP`; else CSDS names it.
    pub(crate) idp: Option<Site>,
    /// `LP_URL` or `LP_ASYNCMESSAGINGENT` as given; else CSDS names the host.
    pub(crate) messaging: Option<(&'static str, String)>,
}

/// The error for no token at all.
fn no_token(args: &GlobalArgs) -> anyhow::Error {
    let problem = if args.jwt.is_some() {
        "no JWT: --jwt/LP_JWT is empty"
    } else {
        "no JWT"
    };
    fail(
        Exit::Config,
        format!(
            "{problem}: set LP_JWT or pass --jwt-file PATH (`-` reads standard input), \
             or set LP_JWT_COMMAND (--jwt-command CMD) to a command that prints one"
        ),
    )
}

/// The token given as such, from `--jwt-file` or `--jwt`/`LP_JWT`; None
/// when neither is.
fn given_token(args: &GlobalArgs) -> Result<Option<Token>> {
    match (&args.jwt_file, given(&args.jwt)) {
        (Some(path), _) => {
            decode_token(&read_input(path, "--jwt-file")?, TokenSource::File).map(Some)
        }
        (None, Some(text)) => decode_token(text, TokenSource::Flag).map(Some),
        (None, None) => Ok(None),
    }
}

/// The token's sources, checked: a given token is read and decoded; at
/// least one source must be there.
pub(crate) fn credentials(args: &GlobalArgs) -> Result<Credentials> {
    given_credentials(args)?.ok_or_else(|| no_token(args))
}

/// The token's sources, checked, if any is given (`test` signs up a
/// consumer per convo without one).
pub(crate) fn given_credentials(args: &GlobalArgs) -> Result<Option<Credentials>> {
    Ok(match (given_token(args)?, jwt_command(args)) {
        (Some(token), command) => Some(Credentials::Given(token, command)),
        (None, Some(command)) => Some(Credentials::Command(command)),
        (None, None) => None,
    })
}

fn jwt_command(args: &GlobalArgs) -> Option<JwtCommand> {
    given(&args.account_setup.jwt_command)
        .map(|command| JwtCommand::new(command, args.timeout, args.verbose))
}

/// Reads the file that `flag` names, `-` = standard input.
pub(crate) fn read_input(path: &Path, flag: &str) -> Result<String> {
    let mut text = String::new();
    let read = if path == Path::new("-") {
        io::stdin().lock().read_to_string(&mut text)
    } else {
        fs::File::open(path).and_then(|mut file| file.read_to_string(&mut text))
    };
    read.map_err(|err| match err.kind() {
        io::ErrorKind::InvalidData => fail(
            Exit::DataErr,
            format!("{flag} {}: not UTF-8 text", path.display()),
        ),
        _ => unreadable(Some(flag), path, &err),
    })?;
    Ok(text)
}

/// The settings every request obeys.
pub(crate) fn network(args: &GlobalArgs) -> Result<Network> {
    let cacerts = match &args.cacert {
        Some(path) => read_cacerts(path)?,
        None => Vec::new(),
    };
    Ok(Network::new(
        TlsSettings {
            cacerts,
            insecure: args.insecure,
        },
        args.proxy.clone(),
        args.timeout,
        args.verbose,
    ))
}

/// The account, its CSDS and the network settings, checked.
pub(crate) fn account_config(args: &GlobalArgs) -> Result<AccountConfig> {
    Ok(AccountConfig {
        account: account(args)?.to_owned(),
        network: network(args)?,
        csds: csds(args)?,
    })
}

/// `login`'s configuration, checked.
pub(crate) fn login(args: &GlobalArgs) -> Result<LoginConfig> {
    let account = account_config(args)?;
    let messaging = match (given(&args.url), given(&args.domain)) {
        (Some(url), _) => Some(("LP_URL", url.to_owned())),
        (None, Some(domain)) => Some(("LP_ASYNCMESSAGINGENT", domain.to_owned())),
        (None, None) => None,
    };
    let idp = given(&args.account_setup.idp)
        .map(|text| Site::parse(text, "--idp/LP_IDP"))
        .transpose()?;
    Ok(LoginConfig {
        account,
        idp,
        messaging,
    })
}

/// Where the domain API is asked (`--csds`/`LP_CSDS`), for how long its
/// answers are kept.
fn csds(args: &GlobalArgs) -> Result<Csds> {
    let setup = &args.account_setup;
    let text = match setup.csds.trim() {
        "" => csds::DEFAULT_HOST,
        text => text,
    };
    Ok(Csds::new(
        Site::parse(text, "--csds/LP_CSDS")?,
        setup.csds_ttl,
        args.verbose,
    ))
}

/// The account id (`--account`/`LP_ACCOUNT`), checked.
fn account(args: &GlobalArgs) -> Result<&str> {
    let account = given(&args.account).ok_or_else(|| {
        fail(
            Exit::Config,
            "no account: set LP_ACCOUNT (--account) to the account (site) id",
        )
    })?;
    // Account ids are a few digits; the bound keeps the CSDS cache's file
    // name (which holds the id) within what file systems allow.
    const LONGEST: usize = 64;
    if account.len() > LONGEST || !is_account_id(account) {
        return Err(fail(
            Exit::Config,
            format!(
                "--account/LP_ACCOUNT must be an account id (letters, digits, - and _; at most \
                 {LONGEST})"
            ),
        ));
    }
    Ok(account)
}

/// Letters, digits, `-` and `_`: an account id is a path segment (LivePerson's
/// are digits). lp-mock's `--account` obeys the same rule.
pub fn is_account_id(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
}

/// Everything a command that talks to the service needs, checked.
pub(crate) fn service(args: &GlobalArgs) -> Result<ServiceConfig> {
    let target = target(args)?;
    let credentials = credentials(args)?;
    service_of(args, target, credentials)
}

/// `service`, with the token's sources given: each convo's of `test`.
pub(crate) fn service_with(args: &GlobalArgs, credentials: Credentials) -> Result<ServiceConfig> {
    service_of(args, target(args)?, credentials)
}

fn service_of(
    args: &GlobalArgs,
    target: Target,
    credentials: Credentials,
) -> Result<ServiceConfig> {
    let client_properties = args
        .client_properties
        .as_deref()
        .map(parse_client_properties)
        .transpose()?;
    Ok(ServiceConfig {
        target,
        credentials,
        client_properties,
        network: network(args)?,
        keepalive: (!args.keepalive.is_zero()).then_some(args.keepalive),
        max_frame_bytes: args.max_frame_bytes,
    })
}

/// Client properties as LivePerson documents them: a JSON object, sent as
/// the `Client-Properties` handshake header (`type` defaults to
/// `.ClientProperties`).
fn parse_client_properties(text: &str) -> Result<HeaderValue> {
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
    HeaderValue::from_str(&serde_json::Value::Object(properties).to_string()).map_err(|_| {
        fail(
            Exit::DataErr,
            "--client-properties has characters that cannot go in an HTTP header",
        )
    })
}

pub(crate) fn target(args: &GlobalArgs) -> Result<Target> {
    if let Some(url) = given(&args.url) {
        return parse_endpoint(url, "--url/LP_URL").map(Target::Endpoint);
    }
    if given(&args.account).is_none() {
        return Err(fail(
            Exit::Config,
            "no endpoint: set LP_ACCOUNT (--account; the messaging host is then looked up in \
             CSDS, or set LP_ASYNCMESSAGINGENT too), or LP_URL (--url) to a whole ws:// or \
             wss:// URL",
        ));
    }
    let account = account(args)?;
    let Some(domain) = given(&args.domain) else {
        return Ok(Target::Lookup {
            account: account.to_owned(),
            csds: csds(args)?,
        });
    };
    messaging_endpoint(domain, account, true, "--domain/LP_ASYNCMESSAGINGENT").map(Target::Endpoint)
}

/// The consumer endpoint on the asyncMessagingEnt `host`; `origin` names
/// where the host came from.
pub(crate) fn messaging_endpoint(
    host: &str,
    account: &str,
    tls: bool,
    origin: &str,
) -> Result<Endpoint> {
    if !is_host(host) {
        return Err(fail(
            Exit::Config,
            format!(
                "{origin} must be a host name such as va.msg.liveperson.net \
                 (no scheme, no path); use --url for a whole URL"
            ),
        ));
    }
    let scheme = if tls { "wss" } else { "ws" };
    parse_endpoint(
        &format!("{scheme}://{host}/ws_api/account/{account}/messaging/consumer?v=3"),
        origin,
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
        .map_err(|_| invalid(&format!("`{text}` is not a valid URL")))?;
    let tls = match uri.scheme_str() {
        Some("wss") => true,
        Some("ws") => false,
        _ => return Err(invalid("the URL must start with ws:// or wss://")),
    };
    let host = uri
        .host()
        .filter(|h| !h.is_empty())
        .ok_or_else(|| invalid("the URL has no host"))?;
    let host = address::unbracketed(host).to_owned();
    let written = uri
        .authority()
        .map_or(Ok(None), |authority| {
            address::written_port(authority.as_str())
        })
        .map_err(|why| invalid(&why))?;
    let port = written.unwrap_or(if tls { 443 } else { 80 });
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
    let text = fs::read_to_string(path).map_err(|err| unreadable(Some("--cacert"), path, &err))?;
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
