//! The command line itself: usage errors and their exit code 2.

use std::process::Output;

use crate::harness::Setup;

fn text(output: &Output) -> (Option<i32>, String, String) {
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn numbers_out_of_range_are_usage_errors_that_say_what_is_expected() {
    let setup = Setup::new();
    let cases: [(&[&str], &str); 6] = [
        (
            &["subscribe", "c", "--from-seq", "-1"],
            "must be a whole number >= 0",
        ),
        (
            &["subscribe", "c", "--from-seq=-1"],
            "must be a whole number >= 0",
        ),
        (
            &["subscribe", "c", "--from-seq", "x"],
            "must be a whole number >= 0",
        ),
        (
            &["subscribe", "c", "--count", "0"],
            "must be a whole number >= 1",
        ),
        (
            &["ack", "c", "--seq", "3,-1"],
            "must be a whole number >= 0",
        ),
        (&["create", "--timeout", "0"], "must be more than 0 seconds"),
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
