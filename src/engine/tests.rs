//! The engine driven by hand: frames in, lines and requests out, no socket.

use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::{Value, json};

use super::{Ending, Engine, Io, Options};
use crate::cli::{AckStatus, Origin};
use crate::exit::{self, Exit, Outcome};
use crate::frames::Response;

const CONV: &str = "conv-1";
const ME: &str = "consumer-1";
const SECOND: Duration = Duration::from_secs(1);

/// Records what the engine asked for.
#[derive(Default)]
struct Recorder {
    lines: Vec<String>,
    requests: Vec<(String, Value)>,
    /// Ids `other_response` claims as the link's own.
    link_ids: Vec<String>,
    said: Vec<String>,
}

impl Io for Recorder {
    fn print(&mut self, line: &str) -> Result<()> {
        self.lines.push(line.to_owned());
        Ok(())
    }

    fn request(&mut self, request_type: &'static str, body: &Value) -> Result<String> {
        self.requests.push((request_type.to_owned(), body.clone()));
        Ok(format!("r{}", self.requests.len()))
    }

    fn other_response(&mut self, response: &Response) -> Result<bool> {
        Ok(self.link_ids.iter().any(|id| *id == response.req_id))
    }

    fn say(&mut self, line: &str) {
        self.said.push(line.to_owned());
    }
}

impl Recorder {
    fn last_id(&self) -> String {
        format!("r{}", self.requests.len())
    }

    fn sequences(&self) -> Vec<u64> {
        self.lines
            .iter()
            .filter_map(|line| serde_json::from_str::<Value>(line).ok()?["sequence"].as_u64())
            .collect()
    }
}

fn options() -> Options {
    Options {
        conversation: CONV.to_owned(),
        consumer: ME.to_owned(),
        from: Origin::Any,
        types: Vec::new(),
        since: None,
        ack: None,
        frames: false,
        count: None,
        idle: None,
        until_closed: true,
        timeout: 10 * SECOND,
        every_origin: false,
    }
}

fn event(sequence: u64, by: &str) -> Value {
    event_in(CONV, sequence, by)
}

fn event_in(dialog: &str, sequence: u64, by: &str) -> Value {
    json!({
        "sequence": sequence,
        "originatorId": by,
        "serverTimestamp": 1,
        "event": {"type": "ContentEvent", "contentType": "text/plain", "message": format!("m{sequence}")},
        "dialogId": dialog,
    })
}

fn notification(changes: &[Value]) -> String {
    json!({"kind": "notification", "type": "ms.MessagingEventNotification", "body": {"changes": changes}})
        .to_string()
}

fn ok(id: &str) -> String {
    json!({"kind": "resp", "reqId": id, "code": 200, "type": "x", "body": {}}).to_string()
}

fn closed_conversation(last_content: Option<u64>) -> String {
    closed_after(last_content.map(|sequence| json!({"sequence": sequence})))
}

fn closed_after(last_content: Option<Value>) -> String {
    let mut result = json!({"convId": CONV, "conversationDetails": {"state": "CLOSE", "stage": "CLOSE", "startTs": 1}});
    if let Some(last) = last_content {
        result["lastContentEventNotification"] = last;
    }
    json!({"kind": "notification", "type": "cqm.ExConversationChangeNotification",
           "body": {"subscriptionId": "s", "changes": [{"type": "UPSERT", "result": result}]}})
    .to_string()
}

/// An engine on its first connection, subscribed (both setup responses in).
fn streaming(options: Options, cursor: Option<u64>) -> (Engine, Recorder) {
    let mut engine = Engine::new(options, cursor);
    let mut io = Recorder::default();
    engine.start(&mut io).unwrap();
    let subscribe = io.last_id();
    engine.on_frame(&ok(&subscribe), &mut io).unwrap();
    if io.requests.len() == 2 {
        let metadata = io.last_id();
        engine.on_frame(&ok(&metadata), &mut io).unwrap();
    }
    (engine, io)
}

fn exit_of(err: &anyhow::Error) -> Exit {
    match exit::classify(err) {
        Outcome::Fail(exit) => exit,
        Outcome::Quiet => panic!("quiet"),
    }
}

#[test]
fn subscribes_after_the_cursor_then_asks_for_the_metadata() {
    let (_, io) = streaming(options(), Some(4));
    assert_eq!(io.requests[0].0, "ms.SubscribeMessagingEvents");
    assert_eq!(io.requests[0].1, json!({"dialogId": CONV, "fromSeq": 5}));
    assert_eq!(io.requests[1].0, "cqm.SubscribeExConversations");
    let (_, io) = streaming(
        Options {
            until_closed: false,
            ..options()
        },
        None,
    );
    assert_eq!(io.requests.len(), 1, "--follow needs no metadata");
    assert_eq!(io.requests[0].1["fromSeq"], 0);
}

#[test]
fn prints_each_sequence_once_in_order_and_moves_the_cursor() {
    let (mut engine, mut io) = streaming(options(), None);
    let frame = notification(&[event(1, "agent"), event(0, "agent")]);
    engine.on_frame(&frame, &mut io).unwrap();
    engine.on_frame(&frame, &mut io).unwrap();
    engine
        .on_frame(&notification(&[event(1, "agent"), event(2, ME)]), &mut io)
        .unwrap();
    assert_eq!(io.sequences(), [0, 1, 2]);
    assert_eq!(engine.cursor(), Some(2));
    assert_eq!(engine.progress(), 3);
    // Printed as received, byte for byte.
    assert_eq!(io.lines[0], event(0, "agent").to_string());
}

#[test]
fn our_own_receipts_are_not_progress_an_agents_are() {
    let (mut engine, mut io) = streaming(options(), None);
    let receipt = |sequence: u64, by: &str| {
        let mut change = event(sequence, by);
        change["event"] =
            json!({"type": "AcceptStatusEvent", "status": "ACCEPT", "sequenceList": [0]});
        change
    };
    engine
        .on_frame(
            &notification(&[receipt(0, ME), receipt(1, "agent")]),
            &mut io,
        )
        .unwrap();
    // Both move the cursor; only the agent's is news.
    assert_eq!(engine.cursor(), Some(1));
    assert_eq!(engine.progress(), 1);
}

#[test]
fn resumes_after_the_cursor_on_the_next_connection() {
    let (mut engine, mut io) = streaming(options(), None);
    engine
        .on_frame(&notification(&[event(0, "a"), event(1, "a")]), &mut io)
        .unwrap();
    engine.disconnected();
    let mut io = Recorder::default();
    engine.start(&mut io).unwrap();
    assert_eq!(io.requests[0].1["fromSeq"], 2);
    // The server replays from an older point: only the new ones print.
    engine
        .on_frame(&notification(&[event(1, "a"), event(2, "a")]), &mut io)
        .unwrap();
    assert_eq!(io.sequences(), [2]);
}

#[test]
fn filters_move_the_cursor_but_print_only_what_they_keep() {
    let agent_only = Options {
        from: Origin::Agent,
        ..options()
    };
    let (mut engine, mut io) = streaming(agent_only, None);
    engine
        .on_frame(&notification(&[event(0, ME), event(1, "agent")]), &mut io)
        .unwrap();
    assert_eq!(io.sequences(), [1]);
    assert_eq!(engine.cursor(), Some(1));
    let typing = json!({"originatorId": "agent", "event": {"type": "ChatStateEvent", "chatState": "COMPOSING"}});
    let only_typing = Options {
        types: vec!["ChatStateEvent".to_owned()],
        ..options()
    };
    let (mut engine, mut io) = streaming(only_typing, Some(7));
    engine
        .on_frame(&notification(&[event(8, "agent"), typing.clone()]), &mut io)
        .unwrap();
    assert_eq!(io.lines, [typing.to_string()]);
    // Typing has no sequence: it never moves the cursor.
    assert_eq!(engine.cursor(), Some(8));
}

#[test]
fn count_ends_after_that_many_lines_and_the_cursor_stays_on_the_last() {
    let (mut engine, mut io) = streaming(
        Options {
            count: Some(2),
            ..options()
        },
        None,
    );
    engine
        .on_frame(
            &notification(&[event(0, "a"), event(1, "a"), event(2, "a")]),
            &mut io,
        )
        .unwrap();
    assert_eq!(io.sequences(), [0, 1]);
    assert_eq!(engine.cursor(), Some(1));
    assert_eq!(engine.ending(), Some(Ending::Count));
}

#[test]
fn idle_runs_from_the_first_setup_and_only_new_events_restart_it() {
    let (mut engine, mut io) = streaming(
        Options {
            idle: Some(2 * SECOND),
            ..options()
        },
        None,
    );
    let t0 = Instant::now();
    engine.on_tick(t0).unwrap();
    assert_eq!(engine.next_deadline(), Some(t0 + 2 * SECOND));
    engine
        .on_frame(&notification(&[event(0, "a")]), &mut io)
        .unwrap();
    engine.on_tick(t0 + SECOND).unwrap();
    assert_eq!(engine.next_deadline(), Some(t0 + 3 * SECOND));
    // A new connection and a repeated event are not progress.
    engine.disconnected();
    engine.start(&mut io).unwrap();
    let subscribe = io.last_id();
    engine.on_frame(&ok(&subscribe), &mut io).unwrap();
    engine
        .on_frame(&notification(&[event(0, "a")]), &mut io)
        .unwrap();
    engine.on_tick(t0 + 2 * SECOND).unwrap();
    assert_eq!(engine.ending(), None);
    engine.on_tick(t0 + 3 * SECOND).unwrap();
    assert_eq!(engine.ending(), Some(Ending::Idle));
}

#[test]
fn a_setup_response_that_never_comes_is_a_temporary_failure() {
    let mut engine = Engine::new(options(), None);
    let mut io = Recorder::default();
    engine.start(&mut io).unwrap();
    let t0 = Instant::now();
    engine.on_tick(t0).unwrap();
    assert_eq!(engine.next_deadline(), Some(t0 + 10 * SECOND));
    let err = engine.on_tick(t0 + 10 * SECOND).unwrap_err();
    assert_eq!(exit_of(&err), Exit::TempFail);
    assert!(
        err.to_string().contains("ms.SubscribeMessagingEvents"),
        "{err}"
    );
}

#[test]
fn a_refused_subscription_says_so() {
    let mut engine = Engine::new(options(), None);
    let mut io = Recorder::default();
    engine.start(&mut io).unwrap();
    let refusal = json!({"kind": "resp", "reqId": "r1", "code": 400, "type": "x", "body": "Conversation not found"});
    let err = engine.on_frame(&refusal.to_string(), &mut io).unwrap_err();
    assert_eq!(exit_of(&err), Exit::Refused);
    assert!(err.to_string().contains("Conversation not found"));
}

#[test]
fn the_close_ends_the_stream_once_the_last_content_event_is_printed() {
    let (mut engine, mut io) = streaming(options(), None);
    engine
        .on_frame(&notification(&[event(0, "a")]), &mut io)
        .unwrap();
    engine
        .on_frame(&closed_conversation(Some(1)), &mut io)
        .unwrap();
    assert_eq!(engine.ending(), None, "sequence 1 is still to come");
    engine
        .on_frame(&notification(&[event(1, "a")]), &mut io)
        .unwrap();
    assert_eq!(engine.ending(), Some(Ending::ConversationClosed));
    assert_eq!(io.sequences(), [0, 1]);

    // Without a last sequence the close ends at once; --follow ignores it.
    let (mut engine, mut io) = streaming(options(), None);
    engine
        .on_frame(&closed_conversation(None), &mut io)
        .unwrap();
    assert_eq!(engine.ending(), Some(Ending::ConversationClosed));
    let follow = Options {
        until_closed: false,
        ..options()
    };
    let (mut engine, mut io) = streaming(follow, None);
    engine
        .on_frame(&closed_conversation(None), &mut io)
        .unwrap();
    assert_eq!(engine.ending(), None);
}

#[test]
fn a_close_whose_events_never_come_ends_after_the_timeout() {
    let (mut engine, mut io) = streaming(options(), None);
    engine
        .on_frame(&closed_conversation(Some(5)), &mut io)
        .unwrap();
    let t0 = Instant::now();
    engine.on_tick(t0).unwrap();
    engine.on_tick(t0 + 9 * SECOND).unwrap();
    assert_eq!(engine.ending(), None);
    engine.on_tick(t0 + 10 * SECOND).unwrap();
    assert_eq!(engine.ending(), Some(Ending::ConversationClosed));
}

#[test]
fn receipts_go_out_for_agent_content_events_printed() {
    let (mut engine, mut io) = streaming(
        Options {
            ack: Some(AckStatus::Read),
            ..options()
        },
        None,
    );
    let typing = json!({"originatorId": "agent", "event": {"type": "ChatStateEvent"}});
    let mut card = event(3, "agent");
    card["event"] = json!({"type": "RichContentEvent", "content": {"type": "vertical"}});
    let requests = io.requests.len();
    engine
        .on_frame(
            &notification(&[event(0, "agent"), event(1, ME), typing, event(2, "agent")]),
            &mut io,
        )
        .unwrap();
    engine.on_frame(&notification(&[card]), &mut io).unwrap();
    assert_eq!(
        io.requests.len(),
        requests,
        "receipts wait for the burst's end"
    );
    engine.end_of_burst(&mut io).unwrap();
    let (request_type, body) = io.requests.last().unwrap();
    assert_eq!(request_type, "ms.PublishEvent");
    assert_eq!(
        body["event"],
        json!({"type": "AcceptStatusEvent", "status": "READ", "sequenceList": [0, 2, 3]})
    );
    // A refused receipt is a warning, not the end.
    let refusal =
        json!({"kind": "resp", "reqId": io.last_id(), "code": 400, "type": "x", "body": "no"});
    engine.on_frame(&refusal.to_string(), &mut io).unwrap();
    assert_eq!(engine.ending(), None);
    assert!(io.said[0].starts_with("warning: read receipt not accepted"));
}

#[test]
fn frames_mode_prints_every_frame_but_the_links_own_answers() {
    let (mut engine, mut io) = streaming(
        Options {
            frames: true,
            ..options()
        },
        None,
    );
    let before = io.lines.len();
    let frame = notification(&[event(0, "a")]);
    engine.on_frame(&frame, &mut io).unwrap();
    io.link_ids.push("k1".to_owned());
    engine.on_frame(&ok("k1"), &mut io).unwrap();
    engine.on_frame(&ok("unknown"), &mut io).unwrap();
    assert_eq!(io.lines[before..], [frame, ok("unknown")]);
    assert_eq!(engine.cursor(), Some(0));
}

#[test]
fn odd_but_valid_frames_take_the_general_road() {
    let (mut engine, mut io) = streaming(options(), None);
    // Pretty-printed, with a bare change instead of an array.
    let frame = "{\"type\": \"ms.MessagingEventNotification\",\n \"body\": {\"changes\": {\"sequence\": 3,\n \"event\": {}}}}";
    engine.on_frame(frame, &mut io).unwrap();
    assert_eq!(io.lines, [r#"{"sequence":3,"event":{}}"#]);
    let broken = r#"{"type":"ms.MessagingEventNotification","body":{"changes":[{"sequence":-1}]}}"#;
    let err = engine.on_frame(broken, &mut io).unwrap_err();
    assert_eq!(exit_of(&err), Exit::Protocol);
}

#[test]
fn a_second_dialog_has_its_own_sequences_and_the_close_waits_in_its_dialog() {
    let (mut engine, mut io) = streaming(options(), Some(5));
    engine.follow_dialog(&mut io, "survey").unwrap();
    let (request_type, body) = io.requests.last().unwrap();
    assert_eq!(request_type, "ms.SubscribeMessagingEvents");
    assert_eq!(body, &json!({"dialogId": "survey", "fromSeq": 0}));
    engine.on_frame(&ok(&io.last_id()), &mut io).unwrap();
    // Routed by dialogId: survey sequences start again from 0.
    engine
        .on_frame(
            &notification(&[event_in("survey", 0, "bot"), event(6, "agent")]),
            &mut io,
        )
        .unwrap();
    assert_eq!(io.sequences(), [6, 0]);
    assert_eq!(engine.cursor(), Some(6), "the main dialog's cursor");
    engine
        .on_frame(
            &closed_after(Some(json!({"sequence": 1, "dialogId": "survey"}))),
            &mut io,
        )
        .unwrap();
    assert_eq!(engine.ending(), None, "survey #1 is still to come");
    engine
        .on_frame(&notification(&[event_in("survey", 1, "bot")]), &mut io)
        .unwrap();
    assert_eq!(engine.ending(), Some(Ending::ConversationClosed));
}

#[test]
fn after_a_reconnection_a_survey_is_subscribed_again_once_the_main_dialog_is() {
    let (mut engine, mut io) = streaming(options(), Some(5));
    engine.follow_dialog(&mut io, "survey").unwrap();
    engine.on_frame(&ok(&io.last_id()), &mut io).unwrap();
    engine
        .on_frame(&notification(&[event_in("survey", 0, "bot")]), &mut io)
        .unwrap();
    engine.disconnected();
    io.requests.clear();
    engine.start(&mut io).unwrap();
    // The main dialog alone first: its replay comes before the survey's.
    assert_eq!(
        io.requests,
        [(
            "ms.SubscribeMessagingEvents".to_owned(),
            json!({"dialogId": CONV, "fromSeq": 6})
        )]
    );
    engine.on_frame(&ok(&io.last_id()), &mut io).unwrap();
    assert_eq!(
        io.requests[1],
        (
            "ms.SubscribeMessagingEvents".to_owned(),
            json!({"dialogId": "survey", "fromSeq": 1})
        )
    );
    assert!(
        engine.resumes().contains("dialog survey after 0"),
        "{}",
        engine.resumes()
    );
}

#[test]
fn events_the_consumer_already_marked_read_get_no_receipt() {
    let (mut engine, mut io) = streaming(
        Options {
            ack: Some(AckStatus::Read),
            ..options()
        },
        None,
    );
    let receipt = |sequence: u64, status: &str, marked: &[u64]| {
        let mut change = event(sequence, ME);
        change["event"] =
            json!({"type": "AcceptStatusEvent", "status": status, "sequenceList": marked});
        change
    };
    let requests = io.requests.len();
    // A history: three agent messages, then the receipts of an earlier run
    // (an ACCEPT does not count as read), one per frame.
    for change in [
        event(0, "agent"),
        event(1, "agent"),
        event(2, "agent"),
        receipt(3, "READ", &[0, 1]),
        receipt(4, "ACCEPT", &[2]),
    ] {
        engine.on_frame(&notification(&[change]), &mut io).unwrap();
    }
    engine.end_of_burst(&mut io).unwrap();
    assert_eq!(io.requests.len(), requests + 1);
    assert_eq!(io.requests[requests].1["event"]["sequenceList"], json!([2]));
    // Nothing due: no request.
    engine.end_of_burst(&mut io).unwrap();
    assert_eq!(io.requests.len(), requests + 1);
}
