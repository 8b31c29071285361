//! `chat`: a conversation on one socket, line by line, with turns, its
//! endings, its commands and its text format.

use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

use lp_consumer::mock::MockConfig;
use serde_json::Value;

use crate::harness::{Run, Setup, finish, spawn};

const WAIT: Duration = Duration::from_secs(20);

fn echoing() -> Setup {
    Setup::with(MockConfig {
        agent_echo: true,
        ..MockConfig::default()
    })
}

/// Who said what, in order: `you: text` / `agent: text`.
fn transcript(run: &Run, me: &str) -> Vec<String> {
    run.lines
        .iter()
        .filter(|line| line["event"]["type"] == "ContentEvent")
        .map(|line| {
            let who = if line["originatorId"] == me {
                "you"
            } else {
                "agent"
            };
            format!("{who}: {}", line["event"]["message"].as_str().unwrap())
        })
        .collect()
}

fn open_conversations(setup: &Setup) -> Vec<String> {
    setup
        .run(&["conversations"])
        .lines
        .iter()
        .map(|line| line["conversationId"].as_str().unwrap().to_owned())
        .collect()
}

fn requests_of_type(setup: &Setup, needle: &str) -> Vec<Value> {
    setup
        .server
        .requests()
        .iter()
        .filter(|request| request.contains(needle))
        .map(|request| serde_json::from_str(request).unwrap())
        .collect()
}

#[test]
fn turns_print_each_answer_after_its_question_then_close() {
    let setup = echoing();
    let me = setup.server.default_consumer();
    let run = setup.run_stdin(
        &["chat", "--turns", "--settle", "0.2"],
        "one\n\ntwo\nthree\n",
    );
    run.assert_code(0);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    assert_eq!(
        transcript(&run, me),
        [
            "you: one",
            "agent: echo: one",
            "you: two",
            "agent: echo: two",
            "you: three",
            "agent: echo: three"
        ]
    );
    // The conversation chat requested is closed at the end of input.
    assert_eq!(
        requests_of_type(&setup, "cm.UpdateConversationField").len(),
        1
    );
    assert!(open_conversations(&setup).is_empty());
}

#[test]
fn a_silent_agent_gives_75_naming_the_line() {
    let setup = Setup::new();
    let run = setup.run_stdin(
        &["chat", "--turns", "--reply-timeout", "0.5"],
        "hello there\nnever sent\n",
    );
    run.assert_error(75, "no reply to line 1 (`hello there`) within 0.5 s");
    let sent: Vec<Value> = requests_of_type(&setup, "\"ContentEvent\"");
    assert_eq!(
        sent.len(),
        1,
        "the second line waits for the first's answer"
    );
    // The failed chat does not leave its conversation in the next one's way.
    assert!(open_conversations(&setup).is_empty());
}

#[test]
fn the_agent_closing_ends_the_chat_while_stdin_is_open() {
    let setup = Setup::new();
    let conversation = setup.create_with_agent_messages(2);
    let mut child = spawn(
        setup
            .cmd()
            .args(["chat", &conversation])
            .stdin(Stdio::piped()),
    );
    // Held open: the chat must end without the end of input.
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"still here\n").unwrap();
    assert!(setup.server.wait_for_subscribers(&conversation, 1, WAIT));
    setup.server.agent_says(&conversation, "closing now");
    assert!(setup.server.close_conversation(&conversation));
    let run = finish(child.wait_with_output().unwrap(), &setup.token);
    drop(stdin);
    run.assert_code(0);
    let messages: Vec<&str> = run
        .lines
        .iter()
        .filter_map(|line| line["event"]["message"].as_str())
        .collect();
    assert_eq!(messages.first(), Some(&"agent 0"));
    assert_eq!(messages.last(), Some(&"closing now"));
    // It does not close what it did not open.
    assert!(requests_of_type(&setup, "cm.UpdateConversationField").is_empty());
}

#[test]
fn keep_open_and_close_decide_what_happens_at_the_end() {
    let setup = Setup::new();
    setup
        .run_stdin(&["chat", "--keep-open"], "hi\n")
        .assert_code(0);
    let open = open_conversations(&setup);
    assert_eq!(open.len(), 1, "--keep-open leaves it open");
    // Given as CONV, it stays open unless --close.
    setup
        .run_stdin(&["chat", &open[0]], "again\n")
        .assert_code(0);
    assert_eq!(open_conversations(&setup), open);
    setup
        .run_stdin(&["chat", &open[0], "--close"], "bye\n")
        .assert_code(0);
    assert!(open_conversations(&setup).is_empty());
    // --reuse takes the open conversation instead of requesting one.
    let reused = setup.create();
    let run = setup.run_stdin(&["chat", "--reuse", "--keep-open"], "hi\n");
    run.assert_code(0);
    assert_eq!(run.lines[0]["dialogId"], reused.as_str());
}

#[test]
fn commands_inside_chat() {
    let setup = echoing();
    let run = setup.run_stdin(
        &["chat", "--turns", "--settle", "0.1"],
        "/typing\n//slash\n/read\n/help\n",
    );
    run.assert_code(0);
    let typing = requests_of_type(&setup, "\"ChatStateEvent\"");
    assert_eq!(typing[0]["body"]["event"]["chatState"], "COMPOSING");
    let text = requests_of_type(&setup, "\"ContentEvent\"");
    assert_eq!(text[0]["body"]["event"]["message"], "/slash");
    // Read receipts for the agent's message printed before /read.
    let receipts = requests_of_type(&setup, "\"AcceptStatusEvent\"");
    assert_eq!(receipts.len(), 1);
    assert_eq!(receipts[0]["body"]["event"]["status"], "READ");
    let echo = run
        .lines
        .iter()
        .find(|line| line["event"]["message"] == "echo: /slash")
        .unwrap();
    assert_eq!(
        receipts[0]["body"]["event"]["sequenceList"],
        serde_json::json!([echo["sequence"]])
    );

    // A script's typo is an error, not a message.
    let run = setup.run_stdin(&["chat"], "/clik 1\n");
    run.assert_error(65, "line 1: unknown command `/clik`");
    let run = setup.run_stdin(&["chat"], "/click 1\n");
    run.assert_error(65, "no agent message with choices");
}

#[test]
fn text_format_reads_like_a_transcript() {
    let setup = echoing();
    let run = setup.run_text(
        &["chat", "--turns", "--settle", "0.1", "--format", "text"],
        Some("hi\n"),
    );
    run.assert_code(0);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let said: Vec<&str> = lines
        .iter()
        .map(|line| line.split_once(' ').unwrap().1)
        .collect();
    assert!(said[0].starts_with("system: conversation ") && said[0].ends_with(" (new)"));
    assert_eq!(said[1..3], ["#0 you: hi", "#1 agent: echo: hi"]);
    assert_eq!(*said.last().unwrap(), "system: the conversation is closed");
    // No colour: stdout is not a terminal.
    assert!(!run.stdout.contains('\x1b'));
    // subscribe shows the same lines with --format text.
    let conversation = setup.create_with_agent_messages(1);
    let run = setup.run_text(
        &[
            "subscribe",
            &conversation,
            "--format",
            "text",
            "--idle-timeout",
            "0.3",
        ],
        None,
    );
    assert!(
        run.stdout.ends_with("#0 agent: agent 0\n"),
        "{}",
        run.stdout
    );
}
