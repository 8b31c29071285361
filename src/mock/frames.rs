//! The frames lp-mock sends, shaped as LivePerson's schemas and
//! documentation show them.

use serde_json::{Value, json};

pub fn response(req_id: &str, code: u16, response_type: &str, body: &Value) -> String {
    json!({"kind": "resp", "reqId": req_id, "code": code, "type": response_type, "body": body})
        .to_string()
}

/// An error response: LivePerson's OpenAPI lists string bodies for them.
pub fn error(req_id: &str, code: u16, message: &str) -> String {
    response(req_id, code, ".ReqBody$StringResp", &json!(message))
}

/// A string-bodied success, as for close and unsubscribe.
pub fn ok_string(req_id: &str, message: &str) -> String {
    response(req_id, 200, "StringResponse", &json!(message))
}

/// An ms.MessagingEventNotification around already serialized changes.
pub fn messaging_notification<'a>(changes: impl IntoIterator<Item = &'a str>) -> String {
    let mut frame = String::from(
        r#"{"kind":"notification","type":"ms.MessagingEventNotification","body":{"changes":["#,
    );
    for (n, change) in changes.into_iter().enumerate() {
        if n > 0 {
            frame.push(',');
        }
        frame.push_str(change);
    }
    frame.push_str("]}}");
    frame
}

/// A cqm.ExConversationChangeNotification with UPSERT changes.
pub fn conversation_notification(subscription_id: &str, results: Vec<Value>) -> String {
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
