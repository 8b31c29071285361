//! The files `test --junit`/`--metrics` and `chat --record` write: a link
//! written through, a FIFO and a device written to as they are, and a path
//! that cannot be written refused before anything is sent.

use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread;

use lp_consumer::mock::MockConfig;

use crate::harness::{Setup, finish_text, output_of, spawn};

/// Botium's echo, and a folder with one convo that passes against it.
fn echo_suite() -> (Setup, tempfile::TempDir) {
    let setup = Setup::with(MockConfig {
        botium_echo: true,
        ..MockConfig::default()
    });
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("hello.convo.txt"),
        "hello\n\n#me\nHello\n\n#bot\nHello\n",
    )
    .unwrap();
    (setup, dir)
}

fn convo(dir: &Path) -> String {
    dir.join("hello.convo.txt").to_str().unwrap().to_owned()
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A FIFO `junit.xml` in `dir`, and a thread that opens it with `read`.
fn fifo_read_by<T: Send + 'static>(
    dir: &Path,
    read: impl FnOnce(PathBuf) -> T + Send + 'static,
) -> (PathBuf, thread::JoinHandle<T>) {
    let fifo = dir.join("junit.xml");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = thread::spawn({
        let fifo = fifo.clone();
        move || read(fifo)
    });
    (fifo, reader)
}

#[test]
fn a_link_is_written_through_and_a_dangling_one_creates_its_target() {
    let (setup, suite) = echo_suite();
    let out = tempfile::tempdir().unwrap();
    fs::create_dir(out.path().join("reports")).unwrap();
    fs::write(out.path().join("reports/junit.xml"), "old").unwrap();
    std::os::unix::fs::symlink("reports/junit.xml", out.path().join("junit.xml")).unwrap();
    std::os::unix::fs::symlink("reports/lp.prom", out.path().join("lp.prom")).unwrap();
    let junit = out.path().join("junit.xml");
    let metrics = out.path().join("lp.prom");
    let run = setup.run(&[
        "test",
        "--junit",
        junit.to_str().unwrap(),
        "--metrics",
        metrics.to_str().unwrap(),
        &convo(suite.path()),
    ]);
    run.assert_code(0);
    for link in [&junit, &metrics] {
        assert!(fs::symlink_metadata(link).unwrap().is_symlink(), "{link:?}");
    }
    let xml = fs::read_to_string(out.path().join("reports/junit.xml")).unwrap();
    assert!(xml.contains("<testcase name=\"hello\""), "{xml}");
    let prom = fs::read_to_string(out.path().join("reports/lp.prom")).unwrap();
    assert!(
        prom.contains("lp_consumer_test_convos{status=\"passed\"} 1\n"),
        "{prom}"
    );
    // No temporary file is left beside either.
    assert_eq!(names(out.path()), ["junit.xml", "lp.prom", "reports"]);
    assert_eq!(names(&out.path().join("reports")), ["junit.xml", "lp.prom"]);
}

#[test]
fn a_fifo_is_written_to_for_its_reader() {
    let (setup, suite) = echo_suite();
    let out = tempfile::tempdir().unwrap();
    let (fifo, reader) = fifo_read_by(out.path(), |fifo| fs::read_to_string(fifo).unwrap());
    let run = setup.run(&[
        "test",
        "--junit",
        fifo.to_str().unwrap(),
        &convo(suite.path()),
    ]);
    // Joined only once the run has written to the FIFO still there: a run
    // that never opened it would leave the reader waiting.
    run.assert_code(0);
    assert!(fs::metadata(&fifo).unwrap().file_type().is_fifo());
    let xml = reader.join().unwrap();
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(xml.trim_end().ends_with("</testsuites>"), "{xml}");
}

#[test]
fn a_report_whose_reader_left_leaves_the_verdict_as_it_is() {
    // `--junit /dev/stdout | head -1`, or a FIFO's reader that went away:
    // as for stdout itself, the exit is the verdict, not a write error.
    let (setup, suite) = echo_suite();
    let out = tempfile::tempdir().unwrap();
    // Opened once the run opens it, closed at once.
    let (fifo, reader) = fifo_read_by(out.path(), |fifo| drop(fs::File::open(fifo).unwrap()));
    let run = setup.run(&[
        "test",
        "--junit",
        fifo.to_str().unwrap(),
        &convo(suite.path()),
    ]);
    reader.join().unwrap();
    run.assert_code(0);
    assert_eq!(run.stderr, "");
}

#[test]
fn a_dash_is_standard_output() {
    let (setup, suite) = echo_suite();
    let run = finish_text(
        output_of(
            setup
                .cmd()
                .args(["test", "--junit", "-", &convo(suite.path())]),
            None,
        ),
        &setup.token,
    );
    run.assert_code(0);
    let xml = run.stdout.find("<?xml").expect("the JUnit report");
    let summary = run.stdout.find(r#"{"summary""#).expect("the summary");
    assert!(summary < xml, "{}", run.stdout);
    assert!(!Path::new("-").exists());
    // Two reports there would run into each other; a record, into the
    // chat's own lines.
    let connections = setup.server.connections();
    setup
        .run(&[
            "test",
            "--junit",
            "-",
            "--metrics",
            "-",
            &convo(suite.path()),
        ])
        .assert_failure(2, "--junit and --metrics would both go to stdout");
    // Also through a path to what stdout is (a pipe here).
    let out = tempfile::tempdir().unwrap();
    let stdout = out.path().join("stdout");
    std::os::unix::fs::symlink("/dev/stdout", &stdout).unwrap();
    let stdout = stdout.to_str().unwrap();
    setup
        .run(&[
            "test",
            "--junit",
            stdout,
            "--metrics",
            "-",
            &convo(suite.path()),
        ])
        .assert_failure(2, "--junit and --metrics would both go to stdout");
    setup
        .run_stdin(&["chat", "--record", stdout], "hi\n")
        .assert_failure(
            2,
            &format!("--record {stdout} would put the convo on stdout"),
        );
    setup
        .run_stdin(&["chat", "--record", "-"], "hi\n")
        .assert_failure(2, "--record - would put the convo on stdout");
    assert_eq!(setup.server.connections(), connections);
}

#[test]
fn a_device_and_stdout_are_written_to_as_they_are() {
    let (setup, suite) = echo_suite();
    // Reached through links of the test's own: a run as root that replaced
    // what it was given would replace these, never the system's.
    let out = tempfile::tempdir().unwrap();
    let full = out.path().join("full");
    let stdout = out.path().join("stdout");
    std::os::unix::fs::symlink("/dev/full", &full).unwrap();
    std::os::unix::fs::symlink("/dev/stdout", &stdout).unwrap();
    let full = full.to_str().unwrap();
    let run = setup.run(&["test", "--junit", full, &convo(suite.path())]);
    run.assert_error(74, &format!("--junit {full}: No space left on device"));
    // The report follows the summary on stdout.
    let run = finish_text(
        output_of(
            setup.cmd().args([
                "test",
                "--metrics",
                stdout.to_str().unwrap(),
                &convo(suite.path()),
            ]),
            None,
        ),
        &setup.token,
    );
    run.assert_code(0);
    let at = run.stdout.find("# HELP ").expect("the metrics");
    let (lines, metrics) = run.stdout.split_at(at);
    let last: serde_json::Value = serde_json::from_str(lines.lines().last().unwrap()).unwrap();
    assert!(last.get("summary").is_some(), "{lines}");
    assert!(
        metrics.contains("lp_consumer_test_convos{status=\"passed\"} 1\n"),
        "{metrics}"
    );
    assert_eq!(names(out.path()), ["full", "stdout"]);
    for link in ["full", "stdout"] {
        assert!(
            fs::symlink_metadata(out.path().join(link))
                .unwrap()
                .is_symlink()
        );
    }
}

#[test]
fn a_report_in_a_missing_folder_fails_before_the_suite_runs() {
    let (setup, suite) = echo_suite();
    let out = tempfile::tempdir().unwrap();
    let junit = out.path().join("missing/junit.xml");
    let junit = junit.to_str().unwrap();
    let run = setup.run(&["test", "--junit", junit, &convo(suite.path())]);
    run.assert_failure(74, &format!("--junit {junit}: No such file or directory"));
    assert_eq!(setup.server.connections(), 0);
    // A folder is refused too, and nothing is left in it.
    let folder = out.path().to_str().unwrap();
    let run = setup.run(&["test", "--metrics", folder, &convo(suite.path())]);
    run.assert_failure(74, &format!("--metrics {folder}: Is a directory"));
    assert_eq!(setup.server.connections(), 0);
    assert!(names(out.path()).is_empty());
}

#[test]
fn a_report_that_would_replace_a_convo_file_or_the_other_report_is_refused() {
    let (setup, suite) = echo_suite();
    let folder = suite.path().to_str().unwrap();
    // The suite's own file, named through a folder of its own.
    let own = format!("{folder}/./hello.convo.txt");
    let run = setup.run(&["test", "--junit", &own, folder]);
    run.assert_failure(
        2,
        &format!(
            "--junit {own} is a file of the suite ({}): the report",
            convo(suite.path())
        ),
    );
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("report");
    let report = report.to_str().unwrap();
    let run = setup.run(&["test", "--junit", report, "--metrics", report, folder]);
    run.assert_failure(
        2,
        &format!("--junit and --metrics name the same file, {report}: one report"),
    );
    assert_eq!(setup.server.connections(), 0);
    assert_eq!(
        fs::read_to_string(convo(suite.path())).unwrap(),
        "hello\n\n#me\nHello\n\n#bot\nHello\n"
    );
}

#[test]
fn a_record_in_a_missing_folder_fails_before_the_chat() {
    let setup = Setup::new();
    let out = tempfile::tempdir().unwrap();
    let record = out.path().join("missing/hi.convo.txt");
    let record = record.to_str().unwrap();
    // No input: the run ends before it would read any, and a pipe would
    // break under the writer.
    let run = setup.run(&["chat", "--turns", "--record", record]);
    run.assert_failure(74, &format!("--record {record}: No such file or directory"));
    assert_eq!(setup.server.connections(), 0);
    assert!(setup.server.requests().is_empty());
}

#[test]
fn a_chat_that_did_not_end_well_is_not_recorded_and_says_so() {
    let out = tempfile::tempdir().unwrap();
    let record = out.path().join("hi.convo.txt");
    let record = record.to_str().unwrap();
    // Nobody answers: the line's reply times out, the chat fails.
    let setup = Setup::new();
    let run = setup.run_stdin(
        &[
            "chat",
            "--turns",
            "--reply-timeout",
            "0.3",
            "--record",
            record,
        ],
        "hi\n",
    );
    run.assert_code(75);
    assert!(
        run.stderr
            .contains(&format!("; --record {record} not written: the chat failed")),
        "{}",
        run.stderr
    );
    // No input at all: nothing to record.
    let setup = Setup::with(MockConfig {
        botium_echo: true,
        ..MockConfig::default()
    });
    let run = setup.run_stdin(&["chat", "--turns", "--record", record], "");
    run.assert_code(0);
    assert_eq!(
        run.stderr,
        format!("lp-consumer: --record {record} not written: nothing was said\n")
    );
    assert!(names(out.path()).is_empty());
}

#[test]
fn a_chat_whose_reader_left_is_not_recorded_and_says_so() {
    let setup = Setup::with(MockConfig {
        botium_echo: true,
        ..MockConfig::default()
    });
    let out = tempfile::tempdir().unwrap();
    let record = out.path().join("hi.convo.txt");
    let record = record.to_str().unwrap();
    let mut child = spawn(
        setup
            .cmd()
            .args(["chat", "--turns", "--record", record])
            .stdin(std::process::Stdio::piped()),
    );
    // Input stays open: the chat ends because nobody reads it.
    let _input = child.stdin.take();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let run = finish_text(child.wait_with_output().unwrap(), &setup.token);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert_eq!(
        run.stderr,
        format!(
            "lp-consumer: --record {record} not written: the chat's reader left before its end\n"
        )
    );
    assert!(names(out.path()).is_empty());
}

#[test]
fn a_report_replaced_keeps_the_mode_of_the_file_it_replaces() {
    use std::os::unix::fs::PermissionsExt;
    let (setup, suite) = echo_suite();
    let out = tempfile::tempdir().unwrap();
    let junit = out.path().join("junit.xml");
    fs::write(&junit, "old").unwrap();
    fs::set_permissions(&junit, fs::Permissions::from_mode(0o444)).unwrap();
    setup
        .run(&[
            "test",
            "--junit",
            junit.to_str().unwrap(),
            &convo(suite.path()),
        ])
        .assert_code(0);
    assert!(fs::read_to_string(&junit).unwrap().starts_with("<?xml"));
    let mode = fs::metadata(&junit).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o444);
}
