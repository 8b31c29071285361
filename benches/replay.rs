//! `cargo bench --bench replay`: how fast lp-consumer gets a replayed history
//! into a pipeline, and in how much memory, against lp-mock on loopback,
//! beside websocat reading the same stream raw.
//!
//! For each event shape (LivePerson's, about 485 bytes with the originator's
//! client properties, and the lean one of the schema's examples), each size
//! (LP_BENCH_SIZES, default 10000,100000,1000000) and each framing (one
//! change per notification, as the service sends them, and 100 per
//! notification), it times `lp-consumer subscribe --from-seq 0 --count N |
//! wc -l`, the floor (below) `| wc -l` and `websocat ... | wc -l` (when
//! websocat is on PATH), in turn, LP_BENCH_RUNS times each (default 3), and
//! reports medians; with lp-consumer's peak RSS from wait4(2) and lp-mock's
//! own rate with a client that discards frames; and the same replay with
//! `--state-file` (a new file each run), as a rate and as its cost against
//! the plain one. Then `jwt-sub`'s wall time and connect-to-first-event
//! latency. Loopback only; it stops by itself.
//!
//! The floor is what any client of this stream pays: this program run again
//! as `floor`, it subscribes with the same tungstenite and copies each
//! frame, unread, as a line into the same pipe, through a 1 MiB write
//! buffer into a 1 MiB pipe buffer. What lp-consumer costs beyond it is its
//! own work: validating, splitting and printing each event.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tungstenite::client::IntoClientRequest;
use tungstenite::{Message, WebSocket, client};

mod support;

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
    fn start(history: usize, batch: usize, lean: bool) -> Mock {
        let mut command = Command::new(MOCK);
        command
            .args(["--quiet", "--history"])
            .arg(history.to_string())
            .arg("--batch")
            .arg(batch.to_string())
            .stdout(Stdio::piped());
        if lean {
            command.arg("--lean-events");
        }
        let mut child = command.spawn().expect("lp-mock starts");
        let exports: std::collections::HashMap<String, String> =
            support::exports(child.stdout.take().unwrap())
                .into_iter()
                .collect();
        let value = |name: &str| {
            exports
                .get(name)
                .cloned()
                .unwrap_or_else(|| panic!("no {name}"))
        };
        let (url, conversation, token) = (value("LP_URL"), value("LP_CONV"), value("LP_JWT"));
        Mock {
            child,
            url,
            token,
            conversation,
        }
    }
}

fn port_of(url: &str) -> u16 {
    let rest = url.split("127.0.0.1:").nth(1).unwrap();
    rest.split('/').next().unwrap().parse().unwrap()
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

/// A whole run of `command`, output discarded, in milliseconds; it must
/// succeed.
fn wall_ms(command: &mut Command) -> f64 {
    let start = Instant::now();
    let mut child = command
        .stdout(File::create("/dev/null").unwrap())
        .spawn()
        .unwrap();
    assert!(child.wait().unwrap().success());
    start.elapsed().as_secs_f64() * 1e3
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Runs `producer | wc -l` to the end, writing `input` to the producer's
/// stdin; checks that `lines` lines came out. Returns the wall time and
/// the producer's peak RSS in KiB.
fn pipeline(producer: &mut Command, input: &str, lines: usize) -> (Duration, i64) {
    let start = Instant::now();
    // Reaped by wait4 in `reap`, which also reports the peak RSS.
    #[allow(clippy::zombie_processes)]
    let mut child = producer
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the command starts");
    let mut wc = Command::new("wc")
        .arg("-l")
        .stdin(child.stdout.take().unwrap())
        .stdout(Stdio::piped())
        .spawn()
        .expect("wc starts");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).unwrap();
    drop(stdin);
    let rss = support::reap(&child);
    let mut counted = String::new();
    wc.stdout
        .take()
        .unwrap()
        .read_to_string(&mut counted)
        .unwrap();
    assert!(wc.wait().unwrap().success());
    let elapsed = start.elapsed();
    assert_eq!(counted.trim(), lines.to_string(), "lines out");
    (elapsed, rss)
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
        .arg(count.to_string());
    command
}

/// Bytes lp-consumer prints for the replay (one untimed run).
fn output_bytes(mock: &Mock, count: usize) -> u64 {
    let mut child = subscribe(mock, count)
        .stdin(Stdio::null())
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

/// A WebSocket to lp-mock at `url`, with `token`.
fn connect(url: &str, token: &str) -> WebSocket<TcpStream> {
    let tcp = TcpStream::connect(("127.0.0.1", port_of(url))).unwrap();
    let mut request = url.into_client_request().unwrap();
    let auth = format!("jwt {token}");
    request
        .headers_mut()
        .insert("Authorization", auth.parse().unwrap());
    client(request, tcp).expect("handshake").0
}

/// lp-mock's own rate: a client that counts frames and parses nothing.
fn mock_rate(mock: &Mock, frames: usize) -> f64 {
    let mut ws = connect(&mock.url, &mock.token);
    let start = Instant::now();
    ws.send(Message::text(subscribe_request(&mock.conversation)))
        .unwrap();
    let mut seen = 0;
    // The response, then the notifications.
    while seen < frames + 1 {
        if let Message::Text(_) = ws.read().unwrap() {
            seen += 1;
        }
    }
    frames as f64 / start.elapsed().as_secs_f64()
}

/// The size of the floor's write buffer and of the pipe buffer it asks for.
const FLOOR_BUFFER: usize = 1 << 20;

/// The floor: subscribes to `conversation` and writes the response and the
/// next `frames` frames to stdout as they came, one per line.
fn floor(url: &str, token: &str, conversation: &str, frames: usize) {
    let mut ws = connect(url, token);
    ws.send(Message::text(subscribe_request(conversation)))
        .unwrap();
    let stdout = std::io::stdout().lock();
    // SAFETY: fcntl on stdout's descriptor, as lp-consumer's `widen_pipe`.
    unsafe {
        libc::fcntl(
            stdout.as_raw_fd(),
            libc::F_SETPIPE_SZ,
            FLOOR_BUFFER as libc::c_int,
        )
    };
    let mut out = BufWriter::with_capacity(FLOOR_BUFFER, stdout);
    let mut seen = 0;
    while seen < frames + 1 {
        if let Message::Text(text) = ws.read().unwrap() {
            out.write_all(text.as_bytes()).unwrap();
            out.write_all(b"\n").unwrap();
            seen += 1;
        }
    }
    out.flush().unwrap();
}

/// This program as the floor for `mock`'s stream of `frames` frames.
fn floor_command(mock: &Mock, frames: usize) -> Command {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .arg("floor")
        .args([&mock.url, &mock.token, &mock.conversation])
        .arg(frames.to_string());
    command
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
/// and it ends after the last frame (the response and the notifications).
fn websocat(mock: &Mock, frames: usize) -> Command {
    let mut command = Command::new("websocat");
    command
        .args(["-n", "-t", "--max-messages-rev"])
        .arg((frames + 1).to_string())
        .arg(format!("-H=Authorization: jwt {}", mock.token))
        .arg(&mock.url);
    command
}

fn main() {
    // `cargo bench` passes --bench; `floor` is this program run by itself.
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [mode, url, token, conversation, frames] = args.as_slice()
        && mode == "floor"
    {
        floor(url, token, conversation, frames.parse().unwrap());
        return;
    }
    let sizes = env_list("LP_BENCH_SIZES", &[10_000, 100_000, 1_000_000]);
    let runs = env_list("LP_BENCH_RUNS", &[3])[0].max(1);
    let with_websocat = websocat_on_path();
    println!(
        "replay: lp-consumer subscribe --from-seq 0 --count N | wc -l, the floor | wc -l and \
         websocat | wc -l (in turn, median of {runs}); loopback ws://"
    );
    println!(
        "{:>11} {:>9} {:>6} {:>11} {:>8} {:>10} {:>13} {:>11} {:>6} {:>13} {:>6} {:>7} {:>15} {:>6}",
        "shape",
        "events",
        "batch",
        "events/s",
        "MB/s",
        "peak RSS",
        "lp-mock ev/s",
        "floor ev/s",
        "/floor",
        "websocat ev/s",
        "/floor",
        "ratio",
        "state-file ev/s",
        "cost"
    );
    let state_dir = tempfile::tempdir().expect("a temporary folder");
    let state_file = state_dir.path().join("cursor");
    for (shape, lean) in [("liveperson", false), ("lean", true)] {
        for &events in &sizes {
            for batch in [1, 100] {
                let mock = Mock::start(events, batch, lean);
                let frames = events.div_ceil(batch);
                let bytes = output_bytes(&mock, events);
                let mut ours = Vec::new();
                let mut floors = Vec::new();
                let mut theirs = Vec::new();
                let mut stored = Vec::new();
                let mut peak = 0;
                for _ in 0..runs {
                    let (time, rss) = pipeline(&mut subscribe(&mock, events), "", events);
                    ours.push(time.as_secs_f64());
                    peak = peak.max(rss);
                    let (time, _) = pipeline(&mut floor_command(&mock, frames), "", frames + 1);
                    floors.push(time.as_secs_f64());
                    // A new file each run: an old cursor would skip the replay.
                    let _ = std::fs::remove_file(&state_file);
                    let mut with_state = subscribe(&mock, events);
                    with_state.arg("--state-file").arg(&state_file);
                    let (time, _) = pipeline(&mut with_state, "", events);
                    stored.push(time.as_secs_f64());
                    if with_websocat {
                        let request = subscribe_request(&mock.conversation) + "\n";
                        let (time, _) =
                            pipeline(&mut websocat(&mock, frames), &request, frames + 1);
                        theirs.push(time.as_secs_f64());
                    }
                }
                let time = median(ours);
                let rate = events as f64 / time;
                let stored_time = median(stored);
                let mock_events = mock_rate(&mock, frames) * batch as f64;
                let floor_rate = events as f64 / median(floors);
                let (websocat_rate, websocat_floor, ratio) = if with_websocat {
                    let theirs = events as f64 / median(theirs);
                    (
                        format!("{theirs:.0}"),
                        format!("{:.2}", theirs / floor_rate),
                        format!("{:.2}x", rate / theirs),
                    )
                } else {
                    ("(absent)".to_owned(), "-".to_owned(), "-".to_owned())
                };
                println!(
                    "{:>11} {:>9} {:>6} {:>11.0} {:>8.1} {:>6} KiB {:>13.0} {:>11.0} {:>6.2} {:>13} {:>6} {:>7} {:>15.0} {:>5.2}x",
                    shape,
                    events,
                    batch,
                    rate,
                    bytes as f64 / time / 1e6,
                    peak,
                    mock_events,
                    floor_rate,
                    rate / floor_rate,
                    websocat_rate,
                    websocat_floor,
                    ratio,
                    events as f64 / stored_time,
                    stored_time / time
                );
            }
        }
    }

    let token = lp_consumer::encode_unsigned(&serde_json::json!({"sub": "bench"}));
    let jwt_times: Vec<f64> = (0..21)
        .map(|_| {
            wall_ms(
                Command::new(BIN)
                    .env_clear()
                    .env("LP_JWT", &token)
                    .arg("jwt-sub"),
            )
        })
        .collect();
    println!(
        "jwt-sub: median {:.2} ms (21 runs, whole process)",
        median(jwt_times)
    );

    let mock = Mock::start(1, 1, false);
    let first: Vec<f64> = (0..21)
        .map(|_| wall_ms(subscribe(&mock, 1).stdin(Stdio::null())))
        .collect();
    println!(
        "connect + subscribe + first event: median {:.2} ms (21 runs, whole process, ws://)",
        median(first)
    );
}
