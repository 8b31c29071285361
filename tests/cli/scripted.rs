//! A consumer endpoint that answers each request as a test says: another
//! implementation of the service, where lp-mock would do the right thing.

use std::net::TcpListener;
use std::thread;

use serde_json::{Value, json};
use tungstenite::Message;

/// Serves one connection on 127.0.0.1: each request frame is handed to
/// `answer`, which returns the frames to send back. Returns the `ws://` URL.
pub fn serve(answer: impl Fn(&Value) -> Vec<Value> + Send + 'static) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let Ok(mut socket) = tungstenite::accept(stream) else {
            return;
        };
        while let Ok(message) = socket.read() {
            let Message::Text(text) = message else {
                continue;
            };
            let request: Value = serde_json::from_str(&text).unwrap();
            for frame in answer(&request) {
                if socket.send(Message::text(frame.to_string())).is_err() {
                    return;
                }
            }
        }
    });
    format!("ws://127.0.0.1:{port}/ws_api/account/a/messaging/consumer?v=3")
}

/// A 200 response to `request` with `body`.
pub fn ok(request: &Value, body: Value) -> Value {
    json!({"kind": "resp", "reqId": request["id"], "code": 200, "type": "x", "body": body})
}
