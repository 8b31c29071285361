//! `jwt-sub`: the token's claims, without touching the network.

use anyhow::Result;

use crate::cli::GlobalArgs;
use crate::config;
use crate::output::Output;
use crate::token;

pub(crate) fn run(global: &GlobalArgs, out: &mut Output) -> Result<()> {
    let token = config::token(global)?;
    if let Some(problem) = token::expiry_problem(&token.claims) {
        eprintln!("lp-consumer: warning: {problem}");
    }
    out.line(token.claims.as_map())?;
    out.flush()?;
    Ok(())
}
