//! What a hostile server, a shared folder or a runaway helper can try:
//! terminal control in the service's words, a sequence that cannot be
//! followed, planted symlinks, a helper that never stops.

use std::net::TcpListener;
use std::sync::mpsc;
use std::thread;

use lp_consumer::mock::{Faults, RawFrame};
use serde_json::{Value, json};
use tungstenite::Message;
use tungstenite::protocol::CloseFrame;
use tungstenite::protocol::frame::coding::CloseCode;

use crate::connect_proxy::{Behaviour, TestProxy};
use crate::harness::{Run, Setup, bare, run, spawn};

/// What a hostile server does with a request: answer with frames, or
/// close the connection with a code and reason.
enum Answer {
    Frames(Vec<String>),
    Close(u16, String),
}

/// Text a terminal would act on: an OSC title, a forged line, a bidi
/// override, a C1 CSI, a line separator.
const NASTY: &str = "\x1b]0;pwned\x07\nlp-consumer: forged\u{202e}\u{9b}31m\u{2028}";

/// True if a person's terminal would act on something in `text` (line
/// breaks between lines aside).
fn acts_on_terminal(text: &str) -> bool {
    text.lines().any(|line| {
        line.chars().any(|c| {
            c.is_control()
                || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{2028}' | '\u{2029}')
        })
    })
}

/// A WebSocket server on 127.0.0.1 for one connection at a time (up to
/// `connections`): each request frame (parsed) is handed to `answer`, and
/// each request's type is sent on the returned channel as it comes.
#[track_caller]
fn hostile_server(
    connections: usize,
    answer: impl Fn(&Value) -> Answer + Send + 'static,
) -> (String, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (seen, requests) = mpsc::channel();
    thread::spawn(move || {
        for _ in 0..connections {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            let Ok(mut ws) = tungstenite::accept(stream) else {
                continue;
            };
            while let Ok(message) = ws.read() {
                let Message::Text(text) = message else {
                    continue;
                };
                let request: Value = serde_json::from_str(&text).unwrap();
                let _ = seen.send(request["type"].as_str().unwrap_or_default().to_owned());
                match answer(&request) {
                    Answer::Frames(frames) => {
                        for frame in frames {
                            let _ = ws.send(Message::text(frame));
                        }
                    }
                    Answer::Close(code, reason) => {
                        let _ = ws.close(Some(CloseFrame {
                            code: CloseCode::from(code),
                            reason: reason.into(),
                        }));
                        let _ = ws.flush();
                        while ws.read().is_ok() {}
                        break;
                    }
                }
            }
        }
    });
    let url = format!("ws://127.0.0.1:{port}/ws_api/account/a/messaging/consumer?v=3");
    (url, requests)
}

/// A response to `request` with `code` and `body`.
fn response(request: &Value, code: u16, body: Value) -> String {
    json!({"kind": "resp", "reqId": request["id"], "code": code, "type": "x", "body": body})
        .to_string()
}

fn token() -> String {
    lp_consumer::encode_unsigned(&json!({"sub": "me"}))
}

fn against(url: &str, args: &[&str]) -> Run {
    let token = token();
    run(
        bare().args(args).env("LP_URL", url).env("LP_JWT", &token),
        None,
        &token,
    )
}

#[test]
fn the_services_words_reach_the_error_line_escaped() {
    // A refusal whose message forges a second line and retitles the terminal.
    let (url, _) = hostile_server(1, |request| {
        Answer::Frames(vec![response(request, 400, json!(NASTY))])
    });
    let run = against(&url, &["create"]);
    run.assert_failure(
        1,
        r"\x1b]0;pwned\x07\nlp-consumer: forged\u{202e}\u{9b}31m\u{2028}",
    );
    assert!(!acts_on_terminal(&run.stderr), "{:?}", run.stderr);
}

#[test]
fn a_close_reason_is_escaped_in_every_reconnect_line() {
    let (url, _) = hostile_server(3, |_| Answer::Close(4000, NASTY.into()));
    let run = against(
        &url,
        &["subscribe", "c", "--reconnect", "--max-retries", "1"],
    );
    run.assert_code(75);
    assert_eq!(run.stderr.lines().count(), 3, "{}", run.stderr);
    assert!(
        run.stderr
            .lines()
            .all(|line| line.starts_with("lp-consumer: "))
    );
    assert!(
        run.stderr.contains(r"4000: \x1b]0;pwned\x07"),
        "{}",
        run.stderr
    );
    assert!(!acts_on_terminal(&run.stderr), "{:?}", run.stderr);
}

#[test]
fn a_close_reason_keeps_its_white_space() {
    let (url, _) = hostile_server(1, |_| Answer::Close(4000, "a\tb\nc d".into()));
    against(&url, &["subscribe", "c"]).assert_error(
        75,
        r"the server closed the connection with code 4000: a\tb\nc d",
    );
}

#[test]
fn verbose_frames_that_are_not_json_are_escaped() {
    let (setup, conversation) = Setup::with_history(
        1,
        Faults {
            inject: vec![RawFrame::Text(NASTY.to_owned())],
            ..Faults::default()
        },
    );
    let run = setup.run(&[
        "subscribe",
        &conversation,
        "--verbose",
        "--idle-timeout",
        "1",
    ]);
    run.assert_code(76);
    assert!(run.stderr.contains(r"< \x1b]0;pwned\x07"), "{}", run.stderr);
    assert!(!acts_on_terminal(&run.stderr), "{:?}", run.stderr);
}

/// A notification whose changes are `changes`.
fn notification(changes: Value) -> RawFrame {
    RawFrame::Text(
        json!({"kind": "notification", "type": "ms.MessagingEventNotification",
               "body": {"changes": changes}})
        .to_string(),
    )
}

#[test]
fn the_text_format_escapes_what_json_keeps_byte_exact() {
    let changes = json!([
        {"originatorId": "agent", "event": {"type": "ChatStateEvent", "chatState": NASTY}},
        {"sequence": 5, "originatorId": "agent", "event": {"type": "ContentEvent", "message": NASTY}},
        {"sequence": 6, "originatorId": "agent", "event": NASTY},
        {"sequence": 7, "originatorId": "agent", "event": {"type": "AcceptStatusEvent",
            "status": "READ", "sequenceList": [NASTY]}},
    ]);
    let (setup, conversation) = Setup::with_history(
        1,
        Faults {
            inject: vec![notification(changes.clone())],
            ..Faults::default()
        },
    );
    let args = ["subscribe", &conversation, "--idle-timeout", "1"];
    let text = setup.run_text(&[&args[..], &["--format", "text"]].concat(), None);
    text.assert_code(0);
    // The history's event 0 comes after them: a repeat, not shown; the
    // date's line comes first.
    assert_eq!(text.stdout.lines().count(), 5, "{}", text.stdout);
    assert!(text.stdout.starts_with("--- "), "{}", text.stdout);
    assert!(!acts_on_terminal(&text.stdout), "{:?}", text.stdout);
    assert!(
        text.stdout
            .contains(r"\x1b]0;pwned\x07 ⏎ lp-consumer: forged\u{202e}")
    );
    // NDJSON: each change exactly as the server wrote it, raw bidi and C1
    // characters included (JSON escaping keeps them off the terminal's
    // control path when a person pipes it through jq).
    let json = setup.run(&args);
    json.assert_code(0);
    let printed: Vec<&str> = json.stdout.lines().collect();
    let sent: Vec<String> = changes
        .as_array()
        .unwrap()
        .iter()
        .map(Value::to_string)
        .collect();
    assert_eq!(printed, sent);
}

#[test]
fn a_failing_helpers_stderr_is_escaped() {
    let run = run(
        bare().args([
            "jwt-sub",
            "--jwt-command",
            r"printf 'no\033]52;c;AAAA\007 token\342\200\256 here\r' >&2; exit 3",
        ]),
        None,
        "",
    );
    run.assert_failure(
        77,
        r"--jwt-command failed (exit 3): no\x1b]52;c;AAAA\x07 token\u{202e} here",
    );
    assert!(!acts_on_terminal(&run.stderr), "{:?}", run.stderr);
}

/// `chat` in a conversation the service names `id`, stopped by SIGTERM.
#[track_caller]
fn chat_stopped_in(id: &'static str) -> Run {
    let (url, requests) = hostile_server(1, move |request| {
        Answer::Frames(vec![response(request, 200, json!({"conversationId": id}))])
    });
    let token = token();
    let mut chat = bare();
    chat.args(["chat", "--format", "json"])
        .env("LP_URL", &url)
        .env("LP_JWT", &token)
        .stdin(std::process::Stdio::piped());
    let mut child = spawn(&mut chat);
    // Stopped once the conversation is followed.
    while requests.recv().unwrap() != "ms.SubscribeMessagingEvents" {}
    crate::harness::signal(&child, "TERM");
    drop(child.stdin.take());
    let output = child.wait_with_output().unwrap();
    crate::harness::finish_text(output, &token)
}

#[test]
fn chat_quotes_a_conversation_id_the_service_chose_for_a_shell() {
    let run = chat_stopped_in("x$(touch owned)");
    run.assert_error(143, r"`lp-consumer chat 'x$(touch owned)'` goes on with it");
    assert!(
        run.stderr
            .contains(r"`lp-consumer close 'x$(touch owned)'` closes it")
    );
}

#[test]
fn chat_suggests_no_command_for_an_id_that_cannot_be_shown_as_it_is() {
    let run = chat_stopped_in("x\u{202e}y\x1b[2J");
    run.assert_error(
        143,
        "the conversation is left open, and its id holds characters that cannot be shown \
         as they are; `lp-consumer conversations` prints it as JSON (conversationId)",
    );
    assert!(!run.stderr.contains("202e"), "{}", run.stderr);
    assert!(!acts_on_terminal(&run.stderr), "{:?}", run.stderr);
}

#[test]
fn the_largest_sequence_is_refused_never_wrapped() {
    let last = u64::MAX.to_string();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("cursor");
    let state = state.to_str().unwrap();
    let (setup, conversation) = Setup::with_history(
        1,
        Faults {
            inject: vec![notification(json!([
                {"sequence": 3, "event": {"type": "ContentEvent", "message": "three"}},
                {"sequence": u64::MAX, "event": {"type": "ContentEvent", "message": "last"}}
            ]))],
            ..Faults::default()
        },
    );
    let run = setup.run(&["subscribe", &conversation, "--state-file", state]);
    run.assert_error(76, &format!("sequence {last}, which no event can follow"));
    assert_eq!(run.sequences(), vec![3]);
    let stored: Value = serde_json::from_str(&std::fs::read_to_string(state).unwrap()).unwrap();
    assert_eq!(stored["sequence"], 3);
    // Asked for by hand, or found in a state file: refused too.
    setup
        .run(&["subscribe", &conversation, "--from-seq", &last])
        .assert_code(2);
    let held = format!(r#"{{"conversationId":"{conversation}","sequence":{last}}}"#);
    std::fs::write(state, held).unwrap();
    setup
        .run(&["subscribe", &conversation, "--state-file", state])
        .assert_failure(65, "which no event can follow");
}

#[test]
fn a_sequence_past_u64_is_said_to_be_out_of_range() {
    // 2^64, written as the server would: JSON numbers have no bound.
    let frame = notification(json!([{"sequence": 0, "event": {"type": "ContentEvent"}}]));
    let RawFrame::Text(text) = frame else {
        unreachable!()
    };
    let text = text.replace(r#""sequence":0"#, r#""sequence":18446744073709551616"#);
    let (setup, conversation) = Setup::with_history(
        1,
        Faults {
            inject: vec![RawFrame::Text(text)],
            ..Faults::default()
        },
    );
    // Whether the run reads the sequence alone or who sent the event too.
    for extra in [&[][..], &["--from", "agent"]] {
        let args = [&["subscribe", &conversation][..], extra].concat();
        setup.run(&args).assert_error(
            76,
            "the server sent sequence 18446744073709551616, out of range (a sequence is below 2^64)",
        );
    }
}

#[test]
fn a_proxy_password_with_a_slash_is_sent_whole_and_never_shown() {
    use base64::Engine;
    let setup = Setup::new();
    let expected = base64::engine::general_purpose::STANDARD.encode("alice:s3cr/et");
    let proxy = TestProxy::start(Behaviour::RequireBasic(expected));
    let url = format!("http://alice:s3cr/et@127.0.0.1:{}", proxy.port);
    let with_proxy = |url: &str| {
        let mut command = setup.cmd();
        command.args(["create", "--verbose"]).env("http_proxy", url);
        run(&mut command, None, &setup.token)
    };
    let through = with_proxy(&url);
    through.assert_code(0);
    assert!(
        through
            .stderr
            .contains(&format!("proxy 127.0.0.1:{}", proxy.port))
    );
    let bad_port = "http://alice:s3cr/et@127.0.0.1:99999";
    let refused = with_proxy(bad_port);
    refused.assert_failure(78, "http_proxy: `99999` is not a port");
    for run in [through, refused] {
        assert!(
            !run.stderr.contains("alice") && !run.stderr.contains("s3cr"),
            "{}",
            run.stderr
        );
    }
}

#[track_caller]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
        & 0o777
}

#[test]
fn state_files_in_a_shared_folder_follow_no_planted_link() {
    use std::os::unix::fs::symlink;
    let setup = Setup::new();
    let conversation = setup.create_with_agent_messages(2);
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "precious\n").unwrap();
    let cursor = dir.path().join("cursor");
    let subscribe = |extra: &[&str]| {
        let args = [
            &["subscribe", &conversation, "--idle-timeout", "0.5"],
            extra,
            &["--state-file", cursor.to_str().unwrap()],
        ]
        .concat();
        setup.run(&args)
    };

    // A planted lock link: refused, the file it points to untouched.
    let lock = dir.path().join("cursor.lock");
    symlink("victim", &lock).unwrap();
    subscribe(&[]).assert_failure(
        65,
        "cursor.lock is a symbolic link; remove it (the lock beside --state-file",
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    std::fs::remove_file(&lock).unwrap();
    // A FIFO in its place: refused at once, not waited on.
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&lock)
            .status()
            .unwrap()
            .success()
    );
    subscribe(&[]).assert_failure(74, "cannot create");
    std::fs::remove_file(&lock).unwrap();

    // The state file a link: refused unless asked for.
    symlink(&victim, &cursor).unwrap();
    subscribe(&[]).assert_failure(
        65,
        "is a symbolic link; name the file itself, or pass --state-file-symlink",
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    std::fs::write(&victim, "").unwrap();
    subscribe(&["--state-file-symlink"]).assert_code(0);
    assert!(
        std::fs::symlink_metadata(&cursor)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let stored: Value = serde_json::from_str(&std::fs::read_to_string(&victim).unwrap()).unwrap();
    assert_eq!(stored["sequence"], 1);
    assert_eq!(mode(&victim), 0o600);

    // A link made before its file (relative, through a second link): the
    // file is created where the chain ends.
    std::fs::remove_file(&cursor).unwrap();
    symlink("hop", &cursor).unwrap();
    symlink("later", dir.path().join("hop")).unwrap();
    subscribe(&["--state-file-symlink"]).assert_code(0);
    let stored: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("later")).unwrap()).unwrap();
    assert_eq!(stored["sequence"], 1);
    for name in ["hop", "later", "later.lock"] {
        std::fs::remove_file(dir.path().join(name)).unwrap();
    }

    // A plain state file: it and its lock are the user's alone, and no temp
    // file is left behind.
    std::fs::remove_file(&cursor).unwrap();
    subscribe(&[]).assert_code(0);
    assert_eq!((mode(&cursor), mode(&lock)), (0o600, 0o600));
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["cursor", "cursor.lock", "victim", "victim.lock"]);
}

#[test]
fn the_csds_cache_is_the_users_alone() {
    let setup = Setup::new();
    let dir = tempfile::tempdir().unwrap();
    let run = run(
        bare()
            .args(["domains"])
            .env("LP_CSDS", setup.server.csds_url())
            .env("LP_ACCOUNT", setup.server.account())
            .env("XDG_CACHE_HOME", dir.path()),
        None,
        "",
    );
    run.assert_code(0);
    let folder = dir.path().join("lp-consumer");
    assert_eq!(mode(&folder), 0o700);
    let files: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert_eq!(mode(&files[0]), 0o600);
}

/// `jwt-sub` with `helper` as --jwt-command and `--timeout SECS`.
fn with_helper(helper: &str, timeout: &str) -> Run {
    run(
        bare().args(["jwt-sub", "--timeout", timeout, "--jwt-command", helper]),
        None,
        "",
    )
}

#[test]
fn a_helper_that_prints_without_end_is_stopped_at_64_kib() {
    with_helper("yes", "30").assert_failure(65, "printed more than 64 KiB on stdout");
    // On stderr, only the end is kept, until the deadline.
    with_helper("yes >&2", "0.5").assert_failure(75, "no token within 0.5 s");
}

#[test]
fn what_a_helper_leaves_running_neither_holds_the_run_nor_survives_it() {
    use std::io::Read;
    use std::os::fd::AsRawFd;
    use std::os::unix::fs::OpenOptionsExt;
    let dir = tempfile::tempdir().unwrap();
    let jwt = dir.path().join("jwt");
    std::fs::write(&jwt, token()).unwrap();
    let fifo = dir.path().join("survivor");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // Opened first, without waiting for a writer; then read to its end,
    // which comes once every process holding the helper's end is gone.
    let mut survivor = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(&fifo)
        .unwrap();
    // SAFETY: fcntl(2) on a descriptor the test owns.
    unsafe { libc::fcntl(survivor.as_raw_fd(), libc::F_SETFL, 0) };
    // A background child that holds stdout (and the FIFO) and, were it not
    // killed, would say so after 20 s.
    let helper = format!(
        "exec 3>'{}'; cat '{}'; (sleep 20; echo survived >&3) &",
        fifo.display(),
        jwt.display()
    );
    let run = with_helper(&helper, "30");
    run.assert_code(0);
    assert_eq!(run.lines[0]["sub"], "me");
    let mut said = String::new();
    survivor.read_to_string(&mut said).unwrap();
    assert_eq!(said, "", "the helper's background child outlived the run");
}

#[test]
fn the_token_and_its_helpers_are_kept_out_of_core_dumps() {
    let dir = tempfile::tempdir().unwrap();
    let jwt = dir.path().join("jwt");
    std::fs::write(&jwt, token()).unwrap();
    let seen = dir.path().join("core-limit");
    // Core dumps allowed as far as the system lets them; the helper, a
    // child, reports the limit lp-consumer runs under.
    let helper = format!("ulimit -c > '{}'; cat '{}'", seen.display(), jwt.display());
    let raise = r#"ulimit -c "$(ulimit -H -c)" && ulimit -c && exec "$0" "$@""#;
    let output = std::process::Command::new("sh")
        .args([
            "-c",
            raise,
            crate::harness::BIN,
            "jwt-sub",
            "--jwt-command",
            &helper,
        ])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap())
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let allowed = String::from_utf8(output.stdout).unwrap();
    assert_ne!(
        allowed.lines().next(),
        Some("0"),
        "the hard limit allows no core dump here"
    );
    assert_eq!(std::fs::read_to_string(&seen).unwrap().trim(), "0");
}

#[test]
fn a_secret_about_to_travel_unencrypted_is_warned_of() {
    // A refusing proxy on loopback stands for the way out: nothing leaves
    // the machine, and the warning comes before the attempt.
    let proxy = TestProxy::start(Behaviour::Refuse(403));
    let url = "ws://lp.example/ws_api/account/a/messaging/consumer?v=3";
    let token = token();
    let create = run(
        bare()
            .args(["create", "--url", url, "--proxy", &proxy.url()])
            .env("LP_JWT", &token),
        None,
        &token,
    );
    create.assert_code(69);
    let first = create.stderr.lines().next().unwrap();
    assert_eq!(
        first,
        "lp-consumer: warning: the token goes unencrypted to lp.example (ws://): anyone on the \
         way can read it; use wss://"
    );
    let dir = tempfile::tempdir().unwrap();
    let code = dir.path().join("code");
    std::fs::write(
        &code,
        lp_consumer::encode_unsigned(&json!({"sub": "brand-user"})),
    )
    .unwrap();
    let login = run(
        bare().args([
            "login",
            "--account",
            "a",
            "--idp",
            "http://idp.example",
            "--proxy",
            &proxy.url(),
            "--auth-code-file",
            code.to_str().unwrap(),
        ]),
        None,
        "",
    );
    assert_ne!(login.code, Some(0));
    assert!(
        login.stderr.starts_with(
            "lp-consumer: warning: the authCode (and the token that comes back) goes unencrypted \
             to idp.example (http://)"
        ),
        "{}",
        login.stderr
    );
    // Nothing is said for this machine's own address.
    let setup = Setup::new();
    let local = setup.run(&["create"]);
    local.assert_code(0);
    assert_eq!(local.stderr, "");
}

/// An HTTP server on 127.0.0.1 that answers one request with `status` and
/// the JSON `body`.
#[track_caller]
fn http_answering(status: u16, body: Value) -> String {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut length = 0;
        let mut line = String::new();
        while reader.read_line(&mut line).unwrap_or(0) > 2 {
            if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = value.trim().parse().unwrap();
            }
            line.clear();
        }
        reader.read_exact(&mut vec![0; length]).unwrap();
        let body = body.to_string();
        let mut stream = stream;
        let _ = write!(
            stream,
            "HTTP/1.1 {status} Oops\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        );
    });
    format!("http://127.0.0.1:{port}")
}

#[test]
fn the_idps_error_code_is_escaped() {
    let idp = http_answering(500, json!({"internalErrorCode": NASTY}));
    let run = run(
        bare().args(["login", "--account", "a", "--idp", &idp]),
        None,
        "",
    );
    run.assert_failure(
        75,
        r"internalErrorCode \x1b]0;pwned\x07\nlp-consumer: forged",
    );
    assert!(!acts_on_terminal(&run.stderr), "{:?}", run.stderr);
}

#[test]
fn the_idps_message_is_shown_escaped() {
    let idp = http_answering(400, json!({"message": NASTY}));
    let run = run(
        bare().args(["login", "--account", "a", "--idp", &idp]),
        None,
        "",
    );
    run.assert_failure(
        1,
        r"refused the signup: HTTP 400; it says: \x1b]0;pwned\x07\nlp-consumer: forged",
    );
    assert!(!acts_on_terminal(&run.stderr), "{:?}", run.stderr);
}

#[test]
fn a_9007_answering_a_signup_blames_no_jwt() {
    let idp = http_answering(500, json!({"internalErrorCode": "9007"}));
    let run = run(
        bare().args(["login", "--account", "a", "--idp", &idp]),
        None,
        "",
    );
    run.assert_failure(77, "CUSTOMER_JWT_NOT_VALID, though no JWT was sent");
    assert!(!run.stderr.contains("brand's JWT"), "{}", run.stderr);
}
