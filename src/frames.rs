//! Protocol frames: the requests lp-consumer builds and the shapes it reads
//! back. Incoming frames are parsed by borrowing from the received text, so
//! printing an event copies its bytes once, into the output buffer.

use std::borrow::Cow;

use anyhow::Result;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use crate::exit::{Exit, fail, http_status_exit, status_failure};
use crate::jsonscan;

/// Request types, as the documentation spells them.
pub(crate) mod types {
    pub(crate) const REQUEST_CONVERSATION: &str = "cm.ConsumerRequestConversation";
    pub(crate) const PUBLISH_EVENT: &str = "ms.PublishEvent";
    pub(crate) const SUBSCRIBE_MESSAGING_EVENTS: &str = "ms.SubscribeMessagingEvents";
    pub(crate) const UPDATE_CONVERSATION_FIELD: &str = "cm.UpdateConversationField";
    pub(crate) const SUBSCRIBE_EX_CONVERSATIONS: &str = "cqm.SubscribeExConversations";
    pub(crate) const UNSUBSCRIBE_EX_CONVERSATIONS: &str = "cqm.UnsubscribeExConversations";
    pub(crate) const GET_CLOCK: &str = "GetClock";
    pub(crate) const MESSAGING_EVENT_NOTIFICATION: &str = "ms.MessagingEventNotification";
    /// Every `event.type` of a messaging event, as LivePerson lists them.
    pub(crate) const EVENTS: [&str; 4] = [
        "ContentEvent",
        "RichContentEvent",
        "AcceptStatusEvent",
        "ChatStateEvent",
    ];

    /// The conversation-metadata notification, under any of the names it
    /// goes by (`cqm.` in the tutorials, `aam.` in the reference, `.ams.`
    /// prefixed on the wire of older clients).
    pub(crate) fn is_conversation_change(notification_type: &str) -> bool {
        notification_type
            .trim_start_matches(".ams.")
            .strip_suffix("ExConversationChangeNotification")
            .is_some_and(|prefix| prefix == "cqm." || prefix == "aam.")
    }
}

#[derive(Serialize)]
struct Request<'a> {
    kind: &'static str,
    id: &'a str,
    #[serde(rename = "type")]
    kind_of_request: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<&'a Value>,
    /// Beside the body, not inside it (a button's click metadata).
    #[serde(skip_serializing_if = "Option::is_none")]
    metadata: Option<&'a Value>,
}

/// A request frame. Ids are strings: the schema requires it.
pub(crate) fn request(
    id: &str,
    request_type: &str,
    body: Option<&Value>,
    metadata: Option<&Value>,
) -> String {
    serde_json::to_string(&Request {
        kind: "req",
        id,
        kind_of_request: request_type,
        body,
        metadata,
    })
    .expect("a request always serializes")
}

/// `ms.PublishEvent` body for a plain-text message in a dialog (the main
/// dialog's id is the conversation's).
pub(crate) fn publish_text_body(dialog: &str, text: &str) -> Value {
    json!({
        "dialogId": dialog,
        "event": {"type": "ContentEvent", "contentType": "text/plain", "message": text},
    })
}

/// The notification a reader of `dialog` receives for a text message sent
/// with `publish_text_body`: the change the service makes of the event
/// (FACTS 6.1), each field it adds at its longest (a 64-hex consumer id,
/// the largest sequence, a 13-digit timestamp) and the sender's client
/// properties as `originatorMetadata` carries them.
pub(crate) fn text_notification(dialog: &str, text: &str, client_properties: &Value) -> String {
    let id = "f".repeat(64);
    let mut metadata = json!({"id": id, "role": "CONSUMER"});
    if !client_properties.is_null() {
        metadata["clientProperties"] = client_properties.clone();
    }
    let mut change = publish_text_body(dialog, text);
    change["sequence"] = u64::MAX.into();
    change["originatorId"] = id.into();
    change["originatorMetadata"] = metadata;
    change["serverTimestamp"] = 9_999_999_999_999u64.into();
    change["conversationId"] = dialog.into();
    json!({
        "kind": "notification",
        "type": types::MESSAGING_EVENT_NOTIFICATION,
        "body": {"changes": [change]},
    })
    .to_string()
}

/// `ms.PublishEvent` body for a chat state (COMPOSING, ACTIVE, ...).
pub(crate) fn chat_state_body(dialog: &str, state: &str) -> Value {
    json!({
        "dialogId": dialog,
        "event": {"type": "ChatStateEvent", "chatState": state},
    })
}

/// `ms.SubscribeMessagingEvents` body.
pub(crate) fn subscribe_body(conversation: &str, from_seq: u64) -> Value {
    json!({"dialogId": conversation, "fromSeq": from_seq})
}

/// `cqm.SubscribeExConversations` body for the consumer's conversations in
/// these states (OPEN, CLOSE).
pub(crate) fn conversations_body(states: &[&str]) -> Value {
    json!({"minLastUpdatedTime": 0, "convState": states})
}

/// `ms.PublishEvent` body with an AcceptStatusEvent (READ, ACCEPT, ACTION).
pub(crate) fn accept_status_body(dialog: &str, status: &str, sequences: &[u64]) -> Value {
    json!({
        "dialogId": dialog,
        "event": {"type": "AcceptStatusEvent", "status": status, "sequenceList": sequences},
    })
}

/// A checkpoint after a reconnection: an ACCEPT receipt for message `of`
/// (true: the client has it), whose sequence comes after every request of
/// ours that reached the dialog before it. A read-back up to it tells
/// whether a request whose answer was lost is in the conversation.
pub(crate) fn checkpoint_body(dialog: &str, of: u64) -> Value {
    accept_status_body(dialog, "ACCEPT", &[of])
}

/// An event of ours looked for in a conversation's replay, after a
/// request whose answer was lost.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Ours<'a> {
    /// A ContentEvent with this text.
    Text(&'a str),
    /// An AcceptStatusEvent with this status for this message.
    Receipt { status: &'a str, of: u64 },
}

impl Ours<'_> {
    pub(crate) fn event_type(&self) -> &'static str {
        match self {
            Ours::Text(_) => "ContentEvent",
            Ours::Receipt { .. } => "AcceptStatusEvent",
        }
    }

    /// Whether `event`, of our type, is this one.
    pub(crate) fn is(&self, event: &Value) -> bool {
        match *self {
            Ours::Text(text) => event["message"] == text,
            Ours::Receipt { status, of } => {
                event["status"] == status
                    && event["sequenceList"]
                        .as_array()
                        .is_some_and(|list| list.iter().any(|n| n.as_u64() == Some(of)))
            }
        }
    }
}

/// `cm.UpdateConversationField` body that closes the conversation.
pub(crate) fn close_body(conversation: &str) -> Value {
    json!({
        "conversationId": conversation,
        "conversationField": [{"field": "ConversationStateField", "conversationState": "CLOSE"}],
    })
}

/// A frame from the server, borrowing from its text.
#[derive(Debug)]
pub(crate) enum Incoming<'a> {
    Response(Response<'a>),
    Notification(Notification<'a>),
}

#[derive(Debug)]
pub(crate) struct Response<'a> {
    pub(crate) req_id: Cow<'a, str>,
    pub(crate) code: i64,
    pub(crate) body: Option<&'a RawValue>,
}

#[derive(Debug)]
pub(crate) struct Notification<'a> {
    pub(crate) notification_type: Cow<'a, str>,
    pub(crate) body: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct Head<'a> {
    #[serde(borrow, default)]
    kind: Option<Cow<'a, str>>,
    #[serde(rename = "reqId", borrow, default)]
    req_id: Option<&'a RawValue>,
    #[serde(default)]
    code: Option<i64>,
    #[serde(rename = "type", borrow, default)]
    frame_type: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    body: Option<&'a RawValue>,
}

fn protocol(message: impl Into<String>) -> anyhow::Error {
    fail(Exit::Protocol, message)
}

/// Reads the envelope of a frame. A frame without `kind` is classified by
/// its fields (a `reqId` makes a response), as the schema does not require it.
pub(crate) fn parse(text: &str) -> Result<Incoming<'_>> {
    let head: Head = serde_json::from_str(text).map_err(|err| {
        protocol(format!(
            "the server sent a frame that is not a JSON object ({})",
            json_problem(&err)
        ))
    })?;
    let is_response = match head.kind.as_deref() {
        Some("resp") => true,
        Some("notification") => false,
        Some(other) => {
            return Err(protocol(format!(
                "the server sent a frame of kind `{other}`"
            )));
        }
        None => head.req_id.is_some(),
    };
    if is_response {
        let req_id = head
            .req_id
            .ok_or_else(|| protocol("the server sent a response without reqId"))
            .and_then(id_text)?;
        let code = head
            .code
            .ok_or_else(|| protocol("the server sent a response without a numeric code"))?;
        Ok(Incoming::Response(Response {
            req_id,
            code,
            body: head.body,
        }))
    } else {
        let notification_type = head
            .frame_type
            .ok_or_else(|| protocol("the server sent a notification without type"))?;
        Ok(Incoming::Notification(Notification {
            notification_type,
            body: head.body,
        }))
    }
}

fn json_problem(err: &serde_json::Error) -> &'static str {
    match err.classify() {
        serde_json::error::Category::Data => "unexpected shape",
        serde_json::error::Category::Eof => "truncated",
        _ => "not JSON",
    }
}

/// A `reqId` as text: the server may echo a string or a number.
fn id_text(raw: &RawValue) -> Result<Cow<'_, str>> {
    let text = raw.get();
    if text.starts_with('"') {
        serde_json::from_str::<Cow<str>>(text).map_err(|_| protocol("the server sent a bad reqId"))
    } else if text.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        Ok(Cow::Borrowed(text))
    } else {
        Err(protocol(
            "the server sent a reqId that is neither a string nor a number",
        ))
    }
}

#[derive(Deserialize)]
struct ChangesBody<'a> {
    #[serde(borrow, default)]
    changes: Option<&'a RawValue>,
}

/// The usual shape.
#[derive(Deserialize)]
struct ChangesArrayBody<'a> {
    #[serde(borrow)]
    changes: Vec<&'a RawValue>,
}

/// The elements of `body.changes`. A one-element array may arrive as the bare
/// element (the protocol's compatibility rule), so an object counts as one.
pub(crate) fn changes(body: Option<&RawValue>) -> Result<Vec<&RawValue>> {
    let Some(body) = body else {
        return Ok(Vec::new());
    };
    if let Ok(parsed) = serde_json::from_str::<ChangesArrayBody>(body.get()) {
        return Ok(parsed.changes);
    }
    let parsed: ChangesBody = serde_json::from_str(body.get())
        .map_err(|_| protocol("a notification body is not an object"))?;
    let Some(changes) = parsed.changes else {
        return Ok(Vec::new());
    };
    match changes.get().as_bytes().first() {
        Some(b'[') => serde_json::from_str(changes.get())
            .map_err(|_| protocol("a notification's changes are not valid")),
        Some(b'{') => Ok(vec![changes]),
        _ => Err(protocol(
            "a notification's changes are neither an array nor an object",
        )),
    }
}

/// What lp-consumer reads of one messaging event; the event itself is
/// printed from its original text.
#[derive(Deserialize)]
pub(crate) struct ChangeMeta<'a> {
    #[serde(default)]
    pub(crate) sequence: Option<u64>,
    #[serde(rename = "originatorId", borrow, default)]
    pub(crate) originator_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pub(crate) event: Option<EventMeta<'a>>,
}

impl ChangeMeta<'_> {
    pub(crate) fn event_type(&self) -> Option<&str> {
        self.event.as_ref()?.event_type.as_deref()
    }
}

#[derive(Deserialize)]
pub(crate) struct EventMeta<'a> {
    #[serde(rename = "type", borrow, default)]
    pub(crate) event_type: Option<Cow<'a, str>>,
}

/// Only the sequence, for runs that do not look at who sent what: it spares
/// reading the other fields' strings, the bulk of the work.
#[derive(Deserialize)]
struct SequenceOnly {
    #[serde(default)]
    sequence: Option<u64>,
}

/// A change's `sequence` when it is written as a plain whole number too
/// large for u64 (serde's refusal does not say so); a long one shortened.
fn sequence_out_of_range(change: &RawValue) -> Option<String> {
    #[derive(Deserialize)]
    struct RawSequence<'a> {
        #[serde(borrow)]
        sequence: &'a RawValue,
    }
    let digits = serde_json::from_str::<RawSequence>(change.get())
        .ok()?
        .sequence
        .get();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if digits.parse::<u64>().is_ok() {
        return None;
    }
    Some(match digits.get(..24) {
        Some(head) if digits.len() > 24 => format!("{head}... ({} digits)", digits.len()),
        _ => digits.to_owned(),
    })
}

/// Reads what lp-consumer needs of a change: the sequence, and with `full`
/// the originator and event type too. A change nested deeper than
/// `jsonscan::MAX_DEPTH` is refused.
pub(crate) fn change_meta(change: &RawValue, full: bool) -> Result<ChangeMeta<'_>> {
    if jsonscan::too_deep(change.get()) {
        return Err(protocol(format!(
            "the server sent a messaging event nested deeper than {} levels",
            jsonscan::MAX_DEPTH
        )));
    }
    let problem = |err: serde_json::Error| {
        if let Some(digits) = sequence_out_of_range(change) {
            return protocol(format!(
                "the server sent sequence {digits}, out of range (a sequence is below 2^64)"
            ));
        }
        protocol(format!(
            "the server sent a messaging event of {} (sequence must be a whole number)",
            json_problem(&err)
        ))
    };
    if full {
        return serde_json::from_str(change.get()).map_err(problem);
    }
    let only: SequenceOnly = serde_json::from_str(change.get()).map_err(problem)?;
    Ok(ChangeMeta {
        sequence: only.sequence,
        originator_id: None,
        event: None,
    })
}

#[derive(Deserialize)]
struct Stamped {
    #[serde(rename = "serverTimestamp")]
    server_timestamp: Option<i64>,
}

/// A change's `serverTimestamp` (ms since the epoch), if it has a whole
/// number there.
pub(crate) fn server_timestamp(change: &str) -> Option<i64> {
    serde_json::from_str::<Stamped>(change)
        .ok()?
        .server_timestamp
}

/// The dialog a change belongs to, for a connection that follows more than
/// one dialog.
#[derive(Deserialize)]
struct DialogOf<'a> {
    #[serde(rename = "dialogId", borrow, default)]
    dialog_id: Option<Cow<'a, str>>,
}

/// A change's `dialogId`, if it has a string one.
pub(crate) fn change_dialog(change: &RawValue) -> Result<Option<Cow<'_, str>>> {
    serde_json::from_str::<DialogOf>(change.get())
        .map(|of| of.dialog_id)
        .map_err(|_| protocol("the server sent a messaging event whose dialogId is not a string"))
}

/// One dialog of a conversation, from its metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DialogState {
    pub(crate) id: String,
    /// MAIN or POST_SURVEY.
    pub(crate) kind: String,
    pub(crate) open: bool,
}

/// One conversation's state, from an ExConversationChangeNotification change.
pub(crate) struct ConversationChange {
    pub(crate) conversation_id: String,
    pub(crate) deleted: bool,
    pub(crate) state: Option<String>,
    /// The container's stage; older servers send only `state`, which then
    /// stands for it.
    pub(crate) stage: Option<String>,
    pub(crate) start_ts: Option<i64>,
    pub(crate) end_ts: Option<i64>,
    /// The sequence of the last content event, when the server says it.
    pub(crate) last_content_sequence: Option<u64>,
    /// The dialog of that event, when the server says it.
    pub(crate) last_content_dialog: Option<String>,
    pub(crate) skill_id: Option<String>,
    /// The dialogs, when the server lists them (clients that announce
    /// MULTI_DIALOG).
    pub(crate) dialogs: Vec<DialogState>,
}

impl ConversationChange {
    /// DELETE, or a CLOSE stage.
    pub(crate) fn closed(&self) -> bool {
        self.deleted || self.stage.as_deref() == Some("CLOSE")
    }

    /// The open post-conversation survey dialog, if one is open.
    pub(crate) fn open_survey(&self) -> Option<&DialogState> {
        self.dialogs
            .iter()
            .find(|dialog| dialog.kind == "POST_SURVEY" && dialog.open)
    }

    /// One output line for `conversations`.
    pub(crate) fn summary(&self) -> Value {
        let mut line = json!({
            "conversationId": self.conversation_id,
            "stage": self.stage,
            "state": self.state,
            "startTs": self.start_ts,
        });
        if let Some(end) = self.end_ts {
            line["endTs"] = end.into();
        }
        if let Some(sequence) = self.last_content_sequence {
            line["lastContentSequence"] = sequence.into();
        }
        line
    }
}

pub(crate) fn conversation_change(change: &RawValue) -> Result<ConversationChange> {
    let value: Value = serde_json::from_str(change.get())
        .map_err(|_| protocol("a conversation change is not JSON"))?;
    let result = &value["result"];
    let details = &result["conversationDetails"];
    let conversation_id = result["convId"]
        .as_str()
        .ok_or_else(|| protocol("a conversation change has no result.convId"))?
        .to_owned();
    let text = |v: &Value| v.as_str().map(str::to_owned);
    let state = text(&details["state"]);
    // A one-element array may arrive as the bare element.
    let dialogs = match &details["dialogs"] {
        Value::Array(dialogs) => dialogs.as_slice(),
        Value::Null => &[],
        dialog => std::slice::from_ref(dialog),
    };
    let dialogs = dialogs
        .iter()
        .filter_map(|dialog| {
            Some(DialogState {
                id: text(&dialog["dialogId"])?,
                kind: text(&dialog["dialogType"]).unwrap_or_default(),
                open: dialog["state"] != "CLOSE",
            })
        })
        .collect();
    Ok(ConversationChange {
        conversation_id,
        deleted: value["type"] == "DELETE",
        stage: text(&details["stage"]).or_else(|| state.clone()),
        state,
        start_ts: details["startTs"].as_i64(),
        end_ts: details["endTs"].as_i64(),
        last_content_sequence: result["lastContentEventNotification"]["sequence"].as_u64(),
        last_content_dialog: text(&result["lastContentEventNotification"]["dialogId"]),
        skill_id: text(&details["skillId"])
            .or_else(|| details["skillId"].as_i64().map(|id| id.to_string())),
        dialogs,
    })
}

/// One member of a response's body, when the body is an object that has it.
pub(crate) fn body_member(body: Option<&RawValue>, name: &str) -> Option<Value> {
    let mut body = serde_json::from_str::<Map<String, Value>>(body?.get()).ok()?;
    body.remove(name)
}

/// A 2xx code is success; anything else is the service refusing the request.
pub(crate) fn check_response(request_type: &str, response: &Response) -> Result<()> {
    if (200..300).contains(&response.code) {
        return Ok(());
    }
    let status = u16::try_from(response.code).unwrap_or(0);
    let exit = http_status_exit(status);
    Err(status_failure(
        exit,
        status,
        format!(
            "{request_type} refused with code {}: {}",
            response.code,
            error_message(response.body)
        ),
    ))
}

/// The human part of an error response body: a string, an object with
/// title/details/errorCode, or else the body itself as compact JSON.
pub(crate) fn error_message(body: Option<&RawValue>) -> String {
    let Some(body) = body else {
        return "no message".to_owned();
    };
    match serde_json::from_str::<Value>(body.get()) {
        Ok(Value::String(text)) => text,
        Ok(Value::Object(map)) if map.contains_key("title") || map.contains_key("details") => {
            let parts: Vec<String> = ["title", "details", "errorCode"]
                .iter()
                .filter_map(|key| map.get(*key))
                .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                .collect();
            parts.join(": ")
        }
        _ => jsonscan::compact(body.get()).into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_receipt_is_ours_by_status_and_message() {
        let action = Ours::Receipt {
            status: "ACTION",
            of: 4,
        };
        assert_eq!(action.event_type(), "AcceptStatusEvent");
        assert!(action.is(&json!({"status": "ACTION", "sequenceList": [3, 4]})));
        assert!(!action.is(&json!({"status": "ACCEPT", "sequenceList": [4]})));
        assert!(!action.is(&json!({"status": "ACTION", "sequenceList": [5]})));
        assert!(!action.is(&json!({"status": "ACTION"})));
    }

    #[test]
    fn a_text_is_ours_by_its_whole_message() {
        let text = Ours::Text("yes please");
        assert_eq!(text.event_type(), "ContentEvent");
        assert!(text.is(&json!({"message": "yes please"})));
        assert!(!text.is(&json!({"message": "yes please!"})));
        assert!(!text.is(&json!({})));
    }

    #[test]
    fn request_ids_are_strings() {
        let text = request("7", types::GET_CLOCK, None, None);
        assert_eq!(text, r#"{"kind":"req","id":"7","type":"GetClock"}"#);
    }

    #[test]
    fn numeric_and_string_req_ids_compare_as_text() {
        for text in [
            r#"{"kind":"resp","reqId":"1","code":200,"type":"x","body":{}}"#,
            r#"{"reqId":1,"code":200}"#,
        ] {
            match parse(text).unwrap() {
                Incoming::Response(r) => assert_eq!((r.req_id.as_ref(), r.code), ("1", 200)),
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn bare_change_counts_as_one() {
        let frame = r#"{"kind":"notification","type":"t","body":{"changes":{"sequence":1}}}"#;
        let Incoming::Notification(n) = parse(frame).unwrap() else {
            panic!()
        };
        assert_eq!(changes(n.body).unwrap().len(), 1);
    }

    #[test]
    fn error_messages_from_any_body() {
        let raw = |s: &str| RawValue::from_string(s.to_owned()).unwrap();
        assert_eq!(error_message(Some(&raw(r#""nope""#))), "nope");
        assert_eq!(
            error_message(Some(&raw(r#"{"title":"Unauthorized","errorCode":40104}"#))),
            "Unauthorized: 40104"
        );
        assert_eq!(error_message(Some(&raw("[1,\n 2]"))), "[1,2]");
    }
}
