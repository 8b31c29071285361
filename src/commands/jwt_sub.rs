//! `jwt-sub`: the token's claims, without touching the network.

use anyhow::Result;

use crate::config::Credentials;
use crate::output::Output;
use crate::token;

pub(crate) fn run(credentials: &Credentials, out: &mut Output) -> Result<()> {
    let token = super::token(credentials)?;
    if let Some(problem) = token::expiry_problem(&token.claims) {
        eprintln!("lp-consumer: warning: {problem}");
    }
    out.line(token.claims.as_map())?;
    out.flush()?;
    Ok(())
}
