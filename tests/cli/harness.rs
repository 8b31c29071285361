//! Running the binary with a scrubbed environment and reading its output.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

use lp_consumer::mock::{BotRules, Faults, MockConfig, MockServer};
use serde_json::{Value, json};

pub const BIN: &str = env!("CARGO_BIN_EXE_lp-consumer");

pub fn tls_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/tls")
}

/// A server identity from the test certificates (`localhost`, ...).
#[track_caller]
pub fn tls_identity(name: &str) -> native_tls::Identity {
    let dir = tls_dir();
    let cert = std::fs::read(dir.join(format!("{name}.pem"))).unwrap();
    let key = std::fs::read(dir.join(format!("{name}.key"))).unwrap();
    native_tls::Identity::from_pkcs8(&cert, &key).unwrap()
}

/// The test certificates' CA, for `--cacert`.
#[track_caller]
pub fn ca() -> String {
    tls_dir().join("ca.pem").to_str().unwrap().to_owned()
}

/// The repository's example rules for lp-mock's bot.
#[track_caller]
pub fn example_bot() -> BotRules {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/bot.json");
    let rules = std::fs::read_to_string(path).expect("examples/bot.json");
    BotRules::from_json(&rules).expect("valid rules")
}

/// A command with nothing from the developer's environment (HOME, proxies,
/// LP_*, SSL_CERT_*), only PATH.
pub fn bare() -> Command {
    let mut command = Command::new(BIN);
    command.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    command.stdin(Stdio::null());
    command
}

/// A stand-in and a client configured for it through the environment.
pub struct Setup {
    pub server: MockServer,
    pub token: String,
}

impl Setup {
    #[track_caller]
    pub fn new() -> Setup {
        Setup::with(MockConfig::default())
    }

    #[track_caller]
    pub fn with(config: MockConfig) -> Setup {
        let server = MockServer::start(config).expect("lp-mock starts");
        let token = server.token(server.default_consumer());
        Setup { server, token }
    }

    /// A stand-in with `faults` whose history conversation holds `events`
    /// agent messages, and that conversation's id.
    #[track_caller]
    pub fn with_history(events: usize, faults: Faults) -> (Setup, String) {
        let setup = Setup::with(MockConfig {
            history: events,
            faults,
            ..MockConfig::default()
        });
        let conversation = setup.server.history_conversation().expect("history");
        (setup, conversation)
    }

    pub fn cmd(&self) -> Command {
        let mut command = bare();
        command
            .env("LP_URL", self.server.url())
            .env("LP_JWT", &self.token);
        command
    }

    #[track_caller]
    pub fn run(&self, args: &[&str]) -> Run {
        run(self.cmd().args(args), None, &self.token)
    }

    #[track_caller]
    pub fn run_stdin(&self, args: &[&str], stdin: &str) -> Run {
        run(self.cmd().args(args), Some(stdin), &self.token)
    }

    /// A run whose stdout is text for a person (`--format text`).
    #[track_caller]
    pub fn run_text(&self, args: &[&str], stdin: Option<&str>) -> Run {
        finish_text(output_of(self.cmd().args(args), stdin), &self.token)
    }

    /// `create`, returning the new conversation's id.
    #[track_caller]
    pub fn create(&self) -> String {
        let run = self.run(&["create"]);
        run.assert_code(0);
        run.lines[0]["conversationId"]
            .as_str()
            .expect("conversationId")
            .to_owned()
    }

    /// A new conversation in which the agent said "agent 0" .. "agent N-1".
    #[track_caller]
    pub fn create_with_agent_messages(&self, count: usize) -> String {
        let conversation = self.create();
        for n in 0..count {
            self.server
                .agent_says(&conversation, &format!("agent {n}"))
                .expect("the conversation exists");
        }
        conversation
    }
}

/// What a finished run printed, decoded: stdout as NDJSON.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub lines: Vec<Value>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code,
            Some(code),
            "exit code; stdout: {}; stderr: {}",
            self.stdout,
            self.stderr
        );
        self
    }

    /// Exactly one diagnostic line, containing `text`.
    #[track_caller]
    pub fn assert_error(&self, code: i32, text: &str) -> &Run {
        self.assert_code(code);
        assert!(
            self.stderr.starts_with("lp-consumer: ") && self.stderr.lines().count() == 1,
            "one diagnostic line expected: {:?}",
            self.stderr
        );
        assert!(
            self.stderr.contains(text),
            "stderr should mention {text:?}: {:?}",
            self.stderr
        );
        self
    }

    /// Nothing on stdout and exactly one diagnostic line, containing `text`.
    #[track_caller]
    pub fn assert_failure(&self, code: i32, text: &str) -> &Run {
        self.assert_error(code, text);
        assert!(self.stdout.is_empty(), "stdout: {}", self.stdout);
        self
    }

    /// Stdout decoded as NDJSON, for a run finished as text.
    #[track_caller]
    pub fn json(&self) -> Vec<Value> {
        // Loops rather than closures, so that a failure names the test's line.
        let mut values = Vec::new();
        for line in self.stdout.lines() {
            values.push(serde_json::from_str(line).expect("a JSON line"));
        }
        values
    }

    #[track_caller]
    pub fn sequences(&self) -> Vec<u64> {
        let mut sequences = Vec::new();
        for line in self.json() {
            sequences.push(line["sequence"].as_u64().expect("sequence"));
        }
        sequences
    }
}

/// Decodes stdout, asserting that every line is one complete JSON object
/// and that the token shows up nowhere.
#[track_caller]
pub fn finish(output: Output, token: &str) -> Run {
    let mut run = finish_text(output, token);
    for line in run.stdout.lines() {
        let value: Value = match serde_json::from_str(line) {
            Ok(value) => value,
            Err(err) => panic!("line is not JSON ({err}): {line:?}"),
        };
        assert!(value.is_object(), "line is not an object: {line}");
        run.lines.push(value);
    }
    run
}

/// As `finish`, for output meant for a person: whole lines, no token, and
/// no decoding (`lines` stays empty).
#[track_caller]
pub fn finish_text(output: Output, token: &str) -> Run {
    let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8(output.stderr).expect("stderr is UTF-8");
    assert!(
        stdout.is_empty() || stdout.ends_with('\n'),
        "stdout ends with a whole line: {stdout:?}"
    );
    if !token.is_empty() {
        assert_no_secret(&stdout, token);
        assert_no_secret(&stderr, token);
    }
    Run {
        code: output.status.code(),
        lines: Vec::new(),
        stdout,
        stderr,
    }
}

#[track_caller]
fn assert_no_secret(text: &str, token: &str) {
    assert!(!text.contains(token), "the token leaked: {text:?}");
    let payload = token.split('.').nth(1).unwrap_or_default();
    assert!(
        payload.is_empty() || !text.contains(payload),
        "the token's payload leaked: {text:?}"
    );
}

#[track_caller]
pub fn run(command: &mut Command, stdin: Option<&str>, token: &str) -> Run {
    finish(output_of(command, stdin), token)
}

/// Runs the binary to its end, feeding `stdin` if given.
#[track_caller]
pub fn output_of(command: &mut Command, stdin: Option<&str>) -> Output {
    match stdin {
        None => command.output().expect("the binary runs"),
        Some(text) => {
            let mut child = command
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("the binary runs");
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(text.as_bytes())
                .expect("stdin written");
            child.wait_with_output().expect("the binary ends")
        }
    }
}

/// Starts the binary with piped stdout and stderr.
#[track_caller]
pub fn spawn(command: &mut Command) -> Child {
    command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs")
}

/// A pseudo-terminal, for a child whose standard input must be a terminal
/// (a person typing): the side the test writes to, and the child's side.
pub fn terminal() -> (std::fs::File, Stdio) {
    use std::os::fd::{FromRawFd, OwnedFd};
    let (mut ours, mut theirs) = (-1, -1);
    // SAFETY: openpty writes two new descriptors into the integers it is
    // given, which are then owned here and nowhere else.
    let opened = unsafe {
        libc::openpty(
            &mut ours,
            &mut theirs,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(opened, 0, "openpty: {}", std::io::Error::last_os_error());
    let (ours, theirs) = unsafe { (OwnedFd::from_raw_fd(ours), OwnedFd::from_raw_fd(theirs)) };
    (std::fs::File::from(ours), Stdio::from(theirs))
}

/// Sends a signal to a child by name (INT, TERM), through kill(1).
#[track_caller]
pub fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(child.id().to_string())
        .status()
        .expect("kill runs");
    assert!(status.success());
}

/// Has the agent offer quick replies as message 0 of a new conversation:
/// `Yes`, which publishes "yes please" with metadata.
#[track_caller]
pub fn offer_yes(server: &MockServer, conversation: &str) {
    let offer = json!({
        "type": "ContentEvent", "contentType": "text/plain", "message": "Pick one",
        "quickReplies": {"type": "quickReplies", "itemsPerRow": 2, "replies": [
            {"type": "button", "title": "Yes", "click": {
                "actions": [{"type": "publishText", "text": "yes please"}],
                "metadata": [{"type": "ExternalId", "id": "offer-yes"}]}},
        ]},
    });
    assert_eq!(server.agent_publishes(conversation, &offer), Some(0));
}

/// What a replay's events show of `consumer`'s click of message `of`: how
/// many ACTION receipts for it, and the texts, by sequence.
#[track_caller]
pub fn clicks_of(replay: &[Value], consumer: &str, of: u64) -> (usize, Vec<(u64, String)>) {
    let ours = || {
        replay
            .iter()
            .filter(|line| line["originatorId"] == consumer)
            .map(|line| (line["sequence"].as_u64().unwrap(), &line["event"]))
    };
    let actions = ours()
        .filter(|(_, event)| event["status"] == "ACTION" && event["sequenceList"] == json!([of]))
        .count();
    let texts = ours()
        .filter(|(_, event)| event["type"] == "ContentEvent")
        .map(|(sequence, event)| (sequence, event["message"].as_str().unwrap().to_owned()))
        .collect();
    (actions, texts)
}

/// The ids of the consumer's open conversations, as `conversations` lists
/// them.
#[track_caller]
pub fn open_conversations(setup: &Setup) -> Vec<String> {
    setup
        .run(&["conversations"])
        .lines
        .iter()
        .map(|line| line["conversationId"].as_str().unwrap().to_owned())
        .collect()
}

/// The requests the service received that contain `needle`, as JSON.
pub fn requests_of_type(setup: &Setup, needle: &str) -> Vec<Value> {
    setup
        .server
        .requests()
        .iter()
        .filter(|request| request.contains(needle))
        .map(|request| serde_json::from_str(request).unwrap())
        .collect()
}
