//! `lp-consumer completion bash`, loaded into a real bash and asked to
//! complete as bash does on TAB: beyond the first word, flags and values.

use std::process::Command;

use crate::harness::bare;

/// What bash offers for `words`, the last one being completed, with the
/// script that `completion bash` prints loaded.
#[track_caller]
fn complete(words: &[&str]) -> Vec<String> {
    let script = bare().args(["completion", "bash"]).output().unwrap();
    assert!(script.status.success());
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &script.stdout).unwrap();
    // Calls the registered function as bash does: COMP_WORDS and COMP_CWORD
    // set, and the command, the current word and the previous one as arguments.
    let driver = r#"
        source "$1"; shift
        spec=$(complete -p lp-consumer) || exit 1
        function=$(sed -E 's/.* -F ([^ ]+) .*/\1/' <<<"$spec")
        COMP_WORDS=("$@")
        COMP_CWORD=$(( $# - 1 ))
        "$function" lp-consumer "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
        printf '%s\n' "${COMPREPLY[@]}"
    "#;
    let output = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", driver, "bash"])
        .arg(file.path())
        .args(words)
        .output()
        .expect("bash runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn bash_completes_a_subcommand_its_flags_and_their_values() {
    assert_eq!(complete(&["lp-consumer", "subsc"]), ["subscribe"]);
    assert_eq!(
        complete(&["lp-consumer", "subscribe", "--fr"]),
        ["--from-seq", "--from", "--frames"]
    );
    assert_eq!(complete(&["lp-consumer", "create", "--s"]), ["--skill"]);
    assert_eq!(
        complete(&["lp-consumer", "ack", "x", "--status", ""]),
        ["read", "accept"]
    );
    assert_eq!(
        complete(&["lp-consumer", "subscribe", "c", "--from", ""]),
        ["agent", "consumer", "any"]
    );
    // Global options after the subcommand.
    assert_eq!(complete(&["lp-consumer", "send", "--time"]), ["--timeout"]);
}
