//! lp-mock: a local stand-in of LivePerson's consumer endpoint. Prints its
//! URL and the environment a client needs, then serves until killed.

use std::fs;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Parser;
use lp_consumer::mock::{Faults, MockConfig, MockServer};

#[derive(Parser)]
#[command(
    name = "lp-mock",
    version,
    about = "Local stand-in of the LivePerson consumer messaging endpoint (WebSocket on 127.0.0.1)",
    after_help = "Prints `export LP_URL=... LP_ACCOUNT=... LP_JWT=...` lines (and LP_CONV with --history), then serves until SIGINT or SIGTERM."
)]
struct Args {
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Account id in the endpoint's path.
    #[arg(long, default_value = "lp-mock")]
    account: String,
    /// An agent answers each consumer message with "echo: <text>".
    #[arg(long)]
    agent_echo: bool,
    /// Start with a conversation holding N agent messages (printed as LP_CONV).
    #[arg(long, value_name = "N", default_value_t = 0)]
    history: usize,
    /// Changes per notification when replaying history.
    #[arg(long, value_name = "K", default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    batch: u64,
    /// Serve wss:// with this certificate (PEM); needs --tls-key.
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PKCS#8 private key (PEM) of --tls-cert.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Fault: after N frames on a connection, drop it without a close frame.
    #[arg(long, value_name = "N")]
    drop_after: Option<usize>,
    /// Fault: after N frames, close with CODE (e.g. 4401).
    #[arg(long, value_name = "N:CODE", value_parser = parse_close_after)]
    close_after: Option<(usize, u16)>,
    /// Fault: after N frames, send a frame that is not JSON.
    #[arg(long, value_name = "N")]
    garbage_after: Option<usize>,
    /// Fault: send every notification of changes twice.
    #[arg(long)]
    repeat_changes: bool,
    /// Fault: accept connections and never answer.
    #[arg(long)]
    stall: bool,
    /// Fault: answer every upgrade with this HTTP status.
    #[arg(long, value_name = "CODE")]
    handshake_status: Option<u16>,
    /// Apply the faults to the first K connections only.
    #[arg(long, value_name = "K")]
    fault_connections: Option<usize>,
    /// Print only the export lines.
    #[arg(short, long)]
    quiet: bool,
}

fn parse_close_after(text: &str) -> Result<(usize, u16), String> {
    let (frames, code) = text
        .split_once(':')
        .ok_or_else(|| "expected N:CODE, e.g. 3:4401".to_owned())?;
    Ok((
        frames
            .parse()
            .map_err(|_| format!("`{frames}` is not a count"))?,
        code.parse()
            .map_err(|_| format!("`{code}` is not a close code"))?,
    ))
}

fn identity(args: &Args) -> Result<Option<native_tls::Identity>, String> {
    let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) else {
        return Ok(None);
    };
    let read = |path: &PathBuf| {
        fs::read(path).map_err(|err| format!("cannot read {}: {err}", path.display()))
    };
    native_tls::Identity::from_pkcs8(&read(cert)?, &read(key)?)
        .map(Some)
        .map_err(|err| format!("--tls-cert/--tls-key: {err}"))
}

fn main() -> ExitCode {
    let args = Args::parse();
    let tls = match identity(&args) {
        Ok(tls) => tls,
        Err(message) => {
            eprintln!("lp-mock: {message}");
            return ExitCode::from(66);
        }
    };
    let config = MockConfig {
        account: args.account.clone(),
        port: args.port,
        agent_echo: args.agent_echo,
        history: args.history,
        batch: args.batch as usize,
        tls,
        faults: Faults {
            drop_after: args.drop_after,
            close_after: args.close_after,
            garbage_after: args.garbage_after,
            repeat_changes: args.repeat_changes,
            stall: args.stall,
            handshake_status: args.handshake_status,
            fault_connections: args.fault_connections,
        },
    };
    let server = match MockServer::start(config) {
        Ok(server) => server,
        Err(err) => {
            eprintln!("lp-mock: cannot listen on 127.0.0.1:{}: {err}", args.port);
            return ExitCode::from(69);
        }
    };
    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        let _ = signal_hook::flag::register(signal, Arc::clone(&stop));
    }
    let mut lines = Vec::new();
    if !args.quiet {
        lines.push(format!("# lp-mock listening on {}", server.url()));
    }
    lines.push(format!("export LP_URL='{}'", server.url()));
    lines.push(format!("export LP_ACCOUNT='{}'", server.account()));
    if let Some(conversation) = server.history_conversation() {
        lines.push(format!("export LP_CONV='{conversation}'"));
    }
    lines.push(format!(
        "export LP_JWT='{}'",
        server.token(server.default_consumer())
    ));
    let mut stdout = io::stdout().lock();
    // A reader that went away does not stop the server.
    let _ = writeln!(stdout, "{}", lines.join("\n")).and_then(|()| stdout.flush());
    drop(stdout);
    while !stop.load(Ordering::Relaxed) {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    server.shutdown();
    ExitCode::SUCCESS
}
