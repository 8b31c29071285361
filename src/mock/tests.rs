//! lp-mock driven by a plain tungstenite client over loopback.

use std::collections::VecDeque;
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::client::IntoClientRequest;
use tungstenite::error::ProtocolError;
use tungstenite::handshake::client::Request;
use tungstenite::http::HeaderValue;
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Connector, Error, HandshakeError, Message, WebSocket};

use super::state::{Originator, new_id};
use super::{AGENT_ID, BotRules, DEFAULT_CONSUMER, Faults, MockConfig, MockServer, SURVEY_BOT_ID};
use crate::jwt;

/// Longest a test waits for the server: a broken server fails, not hangs.
const WAIT: Duration = Duration::from_secs(10);

fn start(config: MockConfig) -> MockServer {
    MockServer::start(config).expect("lp-mock starts")
}

fn with_history(history: usize, faults: Faults) -> (MockServer, String) {
    let server = start(MockConfig {
        history,
        faults,
        ..MockConfig::default()
    });
    let conversation = server
        .history_conversation()
        .expect("a history conversation");
    (server, conversation)
}

/// The upgrade request, with `Authorization: <authorization>` if given.
fn upgrade_request(url: &str, authorization: Option<&str>) -> Request {
    let mut request = url.into_client_request().expect("a valid URL");
    if let Some(authorization) = authorization {
        let value = HeaderValue::from_str(authorization).expect("a header value");
        request.headers_mut().insert("Authorization", value);
    }
    request
}

/// A connection to lp-mock that keeps notifications read while it waited
/// for a response, and every text frame it received.
struct Client {
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    pending: VecDeque<Value>,
    received: Vec<String>,
}

impl Client {
    fn open(
        server: &MockServer,
        request: Request,
        connector: Option<Connector>,
    ) -> Result<Client, Error> {
        let tcp = TcpStream::connect(server.local_addr()).expect("TCP connects");
        tcp.set_read_timeout(Some(WAIT)).expect("a read timeout");
        let (ws, _) =
            tungstenite::client_tls_with_config(request, tcp, None, connector).map_err(|err| {
                match err {
                    HandshakeError::Failure(err) => err,
                    HandshakeError::Interrupted(_) => {
                        Error::Io(std::io::ErrorKind::WouldBlock.into())
                    }
                }
            })?;
        Ok(Client {
            ws,
            next_id: 0,
            pending: VecDeque::new(),
            received: Vec::new(),
        })
    }

    /// Connects as `sub`.
    fn connect(server: &MockServer, sub: &str) -> Client {
        let authorization = format!("jwt {}", server.token(sub));
        Client::open(
            server,
            upgrade_request(&server.url(), Some(&authorization)),
            None,
        )
        .expect("the upgrade succeeds")
    }

    fn send_text(&mut self, text: &str) {
        self.ws
            .send(Message::text(text))
            .expect("the frame is sent");
    }

    /// The next text frame, or the error that ended the connection.
    /// The code of the close frame that must come next.
    fn close_code(&mut self) -> CloseCode {
        match self.ws.read() {
            Ok(Message::Close(Some(frame))) => frame.code,
            other => panic!("expected a close frame, got {other:?}"),
        }
    }

    fn read_text(&mut self) -> Result<String, Error> {
        loop {
            if let Message::Text(text) = self.ws.read()? {
                self.received.push(text.to_string());
                return Ok(text.to_string());
            }
        }
    }

    fn read_json(&mut self) -> Value {
        let text = self.read_text().expect("a frame");
        serde_json::from_str(&text).expect("a JSON frame")
    }

    /// Sends a request and returns its response; notifications read on the
    /// way are kept for `notification`.
    fn request(&mut self, request_type: &str, body: Value) -> Value {
        self.request_with_metadata(request_type, body, None)
    }

    /// `request` with a top-level `metadata` beside the body, as a click's.
    fn request_with_metadata(
        &mut self,
        request_type: &str,
        body: Value,
        metadata: Option<&Value>,
    ) -> Value {
        self.next_id += 1;
        let id = self.next_id.to_string();
        let mut frame = json!({"kind": "req", "id": id, "type": request_type, "body": body});
        if let Some(metadata) = metadata {
            frame["metadata"] = metadata.clone();
        }
        self.send_text(&frame.to_string());
        self.response(&id)
    }

    fn response(&mut self, id: &str) -> Value {
        loop {
            let frame = self.read_json();
            if frame["kind"] == "resp" {
                assert_eq!(frame["reqId"], id, "responses come in order: {frame}");
                return frame;
            }
            self.pending.push_back(frame);
        }
    }

    fn notification(&mut self) -> Value {
        let frame = self.pending.pop_front().unwrap_or_else(|| self.read_json());
        assert_eq!(frame["kind"], "notification", "{frame}");
        frame
    }

    fn create(&mut self) -> String {
        let response = self.request("cm.ConsumerRequestConversation", json!({}));
        assert_eq!(response["code"], 200, "{response}");
        assert_eq!(response["type"], "cm.RequestConversationResponse");
        response["body"]["conversationId"]
            .as_str()
            .expect("a conversationId")
            .to_owned()
    }

    fn publish(&mut self, conversation: &str, event: Value) -> Value {
        self.request(
            "ms.PublishEvent",
            json!({"dialogId": conversation, "event": event}),
        )
    }

    fn say(&mut self, conversation: &str, text: &str) -> Value {
        let event = json!({"type": "ContentEvent", "contentType": "text/plain", "message": text});
        self.publish(conversation, event)
    }

    fn subscribe(&mut self, conversation: &str, from_seq: u64) -> Value {
        self.request(
            "ms.SubscribeMessagingEvents",
            json!({"dialogId": conversation, "fromSeq": from_seq}),
        )
    }

    fn close_conversation(&mut self, conversation: &str) -> Value {
        let close = json!({"field": "ConversationStateField", "conversationState": "CLOSE"});
        self.request(
            "cm.UpdateConversationField",
            json!({"conversationId": conversation, "conversationField": [close]}),
        )
    }

    /// The changes of the next ms.MessagingEventNotification.
    fn changes(&mut self) -> Vec<Value> {
        let frame = self.notification();
        assert_eq!(frame["type"], "ms.MessagingEventNotification", "{frame}");
        frame["body"]["changes"]
            .as_array()
            .expect("changes")
            .clone()
    }

    fn sequences(&mut self) -> Vec<u64> {
        self.changes()
            .iter()
            .map(|change| change["sequence"].as_u64().expect("a sequence"))
            .collect()
    }
}

fn assert_refused(response: &Value, message: &str) {
    assert_eq!(response["code"], 400, "{response}");
    assert_eq!(response["type"], ".ReqBody$StringResp", "{response}");
    let body = response["body"].as_str().expect("a string body");
    assert!(body.contains(message), "{body:?} lacks {message:?}");
}

/// The HTTP status of a refused upgrade.
fn refusal(server: &MockServer, url: &str, authorization: Option<&str>) -> u16 {
    match Client::open(server, upgrade_request(url, authorization), None) {
        Err(Error::Http(response)) => response.status().as_u16(),
        Err(err) => panic!("expected an HTTP refusal, got {err}"),
        Ok(_) => panic!("expected an HTTP refusal, the upgrade succeeded"),
    }
}

#[test]
fn create_publish_replay_fan_out_and_close() {
    let server = start(MockConfig::default());
    let mut consumer = Client::connect(&server, DEFAULT_CONSUMER);
    let conversation = consumer.create();
    assert_refused(
        &consumer.request("cm.ConsumerRequestConversation", json!({})),
        "already has an open conversation",
    );
    for n in 0..3 {
        let response = consumer.say(&conversation, &format!("message {n}"));
        assert_eq!(response["code"], 200, "{response}");
        assert_eq!(response["type"], "ms.PublishEventResponse");
        assert_eq!(response["body"]["sequence"], n);
    }

    // A second connection replays from the middle, after the response.
    let mut follower = Client::connect(&server, DEFAULT_CONSUMER);
    let subscribed = follower.subscribe(&conversation, 1);
    assert_eq!(subscribed["code"], 200);
    assert_eq!(subscribed["type"], ".ams.GenericSubscribeResponse");
    assert_eq!(subscribed["body"], json!({}));
    assert!(follower.pending.is_empty(), "the response comes first");
    let first = follower.changes();
    assert_eq!(first.len(), 1);
    let change = &first[0];
    assert_eq!(change["sequence"], 1);
    assert_eq!(change["originatorId"], DEFAULT_CONSUMER);
    // As the service shows them: with the client properties of the
    // publisher's connection (a default set when it sent none).
    let metadata = &change["originatorMetadata"];
    assert_eq!(metadata["id"], DEFAULT_CONSUMER);
    assert_eq!(metadata["role"], "CONSUMER");
    assert_eq!(metadata["clientProperties"]["type"], ".ClientProperties");
    assert_eq!(change["event"]["message"], "message 1");
    assert_eq!(change["dialogId"], conversation.as_str());
    assert_eq!(change["conversationId"], conversation.as_str());
    assert!(change["serverTimestamp"].as_i64().is_some());
    assert_eq!(follower.sequences(), vec![2]);
    assert!(server.wait_for_subscribers(&conversation, 1, WAIT));

    // Live events reach the subscriber on the other connection.
    assert_eq!(consumer.say(&conversation, "live")["body"]["sequence"], 3);
    assert_eq!(follower.changes()[0]["event"]["message"], "live");
    assert_eq!(server.agent_says(&conversation, "from the agent"), Some(4));
    let agent = &follower.changes()[0];
    assert_eq!(agent["sequence"], 4);
    assert_eq!(agent["originatorId"], AGENT_ID);
    assert_eq!(agent["originatorMetadata"]["role"], "ASSIGNED_AGENT");
    assert_eq!(
        agent["originatorMetadata"]["clientProperties"]["deviceFamily"],
        "DESKTOP"
    );

    // Chat states pass through unsequenced; receipts are stored.
    let typing = json!({"type": "ChatStateEvent", "chatState": "COMPOSING"});
    assert_eq!(
        consumer.publish(&conversation, typing)["body"]["sequence"],
        0
    );
    let chat_state = &follower.changes()[0];
    assert_eq!(chat_state["event"]["chatState"], "COMPOSING");
    assert!(chat_state.get("sequence").is_none(), "{chat_state}");
    let read = json!({"type": "AcceptStatusEvent", "status": "READ", "sequenceList": [4]});
    assert_eq!(consumer.publish(&conversation, read)["body"]["sequence"], 5);
    assert_eq!(follower.sequences(), vec![5]);
    let unknown = json!({"type": "TelepathyEvent"});
    assert_refused(&consumer.publish(&conversation, unknown), "event type");

    // Subscribing again replaces the subscription: one replay, one live copy.
    follower.subscribe(&conversation, 5);
    assert_eq!(follower.sequences(), vec![5]);
    assert_eq!(consumer.say(&conversation, "once")["body"]["sequence"], 6);
    assert_eq!(follower.sequences(), vec![6]);

    // Closing takes a bare field too; then the conversation is read-only.
    let bare_close = json!({"field": "ConversationStateField", "conversationState": "CLOSE"});
    let closed = consumer.request(
        "cm.UpdateConversationField",
        json!({"conversationId": conversation, "conversationField": bare_close}),
    );
    assert_eq!(closed["code"], 200, "{closed}");
    assert_eq!(closed["type"], "StringResponse");
    assert_eq!(closed["body"], "OK Conversation resolved successfully");
    assert_refused(&consumer.close_conversation(&conversation), "closed");
    assert_refused(&consumer.say(&conversation, "too late"), "closed");
    assert!(!server.close_conversation(&conversation));

    let second = consumer.create();
    assert_ne!(second, conversation);
    assert_refused(
        &consumer.request("cm.ConsumerRequestConversation", json!({"skillId": "1"})),
        "already has an open conversation",
    );
    let other_field = json!({"field": "ParticipantsChange", "type": "ADD", "role": "READER"});
    let updated = consumer.request(
        "cm.UpdateConversationField",
        json!({"conversationId": second, "conversationField": [other_field]}),
    );
    assert_eq!(updated["body"], "OK");
}

#[test]
fn consumers_only_reach_their_own_conversations() {
    let server = start(MockConfig::default());
    let mut alice = Client::connect(&server, "alice");
    let conversation = alice.create();
    let mut bob = Client::connect(&server, "bob");
    assert_refused(&bob.say(&conversation, "hi"), "another consumer");
    assert_refused(&bob.subscribe(&conversation, 0), "another consumer");
    assert_refused(&bob.close_conversation(&conversation), "another consumer");
    assert_refused(&bob.say("no-such-conversation", "hi"), "not found");
    assert_refused(&bob.subscribe("no-such-conversation", 0), "not found");
    // One open conversation per consumer, not per server.
    bob.create();
    // Publishing by conversationId works like dialogId.
    let by_conversation_id = alice.request(
        "ms.PublishEvent",
        json!({"conversationId": conversation, "event": {"type": "ContentEvent", "message": "x"}}),
    );
    assert_eq!(by_conversation_id["body"]["sequence"], 0);
}

#[test]
fn the_upgrade_checks_path_version_and_token() {
    let server = start(MockConfig {
        account: "12345678".to_owned(),
        ..MockConfig::default()
    });
    let url = server.url();
    let token = server.token("someone");
    let good = format!("jwt {token}");
    assert_eq!(refusal(&server, &url, None), 401);
    assert_eq!(
        refusal(&server, &url, Some(&format!("Bearer {token}"))),
        401
    );
    assert_eq!(refusal(&server, &url, Some("jwt not-a-token")), 401);
    let expired = jwt::encode_unsigned(&json!({"sub": "someone", "exp": 1_000_000_000}));
    assert_eq!(refusal(&server, &url, Some(&format!("jwt {expired}"))), 401);
    let foreign = jwt::encode_unsigned(&json!({"sub": "someone", "aud": "acc:87654321"}));
    assert_eq!(refusal(&server, &url, Some(&format!("jwt {foreign}"))), 401);
    let other_account = url.replace("/12345678/", "/87654321/");
    assert_eq!(refusal(&server, &other_account, Some(&good)), 404);
    let brand = url.replace("/consumer", "/brand");
    assert_eq!(refusal(&server, &brand, Some(&good)), 404);
    assert_eq!(
        refusal(&server, &url.replace("v=3", "v=2"), Some(&good)),
        400
    );
    assert_eq!(server.connections(), 0);

    // The scheme is case-insensitive; Client-Properties is recorded.
    let mut request = upgrade_request(&url, Some(&format!("JWT {token}")));
    let properties = r#"{"type":".ClientProperties","os":"LINUX"}"#;
    request
        .headers_mut()
        .insert("Client-Properties", HeaderValue::from_static(properties));
    Client::open(&server, request, None).expect("the upgrade succeeds");
    Client::connect(&server, "someone");
    assert_eq!(server.connections(), 2);
    assert_eq!(
        server.client_properties(),
        vec![Some(properties.to_owned()), None]
    );
}

#[test]
fn clock_unknown_requests_and_frames_without_an_id() {
    let server = start(MockConfig::default());
    let mut client = Client::connect(&server, DEFAULT_CONSUMER);
    let frames = [
        "not JSON",
        "[1, 2]",
        r#"{"kind":"req","type":"GetClock"}"#,
        r#"{"kind":"req","id":{"no":"id"},"type":"GetClock"}"#,
        r#"{"kind":"req","id":7,"type":"GetClock"}"#,
    ];
    for frame in frames {
        client.send_text(frame);
    }
    client
        .ws
        .send(Message::binary(vec![1, 2, 3]))
        .expect("a binary frame is sent");
    // Only the last text frame has an id: its answer comes first.
    let clock = client.response("7");
    assert_eq!(clock["code"], 200);
    assert_eq!(clock["type"], ".GetClock$Response");
    let now = crate::when::now_ms();
    let current = clock["body"]["currentTime"].as_i64().expect("currentTime");
    assert!((now - current).abs() < 60_000, "{current} vs {now}");
    assert_eq!(client.request(".GetClock", json!({}))["code"], 200);

    assert_refused(
        &client.request("cm.Teleport", json!({})),
        "Unknown request type",
    );
    client.send_text(r#"{"kind":"req","id":"typeless"}"#);
    assert_refused(&client.response("typeless"), "no type");
    assert!(client.pending.is_empty());

    let requests = server.requests();
    assert_eq!(&requests[..frames.len()], &frames);
    assert_eq!(requests.len(), frames.len() + 3);
}

#[test]
fn conversation_changes_snapshot_and_upserts() {
    let server = start(MockConfig::default());
    let mut consumer = Client::connect(&server, DEFAULT_CONSUMER);
    let closed = consumer.create();
    consumer.close_conversation(&closed);
    let open = consumer.create();
    consumer.say(&open, "latest words");

    let subscribe = |client: &mut Client, body: Value| {
        let response = client.request("cqm.SubscribeExConversations", body);
        assert_eq!(response["code"], 200, "{response}");
        assert_eq!(response["type"], "cqm.SubscribeExConversationsResponse");
        let subscription = response["body"]["subscriptionId"]
            .as_str()
            .expect("a subscriptionId")
            .to_owned();
        let snapshot = client.notification();
        assert_eq!(snapshot["type"], "cqm.ExConversationChangeNotification");
        assert_eq!(snapshot["body"]["subscriptionId"], subscription.as_str());
        let changes = snapshot["body"]["changes"]
            .as_array()
            .expect("changes")
            .clone();
        (subscription, changes)
    };
    let (all, changes) = subscribe(&mut consumer, json!({"convState": ["OPEN", "CLOSE"]}));
    assert_eq!(changes.len(), 2);
    let old = &changes[0]["result"];
    assert_eq!(changes[0]["type"], "UPSERT");
    assert_eq!(old["convId"], closed.as_str());
    assert_eq!(old["effectiveTTR"], -1);
    let details = &old["conversationDetails"];
    assert_eq!(details["state"], "CLOSE");
    assert_eq!(details["stage"], "CLOSE");
    assert_eq!(
        details["participants"],
        json!([{"id": DEFAULT_CONSUMER, "role": "CONSUMER"}])
    );
    assert!(details["endTs"].as_i64() >= details["startTs"].as_i64());
    assert!(old.get("lastContentEventNotification").is_none());
    let current = &changes[1]["result"];
    assert_eq!(current["convId"], open.as_str());
    assert_eq!(current["conversationDetails"]["state"], "OPEN");
    assert!(current["conversationDetails"].get("endTs").is_none());
    let last_content = &current["lastContentEventNotification"];
    assert_eq!(last_content["event"]["message"], "latest words");
    assert_eq!(last_content["sequence"], 0);

    // Filters, a bare state included; another consumer sees nothing.
    let (open_only, changes) = subscribe(&mut consumer, json!({"convState": ["OPEN"]}));
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["result"]["convId"], open.as_str());
    let (closed_only, changes) = subscribe(
        &mut consumer,
        json!({"convState": "CLOSE", "stage": ["CLOSE"]}),
    );
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["result"]["convId"], closed.as_str());
    let future = crate::when::now_ms() + 60_000;
    let (updated_later, changes) = subscribe(&mut consumer, json!({"minLastUpdatedTime": future}));
    assert!(changes.is_empty());
    let mut stranger = Client::connect(&server, "stranger");
    let (_, changes) = subscribe(&mut stranger, json!({}));
    assert!(changes.is_empty());

    // The agent closes: every subscription of the consumer hears of it,
    // whatever its filter.
    assert!(server.close_conversation(&open));
    let mut told = Vec::new();
    for _ in 0..4 {
        let upsert = consumer.notification();
        let result = &upsert["body"]["changes"][0]["result"];
        assert_eq!(result["convId"], open.as_str());
        assert_eq!(result["conversationDetails"]["state"], "CLOSE");
        assert!(result["conversationDetails"]["endTs"].as_i64().is_some());
        told.push(
            upsert["body"]["subscriptionId"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
        );
    }
    let mut subscriptions = vec![all, open_only, closed_only, updated_later];
    told.sort();
    subscriptions.sort();
    assert_eq!(told, subscriptions);
    assert!(!server.close_conversation("no-such-conversation"));

    // Once unsubscribed, nothing more comes.
    for subscription in subscriptions {
        let response = consumer.request(
            "cqm.UnsubscribeExConversations",
            json!({"subscriptionId": subscription}),
        );
        assert_eq!(response["code"], 200);
        assert_eq!(response["body"], "OK");
    }
    assert_refused(
        &consumer.request(
            "cqm.UnsubscribeExConversations",
            json!({"subscriptionId": "never-issued"}),
        ),
        "Unknown subscriptionId",
    );
    consumer.create();
    consumer.request("GetClock", json!({}));
    assert!(consumer.pending.is_empty());
}

#[test]
fn the_agent_echoes_consumer_messages() {
    let server = start(MockConfig {
        agent_echo: true,
        ..MockConfig::default()
    });
    let mut consumer = Client::connect(&server, DEFAULT_CONSUMER);
    let conversation = consumer.create();
    consumer.subscribe(&conversation, 0);
    assert_eq!(consumer.say(&conversation, "hello")["body"]["sequence"], 0);
    let mine = consumer.changes();
    assert_eq!(mine[0]["originatorId"], DEFAULT_CONSUMER);
    let echo = consumer.changes();
    assert_eq!(echo[0]["sequence"], 1);
    assert_eq!(echo[0]["originatorId"], AGENT_ID);
    assert_eq!(echo[0]["event"]["message"], "echo: hello");
}

#[test]
fn the_agent_plays_botiums_echo_connector() {
    let server = start(MockConfig {
        botium_echo: true,
        ..MockConfig::default()
    });
    let mut consumer = Client::connect(&server, DEFAULT_CONSUMER);
    let conversation = consumer.create();
    consumer.subscribe(&conversation, 0);
    consumer.say(&conversation, "Hello <b>again</b>!");
    consumer.changes();
    let echo = consumer.changes();
    assert_eq!(echo[0]["originatorId"], AGENT_ID);
    assert_eq!(echo[0]["event"]["message"], "Hello <b>again</b>!");
    assert!(echo[0]["event"].get("quickReplies").is_none());
    consumer.say(&conversation, "buttons");
    consumer.changes();
    let echo = consumer.changes();
    assert_eq!(echo[0]["event"]["message"], "buttons");
    let titles: Vec<&Value> = echo[0]["event"]["quickReplies"]["replies"]
        .as_array()
        .expect("quick replies")
        .iter()
        .map(|reply| &reply["title"])
        .collect();
    assert_eq!(titles, ["First Button", "Second Button"]);
}

#[test]
fn events_carry_client_properties_like_the_services_unless_lean() {
    for lean_events in [false, true] {
        let server = start(MockConfig {
            history: 1,
            lean_events,
            ..MockConfig::default()
        });
        let conversation = server.history_conversation().unwrap();
        let mut consumer = Client::connect(&server, DEFAULT_CONSUMER);
        consumer.subscribe(&conversation, 0);
        let agent = consumer.changes().remove(0);
        let size = agent.to_string().len();
        let properties = &agent["originatorMetadata"]["clientProperties"];
        if lean_events {
            assert!(properties.is_null());
            assert!((300..400).contains(&size), "{size} bytes");
        } else {
            assert_eq!(properties["os"], "WINDOWS");
            // About the size of the service's events.
            assert!((450..520).contains(&size), "{size} bytes");
        }
    }
    // A consumer's events show the properties its connection sent.
    let server = start(MockConfig::default());
    let mut request = upgrade_request(&server.url(), Some(&format!("jwt {}", server.token("c"))));
    let sent = r#"{"type":".ClientProperties","deviceFamily":"MOBILE","os":"ANDROID"}"#;
    request
        .headers_mut()
        .insert("Client-Properties", HeaderValue::from_static(sent));
    let mut consumer = Client::open(&server, request, None).unwrap();
    let conversation = consumer.create();
    consumer.subscribe(&conversation, 0);
    consumer.say(&conversation, "hi");
    let mine = consumer.changes().remove(0);
    assert_eq!(
        mine["originatorMetadata"]["clientProperties"],
        serde_json::from_str::<Value>(sent).unwrap()
    );
}

#[test]
fn history_replays_in_batches() {
    let server = start(MockConfig {
        history: 5,
        batch: 2,
        ..MockConfig::default()
    });
    let conversation = server
        .history_conversation()
        .expect("a history conversation");
    let mut consumer = Client::connect(&server, server.default_consumer());
    consumer.subscribe(&conversation, 0);
    let first = consumer.changes();
    assert_eq!(first[0]["event"]["message"], "agent message 1");
    assert_eq!(first[1]["event"]["message"], "agent message 2");
    assert_eq!(first[1]["originatorId"], AGENT_ID);
    assert_eq!(consumer.sequences(), vec![2, 3]);
    assert_eq!(consumer.sequences(), vec![4]);
    // Live events still come one per notification.
    assert_eq!(server.agent_says(&conversation, "sixth"), Some(5));
    assert_eq!(consumer.sequences(), vec![5]);
    assert_eq!(server.agent_says("no-such-conversation", "x"), None);
    // The history belongs to the default consumer, who has it open.
    assert_refused(
        &consumer.request("cm.ConsumerRequestConversation", json!({})),
        "already has an open conversation",
    );
    assert_refused(
        &Client::connect(&server, "someone else").subscribe(&conversation, 0),
        "another consumer",
    );
}

#[test]
fn subscribers_are_counted_and_forgotten_on_disconnect() {
    let (server, conversation) = with_history(1, Faults::default());
    assert!(!server.wait_for_subscribers(&conversation, 1, Duration::from_millis(50)));
    let mut first = Client::connect(&server, DEFAULT_CONSUMER);
    first.subscribe(&conversation, 0);
    let mut second = Client::connect(&server, DEFAULT_CONSUMER);
    second.subscribe(&conversation, 0);
    assert!(server.wait_for_subscribers(&conversation, 2, WAIT));
    drop(first);
    drop(second);
    assert!(server.wait_for_subscribers(&conversation, 0, WAIT));
}

#[test]
fn drop_after_ends_tcp_without_a_close_frame() {
    let (server, conversation) = with_history(
        3,
        Faults {
            drop_after: Some(2),
            ..Faults::default()
        },
    );
    let mut client = Client::connect(&server, DEFAULT_CONSUMER);
    client.subscribe(&conversation, 0);
    assert_eq!(client.sequences(), vec![0]);
    let end = client.read_text().expect_err("the connection ends");
    assert!(
        matches!(
            end,
            Error::Protocol(ProtocolError::ResetWithoutClosingHandshake)
        ),
        "{end}"
    );
}

#[test]
fn drop_answer_does_the_request_and_drops_its_answer() {
    let server = start(MockConfig {
        faults: Faults {
            drop_answer: Some(2),
            fault_connections: Some(1),
            ..Faults::default()
        },
        ..MockConfig::default()
    });
    let mut client = Client::connect(&server, DEFAULT_CONSUMER);
    let conversation = client.create();
    client.send_text(&format!(
        r#"{{"kind":"req","id":"9","type":"ms.PublishEvent","body":{{"dialogId":"{conversation}","event":{{"type":"ContentEvent","contentType":"text/plain","message":"done"}}}}}}"#
    ));
    let end = client.read_text().expect_err("the connection ends");
    assert!(
        matches!(
            end,
            Error::Protocol(ProtocolError::ResetWithoutClosingHandshake)
        ),
        "{end}"
    );
    // The message is in, its answer was never sent.
    assert_eq!(
        server.messages_of(DEFAULT_CONSUMER, &conversation),
        ["done"]
    );
}

#[test]
fn close_after_sends_that_close_code() {
    let (server, conversation) = with_history(
        3,
        Faults {
            close_after: Some((2, 4401)),
            ..Faults::default()
        },
    );
    let mut client = Client::connect(&server, DEFAULT_CONSUMER);
    client.subscribe(&conversation, 0);
    assert_eq!(client.sequences(), vec![0]);
    assert_eq!(client.close_code(), CloseCode::from(4401));

    // A threshold of 0 applies right after the handshake.
    let (server, _) = with_history(
        1,
        Faults {
            close_after: Some((0, 1011)),
            ..Faults::default()
        },
    );
    let mut client = Client::connect(&server, DEFAULT_CONSUMER);
    assert_eq!(client.close_code(), CloseCode::Error);
}

#[test]
fn garbage_after_sends_one_frame_that_is_not_json() {
    let (server, conversation) = with_history(
        2,
        Faults {
            garbage_after: Some(1),
            ..Faults::default()
        },
    );
    let mut client = Client::connect(&server, DEFAULT_CONSUMER);
    client.send_text(&json!({"kind": "req", "id": "1", "type": "ms.SubscribeMessagingEvents", "body": {"dialogId": conversation}}).to_string());
    assert!(
        client
            .read_text()
            .expect("the response")
            .contains(r#""reqId":"1""#)
    );
    let garbage = client.read_text().expect("the garbage");
    assert!(
        serde_json::from_str::<Value>(&garbage).is_err(),
        "{garbage}"
    );
    // The connection goes on.
    assert_eq!(client.sequences(), vec![0]);
    assert_eq!(client.sequences(), vec![1]);
}

#[test]
fn repeat_changes_sends_each_event_notification_twice() {
    let (server, conversation) = with_history(
        2,
        Faults {
            repeat_changes: true,
            ..Faults::default()
        },
    );
    let mut client = Client::connect(&server, DEFAULT_CONSUMER);
    client.subscribe(&conversation, 0);
    for expected in [0, 0, 1, 1] {
        assert_eq!(client.sequences(), vec![expected]);
    }
    server.agent_says(&conversation, "live");
    assert_eq!(client.sequences(), vec![2]);
    assert_eq!(client.sequences(), vec![2]);
    // Responses are not repeated.
    client.request("GetClock", json!({}));
    assert!(client.pending.is_empty());
}

#[test]
fn stall_accepts_tcp_and_never_answers_until_shutdown() {
    let server = start(MockConfig {
        faults: Faults {
            stall: true,
            ..Faults::default()
        },
        ..MockConfig::default()
    });
    let tcp = TcpStream::connect(server.local_addr()).expect("TCP connects");
    tcp.set_read_timeout(Some(Duration::from_millis(200)))
        .expect("a read timeout");
    let authorization = format!("jwt {}", server.token(DEFAULT_CONSUMER));
    let request = upgrade_request(&server.url(), Some(&authorization));
    assert!(matches!(
        tungstenite::client(request, tcp),
        Err(HandshakeError::Interrupted(_))
    ));
    assert_eq!(server.connections(), 0);
    let started = Instant::now();
    server.shutdown();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn handshake_status_refuses_the_first_fault_connections() {
    let server = start(MockConfig {
        faults: Faults {
            handshake_status: Some(503),
            ..Faults::default()
        },
        ..MockConfig::default()
    });
    let authorization = format!("jwt {}", server.token(DEFAULT_CONSUMER));
    for _ in 0..2 {
        assert_eq!(refusal(&server, &server.url(), Some(&authorization)), 503);
    }

    let server = start(MockConfig {
        faults: Faults {
            handshake_status: Some(429),
            fault_connections: Some(1),
            ..Faults::default()
        },
        ..MockConfig::default()
    });
    let authorization = format!("jwt {}", server.token(DEFAULT_CONSUMER));
    assert_eq!(refusal(&server, &server.url(), Some(&authorization)), 429);
    let mut client = Client::connect(&server, DEFAULT_CONSUMER);
    assert_eq!(client.request("GetClock", json!({}))["code"], 200);
    assert_eq!(server.connections(), 1);
}

#[test]
fn shutdown_closes_connections_with_going_away() {
    let (server, conversation) = with_history(1, Faults::default());
    let mut client = Client::connect(&server, DEFAULT_CONSUMER);
    client.subscribe(&conversation, 0);
    assert_eq!(client.sequences(), vec![0]);
    let started = Instant::now();
    server.shutdown();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(client.close_code(), CloseCode::Away);
}

#[test]
fn tls_serves_wss() {
    let tls_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/tls");
    let read = |name: &str| std::fs::read(tls_dir.join(name)).expect("a test certificate file");
    let identity = native_tls::Identity::from_pkcs8(&read("localhost.pem"), &read("localhost.key"))
        .expect("a TLS identity");
    let server = start(MockConfig {
        tls: Some(identity),
        ..MockConfig::default()
    });
    assert!(server.url().starts_with("wss://localhost:"));
    let ca = native_tls::Certificate::from_pem(&read("ca.pem")).expect("the test CA");
    let connector = native_tls::TlsConnector::builder()
        .add_root_certificate(ca)
        .build()
        .expect("a TLS connector");
    let authorization = format!("jwt {}", server.token(DEFAULT_CONSUMER));
    let request = upgrade_request(&server.url(), Some(&authorization));
    let mut client = Client::open(&server, request, Some(Connector::NativeTls(connector)))
        .expect("the TLS upgrade succeeds");
    assert_eq!(client.request("GetClock", json!({}))["code"], 200);
    let conversation = client.create();
    client.subscribe(&conversation, 0);
    server.agent_says(&conversation, "over TLS");
    assert_eq!(client.changes()[0]["event"]["message"], "over TLS");
}

#[test]
fn ids_look_like_uuids_and_do_not_repeat() {
    let ids: Vec<String> = (0..10_000).map(|_| new_id()).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len());
    for id in &ids[..100] {
        let groups: Vec<&str> = id.split('-').collect();
        let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
        assert_eq!(lengths, vec![8, 4, 4, 4, 12], "{id}");
        assert!(
            id.chars().all(|c| c == '-' || c.is_ascii_hexdigit()),
            "{id}"
        );
        assert!(groups[2].starts_with('4'), "{id}");
        assert!(
            matches!(groups[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'),
            "{id}"
        );
    }
}

/// Every kind of frame lp-mock sends, for the schema check.
fn sample_exchange() -> Vec<String> {
    let server = start(MockConfig {
        agent_echo: true,
        history: 3,
        batch: 2,
        ..MockConfig::default()
    });
    let history = server
        .history_conversation()
        .expect("a history conversation");
    let mut consumer = Client::connect(&server, DEFAULT_CONSUMER);
    consumer.request("GetClock", json!({}));
    consumer.request("cm.Teleport", json!({}));
    consumer.request(
        "cqm.SubscribeExConversations",
        json!({"convState": ["OPEN", "CLOSE"]}),
    );
    consumer.subscribe(&history, 0);
    consumer.say(&history, "hello");
    consumer.publish(
        &history,
        json!({"type": "ChatStateEvent", "chatState": "COMPOSING"}),
    );
    consumer.publish(
        &history,
        json!({"type": "AcceptStatusEvent", "status": "READ", "sequenceList": [0, 1]}),
    );
    consumer.request("cm.ConsumerRequestConversation", json!({}));
    server.agent_says(&history, "bye");
    consumer.close_conversation(&history);
    consumer.close_conversation(&history);
    let conversation = consumer.create();
    consumer.request("cqm.SubscribeExConversations", json!({}));
    consumer.request(
        "cqm.UnsubscribeExConversations",
        json!({"subscriptionId": "never-issued"}),
    );
    consumer.subscribe(&conversation, 0);
    let other_field = json!({"field": "ParticipantsChange", "type": "ADD", "role": "READER"});
    consumer.request(
        "cm.UpdateConversationField",
        json!({"conversationId": conversation, "conversationField": other_field}),
    );
    let subscribed = consumer.request(
        "cqm.SubscribeExConversations",
        json!({"convState": ["CLOSE"]}),
    );
    consumer.request(
        "cqm.UnsubscribeExConversations",
        json!({"subscriptionId": subscribed["body"]["subscriptionId"]}),
    );
    consumer.send_text(r#"{"kind":"req","id":"typeless"}"#);
    consumer.response("typeless");
    let mut stranger = Client::connect(&server, "stranger");
    stranger.request("cqm.SubscribeExConversations", json!({}));
    stranger.notification();
    let mut received = std::mem::take(&mut consumer.received);
    received.append(&mut stranger.received);
    received.append(&mut bot_exchange());
    received
}

/// Every kind of frame lp-mock's bot makes it send: the example rules'
/// replies, a click, a survey, a transfer, the PCS tutorial's closes.
fn bot_exchange() -> Vec<String> {
    let server = start(MockConfig {
        bot: Some(example_rules()),
        ..MockConfig::default()
    });
    let mut consumer = Client::connect_with_properties(&server, DEFAULT_CONSUMER, MULTI_DIALOG);
    consumer.request("cqm.SubscribeExConversations", json!({}));
    let conversation = consumer.create();
    consumer.subscribe(&conversation, 0);
    for text in ["hi", "what?"] {
        consumer.exchange(&server, &conversation, text);
    }
    let menu = consumer.exchange(&server, &conversation, "menu");
    let menu = only_change(&menu[0]);
    let sequence = menu["sequence"].as_u64().expect("a sequence");
    consumer.click(
        &conversation,
        sequence,
        &menu["event"]["quickReplies"]["replies"][0],
    );
    let card = consumer.others(&server, &conversation);
    let card = only_change(&card[0]);
    let sequence = card["sequence"].as_u64().expect("a sequence");
    consumer.click(
        &conversation,
        sequence,
        &card["event"]["message"]["elements"][2],
    );
    consumer.settle(&server, &conversation);
    let frames = consumer.exchange(&server, &conversation, "bye");
    let survey = only_result(&frames[1])["conversationDetails"]["dialogs"][1]["dialogId"]
        .as_str()
        .expect("a survey dialog")
        .to_owned();
    consumer.say(&conversation, "too late");
    consumer.subscribe(&survey, 0);
    let question = consumer.changes().remove(0);
    consumer.click(&survey, 0, &question["event"]["quickReplies"]["replies"][1]);
    consumer.others(&server, &survey);
    consumer.exchange(&server, &survey, "no");

    let update = |client: &mut Client, conversation: &str, field: Value| {
        client.request(
            "cm.UpdateConversationField",
            json!({"conversationId": conversation, "conversationField": field}),
        )
    };
    let conversation = consumer.create();
    consumer.subscribe(&conversation, 0);
    consumer.exchange(&server, &conversation, "human");
    update(
        &mut consumer,
        &conversation,
        json!({"field": "Stage", "conversationState": "CLOSE"}),
    );
    let conversation = consumer.create();
    let close = |dialog: &str| json!({"field": "DialogChange", "type": "UPDATE", "dialog": {"dialogId": dialog, "state": "CLOSE"}});
    update(&mut consumer, &conversation, close("no-such-dialog"));
    update(&mut consumer, &conversation, close(&conversation));
    consumer.subscribe(&conversation, 0);
    let survey = consumer.others(&server, &conversation);
    let survey = only_result(survey.last().expect("an UPSERT"))["conversationDetails"]["dialogs"]
        [1]["dialogId"]
        .as_str()
        .expect("a survey dialog")
        .to_owned();
    consumer.subscribe(&survey, 0);
    consumer.changes();
    update(&mut consumer, &conversation, close(&survey));
    consumer.settle(&server, &survey);
    std::mem::take(&mut consumer.received)
}

#[path = "../../tests/cli/schema_check.rs"]
mod schema_check;

#[test]
fn every_frame_passes_the_official_schemas() {
    let Some(validator) = schema_check::validator() else {
        return;
    };
    schema_check::check_received(&validator, &sample_exchange());
}

// The bot (`MockConfig::bot`), dialogs and the post-conversation survey.

/// Client properties that advertise what a client with surveys does.
const MULTI_DIALOG: &str =
    r#"{"type":".ClientProperties","features":["RICH_CONTENT","QUICK_REPLIES","MULTI_DIALOG"]}"#;
/// The originatorId of the marker `Client::settle` sends.
const MARKER: &str = "test-marker";

fn rules(rules: &Value) -> BotRules {
    BotRules::from_json(&rules.to_string()).expect("valid rules")
}

fn bot_server(bot: &Value) -> MockServer {
    start(MockConfig {
        bot: Some(rules(bot)),
        ..MockConfig::default()
    })
}

fn example_rules() -> BotRules {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/bot.json");
    let text = std::fs::read_to_string(path).expect("examples/bot.json");
    BotRules::from_json(&text).expect("examples/bot.json is valid")
}

/// The one change of a messaging-event notification.
fn only_change(frame: &Value) -> &Value {
    assert_eq!(frame["type"], "ms.MessagingEventNotification", "{frame}");
    let changes = frame["body"]["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1, "{frame}");
    &changes[0]
}

/// The one `result` of a cqm.ExConversationChangeNotification.
fn only_result(frame: &Value) -> &Value {
    assert_eq!(
        frame["type"], "cqm.ExConversationChangeNotification",
        "{frame}"
    );
    let changes = frame["body"]["changes"].as_array().expect("changes");
    assert_eq!(changes.len(), 1, "{frame}");
    assert_eq!(changes[0]["type"], "UPSERT");
    &changes[0]["result"]
}

/// The messages of text changes, in order.
fn texts(frames: &[Value]) -> Vec<&str> {
    frames
        .iter()
        .filter(|frame| frame["type"] == "ms.MessagingEventNotification")
        .map(|frame| {
            only_change(frame)["event"]["message"]
                .as_str()
                .unwrap_or("?")
        })
        .collect()
}

impl Client {
    /// Connects as `sub` with these Client-Properties.
    fn connect_with_properties(server: &MockServer, sub: &str, properties: &str) -> Client {
        let authorization = format!("jwt {}", server.token(sub));
        let mut request = upgrade_request(&server.url(), Some(&authorization));
        let value = HeaderValue::from_str(properties).expect("a header value");
        request.headers_mut().insert("Client-Properties", value);
        Client::open(server, request, None).expect("the upgrade succeeds")
    }

    /// Every notification this client gets until the bot has nothing left
    /// to send: a marker published into `dialog` (which the client follows)
    /// once the bot is idle goes through the same outbox after them.
    fn settle(&mut self, server: &MockServer, dialog: &str) -> Vec<Value> {
        assert!(server.wait_for_bot(WAIT), "the bot finishes its replies");
        let marker = Originator {
            id: MARKER,
            role: "CONTROLLER",
            client_properties: None,
        };
        let pause = json!({"type": "ChatStateEvent", "chatState": "PAUSE"});
        let published = server
            .shared
            .store()
            .publish(dialog, &marker, "ChatStateEvent", &pause);
        assert!(published.is_ok(), "the marker's dialog exists");
        let mut frames = Vec::new();
        loop {
            let frame = self.notification();
            if frame["body"]["changes"][0]["originatorId"] == MARKER {
                return frames;
            }
            frames.push(frame);
        }
    }

    /// Says `text` in `dialog` and returns what others sent until the bot
    /// is done (the consumer's own events left out).
    fn exchange(&mut self, server: &MockServer, dialog: &str, text: &str) -> Vec<Value> {
        let response = self.say(dialog, text);
        assert_eq!(response["code"], 200, "{response}");
        self.others(server, dialog)
    }

    /// `settle`, without the consumer's own events.
    fn others(&mut self, server: &MockServer, dialog: &str) -> Vec<Value> {
        let mut frames = self.settle(server, dialog);
        frames.retain(|frame| {
            frame["body"]["changes"][0]["originatorMetadata"]["role"] != "CONSUMER"
        });
        frames
    }

    /// Clicks a button: an AcceptStatusEvent ACTION for the message that
    /// holds it, then its publishText text, both with its metadata.
    fn click(&mut self, dialog: &str, message_sequence: u64, button: &Value) -> [Value; 2] {
        let metadata = &button["click"]["metadata"];
        let action = json!({"type": "AcceptStatusEvent", "status": "ACTION", "sequenceList": [message_sequence]});
        let text = button["click"]["actions"][0]["text"]
            .as_str()
            .expect("a publishText button");
        let content = json!({"type": "ContentEvent", "contentType": "text/plain", "message": text});
        [action, content].map(|event| {
            let body = json!({"dialogId": dialog, "event": event});
            let response = self.request_with_metadata("ms.PublishEvent", body, Some(metadata));
            assert_eq!(response["code"], 200, "{response}");
            response
        })
    }

    /// The `result` of the next cqm notification.
    fn upsert(&mut self) -> Value {
        only_result(&self.notification()).clone()
    }
}

#[test]
fn bot_rules_say_where_a_mistake_is() {
    let one = |reply: Value| json!({"rules": [{"when": "a", "reply": [reply]}]}).to_string();
    let cases = [
        (
            json!({"rules": [
                {"when": "a", "reply": []},
                {"when": "b", "reply": []},
                {"when": "c", "reply": [{"txt": "hello"}]}]})
            .to_string(),
            "rules[2].reply[0]: unknown reply kind `txt`",
        ),
        (
            "{".to_owned(),
            "not JSON: EOF while parsing an object at line 1 column 1",
        ),
        ("[]".to_owned(), "expected an object"),
        ("{}".to_owned(), "`rules` is missing"),
        (
            r#"{"rules": [], "rule": []}"#.to_owned(),
            "unknown field `rule`",
        ),
        (r#"{"rules": {}}"#.to_owned(), "rules: expected a list"),
        (
            r#"{"rules": [{"when": "?!", "reply": []}]}"#.to_owned(),
            "rules[0].when: `?!` has no words to match",
        ),
        (
            r#"{"rules": [{"when": [], "reply": []}]}"#.to_owned(),
            "rules[0].when: an empty list",
        ),
        (
            r#"{"rules": [{"when": ["a", 1], "reply": []}]}"#.to_owned(),
            "rules[0].when[1]: expected a string",
        ),
        (
            r#"{"rules": [{"when": "a"}]}"#.to_owned(),
            "rules[0]: `reply` is missing",
        ),
        (
            one(json!({"text": "x", "card": {"title": "y"}})),
            "rules[0].reply[0]: a reply has one kind, not both `card` and `text`",
        ),
        (
            one(json!({})),
            "rules[0].reply[0]: a reply needs one of text, card, rich, typing, delay, transfer, close",
        ),
        (
            one(json!({"rich": {"elements": []}})),
            "rules[0].reply[0].rich: `type` is missing",
        ),
        (
            one(json!({"typing": 1, "text2": "x"})),
            "rules[0].reply[0]: unknown field `text2`",
        ),
        (
            one(json!({"delay": -1})),
            "rules[0].reply[0].delay: expected seconds, 0 to 3600",
        ),
        (
            one(json!({"typing": "1"})),
            "rules[0].reply[0].typing: expected seconds, 0 to 3600",
        ),
        (
            one(json!({"transfer": ""})),
            "rules[0].reply[0].transfer: expected a skill id",
        ),
        (
            one(json!({"close": false})),
            r#"rules[0].reply[0].close: expected `true` or {"survey": [...]}"#,
        ),
        (
            one(json!({"close": {"survey": []}})),
            "rules[0].reply[0].close.survey: a survey needs a question",
        ),
        (
            one(json!({"close": {"survey": [{"typing": 1}]}})),
            "rules[0].reply[0].close.survey[0]: expected a `text`, a `card` or a `rich`",
        ),
        (
            one(json!({"text": "x", "itemsPerRow": 2})),
            "rules[0].reply[0]: `itemsPerRow` goes with `quickReplies`",
        ),
        (
            one(json!({"text": "x", "quickReplies": [{"title": "a"}], "itemsPerRow": 9})),
            "rules[0].reply[0].itemsPerRow: expected 1 to 8",
        ),
        (
            one(json!({"text": "x", "quickReplies": [{"text": "a"}]})),
            "rules[0].reply[0].quickReplies[0]: `title` is missing",
        ),
        (
            one(
                json!({"text": "x", "quickReplies": [{"title": "a", "link": "https://example.com"}]}),
            ),
            "rules[0].reply[0].quickReplies[0]: unknown field `link`",
        ),
        (
            one(json!({"text": "x", "quickReplies": [{"title": "a", "metadata": [{"id": "x"}]}]})),
            "rules[0].reply[0].quickReplies[0].metadata[0]: `type` is missing",
        ),
        (
            one(
                json!({"card": {"title": "t", "buttons": [{"title": "b", "text": "x", "link": "y"}]}}),
            ),
            "rules[0].reply[0].card.buttons[0]: a button has `text` or `link`, not both",
        ),
        (
            one(json!({"card": {"title": "t", "buttons": [{"title": "b".repeat(129)}]}})),
            "rules[0].reply[0].card.buttons[0].title: expected 1 to 128 characters",
        ),
        (
            json!({"rules": [{"when": "a", "reply": [{"close": true}, {"text": "x"}]}]})
                .to_string(),
            "rules[0].reply[1]: nothing can follow a `transfer` or a `close`",
        ),
        (
            r#"{"rules": [], "survey": []}"#.to_owned(),
            "survey: a survey needs a question",
        ),
    ];
    for (text, expected) in cases {
        match BotRules::from_json(&text) {
            Ok(_) => panic!("{text} was accepted"),
            Err(err) => assert_eq!(err.to_string(), expected, "{text}"),
        }
    }
}

#[test]
fn the_bot_answers_by_the_first_rule_whose_words_the_message_holds() {
    let server = bot_server(&json!({"rules": [
        {"when": "hi", "reply": [{"text": "hello"}]},
        {"when": ["talk to a human", "agent"], "reply": [{"text": "a human, then"}]},
        {"when": "quiet", "reply": []},
        {"when": "hi there", "reply": [{"text": "never: an earlier rule matches"}]}]}));
    let mut consumer = Client::connect(&server, DEFAULT_CONSUMER);
    let conversation = consumer.create();
    consumer.subscribe(&conversation, 0);
    let cases = [
        ("Hi there!", vec!["hello"]),
        ("oh, HI", vec!["hello"]),
        ("this is high", vec![]),
        ("Can I talk to a human?", vec!["a human, then"]),
        ("talk to human", vec![]),
        ("a human to talk", vec![]),
        ("AGENT please", vec!["a human, then"]),
        ("quiet", vec![]),
        ("", vec![]),
    ];
    for (message, expected) in cases {
        let replies = consumer.exchange(&server, &conversation, message);
        assert_eq!(texts(&replies), expected, "{message:?}");
    }

    // `*` matches any message, even one without words.
    let server = bot_server(&json!({"rules": [
        {"when": "hi", "reply": [{"text": "hello"}]},
        {"when": "*", "reply": [{"text": "pardon?"}]}]}));
    let mut consumer = Client::connect(&server, DEFAULT_CONSUMER);
    let conversation = consumer.create();
    consumer.subscribe(&conversation, 0);
    for (message, expected) in [("hi", "hello"), ("?", "pardon?"), ("what", "pardon?")] {
        let replies = consumer.exchange(&server, &conversation, message);
        assert_eq!(texts(&replies), vec![expected], "{message:?}");
    }
    // Receipts, chat states and files are not messages to answer.
    let others = [
        json!({"type": "AcceptStatusEvent", "status": "READ", "sequenceList": [1]}),
        json!({"type": "ChatStateEvent", "chatState": "COMPOSING"}),
        json!({"type": "ContentEvent", "contentType": "hosted/file", "message": {"caption": "hi"}}),
    ];
    for event in others {
        consumer.publish(&conversation, event);
        assert!(consumer.others(&server, &conversation).is_empty());
    }
}

#[test]
fn text_replies_have_the_shape_of_an_agents_messages() {
    let server = bot_server(&json!({"rules": [{"when": "hi", "reply": [{"text": "Hello!"}]}]}));
    let mut consumer = Client::connect(&server, DEFAULT_CONSUMER);
    let conversation = consumer.create();
    consumer.subscribe(&conversation, 0);
    let replies = consumer.exchange(&server, &conversation, "hi");
    assert_eq!(replies.len(), 1);
    let change = only_change(&replies[0]);
    assert_eq!(change["sequence"], 1);
    assert_eq!(change["originatorId"], AGENT_ID);
    assert_eq!(change["originatorMetadata"]["id"], AGENT_ID);
    assert_eq!(change["originatorMetadata"]["role"], "ASSIGNED_AGENT");
    assert!(change["serverTimestamp"].as_i64().is_some());
    assert_eq!(change["conversationId"], conversation.as_str());
    assert_eq!(change["dialogId"], conversation.as_str());
    assert_eq!(
        change["event"],
        json!({"type": "ContentEvent", "contentType": "text/plain", "message": "Hello!"})
    );
    assert!(change.get("metadata").is_none());
    // The bot is the conversation's assigned agent.
    consumer.request("cqm.SubscribeExConversations", json!({}));
    let snapshot = consumer.notification();
    let details = &snapshot["body"]["changes"][0]["result"]["conversationDetails"];
    assert_eq!(
        details["participants"],
        json!([{"id": DEFAULT_CONSUMER, "role": "CONSUMER"}, {"id": AGENT_ID, "role": "ASSIGNED_AGENT"}])
    );
}

#[test]
fn quick_replies_and_cards_have_the_services_shape() {
    let server = bot_server(&json!({"rules": [
        {"when": "menu", "reply": [{"text": "Card?", "quickReplies": [
            {"title": "Yes", "metadata": [{"type": "ExternalId", "id": "menu-yes"}]},
            {"title": "No thanks", "text": "no"}]}]},
        {"when": "grid", "reply": [{"text": "Pick", "itemsPerRow": 1,
            "quickReplies": [{"title": "A"}, {"title": "B"}]}]},
        {"when": "card", "reply": [{"card": {"title": "Our plans", "text": "Pick one.", "buttons": [
            {"title": "Basic", "text": "basic plan", "metadata": [{"type": "ExternalId", "id": "plan-basic"}]},
            {"title": "Website", "link": "https://example.com/plans"}]}}]},
        {"when": "bare", "reply": [{"card": {"title": "Just a title"}}]}]}));
    let mut consumer = Client::connect(&server, DEFAULT_CONSUMER);
    let conversation = consumer.create();
    consumer.subscribe(&conversation, 0);

    let event = |consumer: &mut Client, text: &str| {
        let replies = consumer.exchange(&server, &conversation, text);
        assert_eq!(replies.len(), 1, "{replies:?}");
        only_change(&replies[0])["event"].clone()
    };
    assert_eq!(
        event(&mut consumer, "menu"),
        json!({"type": "ContentEvent", "contentType": "text/plain", "message": "Card?",
            "quickReplies": {"type": "quickReplies", "itemsPerRow": 2, "replies": [
                {"type": "button", "title": "Yes", "click": {
                    "actions": [{"type": "publishText", "text": "Yes"}],
                    "metadata": [{"type": "ExternalId", "id": "menu-yes"}]}},
                {"type": "button", "title": "No thanks", "click": {
                    "actions": [{"type": "publishText", "text": "no"}]}}]}})
    );
    assert_eq!(
        event(&mut consumer, "grid")["quickReplies"]["itemsPerRow"],
        1
    );
    assert_eq!(
        event(&mut consumer, "card"),
        json!({"type": "RichContentEvent", "message": {"type": "vertical", "elements": [
            {"type": "text", "text": "Our plans", "style": {"bold": true}},
            {"type": "text", "text": "Pick one."},
            {"type": "button", "title": "Basic", "click": {
                "actions": [{"type": "publishText", "text": "basic plan"}],
                "metadata": [{"type": "ExternalId", "id": "plan-basic"}]}},
            {"type": "button", "title": "Website", "click": {
                "actions": [{"type": "link", "name": "Website", "uri": "https://example.com/plans"}]}}]}})
    );
    assert_eq!(
        event(&mut consumer, "bare")["message"]["elements"],
        json!([{"type": "text", "text": "Just a title", "style": {"bold": true}}])
    );
}

#[test]
fn typing_is_composing_then_active_around_the_wait() {
    let server = bot_server(&json!({"rules": [
        {"when": "hi", "reply": [{"typing": 0.02}, {"text": "Hello!"}]}]}));
    let mut consumer = Client::connect(&server, DEFAULT_CONSUMER);
    let conversation = consumer.create();
    consumer.subscribe(&conversation, 0);
    let replies = consumer.exchange(&server, &conversation, "hi");
    assert_eq!(replies.len(), 3, "{replies:?}");
    for (frame, state) in replies.iter().zip(["COMPOSING", "ACTIVE"]) {
        let change = only_change(frame);
        let mut fields: Vec<&str> = change
            .as_object()
            .expect("a change")
            .keys()
            .map(String::as_str)
            .collect();
        fields.sort_unstable();
        // No sequence and no serverTimestamp: chat states are not stored.
        assert_eq!(
            fields,
            [
                "conversationId",
                "dialogId",
                "event",
                "originatorId",
                "originatorMetadata"
            ]
        );
        assert_eq!(change["originatorId"], AGENT_ID);
        assert_eq!(
            change["event"],
            json!({"type": "ChatStateEvent", "chatState": state})
        );
    }
    let text = only_change(&replies[2]);
    assert_eq!(text["event"]["message"], "Hello!");
    assert_eq!(text["sequence"], 1);
    // A late subscriber replays the messages only.
    let mut late = Client::connect(&server, DEFAULT_CONSUMER);
    late.subscribe(&conversation, 0);
    assert_eq!(late.sequences(), vec![0]);
    assert_eq!(late.sequences(), vec![1]);
}

#[test]
fn delays_keep_each_conversations_replies_in_order() {
    let server = bot_server(&json!({"rules": [
        {"when": "slow", "reply": [{"delay": 0.05}, {"text": "slow one"}, {"delay": 0.02}, {"text": "slow two"}]},
        {"when": "fast", "reply": [{"text": "fast"}]}]}));
    let mut consumer = Client::connect(&server, DEFAULT_CONSUMER);
    let conversation = consumer.create();
    consumer.subscribe(&conversation, 0);
    // The second message's reply waits for the first's.
    consumer.say(&conversation, "slow");
    consumer.say(&conversation, "fast");
    let replies = consumer.others(&server, &conversation);
    assert_eq!(texts(&replies), ["slow one", "slow two", "fast"]);
    let sequences: Vec<&Value> = replies
        .iter()
        .map(|frame| &only_change(frame)["sequence"])
        .collect();
    assert_eq!(sequences, [2, 3, 4]);
}

#[test]
fn a_conversation_waiting_out_a_delay_holds_up_no_other_and_not_the_shutdown() {
    let server = bot_server(&json!({"rules": [
        {"when": "stuck", "reply": [{"delay": 3600}, {"text": "an hour later"}]},
        {"when": "fast", "reply": [{"text": "at once"}]}]}));
    let mut stuck = Client::connect(&server, "stuck");
    let stuck_conversation = stuck.create();
    stuck.subscribe(&stuck_conversation, 0);
    stuck.say(&stuck_conversation, "stuck");
    let mut other = Client::connect(&server, "other");
    let conversation = other.create();
    other.subscribe(&conversation, 0);
    other.say(&conversation, "fast");
    assert_eq!(other.changes()[0]["event"]["message"], "fast");
    assert_eq!(other.changes()[0]["event"]["message"], "at once");
    // The connections go on meanwhile.
    assert_eq!(stuck.request("GetClock", json!({}))["code"], 200);
    assert!(!server.wait_for_bot(Duration::from_millis(20)));

    let (done, stopped) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        server.shutdown();
        let _ = done.send(());
    });
    assert!(
        stopped.recv_timeout(WAIT).is_ok(),
        "shutdown waits for the delay"
    );
}

#[test]
fn a_click_reaches_the_bot_as_an_action_then_its_text_with_its_metadata() {
    let server = start(MockConfig {
        bot: Some(example_rules()),
        ..MockConfig::default()
    });
    let mut consumer = Client::connect(&server, DEFAULT_CONSUMER);
    let conversation = consumer.create();
    consumer.subscribe(&conversation, 0);
    // The example rules answer "hi", "menu" and the click's "Yes".
    let hello = consumer.exchange(&server, &conversation, "hi");
    assert_eq!(texts(&hello)[2], "Hello! Say menu to see what I can do.");
    let menu = consumer.exchange(&server, &conversation, "menu");
    let menu = only_change(&menu[0]);
    let yes = &menu["event"]["quickReplies"]["replies"][0];
    assert_eq!(yes["title"], "Yes");
    let metadata = json!([{"type": "ExternalId", "id": "menu-yes"}]);
    assert_eq!(yes["click"]["metadata"], metadata);

    let sequence = menu["sequence"].as_u64().expect("a sequence");
    let [action, text] = consumer.click(&conversation, sequence, yes);
    assert_eq!(action["body"]["sequence"], sequence + 1);
    assert_eq!(text["body"]["sequence"], sequence + 2);
    let frames = consumer.settle(&server, &conversation);
    let [action, text, card] = frames.as_slice() else {
        panic!("expected the action, the text and a card: {frames:?}");
    };
    let action = only_change(action);
    assert_eq!(action["event"]["status"], "ACTION");
    assert_eq!(action["event"]["sequenceList"], json!([sequence]));
    assert_eq!(action["metadata"], metadata);
    let text = only_change(text);
    assert_eq!(text["event"]["message"], "Yes");
    assert_eq!(text["metadata"], metadata);
    let card = only_change(card);
    assert_eq!(card["event"]["type"], "RichContentEvent");
    assert_eq!(card["event"]["message"]["elements"][0]["text"], "Our plans");

    // The requests are stored as they came, metadata included.
    let clicks: Vec<Value> = server
        .requests()
        .iter()
        .map(|frame| serde_json::from_str::<Value>(frame).expect("JSON"))
        .filter(|frame| frame.get("metadata").is_some())
        .collect();
    assert_eq!(clicks.len(), 2);
    for click in &clicks {
        assert_eq!(click["metadata"], metadata);
        assert_eq!(click["type"], "ms.PublishEvent");
    }
    assert_eq!(clicks[0]["body"]["event"]["status"], "ACTION");
    assert_eq!(clicks[1]["body"]["event"]["message"], "Yes");
}

#[test]
fn a_transfer_changes_the_skill_and_the_bot_leaves() {
    let server = bot_server(&json!({"rules": [
        {"when": "human", "reply": [{"text": "Transferring you."}, {"transfer": "human-skill"}]},
        {"when": "*", "reply": [{"text": "bot here"}]}]}));
    let mut consumer = Client::connect(&server, DEFAULT_CONSUMER);
    consumer.request("cqm.SubscribeExConversations", json!({}));
    consumer.notification();
    let created = consumer.request(
        "cm.ConsumerRequestConversation",
        json!({"skillId": "sales"}),
    );
    let conversation = created["body"]["conversationId"]
        .as_str()
        .unwrap()
        .to_owned();
    let opened = consumer.upsert();
    assert_eq!(opened["conversationDetails"]["skillId"], "sales");
    consumer.subscribe(&conversation, 0);
    assert_eq!(
        texts(&consumer.exchange(&server, &conversation, "hello")),
        ["bot here"]
    );

    let frames = consumer.exchange(&server, &conversation, "a human please");
    let [text, upsert] = frames.as_slice() else {
        panic!("expected a text and an UPSERT: {frames:?}");
    };
    assert_eq!(only_change(text)["event"]["message"], "Transferring you.");
    let details = &only_result(upsert)["conversationDetails"];
    assert_eq!(details["skillId"], "human-skill");
    assert_eq!(
        details["participants"],
        json!([{"id": DEFAULT_CONSUMER, "role": "CONSUMER"}])
    );
    assert_eq!(details["state"], "OPEN");
    assert_eq!(details["stage"], "OPEN");
    // The conversation goes on, without the bot.
    assert!(
        consumer
            .exchange(&server, &conversation, "hello?")
            .is_empty()
    );
    assert!(
        consumer
            .exchange(&server, &conversation, "human")
            .is_empty()
    );
    // Numeric skill ids are kept as strings.
    consumer.close_conversation(&conversation);
    consumer.upsert();
    let created = consumer.request("cm.ConsumerRequestConversation", json!({"skillId": 42}));
    assert_eq!(created["code"], 200);
    assert_eq!(consumer.upsert()["conversationDetails"]["skillId"], "42");
}

#[test]
fn close_ends_the_conversation_and_a_survey_needs_multi_dialog() {
    let server = bot_server(&json!({"rules": [
        {"when": "close", "reply": [{"text": "Closing."}, {"close": true}]},
        {"when": "bye", "reply": [{"close": {"survey": [{"text": "How did we do?"}]}}]},
        {"when": "*", "reply": [{"delay": 0.02}, {"text": "in turn"}]}]}));
    // For a consumer without MULTI_DIALOG, a survey is a plain close.
    for (consumer_id, message) in [("plain", "close"), ("single-dialog", "bye")] {
        let properties = r#"{"type":".ClientProperties","features":["RICH_CONTENT"]}"#;
        let mut consumer = Client::connect_with_properties(&server, consumer_id, properties);
        consumer.request("cqm.SubscribeExConversations", json!({}));
        consumer.notification();
        let conversation = consumer.create();
        consumer.upsert();
        consumer.subscribe(&conversation, 0);
        // Replies come in turn, a close included.
        consumer.say(&conversation, "anything");
        let frames = consumer.exchange(&server, &conversation, message);
        assert_eq!(texts(&frames)[0], "in turn");
        let upsert = frames.last().expect("an UPSERT");
        let details = &only_result(upsert)["conversationDetails"];
        assert_eq!(details["state"], "CLOSE", "{message}");
        assert_eq!(details["stage"], "CLOSE");
        assert!(details["endTs"].as_i64().is_some());
        let dialogs = details["dialogs"].as_array().expect("dialogs");
        assert_eq!(dialogs.len(), 1);
        assert_eq!(dialogs[0]["dialogType"], "MAIN");
        assert_eq!(dialogs[0]["state"], "CLOSE");
        assert_refused(
            &consumer.say(&conversation, "hello?"),
            "conversation is closed",
        );
    }
}

#[test]
fn replies_to_a_conversation_closed_meanwhile_are_dropped() {
    let server = bot_server(&json!({"rules": [
        {"when": "*", "reply": [{"delay": 3600}, {"text": "an hour later"}]}]}));
    let mut consumer = Client::connect(&server, DEFAULT_CONSUMER);
    let conversation = consumer.create();
    consumer.subscribe(&conversation, 0);
    consumer.say(&conversation, "hello");
    assert_eq!(consumer.close_conversation(&conversation)["code"], 200);
    assert!(consumer.others(&server, &conversation).is_empty());

    let conversation = consumer.create();
    consumer.subscribe(&conversation, 0);
    consumer.say(&conversation, "hello");
    assert!(server.close_conversation(&conversation));
    assert!(consumer.others(&server, &conversation).is_empty());
}

#[test]
fn a_survey_runs_in_its_own_dialog_until_the_conversation_closes() {
    let server = bot_server(&json!({"rules": [
        {"when": "bye", "reply": [{"text": "Bye!"}, {"close": {"survey": [
            {"text": "How did we do?", "quickReplies": [
                {"title": "Good", "metadata": [{"type": "ExternalId", "id": "good"}]},
                {"title": "Bad"}]},
            {"text": "Anything else?"}]}}]}]}));
    let mut consumer = Client::connect_with_properties(&server, DEFAULT_CONSUMER, MULTI_DIALOG);
    consumer.request("cqm.SubscribeExConversations", json!({}));
    consumer.notification();
    let conversation = consumer.create();
    let opened = consumer.upsert();
    let dialogs = &opened["conversationDetails"]["dialogs"];
    assert_eq!(dialogs.as_array().map(Vec::len), Some(1));
    assert_eq!(dialogs[0]["dialogId"], conversation.as_str());
    assert_eq!(dialogs[0]["dialogType"], "MAIN");
    assert_eq!(dialogs[0]["channelType"], "MESSAGING");
    assert_eq!(dialogs[0]["state"], "OPEN");
    assert!(dialogs[0]["creationTs"].as_i64().is_some());
    assert!(dialogs[0].get("endTs").is_none());
    consumer.subscribe(&conversation, 0);

    // The MAIN dialog closes, the survey's opens; the conversation stays.
    let frames = consumer.exchange(&server, &conversation, "bye");
    let [bye, upsert] = frames.as_slice() else {
        panic!("expected a text and an UPSERT: {frames:?}");
    };
    assert_eq!(only_change(bye)["event"]["message"], "Bye!");
    let details = &only_result(upsert)["conversationDetails"];
    assert_eq!(details["state"], "CLOSE");
    assert_eq!(details["stage"], "OPEN");
    assert!(details.get("endTs").is_none());
    let dialogs = details["dialogs"].as_array().expect("dialogs");
    assert_eq!(dialogs.len(), 2);
    assert_eq!(dialogs[0]["state"], "CLOSE");
    assert!(dialogs[0]["endTs"].as_i64().is_some());
    assert_eq!(dialogs[1]["dialogType"], "POST_SURVEY");
    assert_eq!(dialogs[1]["channelType"], "MESSAGING");
    assert_eq!(dialogs[1]["state"], "OPEN");
    assert!(dialogs[1].get("endTs").is_none());
    let survey = dialogs[1]["dialogId"]
        .as_str()
        .expect("a dialogId")
        .to_owned();
    assert_ne!(survey, conversation);
    assert_refused(&consumer.say(&conversation, "wait"), "dialog is closed");
    assert_refused(
        &consumer.request("cm.ConsumerRequestConversation", json!({})),
        "already has an open conversation",
    );

    // The survey's dialog has its own sequences, from 0.
    assert_eq!(consumer.subscribe(&survey, 0)["code"], 200);
    let question = consumer.changes().remove(0);
    assert_eq!(question["sequence"], 0);
    assert_eq!(question["dialogId"], survey.as_str());
    assert_eq!(question["conversationId"], conversation.as_str());
    assert_eq!(question["originatorId"], SURVEY_BOT_ID);
    assert_eq!(question["originatorMetadata"]["role"], "AGENT");
    assert_eq!(question["event"]["message"], "How did we do?");
    let good = &question["event"]["quickReplies"]["replies"][0];
    let [action, text] = consumer.click(&survey, 0, good);
    assert_eq!(action["body"]["sequence"], 1);
    assert_eq!(text["body"]["sequence"], 2);
    let frames = consumer.others(&server, &survey);
    assert_eq!(texts(&frames), ["Anything else?"]);
    assert_eq!(only_change(&frames[0])["sequence"], 3);

    // The last answer brings the thanks and the conversation's close.
    let frames = consumer.exchange(&server, &survey, "all good");
    let [thanks, upsert] = frames.as_slice() else {
        panic!("expected the thanks and an UPSERT: {frames:?}");
    };
    let thanks = only_change(thanks);
    assert_eq!(thanks["event"]["message"], "Thank you for your feedback.");
    assert_eq!(thanks["sequence"], 5);
    assert_eq!(thanks["originatorId"], SURVEY_BOT_ID);
    let details = &only_result(upsert)["conversationDetails"];
    assert_eq!(details["state"], "CLOSE");
    assert_eq!(details["stage"], "CLOSE");
    assert!(details["endTs"].as_i64().is_some());
    assert_eq!(details["dialogs"][1]["state"], "CLOSE");
    assert!(details["dialogs"][1]["endTs"].as_i64().is_some());
    assert_refused(&consumer.say(&survey, "one more"), "conversation is closed");

    // Each dialog replays its own events.
    let mut replay = Client::connect(&server, DEFAULT_CONSUMER);
    replay.subscribe(&conversation, 0);
    assert_eq!(replay.changes()[0]["event"]["message"], "bye");
    assert_eq!(replay.changes()[0]["event"]["message"], "Bye!");
    replay.subscribe(&survey, 5);
    assert_eq!(
        replay.changes()[0]["event"]["message"],
        "Thank you for your feedback."
    );
    assert!(server.wait_for_subscribers(&survey, 2, WAIT));
}

#[test]
fn dialog_change_and_stage_close_as_the_pcs_tutorial_says() {
    let close_dialog = |dialog: &str| {
        json!({"field": "DialogChange", "type": "UPDATE",
            "dialog": {"dialogId": dialog, "state": "CLOSE", "closedCause": "Closed by consumer"}})
    };
    let update = |client: &mut Client, conversation: &str, field: Value| {
        client.request(
            "cm.UpdateConversationField",
            json!({"conversationId": conversation, "conversationField": [field]}),
        )
    };
    let server = bot_server(&json!({"rules": [],
        "survey": [{"text": "Did we solve it?"}, {"text": "Anything else?"}]}));
    let mut consumer = Client::connect_with_properties(&server, DEFAULT_CONSUMER, MULTI_DIALOG);
    consumer.request("cqm.SubscribeExConversations", json!({}));
    consumer.notification();
    let conversation = consumer.create();
    consumer.upsert();
    assert_refused(
        &update(&mut consumer, &conversation, close_dialog("no-such-dialog")),
        "Dialog not found",
    );

    // Closing the MAIN dialog opens the configured survey.
    let closed = update(&mut consumer, &conversation, close_dialog(&conversation));
    assert_eq!(closed["code"], 200, "{closed}");
    let details = consumer.upsert()["conversationDetails"].clone();
    assert_eq!(
        (&details["state"], &details["stage"]),
        (&json!("CLOSE"), &json!("OPEN"))
    );
    let survey = details["dialogs"][1]["dialogId"]
        .as_str()
        .unwrap()
        .to_owned();
    consumer.subscribe(&survey, 0);
    assert_eq!(
        consumer.changes()[0]["event"]["message"],
        "Did we solve it?"
    );
    assert_refused(
        &update(&mut consumer, &conversation, close_dialog(&conversation)),
        "dialog is closed",
    );
    // Listed by stage while the survey runs, not by state.
    let listed = |client: &mut Client, body: Value| {
        client.request("cqm.SubscribeExConversations", body);
        client.notification()["body"]["changes"]
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(listed(&mut consumer, json!({"convState": ["OPEN"]})), 0);
    assert_eq!(listed(&mut consumer, json!({"stage": ["OPEN"]})), 1);

    // Stage CLOSE ends the conversation, survey unanswered.
    let stage = json!({"field": "Stage", "conversationState": "CLOSE"});
    let closed = update(&mut consumer, &conversation, stage);
    assert_eq!(closed["body"], "OK Conversation resolved successfully");
    for _ in 0..3 {
        let details = consumer.upsert()["conversationDetails"].clone();
        assert_eq!(details["stage"], "CLOSE");
        assert_eq!(details["dialogs"][1]["state"], "CLOSE");
    }
    assert!(consumer.others(&server, &survey).is_empty());

    // Closing the survey's dialog closes the conversation as well.
    let conversation = consumer.create();
    for _ in 0..3 {
        consumer.upsert();
    }
    update(&mut consumer, &conversation, close_dialog(&conversation));
    let details = consumer.upsert()["conversationDetails"].clone();
    for _ in 0..2 {
        consumer.upsert();
    }
    let survey = details["dialogs"][1]["dialogId"]
        .as_str()
        .unwrap()
        .to_owned();
    let closed = update(&mut consumer, &conversation, close_dialog(&survey));
    assert_eq!(closed["code"], 200, "{closed}");
    assert_eq!(consumer.upsert()["conversationDetails"]["stage"], "CLOSE");

    // Without MULTI_DIALOG, or without a survey, the whole conversation closes.
    let mut plain = Client::connect(&server, "plain");
    let conversation = plain.create();
    update(&mut plain, &conversation, close_dialog(&conversation));
    assert_refused(&plain.say(&conversation, "hi"), "conversation is closed");
    let server = start(MockConfig::default());
    let mut consumer = Client::connect_with_properties(&server, DEFAULT_CONSUMER, MULTI_DIALOG);
    let conversation = consumer.create();
    consumer.request("cqm.SubscribeExConversations", json!({}));
    consumer.notification();
    let closed = update(&mut consumer, &conversation, close_dialog(&conversation));
    assert_eq!(closed["code"], 200, "{closed}");
    let details = consumer.upsert()["conversationDetails"].clone();
    assert_eq!(
        (&details["state"], &details["stage"]),
        (&json!("CLOSE"), &json!("CLOSE"))
    );
}

#[test]
fn without_a_bot_a_conversation_has_its_main_dialog_and_no_agent() {
    let server = start(MockConfig::default());
    assert!(server.wait_for_bot(Duration::ZERO));
    let mut consumer = Client::connect_with_properties(&server, DEFAULT_CONSUMER, MULTI_DIALOG);
    let conversation = consumer.create();
    consumer.subscribe(&conversation, 0);
    consumer.request("cqm.SubscribeExConversations", json!({}));
    let snapshot = consumer.notification();
    consumer.say(&conversation, "hi");
    let details = &snapshot["body"]["changes"][0]["result"]["conversationDetails"];
    assert_eq!(
        details["participants"],
        json!([{"id": DEFAULT_CONSUMER, "role": "CONSUMER"}])
    );
    assert_eq!(details["skillId"], "-1");
    assert_eq!(details["dialogs"][0]["dialogId"], conversation.as_str());
    assert_eq!(details["dialogs"][0]["dialogType"], "MAIN");
    assert_eq!(details["dialogs"].as_array().map(Vec::len), Some(1));
    // Only the consumer's own message comes back.
    let frames = consumer.settle(&server, &conversation);
    assert_eq!(texts(&frames), ["hi"]);
}

#[test]
fn a_connection_is_closed_with_4407_when_its_token_expires() {
    let server = start(MockConfig {
        token_ttl: 1,
        ..MockConfig::default()
    });
    let mut client = Client::connect(&server, "short-lived");
    assert_eq!(client.close_code(), CloseCode::from(4407));
}

/// One request on lp-mock's HTTP side: the status and the JSON body.
fn http(server: &MockServer, method: &str, path: &str, body: &str) -> (u16, Value) {
    use std::io::{Read, Write};
    let mut tcp = TcpStream::connect(server.http_addr()).expect("TCP connects");
    tcp.set_read_timeout(Some(WAIT)).expect("a read timeout");
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: lp-mock\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    tcp.write_all(request.as_bytes())
        .expect("the request is sent");
    let mut answer = String::new();
    tcp.read_to_string(&mut answer).expect("an answer");
    let (head, body) = answer.split_once("\r\n\r\n").expect("a head");
    let status = head.split_whitespace().nth(1).expect("a status");
    (
        status.parse().expect("a number"),
        serde_json::from_str(body).expect("a JSON body"),
    )
}

#[test]
fn csds_names_lp_mock_itself_and_the_idp_mints_tokens() {
    let server = start(MockConfig {
        token_ttl: 600,
        ..MockConfig::default()
    });
    let (status, answer) = http(
        &server,
        "GET",
        "/api/account/lp-mock/service/baseURI.json?version=1.0",
        "",
    );
    assert_eq!(status, 200);
    let port = |service: &str| {
        let entries = answer["baseURIs"].as_array().expect("baseURIs");
        let entry = entries
            .iter()
            .find(|entry| entry["service"] == service)
            .expect("the service");
        assert_eq!(entry["account"], "lp-mock");
        entry["baseURI"].as_str().expect("a host").to_owned()
    };
    assert_eq!(
        port("asyncMessagingEnt"),
        format!("127.0.0.1:{}", server.local_addr().port())
    );
    assert_eq!(
        port("idp"),
        format!("127.0.0.1:{}", server.http_addr().port())
    );
    assert_eq!(server.csds_url(), format!("http://{}", port("idp")));

    let sub_of = |answer: &Value| {
        let claims = jwt::decode(answer["jwt"].as_str().expect("a jwt")).expect("a JWT");
        let lifetime = claims.exp().unwrap() - claims.as_map()["iat"].as_f64().unwrap();
        assert_eq!(lifetime, 600.0);
        claims.sub().to_owned()
    };
    let (status, first) = http(&server, "POST", "/api/account/lp-mock/signup", "");
    assert_eq!(status, 200);
    let (_, second) = http(&server, "POST", "/api/account/lp-mock/signup", "");
    assert_ne!(sub_of(&first), sub_of(&second));

    let code = json!({"authCode": jwt::encode_unsigned(&json!({"sub": "alice"}))}).to_string();
    let (status, alice) = http(&server, "POST", "/api/account/lp-mock/authenticate", &code);
    assert_eq!(status, 200);
    let (_, again) = http(&server, "POST", "/api/account/lp-mock/authenticate", &code);
    assert_eq!(sub_of(&alice), sub_of(&again));
    let (status, refused) = http(
        &server,
        "POST",
        "/api/account/lp-mock/authenticate",
        r#"{"authCode":"nope"}"#,
    );
    assert_eq!(
        (status, refused),
        (500, json!({"internalErrorCode": "9007"}))
    );

    assert_eq!(
        http(&server, "POST", "/api/account/other/signup", "").0,
        404
    );
    server.set_idp_status(Some(429));
    assert_eq!(
        http(&server, "POST", "/api/account/lp-mock/signup", "").0,
        429
    );
    server.set_csds_status(Some(503));
    let (status, _) = http(
        &server,
        "GET",
        "/api/account/lp-mock/service/baseURI.json?version=1.0",
        "",
    );
    assert_eq!(status, 503);
    assert_eq!(server.http_requests().len(), 9);
}
