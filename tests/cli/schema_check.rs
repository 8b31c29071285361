//! Frames checked against LivePerson's official schemas through the team's
//! validator (`../shared/tools/validate_frame.py`, beside the repository).
//! Without it a check is skipped with a note, unless LP_REQUIRE_SCHEMA_CHECK
//! is set (CI): then it fails. Used by the integration tests and, included
//! by path, by lp-mock's unit tests.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The validator, or None when it is missing and not required.
#[track_caller]
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

/// Asserts that every frame passes as `kind` (request, response,
/// notification); `flags` are the validator's.
#[track_caller]
pub fn check(validator: &Path, flags: &[&str], kind: &str, frames: &[String]) {
    assert!(!frames.is_empty(), "no {kind} frames to check");
    let file = tempfile::NamedTempFile::new().expect("a temporary file");
    fs::write(file.path(), frames.join("\n") + "\n").expect("the frames are written");
    let output = Command::new("python3")
        .arg(validator)
        .args(flags)
        .arg(kind)
        .arg(file.path())
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "{} {kind} frames fail the schemas:\n{}{}",
        frames.len(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Asserts that frames received from the service pass: responses and
/// notifications, each against its schema.
#[track_caller]
pub fn check_received(validator: &Path, frames: &[String]) {
    let (responses, notifications): (Vec<String>, Vec<String>) =
        frames.iter().cloned().partition(|frame| {
            serde_json::from_str::<Value>(frame).is_ok_and(|frame| frame["kind"] == "resp")
        });
    let flags = ["--strict", "--lenient"];
    check(validator, &flags, "response", &responses);
    check(validator, &flags, "notification", &notifications);
}
