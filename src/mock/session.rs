//! One client connection: TLS and handshake checks, request dispatch, the
//! live events from other connections, and fault injection.
//!
//! The thread reads with a short socket timeout and, between reads, sends
//! what other connections put in its outbox.

use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tungstenite::protocol::frame::CloseFrame;
use tungstenite::{HandshakeError, Message, WebSocket};

use super::frames;
use super::state::{Originator, Outbox, now_ms};
use super::{AGENT_ID, Faults, Shared};
use crate::connection::Transport;
use crate::jwt;

const TICK: Duration = Duration::from_millis(20);
/// How long a client may take over TLS and the upgrade.
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(10);
const CONSUMER_TYPES: [&str; 4] = [
    "ContentEvent",
    "AcceptStatusEvent",
    "ChatStateEvent",
    "RichContentEvent",
];

/// The connection is over (closed, dropped, failed, or the server stops).
struct Ended;

type Outcome<T = ()> = Result<T, Ended>;

struct Session<'a> {
    shared: &'a Shared,
    id: u64,
    consumer: String,
    faults: Faults,
    ws: WebSocket<Transport>,
    outbox: Outbox,
    inbox: Receiver<Arc<str>>,
    /// Frames sent since the handshake, for the fault thresholds.
    sent: usize,
}

/// Serves one accepted socket until it ends or the server stops.
pub fn serve(shared: Arc<Shared>, tcp: TcpStream, id: u64) {
    let faults = shared.faults_for(id);
    if faults.stall {
        // Hold the socket open and say nothing.
        while !shared.stopping() {
            std::thread::sleep(TICK);
        }
        return;
    }
    if tcp.set_read_timeout(Some(TICK)).is_err() || tcp.set_nodelay(true).is_err() {
        return;
    }
    let Ok(transport) = accept_tls(&shared, tcp) else {
        return;
    };
    let Ok((ws, consumer)) = accept_websocket(&shared, transport, &faults) else {
        return;
    };
    shared.connections.fetch_add(1, Ordering::SeqCst);
    let (outbox, inbox) = mpsc::channel();
    let mut session = Session {
        shared: &shared,
        id,
        consumer,
        faults,
        ws,
        outbox,
        inbox,
        sent: 0,
    };
    let _ = session.run();
    shared.disconnect(id);
}

fn accept_tls(shared: &Shared, tcp: TcpStream) -> Outcome<Transport> {
    let Some(acceptor) = &shared.tls else {
        return Ok(Transport::Plain(tcp));
    };
    let deadline = Instant::now() + HANDSHAKE_LIMIT;
    let mut attempt = acceptor.accept(tcp);
    loop {
        match attempt {
            Ok(stream) => return Ok(Transport::Tls(Box::new(stream))),
            Err(native_tls::HandshakeError::WouldBlock(mid))
                if Instant::now() < deadline && !shared.stopping() =>
            {
                attempt = mid.handshake();
            }
            Err(_) => return Err(Ended),
        }
    }
}

fn reject(status: u16, reason: &str) -> ErrorResponse {
    let mut response = ErrorResponse::new(Some(reason.to_owned()));
    *response.status_mut() = tungstenite::http::StatusCode::from_u16(status)
        .unwrap_or(tungstenite::http::StatusCode::BAD_REQUEST);
    response
}

/// The handshake checks of the consumer endpoint: the consumer id, or the
/// HTTP status and reason to refuse with.
fn check_handshake(
    shared: &Shared,
    faults: &Faults,
    request: &Request,
) -> Result<String, (u16, &'static str)> {
    if let Some(status) = faults.handshake_status {
        return Err((status, "fault injected by lp-mock"));
    }
    let path = format!("/ws_api/account/{}/messaging/consumer", shared.account);
    if request.uri().path() != path {
        return Err((404, "not a consumer endpoint of this account"));
    }
    let v3 = request
        .uri()
        .query()
        .is_some_and(|query| query.split('&').any(|pair| pair == "v=3"));
    if !v3 {
        return Err((400, "v=3 is required"));
    }
    let token = request
        .headers()
        .get("Authorization")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            let (scheme, token) = value.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("jwt").then_some(token)
        })
        .ok_or((401, "Authorization: jwt <token> is required"))?;
    let claims = jwt::decode(token).map_err(|_| (401, "the token is not a JWT with sub"))?;
    if claims.expired_at(crate::config::now_secs()) {
        return Err((401, "the token has expired"));
    }
    Ok(claims.sub().to_owned())
}

fn accept_websocket(
    shared: &Shared,
    transport: Transport,
    faults: &Faults,
) -> Outcome<(WebSocket<Transport>, String)> {
    let mut consumer = None;
    let mut properties = None;
    // The error type is tungstenite's, for the callback it calls.
    #[allow(clippy::result_large_err)]
    let callback = |request: &Request, response: Response| {
        let sub = check_handshake(shared, faults, request)
            .map_err(|(status, reason)| reject(status, reason))?;
        consumer = Some(sub);
        properties = request
            .headers()
            .get("Client-Properties")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        Ok(response)
    };
    let deadline = Instant::now() + HANDSHAKE_LIMIT;
    let mut attempt = tungstenite::accept_hdr(transport, callback);
    let ws = loop {
        match attempt {
            Ok(ws) => break ws,
            Err(HandshakeError::Interrupted(mid))
                if Instant::now() < deadline && !shared.stopping() =>
            {
                attempt = mid.handshake();
            }
            Err(_) => return Err(Ended),
        }
    };
    shared.client_properties.lock().unwrap().push(properties);
    Ok((ws, consumer.ok_or(Ended)?))
}

fn is_tick(err: &tungstenite::Error) -> bool {
    matches!(err, tungstenite::Error::Io(io) if matches!(io.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut))
}

impl Session<'_> {
    fn run(&mut self) -> Outcome {
        loop {
            if self.shared.stopping() {
                let _ = self.ws.close(None);
                let _ = self.flush();
                return Err(Ended);
            }
            while let Ok(frame) = self.inbox.try_recv() {
                let repeat = self.faults.repeat_changes && frame.contains("\"changes\"");
                self.send(&frame)?;
                if repeat {
                    self.send(&frame)?;
                }
            }
            self.flush()?;
            match self.ws.read() {
                Ok(Message::Text(text)) => {
                    self.shared.requests.lock().unwrap().push(text.to_string());
                    self.handle(&text)?;
                    self.flush()?;
                }
                Ok(Message::Close(_)) => {
                    let _ = self.flush();
                    return Err(Ended);
                }
                Ok(_) => {}
                Err(err) if is_tick(&err) => {}
                Err(_) => return Err(Ended),
            }
        }
    }

    /// Queues a frame and applies the fault thresholds after it.
    fn send(&mut self, frame: &str) -> Outcome {
        match self.ws.write(Message::text(frame)) {
            Ok(()) => {}
            // Queued; the socket was busy. Push it out now.
            Err(err) if is_tick(&err) => self.flush()?,
            Err(_) => return Err(Ended),
        }
        self.sent += 1;
        let sent = Some(self.sent);
        if self.faults.drop_after == sent {
            self.flush()?;
            let _ = self.ws.get_ref().tcp().shutdown(Shutdown::Both);
            return Err(Ended);
        }
        if let Some((after, code)) = self.faults.close_after
            && after == self.sent
        {
            self.flush()?;
            let frame = CloseFrame {
                code: code.into(),
                reason: "fault injected by lp-mock".into(),
            };
            let _ = self.ws.close(Some(frame));
            let _ = self.flush();
            return Err(Ended);
        }
        if self.faults.garbage_after == sent {
            self.ws
                .write(Message::text("this is not JSON {"))
                .or_else(|err| if is_tick(&err) { Ok(()) } else { Err(Ended) })?;
        }
        Ok(())
    }

    /// Writes out everything queued, waiting on a slow reader unless the
    /// server stops.
    fn flush(&mut self) -> Outcome {
        loop {
            match self.ws.flush() {
                Ok(()) => return Ok(()),
                Err(err) if is_tick(&err) && !self.shared.stopping() => {}
                Err(_) => return Err(Ended),
            }
        }
    }

    fn handle(&mut self, text: &str) -> Outcome {
        let Ok(Value::Object(request)) = serde_json::from_str::<Value>(text) else {
            return Ok(());
        };
        let id = match request.get("id") {
            Some(Value::String(id)) => id.clone(),
            Some(Value::Number(id)) => id.to_string(),
            _ => return Ok(()),
        };
        let Some(request_type) = request.get("type").and_then(Value::as_str) else {
            return self.send(&frames::error(&id, 400, "The request has no type"));
        };
        let body = request.get("body").unwrap_or(&Value::Null);
        match request_type
            .trim_start_matches(".ams.")
            .trim_start_matches('.')
        {
            "cm.ConsumerRequestConversation" => self.request_conversation(&id),
            "ms.PublishEvent" => self.publish(&id, body),
            "ms.SubscribeMessagingEvents" => self.subscribe(&id, body),
            "cm.UpdateConversationField" => self.update_field(&id, body),
            "cqm.SubscribeExConversations" | "aam.SubscribeExConversations" => {
                self.subscribe_meta(&id, body)
            }
            "cqm.UnsubscribeExConversations" | "aam.UnsubscribeExConversations" => {
                self.unsubscribe_meta(&id, body)
            }
            "GetClock" => self.send(&frames::response(
                &id,
                200,
                ".GetClock$Response",
                &json!({"currentTime": now_ms()}),
            )),
            _ => self.send(&frames::error(&id, 400, "Unknown request type")),
        }
    }

    fn request_conversation(&mut self, id: &str) -> Outcome {
        let created = {
            let mut store = self.shared.store.lock().unwrap();
            match store.open_conversation_of(&self.consumer) {
                Some(_) => None,
                None => Some(store.create(&self.consumer)),
            }
        };
        match created {
            Some(conversation) => self.send(&frames::response(
                id,
                200,
                "cm.RequestConversationResponse",
                &json!({"conversationId": conversation}),
            )),
            None => self.send(&frames::error(
                id,
                400,
                "The consumer already has an open conversation",
            )),
        }
    }

    fn publish(&mut self, id: &str, body: &Value) -> Outcome {
        let conversation = body["dialogId"]
            .as_str()
            .or(body["conversationId"].as_str())
            .unwrap_or_default();
        let event = &body["event"];
        let event_type = event["type"].as_str().unwrap_or_default();
        if !CONSUMER_TYPES.contains(&event_type) {
            return self.send(&frames::error(id, 400, "Unknown or missing event type"));
        }
        let published = {
            let mut store = self.shared.store.lock().unwrap();
            match store.refuse(&self.consumer, conversation, true) {
                Some(why) => Err(why),
                None => {
                    let me = Originator {
                        id: &self.consumer,
                        role: "CONSUMER",
                    };
                    let sequence = store.publish(conversation, &me, event);
                    if self.shared.agent_echo && event_type == "ContentEvent" {
                        let text = event["message"].as_str().unwrap_or_default();
                        store.publish(conversation, &AGENT, &agent_text(&format!("echo: {text}")));
                    }
                    Ok(sequence.unwrap_or(0))
                }
            }
        };
        match published {
            Ok(sequence) => self.send(&frames::response(
                id,
                200,
                "ms.PublishEventResponse",
                &json!({"sequence": sequence}),
            )),
            Err(why) => self.send(&frames::error(id, 400, why)),
        }
    }

    fn subscribe(&mut self, id: &str, body: &Value) -> Outcome {
        let conversation = body["dialogId"].as_str().unwrap_or_default();
        let from_seq = body["fromSeq"].as_u64().unwrap_or(0);
        let replay = {
            let mut store = self.shared.store.lock().unwrap();
            if let Some(why) = store.refuse(&self.consumer, conversation, false) {
                drop(store);
                return self.send(&frames::error(id, 400, why));
            }
            store.subscribe(self.id, conversation, from_seq, self.outbox.clone())
        };
        self.shared.changed.notify_all();
        self.send(&frames::response(
            id,
            200,
            ".ams.GenericSubscribeResponse",
            &json!({}),
        ))?;
        for batch in replay.chunks(self.shared.batch.max(1)) {
            let frame = frames::messaging_notification(batch.iter().map(|c| &**c));
            self.send(&frame)?;
            if self.faults.repeat_changes {
                self.send(&frame)?;
            }
        }
        Ok(())
    }

    fn update_field(&mut self, id: &str, body: &Value) -> Outcome {
        let conversation = body["conversationId"].as_str().unwrap_or_default();
        // A one-element array may come as the bare element.
        let fields = match &body["conversationField"] {
            Value::Array(fields) => fields.clone(),
            Value::Null => Vec::new(),
            field => vec![field.clone()],
        };
        let closes = fields.iter().any(|field| {
            matches!(
                field["field"].as_str(),
                Some("ConversationStateField" | "Stage")
            ) && field["conversationState"] == "CLOSE"
        });
        let refused = {
            let mut store = self.shared.store.lock().unwrap();
            let refused = store.refuse(&self.consumer, conversation, closes);
            if refused.is_none() && closes {
                store.close(conversation);
            }
            refused
        };
        match (refused, closes) {
            (Some(why), _) => self.send(&frames::error(id, 400, why)),
            (None, true) => self.send(&frames::ok_string(
                id,
                "OK Conversation resolved successfully",
            )),
            (None, false) => self.send(&frames::ok_string(id, "OK")),
        }
    }

    fn subscribe_meta(&mut self, id: &str, body: &Value) -> Outcome {
        let states: Vec<String> = match &body["convState"] {
            Value::Array(states) => states
                .iter()
                .filter_map(|s| s.as_str().map(str::to_owned))
                .collect(),
            Value::String(state) => vec![state.clone()],
            _ => Vec::new(),
        };
        let (subscription_id, snapshot) = self.shared.store.lock().unwrap().subscribe_meta(
            self.id,
            &self.consumer,
            &states,
            self.outbox.clone(),
        );
        self.send(&frames::response(
            id,
            200,
            "cqm.SubscribeExConversationsResponse",
            &json!({"subscriptionId": subscription_id}),
        ))?;
        self.send(&snapshot)
    }

    fn unsubscribe_meta(&mut self, id: &str, body: &Value) -> Outcome {
        let subscription = body["subscriptionId"].as_str().unwrap_or_default();
        let removed = self
            .shared
            .store
            .lock()
            .unwrap()
            .unsubscribe_meta(self.id, subscription);
        if removed {
            self.send(&frames::ok_string(id, "OK"))
        } else {
            self.send(&frames::error(id, 400, "Unknown subscriptionId"))
        }
    }
}

pub const AGENT: Originator<'static> = Originator {
    id: AGENT_ID,
    role: "ASSIGNED_AGENT",
};

/// A plain-text ContentEvent.
pub fn agent_text(text: &str) -> Value {
    json!({"type": "ContentEvent", "contentType": "text/plain", "message": text})
}
