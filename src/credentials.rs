//! `--jwt-command`: a credential helper in the manner of git's and
//! kubectl's. It runs with `sh -c`; its standard output, trimmed, is the
//! token and is never shown; a failure quotes its last stderr line. The
//! token's own `exp` tells when to ask again.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::cli::GlobalArgs;
use crate::cli::given;
use crate::exit::{Exit, err_text, fail};
use crate::signals;
use crate::token::{Token, TokenSource, decode_token, expiry_problem};
use crate::when;

/// How often a wait for the helper looks for Ctrl-C and SIGTERM.
const SIGNAL_CHECK: Duration = Duration::from_millis(50);
/// The longest stderr line quoted.
const QUOTED_CHARS: usize = 300;

#[derive(Debug)]
pub(crate) struct JwtCommand {
    command: String,
    /// How long the helper may take (`--timeout`).
    timeout: Duration,
    verbose: bool,
}

/// What a helper run gave.
struct Ran {
    status: ExitStatus,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

impl JwtCommand {
    pub(crate) fn from_args(args: &GlobalArgs) -> Option<JwtCommand> {
        given(&args.account_setup.jwt_command).map(|command| JwtCommand {
            command: command.to_owned(),
            timeout: args.timeout,
            verbose: args.verbose,
        })
    }

    /// Runs the command for a token. Its output is used as it is, however
    /// short the token's life, unless it has expired already (77).
    pub(crate) fn fetch(&self) -> Result<Token> {
        if self.verbose {
            eprintln!("lp-consumer: running --jwt-command for a token");
        }
        let output = self.run()?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        let text = stdout.trim();
        let quoted =
            last_line(&output.stderr, text).map_or_else(String::new, |line| format!(": {line}"));
        if !output.status.success() {
            let status = output.status.code().map_or_else(
                || "killed by a signal".to_owned(),
                |code| format!("exit {code}"),
            );
            // A helper that says "try again later" (EX_TEMPFAIL, as
            // lp-consumer login does for an IdP that is overloaded) is not a
            // refused identity.
            let exit = match output.status.code() {
                Some(75) => Exit::TempFail,
                _ => Exit::NoPerm,
            };
            return Err(fail(
                exit,
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

    /// Runs the helper for at most `--timeout`; past that, or on Ctrl-C or
    /// SIGTERM, it is killed with whatever it started (its process group,
    /// which the terminal's Ctrl-C does not reach).
    fn run(&self) -> Result<Ran> {
        signals::install();
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(&self.command)
            // Standard input may be the messages of `send`: not the helper's.
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // The helper may be lp-consumer itself, which must not run it again.
            .env_remove("LP_JWT_COMMAND")
            .process_group(0)
            .spawn()
            .map_err(|err| {
                fail(
                    Exit::NoPerm,
                    format!("cannot run --jwt-command: {}", err_text(&err)),
                )
            })?;
        let stdout = drain(child.stdout.take());
        let stderr = drain(child.stderr.take());
        let group = child.id() as libc::pid_t;
        // Waited for on a thread, so that the wait can end at the limit.
        let (exited, status) = mpsc::channel();
        thread::spawn(move || {
            let _ = exited.send(child.wait());
        });
        // SAFETY: kill(2) on the process group the helper leads, which the
        // waiting thread has not reaped yet.
        let kill = || unsafe { libc::kill(-group, libc::SIGKILL) };
        let deadline = Instant::now() + self.timeout;
        let status = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if let Ok(waited) = status.recv_timeout(left.min(SIGNAL_CHECK)) {
                break waited.map_err(|err| {
                    fail(
                        Exit::NoPerm,
                        format!("cannot wait for --jwt-command: {}", err_text(&err)),
                    )
                })?;
            }
            if let Some(exit) = signals::pending() {
                kill();
                return Err(fail(exit, ""));
            }
            if Instant::now() >= deadline {
                kill();
                return Err(fail(
                    Exit::TempFail,
                    format!(
                        "--jwt-command gave no token within {} s (--timeout)",
                        self.timeout.as_secs_f64()
                    ),
                ));
            }
        };
        Ok(Ran {
            status,
            stdout: stdout.recv().unwrap_or_default(),
            stderr: stderr.recv().unwrap_or_default(),
        })
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

/// Everything a pipe gives, read on a thread of its own so that a helper
/// that fills one pipe cannot block on it while the other is read.
fn drain(pipe: Option<impl Read + Send + 'static>) -> mpsc::Receiver<Vec<u8>> {
    let (sender, bytes) = mpsc::channel();
    thread::spawn(move || {
        let mut read = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut read);
        }
        let _ = sender.send(read);
    });
    bytes
}

/// The helper's last non-empty stderr line, trimmed and shortened, with the
/// token (and anything shaped like one) scrubbed in case the helper printed
/// it there too.
fn last_line(stderr: &[u8], token: &str) -> Option<String> {
    let text = String::from_utf8_lossy(stderr);
    let line = text.lines().map(str::trim).rfind(|line| !line.is_empty())?;
    let line = if token.is_empty() {
        line.to_owned()
    } else {
        line.replace(token, "<redacted>")
    };
    let line = scrub_jwts(&line);
    Some(match line.char_indices().nth(QUOTED_CHARS) {
        Some((cut, _)) => format!("{}...", &line[..cut]),
        None => line,
    })
}

/// `text` with every word shaped like a JWT (three base64url parts, the
/// first a JSON header: `eyJ...`) replaced: a failing helper's stderr may
/// hold a token its stdout did not give.
fn scrub_jwts(text: &str) -> String {
    let is_token_byte = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '=');
    let mut scrubbed = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("eyJ") {
        scrubbed.push_str(&rest[..start]);
        let word = &rest[start..];
        let end = word.find(|c| !is_token_byte(c)).unwrap_or(word.len());
        let candidate = &word[..end];
        if candidate.matches('.').count() >= 2 {
            scrubbed.push_str("<redacted>");
        } else {
            scrubbed.push_str(candidate);
        }
        rest = &word[end..];
    }
    scrubbed.push_str(rest);
    scrubbed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anything_shaped_like_a_token_is_scrubbed() {
        assert_eq!(
            scrub_jwts("bad eyJhbGciOi.eyJzdWIi.c2ln; eyJonly.one here"),
            "bad <redacted>; eyJonly.one here"
        );
        assert_eq!(scrub_jwts("no token"), "no token");
    }

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
