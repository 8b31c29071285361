//! Every frame lp-consumer sends, and every frame lp-mock sends it, passes
//! LivePerson's official schemas (see schema_check).

use lp_consumer::mock::MockConfig;
use serde_json::Value;

use crate::harness::{Setup, example_bot};
use crate::schema_check::{check, check_received, validator};

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
    setup
        .run_stdin(
            &["chat", "--turns", "--settle", "0.1"],
            "hi\n/typing\n/read\n//slash\n",
        )
        .assert_code(0);
    setup.run(&["create"]).assert_code(0);
    setup.run(&["create"]).assert_code(1);

    let requests = setup.server.requests();
    for expected in [
        "\"GetClock\"",
        "\"cqm.SubscribeExConversations\"",
        "\"cqm.UnsubscribeExConversations\"",
        "\"AcceptStatusEvent\"",
        "\"cm.UpdateConversationField\"",
        "\"ChatStateEvent\"",
    ] {
        assert!(
            requests.iter().any(|r| r.contains(expected)),
            "no {expected} sent"
        );
    }
    check(&validator, &["--strict"], "request", &requests);
    let received: Vec<String> = received.lines.iter().map(Value::to_string).collect();
    check_received(&validator, &received);
}

#[test]
fn chat_and_click_requests_pass_the_official_schemas() {
    let Some(validator) = validator() else {
        return;
    };
    let setup = Setup::with(MockConfig {
        bot: Some(example_bot()),
        ..MockConfig::default()
    });
    // Clicks with metadata, a survey's dialog, the one-shot click.
    let run = setup.run_stdin(
        &["chat", "--turns", "--settle", "0.1", "--keep-open"],
        "hi\nmenu\n/click Yes\n/click Basic\n",
    );
    run.assert_code(0);
    let conversation = run.lines[0]["conversationId"].as_str().unwrap().to_owned();
    let menu = run
        .lines
        .iter()
        .find(|line| line["event"]["quickReplies"].is_object())
        .unwrap()["sequence"]
        .to_string();
    setup
        .run(&["click", &conversation, "--seq", &menu, "--choice", "No"])
        .assert_code(0);
    setup
        .run_stdin(
            &["chat", &conversation, "--turns", "--settle", "0.1"],
            "bye\n/click Good\nthat was all\n",
        )
        .assert_code(0);
    let requests = setup.server.requests();
    assert!(requests.iter().any(|r| r.contains("\"ACTION\"")));
    assert!(requests.iter().any(|r| r.contains("\"metadata\":[")));
    check(&validator, &["--strict"], "request", &requests);
}
