//! `jwt-sub`: no network, every way of passing the token, every bad token.

use std::io::Write;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE, URL_SAFE_NO_PAD};
use lp_consumer::encode_unsigned;
use serde_json::json;

use crate::harness::{bare, run};

/// `?>` encodes to `/` and `+` in standard base64 and to `_` and `-` in
/// base64url: the characters the tutorial's `sed | base64` gets wrong.
const AWKWARD_SUB: &str = "consumer?>?>~~";

#[test]
fn prints_the_claims_from_the_environment() {
    let token = encode_unsigned(&json!({"sub": AWKWARD_SUB, "iss": "https://idp.liveperson.net"}));
    let result = run(bare().arg("jwt-sub").env("LP_JWT", &token), None, &token);
    result.assert_code(0);
    assert_eq!(result.lines.len(), 1);
    assert_eq!(result.lines[0]["sub"], AWKWARD_SUB);
    assert_eq!(result.lines[0]["iss"], "https://idp.liveperson.net");
    assert!(result.stderr.is_empty());
}

#[test]
fn reads_the_token_from_a_file_and_from_stdin() {
    let token = encode_unsigned(&json!({"sub": "from-file"}));
    let mut file = tempfile::NamedTempFile::new().unwrap();
    writeln!(file, "{token}").unwrap();
    let path = file.path().to_str().unwrap();
    // The file wins over LP_JWT.
    let result = run(
        bare()
            .args(["jwt-sub", "--jwt-file", path])
            .env("LP_JWT", "not.a.token"),
        None,
        &token,
    );
    result.assert_code(0);
    assert_eq!(result.lines[0]["sub"], "from-file");

    let result = run(
        bare().args(["jwt-sub", "--jwt-file", "-"]),
        Some(&format!("{token}\n")),
        &token,
    );
    result.assert_code(0);
    assert_eq!(result.lines[0]["sub"], "from-file");
}

#[test]
fn accepts_padded_and_standard_base64_payloads() {
    let payload = format!(r#"{{"sub":"{AWKWARD_SUB}"}}"#);
    for encoded in [URL_SAFE.encode(&payload), STANDARD.encode(&payload)] {
        let token = format!("eyJhbGciOiJub25lIn0.{encoded}.c2ln");
        let result = run(bare().args(["jwt-sub", "--jwt", &token]), None, &token);
        result.assert_code(0);
        assert_eq!(result.lines[0]["sub"], AWKWARD_SUB);
    }
}

#[test]
fn an_expired_token_is_printed_with_a_warning() {
    let token = encode_unsigned(&json!({"sub": "old", "exp": 1_000_000_000}));
    let result = run(bare().arg("jwt-sub").env("LP_JWT", &token), None, &token);
    result.assert_code(0);
    assert_eq!(result.lines[0]["sub"], "old");
    assert!(
        result
            .stderr
            .starts_with("lp-consumer: warning: the JWT expired")
    );
}

#[test]
fn bad_tokens_exit_65_naming_the_part() {
    let encode = |text: &str| URL_SAFE_NO_PAD.encode(text);
    let head = encode(r#"{"alg":"RS256"}"#);
    let good = encode(r#"{"sub":"x"}"#);
    let cases = [
        ("only.two".to_owned(), "has 2 dot-separated parts"),
        (
            format!("{head}.%%%%.sig"),
            "payload (second part) is not base64",
        ),
        (format!("{head}.{}.sig", encode("not json")), "is not JSON"),
        (
            format!("{head}.{}.sig", encode("[1,2]")),
            "not a JSON object",
        ),
        (
            format!("{head}.{}.sig", encode(r#"{"iss":"x"}"#)),
            "no \"sub\" claim, or an empty one",
        ),
        (
            format!("{head}.{}.sig", encode(r#"{"sub":""}"#)),
            "no \"sub\" claim, or an empty one",
        ),
        // `login`'s JSON line where the bare token belongs.
        (
            format!(r#"{{"jwt":"{head}.{good}.sig","sub":"x"}}"#),
            "the header (first part) is not base64 JSON",
        ),
        (format!("{head}.{good}.@@@"), "the signature (third part)"),
    ];
    for (token, message) in cases {
        let result = run(bare().arg("jwt-sub").env("LP_JWT", &token), None, &token);
        result.assert_error(65, message);
        assert!(result.stdout.is_empty());
    }
}

#[test]
fn missing_token_exits_78_and_says_what_to_set() {
    let result = run(bare().arg("jwt-sub"), None, "");
    result.assert_error(78, "set LP_JWT or pass --jwt-file");
}

#[test]
fn unreadable_token_file_exits_66() {
    let result = run(
        bare().args(["jwt-sub", "--jwt-file", "/nonexistent/token"]),
        None,
        "",
    );
    result.assert_error(66, "cannot read --jwt-file /nonexistent/token");
}

#[test]
fn a_token_file_that_is_not_text_exits_65() {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), b"\xff\xfe").unwrap();
    let result = run(
        bare().arg("jwt-sub").arg("--jwt-file").arg(file.path()),
        None,
        "",
    );
    result.assert_error(65, "not UTF-8 text");
}
