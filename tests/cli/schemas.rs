//! Every frame lp-consumer sends, and every frame lp-mock sends it, passes
//! LivePerson's official schemas through the team's validator
//! (`../shared/tools/validate_frame.py`, beside the repository). Without the
//! validator the check is skipped, unless LP_REQUIRE_SCHEMA_CHECK is set (CI).

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use lp_consumer::mock::MockConfig;
use serde_json::Value;

use crate::harness::Setup;

pub fn validator() -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/tools/validate_frame.py");
    if path.exists() {
        return Some(path);
    }
    assert!(
        std::env::var_os("LP_REQUIRE_SCHEMA_CHECK").is_none(),
        "LP_REQUIRE_SCHEMA_CHECK is set but {} is missing",
        path.display()
    );
    eprintln!("schema check skipped: {} not found", path.display());
    None
}

pub fn validate(validator: &PathBuf, flags: &[&str], kind: &str, frames: &[String]) {
    assert!(!frames.is_empty(), "no {kind} frames to check");
    let file = tempfile::NamedTempFile::new().unwrap();
    fs::write(file.path(), frames.join("\n") + "\n").unwrap();
    let output = Command::new("python3")
        .arg(validator)
        .args(flags)
        .arg(kind)
        .arg(file.path())
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "{kind} frames fail the schemas:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn sent_and_received_frames_pass_the_official_schemas() {
    let Some(validator) = validator() else {
        return;
    };
    let setup = Setup::with(MockConfig {
        agent_echo: true,
        ..MockConfig::default()
    });
    let conversation = setup.create();
    setup.run(&["send", &conversation, "hello"]).assert_code(0);
    setup
        .run_stdin(&["send", &conversation], "two\nthree\n")
        .assert_code(0);
    // A keep-alive every 50 ms while idle puts GetClock requests on the wire.
    let received = setup.run(&[
        "subscribe",
        &conversation,
        "--frames",
        "--keepalive",
        "0.05",
        "--idle-timeout",
        "0.3",
    ]);
    received.assert_code(0);
    setup
        .run(&["ack", &conversation, "--seq", "1"])
        .assert_code(0);
    setup.run(&["conversations", "--all"]).assert_code(0);
    setup.run(&["close", &conversation]).assert_code(0);
    setup.run(&["create"]).assert_code(0);
    setup.run(&["create"]).assert_code(1);

    let requests = setup.server.requests();
    for expected in [
        "\"GetClock\"",
        "\"cqm.SubscribeExConversations\"",
        "\"cqm.UnsubscribeExConversations\"",
        "\"AcceptStatusEvent\"",
        "\"cm.UpdateConversationField\"",
    ] {
        assert!(
            requests.iter().any(|r| r.contains(expected)),
            "no {expected} sent"
        );
    }
    validate(&validator, &["--strict"], "request", &requests);

    let (responses, notifications): (Vec<String>, Vec<String>) = received
        .lines
        .iter()
        .map(Value::to_string)
        .partition(|frame| frame.contains("\"kind\":\"resp\""));
    validate(
        &validator,
        &["--strict", "--lenient"],
        "response",
        &responses,
    );
    validate(
        &validator,
        &["--strict", "--lenient"],
        "notification",
        &notifications,
    );
}
