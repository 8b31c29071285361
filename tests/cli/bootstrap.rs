//! From an account id to a conversation: `domains` and the messaging host
//! from CSDS (cached), `login` at the IdP, the lp.env flow, `--jwt-command`
//! and renewal under `--reconnect`, all over the socket's HTTPS settings.

use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use lp_consumer::encode_unsigned;
use lp_consumer::mock::{DEFAULT_TOKEN_TTL, Faults, MockConfig, MockServer};
use serde_json::{Value, json};

use crate::connect_proxy::{Behaviour, TestProxy};
use crate::harness::{
    BIN, Run, bare, ca, clicks_of, finish_text, offer_yes, output_of, tls_identity,
};
use crate::schema_check;

const WAIT: Duration = Duration::from_secs(20);
/// The start of every token lp-mock and the tests make (their fixed
/// header): it must never reach stderr.
const TOKEN_HEADER: &str = "eyJhbGci";

/// An lp-mock and a client that knows only its CSDS and account, with a
/// cache folder of its own.
struct Account {
    server: MockServer,
    dir: tempfile::TempDir,
}

impl Account {
    #[track_caller]
    fn new() -> Account {
        Account::with(MockConfig::default())
    }

    #[track_caller]
    fn with(config: MockConfig) -> Account {
        Account {
            server: MockServer::start(config).expect("lp-mock starts"),
            dir: tempfile::tempdir().unwrap(),
        }
    }

    #[track_caller]
    fn tls(name: &str) -> Account {
        Account::with(MockConfig {
            tls: Some(tls_identity(name)),
            ..MockConfig::default()
        })
    }

    fn cmd(&self) -> Command {
        let mut command = bare();
        command
            .env("LP_CSDS", self.server.csds_url())
            .env("LP_ACCOUNT", self.server.account())
            .env("XDG_CACHE_HOME", self.dir.path().join("cache"));
        command
    }

    #[track_caller]
    fn run(&self, args: &[&str]) -> Run {
        raw(self.cmd().args(args), None)
    }

    /// A file in the test's folder.
    #[track_caller]
    fn file(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        fs::write(&path, text).unwrap();
        path
    }

    fn csds_requests(&self) -> usize {
        self.server
            .http_requests()
            .iter()
            .filter(|line| line.starts_with("GET /api/account/"))
            .count()
    }

    /// The one CSDS cache file.
    #[track_caller]
    fn cache_file(&self) -> PathBuf {
        let folder = self.dir.path().join("cache/lp-consumer");
        let mut files: Vec<PathBuf> = fs::read_dir(&folder)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        files.pop().unwrap()
    }

    /// A helper that logs in as `external_sub` (a stable consumer) and
    /// counts its runs in `runs`.
    #[track_caller]
    fn helper(&self, external_sub: &str) -> String {
        let code = self.file(
            &format!("{external_sub}.code"),
            &encode_unsigned(&json!({"sub": external_sub})),
        );
        format!(
            "echo run >> '{}'; '{BIN}' login --output token --auth-code-file '{}'",
            self.dir.path().join("runs").display(),
            code.display()
        )
    }

    /// A run of lp-consumer with `helper` as its `LP_JWT_COMMAND`.
    fn with_helper(&self, helper: &str, args: &[&str]) -> Run {
        raw(self.cmd().env("LP_JWT_COMMAND", helper).args(args), None)
    }

    /// The consumer id (`sub`) of `helper`'s tokens.
    fn sub_of(&self, helper: &str) -> String {
        self.with_helper(helper, &["jwt-sub"]).json()[0]["sub"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A conversation requested by `helper`'s consumer.
    fn conversation_of(&self, helper: &str) -> String {
        self.with_helper(helper, &["create"]).json()[0]["conversationId"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A --jwt-command that prints `token`, its runs counted by
    /// `helper_runs`.
    fn helper_printing(&self, token: &str) -> String {
        format!(
            "echo run >> '{}'; echo {token}",
            self.dir.path().join("runs").display()
        )
    }

    fn helper_runs(&self) -> usize {
        fs::read_to_string(self.dir.path().join("runs"))
            .unwrap_or_default()
            .lines()
            .count()
    }
}

/// A finished run, stdout as it is (login prints tokens).
#[track_caller]
fn finish(output: Output) -> Run {
    let raw = finish_text(output, "");
    assert!(
        !raw.stderr.contains(TOKEN_HEADER),
        "a token reached stderr: {}",
        raw.stderr
    );
    raw
}

#[track_caller]
fn raw(command: &mut Command, stdin: Option<&str>) -> Run {
    finish(output_of(command, stdin))
}

#[track_caller]
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn domains_prints_each_entry_and_one_service() {
    let account = Account::new();
    let all = account.run(&["domains"]);
    all.assert_code(0);
    // As CSDS writes them (and the README shows them).
    assert!(
        all.stdout
            .starts_with(r#"{"service":"asyncMessagingEnt","account":"lp-mock","baseURI":"#),
        "{}",
        all.stdout
    );
    let entries = all.json();
    let services: Vec<&str> = entries
        .iter()
        .map(|e| e["service"].as_str().unwrap())
        .collect();
    assert_eq!(services, ["asyncMessagingEnt", "idp"]);
    assert_eq!(
        entries[0]["baseURI"],
        format!("127.0.0.1:{}", account.server.local_addr().port())
    );
    assert_eq!(entries[0]["account"], account.server.account());
    let idp = account.run(&["domains", "--service", "idp"]);
    idp.assert_code(0);
    assert_eq!(idp.json(), [entries[1].clone()]);
    account
        .run(&["domains", "--service", "swift"])
        .assert_failure(
            69,
            "names no swift service for account lp-mock; it names: asyncMessagingEnt, idp",
        );
    account
        .run(&["domains", "--service", "IDP"])
        .assert_failure(
            69,
            "no IDP service for account lp-mock; did you mean idp? (names are case-sensitive)",
        );
    // The account is required; a wrong one is refused by CSDS.
    raw(
        bare().args(["domains", "--csds", &account.server.csds_url()]),
        None,
    )
    .assert_failure(78, "set LP_ACCOUNT");
    account
        .run(&["domains", "--account", "other"])
        .assert_failure(1, "HTTP 404 for account other; check LP_ACCOUNT");
    // Nothing that is not an account id reaches CSDS (or the cache's file
    // name).
    for wrong in ["a/../b", &"1".repeat(65)] {
        account
            .run(&["domains", "--account", wrong])
            .assert_failure(78, "must be an account id");
    }
    assert_eq!(account.csds_requests(), 2);
}

#[test]
fn the_messaging_host_is_found_and_csds_asked_once() {
    let account = Account::new();
    let token = account.server.token("someone");
    let create = raw(account.cmd().env("LP_JWT", &token).arg("create"), None);
    create.assert_code(0);
    assert!(create.stderr.is_empty(), "{}", create.stderr);
    let listed = raw(
        account.cmd().env("LP_JWT", &token).arg("conversations"),
        None,
    );
    listed.assert_code(0);
    assert_eq!(listed.json().len(), 1);
    assert_eq!(account.csds_requests(), 1);
    // 0 = always ask.
    raw(
        account
            .cmd()
            .env("LP_JWT", &token)
            .args(["conversations", "--csds-ttl", "0"]),
        None,
    )
    .assert_code(0);
    assert_eq!(account.csds_requests(), 2);
    // --domain and --url need no lookup.
    let domain = format!("127.0.0.1:{}", account.server.local_addr().port());
    let plain = raw(
        account
            .cmd()
            .env("LP_JWT", &token)
            .args(["conversations", "--domain", &domain]),
        None,
    );
    // The host alone means wss://, which lp-mock's plain port does not
    // speak; what matters here is that CSDS was not asked.
    assert_ne!(plain.code, Some(0));
    assert_eq!(account.csds_requests(), 2);
}

#[test]
fn a_stale_answer_beats_none_when_csds_fails() {
    let account = Account::new();
    account.run(&["domains"]).assert_code(0);
    account.server.set_csds_status(Some(503));
    let stale = account.run(&["domains", "--csds-ttl", "0"]);
    stale.assert_code(0);
    assert_eq!(stale.json().len(), 2);
    assert_eq!(stale.stderr.lines().count(), 1, "{}", stale.stderr);
    assert!(stale.stderr.contains("warning: CSDS http://127.0.0.1:"));
    assert!(stale.stderr.contains("HTTP 503"));
    assert!(stale.stderr.contains("using the answer cached on"));
    // Without a cached answer, the failure stands.
    let other = Account::new();
    other.server.set_csds_status(Some(503));
    other.run(&["domains"]).assert_failure(75, "HTTP 503");
    // Unreachable: the same.
    let csds = account.server.csds_url();
    account.server.shutdown();
    let unreachable = raw(
        bare()
            .env("LP_CSDS", &csds)
            .env("LP_ACCOUNT", "lp-mock")
            .env("XDG_CACHE_HOME", account.dir.path().join("cache"))
            .args(["domains", "--csds-ttl", "0"]),
        None,
    );
    unreachable.assert_code(0);
    assert!(unreachable.stderr.contains("cannot connect to"));
    assert!(unreachable.stderr.contains("using the answer cached on"));
}

#[test]
fn a_corrupt_cache_is_ignored_and_replaced() {
    let account = Account::new();
    account.run(&["domains"]).assert_code(0);
    let file = account.cache_file();
    fs::write(&file, "{\"csds\":").unwrap();
    let run = account.run(&["domains"]);
    run.assert_code(0);
    assert_eq!(run.json().len(), 2);
    assert!(
        run.stderr
            .contains("warning: ignoring the corrupt CSDS cache"),
        "{}",
        run.stderr
    );
    assert_eq!(account.csds_requests(), 2);
    // Replaced: the next run is served from it, silently.
    let again = account.run(&["domains"]);
    again.assert_code(0);
    assert!(again.stderr.is_empty(), "{}", again.stderr);
    assert_eq!(account.csds_requests(), 2);
}

#[test]
fn a_cache_that_is_a_link_is_said_to_be_one_and_replaced_by_a_file() {
    let account = Account::new();
    account.run(&["domains"]).assert_code(0);
    let file = account.cache_file();
    // The link leads to a good answer: still not read through.
    let elsewhere = account.dir.path().join("elsewhere.json");
    fs::rename(&file, &elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &file).unwrap();
    let run = account.run(&["domains"]);
    run.assert_code(0);
    assert!(
        run.stderr.contains(&format!(
            "warning: ignoring the CSDS cache {}: it is a symbolic link; it will be replaced by a file",
            file.display()
        )),
        "{}",
        run.stderr
    );
    assert_eq!(account.csds_requests(), 2);
    assert!(
        !fs::symlink_metadata(&file)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let again = account.run(&["domains"]);
    again.assert_code(0);
    assert!(again.stderr.is_empty(), "{}", again.stderr);
}

#[test]
fn an_answer_without_the_messaging_service_is_69() {
    let account = Account::new();
    account.run(&["domains"]).assert_code(0);
    // The cached answer, without asyncMessagingEnt.
    let file = account.cache_file();
    let mut cached: Value = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
    cached["answer"]["baseURIs"]
        .as_array_mut()
        .unwrap()
        .retain(|entry| entry["service"] != "asyncMessagingEnt");
    fs::write(&file, cached.to_string()).unwrap();
    let token = account.server.token("someone");
    raw(account.cmd().env("LP_JWT", &token).arg("create"), None)
        .assert_failure(69, "names no asyncMessagingEnt service for account lp-mock");
    assert_eq!(account.server.connections(), 0);
}

#[test]
fn signup_makes_a_new_consumer_each_time() {
    let account = Account::new();
    let first = account.run(&["login"]);
    first.assert_code(0);
    // The README's order: {"jwt":...,"sub":...,"exp":...}.
    let line = &first.stdout;
    assert!(line.starts_with(r#"{"jwt":""#), "{line}");
    assert!(
        line.find(r#"","sub":""#) < line.find(r#"","exp":"#),
        "{line}"
    );
    let first = &first.json()[0];
    let second = &account.run(&["login"]).json()[0];
    assert_ne!(first["sub"], second["sub"]);
    assert!(first["exp"].is_u64());
    // The claims agree with what jwt-sub reads.
    let claims = raw(
        bare()
            .env("LP_JWT", first["jwt"].as_str().unwrap())
            .arg("jwt-sub"),
        None,
    );
    assert_eq!(claims.json()[0]["sub"], first["sub"]);
    assert_eq!(claims.json()[0]["exp"], first["exp"]);
    let signups = account
        .server
        .http_requests()
        .iter()
        .filter(|line| *line == "POST /api/account/lp-mock/signup")
        .count();
    assert_eq!(signups, 2);
}

#[test]
fn an_auth_code_is_the_same_consumer_every_time() {
    let account = Account::new();
    let code = encode_unsigned(&json!({"sub": "alice@brand"}));
    let path = account.file("code", &code);
    let from_file = account.run(&["login", "--auth-code-file", path.to_str().unwrap()]);
    from_file.assert_code(0);
    let from_stdin = raw(
        account
            .cmd()
            .args(["login", "--auth-code-file", "-", "--output", "token"]),
        Some(&format!("{code}\n")),
    );
    from_stdin.assert_code(0);
    let token = from_stdin.stdout.trim();
    assert_eq!(from_stdin.stdout.lines().count(), 1);
    let claims = raw(bare().env("LP_JWT", token).arg("jwt-sub"), None);
    assert_eq!(claims.json()[0]["sub"], from_file.json()[0]["sub"]);
    let bob = account.file("bob", &encode_unsigned(&json!({"sub": "bob"})));
    let other = account.run(&["login", "--auth-code-file", bob.to_str().unwrap()]);
    assert_ne!(other.json()[0]["sub"], from_file.json()[0]["sub"]);
    account
        .run(&["login", "--auth-code-file", "/nonexistent"])
        .assert_failure(66, "cannot read --auth-code-file /nonexistent");
    let empty = account.file("empty", "\n");
    account
        .run(&["login", "--auth-code-file", empty.to_str().unwrap()])
        .assert_failure(65, "is empty");
}

#[test]
fn idp_refusals_have_their_exit_codes_and_print_nothing() {
    let account = Account::new();
    let bad = account.file("bad", "not a JWT");
    account
        .run(&["login", "--auth-code-file", bad.to_str().unwrap()])
        .assert_failure(
            77,
            "HTTP 500, internalErrorCode 9007 (CUSTOMER_JWT_NOT_VALID",
        );
    for (status, code, advice) in [
        (
            401,
            77,
            " (the account does not sign up unauthenticated consumers",
        ),
        (
            403,
            77,
            " (the account does not sign up unauthenticated consumers",
        ),
        (400, 1, ""),
        (404, 1, " (no such account at this IdP: check LP_ACCOUNT"),
        (
            429,
            75,
            " (too many requests: wait a minute, then try again)",
        ),
        (503, 75, " (the IdP failed: try again later)"),
    ] {
        account.server.set_idp_status(Some(status));
        account
            .run(&["login"])
            .assert_failure(code, &format!("refused the signup: HTTP {status}{advice}"));
    }
    // An authCode refused: what to check is the brand's JWT.
    account.server.set_idp_status(Some(401));
    let code = account.file("code", &encode_unsigned(&json!({"sub": "alice"})));
    account
        .run(&["login", "--auth-code-file", code.to_str().unwrap()])
        .assert_failure(
            77,
            "refused the authCode: HTTP 401 (the brand's JWT was refused",
        );
    account.server.set_idp_status(None);
    let idp = format!("http://127.0.0.1:{}", closed_port());
    account
        .run(&["login", "--idp", &idp])
        .assert_failure(69, "cannot connect to 127.0.0.1:");
    account
        .run(&["login", "--idp", "ftp://x"])
        .assert_failure(78, "--idp/LP_IDP");
}

#[test]
fn login_output_env_is_an_lp_env_and_the_tutorial_runs_from_it() {
    let account = Account::with(MockConfig {
        agent_echo: true,
        ..MockConfig::default()
    });
    let login = account.run(&["login", "--output", "env"]);
    login.assert_code(0);
    assert!(login.stderr.is_empty(), "{}", login.stderr);
    let names: Vec<&str> = login
        .stdout
        .lines()
        .map(|line| line.split_once('=').unwrap().0)
        .collect();
    // From a plain http:// CSDS, the whole ws:// endpoint; and the CSDS,
    // which is not LivePerson's.
    assert_eq!(
        names,
        ["LP_ACCOUNT", "LP_CSDS", "LP_URL", "LP_IDP", "LP_JWT"]
    );
    assert!(
        login
            .stdout
            .contains(&format!("LP_CSDS={}\n", account.server.csds_url()))
    );
    assert!(
        login
            .stdout
            .contains(&format!("LP_URL={}\n", account.server.url()))
    );
    assert!(
        login
            .stdout
            .contains(&format!("LP_IDP={}\n", account.server.csds_url()))
    );
    let env_file = account.file("lp.env", &login.stdout);

    // `set -a; . ./lp.env` gives the values as written (as docker's
    // --env-file takes them).
    let sourced = tutorial_step(&env_file, "env", &[]);
    for line in login.stdout.lines() {
        assert!(
            sourced.stdout.lines().any(|set| set == line),
            "{line} is not set as written"
        );
    }

    // The tutorial's five lines, with nothing else in the environment.
    let sub = tutorial_step(&env_file, BIN, &["jwt-sub"]).json()[0]["sub"].clone();
    assert!(sub.is_string());
    let created = tutorial_step(&env_file, BIN, &["create"]);
    let conversation = created.json()[0]["conversationId"]
        .as_str()
        .unwrap()
        .to_owned();
    let sent = tutorial_step(&env_file, BIN, &["send", &conversation, "hello"]);
    assert_eq!(sent.json(), [json!({"sequence": 0})]);
    let events = tutorial_step(
        &env_file,
        BIN,
        &[
            "subscribe",
            &conversation,
            "--from-seq",
            "0",
            "--idle-timeout",
            "1",
        ],
    );
    let messages: Vec<String> = events
        .json()
        .iter()
        .map(|e| {
            e["event"]["message"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(messages, ["hello", "echo: hello"]);
    assert_eq!(events.json()[0]["originatorId"], sub);
    tutorial_step(&env_file, BIN, &["close", &conversation]);
    // CSDS was asked once, by login; the rest went where lp.env says.
    assert_eq!(account.csds_requests(), 1);
    // `domains` asks the CSDS lp.env names.
    let domains = tutorial_step(&env_file, BIN, &["domains", "--service", "idp"]);
    assert_eq!(domains.json().len(), 1);
    assert_eq!(account.csds_requests(), 2);
    if let Some(validator) = schema_check::validator() {
        schema_check::check(
            &validator,
            &["--strict"],
            "request",
            &account.server.requests(),
        );
    }
}

/// Runs `program args` under `sh` after `set -a; . lp.env`, with nothing
/// else in the environment; asserts success.
#[track_caller]
fn tutorial_step(env_file: &Path, program: &str, args: &[&str]) -> Run {
    let mut command = Command::new("sh");
    command.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    command
        .arg("-c")
        .arg("set -a; . \"$0\"; set +a; exec \"$@\"")
        .arg(env_file)
        .arg(program)
        .args(args);
    let run = raw(&mut command, None);
    run.assert_code(0);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    run
}

#[test]
fn a_jwt_command_gives_the_token() {
    let account = Account::new();
    let helper = account.helper("alice");
    let created = raw(
        account.cmd().env("LP_JWT_COMMAND", &helper).arg("create"),
        None,
    );
    created.assert_code(0);
    assert!(created.stderr.is_empty(), "{}", created.stderr);
    assert_eq!(account.helper_runs(), 1);
    // jwt-sub reads the helper's token too.
    let claims = raw(
        account.cmd().env("LP_JWT_COMMAND", &helper).arg("jwt-sub"),
        None,
    );
    assert_eq!(claims.json()[0]["sub"].as_str().unwrap().len(), 64);
}

#[test]
fn a_failing_or_silent_jwt_command_is_77_with_its_last_words() {
    let account = Account::new();
    let run = |helper: &str| {
        raw(
            account.cmd().env("LP_JWT_COMMAND", helper).arg("create"),
            None,
        )
    };
    run("echo first >&2; echo 'no session, run sso-login' >&2; exit 3").assert_failure(
        77,
        "--jwt-command failed (exit 3): no session, run sso-login",
    );
    run("true").assert_failure(77, "--jwt-command printed no token");
    run("echo not-a-token").assert_failure(65, "the JWT printed by --jwt-command is not valid");
    let expired = encode_unsigned(&json!({"sub": "x", "exp": 1000}));
    run(&format!("echo {expired}")).assert_failure(
        77,
        "--jwt-command printed an expired token: the JWT expired on 1970-01-01",
    );
    // A token the helper prints on stderr is not quoted either.
    let token = encode_unsigned(&json!({"sub": "x"}));
    run(&format!("echo \"failed with {token}\" >&2; exit 1"))
        .assert_failure(77, "--jwt-command failed (exit 1): failed with <redacted>");
    // A helper that says "try again later" is a temporary failure.
    run("echo 'IdP busy' >&2; exit 75")
        .assert_failure(75, "--jwt-command failed (exit 75): IdP busy");
    assert_eq!(account.server.connections(), 0);
}

#[test]
fn a_jwt_command_that_hangs_is_stopped_at_the_timeout() {
    let account = Account::new();
    let run = raw(
        account
            .cmd()
            .env("LP_JWT_COMMAND", "sleep 600 & sleep 600")
            .args(["create", "--timeout", "0.5"]),
        None,
    );
    run.assert_failure(75, "--jwt-command gave no token within 0.5 s (--timeout)");
}

#[test]
fn sigterm_stops_a_jwt_command_with_what_it_started() {
    let account = Account::new();
    let fifo = account.dir.path().join("started");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // The helper says its pid (the sleep's, after exec) once it runs.
    let helper = format!("echo $$ > '{}'; exec sleep 600", fifo.display());
    let child = account
        .cmd()
        .env("LP_JWT_COMMAND", helper)
        .arg("create")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Opening the pipe waits for the helper to open its end.
    let pid = fs::read_to_string(&fifo).unwrap().trim().to_owned();
    crate::harness::signal(&child, "TERM");
    let run = finish(child.wait_with_output().unwrap());
    run.assert_code(143);
    // SIGKILL is sent, not waited for: the helper is soon gone, or dead and
    // not yet reaped by init.
    let deadline = Instant::now() + WAIT;
    loop {
        let state = fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        let state = state.rsplit(") ").next().unwrap_or_default().to_owned();
        if state.is_empty() || state.starts_with('Z') {
            break;
        }
        assert!(Instant::now() < deadline, "the helper runs on: {state}");
        thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_given_token_about_to_expire_is_swapped_and_a_short_helper_token_is_not() {
    let account = Account::new();
    let helper = account.helper("alice");
    // The consumer alice's code stands for, as the helper will print it.
    let alice = raw(
        account
            .cmd()
            .args(["login", "--auth-code-file"])
            .arg(account.dir.path().join("alice.code")),
        None,
    )
    .json()[0]["sub"]
        .as_str()
        .unwrap()
        .to_owned();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let expiring = account.server.token("expiring");
    let soon = encode_unsigned(&json!({"sub": alice, "exp": now + 30}));
    let later = encode_unsigned(&json!({"sub": "later", "exp": now + 3600}));
    let run = |token: &str| {
        raw(
            account
                .cmd()
                .env("LP_JWT", token)
                .env("LP_JWT_COMMAND", &helper)
                .arg("conversations"),
            None,
        )
    };
    run(&later).assert_code(0);
    assert_eq!(account.helper_runs(), 0);
    run(&soon).assert_code(0);
    assert_eq!(account.helper_runs(), 1);
    // The swap keeps the consumer: a conversation belongs to one.
    let bob_soon = encode_unsigned(&json!({"sub": "bob", "exp": now + 30}));
    run(&bob_soon).assert_failure(77, "--jwt-command printed a token for another consumer");
    assert_eq!(account.helper_runs(), 2);
    // lp-mock's token lives ten years: kept.
    run(&expiring).assert_code(0);
    assert_eq!(account.helper_runs(), 2);
    // A token of 30 s straight from the helper is used, not asked again.
    let short = account.file("short", &soon);
    raw(
        account
            .cmd()
            .env(
                "LP_JWT_COMMAND",
                format!(
                    "echo run >> '{}'; cat '{}'",
                    account.dir.path().join("runs").display(),
                    short.display()
                ),
            )
            .arg("conversations"),
        None,
    )
    .assert_code(0);
    assert_eq!(account.helper_runs(), 3);
}

/// `subscribe` with `flags`, through `expiries` expiring tokens, one event
/// per connection.
#[track_caller]
fn subscribe_renews_the_token(flags: &[&str], expiries: usize) {
    let account = Account::with(MockConfig {
        token_ttl: 2,
        ..MockConfig::default()
    });
    let helper = account.helper("alice");
    let created = raw(
        account.cmd().env("LP_JWT_COMMAND", &helper).arg("create"),
        None,
    );
    let conversation = created.json()[0]["conversationId"]
        .as_str()
        .unwrap()
        .to_owned();
    let child = account
        .cmd()
        .env("LP_JWT_COMMAND", &helper)
        // -v: a renewal is said only to a person, or with -v.
        .args(["-v", "subscribe", &conversation, "--count"])
        .arg((expiries + 1).to_string())
        .args(flags)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // One event per connection: each token expires (4407) after it.
    for n in 0..=expiries {
        assert!(
            account
                .server
                .wait_for_subscriptions(&conversation, n + 1, WAIT)
        );
        account
            .server
            .agent_says(&conversation, &format!("during connection {n}"));
    }
    let run = finish(child.wait_with_output().unwrap());
    run.assert_code(0);
    assert_eq!(run.sequences(), (0..=expiries as u64).collect::<Vec<_>>());
    let renewals = expiries_renewed(&run);
    assert!(renewals >= expiries, "{}", run.stderr);
    // create, subscribe's start, and one run per renewal.
    assert_eq!(account.helper_runs(), 2 + renewals);
}

#[test]
fn subscribe_renews_the_token_through_three_expiries_without_loss_or_repeats() {
    subscribe_renews_the_token(&["--reconnect"], 3);
}

#[test]
fn subscribe_renews_an_expired_token_without_reconnect_too() {
    subscribe_renews_the_token(&[], 1);
}

/// Waits until lp-mock has had `n` connections in all.
#[track_caller]
fn wait_for_connections(server: &MockServer, n: usize) {
    let deadline = std::time::Instant::now() + WAIT;
    while server.connections() < n {
        assert!(std::time::Instant::now() < deadline, "{n} connections");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_streaming_send_renews_expiring_tokens_and_sends_every_line_once() {
    let account = Account::with(MockConfig {
        token_ttl: 2,
        ..MockConfig::default()
    });
    let helper = account.helper("alice");
    let alice = account.sub_of(&helper);
    let conversation = account.conversation_of(&helper);
    let mut child = account
        .cmd()
        .env("LP_JWT_COMMAND", &helper)
        .args(["-v", "send", &conversation])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let before = account.server.connections();
    let lines = ["before the first expiry", "after it", "after the second"];
    for (n, line) in lines.iter().enumerate() {
        use std::io::Write;
        writeln!(stdin, "{line}").unwrap();
        // The next line waits for the token that sent this one to expire
        // and the renewed one to connect.
        if n + 1 < lines.len() {
            wait_for_connections(&account.server, before + n + 2);
        }
    }
    drop(stdin);
    let run = finish(child.wait_with_output().unwrap());
    run.assert_code(0);
    assert_eq!(run.json().len(), 3);
    assert_eq!(account.server.messages_of(&alice, &conversation), lines);
    let renewals = expiries_renewed(&run);
    assert!(renewals >= 2, "{}", run.stderr);
}

/// A click of message 0 with `flags`, through lp-mock with `faults` on
/// its first two connections (`create`'s, which receives one frame, and
/// the click's) and tokens of `token_ttl` seconds, renewed by a helper.
/// Asserts that the conversation has the click once; the click's run.
#[track_caller]
fn click_with_helper(token_ttl: u64, faults: Faults, flags: &[&str]) -> Run {
    let account = Account::with(MockConfig {
        token_ttl,
        faults: Faults {
            fault_connections: Some(2),
            ..faults
        },
        ..MockConfig::default()
    });
    let helper = account.helper("alice");
    let alice = account.sub_of(&helper);
    let conversation = account.conversation_of(&helper);
    offer_yes(&account.server, &conversation);
    let mut args = vec!["click", &conversation, "--seq", "0", "--choice", "Yes"];
    args.extend_from_slice(flags);
    let run = account.with_helper(&helper, &args);
    run.assert_code(0);
    assert!(account.server.close_conversation(&conversation));
    let replay = account.with_helper(&helper, &["subscribe", &conversation]);
    replay.assert_code(0);
    let (actions, texts) = clicks_of(&replay.json(), &alice, 0);
    assert_eq!(actions, 1);
    let [(sequence, text)] = &texts[..] else {
        panic!("one text, not {texts:?}");
    };
    assert_eq!(text, "yes please");
    assert_eq!(run.json(), [json!({"sequence": sequence})]);
    run
}

#[test]
fn click_goes_on_through_an_expired_token_renewed_by_the_helper() {
    // The click's connection goes deaf once the message is read: the
    // ACTION receipt gets no answer within --timeout, longer than a
    // token's life, so the token has expired when the click reconnects.
    let faults = Faults {
        deaf_after: Some(2),
        ..Faults::default()
    };
    let run = click_with_helper(2, faults, &["-v", "--reconnect", "--timeout", "3"]);
    assert!(
        run.stderr
            .contains("the server refused the token (HTTP 401); renewing the token"),
        "{}",
        run.stderr
    );
}

#[test]
fn click_renews_a_token_refused_in_the_middle_without_reconnect() {
    // The service closes with 4407 (token expired) right after answering
    // the ACTION receipt: the click goes on with a renewed token.
    let faults = Faults {
        close_after: Some((3, 4407)),
        ..Faults::default()
    };
    let run = click_with_helper(DEFAULT_TOKEN_TTL, faults, &["-v"]);
    assert_eq!(expiries_renewed(&run), 1, "{}", run.stderr);
}

#[test]
fn chat_turns_go_on_through_expiring_tokens_renewed_by_the_helper() {
    let account = Account::with(MockConfig {
        token_ttl: 2,
        agent_echo: true,
        ..MockConfig::default()
    });
    let helper = account.helper("alice");
    // Ten turns of at least half a second each outlast two tokens: a token
    // renewed once is renewed again when it expires in turn.
    let lines = [
        "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    ];
    let run = raw(
        account
            .cmd()
            .env("LP_JWT_COMMAND", &helper)
            .args(["-v", "chat", "--turns", "--settle", "0.5"]),
        Some(&(lines.join("\n") + "\n")),
    );
    run.assert_code(0);
    let said: Vec<String> = run
        .json()
        .iter()
        .filter(|line| line["event"]["type"] == "ContentEvent")
        .map(|line| line["event"]["message"].as_str().unwrap().to_owned())
        .collect();
    let expected: Vec<String> = lines
        .iter()
        .flat_map(|line| [line.to_string(), format!("echo: {line}")])
        .collect();
    assert_eq!(said, expected);
    let renewals = expiries_renewed(&run);
    assert!(renewals >= 2, "{}", run.stderr);
}

#[test]
fn a_one_shot_command_renews_a_token_refused_at_the_handshake() {
    let account = Account::with(MockConfig {
        faults: Faults {
            handshake_status: Some(401),
            fault_connections: Some(1),
            ..Faults::default()
        },
        ..MockConfig::default()
    });
    let token = account.server.token(account.server.default_consumer());
    let helper = account.helper_printing(&token);
    let run = raw(
        account
            .cmd()
            .env("LP_JWT", &token)
            .env("LP_JWT_COMMAND", &helper)
            .arg("conversations"),
        None,
    );
    run.assert_code(0);
    // Renewed, and silent: a routine renewal is no line for cron to mail.
    assert_eq!(run.stderr, "");
    assert_eq!(account.helper_runs(), 1);
    // The renewed token's handshake, the one accepted.
    assert_eq!(account.server.connections(), 1);
}

#[test]
fn a_fresh_token_refused_again_is_final() {
    let account = Account::with(MockConfig {
        history: 3,
        faults: Faults {
            close_after: Some((2, 4401)),
            fault_connections: Some(1),
            ..Faults::default()
        },
        ..MockConfig::default()
    });
    let conversation = account.server.history_conversation().unwrap();
    let token = account.server.token(account.server.default_consumer());
    // The helper's token is for another account: refused at the handshake.
    let foreign = encode_unsigned(&json!({"sub": "lp-mock-consumer", "aud": "acc:other"}));
    let helper = account.helper_printing(&foreign);
    let run = raw(
        account
            .cmd()
            .env("LP_JWT", &token)
            .env("LP_JWT_COMMAND", &helper)
            .args(["subscribe", &conversation, "--reconnect"]),
        None,
    );
    run.assert_code(77);
    assert_eq!(run.sequences(), [0]);
    let last = run.stderr.lines().last().unwrap();
    assert!(last.contains("the token just renewed by --jwt-command was refused too"));
    assert!(last.contains("HTTP 401"));
    assert_eq!(account.helper_runs(), 1);
    assert_eq!(account.server.connections(), 1);
}

#[test]
fn a_renewed_token_refused_long_before_its_expiry_again_and_again_counts_as_failed_attempts() {
    // Every connection is closed with 4401 after two frames, whatever the
    // token: renewing at once would run the helper and reconnect without
    // end.
    let account = Account::with(MockConfig {
        history: 1,
        faults: Faults {
            close_after: Some((2, 4401)),
            ..Faults::default()
        },
        ..MockConfig::default()
    });
    let conversation = account.server.history_conversation().unwrap();
    let token = account.server.token(account.server.default_consumer());
    let helper = account.helper_printing(&token);
    let run = raw(
        account
            .cmd()
            .env("LP_JWT", &token)
            .env("LP_JWT_COMMAND", &helper)
            .args([
                "subscribe",
                &conversation,
                "--reconnect",
                "--max-retries",
                "2",
            ]),
        None,
    );
    run.assert_code(77);
    assert_eq!(run.sequences(), [0]);
    let last = run.stderr.lines().last().unwrap();
    assert!(
        last.contains("giving up after 2 reconnect attempts that brought nothing new"),
        "{}",
        run.stderr
    );
    // The given token's refusal, then two renewed ones, each after a pause.
    assert_eq!(account.helper_runs(), 3);
    let pauses: Vec<&str> = run
        .stderr
        .lines()
        .filter(|line| line.contains("reconnecting in"))
        .collect();
    assert_eq!(pauses.len(), 2, "{}", run.stderr);
    // Each says what happens, not the refusal's advice to get a token.
    for pause in pauses {
        assert!(
            pause.contains(
                "the server refused the token (close code 4401) well before it expires; \
                 renewed it with --jwt-command; reconnecting in"
            ),
            "{pause}"
        );
    }
}

#[test]
fn a_renewed_token_for_another_consumer_is_refused() {
    let (account, conversation) = {
        let account = Account::with(MockConfig {
            history: 3,
            faults: Faults {
                close_after: Some((2, 4407)),
                fault_connections: Some(1),
                ..Faults::default()
            },
            ..MockConfig::default()
        });
        let conversation = account.server.history_conversation().unwrap();
        (account, conversation)
    };
    let token = account.server.token(account.server.default_consumer());
    // A signup is a new consumer each time.
    let helper = format!("'{BIN}' login --output token");
    let run = raw(
        account
            .cmd()
            .env("LP_JWT", &token)
            .env("LP_JWT_COMMAND", &helper)
            .args(["subscribe", &conversation, "--reconnect"]),
        None,
    );
    run.assert_code(77);
    assert!(
        run.stderr
            .lines()
            .last()
            .unwrap()
            .contains("another consumer"),
        "{}",
        run.stderr
    );
}

#[test]
fn csds_and_idp_over_https_trust_what_the_socket_trusts() {
    let account = Account::tls("localhost");
    assert!(account.server.csds_url().starts_with("https://localhost:"));
    account
        .run(&["domains"])
        .assert_failure(69, "TLS handshake with localhost failed");
    account.run(&["domains", "--cacert", &ca()]).assert_code(0);
    let login = account.run(&["login", "--output", "env", "--cacert", &ca()]);
    login.assert_code(0);
    // Over https, the bare hosts of the tutorial's lp.env.
    let port = account.server.local_addr().port();
    assert!(
        login
            .stdout
            .contains(&format!("\nLP_ASYNCMESSAGINGENT=localhost:{port}\n"))
    );
    let http_port = account.server.http_addr().port();
    assert!(
        login
            .stdout
            .contains(&format!("\nLP_IDP=localhost:{http_port}\n"))
    );
    // The whole way from the account id, with the helper.
    let helper = format!("{} --cacert '{}'", account.helper("alice"), ca());
    raw(
        account
            .cmd()
            .env("LP_JWT_COMMAND", &helper)
            .args(["create", "--cacert", &ca()]),
        None,
    )
    .assert_code(0);

    let self_signed = Account::tls("selfsigned");
    let insecure = self_signed.run(&["login", "--insecure"]);
    insecure.assert_code(0);
    assert_eq!(insecure.stderr.lines().count(), 1);
    assert!(insecure.stderr.contains("warning: --insecure"));
}

#[test]
fn csds_and_idp_requests_go_through_the_proxy_unless_no_proxy_says_not() {
    let account = Account::new();
    let proxy = TestProxy::start(Behaviour::Relay);
    account
        .run(&["login", "--proxy", &proxy.url()])
        .assert_code(0);
    let heads = proxy.heads();
    let http_port = account.server.http_addr().port();
    assert_eq!(heads.len(), 2, "CSDS and IdP: {heads:?}");
    assert!(
        heads
            .iter()
            .all(|head| head.starts_with(&format!("CONNECT 127.0.0.1:{http_port} HTTP/1.1\r\n")))
    );

    let tls = Account::tls("localhost");
    let proxy = TestProxy::start(Behaviour::Relay);
    raw(
        tls.cmd()
            .env("https_proxy", proxy.url())
            .args(["domains", "--cacert", &ca()]),
        None,
    )
    .assert_code(0);
    assert!(proxy.heads()[0].starts_with("CONNECT localhost:"));
    raw(
        tls.cmd()
            .env("https_proxy", proxy.url())
            .env("NO_PROXY", "localhost")
            .args(["domains", "--cacert", &ca(), "--csds-ttl", "0"]),
        None,
    )
    .assert_code(0);
    assert_eq!(proxy.heads().len(), 1);

    // Without a cached answer to fall back on.
    let refusing = TestProxy::start(Behaviour::Refuse(403));
    Account::new()
        .run(&["domains", "--proxy", &refusing.url()])
        .assert_failure(69, "refused the tunnel");
}

#[test]
fn a_silent_csds_times_out_with_75() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let csds = format!("http://127.0.0.1:{}", listener.local_addr().unwrap().port());
    raw(
        bare().args([
            "domains",
            "--account",
            "1",
            "--csds",
            &csds,
            "--timeout",
            "0.5",
        ]),
        None,
    )
    .assert_failure(75, "timed out after 0.5 s");
    drop(listener);
}

#[test]
fn verbose_shows_the_requests_and_no_secret() {
    let account = Account::new();
    let code = account.file("code", &encode_unsigned(&json!({"sub": "alice"})));
    let run = account.run(&["login", "-v", "--auth-code-file", code.to_str().unwrap()]);
    run.assert_code(0);
    let csds = account.server.csds_url();
    assert!(run.stderr.contains(&format!(
        "lp-consumer: > GET {csds}/api/account/lp-mock/service/baseURI.json?version=1.0\n"
    )));
    assert!(run.stderr.contains(&format!(
        "lp-consumer: > POST {csds}/api/account/lp-mock/authenticate\n"
    )));
    assert!(run.stderr.contains("lp-consumer: < HTTP 200"));
}

#[test]
fn errors_say_what_was_given_not_raw_values() {
    let token = encode_unsigned(&json!({"sub": "x", "exp": 1000}));
    raw(
        bare()
            .env("LP_URL", "ws://127.0.0.1:9/x")
            .env("LP_JWT", &token)
            .arg("create"),
        None,
    )
    .assert_failure(
        77,
        "the JWT expired on 1970-01-01 00:16:40 UTC (56 years ago)",
    );
    let good = encode_unsigned(&json!({"sub": "x"}));
    // An empty variable is an unset one.
    raw(
        bare().env("LP_URL", "").env("LP_JWT", &good).arg("create"),
        None,
    )
    .assert_failure(78, "no endpoint: set LP_ACCOUNT");
    raw(
        bare()
            .env("LP_URL", "ws://127.0.0.1:9/x")
            .env("LP_JWT", "")
            .arg("create"),
        None,
    )
    .assert_failure(78, "no JWT: --jwt/LP_JWT is empty");
    raw(
        bare()
            .env("LP_URL", "exa mple")
            .env("LP_JWT", &good)
            .arg("create"),
        None,
    )
    .assert_failure(78, "--url/LP_URL: `exa mple` is not a valid URL");
}

#[test]
fn a_chat_whose_token_expires_without_a_helper_names_the_conversation_it_leaves_open() {
    let account = Account::with(MockConfig {
        token_ttl: 2,
        agent_echo: true,
        ..MockConfig::default()
    });
    let token = account.server.token(account.server.default_consumer());
    // Turns of at least half a second each outlast the token.
    let lines = ["one", "two", "three", "four", "five", "six"];
    let run = raw(
        account
            .cmd()
            .env("LP_JWT", &token)
            .args(["chat", "--turns", "--settle", "0.5"]),
        Some(&(lines.join("\n") + "\n")),
    );
    run.assert_code(77);
    let conversation = run.json()[0]["conversationId"]
        .as_str()
        .expect("chat names the conversation it requested")
        .to_owned();
    assert!(
        run.stderr.contains(&format!(
            "conversation {conversation} is left open: `lp-consumer chat {conversation}` goes on"
        )),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
}

#[test]
fn a_convo_that_outlasts_its_token_passes_with_the_token_renewed() {
    let account = Account::with(MockConfig {
        token_ttl: 2,
        botium_echo: true,
        ..MockConfig::default()
    });
    let helper = account.helper("alice");
    // The pause outlasts the token: "two" goes out after it expired.
    let convo = account.file(
        "expiry.convo.txt",
        "expiry\n#me\none\nPAUSE 2500\n#bot\none\n#me\ntwo\n#bot\ntwo\n",
    );
    let run = raw(
        account
            .cmd()
            .env("LP_JWT_COMMAND", &helper)
            .arg("test")
            .arg(&convo),
        None,
    );
    run.assert_code(0);
    let line = &run.json()[0];
    assert_eq!(line["status"], "passed", "{line}");
    // The convo's first token and at least one renewal, silently.
    assert!(account.helper_runs() >= 2);
    assert_eq!(run.stderr, "");
    let conversation = line["conversationId"].as_str().unwrap();
    let alice = account.sub_of(&helper);
    assert_eq!(
        account.server.messages_of(&alice, conversation),
        ["one", "two"]
    );
}

/// How many times a run renewed a token that expired (close code 4407).
fn expiries_renewed(run: &Run) -> usize {
    run.stderr
        .lines()
        .filter(|line| line.contains("code 4407") && line.contains("renewing the token"))
        .count()
}
