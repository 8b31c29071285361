//! The exit-code table, and the one place where an error becomes an exit code.

use std::fmt;
use std::io;

use crate::jwt::JwtError;

/// Why the program stopped. The numbers follow sysexits.h where one fits and
/// are part of the interface: scripts branch on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// The service answered a request with a code outside 2xx.
    Refused,
    /// Bad command line (clap uses 2 as well).
    Usage,
    /// Bad input data: the JWT, a JSON argument, a state file, stdin.
    DataErr,
    /// An input file (`--jwt-file`, `--cacert`) cannot be read.
    NoInput,
    /// The service cannot be reached: DNS, connection refused, TLS.
    Unavailable,
    /// A bug: an error nobody classified.
    Software,
    /// Output or a local file cannot be written.
    IoErr,
    /// Try again later: timeout, dropped connection, 429, 5xx.
    TempFail,
    /// The peer does not speak the protocol we expect.
    Protocol,
    /// Authentication refused: 401/403, close codes 4401/4407/1008, expired token.
    NoPerm,
    /// Missing or invalid configuration.
    Config,
    /// Stopped by SIGINT.
    Interrupted,
    /// Stopped by SIGTERM.
    Terminated,
}

impl Exit {
    pub(crate) fn code(self) -> u8 {
        match self {
            Exit::Refused => 1,
            Exit::Usage => 2,
            Exit::DataErr => 65,
            Exit::NoInput => 66,
            Exit::Unavailable => 69,
            Exit::Software => 70,
            Exit::IoErr => 74,
            Exit::TempFail => 75,
            Exit::Protocol => 76,
            Exit::NoPerm => 77,
            Exit::Config => 78,
            Exit::Interrupted => 130,
            Exit::Terminated => 143,
        }
    }
}

/// The table as shown in `--help`, the man page and the README.
pub(crate) const EXIT_TABLE: &str = "\
Exit status:
  0    success (also when stdout is closed early, as by `| head -n 1`)
  1    the service refused the request (response code outside 2xx)
  2    usage error
  65   bad input data (JWT, JSON argument, state file, stdin)
  66   an input file (--jwt-file, --cacert) cannot be read
  69   service unavailable (DNS, connection refused, TLS handshake)
  70   internal error (a bug: please report it)
  74   output or a local file cannot be written
  75   temporary failure, retry later (timeout, dropped connection, 429, 5xx)
  76   protocol error (not WebSocket, frame not JSON, unexpected shape)
  77   authentication refused (401/403, close code 4401/4407/1008, expired token)
  78   missing or invalid configuration
  130  interrupted by SIGINT (a close frame is sent first)
  143  terminated by SIGTERM (a close frame is sent first)";

/// An error that knows its exit code. The message is what follows
/// `lp-consumer: ` on stderr, and never contains the token.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) exit: Exit,
    pub(crate) message: String,
    /// The service said 429: a retry must wait at least a second.
    pub(crate) throttled: bool,
}

/// An error with its exit code, ready for `?`.
pub(crate) fn fail(exit: Exit, message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Failure {
        exit,
        message: message.into(),
        throttled: false,
    })
}

/// The error for a handshake status or response code: 429 is marked as
/// throttled for the retry policy.
pub(crate) fn status_failure(exit: Exit, status: u16, message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Failure {
        exit,
        message: message.into(),
        throttled: status == 429,
    })
}

/// True when a cause in the chain is a 429.
pub(crate) fn is_throttled(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|cause| cause.downcast_ref::<Failure>())
        .any(|failure| failure.throttled)
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// An I/O error's text without the "(os error N)" suffix.
pub(crate) fn err_text(err: &io::Error) -> String {
    let text = err.to_string();
    match text.find(" (os error") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// The error for an input file named by `flag` that cannot be read.
pub(crate) fn unreadable(flag: &str, path: &std::path::Path, err: &io::Error) -> anyhow::Error {
    fail(
        Exit::NoInput,
        format!("cannot read {flag} {}: {}", path.display(), err_text(err)),
    )
}

/// How a run ends, once its error is classified.
pub(crate) enum Outcome {
    /// Quiet success: the reader of stdout went away.
    Quiet,
    /// Print the message (unless empty) and exit with the code.
    Fail(Exit),
}

/// Maps an error chain to an outcome. The first classified cause wins, so a
/// context added on top never changes the code.
pub(crate) fn classify(err: &anyhow::Error) -> Outcome {
    for cause in err.chain() {
        if let Some(failure) = cause.downcast_ref::<Failure>() {
            return Outcome::Fail(failure.exit);
        }
        if let Some(io_err) = cause.downcast_ref::<io::Error>() {
            if io_err.kind() == io::ErrorKind::BrokenPipe {
                return Outcome::Quiet;
            }
            return Outcome::Fail(io_exit(io_err));
        }
        if let Some(ws_err) = cause.downcast_ref::<tungstenite::Error>() {
            if let tungstenite::Error::Io(io_err) = ws_err {
                if io_err.kind() == io::ErrorKind::BrokenPipe {
                    return Outcome::Quiet;
                }
                return Outcome::Fail(io_exit(io_err));
            }
            return Outcome::Fail(websocket_exit(ws_err));
        }
        if cause.downcast_ref::<JwtError>().is_some() {
            return Outcome::Fail(Exit::DataErr);
        }
    }
    Outcome::Fail(Exit::Software)
}

/// Network-side I/O errors. Local file errors are wrapped in a `Failure`
/// where they happen, so they never reach this.
fn io_exit(err: &io::Error) -> Exit {
    use io::ErrorKind::*;
    match err.kind() {
        ConnectionRefused | HostUnreachable | NetworkUnreachable | AddrNotAvailable => {
            Exit::Unavailable
        }
        // Timeouts, resets and early EOF: the link failed, a retry may work.
        _ => Exit::TempFail,
    }
}

/// tungstenite errors that are not plain I/O.
pub(crate) fn websocket_exit(err: &tungstenite::Error) -> Exit {
    use tungstenite::Error as E;
    match err {
        // A non-101 answer to the upgrade: anything but auth or overload means
        // the peer is not the WebSocket endpoint we expect.
        E::Http(response) => match http_status_exit(response.status().as_u16()) {
            Exit::Refused => Exit::Protocol,
            exit => exit,
        },
        E::Tls(_) => Exit::Unavailable,
        E::Io(io_err) => io_exit(io_err),
        E::ConnectionClosed | E::AlreadyClosed => Exit::TempFail,
        E::Url(_) => Exit::Config,
        _ => Exit::Protocol,
    }
}

/// A non-101 handshake answer, or a response code outside 2xx.
pub(crate) fn http_status_exit(status: u16) -> Exit {
    match status {
        401 | 403 => Exit::NoPerm,
        408 | 429 | 500..=599 => Exit::TempFail,
        _ => Exit::Refused,
    }
}

/// Close codes LivePerson uses for "the token is no longer good".
pub(crate) fn is_auth_close_code(code: u16) -> bool {
    matches!(code, 4401 | 4407 | 1008)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_classified_cause_wins() {
        let err = fail(Exit::NoPerm, "refused").context("create");
        assert!(matches!(classify(&err), Outcome::Fail(Exit::NoPerm)));
        let pipe = anyhow::Error::new(io::Error::from(io::ErrorKind::BrokenPipe)).context("write");
        assert!(matches!(classify(&pipe), Outcome::Quiet));
        let other = anyhow::anyhow!("unclassified");
        assert!(matches!(classify(&other), Outcome::Fail(Exit::Software)));
    }

    #[test]
    fn statuses_and_close_codes() {
        assert_eq!(http_status_exit(401), Exit::NoPerm);
        assert_eq!(http_status_exit(429), Exit::TempFail);
        assert_eq!(http_status_exit(503), Exit::TempFail);
        assert_eq!(http_status_exit(400), Exit::Refused);
        assert!(is_auth_close_code(4401) && is_auth_close_code(1008));
        assert!(!is_auth_close_code(1000));
    }
}
