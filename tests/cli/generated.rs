//! The documents agree with the binaries: the checked-in man pages and
//! completions are what the documented commands print, and the README's
//! exit table and examples are what the binary says and does.

use std::fs;
use std::path::PathBuf;
use std::process::Command;

use crate::harness::{Setup, bare};

const MOCK: &str = env!("CARGO_BIN_EXE_lp-mock");

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[track_caller]
fn readme() -> String {
    fs::read_to_string(root().join("README.md")).unwrap()
}

/// The README's section under `## title`, up to the next `## ` heading.
#[track_caller]
fn readme_section(title: &str) -> String {
    let readme = readme();
    let heading = format!("\n## {title}\n");
    let start = readme.find(&heading).expect("the README has the section") + heading.len();
    let rest = &readme[start..];
    rest[..rest.find("\n## ").unwrap_or(rest.len())].to_owned()
}

#[test]
fn man_pages_and_completions_are_up_to_date() {
    let mut mock = Command::new(MOCK);
    mock.arg("--man");
    let mut files = vec![(mock, "man/lp-mock.1")];
    let mut consumer = |args: &[&str], path| {
        let mut command = bare();
        command.args(args);
        files.push((command, path));
    };
    consumer(&["man"], "man/lp-consumer.1");
    consumer(&["completion", "bash"], "completions/lp-consumer.bash");
    consumer(&["completion", "zsh"], "completions/_lp-consumer");
    consumer(&["completion", "fish"], "completions/lp-consumer.fish");
    consumer(
        &["completion", "powershell"],
        "completions/_lp-consumer.ps1",
    );
    consumer(&["completion", "elvish"], "completions/lp-consumer.elv");
    for (mut command, path) in files {
        let output = command.output().unwrap();
        assert!(output.status.success(), "{command:?} fails");
        assert!(!output.stdout.is_empty(), "{command:?} prints nothing");
        let checked_in = fs::read(root().join(path)).unwrap_or_default();
        assert!(
            checked_in == output.stdout,
            "{path} is stale: run scripts/generate-docs"
        );
    }
}

#[test]
fn readme_exit_table_is_the_one_in_help() {
    let help = bare().arg("--help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    let table = &help[help.find("\nExit status:\n").expect("--help has the table")..];
    // A row is `  CODE  MEANING`; clap wraps a long one to the terminal's width.
    let mut from_help: Vec<(String, String)> = Vec::new();
    for line in table.lines().skip(2).take_while(|line| !line.is_empty()) {
        let row = line
            .trim_start()
            .split_once(' ')
            .filter(|(code, _)| line.starts_with("  ") && code.parse::<u8>().is_ok());
        match (row, from_help.last_mut()) {
            (Some((code, meaning)), _) => {
                from_help.push((code.to_owned(), meaning.trim_start().to_owned()))
            }
            (None, Some((_, meaning))) => *meaning = format!("{meaning} {}", line.trim()),
            (None, None) => panic!("the table starts with a row: {table}"),
        }
    }
    assert!(from_help.len() > 10, "{table}");

    // Rows whose first cell is a code; `\|` is a `|` inside a cell.
    let from_readme: Vec<(String, String)> = readme_section("Exit status")
        .lines()
        .filter_map(|line| {
            let cells = line.strip_prefix('|')?.replace("\\|", "\u{0}");
            let (code, meaning) = cells.split_once('|')?;
            code.trim().parse::<u8>().ok()?;
            let meaning = meaning.trim_end().strip_suffix('|')?.trim();
            Some((code.trim().to_owned(), meaning.replace('\u{0}', "|")))
        })
        .collect();
    assert_eq!(
        from_readme, from_help,
        "README's exit table differs from the one in src/exit.rs"
    );
}

#[test]
fn readme_close_example_is_what_close_prints() {
    let section = readme_section("Subcommands");
    let example = section
        .lines()
        .find(|line| line.contains("resolved successfully"))
        .expect("the README shows close's output");
    let start = example.find("`{").expect("a JSON line in backquotes") + 1;
    let line = &example[start..start + example[start..].find('`').unwrap()];

    let setup = Setup::new();
    let conversation = setup.create();
    let closed = setup.run(&["close", &conversation]);
    closed.assert_code(0);
    assert_eq!(closed.stdout, format!("{line}\n"));
}

/// The README's bot test script runs as printed, against the built
/// binaries. It needs jq (the demo does too); without it the check is
/// skipped, unless LP_REQUIRE_JQ is set (CI).
#[test]
fn the_readme_bot_test_script_passes() {
    let has_jq = Command::new("jq")
        .arg("--version")
        .output()
        .is_ok_and(|output| output.status.success());
    if !has_jq {
        assert!(
            std::env::var_os("LP_REQUIRE_JQ").is_none(),
            "LP_REQUIRE_JQ is set but jq is missing"
        );
        eprintln!("README bot script skipped: jq not found");
        return;
    }
    let section = readme_section("Testing a bot");
    let script = section
        .lines()
        .filter_map(|line| line.strip_prefix("    "))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(script.starts_with("#!/usr/bin/env bash"), "{script}");
    let binaries = PathBuf::from(MOCK).parent().unwrap().to_owned();
    let path = format!(
        "{}:{}",
        binaries.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let cache = tempfile::tempdir().unwrap();
    let output = Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(root())
        .env_clear()
        .env("PATH", path)
        .env("XDG_CACHE_HOME", cache.path())
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("bot test passed"),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
