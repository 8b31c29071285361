//! What a `test` run reports: a JSON or text line per convo, the summary,
//! JUnit XML and Prometheus metrics. No I/O but the writers given.

use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;

use crate::convo::run::{Failure, Latency};
use crate::sanitise;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Passed,
    Failed,
    /// Could not be run: a parse or include error, a connection or token
    /// failure.
    Error,
}

impl Status {
    fn name(self) -> &'static str {
        match self {
            Status::Passed => "passed",
            Status::Failed => "failed",
            Status::Error => "error",
        }
    }
}

/// How one convo (one run of it, with `--repeat`) went.
#[derive(Debug, Clone)]
pub(crate) struct ConvoResult {
    pub(crate) file: String,
    pub(crate) convo: String,
    /// 1-based, with `--repeat` > 1.
    pub(crate) repeat: Option<u64>,
    pub(crate) status: Status,
    pub(crate) conversation: Option<String>,
    pub(crate) duration: Duration,
    pub(crate) latencies: Vec<Latency>,
    pub(crate) failure: Option<Failure>,
    pub(crate) error: Option<String>,
    pub(crate) transcript: Vec<String>,
}

fn ms(duration: Duration) -> f64 {
    (duration.as_secs_f64() * 1e6).round() / 1e3
}

/// The JSON line of a convo, its keys in this order (json! would sort
/// them).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct JsonLine<'a> {
    file: &'a str,
    convo: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    repeat: Option<u64>,
    status: &'static str,
    conversation_id: Option<&'a str>,
    duration_ms: f64,
    replies: Vec<Reply>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failure: Option<FailureLine<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Reply {
    step: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    partial: Option<String>,
    reply_ms: f64,
}

#[derive(Serialize)]
struct FailureLine<'a> {
    step: usize,
    line: usize,
    section: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    partial: Option<String>,
    message: &'a str,
    expected: Option<&'a str>,
    received: Option<&'a str>,
}

pub(crate) fn json_line(result: &ConvoResult) -> JsonLine<'_> {
    JsonLine {
        file: &result.file,
        convo: &result.convo,
        repeat: result.repeat,
        status: result.status.name(),
        conversation_id: result.conversation.as_deref(),
        duration_ms: ms(result.duration),
        replies: result
            .latencies
            .iter()
            .map(|l| Reply {
                step: l.step,
                partial: partial_name(&l.partial),
                reply_ms: ms(l.reply),
            })
            .collect(),
        failure: result.failure.as_ref().map(|failure| FailureLine {
            step: failure.step,
            line: failure.line,
            section: failure.sender,
            partial: partial_name(&failure.partial),
            message: &failure.message,
            expected: failure.expected.as_deref(),
            received: failure.received.as_deref(),
        }),
        error: result.error.as_deref(),
    }
}

/// How a step's line names the partials it came through: the file its
/// `step` counts in.
fn partial_name(partial: &[String]) -> Option<String> {
    (!partial.is_empty()).then(|| partial.join("/"))
}

/// The last transcript lines shown with a failure in text.
const TAIL: usize = 6;

/// The text lines of a convo: its verdict, and for a failure the expected
/// and received text with the transcript's tail.
pub(crate) fn text_lines(result: &ConvoResult) -> Vec<String> {
    let repeat = result.repeat.map_or_else(String::new, |n| format!(" #{n}"));
    let mut lines = vec![format!(
        "{:<6} {} ({}){repeat} {:.0} ms",
        result.status.name().to_uppercase(),
        result.convo,
        result.file,
        ms(result.duration)
    )];
    if let Some(failure) = &result.failure {
        let partial = if failure.partial.is_empty() {
            String::new()
        } else {
            format!(" of partial {}", failure.partial.join("/"))
        };
        lines.push(format!(
            "       step {} ({}, line {}{partial}): {}",
            failure.step,
            failure.sender,
            failure.line,
            sanitise::words(&failure.message)
        ));
        if let Some(expected) = &failure.expected {
            lines.push(format!("       expected: {}", sanitise::words(expected)));
        }
        if let Some(received) = &failure.received {
            lines.push(format!("       received: {}", sanitise::words(received)));
        }
        let tail = result.transcript.len().saturating_sub(TAIL);
        for line in &result.transcript[tail..] {
            lines.push(format!("       | {}", sanitise::words(line)));
        }
    }
    if let Some(error) = &result.error {
        lines.push(format!("       {error}"));
    }
    lines
}

/// Counts and reply-latency percentiles of a run.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Summary {
    pub(crate) passed: usize,
    pub(crate) failed: usize,
    pub(crate) errors: usize,
    pub(crate) replies: usize,
    pub(crate) p50: Option<f64>,
    pub(crate) p95: Option<f64>,
    pub(crate) max: Option<f64>,
    pub(crate) duration: Duration,
}

impl Summary {
    pub(crate) fn of(results: &[ConvoResult], duration: Duration) -> Summary {
        let count = |status| results.iter().filter(|r| r.status == status).count();
        let mut replies: Vec<f64> = results
            .iter()
            .flat_map(|r| r.latencies.iter().map(|l| ms(l.reply)))
            .collect();
        replies.sort_by(f64::total_cmp);
        Summary {
            passed: count(Status::Passed),
            failed: count(Status::Failed),
            errors: count(Status::Error),
            replies: replies.len(),
            p50: percentile(&replies, 50),
            p95: percentile(&replies, 95),
            max: replies.last().copied(),
            duration,
        }
    }

    pub(crate) fn all_passed(&self) -> bool {
        self.failed == 0 && self.errors == 0
    }

    pub(crate) fn json_line(&self) -> SummaryLine {
        SummaryLine {
            summary: SummaryCounts {
                passed: self.passed,
                failed: self.failed,
                errors: self.errors,
                replies: self.replies,
                reply_ms: Percentiles {
                    p50: self.p50,
                    p95: self.p95,
                    max: self.max,
                },
                duration_ms: ms(self.duration),
            },
        }
    }

    pub(crate) fn text_line(&self) -> String {
        let show = |ms: Option<f64>| ms.map_or_else(|| "-".to_owned(), |ms| format!("{ms:.1}"));
        format!(
            "{} passed, {} failed, {} in {:.1} s; reply ms p50 {} p95 {} max {}",
            self.passed,
            self.failed,
            match self.errors {
                1 => "1 error".to_owned(),
                errors => format!("{errors} errors"),
            },
            self.duration.as_secs_f64(),
            show(self.p50),
            show(self.p95),
            show(self.max)
        )
    }
}

/// The summary line, its keys in this order.
#[derive(Serialize)]
pub(crate) struct SummaryLine {
    summary: SummaryCounts,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SummaryCounts {
    passed: usize,
    failed: usize,
    errors: usize,
    replies: usize,
    reply_ms: Percentiles,
    duration_ms: f64,
}

#[derive(Serialize)]
struct Percentiles {
    p50: Option<f64>,
    p95: Option<f64>,
    max: Option<f64>,
}

/// The nearest-rank percentile of sorted values.
fn percentile(sorted: &[f64], percent: usize) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (percent * sorted.len()).div_ceil(100).max(1);
    Some(sorted[rank - 1])
}

fn xml_escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            // XML 1.0 has no place for other control characters.
            '\t' | '\n' | '\r' => escaped.push(c),
            c if c < ' ' => escaped.push('\u{fffd}'),
            c => escaped.push(c),
        }
    }
    escaped
}

/// JUnit XML: one `<testsuite>` named `suite`, one `<testcase>` per convo
/// (`classname` its file), with `<failure>` or `<error>` and the
/// transcript in `<system-out>`.
pub(crate) fn junit(
    suite: &str,
    results: &[ConvoResult],
    skipped: &[Skipped],
    summary: &Summary,
) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let tests = results.len() + skipped.len();
    let _ = writeln!(
        xml,
        "<testsuites tests=\"{tests}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\">",
        summary.failed,
        summary.errors,
        skipped.len(),
        summary.duration.as_secs_f64()
    );
    let _ = writeln!(
        xml,
        "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\">",
        xml_escape(suite),
        summary.failed,
        summary.errors,
        skipped.len(),
        summary.duration.as_secs_f64()
    );
    for result in results {
        let name = case_name(&result.convo, result.repeat);
        let _ = writeln!(
            xml,
            "    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3}\">",
            xml_escape(&name),
            xml_escape(&result.file),
            result.duration.as_secs_f64()
        );
        if let Some(failure) = &result.failure {
            let detail = [
                failure
                    .expected
                    .as_deref()
                    .map(|e| format!("expected: {e}")),
                failure
                    .received
                    .as_deref()
                    .map(|r| format!("received: {r}")),
            ];
            let detail: Vec<String> = detail.into_iter().flatten().collect();
            let _ = writeln!(
                xml,
                "      <failure message=\"step {}: {}\">{}</failure>",
                failure.step,
                xml_escape(&failure.message),
                xml_escape(&detail.join("\n"))
            );
        }
        if let Some(error) = &result.error {
            let _ = writeln!(xml, "      <error message=\"{}\"/>", xml_escape(error));
        }
        if !result.transcript.is_empty() {
            let _ = writeln!(
                xml,
                "      <system-out>{}</system-out>",
                xml_escape(&result.transcript.join("\n"))
            );
        }
        xml.push_str("    </testcase>\n");
    }
    for skipped in skipped {
        let _ = writeln!(
            xml,
            "    <testcase name=\"{}\" classname=\"{}\" time=\"0.000\">\n      \
             <skipped message=\"not started: the run was stopped\"/>\n    </testcase>",
            xml_escape(&case_name(skipped.convo, skipped.repeat)),
            xml_escape(skipped.file),
        );
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

/// A convo of the suite that never started (the run was stopped first).
pub(crate) struct Skipped<'a> {
    pub(crate) file: &'a str,
    pub(crate) convo: &'a str,
    pub(crate) repeat: Option<u64>,
}

/// A test case's name: the convo's, and its run with --repeat.
pub(crate) fn case_name(convo: &str, repeat: Option<u64>) -> String {
    match repeat {
        Some(n) => format!("{convo} #{n}"),
        None => convo.to_owned(),
    }
}

/// Prometheus' text format: the counts, the run's time and the reply
/// latencies, for node_exporter's textfile collector.
pub(crate) fn metrics(summary: &Summary, finished_unix: u64) -> String {
    let mut text = String::new();
    text.push_str(
        "# HELP lp_consumer_test_convos Convos of the latest lp-consumer test run, by status.\n\
         # TYPE lp_consumer_test_convos gauge\n",
    );
    for (status, count) in [
        ("passed", summary.passed),
        ("failed", summary.failed),
        ("error", summary.errors),
    ] {
        let _ = writeln!(
            text,
            "lp_consumer_test_convos{{status=\"{status}\"}} {count}"
        );
    }
    text.push_str(
        "# HELP lp_consumer_test_reply_seconds Reply latency of #bot steps, from our message to the agent's.\n\
         # TYPE lp_consumer_test_reply_seconds gauge\n",
    );
    // Microseconds, as the JSON lines' milliseconds have them: no float
    // noise (0.00040699999999999997) from the division.
    for (quantile, value) in [
        ("0.5", summary.p50),
        ("0.95", summary.p95),
        ("1", summary.max),
    ] {
        if let Some(ms) = value {
            let _ = writeln!(
                text,
                "lp_consumer_test_reply_seconds{{quantile=\"{quantile}\"}} {:.6}",
                ms / 1e3
            );
        }
    }
    let _ = write!(
        text,
        "# HELP lp_consumer_test_duration_seconds How long the latest run took.\n\
         # TYPE lp_consumer_test_duration_seconds gauge\n\
         lp_consumer_test_duration_seconds {:.6}\n\
         # HELP lp_consumer_test_last_run_timestamp_seconds When the latest run ended.\n\
         # TYPE lp_consumer_test_last_run_timestamp_seconds gauge\n\
         lp_consumer_test_last_run_timestamp_seconds {finished_unix}\n",
        summary.duration.as_secs_f64()
    );
    text
}
