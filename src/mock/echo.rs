//! Botium's echo connector, played by lp-mock's agent (`--botium-echo`), so
//! that convo suites written against it run as they are: each plain-text
//! message of the consumer comes back as it is, and the message `buttons`
//! comes back with two quick replies, "First Button" and "Second Button".

use serde_json::{Value, json};

/// The agent's answer to a consumer's plain text.
pub(crate) fn botium_reply(text: &str) -> Value {
    let mut event = json!({"type": "ContentEvent", "contentType": "text/plain", "message": text});
    if text == "buttons" {
        let button = |title: &str| {
            json!({"type": "button", "title": title,
                   "click": {"actions": [{"type": "publishText", "text": title}]}})
        };
        event["quickReplies"] = json!({"type": "quickReplies", "itemsPerRow": 2,
            "replies": [button("First Button"), button("Second Button")]});
    }
    event
}
