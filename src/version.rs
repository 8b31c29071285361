//! What this build is, for `--version` and bug reports.

/// `0.1.0 (rev 2c3ec75, 2026-11-30)`, or `0.1.0` when not built from a git
/// checkout (see build.rs).
pub const VERSION: &str = env!("LP_CONSUMER_VERSION");

/// The help of `-V/--version`, in both binaries.
pub const VERSION_HELP: &str = "Print version; with -v, also the TLS library";

/// `--version --verbose`: the version line, then the TLS library the process
/// runs with (OpenSSL's own report: the shared library loaded, which may be
/// newer than the one built against), for TLS bug reports.
pub(crate) fn verbose(name: &str) -> String {
    format!("{name} {VERSION}\nTLS: {}\n", openssl::version::version())
}
