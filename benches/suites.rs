//! `cargo bench --bench suites`: `lp-consumer test` running 1, 50 and 200
//! convos at once (LP_BENCH_CONVOS to change) against lp-mock's bot, each
//! convo its own consumer (a signup) and conversation, three exchanges
//! each; the bot answers after a fixed delay (LP_BENCH_BOT_DELAY_MS,
//! default 20). Prints each run's wall time, lp-consumer's peak RSS from
//! wait4(2), and the reply-latency percentiles as `test` reports them, with
//! p95's excess over the bot's own delay. Loopback only; it stops by
//! itself.

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use serde_json::Value;

mod support;

const BIN: &str = env!("CARGO_BIN_EXE_lp-consumer");
const MOCK: &str = env!("CARGO_BIN_EXE_lp-mock");
/// Exchanges per convo.
const EXCHANGES: usize = 3;

/// lp-mock with the bot, in its own process, and the variables it exports.
struct Mock {
    child: Child,
    exports: Vec<(String, String)>,
}

impl Mock {
    fn start(rules: &std::path::Path) -> Mock {
        let mut child = Command::new(MOCK)
            .args(["--quiet", "--bot"])
            .arg(rules)
            .stdout(Stdio::piped())
            .spawn()
            .expect("lp-mock starts");
        // Without a token, `test` signs up a consumer per convo.
        let exports = support::exports(child.stdout.take().unwrap())
            .into_iter()
            .filter(|(name, _)| name != "LP_JWT")
            .collect();
        Mock { child, exports }
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn main() {
    let counts: Vec<usize> = std::env::var("LP_BENCH_CONVOS")
        .ok()
        .map(|text| {
            text.split(',')
                .filter_map(|n| n.trim().parse().ok())
                .collect()
        })
        .unwrap_or_else(|| vec![1, 50, 200]);
    let delay_ms: u64 = std::env::var("LP_BENCH_BOT_DELAY_MS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(20);
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("bot.json");
    std::fs::write(
        &rules,
        format!(
            r#"{{"rules": [{{"when": "*", "reply": [{{"delay": {}}}, {{"text": "pong"}}]}}]}}"#,
            delay_ms as f64 / 1e3
        ),
    )
    .unwrap();
    let mock = Mock::start(&rules);
    println!(
        "lp-consumer test, {EXCHANGES} exchanges per convo, the bot answering after {delay_ms} ms"
    );
    println!();
    println!(
        "| convos at once | passed | wall time | peak RSS | reply p50 | reply p95 | reply max | p95 - bot delay |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for count in counts {
        let suite = dir.path().join(format!("suite-{count}"));
        std::fs::create_dir(&suite).unwrap();
        for n in 0..count {
            let mut convo = format!("convo {n}\n");
            for k in 0..EXCHANGES {
                convo.push_str(&format!("\n#me\nping {n} {k}\n\n#bot\npong\n"));
            }
            std::fs::write(suite.join(format!("c{n:04}.convo.txt")), convo).unwrap();
        }
        let mut command = Command::new(BIN);
        command
            .env_clear()
            .envs(mock.exports.iter().map(|(name, value)| (name, value)))
            .env("XDG_CACHE_HOME", dir.path().join("cache"))
            .args(["test", "--jobs"])
            .arg(count.to_string())
            .arg(&suite)
            .stdin(Stdio::null())
            .stdout(Stdio::piped());
        let started = Instant::now();
        // Reaped by wait4 in `reap`, which also reports the peak RSS.
        #[allow(clippy::zombie_processes)]
        let mut child = command.spawn().expect("lp-consumer runs");
        let mut stdout = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut stdout)
            .unwrap();
        let rss_kib = support::reap(&child);
        let wall = started.elapsed();
        let summary: Value =
            serde_json::from_str(stdout.lines().last().expect("a summary")).expect("JSON");
        let summary = &summary["summary"];
        let reply = |name: &str| summary["replyMs"][name].as_f64().unwrap_or(f64::NAN);
        println!(
            "| {count} | {} | {:.2} s | {:.1} MiB | {:.1} ms | {:.1} ms | {:.1} ms | {:.1} ms |",
            summary["passed"],
            wall.as_secs_f64(),
            rss_kib as f64 / 1024.0,
            reply("p50"),
            reply("p95"),
            reply("max"),
            reply("p95") - delay_ms as f64
        );
    }
}
