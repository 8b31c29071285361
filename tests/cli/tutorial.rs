//! The tutorial's steps, each subcommand's happy path, and the pipe endings.

use std::io::{BufRead, BufReader};
use std::time::Duration;

use lp_consumer::mock::MockConfig;
use serde_json::Value;

use crate::harness::{Setup, finish, signal, spawn};

const WAIT: Duration = Duration::from_secs(20);

#[test]
fn create_send_subscribe_close() {
    let setup = Setup::new();
    let sub = setup.run(&["jwt-sub"]).lines[0]["sub"].clone();
    assert_eq!(sub, setup.server.default_consumer());

    let conversation = setup.create();
    let sent = setup.run(&["send", &conversation, "hello"]);
    sent.assert_code(0);
    assert_eq!(sent.lines, vec![serde_json::json!({"sequence": 0})]);
    assert!(sent.stderr.is_empty(), "silent on success: {}", sent.stderr);

    let events = setup.run(&[
        "subscribe",
        &conversation,
        "--from-seq",
        "0",
        "--idle-timeout",
        "0.5",
    ]);
    events.assert_code(0);
    assert_eq!(events.lines.len(), 1);
    let change = &events.lines[0];
    assert_eq!(change["sequence"], 0);
    assert_eq!(change["originatorId"], sub);
    assert_eq!(change["event"]["message"], "hello");
    assert_eq!(change["event"]["contentType"], "text/plain");
    assert_eq!(change["dialogId"], conversation.as_str());

    let closed = setup.run(&["close", &conversation]);
    closed.assert_code(0);
    assert_eq!(closed.lines.len(), 1);
    assert_eq!(closed.lines[0]["code"], 200);
    assert!(closed.lines[0]["body"].is_string());
    // Closed: a new conversation can be requested.
    assert_ne!(setup.create(), conversation);
}

#[test]
fn close_is_idempotent_for_cleanup_traps() {
    let setup = Setup::new();
    let conversation = setup.create();
    setup.run(&["close", &conversation]).assert_code(0);
    let again = setup.run(&["close", &conversation]);
    again.assert_code(0);
    assert_eq!(again.stderr, "");
    assert_eq!(
        again.lines,
        [serde_json::json!({"conversationId": conversation, "alreadyClosed": true})]
    );
    // A conversation that does not exist is still a refusal.
    setup
        .run(&["close", "no-such-conversation"])
        .assert_failure(1, "cm.UpdateConversationField refused with code 400");
}

#[test]
fn create_passes_the_routing_fields() {
    let setup = Setup::new();
    let run = setup.run(&[
        "create",
        "--skill",
        "-1",
        "--campaign",
        "99",
        "--engagement",
        "88",
        "--brand",
        "lp-mock",
        "--context",
        r#"{"type":"SharkContext","lang":"en-US"}"#,
    ]);
    run.assert_code(0);
    let request = setup
        .server
        .requests()
        .into_iter()
        .map(|text| serde_json::from_str::<Value>(&text).unwrap())
        .find(|frame| frame["type"] == "cm.ConsumerRequestConversation")
        .expect("the request reached the server");
    assert_eq!(request["id"].as_str().map(|id| !id.is_empty()), Some(true));
    let body = &request["body"];
    assert_eq!(body["skillId"], "-1");
    assert_eq!(body["campaignInfo"]["campaignId"], "99");
    assert_eq!(body["campaignInfo"]["engagementId"], "88");
    assert_eq!(body["brandId"], "lp-mock");
    assert_eq!(body["conversationContext"]["lang"], "en-US");
}

#[test]
fn replay_starts_at_a_middle_sequence() {
    let setup = Setup::new();
    let conversation = setup.create_with_agent_messages(5);
    let run = setup.run(&[
        "subscribe",
        &conversation,
        "--from-seq",
        "2",
        "--idle-timeout",
        "0.5",
    ]);
    run.assert_code(0);
    assert_eq!(run.sequences(), vec![2, 3, 4]);
    assert_eq!(run.lines[0]["event"]["message"], "agent 2");
}

#[test]
fn count_ends_after_that_many_lines() {
    let setup = Setup::new();
    let conversation = setup.create_with_agent_messages(5);
    let run = setup.run(&["subscribe", &conversation, "--count", "3"]);
    run.assert_code(0);
    assert_eq!(run.sequences(), vec![0, 1, 2]);
}

#[test]
fn a_live_event_arrives_after_the_history() {
    let setup = Setup::new();
    let conversation = setup.create();
    setup.server.agent_says(&conversation, "before");
    let child = spawn(
        setup
            .cmd()
            .args(["subscribe", &conversation, "--count", "2"]),
    );
    assert!(setup.server.wait_for_subscribers(&conversation, 1, WAIT));
    setup.server.agent_says(&conversation, "live");
    let run = finish(child.wait_with_output().unwrap(), &setup.token);
    run.assert_code(0);
    let messages: Vec<&Value> = run.lines.iter().map(|l| &l["event"]["message"]).collect();
    assert_eq!(messages, ["before", "live"]);
}

#[test]
fn frames_prints_every_frame_verbatim() {
    let setup = Setup::new();
    let conversation = setup.create();
    setup.server.agent_says(&conversation, "one");
    let run = setup.run(&["subscribe", &conversation, "--frames", "--count", "2"]);
    run.assert_code(0);
    assert_eq!(run.lines[0]["kind"], "resp");
    assert_eq!(run.lines[0]["code"], 200);
    assert_eq!(run.lines[1]["kind"], "notification");
    assert_eq!(run.lines[1]["type"], "ms.MessagingEventNotification");
    assert_eq!(
        run.lines[1]["body"]["changes"][0]["event"]["message"],
        "one"
    );
    // Frames are JSON: a transcript of them is refused, not quietly JSON.
    setup
        .run(&["subscribe", &conversation, "--frames", "--format", "text"])
        .assert_failure(2, "--frames prints the frames as received, in JSON");
}

#[test]
fn stdin_lines_are_sent_in_order_over_one_connection() {
    let setup = Setup::new();
    let conversation = setup.create();
    let before = setup.server.connections();
    let run = setup.run_stdin(
        &["send", &conversation],
        "first\n\nsecond line, with \"quotes\"\r\nthird\n",
    );
    run.assert_code(0);
    assert_eq!(run.sequences(), vec![0, 1, 2]);
    assert_eq!(setup.server.connections(), before + 1);
    let events = setup.run(&["subscribe", &conversation, "--idle-timeout", "0.5"]);
    let messages: Vec<&Value> = events
        .lines
        .iter()
        .map(|l| &l["event"]["message"])
        .collect();
    assert_eq!(messages, ["first", "second line, with \"quotes\"", "third"]);
    // `-` means standard input, as it does for --jwt-file.
    let dash = setup.run_stdin(&["send", &conversation, "-"], "fourth\n");
    dash.assert_code(0);
    assert_eq!(dash.sequences(), vec![3]);
    let last = setup.run(&[
        "subscribe",
        &conversation,
        "--from-seq",
        "3",
        "--count",
        "1",
    ]);
    assert_eq!(last.lines[0]["event"]["message"], "fourth");
}

#[test]
fn agent_echo_answers_each_message() {
    let setup = Setup::with(MockConfig {
        agent_echo: true,
        ..MockConfig::default()
    });
    let conversation = setup.create();
    setup.run(&["send", &conversation, "ping"]).assert_code(0);
    let events = setup.run(&["subscribe", &conversation, "--count", "2"]);
    let consumer = setup.server.default_consumer();
    assert_eq!(events.lines[0]["originatorId"], consumer);
    assert_ne!(events.lines[1]["originatorId"], consumer);
    assert_eq!(events.lines[1]["event"]["message"], "echo: ping");
}

#[test]
fn a_closed_stdout_ends_quietly_with_0() {
    let setup = Setup::with(MockConfig {
        history: 5000,
        ..MockConfig::default()
    });
    let conversation = setup.server.history_conversation().unwrap();
    let mut child = spawn(
        setup
            .cmd()
            .args(["subscribe", &conversation, "--idle-timeout", "20"]),
    );
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&first).unwrap()["sequence"],
        0
    );
    drop(stdout);
    let run = finish(child.wait_with_output().unwrap(), &setup.token);
    run.assert_code(0);
    assert_eq!(run.stderr, "");
}

#[test]
fn sigint_and_sigterm_close_and_exit_130_and_143() {
    let setup = Setup::new();
    let conversation = setup.create();
    for (name, code) in [("INT", 130), ("TERM", 143)] {
        let before = setup.server.connections();
        let child = spawn(setup.cmd().args(["subscribe", &conversation]));
        assert!(setup.server.wait_for_subscribers(&conversation, 1, WAIT));
        assert_eq!(setup.server.connections(), before + 1);
        signal(&child, name);
        let run = finish(child.wait_with_output().unwrap(), &setup.token);
        run.assert_code(code);
        assert_eq!(run.stderr, "");
        assert!(setup.server.wait_for_subscribers(&conversation, 0, WAIT));
    }
}

#[test]
fn verbose_shows_frames_but_never_the_token() {
    let setup = Setup::new();
    let run = setup.run(&["create", "--verbose"]);
    run.assert_code(0);
    let sent = run
        .stderr
        .lines()
        .find(|l| l.starts_with("lp-consumer: > "));
    let received = run
        .stderr
        .lines()
        .find(|l| l.starts_with("lp-consumer: < "));
    assert!(sent.is_some_and(|l| l.contains("\"type\":\"cm.ConsumerRequestConversation\"")));
    assert!(received.is_some_and(|l| l.contains("\"kind\":\"resp\"")));
}

#[test]
fn verbose_cuts_long_frames_and_shows_the_close_sent_on_ctrl_c() {
    let setup = Setup::new();
    let conversation = setup.create();
    let long = "y".repeat(10_000);
    let run = setup.run(&["send", &conversation, &long, "--verbose"]);
    run.assert_code(0);
    let sent = run
        .stderr
        .lines()
        .find(|l| l.starts_with("lp-consumer: > ") && l.contains("yyy"))
        .expect("the frame sent");
    assert!(sent.len() < 2100, "{} bytes", sent.len());
    assert!(sent.ends_with(" bytes)"), "{sent}");

    let child = spawn(setup.cmd().args(["subscribe", &conversation, "--verbose"]));
    assert!(setup.server.wait_for_subscribers(&conversation, 1, WAIT));
    signal(&child, "INT");
    let run = finish(child.wait_with_output().unwrap(), &setup.token);
    run.assert_code(130);
    assert!(
        run.stderr.contains("lp-consumer: > close 1000"),
        "{}",
        run.stderr
    );
}
