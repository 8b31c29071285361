//! A server that cannot be trusted: hostile frames, dribbled bytes, huge
//! messages; and the token kept out of every output.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use lp_consumer::mock::{Faults, MockConfig, RawFrame};
use serde_json::json;

use crate::harness::{Run, Setup, bare, run};

/// A conversation with one event, whose subscription response is followed
/// by `frames`; the subscriber waits 0.5 s for more.
#[track_caller]
fn subscribe_after(frames: Vec<RawFrame>, extra: &[&str]) -> Run {
    let (setup, conversation) = Setup::with_history(
        1,
        Faults {
            inject: frames,
            ..Faults::default()
        },
    );
    let args = [
        &["subscribe", &conversation, "--idle-timeout", "0.5"],
        extra,
    ]
    .concat();
    setup.run(&args)
}

fn text(frame: &str) -> Vec<RawFrame> {
    vec![RawFrame::Text(frame.to_owned())]
}

fn events(changes: &str) -> Vec<RawFrame> {
    text(&format!(
        r#"{{"kind":"notification","type":"ms.MessagingEventNotification","body":{{"changes":{changes}}}}}"#
    ))
}

#[test]
fn hostile_frames_are_protocol_errors_never_panics() {
    let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
    let cases: Vec<(&str, Vec<RawFrame>, &str)> = vec![
        (
            "binary",
            vec![RawFrame::Binary(vec![1, 2, 3])],
            "binary frame",
        ),
        (
            "invalid UTF-8",
            vec![RawFrame::TextBytes(vec![b'{', 0xff, 0xfe, b'}'])],
            "broke the WebSocket protocol",
        ),
        ("an array", text("[1,2]"), "not a JSON object"),
        ("a string", text(r#""hello""#), "not a JSON object"),
        (
            "truncated",
            text(r#"{"kind":"notif"#),
            "not a JSON object (truncated)",
        ),
        (
            "unknown kind",
            text(r#"{"kind":"weird","type":"x"}"#),
            "of kind `weird`",
        ),
        (
            "no type",
            text(r#"{"kind":"notification","body":{}}"#),
            "without type",
        ),
        (
            "changes a number",
            events("5"),
            "neither an array nor an object",
        ),
        (
            "sequence a string",
            events(r#"[{"sequence":"7"}]"#),
            "whole number",
        ),
        (
            "sequence a fraction",
            events(r#"[{"sequence":1.5}]"#),
            "whole number",
        ),
        (
            "sequence negative",
            events(r#"[{"sequence":-1}]"#),
            "whole number",
        ),
        (
            "sequence huge",
            events(r#"[{"sequence":18446744073709551616}]"#),
            "out of range (a sequence is below 2^64)",
        ),
        (
            "deep nesting",
            events(&format!(r#"[{{"sequence":5,"event":{{"deep":{deep}}}}}]"#)),
            "nested deeper than 128 levels",
        ),
        (
            "response without code",
            text(r#"{"kind":"resp","reqId":"1"}"#),
            "without a numeric code",
        ),
    ];
    for (name, frames, message) in cases {
        let run = subscribe_after(frames, &[]);
        assert_eq!(run.code, Some(76), "{name}: {}", run.stderr);
        run.assert_error(76, message);
        assert!(run.stdout.is_empty(), "{name}: {}", run.stdout);
    }
}

#[test]
fn harmless_oddities_are_skipped() {
    let cases: Vec<(&str, Vec<RawFrame>)> = vec![
        (
            "a response to an id never sent",
            text(r#"{"kind":"resp","reqId":"999","code":200,"type":"x","body":{}}"#),
        ),
        (
            "an unknown notification",
            text(r#"{"kind":"notification","type":"ms.SomethingNew","body":{"x":1}}"#),
        ),
        (
            "a notification without changes",
            text(r#"{"kind":"notification","type":"ms.MessagingEventNotification","body":{}}"#),
        ),
    ];
    for (name, frames) in cases {
        let run = subscribe_after(frames, &[]);
        assert_eq!(run.code, Some(0), "{name}: {}", run.stderr);
        assert_eq!(run.sequences(), vec![0], "{name}");
        assert_eq!(run.stderr, "", "{name}");
    }
}

#[test]
fn unusual_but_valid_json_is_printed_as_one_compact_line() {
    // Pretty-printed, a huge number, a bare change: still one line each,
    // the values unchanged.
    let pretty = "{\n  \"kind\": \"notification\",\n  \"type\": \"ms.MessagingEventNotification\",\n  \"body\": {\"changes\": [\n    {\"sequence\": 7, \"serverTimestamp\": 123456789012345678901234567890,\n     \"event\": {\"type\": \"ContentEvent\", \"message\": \"two\\nlines  spaced\"}}\n  ]}\n}";
    let bare = r#"{"kind":"notification","type":"ms.MessagingEventNotification","body":{"changes":{"sequence":8,"event":{"type":"ContentEvent","message":"bare"}}}}"#;
    let run = subscribe_after(
        vec![
            RawFrame::Text(pretty.to_owned()),
            RawFrame::Text(bare.to_owned()),
        ],
        &[],
    );
    run.assert_code(0);
    assert_eq!(run.sequences(), vec![7, 8]);
    assert_eq!(run.lines[0]["event"]["message"], "two\nlines  spaced");
    assert!(
        run.stdout
            .lines()
            .next()
            .unwrap()
            .contains("123456789012345678901234567890")
    );
    assert_eq!(run.lines[1]["event"]["message"], "bare");
}

#[test]
fn a_message_over_max_frame_bytes_is_refused() {
    let big = format!(
        r#"{{"kind":"notification","type":"ms.Big","body":{{"x":"{}"}}}}"#,
        "a".repeat(2 << 20)
    );
    let run = subscribe_after(vec![RawFrame::Text(big)], &["--max-frame-bytes", "1048576"]);
    run.assert_error(76, "--max-frame-bytes");
}

/// A server that takes the connection and then sends its bytes one at a
/// time, 50 ms apart: the HTTP answer itself, or (after a whole answer and
/// a whole response to the subscription, request "1") a text frame. It
/// ends when the client goes away.
#[track_caller]
fn dribbling_server(whole_handshake: bool) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        let (mut stream, answer) = upgrade_request(&listener);
        let mut slow: Vec<u8> = Vec::new();
        if whole_handshake {
            stream.write_all(answer.as_bytes()).unwrap();
            answer_the_subscription(&mut stream);
            // A text frame announcing 200 bytes.
            slow.extend([0x81, 126, 0, 200]);
            slow.extend([b'x'; 200]);
        } else {
            slow.extend(answer.as_bytes());
        }
        for byte in slow {
            if stream.write_all(&[byte]).is_err() {
                return;
            }
            thread::sleep(Duration::from_millis(50));
        }
    });
    port
}

/// Takes a connection and reads its upgrade request; returns the socket and
/// the answer that accepts it.
fn upgrade_request(listener: &TcpListener) -> (TcpStream, String) {
    let (stream, _) = listener.accept().unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut key = String::new();
    let mut line = String::new();
    while reader.read_line(&mut line).unwrap_or(0) > 2 {
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("sec-websocket-key:") {
            key = line[line.len() - value.len()..].trim().to_owned();
        }
        line.clear();
    }
    let accept = tungstenite::handshake::derive_accept_key(key.as_bytes());
    let answer = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
    );
    (stream, answer)
}

/// A whole response to request "1" (the subscription), in one frame.
fn answer_the_subscription(stream: &mut TcpStream) {
    let response = br#"{"kind":"resp","reqId":"1","code":200,"type":"x","body":{}}"#;
    stream.write_all(&[0x81, response.len() as u8]).unwrap();
    stream.write_all(response).unwrap();
}

/// A server that answers the subscription, then sends pings as fast as it
/// can and never reads; it ends when the client goes away.
fn flooding_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        let (mut stream, answer) = upgrade_request(&listener);
        stream.write_all(answer.as_bytes()).unwrap();
        answer_the_subscription(&mut stream);
        // Empty pings, unmasked as a server's are: two bytes each.
        let pings = [0x89u8, 0].repeat(32 * 1024);
        while stream.write_all(&pings).is_ok() {}
    });
    port
}

#[test]
fn a_ping_flood_is_a_protocol_error() {
    let token = lp_consumer::encode_unsigned(&json!({"sub": "x"}));
    let url = format!(
        "ws://127.0.0.1:{}/ws_api/account/a/messaging/consumer?v=3",
        flooding_server()
    );
    let result = run(
        bare()
            .args(["subscribe", "c", "--follow", "--url", &url])
            .env("LP_JWT", &token),
        None,
        &token,
    );
    result.assert_error(76, "pings or pongs in a row without a message: a flood");
}

/// A server that never answers the subscription and sends, up to `parts`
/// times, the frames `part` makes; it tells (once the client has gone or
/// the parts are sent) whether the client left before the end.
fn unanswering_server(parts: usize, part: Vec<u8>) -> (u16, thread::JoinHandle<bool>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = thread::spawn(move || {
        let (mut stream, answer) = upgrade_request(&listener);
        stream.write_all(answer.as_bytes()).unwrap();
        (0..parts).any(|_| stream.write_all(&part).is_err())
    });
    (port, server)
}

/// An unmasked server text frame.
fn text_frame(text: &str) -> Vec<u8> {
    let mut frame = vec![0x81];
    match text.len() {
        len @ 0..=125 => frame.push(len as u8),
        len => {
            frame.push(126);
            frame.extend_from_slice(&(len as u16).to_be_bytes());
        }
    }
    frame.extend_from_slice(text.as_bytes());
    frame
}

#[test]
fn pings_and_stray_responses_in_bulk_do_not_hold_off_the_timeout() {
    let token = lp_consumer::encode_unsigned(&json!({"sub": "x"}));
    // Fewer pings in a row than make a flood, then a response to a request
    // never sent: nothing is kept, and the socket is never idle.
    let mut part = [0x89u8, 0].repeat(1000);
    part.extend(text_frame(
        r#"{"kind":"resp","reqId":"999","code":200,"type":"x"}"#,
    ));
    let (port, server) = unanswering_server(1_000_000, part);
    let url = format!("ws://127.0.0.1:{port}/ws_api/account/a/messaging/consumer?v=3");
    let result = run(
        bare()
            .args([
                "subscribe",
                "c",
                "--follow",
                "--timeout",
                "1",
                "--url",
                &url,
            ])
            .env("LP_JWT", &token),
        None,
        &token,
    );
    result.assert_error(75, "no response to ms.SubscribeMessagingEvents within 1 s");
    assert!(
        server.join().unwrap(),
        "the client waited for the flood to end"
    );
}

#[test]
fn notifications_in_bulk_while_a_response_is_awaited_are_a_flood() {
    // They are kept for the reader until the response: in bounded memory.
    let token = lp_consumer::encode_unsigned(&json!({"sub": "x"}));
    let notification = text_frame(&format!(
        r#"{{"kind":"notification","type":"ms.MessagingEventNotification","body":{{"changes":[],"pad":"{}"}}}}"#,
        "x".repeat(900)
    ));
    let (port, server) = unanswering_server(1_000_000, notification);
    let url = format!("ws://127.0.0.1:{port}/ws_api/account/a/messaging/consumer?v=3");
    let result = run(
        bare()
            .args(["close", "c", "--max-frame-bytes", "1024", "--url", &url])
            .env("LP_JWT", &token),
        None,
        &token,
    );
    result.assert_error(
        76,
        "the server sent more than 8192 bytes of notifications while \
         cm.UpdateConversationField went unanswered: a flood",
    );
    assert!(
        server.join().unwrap(),
        "the client waited for the flood to end"
    );
}

#[test]
fn a_dribbling_server_ends_with_75_within_the_timeout() {
    let token = lp_consumer::encode_unsigned(&json!({"sub": "x"}));
    for (whole_handshake, message) in [(false, "handshake"), (true, "receiving a frame")] {
        let port = dribbling_server(whole_handshake);
        let url = format!("ws://127.0.0.1:{port}/ws_api/account/a/messaging/consumer?v=3");
        // --follow: the subscription is the only setup, so the slow frame
        // is the only thing waited for.
        let result = run(
            bare()
                .args([
                    "subscribe",
                    "c",
                    "--follow",
                    "--timeout",
                    "0.5",
                    "--url",
                    &url,
                ])
                .env("LP_JWT", &token),
            None,
            &token,
        );
        result.assert_error(75, message);
    }
}

#[test]
fn every_subcommand_keeps_the_token_out_of_verbose_output() {
    // The harness checks every run's stdout and stderr for the token and
    // its payload; here every subcommand runs with --verbose.
    let setup = Setup::with(MockConfig {
        agent_echo: true,
        ..MockConfig::default()
    });
    setup.run(&["jwt-sub", "--verbose"]).assert_code(0);
    let conversation = setup.create();
    setup
        .run(&["send", &conversation, "hi", "--verbose"])
        .assert_code(0);
    setup
        .run_stdin(&["send", &conversation, "--verbose"], "one\ntwo\n")
        .assert_code(0);
    setup
        .run(&["ack", &conversation, "--seq", "1", "--verbose"])
        .assert_code(0);
    let subscribed = setup.run(&[
        "subscribe",
        &conversation,
        "--verbose",
        "--keepalive",
        "0.05",
        "--idle-timeout",
        "0.3",
    ]);
    subscribed.assert_code(0);
    assert!(subscribed.stderr.contains("GetClock"));
    setup.run(&["conversations", "--verbose"]).assert_code(0);
    setup
        .run(&["close", &conversation, "--verbose"])
        .assert_code(0);
    setup.run(&["create", "--verbose"]).assert_code(0);
    setup.run(&["create", "--verbose"]).assert_code(1);
}
