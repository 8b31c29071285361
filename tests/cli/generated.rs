//! The checked-in man page and completions match the clap definition.

use std::fs;
use std::path::PathBuf;

use crate::harness::bare;

const FILES: [(&str, &str); 6] = [
    ("man", "man/lp-consumer.1"),
    ("complete-bash", "completions/lp-consumer.bash"),
    ("complete-zsh", "completions/_lp-consumer"),
    ("complete-fish", "completions/lp-consumer.fish"),
    ("complete-powershell", "completions/_lp-consumer.ps1"),
    ("complete-elvish", "completions/lp-consumer.elv"),
];

#[test]
fn man_page_and_completions_are_up_to_date() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    for (kind, path) in FILES {
        let output = bare().args(["--generate", kind]).output().unwrap();
        assert!(output.status.success());
        let checked_in = fs::read(root.join(path)).unwrap_or_default();
        assert!(
            checked_in == output.stdout,
            "{path} is stale: run scripts/generate-docs"
        );
    }
}
