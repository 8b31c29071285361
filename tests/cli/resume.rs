//! Unattended `subscribe`: reconnect without loss or repeats, the cron
//! cursor, the endings, the filters.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::Command;
use std::time::{Duration, Instant};

use lp_consumer::mock::{Faults, MockConfig};
use serde_json::{Value, json};

use crate::harness::{
    Run, Setup, bare, clicks_of, finish, offer_yes, open_conversations, run, spawn,
};
use crate::schema_check::{check, validator};
use crate::scripted;

const WAIT: Duration = Duration::from_secs(20);

fn reconnect_lines(run: &Run) -> usize {
    run.stderr
        .lines()
        .filter(|line| line.contains("reconnecting in"))
        .count()
}

#[test]
fn reconnect_prints_every_sequence_once_across_drops() {
    let (setup, conversation) = Setup::with_history(
        20,
        Faults {
            drop_after: Some(6),
            ..Faults::default()
        },
    );
    let child =
        spawn(
            setup
                .cmd()
                .args(["subscribe", &conversation, "--reconnect", "--count", "30"]),
        );
    // Live events keep arriving while the client drops and resumes.
    for n in 0..10 {
        setup.server.agent_says(&conversation, &format!("live {n}"));
    }
    let run = finish(child.wait_with_output().unwrap(), &setup.token);
    run.assert_code(0);
    assert_eq!(run.sequences(), (0..30).collect::<Vec<u64>>());
    assert!(reconnect_lines(&run) >= 3, "{}", run.stderr);
    // Each drop says so, and each new connection says where it resumes.
    let reconnected = run
        .stderr
        .lines()
        .filter(|line| line.contains("reconnected to 127.0.0.1; resuming after sequence"))
        .count();
    assert_eq!(reconnected, reconnect_lines(&run));
    assert_eq!(2 * reconnect_lines(&run), run.stderr.lines().count());
}

#[test]
fn repeated_sequences_from_the_server_are_printed_once() {
    let (setup, conversation) = Setup::with_history(
        10,
        Faults {
            repeat_changes: true,
            ..Faults::default()
        },
    );
    let run = setup.run(&["subscribe", &conversation, "--idle-timeout", "0.5"]);
    run.assert_code(0);
    assert_eq!(run.sequences(), (0..10).collect::<Vec<u64>>());
}

#[test]
fn authentication_and_protocol_errors_stay_final() {
    let (setup, conversation) = Setup::with_history(
        3,
        Faults {
            close_after: Some((1, 4401)),
            ..Faults::default()
        },
    );
    let run = setup.run(&["subscribe", &conversation, "--reconnect"]);
    run.assert_error(77, "code 4401");
    assert_eq!(setup.server.connections(), 1);

    let (setup, conversation) = Setup::with_history(
        3,
        Faults {
            garbage_after: Some(1),
            ..Faults::default()
        },
    );
    let run = setup.run(&["subscribe", &conversation, "--reconnect"]);
    run.assert_error(76, "not a JSON object");
    assert_eq!(setup.server.connections(), 1);
}

#[test]
fn a_service_down_from_the_start_is_retried_by_chat_and_test_too() {
    let setup = Setup::new();
    let conversation = setup.create();
    let convo = tempfile::tempdir().unwrap();
    let file = convo.path().join("c.convo.txt");
    std::fs::write(&file, "c\n#me\nhi\n").unwrap();
    // Nothing listens on the port lp-mock had.
    let url = setup.server.url();
    let token = setup.token.clone();
    drop(setup);
    for args in [
        vec!["chat", &conversation, "--reconnect", "--max-retries", "1"],
        vec![
            "test",
            "--reconnect",
            "--max-retries",
            "1",
            file.to_str().unwrap(),
        ],
    ] {
        let mut command = bare();
        command
            .env("LP_URL", &url)
            .env("LP_JWT", &token)
            .args(&args);
        let run = run(&mut command, Some(""), &token);
        assert!(
            run.stderr.contains("reconnecting in"),
            "{args:?}: {}",
            run.stderr
        );
        // chat says it on stderr, test in the convo's line.
        let said = format!("{}{}", run.stderr, run.stdout);
        assert!(
            said.contains("giving up after 1 reconnect attempt that"),
            "{args:?}: {said}"
        );
    }
}

#[test]
fn max_retries_gives_up_with_75() {
    let (setup, conversation) = Setup::with_history(
        1,
        Faults {
            stall: true,
            ..Faults::default()
        },
    );
    for (retries, said) in [
        (1, "1 reconnect attempt that"),
        (2, "2 reconnect attempts that"),
    ] {
        let run = setup.run(&[
            "subscribe",
            &conversation,
            "--reconnect",
            "--max-retries",
            &retries.to_string(),
            "--timeout",
            "0.2",
        ]);
        run.assert_code(75);
        assert_eq!(reconnect_lines(&run), retries);
        assert!(
            run.stderr
                .lines()
                .last()
                .unwrap()
                .contains(&format!("giving up after {said}")),
            "{}",
            run.stderr
        );
    }
}

/// A server that drops (or closes with 1011) every connection a few frames
/// after the subscription: the first connections bring new events, the
/// later ones only the subscription's responses.
#[track_caller]
fn flapping(faults: Faults) -> (Setup, String) {
    Setup::with_history(5, faults)
}

#[test]
fn a_flapping_server_ends_the_run_at_the_idle_timeout() {
    let (setup, conversation) = flapping(Faults {
        drop_after: Some(3),
        ..Faults::default()
    });
    // After a connection that brought new events the pause is at most
    // 0.5 s: well within the idle timeout, which only the attempts that
    // bring nothing outlast.
    let run = setup.run(&[
        "subscribe",
        &conversation,
        "--idle-timeout",
        "2",
        "--reconnect",
    ]);
    run.assert_code(0);
    assert_eq!(run.sequences(), (0..5).collect::<Vec<u64>>());
}

#[test]
fn attempts_that_bring_nothing_new_count_towards_max_retries() {
    for faults in [
        Faults {
            drop_after: Some(3),
            ..Faults::default()
        },
        Faults {
            close_after: Some((3, 1011)),
            ..Faults::default()
        },
    ] {
        let (setup, conversation) = flapping(faults);
        let run = setup.run(&[
            "subscribe",
            &conversation,
            "--reconnect",
            "--max-retries",
            "2",
        ]);
        run.assert_code(75);
        assert_eq!(run.sequences(), (0..5).collect::<Vec<u64>>());
        let last = run.stderr.lines().last().unwrap();
        assert!(
            last.contains("giving up after 2 reconnect attempts that brought nothing new"),
            "{}",
            run.stderr
        );
        // Three connections bring the five events; the two retries after
        // them bring nothing.
        assert_eq!(setup.server.connections(), 5, "{}", run.stderr);
    }
}

#[test]
fn a_429_waits_at_least_a_second_before_retrying() {
    let (setup, conversation) = Setup::with_history(
        2,
        Faults {
            handshake_status: Some(429),
            fault_connections: Some(1),
            ..Faults::default()
        },
    );
    let run = setup.run(&["subscribe", &conversation, "--reconnect", "--count", "2"]);
    run.assert_code(0);
    assert_eq!(run.sequences(), vec![0, 1]);
    let line = run.stderr.lines().next().expect("one reconnect line");
    let delay: f64 = line
        .split("reconnecting in ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|secs| secs.parse().ok())
        .expect("a delay in the reconnect line");
    assert!(delay >= 1.0, "{line}");
}

#[track_caller]
fn cursor_run(setup: &Setup, conversation: &str, state: &str) -> Run {
    setup.run(&[
        "subscribe",
        conversation,
        "--state-file",
        state,
        "--idle-timeout",
        "0.3",
    ])
}

#[test]
fn cron_runs_with_a_cursor_print_every_event_and_repeat_at_most_the_killed_burst() {
    let (setup, conversation) = Setup::with_history(5, Faults::default());
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("cursor.json");
    let state = state.to_str().unwrap();
    let mut seen: Vec<u64> = Vec::new();

    let first = cursor_run(&setup, &conversation, state);
    first.assert_code(0);
    assert_eq!(first.sequences(), vec![0, 1, 2, 3, 4]);
    seen.extend(first.sequences());

    for n in 0..3 {
        setup
            .server
            .agent_says(&conversation, &format!("between {n}"));
    }
    let second = cursor_run(&setup, &conversation, state);
    assert_eq!(second.sequences(), vec![5, 6, 7]);
    seen.extend(second.sequences());

    // A long stream, killed with SIGKILL after some lines.
    for n in 0..3000 {
        setup.server.agent_says(&conversation, &format!("bulk {n}"));
    }
    let mut child = spawn(setup.cmd().args([
        "subscribe",
        &conversation,
        "--state-file",
        state,
        "--idle-timeout",
        "5",
    ]));
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut killed_lines = Vec::new();
    let mut line = String::new();
    while killed_lines.len() < 20 && reader.read_line(&mut line).unwrap() > 0 {
        killed_lines.push(std::mem::take(&mut line));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    // What the pipe still held was written before the kill.
    let mut rest = String::new();
    while reader.read_line(&mut rest).unwrap() > 0 {}
    let killed: Vec<u64> = killed_lines
        .iter()
        .chain(
            rest.lines()
                .map(|l| l.to_owned())
                .collect::<Vec<_>>()
                .iter(),
        )
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["sequence"]
                .as_u64()
                .unwrap()
        })
        .collect();
    assert!(killed.len() >= 20);
    seen.extend(&killed);

    let last = cursor_run(&setup, &conversation, state);
    last.assert_code(0);
    let resumed = last.sequences();
    let killed_last = *killed.last().unwrap();
    assert!(
        resumed[0] <= killed_last + 1,
        "the next run starts at the latest right after the killed run's last line: {} after {}",
        resumed[0],
        killed_last
    );
    seen.extend(&resumed);

    let mut counts: BTreeMap<u64, usize> = BTreeMap::new();
    for sequence in &seen {
        *counts.entry(*sequence).or_default() += 1;
    }
    assert_eq!(
        counts.keys().copied().collect::<Vec<u64>>(),
        (0..3008).collect::<Vec<u64>>()
    );
    let repeated: Vec<u64> = counts
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(s, _)| *s)
        .collect();
    // Repeated: at most what the killed run printed after its last stored
    // cursor (stored after each burst, at most every 0.1 s).
    assert_eq!(repeated, (resumed[0]..=killed_last).collect::<Vec<u64>>());
    assert!(repeated.len() <= 4096, "{}", repeated.len());
}

#[test]
fn a_state_file_wins_over_from_seq_and_is_checked() {
    let (setup, conversation) = Setup::with_history(4, Faults::default());
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("cursor.json");
    std::fs::write(
        &state,
        format!("{{\"conversationId\":\"{conversation}\",\"sequence\":1}}\n"),
    )
    .unwrap();
    let state = state.to_str().unwrap();
    let run = setup.run(&[
        "subscribe",
        &conversation,
        "--from-seq",
        "0",
        "--state-file",
        state,
        "--idle-timeout",
        "0.3",
    ]);
    assert_eq!(run.sequences(), vec![2, 3]);
    let stored: Value = serde_json::from_str(&std::fs::read_to_string(state).unwrap()).unwrap();
    assert_eq!(stored["sequence"], 3);

    setup
        .run(&["subscribe", "another-conversation", "--state-file", state])
        .assert_error(65, "belongs to conversation")
        .assert_error(65, "give this one a file of its own");
    std::fs::write(state, "{\"sequence\":").unwrap();
    setup
        .run(&["subscribe", &conversation, "--state-file", state])
        .assert_error(65, "is corrupt");
}

#[test]
fn one_run_at_a_time_per_state_file() {
    let (setup, conversation) = Setup::with_history(1, Faults::default());
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("cursor.json");
    let state = state.to_str().unwrap();
    let mut holder = spawn(setup.cmd().args([
        "subscribe",
        &conversation,
        "--state-file",
        state,
        "--follow",
    ]));
    assert!(setup.server.wait_for_subscribers(&conversation, 1, WAIT));
    setup
        .run(&["subscribe", &conversation, "--state-file", state])
        .assert_error(75, "another run holds");
    holder.kill().unwrap();
    holder.wait().unwrap();
}

#[test]
fn the_run_ends_when_the_conversation_closes() {
    let (setup, conversation) = Setup::with_history(2, Faults::default());
    let child = spawn(setup.cmd().args(["subscribe", &conversation]));
    assert!(setup.server.wait_for_subscribers(&conversation, 1, WAIT));
    setup.server.agent_says(&conversation, "last words");
    assert!(setup.server.close_conversation(&conversation));
    let run = finish(child.wait_with_output().unwrap(), &setup.token);
    run.assert_code(0);
    assert_eq!(run.sequences(), vec![0, 1, 2]);

    // Already closed: the history is printed, then the run ends.
    let run = setup.run(&["subscribe", &conversation]);
    run.assert_code(0);
    assert_eq!(run.sequences(), vec![0, 1, 2]);
}

#[test]
fn from_and_type_keep_whose_and_which_events() {
    let setup = Setup::with(MockConfig {
        agent_echo: true,
        ..MockConfig::default()
    });
    let conversation = setup.create();
    setup
        .run_stdin(&["send", &conversation], "one\ntwo\n")
        .assert_code(0);
    let all = ["subscribe", &conversation, "--idle-timeout", "0.3"];
    let messages = |run: &Run| -> Vec<String> {
        run.lines
            .iter()
            .map(|l| l["event"]["message"].as_str().unwrap().to_owned())
            .collect()
    };
    let agent = setup.run(&[&all[..], &["--from", "agent"]].concat());
    assert_eq!(messages(&agent), ["echo: one", "echo: two"]);
    let consumer = setup.run(&[&all[..], &["--from", "consumer"]].concat());
    assert_eq!(messages(&consumer), ["one", "two"]);
    let content = setup.run(&[&all[..], &["--type", "ContentEvent"]].concat());
    assert_eq!(content.lines.len(), 4);
    let none = setup.run(&[&all[..], &["--type", "AcceptStatusEvent"]].concat());
    assert!(none.lines.is_empty());
    assert_eq!(none.stderr, "");
    // A misspelt type keeps nothing, and says so.
    let typo = setup.run(&[&all[..], &["--type", "ContentEvents"]].concat());
    typo.assert_code(0);
    assert!(typo.lines.is_empty());
    assert!(
        typo.stderr
            .starts_with("lp-consumer: warning: --type ContentEvents is none of")
            && typo.stderr.contains("ContentEvent, RichContentEvent")
            && typo.stderr.lines().count() == 1,
        "{}",
        typo.stderr
    );
}

#[test]
fn an_idle_follower_notices_that_its_reader_left() {
    let (setup, conversation) = Setup::with_history(1, Faults::default());
    let mut child = spawn(setup.cmd().args(["subscribe", &conversation, "--follow"]));
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.contains("\"sequence\":0"));
    drop(reader);
    // No further event comes: the program must notice the closed pipe itself.
    let run = finish(child.wait_with_output().unwrap(), &setup.token);
    run.assert_code(0);
    assert_eq!(run.stderr, "");
}

#[test]
fn a_second_signal_ends_a_run_blocked_writing_to_a_reader_that_stopped_reading() {
    // More than the pipe holds (1 MiB and the output buffer), never read.
    let (setup, conversation) = Setup::with_history(10_000, Faults::default());
    let mut child = spawn(setup.cmd().args(["subscribe", &conversation]));
    let _unread = child.stdout.take();
    // Blocked in the write: no wait watches for the signal there.
    let wchan = format!("/proc/{}/wchan", child.id());
    let deadline = Instant::now() + WAIT;
    while !std::fs::read_to_string(&wchan).is_ok_and(|at| at.contains("pipe_write")) {
        assert!(Instant::now() < deadline, "never blocked in a pipe write");
        std::thread::yield_now();
    }
    crate::harness::signal(&child, "TERM");
    // A signal still pending takes in a second one of its kind: the second
    // goes once the first was handled.
    let status = format!("/proc/{}/status", child.id());
    let pending = |line: &str| {
        line.split_once(':').is_some_and(|(name, mask)| {
            (name == "SigPnd" || name == "ShdPnd")
                && u64::from_str_radix(mask.trim(), 16).is_ok_and(|mask| mask & 1 << (15 - 1) != 0)
        })
    };
    let deadline = Instant::now() + WAIT;
    while std::fs::read_to_string(&status).is_ok_and(|text| text.lines().any(pending)) {
        assert!(Instant::now() < deadline, "the first SIGTERM never handled");
        std::thread::yield_now();
    }
    crate::harness::signal(&child, "TERM");
    let deadline = Instant::now() + WAIT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("still running after two SIGTERMs");
        }
        std::thread::yield_now();
    };
    assert_eq!(status.code(), Some(143));
}

#[test]
fn sigterm_stores_the_cursor_first() {
    let (setup, conversation) = Setup::with_history(3, Faults::default());
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("cursor.json");
    let state_arg = state.to_str().unwrap();
    let mut child = spawn(setup.cmd().args([
        "subscribe",
        &conversation,
        "--state-file",
        state_arg,
        "--follow",
    ]));
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    for _ in 0..3 {
        reader.read_line(&mut line).unwrap();
    }
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(child.wait().unwrap().code(), Some(143));
    let stored: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert_eq!(stored["sequence"], 2);
}

#[test]
fn a_reader_slower_than_the_timeout_is_not_taken_for_a_silent_server() {
    // More history than a pipe holds, so the run waits on its reader; and
    // more than two parts of a long burst (4096 frames), so that the
    // response lp-mock queues after the history is due meanwhile.
    let (setup, conversation) = Setup::with_history(10_000, Faults::default());
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("cursor");
    let child = spawn(
        setup
            .cmd()
            .args([
                "subscribe",
                &conversation,
                "--count",
                "10000",
                "--timeout",
                "2",
            ])
            .arg("--state-file")
            .arg(&state),
    );
    // The reader pauses for longer than --timeout with the pipe full.
    std::thread::sleep(Duration::from_secs(3));
    let run = finish(child.wait_with_output().unwrap(), &setup.token);
    run.assert_code(0);
    assert_eq!(run.sequences(), (0..10_000).collect::<Vec<u64>>());
    let stored: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert_eq!(stored["sequence"], 9999);
}

#[test]
fn send_reconnect_puts_each_line_in_the_conversation_once_when_answers_are_lost() {
    // Every connection drops instead of sending its 8th frame: now and then
    // the answer to a message that the conversation has.
    let setup = Setup::with(MockConfig {
        faults: Faults {
            drop_before: Some(8),
            ..Faults::default()
        },
        ..MockConfig::default()
    });
    let conversation = setup.create();
    let lines: Vec<String> = (0..30).map(|n| format!("line {n}")).collect();
    let run = setup.run_stdin(
        &["send", &conversation, "--reconnect"],
        &(lines.join("\n") + "\n"),
    );
    run.assert_code(0);
    assert_eq!(run.lines.len(), 30);
    assert!(reconnect_lines(&run) >= 3, "{}", run.stderr);
    let consumer = setup.server.default_consumer();
    assert_eq!(setup.server.messages_of(consumer, &conversation), lines);
    // Each line's output is its own event's sequence.
    let sequences: Vec<u64> = run
        .lines
        .iter()
        .map(|line| line["sequence"].as_u64().unwrap())
        .collect();
    assert_eq!(sequences, (0..30).collect::<Vec<u64>>());
}

#[test]
fn create_ack_and_close_say_what_a_request_whose_answer_was_lost_may_have_done() {
    // Each command's connection, the first, drops instead of answering.
    let dropping_first_answer = Faults {
        drop_before: Some(1),
        fault_connections: Some(1),
        ..Faults::default()
    };
    let setup = Setup::with(MockConfig {
        faults: dropping_first_answer.clone(),
        ..MockConfig::default()
    });
    setup.run(&["create"]).assert_error(
        75,
        "; the conversation request went out, and its answer was lost: a conversation may be \
         open (`lp-consumer conversations` lists it, `lp-consumer close CONV` ends it)",
    );
    // It is.
    assert_eq!(open_conversations(&setup).len(), 1);

    let (setup, conversation) = Setup::with_history(1, dropping_first_answer.clone());
    setup
        .run(&["ack", &conversation, "--seq", "0"])
        .assert_error(
            75,
            "; the receipt went out, and its answer was lost: the conversation may have it \
             (sending it again is harmless)",
        );

    let (setup, conversation) = Setup::with_history(1, dropping_first_answer);
    setup.run(&["close", &conversation]).assert_error(
        75,
        &format!(
            "; the close went out, and its answer was lost: the conversation may be closed \
             (`lp-consumer close {conversation}` again says so: \"alreadyClosed\":true)"
        ),
    );
    let again = setup.run(&["close", &conversation]);
    again.assert_code(0);
    assert_eq!(again.lines[0]["alreadyClosed"], true);

    // A refusal whose lookup's answer is lost is still the refusal.
    let (setup, _) = Setup::with_history(
        1,
        Faults {
            drop_answer: Some(2),
            fault_connections: Some(1),
            ..Faults::default()
        },
    );
    let run = setup.run(&["close", "no-such-conversation"]);
    run.assert_error(1, "refused with code 400");
}

#[test]
fn send_without_reconnect_says_that_a_message_whose_answer_was_lost_may_be_in() {
    // The connection drops instead of answering the second message.
    let setup = Setup::with(MockConfig {
        faults: Faults {
            drop_before: Some(2),
            ..Faults::default()
        },
        ..MockConfig::default()
    });
    let conversation = setup.create();
    let run = setup.run_stdin(&["send", &conversation], "a\nb\nc\n");
    run.assert_error(
        75,
        "; message 2 went out, and its answer was lost: the conversation may have it \
         (1 message sent and confirmed before it)",
    );
    assert_eq!(run.lines.len(), 1);
    let consumer = setup.server.default_consumer();
    assert_eq!(
        setup.server.messages_of(consumer, &conversation),
        ["a", "b"]
    );
}

/// A service whose conversation holds events stamped `stamps` (ms since
/// the epoch), sequences from 0; the ws:// URL.
fn stamped_history(stamps: Vec<i64>) -> String {
    scripted::serve(move |request| match request["type"].as_str() {
        Some("ms.SubscribeMessagingEvents") => {
            let changes: Vec<Value> = stamps
                .iter()
                .enumerate()
                .map(|(sequence, at)| {
                    json!({"sequence": sequence, "originatorId": "agent", "serverTimestamp": at,
                           "event": {"type": "ContentEvent", "message": format!("m{sequence}")}})
                })
                .collect();
            vec![
                scripted::ok(request, json!({})),
                json!({"kind": "notification", "type": "ms.MessagingEventNotification",
                       "body": {"changes": changes}}),
            ]
        }
        _ => vec![scripted::ok(request, json!({}))],
    })
}

#[test]
fn since_keeps_events_from_a_time_or_a_span_ago() {
    let token = lp_consumer::encode_unsigned(&json!({"sub": "me"}));
    let messages = |url: &str, since: &str| -> Vec<String> {
        let run = run(
            bare()
                .args([
                    "subscribe",
                    "c",
                    "--idle-timeout",
                    "0.5",
                    "--since",
                    since,
                    "--url",
                    url,
                ])
                .env("LP_JWT", &token),
            None,
            &token,
        );
        run.assert_code(0);
        run.lines
            .iter()
            .map(|line| line["event"]["message"].as_str().unwrap().to_owned())
            .collect()
    };
    // 2026-01-01 at 10:00, 11:00 and 12:00 UTC.
    let ten = 1_767_261_600_000;
    let hour = 3_600_000;
    let url = stamped_history(vec![ten, ten + hour, ten + 2 * hour]);
    assert_eq!(messages(&url, "2026-01-01T11:00:00Z"), ["m1", "m2"]);
    let url = stamped_history(vec![ten, ten + hour, ten + 2 * hour]);
    assert_eq!(messages(&url, "2026-01-01T12:00:00+01:00"), ["m1", "m2"]);
    let url = stamped_history(vec![ten, ten + hour, ten + 2 * hour]);
    assert_eq!(messages(&url, "2026-01-01T11:00:00.001Z"), ["m2"]);
    // A span before now.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let url = stamped_history(vec![now - 3 * hour, now - hour, now - 60_000]);
    assert_eq!(messages(&url, "2h"), ["m1", "m2"]);
    let url = stamped_history(vec![now - 3 * hour, now - hour, now - 60_000]);
    assert_eq!(messages(&url, "30m"), ["m2"]);
}

#[test]
fn since_against_lp_mock_and_what_it_refuses() {
    let (setup, conversation) = Setup::with_history(3, Faults::default());
    let subscribe = |since: &str| {
        setup.run(&[
            "subscribe",
            &conversation,
            "--idle-timeout",
            "0.3",
            "--since",
            since,
        ])
    };
    assert_eq!(subscribe("1d").sequences(), vec![0, 1, 2]);
    assert_eq!(subscribe("2000-01-01T00:00:00Z").sequences(), vec![0, 1, 2]);
    let future = subscribe("2100-01-01T00:00:00Z");
    future.assert_code(0);
    assert!(future.lines.is_empty());
    let wrong = subscribe("yesterday");
    wrong.assert_code(2);
    assert!(
        wrong.stderr.contains("must be an RFC 3339 time"),
        "{}",
        wrong.stderr
    );
}

/// A conversation whose message 0, from the agent, offers quick replies,
/// in lp-mock with `faults` on its first two connections: `create`'s,
/// which receives one frame, and the next one's.
#[track_caller]
fn offering(faults: Faults) -> (Setup, String) {
    let setup = Setup::with(MockConfig {
        faults: Faults {
            fault_connections: Some(2),
            ..faults
        },
        ..MockConfig::default()
    });
    let conversation = setup.create();
    offer_yes(&setup.server, &conversation);
    (setup, conversation)
}

/// The click of message 0 in the conversation, read back with `subscribe`
/// once it is closed.
#[track_caller]
fn clicked(setup: &Setup, conversation: &str) -> (usize, Vec<(u64, String)>) {
    assert!(setup.server.close_conversation(conversation));
    let run = setup.run(&["subscribe", conversation]);
    run.assert_code(0);
    clicks_of(&run.lines, setup.server.default_consumer(), 0)
}

#[test]
fn click_reconnect_sends_each_request_once_wherever_the_link_drops() {
    // The link drops instead of sending frame 2 (the message: nothing was
    // sent yet), 3 (the ACTION's answer) or 5 (the text's answer; 4 is
    // the ACTION coming back on the subscription).
    for (drop_before, answer_lost) in [(2, false), (3, true), (5, true)] {
        let (setup, conversation) = offering(Faults {
            drop_before: Some(drop_before),
            ..Faults::default()
        });
        let run = setup.run(&[
            "click",
            &conversation,
            "--seq",
            "0",
            "--choice",
            "Yes",
            "--reconnect",
        ]);
        run.assert_code(0);
        assert_eq!(reconnect_lines(&run), 1, "{}", run.stderr);
        assert!(
            run.stderr.contains("going on with the click"),
            "{}",
            run.stderr
        );
        // A checkpoint (an ACCEPT receipt) was read back up to, only
        // when an answer was lost.
        let checkpoints = setup
            .server
            .requests()
            .iter()
            .filter(|request| request.contains(r#""status":"ACCEPT""#))
            .count();
        assert_eq!(checkpoints, usize::from(answer_lost), "frame {drop_before}");
        // The checkpoint is a receipt as the service documents them.
        if let Some(validator) = validator() {
            check(
                &validator,
                &["--strict"],
                "request",
                &setup.server.requests(),
            );
        }
        let (actions, texts) = clicked(&setup, &conversation);
        assert_eq!(actions, 1, "frame {drop_before}");
        let [(sequence, text)] = &texts[..] else {
            panic!("frame {drop_before}: one text, not {texts:?}");
        };
        assert_eq!(text, "yes please");
        // The text's response, or what stands for it when it was found.
        assert_eq!(
            run.lines,
            [json!({"sequence": sequence})],
            "frame {drop_before}"
        );
    }
}

#[test]
fn click_reconnect_reads_back_to_one_checkpoint_however_often_the_read_back_drops() {
    // Every connection drops instead of sending its 3rd frame: the click's
    // first loses the ACTION's answer, and each one after it answers the
    // checkpoint and its subscription, then drops in the read-back.
    let setup = Setup::with(MockConfig {
        faults: Faults {
            drop_before: Some(3),
            ..Faults::default()
        },
        ..MockConfig::default()
    });
    let conversation = setup.create();
    offer_yes(&setup.server, &conversation);
    let run = setup.run(&[
        "click",
        &conversation,
        "--seq",
        "0",
        "--choice",
        "Yes",
        "--reconnect",
        "--max-retries",
        "3",
    ]);
    run.assert_code(75);
    assert!(reconnect_lines(&run) >= 3, "{}", run.stderr);
    // One checkpoint, read back to again on each new connection; not one
    // more receipt in the conversation per attempt.
    let checkpoints = setup
        .server
        .requests()
        .iter()
        .filter(|request| request.contains(r#""status":"ACCEPT""#))
        .count();
    assert_eq!(checkpoints, 1);
}

#[test]
fn click_without_reconnect_says_that_a_request_whose_answer_was_lost_may_be_in() {
    let (setup, conversation) = offering(Faults {
        drop_before: Some(3),
        ..Faults::default()
    });
    let run = setup.run(&["click", &conversation, "--seq", "0", "--choice", "Yes"]);
    run.assert_error(
        75,
        "; the click's ACTION receipt went out, and its answer was lost: the conversation \
         may have it",
    );
    assert!(run.lines.is_empty());
    assert_eq!(clicked(&setup, &conversation), (1, vec![]));

    let (setup, conversation) = offering(Faults {
        drop_before: Some(5),
        ..Faults::default()
    });
    let run = setup.run(&["click", &conversation, "--seq", "0", "--choice", "Yes"]);
    run.assert_error(
        75,
        "; the conversation has the click's ACTION receipt; its text went out, and its \
         answer was lost: the conversation may have it",
    );
    assert_eq!(
        clicked(&setup, &conversation),
        (1, vec![(2, "yes please".to_owned())])
    );
}
