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

use std::io::{BufRead, BufReader};
use std::process::Child;

use tungstenite::client::IntoClientRequest;
use tungstenite::{Message, client};

const BIN: &str = env!("CARGO_BIN_EXE_lp-consumer");
const MOCK: &str = env!("CARGO_BIN_EXE_lp-mock");

/// lp-mock in its own process: a child forked from a process that holds a
/// million events would report that process's memory as its own peak RSS.
struct Mock {
    child: Child,
    url: String,
    token: String,
    conversation: String,
}

impl Mock {
    fn start(history: usize, batch: usize) -> Mock {
        let mut child = Command::new(MOCK)
            .args(["--quiet", "--history"])
            .arg(history.to_string())
            .arg("--batch")
            .arg(batch.to_string())
            .stdout(Stdio::piped())
            .spawn()
            .expect("lp-mock starts");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut value = |name: &str| {
            let line = lines.next().expect("an export line").unwrap();
            let prefix = format!("export {name}='");
            line.strip_prefix(&prefix)
                .and_then(|rest| rest.strip_suffix('\''))
                .unwrap_or_else(|| panic!("unexpected line {line}"))
                .to_owned()
        };
        let url = value("LP_URL");
        value("LP_ACCOUNT");
        let conversation = value("LP_CONV");
        let token = value("LP_JWT");
        Mock {
            child,
            url,
            token,
            conversation,
        }
    }

    fn port(&self) -> u16 {
        let rest = self.url.split("127.0.0.1:").nth(1).unwrap();
        rest.split('/').next().unwrap().parse().unwrap()
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

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

fn subscribe(mock: &Mock, count: usize) -> Command {
    let mut command = Command::new(BIN);
    command
        .env_clear()
        .env("LP_URL", &mock.url)
        .env("LP_JWT", &mock.token)
        .args([
            "subscribe",
            &mock.conversation,
            "--from-seq",
            "0",
            "--count",
        ])
        .arg(count.to_string())
        .stdin(Stdio::null())
        .stderr(Stdio::inherit());
    command
}

/// Bytes lp-consumer prints for the replay (one untimed run).
fn output_bytes(mock: &Mock, count: usize) -> u64 {
    let mut child = subscribe(mock, count)
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
fn mock_rate(mock: &Mock, frames: usize) -> f64 {
    let tcp = TcpStream::connect(("127.0.0.1", mock.port())).unwrap();
    let mut request = mock.url.as_str().into_client_request().unwrap();
    let auth = format!("jwt {}", mock.token);
    request
        .headers_mut()
        .insert("Authorization", auth.parse().unwrap());
    let (mut ws, _) = client(request, tcp).expect("handshake");
    let subscribe = subscribe_request(&mock.conversation);
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

fn subscribe_request(conversation: &str) -> String {
    format!(
        r#"{{"kind":"req","id":"1","type":"ms.SubscribeMessagingEvents","body":{{"dialogId":"{conversation}","fromSeq":0}}}}"#
    )
}

fn websocat_on_path() -> bool {
    Command::new("websocat")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

/// websocat reading the same stream raw: the subscribe request on stdin,
/// and it ends after the last frame; the pipeline fails unless every frame
/// arrived (`wc -l` stands in for /dev/null).
fn websocat(mock: &Mock, frames: usize) -> Command {
    let script = format!(
        "printf '%s\\n' '{subscribe}' \
         | websocat -n -t --max-messages-rev {lines} -H='Authorization: jwt {token}' '{url}' \
         | wc -l | grep -qx {lines}",
        subscribe = subscribe_request(&mock.conversation),
        token = mock.token,
        url = mock.url,
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
            let mock = Mock::start(events, batch);
            let frames = events.div_ceil(batch);
            let bytes = output_bytes(&mock, events);
            let mut times = Vec::new();
            let mut peak = 0;
            for _ in 0..runs {
                let devnull = File::create("/dev/null").unwrap();
                let (time, rss) = measure(subscribe(&mock, events).stdout(devnull));
                times.push(time.as_secs_f64());
                peak = peak.max(rss);
            }
            let time = median(times);
            let rate = events as f64 / time;
            let mock_events = mock_rate(&mock, frames) * batch as f64;
            let (websocat_rate, ratio) = if with_websocat {
                let times: Vec<f64> = (0..runs)
                    .map(|_| measure(&mut websocat(&mock, frames)).0.as_secs_f64())
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
                mock_events,
                websocat_rate,
                ratio
            );
        }
    }

    let token = lp_consumer::encode_unsigned(&serde_json::json!({"sub": "bench"}));
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

    let mock = Mock::start(1, 1);
    let first: Vec<f64> = (0..21)
        .map(|_| {
            let devnull = File::create("/dev/null").unwrap();
            measure(subscribe(&mock, 1).stdout(devnull)).0.as_secs_f64() * 1e3
        })
        .collect();
    println!(
        "connect + subscribe + first event: median {:.2} ms (21 runs, whole process, ws://)",
        median(first)
    );
}
