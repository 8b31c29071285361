//! `--jwt-command`: a credential helper in the manner of git's and
//! kubectl's. It runs with `sh -c`; its standard output, trimmed, is the
//! token and is never shown; a failure quotes its last stderr line. The
//! token's own `exp` tells when to ask again.

use std::process::{Command, Stdio};

use anyhow::Result;

use crate::cli::GlobalArgs;
use crate::config::{Token, TokenSource, decode_token, expiry_problem, given};
use crate::exit::{Exit, err_text, fail};
use crate::when;

/// The longest stderr line quoted.
const QUOTED_CHARS: usize = 300;

#[derive(Debug)]
pub(crate) struct JwtCommand {
    command: String,
    verbose: bool,
}

impl JwtCommand {
    pub(crate) fn from_args(args: &GlobalArgs) -> Option<JwtCommand> {
        given(&args.account_setup.jwt_command).map(|command| JwtCommand {
            command: command.to_owned(),
            verbose: args.verbose,
        })
    }

    /// Runs the command for a token. Its output is used as it is, however
    /// short the token's life, unless it has expired already (77).
    pub(crate) fn fetch(&self) -> Result<Token> {
        if self.verbose {
            eprintln!("lp-consumer: running --jwt-command for a token");
        }
        let output = Command::new("sh")
            .arg("-c")
            .arg(&self.command)
            // Standard input may be the messages of `send`: not the helper's.
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // The helper may be lp-consumer itself, which must not run it again.
            .env_remove("LP_JWT_COMMAND")
            .output()
            .map_err(|err| {
                fail(
                    Exit::NoPerm,
                    format!("cannot run --jwt-command: {}", err_text(&err)),
                )
            })?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let text = stdout.trim();
        let quoted =
            last_line(&output.stderr, text).map_or_else(String::new, |line| format!(": {line}"));
        if !output.status.success() {
            let status = output.status.code().map_or_else(
                || "killed by a signal".to_owned(),
                |code| format!("exit {code}"),
            );
            return Err(fail(
                Exit::NoPerm,
                format!("--jwt-command failed ({status}){quoted}"),
            ));
        }
        if text.is_empty() {
            return Err(fail(
                Exit::NoPerm,
                format!("--jwt-command printed no token{quoted}"),
            ));
        }
        let token = decode_token(text, TokenSource::Command)?;
        if let Some(problem) = expiry_problem(&token.claims) {
            return Err(fail(
                Exit::NoPerm,
                format!("--jwt-command printed an expired token: {problem}"),
            ));
        }
        if self.verbose {
            let until = token.claims.exp().map_or_else(
                || "without an expiry".to_owned(),
                |exp| format!("valid until {}", when::utc(exp as i64)),
            );
            eprintln!("lp-consumer: --jwt-command gave a token {until}");
        }
        Ok(token)
    }

    /// A new token for the consumer `current` is for: the conversation
    /// belongs to that consumer, and a token for another one cannot read it.
    pub(crate) fn renew(&self, current: &Token) -> Result<Token> {
        let token = self.fetch()?;
        if token.claims.sub() != current.claims.sub() {
            return Err(fail(
                Exit::NoPerm,
                "--jwt-command printed a token for another consumer (its sub changed); \
                 a signup makes a new consumer each time: use `login --auth-code-file` \
                 for one that stays",
            ));
        }
        Ok(token)
    }
}

/// The helper's last non-empty stderr line, trimmed and shortened, with the
/// token scrubbed in case the helper printed it there too.
fn last_line(stderr: &[u8], token: &str) -> Option<String> {
    let text = String::from_utf8_lossy(stderr);
    let line = text.lines().map(str::trim).rfind(|line| !line.is_empty())?;
    let line = if token.is_empty() {
        line.to_owned()
    } else {
        line.replace(token, "<redacted>")
    };
    Some(match line.char_indices().nth(QUOTED_CHARS) {
        Some((cut, _)) => format!("{}...", &line[..cut]),
        None => line,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_line_is_quoted_without_the_token() {
        assert_eq!(
            last_line(b"first\nsecret tok.en.x here\n\n", "tok.en.x").as_deref(),
            Some("secret <redacted> here")
        );
        assert_eq!(last_line(b"\n \n", ""), None);
        let long = "e".repeat(1000);
        assert_eq!(
            last_line(long.as_bytes(), "").unwrap().len(),
            QUOTED_CHARS + 3
        );
    }
}
