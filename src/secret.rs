//! A value that must never be shown: the token, proxy credentials. Its
//! `Debug` prints a placeholder, so it cannot leak through `{:?}`. And what
//! else keeps secrets where they belong: no core dumps, and a warning
//! before one travels unencrypted.

use std::fmt;

use crate::{address, sanitise};

#[derive(Clone)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(text: String) -> Secret {
        Secret(text)
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// No core dumps for the rest of the run (a crash must not write the
/// token to disk); children inherit it. Best effort: nothing to report.
pub(crate) fn no_core_dumps() {
    let none = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: setrlimit(2) reads the struct it is given.
    unsafe { libc::setrlimit(libc::RLIMIT_CORE, &none) };
}

/// Says, on one line, that `what` (the token, an authCode) is about to go
/// unencrypted (`scheme`, plain) to `host`, unless that host is this
/// machine.
pub(crate) fn warn_if_plain(what: &str, scheme: &str, host: &str) {
    if !address::is_loopback(host) {
        eprintln!(
            "lp-consumer: warning: {what} goes unencrypted to {} ({scheme}://): anyone on the \
             way can read it; use {scheme}s://",
            sanitise::line(host)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        assert_eq!(
            format!("{:?}", Secret::new("abc.def.ghi".into())),
            "Secret(<redacted>)"
        );
    }
}
