//! The frames lp-mock sends, shaped as LivePerson's schemas and
//! documentation show them, and the lists of names requests hold.

use serde::Serialize;
use serde_json::{Map, Value, json};
use tungstenite::Utf8Bytes;

/// An ms.MessagingEventNotification is this, its changes joined by commas,
/// then EVENTS_END; written out so that a stored one-change notification can
/// be cut back into its change for batching.
const EVENTS_START: &str =
    r#"{"kind":"notification","type":"ms.MessagingEventNotification","body":{"changes":["#;
const EVENTS_END: &str = "]}}";

/// What `garbage_after` sends.
pub(crate) const NOT_JSON: &str = "lp-mock: a frame that is not JSON {";

const STRING_ERROR_TYPE: &str = ".ReqBody$StringResp";

pub(crate) fn response(req_id: &str, code: u16, response_type: &str, body: &Value) -> String {
    json!({"kind": "resp", "reqId": req_id, "code": code, "type": response_type, "body": body})
        .to_string()
}

/// An error response with a string body, as LivePerson's API answers them.
pub(crate) fn error(req_id: &str, code: u16, message: &str) -> String {
    response(req_id, code, STRING_ERROR_TYPE, &json!(message))
}

/// A string-bodied success, as for close and unsubscribe.
pub(crate) fn ok_string(req_id: &str, message: &str) -> String {
    response(req_id, 200, "StringResponse", &json!(message))
}

/// An ms.MessagingEventNotification holding one change.
pub(crate) fn events_notification(change: &impl Serialize) -> Utf8Bytes {
    // Only maps with non-string keys fail to serialize; changes have none.
    let change = serde_json::to_string(change).expect("a change serializes");
    let mut frame = String::with_capacity(EVENTS_START.len() + change.len() + EVENTS_END.len());
    frame.push_str(EVENTS_START);
    frame.push_str(&change);
    frame.push_str(EVENTS_END);
    frame.into()
}

/// The change inside a notification made by `events_notification`.
pub(crate) fn change_of(notification: &str) -> &str {
    &notification[EVENTS_START.len()..notification.len() - EVENTS_END.len()]
}

/// One notification holding the changes of several one-change ones; a
/// single one is passed on as it is.
pub(crate) fn events_batch(notifications: &[Utf8Bytes]) -> Utf8Bytes {
    if let [single] = notifications {
        return single.clone();
    }
    let size = notifications.iter().map(|n| n.len()).sum::<usize>();
    let mut frame = String::with_capacity(size);
    frame.push_str(EVENTS_START);
    for (n, notification) in notifications.iter().enumerate() {
        if n > 0 {
            frame.push(',');
        }
        frame.push_str(change_of(notification));
    }
    frame.push_str(EVENTS_END);
    frame.into()
}

/// A cqm.ExConversationChangeNotification of UPSERT changes.
pub(crate) fn conversations_notification(subscription_id: &str, results: Vec<Value>) -> String {
    let changes: Vec<Value> = results
        .into_iter()
        .map(|result| json!({"type": "UPSERT", "result": result}))
        .collect();
    json!({
        "kind": "notification",
        "type": "cqm.ExConversationChangeNotification",
        "body": {"subscriptionId": subscription_id, "changes": changes},
    })
    .to_string()
}

/// A list of names, which may come as one bare name.
pub(crate) fn names(value: &Value) -> Vec<String> {
    let list = match value {
        Value::Array(list) => list.as_slice(),
        one => std::slice::from_ref(one),
    };
    list.iter()
        .filter_map(|name| name.as_str().map(str::to_owned))
        .collect()
}

/// Whether client properties list the MULTI_DIALOG feature.
pub(crate) fn lists_multi_dialog(properties: &Map<String, Value>) -> bool {
    properties
        .get("features")
        .is_some_and(|features| names(features).iter().any(|f| f == "MULTI_DIALOG"))
}
