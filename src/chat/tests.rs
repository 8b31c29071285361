//! The chat driven by hand: lines, events, responses and the time in,
//! requests and notices out, no socket.

use std::borrow::Cow;
use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use super::{Chat, Io, Options};
use crate::engine::Event;
use crate::exit::{self, Exit, Outcome, link_error};
use crate::frames::{ConversationChange, DialogState, Response};
use crate::reconnect::LinkError;

const CONV: &str = "conv";
const SECOND: Duration = Duration::from_secs(1);

#[derive(Default)]
struct Recorder {
    sent: Vec<(String, Value, Option<Value>)>,
    shown: Vec<Value>,
    notices: Vec<String>,
    said: Vec<String>,
}

impl Io for Recorder {
    fn send(
        &mut self,
        request_type: &'static str,
        body: &Value,
        metadata: Option<&Value>,
    ) -> Result<String> {
        self.sent
            .push((request_type.to_owned(), body.clone(), metadata.cloned()));
        Ok(format!("r{}", self.sent.len()))
    }

    fn probe(&mut self) -> Result<String> {
        self.sent.push(("GetClock".to_owned(), Value::Null, None));
        Ok(format!("r{}", self.sent.len()))
    }

    fn show(&mut self, target: &Value) -> Result<()> {
        self.shown.push(target.clone());
        Ok(())
    }

    fn notice(&mut self, text: &str) -> Result<()> {
        self.notices.push(text.to_owned());
        Ok(())
    }

    fn say(&mut self, line: &str) {
        self.said.push(line.to_owned());
    }
}

fn options(turns: bool) -> Options {
    Options {
        turns,
        settle: SECOND,
        reply_timeout: 10 * SECOND,
        answer_timeout: 30 * SECOND,
        interactive: false,
    }
}

fn answer(chat: &mut Chat, id: &str, sequence: u64) {
    let body = RawValue::from_string(json!({"sequence": sequence}).to_string()).unwrap();
    let response = Response {
        req_id: Cow::Borrowed(id),
        code: 200,
        body: Some(&body),
    };
    assert!(chat.on_response(&response).unwrap());
}

fn agent_says(chat: &mut Chat, dialog: &str, sequence: u64, event: Value) {
    let text =
        json!({"sequence": sequence, "originatorId": "bot", "dialogId": dialog, "event": event})
            .to_string();
    chat.on_event(&Event {
        dialog,
        sequence: Some(sequence),
        by_consumer: false,
        event_type: event["type"].as_str(),
        text: &text,
        printed: true,
    });
}

fn text(message: &str) -> Value {
    json!({"type": "ContentEvent", "contentType": "text/plain", "message": message})
}

fn typing(chat: &mut Chat) {
    chat.on_event(&Event {
        dialog: CONV,
        sequence: None,
        by_consumer: false,
        event_type: Some("ChatStateEvent"),
        text: r#"{"event":{"type":"ChatStateEvent","chatState":"COMPOSING"}}"#,
        printed: true,
    });
}

fn exit_of(err: &anyhow::Error) -> Exit {
    match exit::classify(err) {
        Outcome::Fail(exit) => exit,
        Outcome::Quiet => panic!("quiet"),
    }
}

#[test]
fn a_turn_ends_after_an_answer_and_the_settle_time() {
    let mut chat = Chat::new(options(true), CONV);
    let mut io = Recorder::default();
    assert!(chat.wants_line());
    chat.line(&mut io, 1, "hello").unwrap();
    assert_eq!(io.sent[0].1["event"]["message"], "hello");
    assert!(!chat.wants_line());
    answer(&mut chat, "r1", 5);
    let t0 = Instant::now();
    chat.on_tick(&mut io, t0).unwrap();
    // Old events and our own do not answer; typing only keeps it busy.
    agent_says(&mut chat, CONV, 4, text("history"));
    typing(&mut chat);
    chat.on_tick(&mut io, t0 + 5 * SECOND).unwrap();
    assert!(!chat.wants_line());
    agent_says(&mut chat, CONV, 6, text("hi!"));
    chat.on_tick(&mut io, t0 + 6 * SECOND).unwrap();
    assert_eq!(chat.next_deadline(), Some(t0 + 7 * SECOND));
    // More from the agent restarts the settle time.
    agent_says(&mut chat, CONV, 7, text("anything else?"));
    chat.on_tick(&mut io, t0 + 6500 * Duration::from_millis(1))
        .unwrap();
    chat.on_tick(&mut io, t0 + 7 * SECOND).unwrap();
    assert!(!chat.wants_line());
    chat.on_tick(&mut io, t0 + 7500 * Duration::from_millis(1))
        .unwrap();
    assert!(chat.wants_line());
}

#[test]
fn no_answer_within_the_reply_timeout_is_75_naming_the_line() {
    let mut chat = Chat::new(options(true), CONV);
    let mut io = Recorder::default();
    chat.line(&mut io, 3, "is anyone there").unwrap();
    answer(&mut chat, "r1", 0);
    let t0 = Instant::now();
    chat.on_tick(&mut io, t0).unwrap();
    typing(&mut chat);
    chat.on_tick(&mut io, t0 + 9 * SECOND).unwrap();
    // At the deadline a keep-alive tells a silent link from a silent bot.
    chat.on_tick(&mut io, t0 + 10 * SECOND).unwrap();
    assert_eq!(io.sent[1].0, "GetClock");
    chat.on_tick(&mut io, t0 + 11 * SECOND).unwrap();
    // The link answers: the bot is silent.
    answer(&mut chat, "r2", 0);
    let err = chat.on_tick(&mut io, t0 + 11 * SECOND).unwrap_err();
    assert_eq!(exit_of(&err), Exit::TempFail);
    assert!(
        err.to_string()
            .contains("no reply to line 3 (`is anyone there`) within 10 s"),
        "{err}"
    );
}

#[test]
fn a_keep_alive_unanswered_past_the_reply_deadline_is_a_dead_link() {
    let mut chat = Chat::new(options(true), CONV);
    let mut io = Recorder::default();
    chat.line(&mut io, 1, "hello").unwrap();
    answer(&mut chat, "r1", 0);
    let t0 = Instant::now();
    chat.on_tick(&mut io, t0).unwrap();
    chat.on_tick(&mut io, t0 + 10 * SECOND).unwrap();
    assert_eq!(io.sent[1].0, "GetClock");
    chat.on_tick(&mut io, t0 + 11 * SECOND).unwrap();
    let err = chat.on_tick(&mut io, t0 + 41 * SECOND).unwrap_err();
    assert_eq!(link_error(&err), Some(LinkError::TimedOut), "{err}");
    assert!(
        err.to_string()
            .contains("a keep-alive sent when a reply was due"),
        "{err}"
    );
    // On a new link the reply may be in the replay; if not, a new probe.
    chat.reconnected();
    chat.on_tick(&mut io, t0 + 42 * SECOND).unwrap();
    assert_eq!(io.sent.len(), 3);
    assert_eq!(io.sent[2].0, "GetClock");
}

#[test]
fn without_turns_the_next_line_goes_once_the_last_is_answered() {
    let mut chat = Chat::new(options(false), CONV);
    let mut io = Recorder::default();
    chat.line(&mut io, 1, "one").unwrap();
    assert!(!chat.wants_line());
    answer(&mut chat, "r1", 0);
    assert!(chat.wants_line());
    chat.input_ended();
    assert!(chat.finished());
}

#[test]
fn a_click_sends_an_action_then_the_text_with_the_metadata() {
    let mut chat = Chat::new(options(true), CONV);
    let mut io = Recorder::default();
    let metadata = json!([{"type": "ExternalId", "id": "yes-1"}]);
    let menu = json!({"type": "ContentEvent", "message": "Sure?", "quickReplies": {"replies": [
        {"type": "button", "title": "Yes", "click": {"actions": [{"type": "publishText", "text": "Yes"}], "metadata": metadata}},
        {"type": "button", "title": "Docs", "click": {"actions": [{"type": "link", "uri": "https://docs"}]}}]}});
    agent_says(&mut chat, CONV, 8, menu);
    chat.line(&mut io, 1, "/click yes").unwrap();
    let (action_type, action, action_metadata) = &io.sent[0];
    assert_eq!(action_type, "ms.PublishEvent");
    assert_eq!(
        action["event"],
        json!({"type": "AcceptStatusEvent", "status": "ACTION", "sequenceList": [8]})
    );
    assert_eq!(action_metadata.as_ref(), Some(&metadata));
    let (_, published, published_metadata) = &io.sent[1];
    assert_eq!(published["event"]["message"], "Yes");
    assert_eq!(published_metadata.as_ref(), Some(&metadata));
    // Both answered: the click's text waits for its answer like a line.
    answer(&mut chat, "r2", 9);
    answer(&mut chat, "r1", 0);
    assert!(!chat.wants_line());
    agent_says(&mut chat, CONV, 10, text("Great"));
    chat.on_tick(&mut io, Instant::now()).unwrap();
    chat.on_tick(&mut io, Instant::now() + 2 * SECOND).unwrap();
    assert!(chat.wants_line());
    // A link sends nothing and is shown.
    chat.line(&mut io, 2, "/click 2").unwrap();
    assert_eq!(io.sent.len(), 2);
    assert_eq!(io.shown, [json!({"click": "Docs", "link": "https://docs"})]);
    assert!(chat.wants_line());
}

#[test]
fn read_receipts_cover_what_was_printed_once() {
    let mut chat = Chat::new(options(false), CONV);
    let mut io = Recorder::default();
    agent_says(&mut chat, CONV, 1, text("a"));
    agent_says(&mut chat, CONV, 2, text("b"));
    chat.line(&mut io, 1, "/read").unwrap();
    assert_eq!(
        io.sent[0].1["event"],
        json!({"type": "AcceptStatusEvent", "status": "READ", "sequenceList": [1, 2]})
    );
    answer(&mut chat, "r1", 0);
    chat.line(&mut io, 2, "/read").unwrap();
    assert_eq!(io.sent.len(), 1, "nothing new to receipt");
}

fn conversation(stage: &str, dialogs: Vec<DialogState>, skill: &str) -> ConversationChange {
    ConversationChange {
        conversation_id: CONV.to_owned(),
        deleted: false,
        state: Some(stage.to_owned()),
        stage: Some(stage.to_owned()),
        start_ts: Some(1),
        end_ts: None,
        last_content_sequence: None,
        last_content_dialog: None,
        skill_id: Some(skill.to_owned()),
        dialogs,
    }
}

fn dialog(id: &str, kind: &str, open: bool) -> DialogState {
    DialogState {
        id: id.to_owned(),
        kind: kind.to_owned(),
        open,
    }
}

#[test]
fn a_survey_takes_the_lines_and_the_close_is_said_once() {
    let mut chat = Chat::new(options(false), CONV);
    let mut io = Recorder::default();
    chat.on_conversation(&mut io, &conversation("OPEN", Vec::new(), "1"))
        .unwrap();
    chat.on_conversation(&mut io, &conversation("OPEN", Vec::new(), "2"))
        .unwrap();
    assert_eq!(io.notices, ["the conversation was transferred to skill 2"]);
    agent_says(&mut chat, CONV, 3, text("bye"));
    let survey = vec![
        dialog(CONV, "MAIN", false),
        dialog("pcs", "POST_SURVEY", true),
    ];
    chat.on_conversation(&mut io, &conversation("OPEN", survey.clone(), "2"))
        .unwrap();
    assert_eq!(chat.take_survey().as_deref(), Some("pcs"));
    assert_eq!(chat.take_survey(), None);
    // The main dialog's messages are not the survey's to receipt.
    chat.line(&mut io, 1, "/read").unwrap();
    assert!(io.sent.is_empty());
    chat.line(&mut io, 2, "Good").unwrap();
    assert_eq!(io.sent[0].1["dialogId"], "pcs");
    let closed = vec![
        dialog(CONV, "MAIN", false),
        dialog("pcs", "POST_SURVEY", false),
    ];
    for _ in 0..2 {
        chat.on_conversation(&mut io, &conversation("CLOSE", closed.clone(), "2"))
            .unwrap();
    }
    assert!(chat.closed());
    assert_eq!(
        io.notices
            .iter()
            .filter(|n| n.contains("is closed"))
            .count(),
        1
    );
}

#[test]
fn after_a_close_lines_wait_for_the_end_or_a_survey() {
    let mut chat = Chat::new(options(false), CONV);
    let mut io = Recorder::default();
    chat.line(&mut io, 1, "/close").unwrap();
    assert_eq!(io.sent[0].0, "cm.UpdateConversationField");
    let body = RawValue::from_string(r#""OK""#.to_owned()).unwrap();
    let closed = Response {
        req_id: Cow::Borrowed("r1"),
        code: 200,
        body: Some(&body),
    };
    assert!(chat.on_response(&closed).unwrap());
    assert!(
        !chat.wants_line(),
        "nothing more goes to a closing conversation"
    );
    let survey = vec![
        dialog(CONV, "MAIN", false),
        dialog("pcs", "POST_SURVEY", true),
    ];
    chat.on_conversation(&mut io, &conversation("OPEN", survey, "1"))
        .unwrap();
    assert!(chat.wants_line(), "the survey takes lines");
}

#[test]
fn commands_are_checked_and_slashes_escaped() {
    let mut chat = Chat::new(options(false), CONV);
    let mut io = Recorder::default();
    chat.line(&mut io, 1, "//etc").unwrap();
    assert_eq!(io.sent[0].1["event"]["message"], "/etc");
    answer(&mut chat, "r1", 0);
    chat.line(&mut io, 2, "   ").unwrap();
    assert_eq!(io.sent.len(), 1, "blank lines are not messages");
    let err = chat.line(&mut io, 3, "/nope").unwrap_err();
    assert_eq!(exit_of(&err), Exit::DataErr);
    assert!(
        err.to_string()
            .starts_with("line 3: unknown command `/nope`")
    );
    let err = chat.line(&mut io, 4, "/click 1").unwrap_err();
    assert!(err.to_string().contains("no agent message with choices"));
    let mut person = Chat::new(
        Options {
            interactive: true,
            ..options(false)
        },
        CONV,
    );
    assert!(person.line(&mut io, 1, "/nope").is_ok());
    assert!(io.said[0].starts_with("warning: line 1: unknown command `/nope`"));
    // A click that cannot be done is a warning for a person too.
    assert!(person.line(&mut io, 2, "/click 1").is_ok());
    let menu = json!({"type": "ContentEvent", "message": "Pick", "quickReplies": {"replies": [
        {"type": "button", "title": "Yes", "click": {"actions": [{"type": "publishText", "text": "Yes"}]}}]}});
    agent_says(&mut person, CONV, 1, menu.clone());
    let sent = io.sent.len();
    assert!(person.line(&mut io, 3, "/click 9").is_ok());
    assert!(
        io.said[2].starts_with("warning: line 3: /click:"),
        "{:?}",
        io.said
    );
    assert_eq!(io.sent.len(), sent, "nothing sent");
    assert!(person.wants_line(), "the person types again");
    // For a script, the same click is an error.
    agent_says(&mut chat, CONV, 1, menu);
    let err = chat.line(&mut io, 5, "/click 9").unwrap_err();
    assert_eq!(exit_of(&err), Exit::DataErr);
}

fn we_said(chat: &mut Chat, sequence: u64, message: &str) {
    let text =
        json!({"sequence": sequence, "originatorId": "me", "event": text(message)}).to_string();
    chat.on_event(&Event {
        dialog: CONV,
        sequence: Some(sequence),
        by_consumer: true,
        event_type: Some("ContentEvent"),
        text: &text,
        printed: true,
    });
}

/// The metadata a new connection brings: the last content event.
fn last_content(chat: &mut Chat, io: &mut Recorder, sequence: u64) {
    let mut change = conversation("OPEN", Vec::new(), "1");
    change.last_content_sequence = Some(sequence);
    chat.on_conversation(io, &change).unwrap();
}

#[test]
fn a_message_whose_answer_was_lost_and_is_in_the_replay_is_not_sent_again() {
    let mut chat = Chat::new(options(true), CONV);
    let mut io = Recorder::default();
    chat.line(&mut io, 1, "same").unwrap();
    answer(&mut chat, "r1", 3);
    agent_says(&mut chat, CONV, 4, text("ok"));
    chat.on_tick(&mut io, Instant::now() + 5 * SECOND).unwrap();
    chat.on_tick(&mut io, Instant::now() + 7 * SECOND).unwrap();
    assert!(chat.wants_line());
    // The same text again; the connection fails before its answer.
    chat.line(&mut io, 2, "same").unwrap();
    chat.reconnected();
    assert!(!chat.wants_line());
    // The replay: the earlier message is not this one; the next is.
    we_said(&mut chat, 3, "same");
    chat.resume(&mut io).unwrap();
    assert_eq!(io.sent.len(), 2, "waits for the replay");
    we_said(&mut chat, 5, "same");
    last_content(&mut chat, &mut io, 5);
    chat.resume(&mut io).unwrap();
    assert_eq!(io.sent.len(), 2, "found, not sent again");
    // The turn goes on: the answer is awaited.
    assert!(!chat.wants_line());
    agent_says(&mut chat, CONV, 6, text("ok again"));
    chat.on_tick(&mut io, Instant::now()).unwrap();
    chat.on_tick(&mut io, Instant::now() + 2 * SECOND).unwrap();
    assert!(chat.wants_line());
}

#[test]
fn a_message_whose_answer_was_lost_and_is_not_in_the_conversation_is_sent_again() {
    let mut chat = Chat::new(options(false), CONV);
    let mut io = Recorder::default();
    chat.line(&mut io, 1, "lost").unwrap();
    chat.reconnected();
    // The replay reaches the last content event without our message.
    agent_says(&mut chat, CONV, 7, text("earlier"));
    chat.resume(&mut io).unwrap();
    assert_eq!(io.sent.len(), 1, "waits for the metadata");
    last_content(&mut chat, &mut io, 7);
    chat.resume(&mut io).unwrap();
    assert_eq!(io.sent.len(), 2);
    assert_eq!(io.sent[1].1["event"]["message"], "lost");
    answer(&mut chat, "r2", 8);
    assert!(chat.wants_line());
}

#[test]
fn a_lost_message_is_sent_again_when_the_last_content_was_seen_before_the_drop() {
    let mut chat = Chat::new(options(false), CONV);
    let mut io = Recorder::default();
    agent_says(&mut chat, CONV, 1, text("hello"));
    chat.line(&mut io, 1, "lost").unwrap();
    chat.reconnected();
    // The new subscription starts after sequence 1 and replays nothing:
    // the last content event is one seen on the connection before.
    last_content(&mut chat, &mut io, 1);
    chat.resume(&mut io).unwrap();
    assert_eq!(io.sent.len(), 2);
    assert_eq!(io.sent[1].1["event"]["message"], "lost");
}

#[test]
fn a_close_whose_answer_was_lost_is_sent_again_unless_the_conversation_closed() {
    for closed in [false, true] {
        let mut chat = Chat::new(options(false), CONV);
        let mut io = Recorder::default();
        chat.close(&mut io).unwrap();
        chat.reconnected();
        let stage = if closed { "CLOSE" } else { "OPEN" };
        chat.on_conversation(&mut io, &conversation(stage, Vec::new(), "1"))
            .unwrap();
        chat.resume(&mut io).unwrap();
        chat.input_ended();
        assert!(chat.finished());
        assert_eq!(chat.closed(), closed);
        assert!(!chat.close_done(), "to be sent again if still open");
        chat.close(&mut io).unwrap();
        assert_eq!(io.sent.len(), if closed { 1 } else { 2 });
    }
}

/// A chat whose `/click Yes` on message 8 went out (ACTION receipt as r1,
/// its text as r2) and lost both answers with the connection.
fn click_lost(turns: bool) -> (Chat, Recorder, Value) {
    let mut chat = Chat::new(options(turns), CONV);
    let mut io = Recorder::default();
    let metadata = json!([{"type": "ExternalId", "id": "yes-1"}]);
    let menu = json!({"type": "ContentEvent", "message": "Sure?", "quickReplies": {"replies": [
        {"type": "button", "title": "Yes", "click": {"actions": [{"type": "publishText", "text": "Yes"}], "metadata": metadata}}]}});
    agent_says(&mut chat, CONV, 8, menu);
    chat.line(&mut io, 1, "/click yes").unwrap();
    assert_eq!(io.sent.len(), 2);
    chat.reconnected();
    (chat, io, metadata)
}

fn we_receipted(chat: &mut Chat, sequence: u64, status: &str, of: u64) {
    let event = json!({"type": "AcceptStatusEvent", "status": status, "sequenceList": [of]});
    let text = json!({"sequence": sequence, "originatorId": "me", "event": event}).to_string();
    chat.on_event(&Event {
        dialog: CONV,
        sequence: Some(sequence),
        by_consumer: true,
        event_type: Some("AcceptStatusEvent"),
        text: &text,
        printed: true,
    });
}

/// The checkpoint a chat that lost a click's ACTION receipt sends first:
/// an ACCEPT receipt for the clicked message, answered with `sequence`.
fn checkpoint(chat: &mut Chat, io: &mut Recorder, sequence: u64) {
    chat.resume(io).unwrap();
    let (request_type, body, metadata) = io.sent.last().unwrap();
    assert_eq!(request_type, "ms.PublishEvent");
    assert_eq!(
        body["event"],
        json!({"type": "AcceptStatusEvent", "status": "ACCEPT", "sequenceList": [8]})
    );
    assert_eq!(*metadata, None);
    let id = format!("r{}", io.sent.len());
    let body = RawValue::from_string(json!({"sequence": sequence}).to_string()).unwrap();
    assert!(
        chat.on_response(&Response {
            req_id: Cow::Borrowed(&id),
            code: 200,
            body: Some(&body),
        })
        .unwrap()
    );
}

#[test]
fn a_lost_click_action_in_the_replay_is_not_sent_again_and_its_text_is_looked_for_after() {
    let (mut chat, mut io, metadata) = click_lost(false);
    checkpoint(&mut chat, &mut io, 11);
    last_content(&mut chat, &mut io, 10);
    // The replay: our receipt, then (without our text) the last content
    // event, which bounds the look for the text.
    we_receipted(&mut chat, 9, "ACTION", 8);
    chat.resume(&mut io).unwrap();
    assert_eq!(io.sent.len(), 3, "waits for the last content event");
    agent_says(&mut chat, CONV, 10, text("Anything else?"));
    chat.resume(&mut io).unwrap();
    // Only the text goes again, with the click's metadata.
    assert_eq!(io.sent.len(), 4);
    assert_eq!(io.sent[3].1["event"]["message"], "Yes");
    assert_eq!(io.sent[3].2.as_ref(), Some(&metadata));
    answer(&mut chat, "r4", 12);
    assert!(chat.wants_line());
}

#[test]
fn a_lost_click_action_not_in_the_replay_is_sent_again_before_its_text() {
    let (mut chat, mut io, metadata) = click_lost(false);
    checkpoint(&mut chat, &mut io, 9);
    last_content(&mut chat, &mut io, 8);
    // An ACTION receipt for another message is not this one.
    we_receipted(&mut chat, 9, "ACTION", 3);
    assert!(!chat.wants_line());
    chat.resume(&mut io).unwrap();
    assert_eq!(io.sent.len(), 5);
    assert_eq!(io.sent[3].1["event"]["status"], "ACTION");
    assert_eq!(io.sent[3].1["event"]["sequenceList"], json!([8]));
    assert_eq!(io.sent[3].2.as_ref(), Some(&metadata));
    assert_eq!(io.sent[4].1["event"]["message"], "Yes");
    answer(&mut chat, "r4", 10);
    answer(&mut chat, "r5", 11);
    assert!(chat.wants_line());
}

#[test]
fn a_read_back_cut_short_reads_back_to_the_same_checkpoint_on_the_next_link() {
    let (mut chat, mut io, _) = click_lost(false);
    checkpoint(&mut chat, &mut io, 11);
    assert_eq!(io.sent.len(), 3);
    // The link fails again before the replay reached the checkpoint.
    chat.reconnected();
    last_content(&mut chat, &mut io, 10);
    chat.resume(&mut io).unwrap();
    assert_eq!(io.sent.len(), 3, "no second checkpoint");
    // The replay up to it: the receipt was in; only the text goes again.
    we_receipted(&mut chat, 9, "ACTION", 8);
    agent_says(&mut chat, CONV, 10, text("Anything else?"));
    we_receipted(&mut chat, 11, "ACCEPT", 8);
    chat.resume(&mut io).unwrap();
    assert_eq!(io.sent.len(), 4);
    assert_eq!(io.sent[3].1["event"]["message"], "Yes");
}

#[test]
fn a_lost_click_whose_text_is_in_the_replay_is_whole() {
    let (mut chat, mut io, _) = click_lost(true);
    checkpoint(&mut chat, &mut io, 11);
    we_receipted(&mut chat, 9, "ACTION", 8);
    we_said(&mut chat, 10, "Yes");
    last_content(&mut chat, &mut io, 10);
    chat.resume(&mut io).unwrap();
    assert_eq!(io.sent.len(), 3, "nothing sent again");
    // The turn waits for the agent's answer to the click's text.
    assert!(!chat.wants_line());
    agent_says(&mut chat, CONV, 12, text("Great"));
    chat.on_tick(&mut io, Instant::now()).unwrap();
    chat.on_tick(&mut io, Instant::now() + 2 * SECOND).unwrap();
    assert!(chat.wants_line());
}

#[test]
fn a_checkpoint_without_a_sequence_sends_the_action_again_with_a_warning() {
    let (mut chat, mut io, _) = click_lost(false);
    chat.resume(&mut io).unwrap();
    assert!(
        chat.on_response(&Response {
            req_id: Cow::Borrowed("r3"),
            code: 200,
            body: None,
        })
        .unwrap()
    );
    last_content(&mut chat, &mut io, 8);
    // The checkpoint in the replay.
    we_receipted(&mut chat, 9, "ACCEPT", 8);
    chat.resume(&mut io).unwrap();
    assert!(
        io.said[0].starts_with("warning: the service gave no sequence"),
        "{:?}",
        io.said
    );
    assert_eq!(io.sent[3].1["event"]["status"], "ACTION");
    assert_eq!(io.sent[4].1["event"]["message"], "Yes");
}

#[test]
fn an_action_seen_before_its_answer_was_lost_needs_no_checkpoint() {
    let mut chat = Chat::new(options(false), CONV);
    let mut io = Recorder::default();
    let menu = json!({"type": "ContentEvent", "message": "Sure?", "quickReplies": {"replies": [
        {"type": "button", "title": "Yes", "click": {"actions": [{"type": "publishText", "text": "Yes"}]}}]}});
    agent_says(&mut chat, CONV, 8, menu);
    chat.line(&mut io, 1, "/click yes").unwrap();
    we_receipted(&mut chat, 9, "ACTION", 8);
    answer(&mut chat, "r2", 10);
    chat.reconnected();
    chat.resume(&mut io).unwrap();
    assert_eq!(io.sent.len(), 2, "no checkpoint, nothing sent again");
    assert!(chat.wants_line());
}

#[test]
fn lost_typing_states_and_read_receipts_are_not_sent_again() {
    let mut chat = Chat::new(options(false), CONV);
    let mut io = Recorder::default();
    agent_says(&mut chat, CONV, 3, text("hello"));
    chat.line(&mut io, 1, "/typing").unwrap();
    chat.line(&mut io, 2, "/read").unwrap();
    assert_eq!(io.sent.len(), 2);
    chat.reconnected();
    chat.resume(&mut io).unwrap();
    assert_eq!(io.sent.len(), 2);
    assert!(chat.wants_line());
}

#[test]
fn a_line_lost_after_everything_was_printed_is_sent_again_without_a_replay() {
    let mut chat = Chat::new(options(true), CONV);
    let mut io = Recorder::default();
    chat.line(&mut io, 1, "one").unwrap();
    answer(&mut chat, "r1", 0);
    we_said(&mut chat, 0, "one");
    agent_says(&mut chat, CONV, 1, text("echo: one"));
    chat.on_tick(&mut io, Instant::now()).unwrap();
    chat.on_tick(&mut io, Instant::now() + 2 * SECOND).unwrap();
    chat.line(&mut io, 2, "two").unwrap();
    // The link fails before the service read it: the replay after
    // sequence 1 brings nothing, and the metadata names 1 as the last.
    chat.reconnected();
    last_content(&mut chat, &mut io, 1);
    chat.resume(&mut io).unwrap();
    assert_eq!(io.sent.len(), 3);
    assert_eq!(io.sent[2].1["event"]["message"], "two");
}

#[test]
fn a_message_seen_before_its_answer_was_lost_is_not_sent_again() {
    let mut chat = Chat::new(options(true), CONV);
    let mut io = Recorder::default();
    chat.line(&mut io, 1, "hello").unwrap();
    we_said(&mut chat, 4, "hello");
    chat.reconnected();
    chat.resume(&mut io).unwrap();
    assert_eq!(io.sent.len(), 1, "not sent again");
    // The turn waits for the answer to the message at 4.
    assert!(!chat.wants_line());
    agent_says(&mut chat, CONV, 5, text("hi"));
    chat.on_tick(&mut io, Instant::now()).unwrap();
    chat.on_tick(&mut io, Instant::now() + 2 * SECOND).unwrap();
    assert!(chat.wants_line());
}
