//! The command line itself: help texts, usage errors and their exit code 2.

use std::process::Output;

use crate::harness::{Setup, bare};

fn text(output: &Output) -> (Option<i32>, String, String) {
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[track_caller]
fn printed(args: &[&str]) -> String {
    let (code, stdout, stderr) = text(&bare().args(args).output().unwrap());
    assert_eq!(code, Some(0), "{stderr}");
    stdout
}

#[test]
fn without_a_subcommand_the_usage_says_one_is_required() {
    let (code, _, stderr) = text(&bare().output().unwrap());
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("Usage: lp-consumer [OPTIONS] <COMMAND>"),
        "{stderr}"
    );
    assert!(printed(&["--help"]).contains("Usage: lp-consumer [OPTIONS] <COMMAND>"));
}

#[test]
fn a_usage_error_shows_what_was_typed_not_the_environment() {
    let setup = Setup::new();
    let mut command = setup.cmd();
    command.env("LP_ACCOUNT", "4242").arg("send");
    let (code, _, stderr) = text(&command.output().unwrap());
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("Usage: lp-consumer send <CONV> [TEXT]"),
        "{stderr}"
    );

    let mut command = setup.cmd();
    command.args([
        "subscribe",
        "c",
        "--follow",
        "--count",
        "1",
        "--timeout",
        "5",
    ]);
    let (code, _, stderr) = text(&command.output().unwrap());
    assert_eq!(code, Some(2));
    let usage = stderr
        .lines()
        .find(|line| line.starts_with("Usage:"))
        .unwrap();
    // The subcommand's own flags as typed; global ones are left out.
    assert_eq!(usage, "Usage: lp-consumer subscribe --follow <CONV>");
    for flag in ["--jwt", "--account", "--url"] {
        assert!(!stderr.contains(flag), "{flag} shown as typed: {stderr}");
    }
    assert!(!stderr.contains(&setup.token));
}

#[test]
fn subcommand_help_shows_its_own_options_and_names_the_global_ones() {
    for long in [false, true] {
        let help = printed(&["subscribe", if long { "--help" } else { "-h" }]);
        let own = help.find("--from-seq <N>").expect("its own options");
        let globals = help
            .find("Global options, before or after the subcommand")
            .expect("the global options named");
        assert!(own < globals);
        assert!(
            help[globals..].contains(" --jwt,") && help[globals..].contains("-v/--verbose"),
            "{help}"
        );
        assert!(
            !help.contains("--jwt <TOKEN>"),
            "globals listed in full: {help}"
        );
        assert_eq!(help.contains("\nExit status:\n"), long, "{help}");
    }
    let help = printed(&["close", "--help"]);
    assert!(help.contains("  77   authentication refused"), "{help}");
    // The top level still describes every global option.
    assert!(printed(&["--help"]).contains("--jwt <TOKEN>"));
}

#[test]
fn an_env_fallback_shows_its_value_only_when_set_and_never_the_token() {
    let unset = printed(&["--help"]);
    assert!(unset.contains("[env: LP_ACCOUNT]"), "{unset}");
    assert!(!unset.contains("=]"), "{unset}");

    let setup = Setup::new();
    let mut command = setup.cmd();
    command.env("LP_ACCOUNT", "4242").arg("--help");
    let (code, set, _) = text(&command.output().unwrap());
    assert_eq!(code, Some(0));
    assert!(set.contains("[env: LP_ACCOUNT=4242]"), "{set}");
    assert!(set.contains("[env: LP_JWT]"), "{set}");
    assert!(!set.contains(&setup.token));
}

#[test]
fn ack_help_names_the_values_it_takes() {
    let help = printed(&["ack", "--help"]);
    assert!(
        help.contains("- read:") && help.contains("- accept:"),
        "{help}"
    );
    assert!(help.contains("[default: read]"), "{help}");
    assert!(
        !help.contains("READ (") && !help.contains("ACCEPT ("),
        "{help}"
    );
}

#[test]
fn numbers_out_of_range_are_usage_errors_that_say_what_is_expected() {
    let setup = Setup::new();
    let cases: [(&[&str], &str); 14] = [
        (&["send", "", "hi"], "a value is required for '<CONV>'"),
        (
            &["domains", "--service", ""],
            "a value is required for '--service <NAME>'",
        ),
        (
            &["subscribe", "c", "--from-seq", "-1"],
            "must be a whole number from 0 to 18446744073709551614",
        ),
        (
            &["subscribe", "c", "--from-seq=-1"],
            "must be a whole number from 0 to 18446744073709551614",
        ),
        (
            &["subscribe", "c", "--from-seq", "x"],
            "must be a whole number from 0 to 18446744073709551614",
        ),
        (
            &["subscribe", "c", "--count", "0"],
            "must be a whole number >= 1",
        ),
        (
            &["ack", "c", "--seq", "3,-1"],
            "must be a whole number >= 0",
        ),
        (
            &["create", "--timeout", "0"],
            "must be a number of seconds > 0",
        ),
        (
            &["subscribe", "c", "--idle-timeout", "-1"],
            "must be a number of seconds > 0",
        ),
        (
            &["create", "--timeout", "99999999999999999999"],
            "is too large a number of seconds",
        ),
        (
            &["create", "--keepalive", "-5"],
            "must be a number of seconds >= 0",
        ),
        (
            &["chat", "--turns", "--settle", "-1"],
            "must be a number of seconds >= 0",
        ),
        (
            &["create", "--max-frame-bytes", "300"],
            "must be a whole number of bytes >= 1024",
        ),
        (
            &["click", "c", "--seq", "-2", "--choice", "1"],
            "must be a whole number >= 0",
        ),
    ];
    for (args, message) in cases {
        let (code, _, stderr) = text(&setup.cmd().args(args).output().unwrap());
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(!stderr.contains("tip:"), "{args:?}: {stderr}");
    }
    assert_eq!(setup.server.connections(), 0);
    // 0 keeps its meaning where it has one: no keep-alive.
    setup
        .run(&["conversations", "--keepalive", "0"])
        .assert_code(0);
}

#[test]
fn completion_and_man_are_documented_commands() {
    let help = printed(&["--help"]);
    assert!(help.contains("\n  completion "), "{help}");
    assert!(help.contains("\n  man "), "{help}");
    assert!(printed(&["man"]).starts_with(".ie"));
}

#[test]
fn help_that_cannot_be_written_is_exit_74() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let output = bare().arg("--help").stdout(full).output().unwrap();
    assert_eq!(output.status.code(), Some(74));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "lp-consumer: cannot write to standard output: No space left on device\n"
    );
}
