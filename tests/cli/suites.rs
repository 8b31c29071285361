//! `test`: BotiumScript convo suites through the real binary, against
//! lp-mock playing Botium's echo connector (fixtures mirroring botium-core's
//! test/convo specs) and against the example bot (examples/convos).

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Command;

use lp_consumer::mock::{BotRules, Faults, MockConfig};
use serde_json::{Value, json};

use crate::harness::{
    Run, Setup, bare, example_bot, finish, open_conversations, requests_of_type, run, spawn,
};

fn echo() -> Setup {
    Setup::with(MockConfig {
        botium_echo: true,
        ..MockConfig::default()
    })
}

fn with_bot() -> Setup {
    Setup::with(MockConfig {
        bot: Some(example_bot()),
        ..MockConfig::default()
    })
}

fn examples() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples/convos")
        .display()
        .to_string()
}

/// A folder with these files.
fn suite(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

/// The per-convo lines (all but the summary), by convo name.
fn by_convo(run: &Run) -> Vec<(String, Value)> {
    let (summary, convos) = run.lines.split_last().expect("a summary");
    assert!(summary.get("summary").is_some(), "last line: {summary}");
    let mut convos: Vec<(String, Value)> = convos
        .iter()
        .map(|line| (line["convo"].as_str().unwrap().to_owned(), line.clone()))
        .collect();
    convos.sort_by(|a, b| a.0.cmp(&b.0));
    convos
}

fn status_of(run: &Run) -> Vec<(String, String)> {
    by_convo(run)
        .into_iter()
        .map(|(name, line)| (name, line["status"].as_str().unwrap().to_owned()))
        .collect()
}

fn summary(run: &Run) -> &Value {
    &run.lines.last().expect("a summary")["summary"]
}

/// A signup per convo: the account and its CSDS, no token.
fn signing_up(setup: &Setup, cache: &Path) -> Command {
    let mut command = bare();
    command
        .env("LP_CSDS", setup.server.csds_url())
        .env("LP_ACCOUNT", setup.server.account())
        .env("XDG_CACHE_HOME", cache);
    command
}

/// Fixtures of our own, each mirroring a convo of botium-core's
/// test/convo specs (named after it), run against Botium's echo.
const ECHO_SUITE: &[(&str, &str)] = &[
    // 2steps.convo.txt: transcript.spec "steps on success"
    (
        "steps.convo.txt",
        "steps\n\n#begin\n\n#me\nHi\n\n#bot\nHi\n\n#me\nHi again!\n\n#bot\nhi AGAIN\n\n#end",
    ),
    // 2stepsfailing.convo.txt: "steps on failing"
    (
        "failing.convo.txt",
        "failing\n\n#me\nHi\n\n#bot\nHi\n\n#me\nHi again!\n\n#bot\nHi again FAILING!\n\n#me\nnot reached\n",
    ),
    // 2stepsneg, 2stepsopt, 2stepsoptneg, 2stepsoptskip
    ("neg.convo.txt", "neg\n#me\nHello\n#bot\n!Hugo\n"),
    ("opt.convo.txt", "opt\n#me\nHello\n#bot\n?Hello\n"),
    ("optneg.convo.txt", "optneg\n#me\nHello\n#bot\n?!Hugo\n"),
    (
        "optskip.convo.txt",
        "optskip\n#me\nHello\n#bot\n?Hugo\n#bot\nHello\n",
    ),
    // 2stepsoptfollowme: an unmatched optional message before a #me fails
    (
        "optfollowme.convo.txt",
        "optfollowme\n#me\nHello\n#bot\n?Hugo\n#me\nHello\n",
    ),
    // asserters.convo.txt, assertersopt, assertersoptskip
    (
        "asserters.convo.txt",
        "asserters\n#me\nHello\n#bot\nBUTTONS btn1|btn2\n",
    ),
    (
        "assertersopt.convo.txt",
        "assertersopt\n#me\nbuttons\n#bot\n?buttons\n?BUTTONS First Button|Second Button\n",
    ),
    (
        "assertersoptskip.convo.txt",
        "assertersoptskip\n#me\nbuttons\n#bot\n?buttons\n?BUTTONS apple\n#bot\nbuttons\nBUTTONS First Button|Second Button\n",
    ),
    // partialconvo/depth1: partial.spec "Depth1 txt, everything ok"
    (
        "login.pconvo.txt",
        "Login\n\n#begin\n\n#bot\nLogin please\n\n#me\n123456\n\n#end\n",
    ),
    (
        "main.convo.txt",
        "Main\n\n#me\nLogin please\n\nINCLUDE Login\n\n#bot\n123456\n",
    ),
    // partialconvo/notfound and a feature lp-consumer does not have
    (
        "notfound.convo.txt",
        "notfound\n#me\nHello\nINCLUDE notexists\n",
    ),
    (
        "jsonpath.convo.txt",
        "jsonpath\n#me\nHello\n#bot\nJSON_PATH $.text|Hello\n",
    ),
    // A real click on the echo's quick replies.
    (
        "click.convo.txt",
        "click\n#me\nbuttons\n#bot\nbuttons\n#me\nBUTTON second button\n#bot\nSecond Button\n",
    ),
];

#[test]
fn botiums_convo_specs_give_botiums_verdicts_against_its_echo() {
    let setup = echo();
    let dir = suite(ECHO_SUITE);
    let run = setup.run(&["test", dir.path().to_str().unwrap()]);
    run.assert_error(1, "3 of 14 convos failed, 2 could not run");
    let expected = [
        ("Main", "passed"),
        ("asserters", "failed"),
        ("assertersopt", "passed"),
        ("assertersoptskip", "passed"),
        ("click", "passed"),
        ("failing", "failed"),
        ("jsonpath", "error"),
        ("neg", "passed"),
        ("notfound", "error"),
        ("opt", "passed"),
        ("optfollowme", "failed"),
        ("optneg", "passed"),
        ("optskip", "passed"),
        ("steps", "passed"),
    ];
    let statuses = status_of(&run);
    // The partial is not a convo of its own.
    assert_eq!(statuses.len(), 14, "{statuses:?}");
    for (name, status) in expected {
        assert!(
            statuses.contains(&(name.to_owned(), status.to_owned())),
            "{name} should be {status}: {statuses:?}"
        );
    }
    let lines = by_convo(&run);
    let line = |name: &str| &lines.iter().find(|(n, _)| n == name).unwrap().1;
    let failing = &line("failing")["failure"];
    assert_eq!(failing["step"], 4);
    assert_eq!(failing["section"], "#bot");
    assert_eq!(failing["expected"], "Hi again FAILING!");
    assert_eq!(failing["received"], "Hi again!");
    assert_eq!(line("optfollowme")["failure"]["step"], 2);
    assert!(
        line("notfound")["error"]
            .as_str()
            .unwrap()
            .contains("no partial convo named \"notexists\""),
        "{}",
        line("notfound")
    );
    assert!(
        line("jsonpath")["error"]
            .as_str()
            .unwrap()
            .contains("JSON_PATH is not supported")
    );
    // Each run had its own conversation, closed at its end.
    let conversations: BTreeSet<&str> = lines
        .iter()
        .filter_map(|(_, line)| line["conversationId"].as_str())
        .collect();
    assert_eq!(conversations.len(), 12);
    // Replies: one latency per #bot step that got a message; a step of a
    // partial is counted in the partial's file, and named with it.
    assert_eq!(line("steps")["replies"].as_array().unwrap().len(), 2);
    assert_eq!(
        line("Main")["replies"],
        json!([{"step": 2, "partial": "Login", "replyMs": line("Main")["replies"][0]["replyMs"]},
               {"step": 2, "replyMs": line("Main")["replies"][1]["replyMs"]}])
    );
    assert_eq!(summary(&run)["passed"], 9);
    assert!(summary(&run)["replies"].as_u64().unwrap() >= 12);
}

#[test]
fn files_and_convos_botium_skips_are_not_run_and_an_excel_file_errors_its_convo_only() {
    // scriptingProvider.spec "should skip convos" and partialconvo.spec's
    // Excel folders: a binary file among the convos is one convo's error.
    let setup = echo();
    let dir = suite(&[
        ("hello.convo.txt", "hello\n#me\nHi\n#bot\nHi\n"),
        ("Skip_parked.convo.txt", "parked file\n#me\nHi\n#bot\nBye\n"),
        (
            "parked.convo.txt",
            "skip-parked convo\n#me\nHi\n#bot\nBye\n",
        ),
    ]);
    std::fs::write(dir.path().join("sheet.xlsx"), b"PK\x03\x04\xff\xfe\x00").unwrap();
    let run = setup.run(&["test", dir.path().to_str().unwrap()]);
    run.assert_error(1, "1 of 2 convos could not run");
    assert_eq!(
        status_of(&run),
        [
            ("hello".to_owned(), "passed".to_owned()),
            ("sheet".to_owned(), "error".to_owned())
        ]
    );
    let lines = by_convo(&run);
    assert!(
        lines[1].1["error"]
            .as_str()
            .unwrap()
            .contains("Excel convo files are not supported"),
        "{}",
        lines[1].1
    );
    // Named on the command line, a file is read whatever its name; its
    // convo's name still counts.
    let parked = dir.path().join("Skip_parked.convo.txt");
    let run = setup.run(&["test", parked.to_str().unwrap()]);
    run.assert_error(1, "1 of 1 convo failed");
    assert_eq!(
        status_of(&run),
        [("parked file".to_owned(), "failed".to_owned())]
    );
}

#[test]
fn the_example_bots_suite_passes_with_a_consumer_per_convo_and_writes_junit_and_metrics() {
    let setup = with_bot();
    let out = tempfile::tempdir().unwrap();
    let junit = out.path().join("junit.xml");
    let metrics = out.path().join("lp.prom");
    let run = run(
        signing_up(&setup, &out.path().join("cache")).args([
            "test",
            "--jobs",
            "4",
            "--junit",
            junit.to_str().unwrap(),
            "--metrics",
            metrics.to_str().unwrap(),
            &examples(),
        ]),
        None,
        "",
    );
    run.assert_code(0);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let statuses = status_of(&run);
    assert_eq!(statuses.len(), 8, "{statuses:?}");
    assert!(
        statuses.iter().all(|(_, status)| status == "passed"),
        "{statuses:?}"
    );
    // The utterance set made three greetings.
    assert!(
        statuses
            .iter()
            .any(|(name, _)| name == "Greeting/GREETINGS-L3")
    );
    let summary = summary(&run);
    assert_eq!(
        (summary["passed"].as_u64(), summary["failed"].as_u64()),
        (Some(8), Some(0))
    );
    assert!(
        summary["replyMs"]["p95"].as_f64().unwrap() >= summary["replyMs"]["p50"].as_f64().unwrap()
    );
    // Eight signups: eight consumers.
    let signups = setup
        .server
        .http_requests()
        .iter()
        .filter(|request| request.contains("/signup"))
        .count();
    assert_eq!(signups, 8);
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<testcase ").count(), 8);
    assert!(xml.contains("failures=\"0\" errors=\"0\""), "{xml}");
    assert!(xml.contains("<system-out>#me hi\n#bot Hello!"), "{xml}");
    let prom = std::fs::read_to_string(&metrics).unwrap();
    assert!(
        prom.contains("lp_consumer_test_convos{status=\"passed\"} 8\n"),
        "{prom}"
    );
    assert!(
        prom.contains("lp_consumer_test_reply_seconds{quantile=\"0.95\"} "),
        "{prom}"
    );
    // Seconds to the microsecond, without float noise.
    for line in prom
        .lines()
        .filter(|line| !line.starts_with('#') && line.contains("_seconds"))
    {
        if let Some((_, value)) = line.rsplit_once(' ')
            && let Some((_, decimals)) = value.split_once('.')
        {
            assert_eq!(decimals.len(), 6, "{line}");
        }
    }
}

#[test]
fn a_failure_in_text_shows_expected_received_and_the_transcripts_tail() {
    let setup = echo();
    let dir = suite(&[(
        "f.convo.txt",
        "greeting\n#me\nHello <b>there</b>\n#bot\nGood morning\n",
    )]);
    let run = crate::harness::finish_text(
        crate::harness::output_of(
            setup
                .cmd()
                .args(["test", "--format", "text", dir.path().to_str().unwrap()]),
            None,
        ),
        &setup.token,
    );
    run.assert_code(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[0].starts_with("FAILED greeting ("), "{}", run.stdout);
    assert_eq!(
        lines[1..5],
        [
            "       step 2 (#bot, line 4): bot response \"Hello there\" expected to match \"Good morning\"",
            "       expected: Good morning",
            "       received: Hello <b>there</b>",
            "       | #me Hello <b>there</b>",
        ]
    );
    assert!(
        lines
            .last()
            .unwrap()
            .starts_with("0 passed, 1 failed, 0 errors")
    );
}

#[test]
fn a_misspelled_asserter_is_text_its_failure_says_so_and_text_keeps_it_in_the_block() {
    let setup = echo();
    let dir = suite(&[(
        "f.convo.txt",
        "choice\n#me\nYes or no?\n#bot\nYes or no?\nBUTONS Yes|No\n",
    )]);
    let path = dir.path().to_str().unwrap();
    let run = setup.run(&["test", path]);
    run.assert_code(1);
    let failure = &by_convo(&run)[0].1["failure"];
    assert_eq!(failure["expected"], "Yes or no?\nBUTONS Yes|No");
    let message = failure["message"].as_str().unwrap();
    assert!(message.ends_with("(did you mean BUTTONS?)"), "{message}");
    let run = crate::harness::finish_text(
        crate::harness::output_of(setup.cmd().args(["test", "--format", "text", path]), None),
        &setup.token,
    );
    run.assert_code(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[2..5],
        [
            "       expected: Yes or no? ⏎ BUTONS Yes|No",
            "       received: Yes or no?",
            "       | #me Yes or no?",
        ],
        "{}",
        run.stdout
    );
}

#[test]
fn the_skill_after_a_transfer_is_checked() {
    let setup = with_bot();
    let dir = suite(&[
        (
            "right.convo.txt",
            "right\n#me\nhuman\n#bot\nTransferring*\n#end\nCHECKLIVEPERSONSKILL human-skill\n",
        ),
        (
            "wrong.convo.txt",
            "wrong\n#me\nhuman\n#bot\nTransferring*\nCHECKLIVEPERSONSKILL sales\n",
        ),
    ]);
    // The skill that never comes fails at the bot timeout.
    let run = setup.run(&["test", "--bot-timeout", "1", dir.path().to_str().unwrap()]);
    run.assert_code(1);
    let statuses = status_of(&run);
    assert_eq!(
        statuses,
        [
            ("right".to_owned(), "passed".to_owned()),
            ("wrong".to_owned(), "failed".to_owned())
        ]
    );
    let lines = by_convo(&run);
    assert_eq!(lines[1].1["failure"]["received"], "human-skill");
}

#[test]
fn a_bot_step_without_a_message_fails_at_the_bot_timeout() {
    // No echo: nobody answers.
    let setup = Setup::new();
    let dir = suite(&[(
        "silent.convo.txt",
        "silent\n#me\nhello\n#bot\n?maybe\n#bot\nhello\n",
    )]);
    let run = setup.run(&["test", "--bot-timeout", "0.3", dir.path().to_str().unwrap()]);
    run.assert_code(1);
    let failure = &by_convo(&run)[0].1["failure"];
    // The optional step's timeout is skipped; the next one fails.
    assert_eq!(failure["step"], 3);
    assert_eq!(failure["message"], "the bot did not respond within 0.3 s");
}

#[test]
fn shards_split_the_sorted_list_and_repeat_runs_each_convo_again() {
    let setup = echo();
    let files: Vec<(String, String)> = (1..=5)
        .map(|n| {
            (
                format!("c{n}.convo.txt"),
                format!("c{n}\n#me\nhi {n}\n#bot\nhi {n}\n"),
            )
        })
        .collect();
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = suite(&files);
    let path = dir.path().to_str().unwrap();
    let mut seen = Vec::new();
    for shard in ["1/2", "2/2"] {
        let run = setup.run(&["test", "--shard", shard, path]);
        run.assert_code(0);
        seen.extend(status_of(&run).into_iter().map(|(name, _)| name));
    }
    seen.sort();
    assert_eq!(seen, ["c1", "c2", "c3", "c4", "c5"]);
    let run = setup.run(&["test", "--shard", "2/2", path]);
    let names: Vec<String> = status_of(&run).into_iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["c2", "c4"]);
    let run = setup.run(&["test", "--repeat", "3", "--shard", "1/5", path]);
    run.assert_code(0);
    let repeats: Vec<&Value> = run.lines[..3].iter().map(|line| &line["repeat"]).collect();
    assert_eq!(repeats, [1, 2, 3]);
}

#[test]
fn jwt_command_runs_once_per_convo_with_its_name_and_index() {
    let setup = echo();
    let dir = suite(&[
        ("a.convo.txt", "first\n#me\none\n#bot\none\n"),
        ("b.convo.txt", "second\n#me\ntwo\n#bot\ntwo\n"),
    ]);
    let log = dir.path().join("helper.log");
    let helper = format!(
        "echo \"$LP_TEST_INDEX $LP_TEST_CONVO\" >> '{}'; eval printf %s \"\\$T$LP_TEST_INDEX\"",
        log.display()
    );
    let mut command = bare();
    command
        .env("LP_URL", setup.server.url())
        .env("LP_JWT_COMMAND", &helper)
        .env("T0", setup.server.token("consumer-0"))
        .env("T1", setup.server.token("consumer-1"))
        .args(["test", "--jobs", "2", dir.path().to_str().unwrap()]);
    let run = run(&mut command, None, "");
    run.assert_code(0);
    let mut logged: Vec<String> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    logged.sort();
    assert_eq!(logged, ["0 first", "1 second"]);
}

#[test]
fn a_pool_of_identities_by_slot_serves_more_convos_than_jobs() {
    // Two identities for six convos two at a time: each convo's slot is free
    // of any other running convo, so no consumer is asked for a second open
    // conversation. The first convo lasts while the others run one after
    // another: by index, the third would take the first's identity.
    let setup = echo();
    let files: Vec<(String, String)> = (1..=6)
        .map(|n| {
            let pause = if n == 1 { "PAUSE 1000\n" } else { "" };
            (
                format!("c{n}.convo.txt"),
                format!("c{n}\n#me\nhi {n}\n#bot\nhi {n}\n{pause}"),
            )
        })
        .collect();
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = suite(&files);
    let log = dir.path().join("helper.log");
    let helper = format!(
        "echo \"$LP_TEST_SLOT\" >> '{}'; eval printf %s \"\\$T$LP_TEST_SLOT\"",
        log.display()
    );
    let mut command = bare();
    command
        .env("LP_URL", setup.server.url())
        .env("LP_JWT_COMMAND", &helper)
        .env("T0", setup.server.token("consumer-0"))
        .env("T1", setup.server.token("consumer-1"))
        .args(["test", "--jobs", "2", dir.path().to_str().unwrap()]);
    let run = run(&mut command, None, "");
    run.assert_code(0);
    assert!(
        status_of(&run).iter().all(|(_, status)| status == "passed"),
        "{:?}",
        status_of(&run)
    );
    let slots: BTreeSet<String> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(slots, BTreeSet::from(["0".to_owned(), "1".to_owned()]));
}

#[test]
fn one_consumer_for_two_convos_at_once_is_named_as_the_helpers_mistake() {
    // The helper ignores LP_TEST_SLOT: both slots get one consumer. Each
    // convo pauses, holding it, while the other starts.
    let setup = echo();
    let dir = suite(&[
        ("a.convo.txt", "a\n#me\nhi\n#bot\nhi\nPAUSE 1000\n"),
        ("b.convo.txt", "b\n#me\nhi\n#bot\nhi\nPAUSE 1000\n"),
    ]);
    let mut command = bare();
    command
        .env("LP_URL", setup.server.url())
        .env("LP_JWT_COMMAND", "printf %s \"$T\"")
        .env("T", setup.server.token("consumer-0"))
        .args(["test", "--jobs", "2", dir.path().to_str().unwrap()]);
    let run = run(&mut command, None, "");
    run.assert_error(1, "1 of 2 convos could not run");
    let errors: Vec<String> = by_convo(&run)
        .into_iter()
        .filter_map(|(_, line)| line["error"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("--jwt-command gave consumer consumer-0, whom the convo in slot "),
        "{}",
        errors[0]
    );
    assert!(
        errors[0].ends_with(
            " holds: a consumer has one open conversation, so with --jobs above 1 the command \
             must give each slot its own (it sees LP_TEST_SLOT)"
        ),
        "{}",
        errors[0]
    );
    // No conversation was asked for in its name.
    assert_eq!(
        requests_of_type(&setup, "cm.ConsumerRequestConversation").len(),
        1
    );
}

#[test]
fn usage_and_configuration_errors_stop_the_run_before_it_starts() {
    let setup = echo();
    let dir = suite(&[("a.convo.txt", "a\n#me\nhi\n")]);
    let path = dir.path().to_str().unwrap();
    setup.run(&["test", "--jobs", "2", path]).assert_failure(
        2,
        "a fixed token (--jwt, LP_JWT, --jwt-file) is one consumer",
    );
    setup.run(&["test", "/nonexistent/suite"]).assert_failure(
        66,
        "cannot read /nonexistent/suite: No such file or directory",
    );
    setup.run(&["test", "--shard", "3/2", path]).assert_code(2);
    let empty = tempfile::tempdir().unwrap();
    setup
        .run(&["test", empty.path().to_str().unwrap()])
        .assert_failure(66, "no convo files");
}

/// A convo of four exchanges with Botium's echo, through connections that
/// each fail as `faults` say: with `--reconnect` it passes and each message
/// is in the conversation once; without, it errors at the first failure.
#[track_caller]
fn a_convo_across_drops(faults: Faults) {
    let setup = Setup::with(MockConfig {
        botium_echo: true,
        faults,
        ..MockConfig::default()
    });
    let lines = ["one", "two", "three", "four"];
    let convo: String = lines
        .iter()
        .map(|line| format!("#me\n{line}\n\n#bot\n{line}\n\n"))
        .collect();
    let dir = suite(&[("drops.convo.txt", &format!("drops\n\n{convo}"))]);
    let path = dir.path().to_str().unwrap();
    let run = setup.run(&["test", "--reconnect", path]);
    run.assert_code(0);
    assert!(run.stderr.contains("reconnecting in"), "{}", run.stderr);
    // Each diagnostic names the convo it is about.
    for said in run.stderr.lines() {
        assert!(said.starts_with("lp-consumer: convo drops: "), "{said}");
    }
    let (_, line) = &by_convo(&run)[0];
    assert_eq!(line["status"], "passed", "{line}");
    assert_eq!(line["replies"].as_array().unwrap().len(), lines.len());
    let conversation = line["conversationId"].as_str().unwrap();
    let me = setup.server.default_consumer();
    assert_eq!(setup.server.messages_of(me, conversation), lines);

    let run = setup.run(&["test", path]);
    run.assert_error(1, "1 of 1 convo could not run");
    assert_eq!(status_of(&run), [("drops".to_owned(), "error".to_owned())]);
    // The conversation it stopped in is named, to look into.
    let (_, line) = &by_convo(&run)[0];
    assert!(line["conversationId"].is_string(), "{line}");
}

#[test]
fn with_reconnect_a_convo_passes_through_a_link_that_drops_every_four_frames() {
    a_convo_across_drops(Faults {
        drop_after: Some(4),
        ..Faults::default()
    });
}

#[test]
fn with_reconnect_a_message_whose_answer_was_lost_is_in_the_conversation_once() {
    // Each connection drops instead of sending its 4th frame: the answer
    // to our first message on it.
    a_convo_across_drops(Faults {
        drop_before: Some(4),
        ..Faults::default()
    });
}

#[test]
fn with_reconnect_a_convo_whose_conversation_answer_was_lost_plays_in_that_conversation() {
    // The first connection drops instead of answering the conversation
    // request.
    let setup = Setup::with(MockConfig {
        botium_echo: true,
        faults: Faults {
            drop_before: Some(1),
            fault_connections: Some(1),
            ..Faults::default()
        },
        ..MockConfig::default()
    });
    let dir = suite(&[("lost.convo.txt", "lost\n\n#me\none\n\n#bot\none\n")]);
    let run = setup.run(&["test", "--reconnect", dir.path().to_str().unwrap()]);
    run.assert_code(0);
    let (_, line) = &by_convo(&run)[0];
    assert_eq!(line["status"], "passed", "{line}");
    assert_eq!(
        requests_of_type(&setup, "cm.ConsumerRequestConversation").len(),
        1
    );
    let conversation = line["conversationId"].as_str().unwrap();
    let me = setup.server.default_consumer();
    assert_eq!(setup.server.messages_of(me, conversation), ["one"]);
}

#[test]
fn a_close_heard_of_before_the_bots_last_words_waits_for_them() {
    // The first connection tells of the conversation's close before the
    // events that came before it, then drops instead of sending the bot's
    // words (its 8th frame, when the bot closes after the metadata's
    // snapshot, as its pause makes likely): they come in the replay on the
    // next.
    let rules = r#"{"rules": [{"when": "*", "reply": [
        {"delay": 0.2}, {"text": "Bye"}, {"close": true}]}]}"#;
    let dir = suite(&[("late.convo.txt", "late\n\n#me\nclose\n\n#bot\nBye\n")]);
    let setup = Setup::with(MockConfig {
        bot: Some(BotRules::from_json(rules).unwrap()),
        faults: Faults {
            events_late: true,
            drop_before: Some(8),
            fault_connections: Some(1),
            ..Faults::default()
        },
        ..MockConfig::default()
    });
    let run = setup.run(&["test", "--reconnect", dir.path().to_str().unwrap()]);
    run.assert_code(0);
    assert!(run.stderr.contains("reconnecting in"), "{}", run.stderr);
    let (_, line) = &by_convo(&run)[0];
    assert_eq!(line["status"], "passed", "{line}");
}

#[test]
fn a_bot_step_after_the_conversation_closed_fails_at_once_saying_so() {
    let setup = with_bot();
    let dir = suite(&[(
        "after.convo.txt",
        "after\n\n#me\nclose\n\n#bot\nClosing the conversation.\n\n#bot\nAnything more\n",
    )]);
    let run = setup.run(&["test", dir.path().to_str().unwrap()]);
    run.assert_code(1);
    let (_, line) = &by_convo(&run)[0];
    let failure = &line["failure"];
    assert_eq!(failure["step"], 3, "{line}");
    assert_eq!(
        failure["message"],
        "the conversation closed before the bot responded"
    );
}

#[test]
fn a_link_gone_silent_during_a_bot_step_is_a_dead_link_not_a_silent_bot() {
    for reconnect in [true, false] {
        // The convo's first connection goes deaf once our first message is
        // answered, before the echo.
        let setup = Setup::with(MockConfig {
            botium_echo: true,
            faults: Faults {
                deaf_after: Some(9),
                fault_connections: Some(1),
                ..Faults::default()
            },
            ..MockConfig::default()
        });
        let dir = suite(&[(
            "deaf.convo.txt",
            "deaf\n\n#me\none\n\n#bot\none\n\n#me\ntwo\n\n#bot\ntwo\n",
        )]);
        let mut args = vec!["test", "--bot-timeout", "2", "--timeout", "1"];
        if reconnect {
            args.push("--reconnect");
        }
        args.push(dir.path().to_str().unwrap());
        let run = setup.run(&args);
        let (_, line) = &by_convo(&run)[0];
        if reconnect {
            run.assert_code(0);
            assert_eq!(line["status"], "passed", "{line}");
            assert!(run.stderr.contains("keep-alive"), "{}", run.stderr);
        } else {
            run.assert_code(1);
            assert_eq!(line["status"], "error", "{line}");
            assert!(
                line["error"].as_str().unwrap().contains("keep-alive"),
                "{line}"
            );
        }
    }
}

#[test]
fn a_service_that_cannot_be_reached_errors_each_convo() {
    let setup = echo();
    let url = setup.server.url();
    let token = setup.token.clone();
    drop(setup);
    let dir = suite(&[
        ("a.convo.txt", "a\n#me\nhi\n"),
        ("b.convo.txt", "b\n#me\nhi\n"),
    ]);
    let mut command = bare();
    command
        .env("LP_URL", url)
        .env("LP_JWT", &token)
        .args(["test", dir.path().to_str().unwrap()]);
    let run = run(&mut command, None, &token);
    run.assert_error(1, "2 of 2 convos could not run");
    assert_eq!(
        status_of(&run),
        [
            ("a".to_owned(), "error".to_owned()),
            ("b".to_owned(), "error".to_owned())
        ]
    );
}

#[test]
fn a_recorded_chat_passes_as_a_convo_against_the_same_bot() {
    let setup = with_bot();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("plans.convo.txt");
    let record = file.to_str().unwrap();
    setup
        .run_stdin(
            &["chat", "--turns", "--settle", "0.3", "--record", record],
            "hi\nmenu\n/click Yes\n/click 2\n!important\n",
        )
        .assert_code(0);
    let convo = std::fs::read_to_string(&file).unwrap();
    assert!(
        convo.starts_with("plans\n\n#me\nhi\n\n#bot\nHello!"),
        "{convo}"
    );
    assert!(
        convo.contains("\n#bot\nDo you want to see our plans?\nBUTTONS Yes|No\n"),
        "{convo}"
    );
    assert!(convo.contains("\n#me\nBUTTON Yes\n"), "{convo}");
    assert!(convo.contains("\nCARDS Our plans|Pick one, or read more on our website.\nBUTTONS Basic|Premium|Website\n"), "{convo}");
    // The click by number is recorded by title; a text starting with `!`
    // keeps it as text.
    assert!(convo.contains("\n#me\nBUTTON Premium\n"), "{convo}");
    assert!(convo.contains("\n#me\n!!important\n"), "{convo}");
    let run = setup.run(&["test", record]);
    run.assert_code(0);
    assert_eq!(status_of(&run), [("plans".to_owned(), "passed".to_owned())]);
}

#[test]
fn a_recorded_text_that_botium_does_not_read_as_text_is_written_and_named_on_stderr() {
    let setup = with_bot();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("yes.convo.txt");
    let record = file.to_str().unwrap();
    let run = setup.run_stdin(
        &["chat", "--turns", "--settle", "0.3", "--record", record],
        "hi\ntrue\nPAUSE 10\n#bot\n",
    );
    run.assert_code(0);
    let convo = std::fs::read_to_string(&file).unwrap();
    assert!(convo.contains("\n#me\ntrue\n"), "{convo}");
    assert!(convo.contains("\n#me\nPAUSE 10\n"), "{convo}");
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "--record {record}: Botium does not read 3 texts of the chat as text \
             (\"true\", \"PAUSE 10\", \"#bot\": JSON, an instruction or a section's tag), so \
             `test` cannot replay them as said: reword them in the file"
        )),
        "{}",
        run.stderr
    );
    let run = setup.run(&["test", record]);
    run.assert_error(1, "1 of 1 convo could not run");
    assert!(
        run.stdout
            .contains("Botium reads this text as a JSON message"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_reader_that_leaves_does_not_turn_a_failing_suite_green_nor_stop_its_reports() {
    // `lp-consumer test --junit j.xml suite | head -1`, the first convo
    // failing: the others still run, the report is written, and the exit
    // status is the verdict.
    let setup = echo();
    let dir = suite(&[
        ("a.convo.txt", "a\n#me\nhi\n#bot\nbye\n"),
        ("b.convo.txt", "b\n#me\nhi\n#bot\nhi\n"),
        ("c.convo.txt", "c\n#me\nhi\n#bot\nhi\n"),
    ]);
    let junit = dir.path().join("junit.xml");
    let mut child = spawn(setup.cmd().args([
        "test",
        "--timeout",
        "2",
        "--junit",
        junit.to_str().unwrap(),
        dir.path().to_str().unwrap(),
    ]));
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.contains(r#""convo":"a""#), "{first}");
    let run = finish(child.wait_with_output().unwrap(), &setup.token);
    run.assert_error(1, "1 of 3 convos failed");
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_eq!(xml.matches("<testcase ").count(), 3, "{xml}");
    assert_eq!(
        requests_of_type(&setup, "cm.ConsumerRequestConversation").len(),
        3
    );
}

/// `command` run until `ready` holds of its service, then sent `signal`.
#[track_caller]
fn stopped_once(
    command: &mut Command,
    setup: &Setup,
    ready: impl Fn(&Setup) -> bool,
    signal: &str,
) -> Run {
    let child = crate::harness::spawn(command);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !ready(setup) {
        assert!(
            std::time::Instant::now() < deadline,
            "never ready for {signal}"
        );
        std::thread::yield_now();
    }
    crate::harness::signal(&child, signal);
    crate::harness::finish(child.wait_with_output().unwrap(), &setup.token)
}

/// The convo has said `hi`.
fn said_hi(setup: &Setup) -> bool {
    setup.server.requests().iter().any(|r| r.contains("\"hi\""))
}

#[test]
fn sigterm_during_a_handshake_stops_the_run_with_its_summary() {
    // The service accepts and never answers: the convo waits in its
    // handshake, and --reconnect must not take the signal for a failure.
    let setup = Setup::with(MockConfig {
        faults: Faults {
            stall: true,
            ..Faults::default()
        },
        ..MockConfig::default()
    });
    let dir = suite(&[("a.convo.txt", "a\n#me\nhi\n")]);
    let run = stopped_once(
        setup
            .cmd()
            .args(["test", "--reconnect", dir.path().to_str().unwrap()]),
        &setup,
        |setup| setup.server.stalled() > 0,
        "TERM",
    );
    run.assert_code(143);
    assert!(!run.stderr.contains("reconnecting"), "{}", run.stderr);
    assert_eq!(status_of(&run), [("a".to_owned(), "error".to_owned())]);
    let (_, line) = &by_convo(&run)[0];
    assert_eq!(line["error"], "stopped by SIGTERM");
    assert_eq!(summary(&run)["errors"], 1);
}

#[test]
fn under_repeat_each_run_of_a_convo_is_named_on_stderr() {
    let setup = Setup::with(MockConfig {
        botium_echo: true,
        faults: Faults {
            drop_after: Some(4),
            ..Faults::default()
        },
        ..MockConfig::default()
    });
    let dir = suite(&[("d.convo.txt", "drops\n\n#me\none\n\n#bot\none\n")]);
    let run = setup.run(&[
        "test",
        "--reconnect",
        "--repeat",
        "2",
        dir.path().to_str().unwrap(),
    ]);
    run.assert_code(0);
    for said in run.stderr.lines() {
        assert!(
            said.starts_with("lp-consumer: convo drops #1: ")
                || said.starts_with("lp-consumer: convo drops #2: "),
            "{said}"
        );
    }
    assert!(run.stderr.contains("convo drops #1: "), "{}", run.stderr);
    assert!(run.stderr.contains("convo drops #2: "), "{}", run.stderr);
}

#[test]
fn a_signed_up_convo_left_open_gives_no_advice_that_needs_its_token() {
    let setup = Setup::new();
    let cache = tempfile::tempdir().unwrap();
    let dir = suite(&[("a.convo.txt", "a\n#me\nhi\n#bot\nhi\n")]);
    let run = stopped_once(
        signing_up(&setup, cache.path()).args([
            "test",
            "--bot-timeout",
            "60",
            dir.path().to_str().unwrap(),
        ]),
        &setup,
        said_hi,
        "INT",
    );
    run.assert_code(130);
    let first = run.stderr.lines().next().unwrap();
    assert!(
        first.contains("is left open; its consumer was signed up for this convo alone"),
        "{first}"
    );
    assert!(!first.contains("lp-consumer close"), "{first}");
}

#[test]
fn reuse_is_a_usage_error_for_test() {
    let setup = echo();
    let dir = suite(&[("a.convo.txt", "a\n#me\nhi\n")]);
    let run = setup.run(&["test", "--reuse", dir.path().to_str().unwrap()]);
    run.assert_error(2, "test runs each convo in a new conversation of its own");
    assert!(setup.server.requests().is_empty());
}

#[test]
fn ctrl_c_stops_the_run_and_no_convo_starts_after_it() {
    // Nobody answers, so the first convo waits for its bot step.
    let setup = Setup::new();
    let dir = suite(&[
        ("a.convo.txt", "a\n#me\nhi\n#bot\nhi\n"),
        ("b.convo.txt", "b\n#me\nhi\n"),
    ]);
    let junit = dir.path().join("junit.xml");
    let run = stopped_once(
        setup.cmd().args([
            "test",
            "--bot-timeout",
            "60",
            "--junit",
            junit.to_str().unwrap(),
            dir.path().to_str().unwrap(),
        ]),
        &setup,
        said_hi,
        "INT",
    );
    run.assert_code(130);
    // The report has the convo that never started, as skipped.
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains(r#"<testsuites tests="2" failures="0" errors="1" skipped="1""#),
        "{xml}"
    );
    let b = dir.path().join("b.convo.txt");
    assert!(
        xml.contains(&format!(
            "<testcase name=\"b\" classname=\"{}\" time=\"0.000\">\n      \
             <skipped message=\"not started: the run was stopped\"/>",
            b.display()
        )),
        "{xml}"
    );
    // The conversation in progress is left open, as chat leaves its own,
    // and said so; then the run's end.
    let said: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(said.len(), 2, "{}", run.stderr);
    assert!(
        said[0].starts_with("lp-consumer: convo a: warning: conversation "),
        "{}",
        said[0]
    );
    assert!(said[0].contains(" is left open"), "{}", said[0]);
    assert_eq!(
        said[1],
        "lp-consumer: stopped: 1 of 2 convos started, those cut short reported as errors"
    );
    assert_eq!(status_of(&run), [("a".to_owned(), "error".to_owned())]);
    let (_, line) = &by_convo(&run)[0];
    assert_eq!(line["error"], "stopped by SIGINT");
    assert_eq!(open_conversations(&setup).len(), 1);
    assert_eq!(
        requests_of_type(&setup, "cm.ConsumerRequestConversation").len(),
        1
    );
}

#[test]
fn a_reply_is_never_charged_the_pause_before_its_message() {
    // The echo comes before the publish's acknowledgement; the pause after
    // a message is ours, and not the next reply's latency.
    let setup = echo();
    let dir = suite(&[(
        "p.convo.txt",
        "pauses\n#me\na\nPAUSE 1000\n#bot\na\n#me\nb\n#bot\nb\n\
         #me\nc\nPAUSE 700\n#bot\nc\n#me\nd\n#bot\nd\n",
    )]);
    let run = setup.run(&["test", dir.path().to_str().unwrap()]);
    run.assert_code(0);
    let (_, line) = &by_convo(&run)[0];
    let replies = line["replies"].as_array().unwrap();
    let steps: Vec<u64> = replies
        .iter()
        .map(|r| r["step"].as_u64().unwrap())
        .collect();
    assert_eq!(steps, [2, 4, 6, 8]);
    let reply = |i: usize| replies[i]["replyMs"].as_f64().unwrap();
    // Each pause was waited, and b's and d's replies are not charged it.
    assert!(line["durationMs"].as_f64().unwrap() >= 1700.0, "{line}");
    assert!(reply(1) < 1000.0 / 2.0, "{line}");
    assert!(reply(3) < 700.0 / 2.0, "{line}");
    assert!(summary(&run)["replyMs"]["max"].as_f64().unwrap() < 700.0 / 2.0);
}
