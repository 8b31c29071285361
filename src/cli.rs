//! The command-line surface: every flag, subcommand and env fallback is
//! declared here and nowhere else.

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::PathBuf;
use std::time::Duration;

use clap::builder::NonEmptyStringValueParser;
use clap::error::ErrorKind;
use clap::{Arg, ArgAction, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;

use crate::{exit, version, when};

const OUTPUT: &str = "Every command prints newline-delimited JSON on stdout (one object per line) \
    and one line per diagnostic on stderr.";

/// The widest help clap prints; the exit table's rows fit in it unwrapped.
const WIDTH: usize = 100;

#[derive(Debug, Parser)]
#[command(
    name = "lp-consumer",
    version = version::VERSION,
    about = "Command-line client for the LivePerson Messaging Window API (consumer side)",
    long_about = "Command-line client for the LivePerson Messaging Window API (consumer side).\n\n\
        Each subcommand opens the consumer WebSocket, does one job and prints newline-delimited \
        JSON on stdout, so it chains with jq, shell pipelines and cron jobs.",
    after_help = OUTPUT,
    max_term_width = WIDTH
)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: GlobalArgs,

    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Flags every subcommand understands; environment variables fill in what
/// the command line leaves out.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub(crate) struct GlobalArgs {
    /// Consumer JWT. Prefer LP_JWT or --jwt-file: a token in argv is visible in `ps`.
    #[arg(
        long,
        env = "LP_JWT",
        hide_env_values = true,
        global = true,
        value_name = "TOKEN"
    )]
    pub(crate) jwt: Option<String>,

    /// Read the JWT from a file (`-` = standard input); wins over --jwt and LP_JWT.
    #[arg(long, global = true, value_name = "PATH")]
    pub(crate) jwt_file: Option<PathBuf>,

    /// LivePerson account (site) id.
    #[arg(long, env = "LP_ACCOUNT", global = true, value_name = "ID")]
    pub(crate) account: Option<String>,

    /// Host of the asyncMessagingEnt service, e.g. va.msg.liveperson.net.
    #[arg(long, env = "LP_ASYNCMESSAGINGENT", global = true, value_name = "HOST")]
    pub(crate) domain: Option<String>,

    /// Whole ws:// or wss:// endpoint; overrides --domain and --account (how lp-mock is reached).
    #[arg(long, env = "LP_URL", global = true, value_name = "URL")]
    pub(crate) url: Option<String>,

    /// Extra trusted root certificate(s), PEM (a bundle is fine).
    #[arg(long, global = true, value_name = "PEM")]
    pub(crate) cacert: Option<PathBuf>,

    /// HTTP proxy for a CONNECT tunnel, http://[user:pass@]host:port. Without it, https_proxy / HTTPS_PROXY (wss://), http_proxy (ws://) and ALL_PROXY apply unless NO_PROXY matches.
    #[arg(long, global = true, value_name = "URL")]
    pub(crate) proxy: Option<String>,

    /// Client properties as a JSON object, e.g. '{"deviceFamily":"DESKTOP","os":"LINUX","features":["RICH_CONTENT"]}', sent in the Client-Properties header.
    #[arg(long, global = true, value_name = "JSON")]
    pub(crate) client_properties: Option<String>,

    /// Do not check the server's certificate (says so on stderr).
    #[arg(long, global = true)]
    pub(crate) insecure: bool,

    /// Send a WebSocket ping and a GetClock this often; 0 = off. No answer within --timeout is a dead link (exit 75).
    #[arg(long, global = true, value_name = "SECS", default_value = "30", value_parser = parse_secs, allow_negative_numbers = true)]
    pub(crate) keepalive: Duration,

    /// Bound on connect, TLS and WebSocket handshake, and each request's response; more than 0.
    #[arg(long, global = true, value_name = "SECS", default_value = "30", value_parser = parse_timeout, allow_negative_numbers = true)]
    pub(crate) timeout: Duration,

    /// Largest message accepted from the server; a bigger one is a protocol error (exit 76).
    #[arg(long, global = true, value_name = "BYTES", default_value_t = 8 << 20, value_parser = frame_bytes, allow_negative_numbers = true)]
    pub(crate) max_frame_bytes: usize,

    /// Print each frame sent and received on stderr (the token is never shown).
    #[arg(short, long, global = true)]
    pub(crate) verbose: bool,

    /// How events are shown: json (one line each, as received) or text (a transcript for a person). chat defaults to text on a terminal; everything else to json.
    #[arg(
        long,
        global = true,
        value_enum,
        value_name = "FORMAT",
        ignore_case = true
    )]
    pub(crate) format: Option<Format>,

    #[command(flatten)]
    pub(crate) account_setup: AccountSetupArgs,
}

/// How events are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Json,
    Text,
}

/// From an account id to hosts and a token: the domain API (CSDS), the IdP
/// and a command that renews the token. Every subcommand understands them.
#[derive(Debug, Args)]
#[command(next_help_heading = "Account and token options")]
pub(crate) struct AccountSetupArgs {
    /// Domain API (CSDS) host that names the account's hosts when --domain/--url are not given; a whole http(s):// URL works too (http://: the hosts it names are reached plainly as well, as lp-mock's are).
    #[arg(
        long,
        env = "LP_CSDS",
        global = true,
        value_name = "HOST",
        default_value = "adminlogin.liveperson.net"
    )]
    pub(crate) csds: String,

    /// Keep CSDS answers this long in $XDG_CACHE_HOME/lp-consumer (else ~/.cache/lp-consumer); 0 = always ask.
    #[arg(long, global = true, value_name = "SECS", default_value = "600", value_parser = parse_secs, allow_negative_numbers = true)]
    pub(crate) csds_ttl: Duration,

    /// IdP host for `login` (default: the account's `idp` service in CSDS); a whole http(s):// URL works too.
    #[arg(long, env = "LP_IDP", global = true, value_name = "HOST")]
    pub(crate) idp: Option<String>,

    /// Command that prints a consumer JWT, run with `sh -c` when no --jwt, LP_JWT or --jwt-file is given, when that token expires within 60 s, and when the service refuses the token (`subscribe`, `send`, `chat`, `click` and `test` at any time, the other commands at the handshake).
    #[arg(long, env = "LP_JWT_COMMAND", global = true, value_name = "CMD")]
    pub(crate) jwt_command: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Print the JWT's claims as one JSON line (no network); `.sub` is the consumerId.
    JwtSub,
    /// Request a new conversation (cm.ConsumerRequestConversation); prints {"conversationId":...}.
    Create(CreateArgs),
    /// Publish text messages (ms.PublishEvent); prints one response body per message.
    Send(SendArgs),
    /// Print a conversation's events from a sequence on: history first, then live.
    Subscribe(SubscribeArgs),
    /// Close a conversation (cm.UpdateConversationField); prints the response, or {"conversationId":...,"alreadyClosed":true} (exit 0) if it was closed.
    Close(CloseArgs),
    /// List this consumer's conversations (cqm.SubscribeExConversations), one line each.
    Conversations(ConversationsArgs),
    /// Mark agent events as read (or accepted): publishes an AcceptStatusEvent.
    Ack(AckArgs),
    /// A whole conversation on one socket: each line of stdin is a message, every event is printed.
    Chat(ChatArgs),
    /// Click a quick reply, button, image or map of a message, or a checklist's submit button.
    Click(ClickArgs),
    /// Print a shell completion script: bash, zsh, fish, powershell or elvish.
    ///
    /// E.g. `lp-consumer completion bash > ~/.local/share/bash-completion/completions/lp-consumer`.
    Completion(CompletionArgs),
    /// Print the man page (roff).
    ///
    /// E.g. `lp-consumer man > ~/.local/share/man/man1/lp-consumer.1`.
    Man,
    /// Print the account's hosts from the domain API (CSDS), one line per service.
    Domains(DomainsArgs),
    /// Get a consumer token from the account's IdP (signup, or --auth-code-file); the one command that prints a token.
    Login(LoginArgs),
    /// Run BotiumScript convo files (*.convo.txt) against the bot; one line per convo, then a summary.
    // Each convo has a new conversation of its own: create's --reuse has
    // no place here.
    #[command(mut_arg("reuse", |arg| arg.hide(true)))]
    Test(TestArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CreateArgs {
    /// Route to this skill id (-1 = any skill).
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    pub(crate) skill: Option<String>,

    /// Campaign id (campaignInfo.campaignId); goes with --engagement.
    #[arg(long, value_name = "ID", requires = "engagement")]
    pub(crate) campaign: Option<String>,

    /// Engagement id (campaignInfo.engagementId); goes with --campaign.
    #[arg(long, value_name = "ID", requires = "campaign")]
    pub(crate) engagement: Option<String>,

    /// Brand id (body.brandId); LivePerson uses the account id.
    #[arg(long, value_name = "ID")]
    pub(crate) brand: Option<String>,

    /// If this consumer already has an open conversation, take it instead of requesting one (the line that names it then has "reused":true).
    #[arg(long)]
    pub(crate) reuse: bool,

    /// Conversation context as a JSON object, e.g. '{"type":"SharkContext","lang":"en-US"}'.
    #[arg(long, value_name = "JSON")]
    pub(crate) context: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct SendArgs {
    /// Conversation id (as printed by `create`).
    #[arg(value_name = "CONV", value_parser = NonEmptyStringValueParser::new())]
    pub(crate) conversation: String,

    /// The message. Without it (or with `-`), every line of standard input is one message, sent in order over one connection; empty lines are skipped.
    #[arg(value_name = "TEXT")]
    pub(crate) text: Option<String>,

    #[command(flatten)]
    pub(crate) retry: ReconnectArgs,
}

/// Reconnecting, for the commands that hold a socket for long or send more than one request.
#[derive(Debug, Args)]
pub(crate) struct ReconnectArgs {
    /// When the connection drops, times out or is closed by the server, reconnect with backoff (0.5 s doubling up to 30 s, each wait between half and all of it) and go on where it stopped: `subscribe` and `chat` after the last sequence handled, `send` and `chat` with the message whose answer was lost, `click` with its request whose answer was lost, each sent again only if the conversation does not have it. Authentication and protocol errors stay final (a refused token is renewed with --jwt-command).
    #[arg(long)]
    pub(crate) reconnect: bool,

    /// With --reconnect: give up after N attempts in a row that brought nothing new (default: never).
    #[arg(long, value_name = "N", requires = "reconnect", value_parser = retries, allow_negative_numbers = true)]
    pub(crate) max_retries: Option<u32>,
}

impl SendArgs {
    /// The message given as TEXT; None when the messages come from
    /// standard input (no TEXT, or `-` as everywhere else).
    pub(crate) fn text(&self) -> Option<&str> {
        self.text.as_deref().filter(|text| *text != "-")
    }
}

#[derive(Debug, Args)]
pub(crate) struct SubscribeArgs {
    /// Conversation id (as printed by `create`).
    #[arg(value_name = "CONV", value_parser = NonEmptyStringValueParser::new())]
    pub(crate) conversation: String,

    /// First sequence to print (a --state-file cursor wins over it).
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = first_sequence, allow_negative_numbers = true)]
    pub(crate) from_seq: u64,

    /// Exit 0 when no new event arrived for SECS (the clock starts when the subscription is set up; pick SECS above the pauses of a replay).
    #[arg(long, value_name = "SECS", value_parser = parse_timeout, allow_negative_numbers = true)]
    pub(crate) idle_timeout: Option<Duration>,

    /// Exit 0 after printing N lines.
    #[arg(long, value_name = "N", value_parser = whole_number::<1>, allow_negative_numbers = true)]
    pub(crate) count: Option<u64>,

    /// Stream until Ctrl-C, even past the end of the conversation (by default the run ends, exit 0, when the conversation is closed).
    #[arg(long, conflicts_with_all = ["idle_timeout", "count"])]
    pub(crate) follow: bool,

    #[command(flatten)]
    pub(crate) retry: ReconnectArgs,

    /// Cursor file: resume after the sequence it holds, and store the highest sequence handled after each burst of frames is flushed (atomically). One run at a time per file.
    #[arg(long, value_name = "PATH")]
    pub(crate) state_file: Option<PathBuf>,

    /// Let --state-file be a symbolic link: the file it points to is read, locked and replaced. Without this, a link is refused (someone else's link, in a shared folder, could aim the writes elsewhere).
    #[arg(long, requires = "state_file")]
    pub(crate) state_file_symlink: bool,

    /// Keep only events sent by the agent side (originatorId is not the JWT's sub) or by the consumer.
    #[arg(long, value_enum, value_name = "WHO", default_value_t = Origin::Any, ignore_case = true)]
    pub(crate) from: Origin,

    /// Keep only events of this event.type (ContentEvent, RichContentEvent, AcceptStatusEvent, ChatStateEvent); repeatable.
    #[arg(long = "type", value_name = "TYPE", value_hint = clap::ValueHint::Other)]
    pub(crate) types: Vec<String>,

    /// Keep only events whose serverTimestamp is at or after TIME: an RFC 3339 time (2026-12-06T08:00:00Z, or with an offset) or a duration before now (90s, 30m, 2h, 1d, 1w, 1h30m).
    #[arg(long, value_name = "TIME", value_parser = parse_since, value_hint = clap::ValueHint::Other)]
    pub(crate) since: Option<Since>,

    /// Publish this receipt for each agent content event printed (ContentEvent, RichContentEvent) that the consumer has not marked yet.
    #[arg(long, value_enum, value_name = "STATUS", ignore_case = true)]
    pub(crate) ack: Option<AckStatus>,

    /// Print every frame received, verbatim, instead of one line per event (JSON: not with --format text).
    #[arg(long, conflicts_with_all = ["from", "types", "since", "ack"])]
    pub(crate) frames: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ChatArgs {
    /// Conversation id; without it a conversation is requested (with the routing flags), or with --reuse the open one is taken.
    #[arg(value_name = "CONV", value_parser = NonEmptyStringValueParser::new(), conflicts_with_all = ["skill", "campaign", "engagement", "brand", "context", "reuse"])]
    pub(crate) conversation: Option<String>,

    #[command(flatten)]
    pub(crate) create: CreateArgs,

    /// First sequence to print.
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = first_sequence, allow_negative_numbers = true)]
    pub(crate) from_seq: u64,

    /// Turn-taking for scripts: after each line, wait for the agent side's answer (at least one agent message after it, then nothing more for --settle) before the next.
    #[arg(long)]
    pub(crate) turns: bool,

    /// With --turns: the quiet time that ends an answer.
    #[arg(long, value_name = "SECS", default_value = "1", value_parser = parse_secs, requires = "turns", allow_negative_numbers = true)]
    pub(crate) settle: Duration,

    /// With --turns: how long a line may wait for its answer (then exit 75).
    #[arg(long, value_name = "SECS", default_value = "30", value_parser = parse_timeout, requires = "turns", allow_negative_numbers = true)]
    pub(crate) reply_timeout: Duration,

    #[command(flatten)]
    pub(crate) retry: ReconnectArgs,

    /// At the end of input, leave the conversation chat requested open.
    #[arg(long, conflicts_with = "close")]
    pub(crate) keep_open: bool,

    /// At the end of input, close the conversation given as CONV too.
    #[arg(long, requires = "conversation")]
    pub(crate) close: bool,

    /// Keep only events sent by the agent side or by the consumer.
    #[arg(long, value_enum, value_name = "WHO", default_value_t = Origin::Any, ignore_case = true)]
    pub(crate) from: Origin,

    /// Keep only events of this event.type; repeatable.
    #[arg(long = "type", value_name = "TYPE", value_hint = clap::ValueHint::Other)]
    pub(crate) types: Vec<String>,

    /// At the end, write the chat to FILE as a BotiumScript convo (*.convo.txt) that `test` passes against the same bot.
    #[arg(long, value_name = "FILE")]
    pub(crate) record: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct TestArgs {
    /// Convo files (*.convo.txt, *.pconvo.txt, *.utterances.txt), or folders searched for them recursively.
    #[arg(value_name = "PATH", default_value = ".")]
    pub(crate) paths: Vec<PathBuf>,

    #[command(flatten)]
    pub(crate) create: CreateArgs,

    /// How long a #bot step waits for the agent's message (Botium's WAITFORBOTTIMEOUT).
    #[arg(long, value_name = "SECS", default_value = "10", value_parser = parse_timeout, allow_negative_numbers = true)]
    pub(crate) bot_timeout: Duration,

    #[command(flatten)]
    pub(crate) retry: ReconnectArgs,

    /// Run N convos at once, each with its own consumer and conversation.
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = whole_number::<1>, allow_negative_numbers = true)]
    pub(crate) jobs: u64,

    /// Run only the K-th of N parts of the sorted convo list (1 <= K <= N), e.g. one machine of a CI matrix.
    #[arg(long, value_name = "K/N", value_parser = parse_shard)]
    pub(crate) shard: Option<Shard>,

    /// Run each convo N times (with --jobs, a load test).
    #[arg(long, value_name = "N", default_value_t = 1, value_parser = whole_number::<1>, allow_negative_numbers = true)]
    pub(crate) repeat: u64,

    /// Also write the results as JUnit XML to FILE (- for standard output, after the lines).
    #[arg(long, value_name = "FILE")]
    pub(crate) junit: Option<PathBuf>,

    /// Also write the results and reply latencies in Prometheus' text format to FILE (for node_exporter's textfile collector; - for standard output, after the lines).
    #[arg(long, value_name = "FILE")]
    pub(crate) metrics: Option<PathBuf>,
}

/// `--shard K/N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shard {
    /// 1-based.
    pub(crate) index: u64,
    pub(crate) count: u64,
}

fn parse_shard(text: &str) -> Result<Shard, String> {
    let wrong = || "must be K/N, two whole numbers with 1 <= K <= N (e.g. 2/4)".to_owned();
    let (index, count) = text.split_once('/').ok_or_else(wrong)?;
    let (index, count) = (
        index.trim().parse().map_err(|_| wrong())?,
        count.trim().parse().map_err(|_| wrong())?,
    );
    if index == 0 || index > count {
        return Err(wrong());
    }
    Ok(Shard { index, count })
}

#[derive(Debug, Args)]
pub(crate) struct ClickArgs {
    /// Conversation id.
    #[arg(value_name = "CONV", value_parser = NonEmptyStringValueParser::new())]
    pub(crate) conversation: String,

    /// Sequence of the message with the choices.
    #[arg(long = "seq", value_name = "N", value_parser = whole_number::<0>, allow_negative_numbers = true)]
    pub(crate) sequence: u64,

    /// The choice: its 1-based number or its title. Repeated, it names a checklist's boxes to
    /// check and its submit button, which sends them.
    #[arg(long, value_name = "K", required = true)]
    pub(crate) choice: Vec<String>,

    /// The dialog of the message, if not the main one (a survey's).
    #[arg(long, value_name = "ID")]
    pub(crate) dialog: Option<String>,

    #[command(flatten)]
    pub(crate) retry: ReconnectArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ConversationsArgs {
    /// Closed conversations too (LivePerson keeps them listed for a while).
    #[arg(long)]
    pub(crate) all: bool,

    /// Only conversations in this stage, whatever its case (implies --all for CLOSE).
    #[arg(long, value_enum, value_name = "STAGE", ignore_case = true)]
    pub(crate) stage: Option<Stage>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Stage {
    Open,
    Close,
}

#[derive(Debug, Args)]
pub(crate) struct AckArgs {
    /// Conversation id.
    #[arg(value_name = "CONV", value_parser = NonEmptyStringValueParser::new())]
    pub(crate) conversation: String,

    /// Sequences to acknowledge (repeat the flag or separate with commas).
    #[arg(long = "seq", value_name = "N", required = true, value_delimiter = ',', value_parser = whole_number::<0>, allow_negative_numbers = true)]
    pub(crate) sequences: Vec<u64>,

    /// The receipt to publish.
    #[arg(long, value_enum, value_name = "STATUS", default_value_t = AckStatus::Read, ignore_case = true)]
    pub(crate) status: AckStatus,
}

/// An AcceptStatusEvent status lp-consumer sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum AckStatus {
    /// publishes READ: the user has seen it
    Read,
    /// publishes ACCEPT: it reached the device
    Accept,
}

impl AckStatus {
    pub(crate) fn wire_name(self) -> &'static str {
        match self {
            AckStatus::Read => "READ",
            AckStatus::Accept => "ACCEPT",
        }
    }
}

/// Whose events `subscribe --from` keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Origin {
    /// events whose originatorId is not the JWT's sub
    Agent,
    /// events whose originatorId is the JWT's sub
    Consumer,
    /// every event
    Any,
}

#[derive(Debug, Args)]
pub(crate) struct CloseArgs {
    /// Conversation id (as printed by `create`).
    #[arg(value_name = "CONV", value_parser = NonEmptyStringValueParser::new())]
    pub(crate) conversation: String,
}

#[derive(Debug, Args)]
pub(crate) struct DomainsArgs {
    /// Only this service's entries (names are case-sensitive: asyncMessagingEnt, idp, ...); none is exit 69.
    #[arg(long, value_name = "NAME", value_parser = NonEmptyStringValueParser::new())]
    pub(crate) service: Option<String>,
}

#[derive(Debug, Args)]
pub(crate) struct LoginArgs {
    /// Authenticate with the brand's external JWT (the authCode) read from PATH (`-` = standard input): the same identity gives the same consumer. Without it, sign up an unauthenticated consumer (a new one each time; for demos).
    #[arg(long, value_name = "PATH")]
    pub(crate) auth_code_file: Option<PathBuf>,

    /// json: {"jwt":...,"sub":...,"exp":...}; env: lp.env lines (LP_ACCOUNT, LP_CSDS unless LivePerson's, LP_ASYNCMESSAGINGENT or LP_URL, LP_IDP, LP_JWT); token: the bare token.
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = LoginOutput::Json, ignore_case = true)]
    pub(crate) output: LoginOutput,
}

/// What `login` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum LoginOutput {
    Json,
    Env,
    Token,
}

#[derive(Debug, Args)]
pub(crate) struct CompletionArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL", ignore_case = true)]
    pub(crate) shell: Shell,
}

/// `subscribe --since`: a moment, or a span before the run's start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Since {
    /// Milliseconds since the epoch.
    At(i64),
    Ago(Duration),
}

impl Since {
    /// The moment, in milliseconds since the epoch, as the service's
    /// serverTimestamp counts.
    pub(crate) fn epoch_ms(self, now_ms: i64) -> i64 {
        match self {
            Since::At(ms) => ms,
            Since::Ago(span) => {
                now_ms.saturating_sub(i64::try_from(span.as_millis()).unwrap_or(i64::MAX))
            }
        }
    }
}

fn parse_since(text: &str) -> Result<Since, String> {
    if let Some(ms) = when::parse_rfc3339(text) {
        return Ok(Since::At(ms));
    }
    when::parse_span(text)
        .map(|secs| Since::Ago(Duration::from_secs(secs)))
        .ok_or_else(|| {
            "must be an RFC 3339 time (2026-12-06T08:00:00Z, 2026-12-06T09:00:00+01:00) \
             or a duration before now (90s, 30m, 2h, 1d, 1w, 1h30m)"
                .to_owned()
        })
}

/// A value given on the command line or in the environment, unless empty or
/// blank.
pub(crate) fn given(value: &Option<String>) -> Option<&str> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
}

/// Seconds as a whole or decimal number (`0.5`), for every SECS flag.
fn parse_secs(text: &str) -> Result<Duration, String> {
    seconds(text, false)
}

/// `--timeout`, `--reply-timeout`, `--idle-timeout`: a bound of 0 would end
/// every wait at once, and an unbounded wait is what the bound exists to
/// prevent.
fn parse_timeout(text: &str) -> Result<Duration, String> {
    seconds(text, true)
}

fn seconds(text: &str, positive: bool) -> Result<Duration, String> {
    let least = if positive { "> 0" } else { ">= 0" };
    let wrong = || format!("must be a number of seconds {least} (decimals allowed)");
    let secs: f64 = text.parse().map_err(|_| wrong())?;
    if secs.is_nan() || secs < 0.0 {
        return Err(wrong());
    }
    let secs = Duration::try_from_secs_f64(secs)
        .map_err(|_| "is too large a number of seconds".to_owned())?;
    if positive && secs.is_zero() {
        return Err(wrong());
    }
    Ok(secs)
}

/// `--max-frame-bytes`: below a kibibyte even the service's short answers
/// would not fit, and every command would fail with 76.
fn frame_bytes(text: &str) -> Result<usize, String> {
    const LEAST: usize = 1024;
    text.parse()
        .ok()
        .filter(|bytes| *bytes >= LEAST)
        .ok_or_else(|| format!("must be a whole number of bytes >= {LEAST}"))
}

/// A count or a sequence: clap's own messages ("invalid digit", or a tip to
/// write `-- -1`) do not say what is expected.
fn whole_number<const MIN: u64>(text: &str) -> Result<u64, String> {
    text.parse()
        .ok()
        .filter(|number| *number >= MIN)
        .ok_or_else(|| format!("must be a whole number >= {MIN}"))
}

/// `--max-retries`: at least one (none would be no --reconnect).
fn retries(text: &str) -> Result<u32, String> {
    whole_number::<1>(text)
        .and_then(|n| u32::try_from(n).map_err(|_| format!("must be at most {}", u32::MAX)))
}

/// `--from-seq`: a whole number that another sequence can follow (the
/// largest one would leave the cursor nowhere to go).
fn first_sequence(text: &str) -> Result<u64, String> {
    text.parse()
        .ok()
        .filter(|sequence| *sequence < u64::MAX)
        .ok_or_else(|| format!("must be a whole number from 0 to {}", u64::MAX - 1))
}

/// The command line as parsed and shown: the definition above, plus what
/// clap cannot be told per field, for every subcommand alike.
pub(crate) fn command() -> clap::Command {
    let root = map_args(Cli::command(), &|arg| {
        // clap shows an unset variable as `[env: NAME=]`.
        let unset = arg
            .get_env()
            .is_some_and(|name| std::env::var_os(name).is_none());
        if unset {
            arg.hide_env_values(true)
        } else {
            arg
        }
    });
    let globals: Vec<Arg> = root
        .get_arguments()
        .filter(|arg| arg.is_global_set())
        .cloned()
        .collect();
    let names: Vec<String> = globals.iter().map(flag_names).collect();
    let summary = format!(
        "Global options, before or after the subcommand (see `lp-consumer --help`): {}.",
        names.join(", ")
    );
    let exits = exit_table();
    root.disable_version_flag(true)
        .arg(version_flag())
        .after_long_help(format!("{OUTPUT}\n\n{exits}"))
        .mut_subcommands(|sub| {
            // A subcommand's own copy of each global option, hidden: clap then
            // neither lists the globals in its help nor puts the ones given
            // by the environment in its usage line, as if typed.
            let sub = globals
                .iter()
                .fold(sub, |sub, arg| sub.arg(arg.clone().hide(true)));
            sub.after_help(summary.clone())
                .after_long_help(format!("{summary}\n\n{OUTPUT}\n\n{exits}"))
        })
}

/// The command line as the man page and completions show it, whatever the
/// environment holds.
pub(crate) fn documented_command() -> clap::Command {
    map_args(command(), &|arg| arg.hide_env_values(true))
}

/// Parses the process's arguments. A correct command line is read with the
/// plain definition, quick to build; help, the version and usage errors come
/// from the documented one (`command`), which costs more than all the rest
/// of a short command's run.
pub(crate) fn parse() -> Cli {
    let args: Vec<OsString> = std::env::args_os().collect();
    if let Some(cli) = parse_plainly(&args) {
        return cli;
    }
    let mut command = command();
    let err = match command.try_get_matches_from_mut(&args) {
        Ok(matches) => match Cli::from_arg_matches(&matches) {
            Ok(cli) => return cli,
            Err(err) => err.format(&mut command),
        },
        Err(err) => err,
    };
    let options = GlobalArgs::augment_args(clap::Command::new("lp-consumer"))
        .disable_version_flag(true)
        .arg(version_flag());
    exit_with_version_or(&err, options, &args)
}

/// Whether -v/--verbose comes with --version, which clap answers as soon as
/// it reads it, whatever follows: `options` (those that may stand beside
/// --version, which is among them) read again, with --version a plain flag.
fn verbose_beside_version(options: clap::Command, args: &[OsString]) -> bool {
    options
        .mut_arg("version", |arg| arg.action(ArgAction::SetTrue))
        .try_get_matches_from(args)
        .is_ok_and(|matches| matches!(matches.try_get_one::<bool>("verbose"), Ok(Some(true))))
}

/// Exits as `exit_with`, but for --version with -v: then the version and
/// the TLS library.
fn exit_with_version_or(err: &clap::Error, options: clap::Command, args: &[OsString]) -> ! {
    if err.kind() == ErrorKind::DisplayVersion && verbose_beside_version(options.clone(), args) {
        exit_printing(options.get_name(), &version::verbose(options.get_name()))
    }
    exit_with(options.get_name(), err)
}

/// `-V/--version`, as clap's own but for its help, which names -v.
fn version_flag() -> Arg {
    Arg::new("version")
        .short('V')
        .long("version")
        .action(ArgAction::Version)
        .help_heading(None)
        .help(version::VERSION_HELP)
}

/// Reads a correct command line with a definition that holds the global
/// options and the one subcommand named first in it: before parsing, clap
/// copies every global option into every subcommand it knows. If the first
/// word that names a subcommand is a value, the parse fails here and the
/// whole definition reads it; nothing that fails here is reported.
fn parse_plainly(args: &[OsString]) -> Option<Cli> {
    let subcommands = Command::augment_subcommands(clap::Command::new("subcommands"));
    let named = args
        .iter()
        .skip(1)
        .find_map(|arg| subcommands.find_subcommand(arg))?
        .clone();
    let mut plain = GlobalArgs::augment_args(clap::Command::new("lp-consumer"))
        .subcommand(named)
        .subcommand_required(true);
    let matches = plain.try_get_matches_from_mut(args).ok()?;
    let cli = Cli::from_arg_matches(&matches).ok()?;
    // Freeing the definition's hundreds of allocations would cost a short
    // run more than the rest of its work; the process ends soon.
    std::mem::forget(plain);
    std::mem::forget(subcommands);
    std::mem::forget(matches);
    Some(cli)
}

/// Parses the process's arguments into `T`, or prints clap's message and
/// exits as `exit_with` does (for lp-mock); `--version -v` as
/// lp-consumer's.
pub fn parse_or_exit<T: Parser>() -> T {
    let args: Vec<OsString> = std::env::args_os().collect();
    T::try_parse_from(&args).unwrap_or_else(|err| exit_with_version_or(&err, T::command(), &args))
}

/// Prints clap's message (help and the version on stdout, errors on
/// stderr) and exits with its code, or as `exit_unwritten` when stdout fails.
fn exit_with(program: &str, err: &clap::Error) -> ! {
    match err.print().and_then(|()| io::stdout().flush()) {
        Err(failure) if !err.use_stderr() => exit_unwritten(program, &failure),
        _ => std::process::exit(err.exit_code()),
    }
}

/// Prints `text` on stdout and exits 0, or as `exit_unwritten`.
fn exit_printing(program: &str, text: &str) -> ! {
    let mut stdout = io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Ok(()) => std::process::exit(0),
        Err(failure) => exit_unwritten(program, &failure),
    }
}

/// Help or a version that cannot be written is exit 74 and says why, as
/// any output is (0 when the reader left).
fn exit_unwritten(program: &str, failure: &io::Error) -> ! {
    if failure.kind() == io::ErrorKind::BrokenPipe {
        std::process::exit(0)
    }
    eprintln!(
        "{program}: cannot write to standard output: {}",
        exit::err_text(failure)
    );
    std::process::exit(i32::from(exit::Exit::IoErr.code()))
}

/// `f` applied to every argument of `command` and of its subcommands.
fn map_args(command: clap::Command, f: &impl Fn(Arg) -> Arg) -> clap::Command {
    command.mut_args(f).mut_subcommands(|sub| map_args(sub, f))
}

/// `-v/--verbose`, `--jwt`.
fn flag_names(arg: &Arg) -> String {
    flag_spellings(arg).collect::<Vec<_>>().join("/")
}

/// An option's `-s` and `--long` spellings, those it has.
pub(crate) fn flag_spellings(arg: &Arg) -> impl Iterator<Item = String> {
    let short = arg.get_short().map(|short| format!("-{short}"));
    let long = arg.get_long().map(|long| format!("--{long}"));
    short.into_iter().chain(long)
}

/// The exit-status table as help text.
fn exit_table() -> String {
    let rows: Vec<String> = exit::table()
        .map(|(code, meaning)| format!("  {code:<4} {meaning}"))
        .collect();
    format!("Exit status:\n{}", rows.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clap_definition_is_consistent() {
        command().debug_assert();
    }

    #[test]
    fn every_flag_with_named_values_takes_them_in_any_case() {
        // LivePerson writes its values in capitals (READ, OPEN), ours are
        // lower case: neither way is an error, for any of them.
        fn check(command: &clap::Command) {
            for arg in command.get_arguments() {
                if arg.get_action().takes_values()
                    && !arg.get_possible_values().is_empty()
                    && !arg.is_hide_set()
                {
                    assert!(
                        arg.is_ignore_case_set(),
                        "{} {}",
                        command.get_name(),
                        arg.get_id()
                    );
                }
            }
            command.get_subcommands().for_each(check);
        }
        check(&command());
    }

    #[test]
    fn the_exit_table_fits_the_help_unwrapped() {
        for row in exit_table().lines() {
            assert!(row.len() <= WIDTH, "{row:?} is longer than {WIDTH}");
        }
    }

    #[test]
    fn every_flag_with_a_variable_is_global() {
        // The man page's ENVIRONMENT section reads the root's flags only.
        for sub in Cli::command().get_subcommands() {
            for arg in sub.get_arguments() {
                assert!(
                    arg.get_env().is_none(),
                    "{} {}",
                    sub.get_name(),
                    arg.get_id()
                );
            }
        }
    }

    #[test]
    fn seconds_accept_decimals_and_refuse_negatives() {
        assert_eq!(parse_secs("0.5"), Ok(Duration::from_millis(500)));
        assert!(parse_secs("-1").is_err());
        assert!(parse_secs("soon").is_err());
        assert!(parse_secs("NaN").is_err());
        assert_eq!(parse_secs("0"), Ok(Duration::ZERO));
        assert_eq!(
            parse_secs("1e400"),
            Err("is too large a number of seconds".to_owned())
        );
        assert_eq!(
            parse_timeout("0"),
            Err("must be a number of seconds > 0 (decimals allowed)".to_owned())
        );
    }

    #[test]
    fn the_plain_definition_reads_a_correct_line_as_the_whole_one_does() {
        let lines = [
            "jwt-sub",
            "--account 1 create --skill 2",
            "send C hello -v",
            "--account send send C hello",
            "subscribe C --from-seq 3 --reconnect --format text",
            "subscribe C --since 2026-12-06T08:00:00Z",
            "close C",
            "conversations",
            "ack C --seq 1 --status accept",
            "chat --turns --settle 0.5",
            "click C --seq 1 --choice Yes",
            "completion bash",
            "man",
            "domains --service idp",
            "login --output env",
        ];
        for line in lines {
            let args: Vec<OsString> = std::iter::once("lp-consumer")
                .chain(line.split(' '))
                .map(OsString::from)
                .collect();
            let plain = parse_plainly(&args).unwrap_or_else(|| panic!("{line}: not read"));
            let whole = Cli::from_arg_matches(&command().get_matches_from(&args)).unwrap();
            assert_eq!(format!("{plain:?}"), format!("{whole:?}"), "{line}");
        }
        // A value that names a subcommand is left to the whole definition.
        let args = ["lp-consumer", "--account", "chat", "send", "C", "x"].map(OsString::from);
        assert!(parse_plainly(&args).is_none());
    }
}
