//! `--version` names the build: the commit and its date when built from this
//! checkout, and with -v the TLS library the process runs with.

use std::process::Command;

use crate::harness::bare;

const MOCK: &str = env!("CARGO_BIN_EXE_lp-mock");

#[track_caller]
fn printed(command: &mut Command) -> String {
    let output = command.output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// `0.1.0 (rev 2c3ec75, 2026-11-30)` when git knows the checkout the tests
/// run in, `0.1.0` otherwise: the build saw what the tests see.
#[track_caller]
fn expected_version() -> String {
    let version = env!("CARGO_PKG_VERSION");
    let head = Command::new("git")
        .arg("-C")
        .arg(env!("CARGO_MANIFEST_DIR"))
        .args(["log", "-1", "--date=short", "--format=%h, %cd"])
        .output();
    match head {
        Ok(output) if output.status.success() => {
            let head = String::from_utf8(output.stdout).unwrap();
            format!("{version} (rev {})", head.trim())
        }
        _ => version.to_owned(),
    }
}

#[test]
fn the_version_names_the_commit_it_was_built_from() {
    let line = format!("lp-consumer {}\n", expected_version());
    assert_eq!(printed(bare().arg("--version")), line);
    assert_eq!(printed(bare().arg("-V")), line);
    let mock = printed(Command::new(MOCK).arg("--version"));
    assert_eq!(mock, format!("lp-mock {}\n", expected_version()));
}

#[test]
fn with_verbose_the_version_names_the_tls_library_too() {
    let expected = format!(
        "lp-consumer {}\nTLS: {}\n",
        expected_version(),
        openssl::version::version()
    );
    assert!(expected.contains("TLS: OpenSSL "), "{expected}");
    for args in [
        &["--version", "--verbose"][..],
        &["-v", "--version"],
        &["-vV"],
        &["--account", "4242", "--version", "-v"],
    ] {
        assert_eq!(printed(bare().args(args)), expected, "{args:?}");
    }
    let mock = expected.replacen("lp-consumer", "lp-mock", 1);
    for args in [&["--version", "--verbose"][..], &["-vV"]] {
        assert_eq!(printed(Command::new(MOCK).args(args)), mock, "{args:?}");
    }
}
