//! `cargo bench --bench replay`: how fast lp-consumer gets a replayed history
//! into a pipeline, and in how much memory, against lp-mock on loopback.
//!
//! For each size (LP_BENCH_SIZES, default 10000,100000,1000000) and each
//! framing (one change per notification, as the service sends them, and 100
//! per notification), it times `lp-consumer subscribe --from-seq 0 --count
//! N`, stdout to /dev/null, as a whole process (median of LP_BENCH_RUNS,
//! default 3), with its peak RSS from wait4(2); lp-mock's own rate, read by a client that
//! discards frames; and websocat reading the same stream raw, when it is on
//! PATH. Then `jwt-sub`'s wall time and connect-to-first-event latency.
//! Loopback only; it stops by itself.

use std::fs::File;
use std::io::Read;
use std::net::TcpStream;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use lp_consumer::mock::{MockConfig, MockServer};
use tungstenite::client::IntoClientRequest;
use tungstenite::{Message, client};

const BIN: &str = env!("CARGO_BIN_EXE_lp-consumer");

fn env_list(name: &str, default: &[usize]) -> Vec<usize> {
    std::env::var(name)
        .ok()
        .map(|text| {
            text.split(',')
                .filter_map(|n| n.trim().parse().ok())
                .collect()
        })
        .unwrap_or_else(|| default.to_vec())
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Runs a command to the end; returns its wall time and peak RSS in KiB.
fn measure(command: &mut Command) -> (Duration, i64) {
    let start = Instant::now();
    // Reaped by wait4 below, which also reports the child's peak RSS.
    #[allow(clippy::zombie_processes)]
    let child = command.spawn().expect("the command starts");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = start.elapsed();
    assert_eq!(waited, pid, "wait4 failed");
    let status = ExitStatus::from_raw(status);
    assert!(status.success(), "{command:?} ended with {status}");
    (elapsed, usage.ru_maxrss)
}

fn subscribe(server: &MockServer, conversation: &str, count: usize) -> Command {
    let mut command = Command::new(BIN);
    command
        .env_clear()
        .env("LP_URL", server.url())
        .env("LP_JWT", server.token(server.default_consumer()))
        .args(["subscribe", conversation, "--from-seq", "0", "--count"])
        .arg(count.to_string())
        .stdin(Stdio::null())
        .stderr(Stdio::inherit());
    command
}

/// Bytes lp-consumer prints for the replay (one untimed run).
fn output_bytes(server: &MockServer, conversation: &str, count: usize) -> u64 {
    let mut child = subscribe(server, conversation, count)
        .stdout(Stdio::piped())
        .spawn()
        .expect("lp-consumer starts");
    let mut bytes = 0u64;
    let mut buffer = vec![0u8; 1 << 16];
    let mut stdout = child.stdout.take().unwrap();
    loop {
        match stdout.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => bytes += n as u64,
            Err(err) => panic!("reading lp-consumer: {err}"),
        }
    }
    assert!(child.wait().unwrap().success());
    bytes
}

/// lp-mock's own rate: a client that counts frames and parses nothing.
fn mock_rate(server: &MockServer, conversation: &str, frames: usize) -> f64 {
    let tcp = TcpStream::connect(server.local_addr()).unwrap();
    let mut request = server.url().into_client_request().unwrap();
    let auth = format!("jwt {}", server.token(server.default_consumer()));
    request
        .headers_mut()
        .insert("Authorization", auth.parse().unwrap());
    let (mut ws, _) = client(request, tcp).expect("handshake");
    let subscribe = format!(
        r#"{{"kind":"req","id":"1","type":"ms.SubscribeMessagingEvents","body":{{"dialogId":"{conversation}","fromSeq":0}}}}"#
    );
    let start = Instant::now();
    ws.send(Message::text(subscribe)).unwrap();
    let mut seen = 0;
    // The response, then the notifications.
    while seen < frames + 1 {
        if let Message::Text(_) = ws.read().unwrap() {
            seen += 1;
        }
    }
    frames as f64 / start.elapsed().as_secs_f64()
}

fn websocat_on_path() -> bool {
    Command::new("websocat")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// websocat reading the same stream raw: the subscribe request on stdin, the
/// frames to `head`, which ends the pipeline after the last one.
fn websocat(server: &MockServer, conversation: &str, frames: usize) -> Command {
    let subscribe = format!(
        r#"{{"kind":"req","id":"1","type":"ms.SubscribeMessagingEvents","body":{{"dialogId":"{conversation}","fromSeq":0}}}}"#
    );
    let script = format!(
        "printf '%s\\n' '{subscribe}' | websocat -n -t -H 'Authorization: jwt {token}' '{url}' \
         | head -n {lines} > /dev/null",
        token = server.token(server.default_consumer()),
        url = server.url(),
        lines = frames + 1,
    );
    let mut command = Command::new("sh");
    command.args(["-c", &script]).stdin(Stdio::null());
    command
}

fn main() {
    // `cargo bench` passes --bench; nothing else is taken from argv.
    let sizes = env_list("LP_BENCH_SIZES", &[10_000, 100_000, 1_000_000]);
    let runs = env_list("LP_BENCH_RUNS", &[3])[0].max(1);
    let with_websocat = websocat_on_path();
    println!(
        "replay: lp-consumer subscribe --from-seq 0 --count N > /dev/null (median of {runs}); loopback ws://"
    );
    println!(
        "{:>9} {:>7} {:>12} {:>9} {:>10} {:>14} {:>13} {:>9}",
        "events", "batch", "events/s", "MB/s", "peak RSS", "lp-mock ev/s", "websocat ev/s", "ratio"
    );
    for &events in &sizes {
        for batch in [1, 100] {
            let server = MockServer::start(MockConfig {
                history: events,
                batch,
                ..MockConfig::default()
            })
            .expect("lp-mock starts");
            let conversation = server.history_conversation().expect("history");
            let frames = events.div_ceil(batch);
            let bytes = output_bytes(&server, &conversation, events);
            let mut times = Vec::new();
            let mut peak = 0;
            for _ in 0..runs {
                let devnull = File::create("/dev/null").unwrap();
                let (time, rss) =
                    measure(subscribe(&server, &conversation, events).stdout(devnull));
                times.push(time.as_secs_f64());
                peak = peak.max(rss);
            }
            let time = median(times);
            let rate = events as f64 / time;
            let mock = mock_rate(&server, &conversation, frames) * batch as f64;
            let (websocat_rate, ratio) = if with_websocat {
                let times: Vec<f64> = (0..runs)
                    .map(|_| {
                        measure(&mut websocat(&server, &conversation, frames))
                            .0
                            .as_secs_f64()
                    })
                    .collect();
                let theirs = events as f64 / median(times);
                (format!("{theirs:.0}"), format!("{:.2}x", rate / theirs))
            } else {
                ("(absent)".to_owned(), "-".to_owned())
            };
            println!(
                "{:>9} {:>7} {:>12.0} {:>9.1} {:>7} KiB {:>14.0} {:>13} {:>9}",
                events,
                batch,
                rate,
                bytes as f64 / time / 1e6,
                peak,
                mock,
                websocat_rate,
                ratio
            );
        }
    }

    let token = lp_consumer::jwt::encode_unsigned(&serde_json::json!({"sub": "bench"}));
    let jwt_times: Vec<f64> = (0..21)
        .map(|_| {
            let devnull = File::create("/dev/null").unwrap();
            let mut command = Command::new(BIN);
            command
                .env_clear()
                .env("LP_JWT", &token)
                .arg("jwt-sub")
                .stdout(devnull);
            measure(&mut command).0.as_secs_f64() * 1e3
        })
        .collect();
    println!(
        "jwt-sub: median {:.2} ms (21 runs, whole process)",
        median(jwt_times)
    );

    let server = MockServer::start(MockConfig {
        history: 1,
        ..MockConfig::default()
    })
    .expect("lp-mock starts");
    let conversation = server.history_conversation().unwrap();
    let first: Vec<f64> = (0..21)
        .map(|_| {
            let devnull = File::create("/dev/null").unwrap();
            measure(subscribe(&server, &conversation, 1).stdout(devnull))
                .0
                .as_secs_f64()
                * 1e3
        })
        .collect();
    println!(
        "connect + subscribe + first event: median {:.2} ms (21 runs, whole process, ws://)",
        median(first)
    );
}
