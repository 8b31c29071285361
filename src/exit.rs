//! The exit-code table, and the one place where an error becomes an exit code.

use std::fmt;
use std::io;

use crate::jwt::JwtError;
use crate::reconnect::LinkError;

/// Declares `Exit` with each variant's code and meaning, so that the codes
/// and every copy of the table (`--help`, the man page, the README, checked
/// by a test) come from this one list.
macro_rules! exits {
    ($($name:ident = $code:literal: $meaning:literal,)*) => {
        /// Why the program stopped. The numbers follow sysexits.h where one
        /// fits and are part of the interface: scripts branch on them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub(crate) enum Exit {
            $(#[doc = $meaning] $name,)*
        }

        impl Exit {
            /// Every variant, in the table's order.
            const ALL: &[Exit] = &[$(Exit::$name),*];

            pub(crate) fn code(self) -> u8 {
                match self {
                    $(Exit::$name => $code,)*
                }
            }

            fn meaning(self) -> &'static str {
                match self {
                    $(Exit::$name => $meaning,)*
                }
            }
        }
    };
}

exits! {
    Refused = 1: "the service refused the request (non-2xx code, shown on stderr); test: a convo did not pass",
    Usage = 2: "usage error",
    DataErr = 65: "bad input data (JWT, JSON argument, state file, stdin, a choice that cannot be clicked)",
    NoInput = 66: "cannot read --jwt-file, --cacert, --auth-code-file, --state-file; test: PATH missing or empty",
    Unavailable = 69: "service unavailable (DNS, connection refused, TLS handshake)",
    Software = 70: "internal error (a bug: please report it)",
    IoErr = 74: "output or a local file cannot be written",
    TempFail = 75: "temporary failure, retry later (timeout, lost or dead link, 429, 5xx, state file in use)",
    Protocol = 76: "protocol error (not WebSocket, frame not JSON, unexpected shape)",
    NoPerm = 77: "authentication refused (401/403, close 4401/4407/1008, expired token, IdP, --jwt-command)",
    Config = 78: "missing or invalid configuration",
    Interrupted = 130: "interrupted by SIGINT (after sending a close frame)",
    Terminated = 143: "terminated by SIGTERM (after sending a close frame)",
}

/// Every exit status with its meaning, 0 first: the one table.
pub(crate) fn table() -> impl Iterator<Item = (u8, &'static str)> {
    let success = "success (also when stdout is closed early, as by `| head -n 1`)";
    std::iter::once((0, success)).chain(Exit::ALL.iter().map(|exit| (exit.code(), exit.meaning())))
}

/// An error that knows its exit code. The message is what follows
/// `lp-consumer: ` on stderr, and never contains the token.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) exit: Exit,
    pub(crate) message: String,
    /// What went wrong with the link, for the reconnect decision; None for
    /// anything a new connection does not mend.
    pub(crate) link: Option<LinkError>,
}

/// An error with its exit code, ready for `?`.
pub(crate) fn fail(exit: Exit, message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(Failure {
        exit,
        message: message.into(),
        link: None,
    })
}

/// A failure of the link: `link` says what went wrong, for the reconnect
/// decision.
pub(crate) fn link_failure(
    exit: Exit,
    link: LinkError,
    message: impl Into<String>,
) -> anyhow::Error {
    anyhow::Error::new(Failure {
        exit,
        message: message.into(),
        link: Some(link),
    })
}

/// The same failure (exit code, link error) said with more: `addition` is
/// appended to its one line. Signals and a reader that left stay as they
/// are.
pub(crate) fn amended(err: anyhow::Error, addition: &str) -> anyhow::Error {
    let Outcome::Fail(exit) = classify(&err) else {
        return err;
    };
    if matches!(exit, Exit::Interrupted | Exit::Terminated) {
        return err;
    }
    anyhow::Error::new(Failure {
        exit,
        message: format!("{err:#}{addition}"),
        link: link_error(&err),
    })
}

/// The error for a handshake status or response code.
pub(crate) fn status_failure(exit: Exit, status: u16, message: impl Into<String>) -> anyhow::Error {
    link_failure(exit, LinkError::Status(status), message)
}

/// What went wrong with the link, as the first failure in the chain says.
pub(crate) fn link_error(err: &anyhow::Error) -> Option<LinkError> {
    err.chain()
        .find_map(|cause| cause.downcast_ref::<Failure>())
        .and_then(|failure| failure.link)
}

/// Whether `err`, from a request that went out, is the service's answer
/// (a refusal) rather than a link that failed before the answer came.
pub(crate) fn answered(err: &anyhow::Error) -> bool {
    matches!(link_error(err), Some(LinkError::Status(_)))
}

/// What a failure's line adds when `request` went out and its answer was
/// lost: what `may` have happened all the same.
pub(crate) fn lost_answer(request: &str, may: &str) -> String {
    format!("; {request} went out, and its answer was lost: {may}")
}

/// `err` of `request`, which went out: when the link failed before the
/// answer came, the line says so and what `may` have happened.
pub(crate) fn unanswered(err: anyhow::Error, request: &str, may: &str) -> anyhow::Error {
    if link_error(&err).is_some() && !answered(&err) {
        amended(err, &lost_answer(request, may))
    } else {
        err
    }
}

/// The link error behind a tungstenite error that is not a status.
pub(crate) fn websocket_link(err: &tungstenite::Error) -> Option<LinkError> {
    use tungstenite::Error as E;
    use tungstenite::error::ProtocolError as P;
    match err {
        // A write after the server's close frame came in: the server ended
        // the connection.
        E::ConnectionClosed
        | E::AlreadyClosed
        | E::Protocol(P::ResetWithoutClosingHandshake | P::SendAfterClosing) => {
            Some(LinkError::Dropped)
        }
        E::Io(io_err) => Some(match io_exit(io_err) {
            Exit::Unavailable => LinkError::Unreachable,
            _ => LinkError::Dropped,
        }),
        E::Tls(_) => Some(LinkError::Unreachable),
        E::Http(response) => Some(LinkError::Status(response.status().as_u16())),
        _ => None,
    }
}

/// A failure of the WebSocket to `host`, typed for the reconnect decision.
pub(crate) fn websocket_failure(host: &str, err: tungstenite::Error) -> anyhow::Error {
    use tungstenite::Error as E;
    use tungstenite::error::ProtocolError as P;
    let message = match &err {
        E::ConnectionClosed | E::AlreadyClosed => "the connection is closed".to_owned(),
        E::Protocol(P::SendAfterClosing) => "the server closed the connection".to_owned(),
        E::Protocol(P::ResetWithoutClosingHandshake) => {
            "the connection dropped without a close frame".to_owned()
        }
        E::Io(io_err) => format!("the connection failed: {}", err_text(io_err)),
        E::Capacity(limit) => format!(
            "the server sent a message larger than --max-frame-bytes allows ({limit}); \
             raise --max-frame-bytes to read it"
        ),
        other => format!("the server broke the WebSocket protocol: {other}"),
    };
    let exit = match &err {
        E::Protocol(P::ResetWithoutClosingHandshake | P::SendAfterClosing) => Exit::TempFail,
        other => websocket_exit(other),
    };
    let message = format!("{}: {message}", host);
    match websocket_link(&err) {
        Some(link) => link_failure(exit, link, message),
        None => fail(exit, message),
    }
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

/// The error for an input file that cannot be read: named by `flag`, or
/// (None) given as an argument.
pub(crate) fn unreadable(
    flag: Option<&str>,
    path: &std::path::Path,
    err: &io::Error,
) -> anyhow::Error {
    let flag = flag.map(|flag| format!("{flag} ")).unwrap_or_default();
    fail(
        Exit::NoInput,
        format!("cannot read {flag}{}: {}", path.display(), err_text(err)),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_after_the_servers_close_is_a_dropped_link_not_a_protocol_error() {
        let err = websocket_failure(
            "example.net",
            tungstenite::Error::Protocol(tungstenite::error::ProtocolError::SendAfterClosing),
        );
        assert_eq!(link_error(&err), Some(LinkError::Dropped));
        assert!(matches!(classify(&err), Outcome::Fail(Exit::TempFail)));
        assert_eq!(
            format!("{err:#}"),
            "example.net: the server closed the connection"
        );
    }

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
    fn the_table_lists_each_code_once_in_order() {
        let codes: Vec<u8> = table().map(|(code, _)| code).collect();
        assert!(codes.windows(2).all(|pair| pair[0] < pair[1]), "{codes:?}");
        assert_eq!(codes.len(), Exit::ALL.len() + 1);
    }

    #[test]
    fn statuses() {
        assert_eq!(http_status_exit(401), Exit::NoPerm);
        assert_eq!(http_status_exit(429), Exit::TempFail);
        assert_eq!(http_status_exit(503), Exit::TempFail);
        assert_eq!(http_status_exit(400), Exit::Refused);
    }
}
