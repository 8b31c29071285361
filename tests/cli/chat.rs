//! `chat`: a conversation on one socket, line by line, with turns, its
//! endings, its commands and its text format.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Stdio};
use std::time::Duration;

use lp_consumer::mock::{Faults, MockConfig};
use serde_json::Value;

use crate::harness::{
    Run, Setup, clicks_of, example_bot, finish, open_conversations, requests_of_type, spawn,
    terminal,
};

const WAIT: Duration = Duration::from_secs(20);

#[track_caller]
fn echoing() -> Setup {
    Setup::with(MockConfig {
        agent_echo: true,
        ..MockConfig::default()
    })
}

/// Who said what, in order: `you: text` / `agent: text`.
#[track_caller]
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

#[track_caller]
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
    let stdin = child.stdin.take().unwrap();
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
    assert_eq!(messages, ["agent 0", "agent 1", "closing now"]);
    // It does not close what it did not open.
    assert!(requests_of_type(&setup, "cm.UpdateConversationField").is_empty());
}

#[test]
fn keep_open_and_close_decide_what_happens_at_the_end() {
    let setup = Setup::new();
    let kept = setup.run_stdin(&["chat", "--keep-open"], "hi\n");
    kept.assert_code(0);
    let open = open_conversations(&setup);
    assert_eq!(open.len(), 1, "--keep-open leaves it open");
    // The first line says which, as create would.
    assert_eq!(
        kept.lines[0],
        serde_json::json!({"conversationId": open[0]})
    );
    assert_eq!(kept.lines[1]["event"]["message"], "hi");
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
    assert_eq!(
        run.lines[0],
        serde_json::json!({"conversationId": reused, "reused": true}),
        "the first line, as create prints it"
    );
    assert_eq!(run.lines[1]["dialogId"], reused.as_str());
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
    // The date comes first, and again when the day changes.
    assert!(run.stdout.starts_with("--- 20"), "{}", run.stdout);
    let said: Vec<&str> = run
        .stdout
        .lines()
        .filter(|line| !line.starts_with("--- "))
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

// Against lp-mock's bot, with the repository's example rules.

#[track_caller]
fn with_bot() -> Setup {
    Setup::with(MockConfig {
        bot: Some(example_bot()),
        ..MockConfig::default()
    })
}

/// What each party said, and the typing, in order (the bot's typing has
/// no sequence); chat's line that names the conversation is not an event.
#[track_caller]
fn said(run: &Run, me: &str) -> Vec<String> {
    run.lines
        .iter()
        .filter(|line| line.get("event").is_some())
        .map(|line| {
            let who = if line["originatorId"] == me {
                "you"
            } else {
                "agent"
            };
            let event = &line["event"];
            match event["type"].as_str().unwrap() {
                "ChatStateEvent" => {
                    assert!(line.get("sequence").is_none(), "typing has no sequence");
                    format!("{who} {}", event["chatState"].as_str().unwrap())
                }
                "AcceptStatusEvent" => format!("{who} {}", event["status"].as_str().unwrap()),
                "RichContentEvent" => format!("{who}: [card]"),
                _ => format!("{who}: {}", event["message"].as_str().unwrap()),
            }
        })
        .collect()
}

#[test]
fn a_bot_conversation_with_a_click_is_the_same_on_every_run() {
    let setup = with_bot();
    let me = setup.server.default_consumer();
    let run = setup.run_stdin(
        &["chat", "--turns", "--settle", "0.1"],
        "hi\nmenu\n/click Yes\n",
    );
    run.assert_code(0);
    // The bot types for 0.3 s before it answers "hi": typing is no answer,
    // so "menu" waits for the words.
    assert_eq!(
        said(&run, me),
        [
            "you: hi",
            "agent COMPOSING",
            "agent ACTIVE",
            "agent: Hello! Say menu to see what I can do.",
            "you: menu",
            "agent: Do you want to see our plans?",
            "you ACTION",
            "you: Yes",
            "agent: [card]",
        ]
    );
    assert!(run.lines[0]["conversationId"].is_string());
    let menu = &run.lines[6];
    let action = requests_of_type(&setup, "\"ACTION\"");
    assert_eq!(action.len(), 1);
    assert_eq!(
        action[0]["body"]["event"]["sequenceList"],
        serde_json::json!([menu["sequence"]])
    );
    let metadata = serde_json::json!([{"type": "ExternalId", "id": "menu-yes"}]);
    assert_eq!(action[0]["metadata"], metadata);
    let clicked = requests_of_type(&setup, "\"message\":\"Yes\"");
    assert_eq!(clicked.len(), 1);
    assert_eq!(clicked[0]["metadata"], metadata);
    assert!(open_conversations(&setup).is_empty(), "closed at the end");

    // As text, it reads like a transcript.
    let run = setup.run_text(
        &["chat", "--turns", "--settle", "0.1", "--format", "text"],
        Some("hi\nmenu\n/click Yes\n"),
    );
    run.assert_code(0);
    let lines: Vec<&str> = run
        .stdout
        .lines()
        .filter(|line| !line.starts_with("--- "))
        .map(|line| line.split_once(' ').unwrap().1)
        .collect();
    assert_eq!(
        lines[1..],
        [
            "#0 you: hi",
            "agent is typing...",
            "agent is active",
            "#1 agent: Hello! Say menu to see what I can do.",
            "#2 you: menu",
            "#3 agent: Do you want to see our plans?  [1] Yes  [2] No",
            "#4 you clicked in #3",
            "#5 you: Yes",
            "#6 agent: Our plans / Pick one, or read more on our website.  [1] Basic  [2] Premium  \
             [3] Website (link https://example.com/plans)",
            "system: the conversation is closed",
        ]
    );
}

#[test]
fn chat_follows_a_survey_to_its_end() {
    let setup = with_bot();
    let me = setup.server.default_consumer();
    let run = setup.run_stdin(
        &["chat", "--turns", "--settle", "0.1"],
        "bye\n/click Good\nnothing more\n",
    );
    run.assert_code(0);
    assert_eq!(
        said(&run, me)[2..],
        [
            "agent: How did we do?",
            "you ACTION",
            "you: Good",
            "agent: Anything else to tell us?",
            "you: nothing more",
            "agent: Thank you for your feedback.",
        ]
    );
    let main = run.lines[0]["conversationId"].as_str().unwrap();
    assert_eq!(run.lines[1]["dialogId"], main);
    let survey = run.lines[3]["dialogId"].as_str().unwrap();
    assert_ne!(main, survey, "the survey has its own dialog");
    assert_eq!(run.lines[3]["sequence"], 0, "and its own sequences");
    for answer in requests_of_type(&setup, "\"message\":\"nothing more\"") {
        assert_eq!(answer["body"]["dialogId"], survey);
    }
    assert!(open_conversations(&setup).is_empty());
    // The survey ended the conversation: chat did not close it itself.
    assert!(requests_of_type(&setup, "cm.UpdateConversationField").is_empty());
}

#[test]
fn a_transferred_conversation_is_silent_and_gives_75() {
    let setup = with_bot();
    let run = setup.run_stdin(
        &[
            "chat",
            "--turns",
            "--settle",
            "0.1",
            "--reply-timeout",
            "0.5",
        ],
        "human\nanyone?\n",
    );
    run.assert_error(75, "no reply to line 2 (`anyone?`)");
}

#[test]
fn click_answers_a_message_from_the_command_line() {
    let setup = with_bot();
    let run = setup.run_stdin(
        &["chat", "--turns", "--settle", "0.1", "--keep-open"],
        "menu\n",
    );
    run.assert_code(0);
    // The first line names the conversation, as create does.
    let conversation = run.lines[0]["conversationId"].as_str().unwrap().to_owned();
    assert_eq!(run.lines[1]["dialogId"], conversation.as_str());
    let menu = run.lines[2]["sequence"].as_u64().unwrap().to_string();
    let clicked = setup.run(&["click", &conversation, "--seq", &menu, "--choice", "2"]);
    clicked.assert_code(0);
    assert!(clicked.lines[0]["sequence"].is_u64());
    let no = requests_of_type(&setup, "\"message\":\"No\"");
    assert_eq!(
        no[0]["metadata"],
        serde_json::json!([{"type": "ExternalId", "id": "menu-no"}])
    );

    // A link is printed, not sent.
    let yes = setup.run(&["click", &conversation, "--seq", &menu, "--choice", "yes"]);
    yes.assert_code(0);
    assert!(setup.server.wait_for_bot(WAIT));
    let events = setup.run(&["subscribe", &conversation, "--idle-timeout", "0.3"]);
    let card = events
        .lines
        .iter()
        .rev()
        .find(|line| line["event"]["type"] == "RichContentEvent")
        .expect("the card");
    let card = card["sequence"].as_u64().unwrap().to_string();
    let before = setup.server.requests().len();
    let link = setup.run(&[
        "click",
        &conversation,
        "--seq",
        &card,
        "--choice",
        "Website",
    ]);
    link.assert_code(0);
    assert_eq!(
        link.lines,
        [serde_json::json!({"click": "Website", "link": "https://example.com/plans"})]
    );
    let sent: Vec<String> = setup.server.requests()[before..].to_vec();
    assert!(
        !sent
            .iter()
            .any(|request| request.contains("ms.PublishEvent"))
    );

    // Wrong numbers, titles and messages say what is there.
    setup
        .run(&["click", &conversation, "--seq", &menu, "--choice", "Maybe"])
        .assert_error(65, "no choice `Maybe`; the message offers: 1 Yes, 2 No");
    setup
        .run(&["click", &conversation, "--seq", "0", "--choice", "1"])
        .assert_error(65, "message #0 has no choices");
    setup
        .run(&[
            "click",
            &conversation,
            "--seq",
            "999",
            "--choice",
            "1",
            "--timeout",
            "0.5",
        ])
        .assert_error(65, "there is no message #999 in dialog")
        .assert_error(65, "none came within 0.5 s (--timeout)");
}

#[test]
fn subscribe_prints_typing_without_moving_the_cursor() {
    let setup = with_bot();
    let conversation = setup.create();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("cursor");
    let child = spawn(setup.cmd().args([
        "subscribe",
        &conversation,
        "--count",
        "4",
        "--state-file",
        state.to_str().unwrap(),
    ]));
    assert!(setup.server.wait_for_subscribers(&conversation, 1, WAIT));
    setup.run(&["send", &conversation, "hi"]).assert_code(0);
    let run = finish(child.wait_with_output().unwrap(), &setup.token);
    run.assert_code(0);
    let me = setup.server.default_consumer();
    assert_eq!(
        said(&run, me),
        [
            "you: hi",
            "agent COMPOSING",
            "agent ACTIVE",
            "agent: Hello! Say menu to see what I can do."
        ]
    );
    let stored: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert_eq!(stored["sequence"], 1);
}

/// `chat` on a new conversation that has sent `hello` and printed its
/// first line.
struct Chatting {
    child: Child,
    /// Held open: the chat does not end for want of input.
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    conversation: String,
}

#[track_caller]
fn chatting(setup: &Setup) -> Chatting {
    let mut child = spawn(setup.cmd().arg("chat").stdin(Stdio::piped()));
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"hello\n").unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    let line: Value = serde_json::from_str(&first).unwrap();
    let conversation = line["conversationId"].as_str().unwrap().to_owned();
    Chatting {
        child,
        stdin,
        stdout,
        conversation,
    }
}

#[test]
fn a_chat_stopped_by_a_signal_says_which_conversation_it_leaves_open() {
    let setup = echoing();
    let chat = chatting(&setup);
    crate::harness::signal(&chat.child, "TERM");
    let run = finish(chat.child.wait_with_output().unwrap(), &setup.token);
    run.assert_error(
        143,
        &format!("conversation {} is left open", chat.conversation),
    );
    assert_eq!(open_conversations(&setup), [chat.conversation]);
}

#[test]
fn a_chat_whose_reader_left_closes_the_conversation_it_requested() {
    let setup = echoing();
    let mut chat = chatting(&setup);
    drop(chat.stdout);
    // Input stays open: the chat ends because nobody reads it.
    let status = chat.child.wait().unwrap();
    let mut stderr = String::new();
    chat.child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    drop(chat.stdin);
    assert_eq!(status.code(), Some(0), "{stderr}");
    assert_eq!(stderr, "");
    assert!(open_conversations(&setup).is_empty());
}

#[test]
fn a_chat_whose_input_ends_as_its_reader_leaves_closes_the_conversation() {
    // `printf 'hello\nhi\n' | lp-consumer chat | head -1`, the bot typing
    // and answering meanwhile: the chat may learn that the reader left from
    // poll or from a broken pipe, while it ends its input; the conversation
    // is closed either way.
    let setup = with_bot();
    let mut chat = chatting(&setup);
    chat.stdin.write_all(b"hi\n").unwrap();
    drop(chat.stdin);
    drop(chat.stdout);
    let run = finish(chat.child.wait_with_output().unwrap(), &setup.token);
    run.assert_code(0);
    assert_eq!(run.stderr, "");
    assert!(open_conversations(&setup).is_empty());
}

#[test]
fn close_inside_chat_ends_it_and_ctrl_c_exits_130() {
    let setup = echoing();
    let run = setup.run_stdin(&["chat", "--keep-open"], "hello\n/close\nnever sent\n");
    run.assert_code(0);
    assert!(open_conversations(&setup).is_empty(), "/close closed it");
    assert!(requests_of_type(&setup, "never sent").is_empty());

    let conversation = setup.create();
    let mut child = spawn(
        setup
            .cmd()
            .args(["chat", &conversation])
            .stdin(Stdio::piped()),
    );
    let stdin = child.stdin.take().unwrap();
    assert!(setup.server.wait_for_subscribers(&conversation, 1, WAIT));
    crate::harness::signal(&child, "INT");
    let run = finish(child.wait_with_output().unwrap(), &setup.token);
    drop(stdin);
    run.assert_code(130);
    assert_eq!(run.stderr, "");
    // Ctrl-C stops the tool, not the conversation.
    assert_eq!(open_conversations(&setup), [conversation]);
}

/// `chat --turns --reconnect` through connections that each drop as
/// `faults` say.
#[track_caller]
fn turns_across_drops(faults: Faults) {
    let setup = Setup::with(MockConfig {
        agent_echo: true,
        faults,
        ..MockConfig::default()
    });
    let me = setup.server.default_consumer();
    let conversation = setup.create();
    let lines = ["one", "two", "three", "four"];
    let run = setup.run_stdin(
        &[
            "chat",
            &conversation,
            "--turns",
            "--settle",
            "0.2",
            "--reconnect",
            "--close",
        ],
        &(lines.join("\n") + "\n"),
    );
    run.assert_code(0);
    assert!(run.stderr.contains("reconnecting in"), "{}", run.stderr);
    // Every line answered, each line and answer printed once...
    let expected: Vec<String> = lines
        .iter()
        .flat_map(|line| [format!("you: {line}"), format!("agent: echo: {line}")])
        .collect();
    assert_eq!(transcript(&run, me), expected);
    // ...and in the conversation once; the close went through.
    assert_eq!(setup.server.messages_of(me, &conversation), lines);
    assert!(open_conversations(&setup).is_empty());
}

#[test]
fn turns_answer_every_line_once_through_a_link_that_drops_every_four_frames() {
    turns_across_drops(Faults {
        drop_after: Some(4),
        ..Faults::default()
    });
}

#[test]
fn a_line_whose_answer_was_lost_is_sent_again_only_if_the_conversation_lacks_it() {
    // Each connection drops instead of sending its 4th frame: the answer
    // to our message when nothing was replayed before it.
    turns_across_drops(Faults {
        drop_before: Some(4),
        ..Faults::default()
    });
}

#[test]
fn a_click_whose_answers_were_lost_ends_up_in_the_conversation_once() {
    // Chat's connection (it creates the conversation) drops instead of
    // answering its 5th request, the click's ACTION receipt (create, the
    // two subscriptions and `menu` came before). The text, sent right
    // after the receipt, is not read: both answers are lost.
    let setup = Setup::with(MockConfig {
        bot: Some(example_bot()),
        faults: Faults {
            drop_answer: Some(5),
            fault_connections: Some(1),
            ..Faults::default()
        },
        ..MockConfig::default()
    });
    let run = setup.run_stdin(
        &[
            "chat",
            "--turns",
            "--settle",
            "0.1",
            "--reconnect",
            "--keep-open",
        ],
        "menu\n/click Yes\n",
    );
    run.assert_code(0);
    assert!(run.stderr.contains("reconnecting in"), "{}", run.stderr);
    let conversation = run.lines[0]["conversationId"].as_str().unwrap().to_owned();
    let menu = run
        .lines
        .iter()
        .find(|line| line["event"]["quickReplies"].is_object())
        .expect("the menu")["sequence"]
        .as_u64()
        .unwrap();
    // The receipt is found in the replay after the reconnection, or by
    // reading back to a checkpoint when the replay has not shown it yet:
    // one checkpoint at most, whichever came first. The bot answered the
    // click's text.
    let requests = setup.server.requests();
    let checkpoints = requests
        .iter()
        .filter(|request| request.contains(r#""status":"ACCEPT""#))
        .count();
    assert!(checkpoints <= 1, "{requests:#?}");
    assert!(
        run.lines
            .iter()
            .any(|line| line["event"]["type"] == "RichContentEvent"),
        "{:?}",
        run.lines
    );
    assert!(setup.server.close_conversation(&conversation));
    let replay = setup.run(&["subscribe", &conversation]);
    replay.assert_code(0);
    let (actions, texts) = clicks_of(&replay.lines, setup.server.default_consumer(), menu);
    assert_eq!(actions, 1);
    let texts: Vec<&str> = texts.iter().map(|(_, text)| text.as_str()).collect();
    assert_eq!(texts, ["menu", "Yes"]);
}

/// Chat's first connection (after `create`'s) goes deaf after `frames`.
fn deaf_first_connection(frames: usize) -> Setup {
    Setup::with(MockConfig {
        agent_echo: true,
        faults: Faults {
            deaf_after: Some(frames),
            fault_connections: Some(2),
            ..Faults::default()
        },
        ..MockConfig::default()
    })
}

/// `chat --turns --reconnect` with `flags`, its first connection deaf
/// after `frames`: stderr says `said`, and each line is in the
/// conversation once.
#[track_caller]
fn rides_out_a_deaf_link(frames: usize, flags: &[&str], said: &str) {
    let setup = deaf_first_connection(frames);
    let me = setup.server.default_consumer();
    let conversation = setup.create();
    let mut args = vec![
        "chat",
        &conversation,
        "--turns",
        "--settle",
        "0.2",
        "--reconnect",
    ];
    args.extend_from_slice(flags);
    let run = setup.run_stdin(&args, "one\ntwo\n");
    run.assert_code(0);
    assert!(run.stderr.contains(said), "{}", run.stderr);
    assert_eq!(setup.server.messages_of(me, &conversation), ["one", "two"]);
}

#[test]
fn a_line_without_an_answer_within_the_timeout_is_75_naming_it() {
    // Deaf once chat is set up: the first line gets no answer.
    let setup = deaf_first_connection(3);
    let conversation = setup.create();
    let run = setup.run_stdin(&["chat", &conversation, "--timeout", "1"], "one\n");
    run.assert_error(75, "no response to line 1 within 1 s (--timeout)");
}

#[test]
fn with_reconnect_a_line_without_an_answer_is_sent_again_on_a_new_connection() {
    rides_out_a_deaf_link(3, &["--timeout", "1"], "no response to line 1 within 1 s");
}

#[test]
fn a_chat_whose_link_fails_closes_the_conversation_it_requested_on_a_new_connection() {
    let setup = Setup::with(MockConfig {
        agent_echo: true,
        faults: Faults {
            drop_before: Some(5),
            fault_connections: Some(1),
            ..Faults::default()
        },
        ..MockConfig::default()
    });
    let run = setup.run_stdin(&["chat", "--turns"], "a\nb\nc\n");
    run.assert_error(75, "the connection dropped");
    // Not left in the next run's way.
    assert!(open_conversations(&setup).is_empty());
    setup.run_stdin(&["chat"], "").assert_code(0);
}

#[test]
fn a_link_gone_silent_while_a_turn_waits_is_found_and_ridden_out() {
    // Deaf once our first line is answered and shown, before the agent's
    // answer.
    rides_out_a_deaf_link(
        5,
        &["--reply-timeout", "2", "--timeout", "1"],
        "no response to a keep-alive sent when a reply was due",
    );
}

#[test]
fn a_person_at_a_terminal_is_warned_of_a_click_that_cannot_be_done() {
    let setup = with_bot();
    let (mut keyboard, stdin) = terminal();
    let child = spawn(
        setup
            .cmd()
            .args(["chat", "--turns", "--settle", "0.1"])
            .stdin(stdin),
    );
    // A click before any choice, a choice that is not there, then the
    // right one; Ctrl-D ends the input.
    keyboard
        .write_all(b"/click 1\nmenu\n/click 9\n/click Yes\n\x04")
        .unwrap();
    let run = finish(child.wait_with_output().unwrap(), &setup.token);
    run.assert_code(0);
    let warnings: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(warnings.len(), 2, "{}", run.stderr);
    assert!(
        warnings[0]
            .starts_with("lp-consumer: warning: line 1: /click 1: no agent message with choices")
    );
    assert!(
        warnings[1].starts_with("lp-consumer: warning: line 3: /click:"),
        "{}",
        warnings[1]
    );
    assert_eq!(requests_of_type(&setup, "\"message\":\"Yes\"").len(), 1);
}

#[test]
fn lines_left_unsent_when_the_agent_closes_are_counted() {
    let setup = with_bot();
    let run = setup.run_stdin(
        &["chat", "--turns", "--settle", "0.1"],
        "close\n\nstill here?\nhello?\n",
    );
    run.assert_code(0);
    assert_eq!(
        run.stderr,
        "lp-consumer: warning: the conversation ended before the input: 2 lines of input not \
         sent\n"
    );
    // All sent: nothing to say.
    let run = setup.run_stdin(&["chat", "--turns", "--settle", "0.1"], "close\n");
    run.assert_code(0);
    assert_eq!(run.stderr, "");
}

#[test]
fn a_chat_in_a_conversation_closed_before_it_began_sends_nothing_and_fails() {
    let setup = echoing();
    let conversation = setup.create();
    setup.run(&["close", &conversation]).assert_code(0);
    let run = setup.run_stdin(&["chat", &conversation], "a\nb\n");
    run.assert_error(
        1,
        "lp-consumer: the conversation is closed: 2 lines of input not sent",
    );
    assert!(run.lines.is_empty());
    assert!(requests_of_type(&setup, "\"message\":\"a\"").is_empty());
    // The same before any input has come (stdin open, nothing in it yet).
    let mut child = spawn(
        setup
            .cmd()
            .args(["chat", "--turns", &conversation])
            .stdin(std::process::Stdio::piped()),
    );
    let _input = child.stdin.take();
    let run = finish(child.wait_with_output().unwrap(), &setup.token);
    run.assert_error(1, "lp-consumer: the conversation is closed: nothing sent");
    // With no input at all, nothing was to be sent: the history, and 0.
    let run = setup.run_stdin(&["chat", &conversation], "");
    run.assert_code(0);
    assert_eq!(run.stderr, "");
}

/// A chat whose first connection drops instead of answering the
/// conversation request: the request was done, its answer lost.
fn create_answer_lost() -> Setup {
    Setup::with(MockConfig {
        agent_echo: true,
        faults: Faults {
            drop_before: Some(1),
            fault_connections: Some(1),
            ..Faults::default()
        },
        ..MockConfig::default()
    })
}

#[test]
fn with_reconnect_a_conversation_whose_answer_was_lost_is_found_not_asked_for_twice() {
    let setup = create_answer_lost();
    let run = setup.run_stdin(&["chat", "--turns", "--reconnect"], "a\n");
    run.assert_code(0);
    assert_eq!(
        requests_of_type(&setup, "cm.ConsumerRequestConversation").len(),
        1
    );
    // Told as the lost answer would have told it, and talked in.
    let conversation = run.lines[0]["conversationId"].as_str().unwrap();
    assert_eq!(
        run.lines[0].as_object().unwrap().len(),
        1,
        "{}",
        run.lines[0]
    );
    let me = setup.server.default_consumer();
    assert_eq!(setup.server.messages_of(me, conversation), ["a"]);
    // And closed at the end, as a conversation the chat asked for.
    assert!(open_conversations(&setup).is_empty());
}

#[test]
fn without_reconnect_a_lost_conversation_answer_says_the_conversation_may_be_open() {
    let setup = create_answer_lost();
    let run = setup.run_stdin(&["chat"], "a\n");
    run.assert_error(
        75,
        "(the conversation request's answer was lost: the conversation may be open; \
         `lp-consumer conversations` lists it)",
    );
    assert_eq!(open_conversations(&setup).len(), 1);
}

#[test]
fn a_normal_close_from_the_server_in_the_middle_is_ridden_out_not_taken_for_the_end() {
    // Every connection is closed with 1000 after four frames.
    let setup = Setup::with(MockConfig {
        agent_echo: true,
        faults: Faults {
            close_after: Some((4, 1000)),
            ..Faults::default()
        },
        ..MockConfig::default()
    });
    let run = setup.run_stdin(&["chat", "--turns", "--reconnect"], "a\nb\nc\n");
    run.assert_code(0);
    assert!(
        run.stderr
            .contains("the server closed the connection before the chat ended; reconnecting"),
        "{}",
        run.stderr
    );
    let conversation = run.lines[0]["conversationId"].as_str().unwrap();
    let me = setup.server.default_consumer();
    assert_eq!(setup.server.messages_of(me, conversation), ["a", "b", "c"]);
    assert!(open_conversations(&setup).is_empty());
    // Without --reconnect it is a failure, and the conversation is closed.
    let run = setup.run_stdin(&["chat", "--turns"], "a\nb\nc\n");
    run.assert_error(75, "the server closed the connection before the chat ended");
    assert!(open_conversations(&setup).is_empty());
}
