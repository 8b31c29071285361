//! lp-mock: a local stand-in of LivePerson's consumer endpoint. Prints its
//! URL and the environment a client needs, then serves until SIGINT or
//! SIGTERM. The server itself is `lp_consumer::mock`.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use lp_consumer::mock::{BotRules, DEFAULT_TOKEN_TTL, Faults, MockConfig, MockServer};
use lp_consumer::{ManBlock, ManSection, write_man_page};
use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

/// sysexits.h: EX_DATAERR, EX_NOINPUT, EX_UNAVAILABLE, EX_IOERR.
const EXIT_DATA_ERROR: u8 = 65;
const EXIT_NO_INPUT: u8 = 66;
const EXIT_UNAVAILABLE: u8 = 69;
const EXIT_IO_ERR: u8 = 74;

/// The exit statuses, as the man page lists them.
const EXITS: [(u8, &str); 5] = [
    (0, "stopped by SIGINT or SIGTERM"),
    (2, "usage error"),
    (
        EXIT_NO_INPUT,
        "--tls-cert or --tls-key cannot be read or used",
    ),
    (
        EXIT_UNAVAILABLE,
        "the port cannot be listened on, or signals cannot be handled",
    ),
    (EXIT_IO_ERR, "--man cannot write the page"),
];

#[derive(Parser)]
#[command(
    name = "lp-mock",
    version = lp_consumer::VERSION,
    disable_version_flag = true,
    about = "Local stand-in of the LivePerson consumer messaging endpoint (WebSocket on 127.0.0.1), \
             with the domain API (CSDS) and the IdP on a port of its own",
    after_help = "Prints `export LP_URL=... LP_CSDS=... LP_ACCOUNT=... LP_JWT=...` lines (and \
                  LP_CONV with --history) for `eval`, then serves until SIGINT or SIGTERM. With \
                  only LP_CSDS and LP_ACCOUNT, `lp-consumer login --output env` writes an lp.env \
                  for it.\n\
                  Fault thresholds count the frames sent on a connection after the handshake."
)]
struct Args {
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Account id in the endpoint's path.
    #[arg(long, default_value = "lp-mock", value_parser = parse_account)]
    account: String,
    /// An agent answers each consumer message with "echo: <text>".
    #[arg(long)]
    agent_echo: bool,
    /// An agent plays Botium's echo connector: each consumer message back as
    /// it is; "buttons" comes back with two quick replies, "First Button"
    /// and "Second Button".
    #[arg(long, conflicts_with_all = ["agent_echo", "bot"])]
    botium_echo: bool,
    /// A bot answers the consumer by the rules in this JSON file (see the
    /// README; examples/bot.json is one).
    #[arg(long, value_name = "FILE", conflicts_with = "agent_echo")]
    bot: Option<PathBuf>,
    /// Start with a conversation holding N agent messages (printed as LP_CONV).
    #[arg(long, value_name = "N", default_value_t = 0)]
    history: usize,
    /// Changes per notification when replaying stored events.
    #[arg(long, value_name = "K", default_value_t = 1, value_parser = parse_batch)]
    batch: usize,
    /// Events without the originators' client properties, smaller than the
    /// service's (for comparing speed on both shapes).
    #[arg(long)]
    lean_events: bool,
    /// Serve wss:// with this certificate (PEM); needs --tls-key.
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// PKCS#8 private key (PEM) of --tls-cert.
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Lifetime of the tokens lp-mock mints (LP_JWT, signup, authenticate); a connection is closed with 4407 when its token expires.
    #[arg(long, value_name = "SECS", default_value_t = DEFAULT_TOKEN_TTL, value_parser = clap::value_parser!(u64).range(1..))]
    token_ttl: u64,
    /// Fault: after N frames on a connection, drop it without a close frame.
    #[arg(long, value_name = "N")]
    drop_after: Option<usize>,
    /// Fault: drop the connection instead of sending its frame N (a request done, its answer lost).
    #[arg(long, value_name = "N")]
    drop_before: Option<usize>,
    /// Fault: drop the connection instead of answering the client's request N (it is done, its answer lost).
    #[arg(long, value_name = "N")]
    drop_answer: Option<usize>,
    /// Fault: after N frames, close with CODE (e.g. 3:4401).
    #[arg(long, value_name = "N:CODE", value_parser = parse_close_after)]
    close_after: Option<(usize, u16)>,
    /// Fault: after N frames, send a frame that is not JSON.
    #[arg(long, value_name = "N")]
    garbage_after: Option<usize>,
    /// Fault: send every notification of messaging events twice.
    #[arg(long)]
    repeat_changes: bool,
    /// Fault: hold every notification of messaging events, the consumer's
    /// own included, until the next conversation snapshot or change has
    /// gone out, however long that takes (the close before the last words).
    #[arg(long)]
    events_late: bool,
    /// Fault: accept connections and never read or answer.
    #[arg(long)]
    stall: bool,
    /// Fault: after N frames, stop reading and answering, pings included.
    #[arg(long, value_name = "N")]
    deaf_after: Option<usize>,
    /// Fault: answer every upgrade with this HTTP status (e.g. 403, 429, 503).
    #[arg(long, value_name = "CODE", value_parser = clap::value_parser!(u16).range(200..=599))]
    handshake_status: Option<u16>,
    /// Fault: answer every CSDS request with this HTTP status (e.g. 503).
    #[arg(long, value_name = "CODE", value_parser = clap::value_parser!(u16).range(200..=599))]
    csds_status: Option<u16>,
    /// Fault: answer every IdP request with this HTTP status (e.g. 401, 429).
    #[arg(long, value_name = "CODE", value_parser = clap::value_parser!(u16).range(200..=599))]
    idp_status: Option<u16>,
    /// Apply the faults to the first K connections only.
    #[arg(long, value_name = "K")]
    fault_connections: Option<usize>,
    /// Print only the export lines.
    #[arg(short, long)]
    quiet: bool,
    /// With --version, also name the TLS library.
    #[arg(short, long)]
    verbose: bool,
    #[arg(short = 'V', long, action = clap::ArgAction::Version, help = lp_consumer::VERSION_HELP)]
    version: (),
    /// Print this manual as a man page (roff) and exit, e.g. `lp-mock --man > ~/.local/share/man/man1/lp-mock.1`.
    #[arg(long)]
    man: bool,
}

/// Account ids are path segments; LivePerson's are digits.
fn parse_account(text: &str) -> Result<String, String> {
    if lp_consumer::is_account_id(text) {
        Ok(text.to_owned())
    } else {
        Err("use letters, digits, '-' and '_' only, as lp-consumer's --account does".to_owned())
    }
}

fn parse_batch(text: &str) -> Result<usize, String> {
    match text.parse() {
        Ok(0) => Err("must be at least 1".to_owned()),
        Ok(batch) => Ok(batch),
        Err(_) => Err(format!("`{text}` is not a count")),
    }
}

fn parse_close_after(text: &str) -> Result<(usize, u16), String> {
    let (frames, code) = text
        .split_once(':')
        .ok_or_else(|| "expected N:CODE, e.g. 3:4401".to_owned())?;
    let frames = frames
        .parse()
        .map_err(|_| format!("`{frames}` is not a count"))?;
    // 1005, 1006 and 1015 stand for "no code", "dropped" and "TLS failed":
    // they are never sent in a close frame.
    let code = code
        .parse()
        .ok()
        .filter(|code| (1000..5000).contains(code) && ![1005, 1006, 1015].contains(code))
        .ok_or_else(|| {
            format!(
                "`{code}` is not a close code that can be sent (1000-4999 but 1005, 1006, 1015)"
            )
        })?;
    Ok((frames, code))
}

fn identity(cert: &Path, key: &Path) -> Result<native_tls::Identity, String> {
    let read = |path: &Path| {
        fs::read(path).map_err(|err| format!("cannot read {}: {err}", path.display()))
    };
    native_tls::Identity::from_pkcs8(&read(cert)?, &read(key)?)
        .map_err(|err| format!("--tls-cert/--tls-key: {err}"))
}

/// The rules of --bot, or the exit code and message to end with.
fn bot_rules(path: &Path) -> Result<BotRules, (u8, String)> {
    let text = fs::read_to_string(path).map_err(|err| {
        (
            EXIT_NO_INPUT,
            format!("cannot read {}: {err}", path.display()),
        )
    })?;
    BotRules::from_json(&text)
        .map_err(|err| (EXIT_DATA_ERROR, format!("{}: {err}", path.display())))
}

/// `export NAME='value'`, quoted for any shell.
fn export(name: &str, value: &str) -> String {
    format!("export {name}='{}'", value.replace('\'', r"'\''"))
}

/// lp-mock(1): the options from `Args`, then these sections.
fn man_page(out: &mut dyn Write) -> io::Result<()> {
    let examples = [
        (
            "In one terminal, a stand-in with an agent that echoes; it prints the export lines \
             to paste into another terminal, where lp-consumer then talks to it:",
            "lp-mock --agent-echo",
        ),
        (
            "A conversation with 100000 agent messages, replayed 100 per notification, for a \
             throughput test:",
            "lp-mock --history 100000 --batch 100",
        ),
        (
            "A network that fails: the first two connections are closed with code 1011 after \
             three frames:",
            "lp-mock --close-after 3:1011 --fault-connections 2",
        ),
        (
            "From a script, with bash's coproc (scripts/demo does so):",
            "coproc MOCK { exec lp-mock --quiet --agent-echo; }\n\
             while read -r line <&\"${MOCK[0]}\"; do\n\
             \x20 eval \"$line\"\n\
             \x20 case $line in export\\ LP_JWT=*) break ;; esac\n\
             done",
        ),
    ];
    let sections = [
        ManSection {
            title: "EXIT STATUS",
            blocks: EXITS
                .iter()
                .map(|(code, meaning)| ManBlock::Item(code.to_string(), (*meaning).to_owned()))
                .collect(),
        },
        ManSection {
            title: "EXAMPLES",
            blocks: examples
                .iter()
                .flat_map(|(text, code)| {
                    [
                        ManBlock::Paragraph((*text).to_owned()),
                        ManBlock::Code((*code).to_owned()),
                    ]
                })
                .collect(),
        },
        ManSection {
            title: "SEE ALSO",
            blocks: vec![ManBlock::Paragraph("lp-consumer(1)".to_owned())],
        },
    ];
    write_man_page(Args::command(), &sections, out)
}

fn main() -> ExitCode {
    let args: Args = lp_consumer::parse_or_exit();
    if args.man {
        let mut stdout = io::stdout().lock();
        return match man_page(&mut stdout).and_then(|()| stdout.flush()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) if err.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("lp-mock: cannot write the man page: {err}");
                ExitCode::from(EXIT_IO_ERR)
            }
        };
    }
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => match identity(cert, key) {
            Ok(identity) => Some(identity),
            Err(message) => {
                eprintln!("lp-mock: {message}");
                return ExitCode::from(EXIT_NO_INPUT);
            }
        },
        _ => None,
    };
    let bot = match args.bot.as_deref().map(bot_rules).transpose() {
        Ok(bot) => bot,
        Err((code, message)) => {
            eprintln!("lp-mock: {message}");
            return ExitCode::from(code);
        }
    };
    // Registered before serving, so that an early signal is not lost.
    let mut signals = match Signals::new([SIGINT, SIGTERM]) {
        Ok(signals) => signals,
        Err(err) => {
            eprintln!("lp-mock: cannot handle signals: {err}");
            return ExitCode::from(EXIT_UNAVAILABLE);
        }
    };
    let config = MockConfig {
        account: args.account,
        port: args.port,
        agent_echo: args.agent_echo,
        botium_echo: args.botium_echo,
        history: args.history,
        batch: args.batch,
        lean_events: args.lean_events,
        tls,
        token_ttl: args.token_ttl,
        faults: Faults {
            drop_after: args.drop_after,
            drop_before: args.drop_before,
            drop_answer: args.drop_answer,
            close_after: args.close_after,
            garbage_after: args.garbage_after,
            repeat_changes: args.repeat_changes,
            events_late: args.events_late,
            stall: args.stall,
            deaf_after: args.deaf_after,
            handshake_status: args.handshake_status,
            fault_connections: args.fault_connections,
            inject: Vec::new(),
            csds_status: args.csds_status,
            idp_status: args.idp_status,
        },
        bot,
    };
    let server = match MockServer::start(config) {
        Ok(server) => server,
        Err(err) => {
            eprintln!("lp-mock: cannot listen on 127.0.0.1:{}: {err}", args.port);
            return ExitCode::from(EXIT_UNAVAILABLE);
        }
    };
    let mut lines = Vec::new();
    if !args.quiet {
        lines.push(format!("# lp-mock listening on {}", server.url()));
    }
    lines.push(export("LP_URL", &server.url()));
    lines.push(export("LP_CSDS", &server.csds_url()));
    lines.push(export("LP_ACCOUNT", server.account()));
    if let Some(conversation) = server.history_conversation() {
        lines.push(export("LP_CONV", &conversation));
    }
    lines.push(export("LP_JWT", &server.token(server.default_consumer())));
    let mut stdout = io::stdout().lock();
    // A reader that went away does not stop the server.
    let _ = writeln!(stdout, "{}", lines.join("\n")).and_then(|()| stdout.flush());
    drop(stdout);
    signals.forever().next();
    server.shutdown();
    ExitCode::SUCCESS
}
