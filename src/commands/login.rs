//! `login`: a consumer token from the account's IdP, printed as JSON, as
//! the lines of an lp.env file, or bare. The one command that prints a
//! token, and only on stdout.

use std::path::Path;

use anyhow::Result;
use serde::Serialize;
use serde_json::Value;

use crate::cli::{LoginArgs, LoginOutput};
use crate::config::{self, AccountConfig, LoginConfig};
use crate::csds;
use crate::exit::{Exit, fail};
use crate::http::Site;
use crate::idp;
use crate::output::Output;
use crate::secret::{self, Secret};

pub(crate) fn run(args: &LoginArgs, config: &LoginConfig, out: &mut Output) -> Result<()> {
    let AccountConfig {
        account,
        network,
        csds,
        ..
    } = &config.account;
    let account = account.as_str();
    let auth_code = args
        .auth_code_file
        .as_deref()
        .map(read_auth_code)
        .transpose()?;
    // Looked up before the IdP is asked, so that a signup is not wasted.
    let messaging = match args.output {
        LoginOutput::Env => Some(messaging_variable(config)?),
        _ => None,
    };
    let idp = idp_site(config)?;
    if idp.plain {
        let what = match auth_code {
            Some(_) => "the authCode (and the token that comes back)",
            None => "the token that comes back",
        };
        secret::warn_if_plain(what, "http", idp.host());
    }
    let token = idp::login(network, &idp, account, auth_code.as_ref())?;
    let jwt = token.secret.expose();
    match (args.output, messaging) {
        (LoginOutput::Env, Some((name, value))) => {
            let custom_csds = csds.custom();
            let lines = [
                Some(("LP_ACCOUNT", account)),
                custom_csds.as_deref().map(|site| ("LP_CSDS", site)),
                Some((name, &value)),
                Some(("LP_IDP", &idp.to_string())),
                Some(("LP_JWT", jwt)),
            ];
            // Every line must be ready for both `docker run --env-file` (no
            // quoting) and the shell (`set -a; . ./lp.env`), and a host from
            // CSDS must not be able to inject a command.
            let lines = lines
                .iter()
                .flatten()
                .map(|(name, value)| {
                    if value.chars().all(env_file_safe) {
                        Ok(format!("{name}={value}"))
                    } else {
                        Err(fail(
                            Exit::Protocol,
                            format!("{name} has characters that cannot go in an lp.env file"),
                        ))
                    }
                })
                .collect::<Result<Vec<String>>>()?;
            for line in lines {
                out.raw_line(&line)?;
            }
        }
        (LoginOutput::Token, _) => out.raw_line(jwt)?,
        _ => out.line(&Login {
            jwt,
            sub: token.claims.sub(),
            exp: token.claims.as_map().get("exp"),
        })?,
    }
    out.flush()
}

/// The IdP: `--idp`/`LP_IDP`, else the account's `idp` in CSDS.
pub(crate) fn idp_site(config: &LoginConfig) -> Result<Site> {
    let AccountConfig {
        account,
        csds,
        network,
    } = &config.account;
    match &config.idp {
        Some(site) => Ok(site.clone()),
        None => Site::named(
            &csds.service_host(network, account, csds::IDP)?,
            csds.plain(),
            "CSDS's idp",
        ),
    }
}

/// `--output json`, its keys in this order (json! would sort them).
#[derive(Serialize)]
struct Login<'a> {
    jwt: &'a str,
    sub: &'a str,
    exp: Option<&'a Value>,
}

/// The brand's external JWT: a secret, never shown.
fn read_auth_code(path: &Path) -> Result<Secret> {
    let text = config::read_input(path, "--auth-code-file")?;
    let code = text.trim();
    if code.is_empty() {
        return Err(fail(
            Exit::DataErr,
            format!("--auth-code-file {} is empty", path.display()),
        ));
    }
    Ok(Secret::new(code.to_owned()))
}

/// Where lp.env points the socket: `LP_URL` as given, `LP_ASYNCMESSAGINGENT`
/// as given or from CSDS, or, from a plain http:// CSDS, the whole `ws://`
/// endpoint in `LP_URL` (a bare host would be reached over wss://).
fn messaging_variable(config: &LoginConfig) -> Result<(&'static str, String)> {
    if let Some(given) = &config.messaging {
        return Ok(given.clone());
    }
    let AccountConfig {
        account,
        csds,
        network,
    } = &config.account;
    let host = csds.service_host(network, account, csds::MESSAGING)?;
    if csds.plain() {
        let endpoint =
            config::messaging_endpoint(&host, account, false, "CSDS's asyncMessagingEnt")?;
        return Ok(("LP_URL", endpoint.url));
    }
    Ok(("LP_ASYNCMESSAGINGENT", host))
}

/// Characters that need no quoting in a shell assignment nor in a Docker
/// env file.
fn env_file_safe(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '.' | '-' | '_' | ':' | '/' | '?' | '=' | '+' | '%' | '[' | ']'
        )
}
