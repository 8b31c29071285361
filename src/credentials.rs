//! `--jwt-command`: a credential helper in the manner of git's and
//! kubectl's. It runs with `sh -c`; its standard output, trimmed, is the
//! token and is never shown; a failure quotes its last stderr line. The
//! token's own `exp` tells when to ask again.

use std::fs::File;
use std::io::{ErrorKind, Read};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use anyhow::Result;

use crate::exit::{Exit, err_text, fail};
use crate::signals;
use crate::token::{Token, TokenSource, decode_token, expiry_problem};
use crate::when;

/// How often a wait for the helper looks for Ctrl-C and SIGTERM.
const SIGNAL_CHECK: Duration = Duration::from_millis(50);
/// How often a helper whose pipes are closed is looked at for its exit.
const EXIT_CHECK: Duration = Duration::from_millis(2);
/// The most a helper may print on stdout (a JWT is a few KiB), and the most
/// of its stderr kept.
const MAX_OUTPUT: usize = 64 * 1024;
/// The longest stderr line quoted.
const QUOTED_CHARS: usize = 300;

#[derive(Debug, Clone)]
pub(crate) struct JwtCommand {
    command: String,
    /// How long the helper may take (`--timeout`).
    timeout: Duration,
    verbose: bool,
    /// Variables for the helper's environment (a convo's, under `test`).
    env: Vec<(&'static str, String)>,
}

/// What a helper run gave.
struct Ran {
    status: ExitStatus,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

impl JwtCommand {
    /// `command`, allowed `timeout` (`--timeout`) to print a token.
    pub(crate) fn new(command: &str, timeout: Duration, verbose: bool) -> JwtCommand {
        JwtCommand {
            command: command.to_owned(),
            timeout,
            verbose,
            env: Vec::new(),
        }
    }

    /// The same command, run with these variables in its environment, for
    /// its first token and every renewal.
    pub(crate) fn with_env(&self, env: Vec<(&'static str, String)>) -> JwtCommand {
        JwtCommand {
            env,
            ..self.clone()
        }
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

    /// Runs the helper for at most `--timeout`, reading its pipes as it
    /// goes; past the limit, on Ctrl-C or SIGTERM, or when it prints more
    /// than a token, it is killed with whatever it started (its process
    /// group, which the terminal's Ctrl-C does not reach). When it exits,
    /// what it left running in its group is killed too, and what its pipes
    /// hold is taken without waiting for them to close.
    fn run(&self) -> Result<Ran> {
        signals::install();
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(&self.command)
            .envs(self.env.iter().map(|(name, value)| (name, value)))
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
        let mut stdout = Pipe::new(child.stdout.take(), false);
        let mut stderr = Pipe::new(child.stderr.take(), true);
        let group = child.id() as libc::pid_t;
        // Kills the group, then reaps the helper. Until it is reaped, its
        // pid (the group's id) cannot be reused, so the kill reaches only
        // what it started.
        let mut end = || {
            // SAFETY: kill(2) on the process group the helper leads.
            unsafe { libc::kill(-group, libc::SIGKILL) };
            child.wait().map_err(|err| {
                fail(
                    Exit::NoPerm,
                    format!("cannot wait for --jwt-command: {}", err_text(&err)),
                )
            })
        };
        let deadline = Instant::now() + self.timeout;
        loop {
            if has_exited(group) {
                break;
            }
            if let Some(exit) = signals::pending() {
                end()?;
                return Err(fail(exit, ""));
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                end()?;
                return Err(fail(
                    Exit::TempFail,
                    format!(
                        "--jwt-command gave no token within {} s (--timeout)",
                        self.timeout.as_secs_f64()
                    ),
                ));
            }
            wait_for_output(&[&stdout, &stderr], left.min(SIGNAL_CHECK));
            stdout.read_available();
            stderr.read_available();
            if stdout.bytes.len() > MAX_OUTPUT {
                end()?;
                return Err(too_much());
            }
        }
        let status = end()?;
        stdout.read_available();
        stderr.read_available();
        if stdout.bytes.len() > MAX_OUTPUT {
            return Err(too_much());
        }
        Ok(Ran {
            status,
            stdout: stdout.bytes,
            stderr: stderr.bytes,
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

/// A helper that prints more than a token would hold.
fn too_much() -> anyhow::Error {
    fail(
        Exit::DataErr,
        format!(
            "--jwt-command printed more than {} KiB on stdout, which is no token",
            MAX_OUTPUT / 1024
        ),
    )
}

/// True once the helper has exited, left unreaped (WNOWAIT) so that its
/// group can still be killed safely.
fn has_exited(pid: libc::pid_t) -> bool {
    // SAFETY: waitid(2) fills the zeroed siginfo it is given; with WNOHANG
    // it leaves si_pid 0 while the child runs.
    unsafe {
        let mut info: libc::siginfo_t = std::mem::zeroed();
        let flags = libc::WEXITED | libc::WNOHANG | libc::WNOWAIT;
        libc::waitid(libc::P_PID, pid as libc::id_t, &mut info, flags) == 0 && info.si_pid() != 0
    }
}

/// One of the helper's pipes, read without blocking. Its stdout is capped
/// by the caller; of stderr only the end is kept, as only its last line is
/// ever quoted.
struct Pipe {
    pipe: Option<File>,
    bytes: Vec<u8>,
    keep_end: bool,
}

impl Pipe {
    fn new(pipe: Option<impl Into<OwnedFd>>, keep_end: bool) -> Pipe {
        let pipe = pipe.map(|pipe| File::from(pipe.into()));
        if let Some(pipe) = &pipe {
            // SAFETY: fcntl(2) on a descriptor this process owns.
            unsafe {
                let flags = libc::fcntl(pipe.as_raw_fd(), libc::F_GETFL);
                libc::fcntl(pipe.as_raw_fd(), libc::F_SETFL, flags | libc::O_NONBLOCK);
            }
        }
        Pipe {
            pipe,
            bytes: Vec::new(),
            keep_end,
        }
    }

    /// Reads what the pipe holds now; at its end (or on an error) it is
    /// closed.
    fn read_available(&mut self) {
        let Some(pipe) = &mut self.pipe else {
            return;
        };
        let mut buffer = [0u8; 16 * 1024];
        loop {
            match pipe.read(&mut buffer) {
                Ok(0) => break,
                Ok(read) => {
                    self.bytes.extend_from_slice(&buffer[..read]);
                    if self.bytes.len() > MAX_OUTPUT {
                        if !self.keep_end {
                            return;
                        }
                        self.bytes.drain(..self.bytes.len() - MAX_OUTPUT);
                    }
                }
                Err(err) if err.kind() == ErrorKind::Interrupted => {}
                Err(err) if err.kind() == ErrorKind::WouldBlock => return,
                Err(_) => break,
            }
        }
        self.pipe = None;
    }
}

/// Waits up to `limit` for output on any open pipe (or a pipe's end).
fn wait_for_output(pipes: &[&Pipe], limit: Duration) {
    let mut fds: Vec<libc::pollfd> = pipes
        .iter()
        .filter_map(|pipe| pipe.pipe.as_ref())
        .map(|pipe| libc::pollfd {
            fd: pipe.as_raw_fd(),
            events: libc::POLLIN,
            revents: 0,
        })
        .collect();
    // With both pipes closed, only the exit is waited for: look often.
    let limit = if fds.is_empty() {
        limit.min(EXIT_CHECK)
    } else {
        limit
    };
    let millis = limit.as_millis().clamp(1, i32::MAX as u128) as libc::c_int;
    // SAFETY: poll(2) on descriptors this process owns, in a live buffer.
    unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, millis) };
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
