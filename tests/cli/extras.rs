//! Beyond the tutorial: conversations, create --reuse, read receipts,
//! proxies, client properties.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use std::time::Duration;

use lp_consumer::mock::{BotRules, MockConfig};
use serde_json::{Value, json};

use crate::connect_proxy::{Behaviour, TestProxy};
use crate::harness::{Setup, bare, ca, run, tls_identity};
use crate::scripted;

#[test]
fn conversations_lists_open_ones_and_all_with_all() {
    let setup = Setup::new();
    let none = setup.run(&["conversations"]);
    none.assert_code(0);
    assert!(none.lines.is_empty());

    let closed = setup.create();
    setup.run(&["send", &closed, "hi"]).assert_code(0);
    setup.run(&["close", &closed]).assert_code(0);
    let open = setup.create();

    let listed = setup.run(&["conversations"]);
    listed.assert_code(0);
    assert_eq!(listed.lines.len(), 1);
    let line = &listed.lines[0];
    assert_eq!(line["conversationId"], open.as_str());
    assert_eq!(line["stage"], "OPEN");
    assert_eq!(line["state"], "OPEN");
    assert!(line["startTs"].is_i64());

    let all = setup.run(&["conversations", "--all"]);
    let ids: Vec<&Value> = all.lines.iter().map(|l| &l["conversationId"]).collect();
    assert_eq!(all.lines.len(), 2, "{ids:?}");
    let old = all
        .lines
        .iter()
        .find(|l| l["conversationId"] == closed.as_str())
        .unwrap();
    assert_eq!(old["stage"], "CLOSE");
    assert_eq!(old["lastContentSequence"], 0);

    // The stage as the output spells it.
    let only_closed = setup.run(&["conversations", "--stage", "CLOSE"]);
    assert_eq!(only_closed.lines.len(), 1);
    assert_eq!(only_closed.lines[0]["conversationId"], closed.as_str());
}

#[test]
fn conversations_keeps_closed_ones_out_even_when_the_service_lists_them() {
    // A service that ignores convState and lists a closed conversation.
    let url = scripted::serve(|request| {
        let conversation = |id: &str, stage: &str| {
            json!({"type": "UPSERT", "result": {"convId": id, "conversationDetails":
                {"state": stage, "stage": stage, "startTs": 1}}})
        };
        match request["type"].as_str() {
            Some("cqm.SubscribeExConversations") => vec![
                scripted::ok(request, json!({"subscriptionId": "s"})),
                json!({"kind": "notification", "type": "cqm.ExConversationChangeNotification",
                    "body": {"changes": [conversation("gone", "CLOSE"), conversation("here", "OPEN")]}}),
            ],
            _ => vec![scripted::ok(request, json!({}))],
        }
    });
    let token = lp_consumer::encode_unsigned(&json!({"sub": "me"}));
    let list = |extra: &[&str]| {
        run(
            bare()
                .args([&["conversations", "--url", &url][..], extra].concat())
                .env("LP_JWT", &token),
            None,
            &token,
        )
    };
    let listed = list(&[]);
    listed.assert_code(0);
    let ids: Vec<&Value> = listed.lines.iter().map(|l| &l["conversationId"]).collect();
    assert_eq!(ids, ["here"]);
}

#[test]
fn create_reuse_prints_the_open_conversation() {
    let setup = Setup::new();
    let fresh = setup.run(&["create", "--reuse"]);
    fresh.assert_code(0);
    let id = fresh.lines[0]["conversationId"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(fresh.lines[0].get("reused").is_none());
    let again = setup.run(&["create", "--reuse"]);
    again.assert_code(0);
    assert_eq!(again.lines[0]["conversationId"], id.as_str());
    assert_eq!(again.lines[0]["reused"], true);
}

#[test]
fn ack_publishes_read_receipts() {
    let setup = Setup::new();
    let conversation = setup.create();
    setup.server.agent_says(&conversation, "one");
    setup.server.agent_says(&conversation, "two");
    let acked = setup.run(&["ack", &conversation, "--seq", "0,1"]);
    acked.assert_code(0);
    assert!(acked.lines[0]["sequence"].is_u64());
    let accepted = setup.run(&["ack", &conversation, "--seq", "1", "--status", "accept"]);
    accepted.assert_code(0);

    let events = setup.run(&[
        "subscribe",
        &conversation,
        "--type",
        "AcceptStatusEvent",
        "--idle-timeout",
        "0.3",
    ]);
    let statuses: Vec<(&Value, &Value)> = events
        .lines
        .iter()
        .map(|l| (&l["event"]["status"], &l["event"]["sequenceList"]))
        .collect();
    assert_eq!(statuses.len(), 2);
    assert_eq!(statuses[0].0, "READ");
    assert_eq!(statuses[0].1, &serde_json::json!([0, 1]));
    assert_eq!(statuses[1].0, "ACCEPT");
}

#[test]
fn subscribe_ack_reads_each_agent_message() {
    let setup = Setup::with(MockConfig {
        agent_echo: true,
        ..MockConfig::default()
    });
    let conversation = setup.create();
    setup.run(&["send", &conversation, "hello"]).assert_code(0);
    let run = setup.run(&[
        "subscribe",
        &conversation,
        "--ack",
        "read",
        "--idle-timeout",
        "0.5",
    ]);
    run.assert_code(0);
    assert_eq!(run.stderr, "");
    let receipts: Vec<Value> = setup
        .server
        .requests()
        .iter()
        .map(|r| serde_json::from_str::<Value>(r).unwrap())
        .filter(|r| r["body"]["event"]["type"] == "AcceptStatusEvent")
        .collect();
    // Only the agent's echo (sequence 1) is acknowledged, not our own message.
    assert_eq!(receipts.len(), 1);
    assert_eq!(receipts[0]["body"]["event"]["status"], "READ");
    assert_eq!(
        receipts[0]["body"]["event"]["sequenceList"],
        serde_json::json!([1])
    );
}

#[test]
fn subscribe_ack_reads_cards_too_and_only_once_across_runs() {
    let rules = r#"{"rules": [{"when": "*", "reply": [
        {"text": "Here are our plans."}, {"card": {"title": "Basic", "text": "10 a month"}}]}]}"#;
    let setup = Setup::with(MockConfig {
        bot: Some(BotRules::from_json(rules).unwrap()),
        ..MockConfig::default()
    });
    let conversation = setup.create();
    setup.run(&["send", &conversation, "plans?"]).assert_code(0);
    assert!(setup.server.wait_for_bot(Duration::from_secs(10)));
    let receipts = || -> Vec<Value> {
        setup
            .server
            .requests()
            .iter()
            .map(|r| serde_json::from_str::<Value>(r).unwrap())
            .filter(|r| r["body"]["event"]["type"] == "AcceptStatusEvent")
            .map(|r| r["body"]["event"].clone())
            .collect()
    };
    let ack = || {
        let run = setup.run(&[
            "subscribe",
            &conversation,
            "--ack",
            "read",
            "--idle-timeout",
            "0.5",
        ]);
        run.assert_code(0);
        assert_eq!(run.stderr, "");
    };
    ack();
    assert_eq!(
        receipts(),
        [json!({"type": "AcceptStatusEvent", "status": "READ", "sequenceList": [1, 2]})]
    );
    // The history now holds that receipt: a second run has nothing to mark.
    ack();
    assert_eq!(receipts().len(), 1, "{:?}", receipts());
}

#[test]
fn proxy_flag_tunnels_the_connection() {
    let setup = Setup::new();
    let proxy = TestProxy::start(Behaviour::Relay);
    setup
        .run(&["create", "--proxy", &proxy.url()])
        .assert_code(0);
    let heads = proxy.heads();
    assert_eq!(heads.len(), 1);
    let port = setup.server.local_addr().port();
    assert!(heads[0].starts_with(&format!("CONNECT 127.0.0.1:{port} HTTP/1.1\r\n")));
}

#[test]
fn https_proxy_carries_wss_with_the_target_host_checked() {
    let setup = Setup::with(MockConfig {
        tls: Some(tls_identity("localhost")),
        ..MockConfig::default()
    });
    let proxy = TestProxy::start(Behaviour::Relay);
    let mut command = setup.cmd();
    command
        .env("HTTPS_PROXY", proxy.url())
        .args(["create", "--cacert", &ca()]);
    run(&mut command, None, &setup.token).assert_code(0);
    assert!(proxy.heads()[0].starts_with("CONNECT localhost:"));
}

#[test]
fn no_proxy_and_the_scheme_decide_whether_the_proxy_is_used() {
    let setup = Setup::new();
    let proxy = TestProxy::start(Behaviour::Relay);
    // ws:// uses http_proxy, and NO_PROXY can exempt the host.
    let mut command = setup.cmd();
    command
        .env("http_proxy", proxy.url())
        .env("NO_PROXY", "localhost,127.0.0.1")
        .arg("create");
    run(&mut command, None, &setup.token).assert_code(0);
    assert!(proxy.heads().is_empty());
    // https_proxy is for wss:// only; ALL_PROXY for both.
    let mut command = setup.cmd();
    command.env("https_proxy", proxy.url()).arg("conversations");
    run(&mut command, None, &setup.token).assert_code(0);
    assert!(proxy.heads().is_empty());
    let mut command = setup.cmd();
    command.env("ALL_PROXY", proxy.url()).arg("conversations");
    run(&mut command, None, &setup.token).assert_code(0);
    assert_eq!(proxy.heads().len(), 1);
}

#[test]
fn proxy_credentials_are_sent_and_never_shown() {
    let setup = Setup::new();
    let secret = "s3cr%40t";
    let expected = STANDARD.encode("user:s3cr@t");
    let proxy = TestProxy::start(Behaviour::RequireBasic(expected.clone()));
    let url = format!("http://user:{secret}@127.0.0.1:{}", proxy.port);
    let ok = setup.run(&["create", "--proxy", &url, "--verbose"]);
    ok.assert_code(0);
    assert!(!ok.stderr.contains("s3cr") && !ok.stderr.contains(&expected));
    let wrong = format!("http://user:nope@127.0.0.1:{}", proxy.port);
    let refused = setup.run(&["create", "--proxy", &wrong]);
    refused.assert_error(
        78,
        &format!(
            "proxy 127.0.0.1:{} refused the user and password of its URL (HTTP 407)",
            proxy.port
        ),
    );
    assert!(!refused.stderr.contains("nope"));
    setup
        .run(&["create", "--proxy", &proxy.url()])
        .assert_error(
            78,
            &format!(
                "proxy 127.0.0.1:{0} wants credentials (HTTP 407); give them in its URL: \
                 http://USER:PASSWORD@127.0.0.1:{0}",
                proxy.port
            ),
        );
}

#[test]
fn a_refusing_proxy_reads_the_same_for_the_socket_the_csds_and_the_idp() {
    let setup = Setup::new();
    let proxy = TestProxy::start(Behaviour::Refuse(502));
    let http = setup.server.http_addr();
    let cache = tempfile::tempdir().unwrap();
    let socket = setup.run(&["create", "--proxy", &proxy.url()]);
    let csds = run(
        bare()
            .args(["domains", "--proxy", &proxy.url()])
            .env("LP_CSDS", setup.server.csds_url())
            .env("LP_ACCOUNT", setup.server.account())
            .env("XDG_CACHE_HOME", cache.path()),
        None,
        "",
    );
    let idp = run(
        bare().args([
            "login",
            "--account",
            "a",
            "--idp",
            &format!("http://{http}"),
            "--proxy",
            &proxy.url(),
        ]),
        None,
        "",
    );
    let ws = setup.server.url().split('/').nth(2).unwrap().to_owned();
    for (run, target) in [
        (socket, ws),
        (csds, http.to_string()),
        (idp, http.to_string()),
    ] {
        run.assert_error(
            69,
            &format!(
                "proxy 127.0.0.1:{} refused the tunnel to {target}: HTTP/1.1 502 Refused\n",
                proxy.port
            ),
        );
    }
}

#[test]
fn client_properties_reach_the_server_as_the_documented_header() {
    let setup = Setup::new();
    setup
        .run(&[
            "create",
            "--client-properties",
            r#"{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}"#,
        ])
        .assert_code(0);
    let sent = setup.server.client_properties();
    let header: Value = serde_json::from_str(sent.last().unwrap().as_deref().unwrap()).unwrap();
    assert_eq!(header["type"], ".ClientProperties");
    assert_eq!(header["deviceFamily"], "DESKTOP");
    assert_eq!(header["features"][0], "RICH_CONTENT");
    setup
        .run(&["create", "--client-properties", "[1]"])
        .assert_error(65, "--client-properties must be a JSON object");
}
