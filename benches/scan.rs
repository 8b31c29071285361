//! `cargo bench --bench scan`: the one-pass frame scan (`jsonscan`) per
//! event and per byte, beside serde_json merely validating the same frame
//! (`IgnoredAny`), the reference; and the scan held to SSE2, to show what
//! AVX2 (with PCLMULQDQ) brings where the processor has it.
//!
//! Frames: LivePerson's event shape (about 485 bytes, with the originator's
//! client properties), the lean shape of the schema's examples, a message
//! full of escapes and non-ASCII text, a typing indicator (a small event),
//! and LivePerson's shape pretty-printed with CRLF line breaks and tabs; one
//! change per frame, as the service sends them, and 100, as a replay may
//! batch them. Each figure is the best of LP_SCAN_RUNS runs (default 9) of
//! about 50 ms each, so that other work on the machine shows less.

use std::hint::black_box;
use std::time::{Duration, Instant};

use lp_consumer::fuzzing::{has_avx2, scan_rounds};
use serde::de::IgnoredAny;

const FRAME_START: &str =
    r#"{"kind":"notification","type":"ms.MessagingEventNotification","body":{"changes":["#;
const FRAME_END: &str = "]}}";
const CONVERSATION: &str = "2d0d5b41-5a2e-4c85-9b0e-3f4c2a1d6e7f";
const AGENT: &str = r#""originatorId":"lp-mock-agent","originatorMetadata":{"id":"lp-mock-agent","role":"ASSIGNED_AGENT""#;
const CLIENT_PROPERTIES: &str = r#""clientProperties":{"type":".ClientProperties","ipAddress":"10.0.0.12","deviceFamily":"DESKTOP","os":"WINDOWS","features":["RICH_CONTENT"]}"#;

#[derive(Clone, Copy)]
enum Shape {
    Realistic,
    Lean,
    Escaped,
    Typing,
    Pretty,
}

fn event(shape: Shape, sequence: u64) -> String {
    let timestamp = 1_764_488_736_000 + sequence;
    let ids = format!(r#""conversationId":"{CONVERSATION}","dialogId":"{CONVERSATION}""#);
    let content = |metadata: &str, message: &str| {
        format!(
            r#"{{"sequence":{sequence},{AGENT}{metadata}}},"serverTimestamp":{timestamp},"event":{{"type":"ContentEvent","contentType":"text/plain","message":"{message}"}},{ids}}}"#
        )
    };
    let message = format!("agent message {sequence}");
    let with_properties = format!(",{CLIENT_PROPERTIES}");
    match shape {
        Shape::Realistic => content(&with_properties, &message),
        Shape::Lean => content("", &message),
        Shape::Escaped => content(
            &with_properties,
            &format!(r#"line one\nline \"two\" \\ {sequence}\tcaf\u00e9 — naïve ☕ end"#),
        ),
        Shape::Typing => format!(
            r#"{{"sequence":{sequence},{AGENT}}},"serverTimestamp":{timestamp},"event":{{"type":"ChatStateEvent","chatState":"COMPOSING"}},{ids}}}"#
        ),
        // The realistic event has no `,`, `{` or `:` inside its strings.
        Shape::Pretty => content(&with_properties, &message)
            .replace(',', ",\r\n\t")
            .replace('{', "{\r\n\t")
            .replace(':', ": "),
    }
}

fn frame(shape: Shape, changes: u64) -> String {
    let events: Vec<String> = (0..changes).map(|n| event(shape, 123_456 + n)).collect();
    format!("{FRAME_START}{}{FRAME_END}", events.join(","))
}

/// The best time per round of `run(rounds)` in nanoseconds, with rounds
/// sized for about 50 ms per run.
fn best_per_round(runs: usize, mut run: impl FnMut(usize)) -> f64 {
    let mut rounds = 1;
    loop {
        let start = Instant::now();
        run(rounds);
        if start.elapsed() > Duration::from_millis(10) {
            break;
        }
        rounds *= 2;
    }
    rounds *= 5;
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            run(rounds);
            start.elapsed().as_secs_f64() * 1e9 / rounds as f64
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let runs = std::env::var("LP_SCAN_RUNS")
        .ok()
        .and_then(|runs| runs.parse().ok())
        .filter(|&runs| runs > 0)
        .unwrap_or(9);
    println!(
        "The scan uses {}.\n",
        if has_avx2() {
            "AVX2 and PCLMULQDQ"
        } else {
            "its baseline comparisons (no AVX2 here): both scan columns measure them"
        }
    );
    println!(
        "| frame | changes | bytes | scan ns/event | scan GB/s | SSE2 scan ns/event | scan/SSE2 | serde IgnoredAny ns/event | serde GB/s | scan/serde |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (name, shape) in [
        ("realistic", Shape::Realistic),
        ("lean", Shape::Lean),
        ("escaped", Shape::Escaped),
        ("typing", Shape::Typing),
        ("pretty", Shape::Pretty),
    ] {
        for changes in [1, 100] {
            let text = frame(shape, changes);
            for widest in [true, false] {
                assert_eq!(
                    scan_rounds(&text, 1, widest),
                    changes as usize,
                    "the scan decides the {name} frame"
                );
            }
            let scan = best_per_round(runs, |rounds| {
                black_box(scan_rounds(&text, rounds, true));
            });
            let baseline = best_per_round(runs, |rounds| {
                black_box(scan_rounds(&text, rounds, false));
            });
            let serde = best_per_round(runs, |rounds| {
                for _ in 0..rounds {
                    let parsed = serde_json::from_str::<IgnoredAny>(black_box(&text));
                    black_box(parsed.is_ok());
                }
            });
            let per_event = |ns: f64| ns / changes as f64;
            let rate = |ns: f64| text.len() as f64 / ns;
            println!(
                "| {name} | {changes} | {} | {:.1} | {:.2} | {:.1} | {:.2} | {:.1} | {:.2} | {:.2} |",
                text.len(),
                per_event(scan),
                rate(scan),
                per_event(baseline),
                scan / baseline,
                per_event(serde),
                rate(serde),
                scan / serde
            );
        }
    }
}
