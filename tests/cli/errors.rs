//! Every exit code of the table, produced for real.

use std::net::TcpListener;

use lp_consumer::encode_unsigned;
use lp_consumer::mock::{Faults, MockConfig};
use serde_json::json;

use crate::harness::{Setup, bare, run};

#[track_caller]
fn faulty(faults: Faults) -> Setup {
    Setup::with(MockConfig {
        faults,
        ..MockConfig::default()
    })
}

#[test]
fn refused_request_exits_1_with_the_code_and_message() {
    let setup = Setup::new();
    setup.create();
    let run = setup.run(&["create"]);
    run.assert_error(1, "cm.ConsumerRequestConversation refused with code 400");
    assert!(run.stdout.is_empty());
    // A refusal is an answer: nothing is said of an answer lost.
    for args in [
        &["send", "no-such-conversation", "hi"][..],
        &["send", "no-such-conversation", "--reconnect", "hi"],
    ] {
        let run = setup.run(args);
        run.assert_error(1, "ms.PublishEvent refused with code 400");
        assert!(!run.stderr.contains("lost"), "{}", run.stderr);
    }
}

#[test]
fn usage_errors_exit_2() {
    let setup = Setup::new();
    assert_eq!(setup.run(&["subscribe"]).code, Some(2));
    assert_eq!(setup.run(&["--no-such-flag", "create"]).code, Some(2));
    assert_eq!(setup.run(&[]).code, Some(2));
    assert_eq!(setup.run(&["subscribe", "c", "--count", "0"]).code, Some(2));
    assert_eq!(setup.run(&["create", "--timeout", "0"]).code, Some(2));
    // No attempt at all would be no --reconnect.
    let run = setup.run(&["subscribe", "c", "--reconnect", "--max-retries", "0"]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr.contains("must be a whole number >= 1"),
        "{}",
        run.stderr
    );
    setup
        .run_stdin(&["send", "c", "--jwt-file", "-"], "")
        .assert_error(2, "--jwt-file - cannot");
}

#[test]
fn bad_json_argument_exits_65() {
    let setup = Setup::new();
    setup
        .run(&["create", "--context", "{not json"])
        .assert_error(65, "--context is not JSON");
    setup
        .run(&["create", "--context", "[1]"])
        .assert_error(65, "--context must be a JSON object");
}

#[test]
fn non_utf8_stdin_exits_65() {
    let setup = Setup::new();
    let conversation = setup.create();
    let mut command = setup.cmd();
    command.args(["send", &conversation]);
    let mut child = command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"ok\n\xff\xfe\n")
        .unwrap();
    let run = crate::harness::finish(child.wait_with_output().unwrap(), &setup.token);
    run.assert_error(
        65,
        "line 2 of standard input is not UTF-8 (1 message sent and confirmed before it)",
    );
    assert_eq!(run.sequences(), vec![0]);
}

#[test]
fn blank_text_is_never_a_message() {
    let setup = Setup::new();
    let conversation = setup.create();
    for (text, said) in [
        ("", "TEXT is empty"),
        ("  \t ", "TEXT is blank (white space only)"),
    ] {
        setup
            .run(&["send", &conversation, text])
            .assert_error(65, said);
    }
    // From stdin, blank lines are skipped alike.
    let run = setup.run_stdin(&["send", &conversation], "one\n\n \t\ntwo\n");
    run.assert_code(0);
    assert_eq!(run.sequences(), vec![0, 1]);
}

#[test]
fn a_message_no_reader_could_read_back_is_refused() {
    let setup = Setup::new();
    let conversation = setup.create();
    let big = "x".repeat(6000);
    let run = setup.run(&["send", &conversation, &big, "--max-frame-bytes", "4096"]);
    run.assert_error(
        65,
        "the message (6000 bytes) would reach readers in a frame of ",
    );
    assert!(
        run.stderr
            .contains("bytes; they accept frames up to --max-frame-bytes (4096 bytes)"),
        "{}",
        run.stderr
    );
    let quotes = "\"".repeat(3000);
    setup
        .run(&["send", &conversation, &quotes, "--max-frame-bytes", "4096"])
        .assert_error(65, "the message (3000 bytes, 6000 escaped as JSON)");
    let run = setup.run_stdin(
        &["send", &conversation, "--max-frame-bytes", "4096"],
        &format!("fine\n{big}\n"),
    );
    run.assert_error(65, "line 2: the message (6000 bytes)");
    assert!(
        run.stderr
            .contains("(1 message sent and confirmed before it)"),
        "{}",
        run.stderr
    );
    assert_eq!(run.sequences(), vec![0]);
}

#[test]
fn the_largest_message_send_accepts_is_read_back_at_the_same_limit() {
    let setup = Setup::new();
    let conversation = setup.create();
    // Short messages pass at the smallest limit there is.
    setup
        .run(&["send", &conversation, "hi", "--max-frame-bytes", "1024"])
        .assert_code(0);
    // The refusal says the frame's size; the frame's envelope is the rest.
    let refused = setup.run(&[
        "send",
        &conversation,
        &"x".repeat(1024),
        "--max-frame-bytes",
        "1024",
    ]);
    refused.assert_code(65);
    let frame: usize = refused
        .stderr
        .split("in a frame of ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|bytes| bytes.parse().ok())
        .unwrap_or_else(|| panic!("{}", refused.stderr));
    let largest = 1024 - (frame - 1024);
    setup
        .run(&[
            "send",
            &conversation,
            &"x".repeat(largest + 1),
            "--max-frame-bytes",
            "1024",
        ])
        .assert_code(65);
    let sent = setup.run(&[
        "send",
        &conversation,
        &"x".repeat(largest),
        "--max-frame-bytes",
        "1024",
    ]);
    sent.assert_code(0);
    let sequence = sent.json()[0]["sequence"].to_string();
    let read = setup.run(&[
        "subscribe",
        &conversation,
        "--from-seq",
        &sequence,
        "--count",
        "1",
        "--max-frame-bytes",
        "1024",
    ]);
    read.assert_code(0);
    assert_eq!(
        read.json()[0]["event"]["message"].as_str().unwrap().len(),
        largest
    );
}

#[test]
fn connection_refused_exits_69() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let token = encode_unsigned(&json!({"sub": "x"}));
    let result = run(
        bare()
            .args(["create", "--url", &format!("ws://127.0.0.1:{port}/ws")])
            .env("LP_JWT", &token),
        None,
        &token,
    );
    result.assert_error(69, &format!("cannot connect to 127.0.0.1:{port}"));
}

#[test]
fn overloaded_or_failing_server_exits_75() {
    for status in [429, 503] {
        let setup = faulty(Faults {
            handshake_status: Some(status),
            ..Faults::default()
        });
        setup
            .run(&["create"])
            .assert_error(75, &format!("HTTP {status}"));
    }
}

#[test]
fn a_stop_and_continue_during_the_handshake_is_no_failure() {
    // A socket read with a timeout fails with EINTR once a stopped process
    // goes on (as after any handled signal): the handshake must wait on,
    // here until its timeout, not fail on the spot.
    let setup = faulty(Faults {
        stall: true,
        ..Faults::default()
    });
    let child = crate::harness::spawn(setup.cmd().args(["create", "--timeout", "2"]));
    let wchan = format!("/proc/{}/wchan", child.id());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    // Accepted, and reading the answer to the upgrade.
    while setup.server.stalled() == 0
        || !std::fs::read_to_string(&wchan).is_ok_and(|at| at.contains("wait"))
    {
        assert!(
            std::time::Instant::now() < deadline,
            "never waited for the upgrade"
        );
        std::thread::yield_now();
    }
    crate::harness::signal(&child, "STOP");
    crate::harness::signal(&child, "CONT");
    let run = crate::harness::finish(child.wait_with_output().unwrap(), &setup.token);
    run.assert_error(75, "timed out after 2 s");
}

#[test]
fn a_silent_server_exits_75_within_the_timeout() {
    let setup = faulty(Faults {
        stall: true,
        ..Faults::default()
    });
    setup
        .run(&["create", "--timeout", "0.5"])
        .assert_error(75, "timed out after 0.5 s");
    // A person (here through --verbose) hears that the wait goes on.
    let run = setup.run(&["create", "--timeout", "1", "--verbose"]);
    run.assert_code(75);
    assert!(
        run.stderr
            .contains("still waiting for 127.0.0.1 to answer the WebSocket handshake ("),
        "{}",
        run.stderr
    );
}

#[test]
fn a_dead_link_is_noticed_by_the_keepalive_and_exits_75() {
    let (setup, conversation) = Setup::with_history(
        1,
        Faults {
            // The subscription's response and one event, then silence.
            deaf_after: Some(2),
            ..Faults::default()
        },
    );
    let run = setup.run(&[
        "subscribe",
        &conversation,
        "--follow",
        "--keepalive",
        "0.1",
        "--timeout",
        "0.5",
    ]);
    run.assert_error(75, "no answer to the keep-alive within 0.5 s");
    assert_eq!(run.sequences(), vec![0]);
}

#[test]
fn a_dropped_connection_exits_75() {
    let (setup, conversation) = Setup::with_history(
        3,
        Faults {
            drop_after: Some(2),
            ..Faults::default()
        },
    );
    let run = setup.run(&["subscribe", &conversation]);
    run.assert_error(75, "dropped");
    assert_eq!(run.sequences(), vec![0]);
}

#[test]
fn an_abnormal_close_exits_75_and_a_normal_one_0() {
    for (code, exit) in [(1011, 75), (1000, 0)] {
        let (setup, conversation) = Setup::with_history(
            3,
            Faults {
                close_after: Some((2, code)),
                ..Faults::default()
            },
        );
        let run = setup.run(&["subscribe", &conversation]);
        run.assert_code(exit);
        // The subscribe response, then the first event: printed before the close.
        assert_eq!(run.sequences(), vec![0]);
        if exit == 75 {
            run.assert_error(75, "closed the connection with code 1011");
        } else {
            // Normal, but before the end: the output may miss events.
            assert_eq!(
                run.stderr,
                "lp-consumer: warning: the server closed the connection before the end of the \
                 stream: the output stops after sequence 0 (--reconnect goes on from there)\n"
            );
        }
    }
}

#[test]
fn not_json_exits_76() {
    let (setup, conversation) = Setup::with_history(
        3,
        Faults {
            garbage_after: Some(1),
            ..Faults::default()
        },
    );
    setup
        .run(&["subscribe", &conversation])
        .assert_error(76, "not a JSON object");
}

#[test]
fn a_path_the_server_does_not_serve_is_a_configuration_mistake_78() {
    let setup = Setup::new();
    let account = format!("/account/{}/", setup.server.account());
    for url in [
        setup.server.url().replace("/consumer", "/brand"),
        setup
            .server
            .url()
            .replace(&account, "/account/another-account/"),
    ] {
        let mut command = setup.cmd();
        command.env("LP_URL", url).arg("create");
        run(&mut command, None, &setup.token).assert_failure(
            78,
            "HTTP 404 Not Found: it has no consumer endpoint at that path; check LP_ACCOUNT",
        );
    }
}

#[test]
fn refused_token_exits_77() {
    let setup = faulty(Faults {
        handshake_status: Some(401),
        ..Faults::default()
    });
    setup.run(&["create"]).assert_error(77, "HTTP 401");

    for code in [4401, 4407, 1008] {
        let (setup, conversation) = Setup::with_history(
            3,
            Faults {
                close_after: Some((1, code)),
                ..Faults::default()
            },
        );
        let run = setup.run(&["subscribe", &conversation]);
        run.assert_error(77, &format!("code {code}"));
        assert!(
            run.stderr.ends_with("; get a fresh token\n"),
            "{}",
            run.stderr
        );
        // The service's reason, or ours: not both.
        assert_eq!(run.stderr.matches("token").count(), 2, "{}", run.stderr);
    }
}

#[test]
fn expired_token_exits_77_before_connecting() {
    let setup = Setup::new();
    let token = encode_unsigned(&json!({"sub": "x", "exp": 1_000_000_000}));
    let mut command = setup.cmd();
    command.env("LP_JWT", &token).arg("create");
    run(&mut command, None, &token).assert_error(77, "the JWT expired");
    assert_eq!(setup.server.connections(), 0);
}

#[test]
fn missing_configuration_exits_78() {
    let token = encode_unsigned(&json!({"sub": "x"}));
    let result = run(bare().arg("create").env("LP_JWT", &token), None, &token);
    result.assert_error(78, "no endpoint: set LP_ACCOUNT");
    let result = run(
        bare()
            .arg("create")
            .env("LP_JWT", &token)
            .env("LP_ASYNCMESSAGINGENT", "va.msg.liveperson.net"),
        None,
        &token,
    );
    result.assert_error(78, "no endpoint: set LP_ACCOUNT");
    let result = run(
        bare()
            .arg("create")
            .env("LP_URL", "ws://127.0.0.1:9/x")
            .env("LP_JWT_COMMAND", ""),
        None,
        "",
    );
    result.assert_error(78, "no JWT: set LP_JWT or pass --jwt-file PATH");
    let result = run(
        bare()
            .args(["create", "--url", "http://example.invalid/"])
            .env("LP_JWT", &token),
        None,
        &token,
    );
    result.assert_error(78, "must start with ws:// or wss://");
}

#[test]
fn a_port_out_of_range_is_refused_not_replaced() {
    let setup = Setup::new();
    for (flag, value, named) in [
        (
            "--url",
            "ws://127.0.0.1:99999/x",
            "--url/LP_URL: `99999` is not a port",
        ),
        (
            "--proxy",
            "http://127.0.0.1:70000",
            "--proxy: `70000` is not a port",
        ),
        ("--url", "ws://127.0.0.1:abc/x", "`abc` is not a port"),
    ] {
        setup.run(&["create", flag, value]).assert_error(78, named);
    }
}

#[test]
fn a_second_conversation_says_how_to_go_on() {
    let setup = Setup::new();
    let open = setup.create();
    let advice = format!(
        "(this consumer's conversation {open} is open, and a consumer has one at a time: \
         --reuse takes it, `lp-consumer close {open}` ends it)"
    );
    setup.run(&["create"]).assert_error(1, &advice);
    // chat says the same, and no more: a refusal is an answer, not one lost.
    let run = setup.run_stdin(&["chat"], "hi\n");
    run.assert_error(1, &advice);
    assert!(!run.stderr.contains("lost"), "{}", run.stderr);
    // Its record is not written, and it says so.
    let dir = tempfile::tempdir().unwrap();
    let record = dir.path().join("hi.convo.txt");
    let record = record.to_str().unwrap();
    let run = setup.run_stdin(&["chat", "--record", record], "hi\n");
    run.assert_error(
        1,
        &format!("; --record {record} not written: the chat failed"),
    );
    assert!(!std::path::Path::new(record).exists());
    // test takes no --reuse: each convo's error names the conversation
    // and how to end it.
    let convo = dir.path().join("hi.convo.txt");
    std::fs::write(&convo, "hi\n#me\nhi\n").unwrap();
    let run = setup.run(&["test", convo.to_str().unwrap()]);
    run.assert_error(1, "1 of 1 convo could not run");
    assert!(
        run.stdout.contains(&format!(
            "(this consumer's conversation {open} is open, and a consumer has one at a time: \
             `lp-consumer close {open}` ends it)"
        )),
        "{}",
        run.stdout
    );
}
