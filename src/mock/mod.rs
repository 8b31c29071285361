//! lp-mock: a local stand-in of LivePerson's consumer WebSocket endpoint,
//! for tests, demos and benchmarks. It behaves like the service for every
//! request lp-consumer sends, and can misbehave on purpose (`Faults`). On a
//! port of its own it serves the domain API (CSDS) and the IdP, whose
//! answers point at lp-mock itself.
//!
//! One thread accepts connections on each port, one thread serves each
//! connection, and with a bot (`MockConfig::bot`) one more thread sends its
//! replies.

mod bot;
mod client;
mod echo;
mod frames;
mod handshake;
mod http;
mod outbox;
mod requests;
mod state;
#[cfg(test)]
mod tests;

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use serde_json::json;
use serde_json::value::RawValue;

use crate::jwt;
use bot::Bot;
pub use bot::{BotRules, RulesError};
use state::{ANY_SKILL, ConnectionId, Originator, Store, TextEvent, text_event};

/// The consumer whose token lp-mock prints, and who owns `--history`.
pub const DEFAULT_CONSUMER: &str = "lp-mock-consumer";
/// The originatorId of the agent inside lp-mock.
pub const AGENT_ID: &str = "lp-mock-agent";
/// The originatorId of the bot that asks a post-conversation survey.
pub const SURVEY_BOT_ID: &str = "lp-mock-survey-bot";

/// The client properties the service shows for lp-mock's agent.
const AGENT_CLIENT_PROPERTIES: &str = r#"{"type":".ClientProperties","ipAddress":"10.0.0.12","deviceFamily":"DESKTOP","os":"WINDOWS","features":["RICH_CONTENT"]}"#;
/// Those of a consumer that sent no Client-Properties header.
const CONSUMER_CLIENT_PROPERTIES: &str =
    r#"{"type":".ClientProperties","ipAddress":"127.0.0.1","deviceFamily":"DESKTOP","os":"LINUX"}"#;

/// The pause after a failed accept.
const ACCEPT_RETRY: Duration = Duration::from_millis(20);
/// The socket timeout of connection threads: how often they look at their
/// outbox and at the server's stop flag, so that a slow client cannot hold
/// the shutdown.
pub(crate) const TICK: Duration = Duration::from_millis(20);
/// Lifetime of the tokens lp-mock mints, in seconds, unless
/// `MockConfig::token_ttl` says otherwise: about ten years.
pub const DEFAULT_TOKEN_TTL: u64 = 10 * 365 * 24 * 3600;

pub struct MockConfig {
    pub account: String,
    /// 0 picks a free port.
    pub port: u16,
    /// Answer each consumer ContentEvent with "echo: <text>" from the agent.
    pub agent_echo: bool,
    /// The agent plays Botium's echo connector (`echo.rs`).
    pub botium_echo: bool,
    /// Agent messages in a conversation of the default consumer that exists
    /// from the start.
    pub history: usize,
    /// Changes per notification when replaying (at least 1).
    pub batch: usize,
    /// Events without the originators' client properties (smaller than
    /// the service's).
    pub lean_events: bool,
    /// Serve wss:// (and https:// on the HTTP side) with this certificate
    /// and key.
    pub tls: Option<native_tls::Identity>,
    /// Lifetime of the tokens lp-mock mints, in seconds; a connection is
    /// closed with 4407 when its token expires.
    pub token_ttl: u64,
    pub faults: Faults,
    /// A bot, assigned to every conversation, that answers by these rules.
    pub bot: Option<BotRules>,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            account: "lp-mock".to_owned(),
            port: 0,
            agent_echo: false,
            botium_echo: false,
            history: 0,
            batch: 1,
            lean_events: false,
            tls: None,
            token_ttl: DEFAULT_TOKEN_TTL,
            faults: Faults::default(),
            bot: None,
        }
    }
}

/// Misbehaviour on purpose. Thresholds count the frames lp-mock sends on a
/// connection after the handshake (the garbage frame itself not included).
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// After N frames, shut the TCP connection down without a close frame.
    pub drop_after: Option<usize>,
    /// Shut the TCP connection down instead of sending frame N: what the
    /// request it answers did is done, and its answer lost.
    pub drop_before: Option<usize>,
    /// Shut the TCP connection down instead of answering the client's
    /// request N (its Nth text frame): what it did is done, and its answer
    /// lost. Unlike `drop_before`, it does not depend on how notifications
    /// interleave with the answers.
    pub drop_answer: Option<usize>,
    /// After N frames, send a close frame with this code and end.
    pub close_after: Option<(usize, u16)>,
    /// After N frames, send one text frame that is not JSON.
    pub garbage_after: Option<usize>,
    /// Send every ms.MessagingEventNotification twice.
    pub repeat_changes: bool,
    /// Hold each live ms.MessagingEventNotification until the next frame of
    /// conversation metadata (a snapshot or a change) has gone out, as the
    /// service's two streams may race: the close before the last words.
    pub events_late: bool,
    /// Accept TCP, then never read or answer, until the server stops.
    pub stall: bool,
    /// After N frames, stop reading and answering (pings included), with
    /// the connection left open: a dead link.
    pub deaf_after: Option<usize>,
    /// Answer every upgrade with this HTTP status instead.
    pub handshake_status: Option<u16>,
    /// Misbehave on the first K TCP connections only; None: on all.
    pub fault_connections: Option<usize>,
    /// Frames sent as they are right after a subscription's response, as a
    /// hostile server would: binary, invalid UTF-8, wrong shapes.
    pub inject: Vec<RawFrame>,
    /// Answer every CSDS request with this HTTP status instead.
    pub csds_status: Option<u16>,
    /// Answer every IdP request with this HTTP status instead.
    pub idp_status: Option<u16>,
}

/// A frame `Faults::inject` sends without any check.
#[derive(Debug, Clone)]
pub enum RawFrame {
    Text(String),
    Binary(Vec<u8>),
    /// A text frame whose payload is these bytes, UTF-8 or not.
    TextBytes(Vec<u8>),
}

fn agent(client_properties: Option<&RawValue>) -> Originator<'_> {
    Originator {
        id: AGENT_ID,
        role: "ASSIGNED_AGENT",
        client_properties,
    }
}

/// Locks, ignoring poisoning: a panicking connection thread leaves the
/// data consistent enough for a stand-in.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// What the connection threads share.
struct Shared {
    account: String,
    /// `host:port` of the WebSocket and of the HTTP side, as CSDS names them.
    ws_authority: String,
    http_authority: String,
    token_ttl: u64,
    agent_echo: bool,
    botium_echo: bool,
    batch: usize,
    /// The agent's client properties; None for lean events.
    /// None for lean events.
    agent_properties: Option<Box<RawValue>>,
    faults: Faults,
    /// CSDS and IdP faults, which tests may change while lp-mock runs.
    http_faults: Mutex<(Option<u16>, Option<u16>)>,
    tls: Option<native_tls::TlsAcceptor>,
    store: Mutex<Store>,
    /// Signalled whenever a conversation gains or loses a subscriber.
    subscribers_changed: Condvar,
    stop: AtomicBool,
    /// Handshakes accepted.
    connections: AtomicUsize,
    /// TCP connections held silently (`Faults::stall`).
    pub(crate) stalled: AtomicUsize,
    requests: Mutex<Vec<String>>,
    /// Request lines received on the HTTP side.
    http_requests: Mutex<Vec<String>>,
    client_properties: Mutex<Vec<Option<String>>>,
    bot: Option<Bot>,
}

impl Shared {
    /// lp-mock's agent, as events show it.
    fn agent(&self) -> Originator<'_> {
        agent(self.agent_properties.as_deref())
    }

    /// The bot that asks a post-conversation survey, as events show it.
    fn survey_bot(&self) -> Originator<'_> {
        Originator {
            id: SURVEY_BOT_ID,
            role: "AGENT",
            client_properties: self.agent_properties.as_deref(),
        }
    }

    /// What events show of a consumer's connection: the client properties
    /// it sent (a JSON object), else a default set; None for lean events.
    fn consumer_properties(&self, sent: Option<&str>) -> Option<Box<RawValue>> {
        // Lean events carry no properties, the agent's included.
        self.agent_properties.as_ref()?;
        RawValue::from_string(sent.unwrap_or(CONSUMER_CLIENT_PROPERTIES).to_owned()).ok()
    }

    /// An unsigned token for `sub`, valid for the configured lifetime
    /// (lp-mock does not check signatures).
    fn mint(&self, sub: &str) -> String {
        let now = crate::when::now_secs();
        jwt::encode_unsigned(&json!({
            "sub": sub,
            "iat": now,
            "exp": now + self.token_ttl,
            "aud": format!("acc:{}", self.account),
            "iss": "https://idp.liveperson.net",
        }))
    }

    fn stopping(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    fn store(&self) -> MutexGuard<'_, Store> {
        lock(&self.store)
    }

    /// The faults for the TCP connection accepted as number `connection`.
    fn faults_for(&self, connection: ConnectionId) -> Faults {
        match self.faults.fault_connections {
            Some(first) if connection >= first as u64 => Faults::default(),
            _ => self.faults.clone(),
        }
    }

    /// Forgets the subscriptions of a connection that ended.
    fn disconnect(&self, connection: ConnectionId) {
        self.store().disconnect(connection);
        self.subscribers_changed.notify_all();
    }
}

pub struct MockServer {
    addr: SocketAddr,
    http_addr: SocketAddr,
    shared: Arc<Shared>,
    history_conversation: Option<String>,
    accept_threads: Vec<JoinHandle<()>>,
    client_threads: Arc<Mutex<Vec<JoinHandle<()>>>>,
    bot_thread: Option<JoinHandle<()>>,
}

/// Pending connections a listener holds; std's 128 overflowed when `test
/// --jobs 200` dialled at once, and a dropped SYN costs its client a
/// second.
const BACKLOG: i32 = 1024;

/// A listener on 127.0.0.1 (`port` 0: any free port).
fn listen(port: u16) -> io::Result<TcpListener> {
    use rustix::net::{AddressFamily, SocketFlags, SocketType, sockopt};
    let socket = rustix::net::socket_with(
        AddressFamily::INET,
        SocketType::STREAM,
        SocketFlags::CLOEXEC,
        None,
    )?;
    // As std does: a restarted stand-in gets its fixed port back at once.
    sockopt::set_socket_reuseaddr(&socket, true)?;
    rustix::net::bind(
        &socket,
        &std::net::SocketAddrV4::new(std::net::Ipv4Addr::LOCALHOST, port),
    )?;
    rustix::net::listen(&socket, BACKLOG)?;
    Ok(TcpListener::from(socket))
}

impl MockServer {
    /// Listens on 127.0.0.1 and serves on background threads.
    pub fn start(config: MockConfig) -> io::Result<MockServer> {
        let tls = config
            .tls
            .map(native_tls::TlsAcceptor::new)
            .transpose()
            .map_err(io::Error::other)?;
        let listener = listen(config.port)?;
        let addr = listener.local_addr()?;
        let http_listener = listen(0)?;
        let http_addr = http_listener.local_addr()?;
        let host = host_name(tls.is_some());
        let agent_properties = (!config.lean_events)
            .then(|| RawValue::from_string(AGENT_CLIENT_PROPERTIES.to_owned()))
            .transpose()
            .map_err(io::Error::other)?;
        let mut store = Store::default();
        store.assign_agent = config.bot.is_some();
        let history_conversation = (config.history > 0).then(|| {
            let conversation = store.create(DEFAULT_CONSUMER, ANY_SKILL);
            let agent = agent(agent_properties.as_deref());
            for n in 1..=config.history {
                let text = format!("agent message {n}");
                // The conversation was just created, so it is there.
                let _ = store.publish(&conversation, &agent, TextEvent::TYPE, &text_event(&text));
            }
            conversation
        });
        let shared = Arc::new(Shared {
            account: config.account,
            ws_authority: format!("{host}:{}", addr.port()),
            http_authority: format!("{host}:{}", http_addr.port()),
            token_ttl: config.token_ttl,
            agent_echo: config.agent_echo,
            botium_echo: config.botium_echo,
            batch: config.batch.max(1),
            agent_properties,
            http_faults: Mutex::new((config.faults.csds_status, config.faults.idp_status)),
            faults: config.faults,
            tls,
            store: Mutex::new(store),
            subscribers_changed: Condvar::new(),
            stop: AtomicBool::new(false),
            connections: AtomicUsize::new(0),
            stalled: AtomicUsize::new(0),
            requests: Mutex::new(Vec::new()),
            http_requests: Mutex::new(Vec::new()),
            client_properties: Mutex::new(Vec::new()),
            bot: config.bot.map(Bot::new),
        });
        let bot_thread = shared.bot.is_some().then(|| {
            let shared = Arc::clone(&shared);
            thread::spawn(move || bot::run(&shared))
        });
        let client_threads = Arc::new(Mutex::new(Vec::new()));
        let accept_threads = [
            (listener, client::serve as Serve),
            (http_listener, http::serve as Serve),
        ]
        .into_iter()
        .map(|(listener, serve)| {
            let shared = Arc::clone(&shared);
            let client_threads = Arc::clone(&client_threads);
            thread::spawn(move || accept_loop(&listener, &shared, &client_threads, serve))
        })
        .collect();
        Ok(MockServer {
            addr,
            http_addr,
            shared,
            history_conversation,
            accept_threads,
            client_threads,
            bot_thread,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// The consumer endpoint: ws://127.0.0.1, or wss://localhost (the name
    /// a test certificate is issued to) with TLS.
    pub fn url(&self) -> String {
        let scheme = if self.shared.tls.is_some() {
            "wss"
        } else {
            "ws"
        };
        format!(
            "{scheme}://{}/ws_api/account/{}/messaging/consumer?v=3",
            self.shared.ws_authority, self.shared.account
        )
    }

    /// The domain API (CSDS) for `LP_CSDS`: http://127.0.0.1, or
    /// https://localhost with TLS. Its answer names lp-mock's own
    /// WebSocket (asyncMessagingEnt) and HTTP side (idp).
    pub fn csds_url(&self) -> String {
        let scheme = if self.shared.tls.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.shared.http_authority)
    }

    pub fn http_addr(&self) -> SocketAddr {
        self.http_addr
    }

    pub fn account(&self) -> &str {
        &self.shared.account
    }

    pub fn default_consumer(&self) -> &str {
        DEFAULT_CONSUMER
    }

    /// An unsigned token for `sub`, valid for `MockConfig::token_ttl`
    /// (lp-mock does not check signatures).
    pub fn token(&self, sub: &str) -> String {
        self.shared.mint(sub)
    }

    /// The conversation preloaded with `history` agent messages.
    pub fn history_conversation(&self) -> Option<String> {
        self.history_conversation.clone()
    }

    /// The agent publishes a text message; returns its sequence, or None for
    /// an unknown conversation.
    pub fn agent_says(&self, conversation_id: &str, text: &str) -> Option<u64> {
        self.shared
            .store()
            .publish(
                conversation_id,
                &self.shared.agent(),
                TextEvent::TYPE,
                &text_event(text),
            )
            .ok()
            .flatten()
    }

    /// The agent publishes `event` (a ContentEvent with quick replies, a
    /// RichContentEvent); returns its sequence, or None for an unknown
    /// conversation or an event without a `type`.
    pub fn agent_publishes(&self, conversation_id: &str, event: &serde_json::Value) -> Option<u64> {
        self.shared
            .store()
            .publish(
                conversation_id,
                &self.shared.agent(),
                event["type"].as_str()?,
                event,
            )
            .ok()
            .flatten()
    }

    /// The texts of `consumer`'s messages in a dialog, in order.
    pub fn messages_of(&self, consumer: &str, dialog_id: &str) -> Vec<String> {
        self.shared
            .store()
            .events(dialog_id)
            .iter()
            .filter_map(|frame| {
                let frame: serde_json::Value = serde_json::from_str(frame).ok()?;
                let change = &frame["body"]["changes"][0];
                let text = change["event"]["message"].as_str()?;
                (change["originatorId"] == consumer && change["event"]["type"] == "ContentEvent")
                    .then(|| text.to_owned())
            })
            .collect()
    }

    /// The agent closes the conversation; false if it is unknown or closed.
    pub fn close_conversation(&self, conversation_id: &str) -> bool {
        let mut store = self.shared.store();
        let closed = store.close(conversation_id).is_ok();
        if let Some(bot) = &self.shared.bot {
            bot.drop_dead_steps(&store, conversation_id);
        }
        closed
    }

    /// Waits until exactly `n` connections are subscribed to the events of
    /// a dialog (a conversation's id names its MAIN dialog; 0: until the
    /// last one is gone); false on timeout.
    pub fn wait_for_subscribers(&self, dialog_id: &str, n: usize, timeout: Duration) -> bool {
        self.wait_for_store(timeout, |store| store.subscribers(dialog_id) == n)
    }

    /// Waits until the bot has sent every reply it has to send (at once or
    /// after a delay); false on timeout. True at once without a bot.
    pub fn wait_for_bot(&self, timeout: Duration) -> bool {
        self.shared
            .bot
            .as_ref()
            .is_none_or(|bot| bot.wait_idle(timeout))
    }

    /// Waits until the conversation has been subscribed to `n` times in
    /// all, ended subscriptions included; false on timeout.
    pub fn wait_for_subscriptions(
        &self,
        conversation_id: &str,
        n: usize,
        timeout: Duration,
    ) -> bool {
        self.wait_for_store(timeout, |store| store.subscriptions(conversation_id) >= n)
    }

    /// Waits until `done` holds of the store, re-checking whenever the
    /// subscriptions change; false on timeout.
    fn wait_for_store(&self, timeout: Duration, done: impl Fn(&Store) -> bool) -> bool {
        let (_store, waited) = self
            .shared
            .subscribers_changed
            .wait_timeout_while(self.shared.store(), timeout, |store| !done(store))
            .unwrap_or_else(PoisonError::into_inner);
        !waited.timed_out()
    }

    /// Answer CSDS requests with this status from now on (None: normally).
    pub fn set_csds_status(&self, status: Option<u16>) {
        lock(&self.shared.http_faults).0 = status;
    }

    /// Answer IdP requests with this status from now on (None: normally).
    pub fn set_idp_status(&self, status: Option<u16>) {
        lock(&self.shared.http_faults).1 = status;
    }

    /// The request lines of the HTTP side (`GET /api/...`), in order.
    pub fn http_requests(&self) -> Vec<String> {
        lock(&self.shared.http_requests).clone()
    }

    /// Every text frame received from clients, verbatim, in order.
    pub fn requests(&self) -> Vec<String> {
        lock(&self.shared.requests).clone()
    }

    /// The Client-Properties header of each accepted handshake, in order.
    pub fn client_properties(&self) -> Vec<Option<String>> {
        lock(&self.shared.client_properties).clone()
    }

    /// Handshakes accepted (upgraded) so far.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    /// TCP connections held silently so far under `Faults::stall`.
    pub fn stalled(&self) -> usize {
        self.shared.stalled.load(Ordering::SeqCst)
    }

    /// Stops accepting, closes every connection and joins the threads.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        for (addr, accept_thread) in [self.addr, self.http_addr]
            .into_iter()
            .zip(std::mem::take(&mut self.accept_threads))
        {
            // Wake the blocking accept so that it sees the stop flag.
            let _ = TcpStream::connect(addr);
            let _ = accept_thread.join();
        }
        // Each connection thread sees the flag within one read tick.
        let client_threads = std::mem::take(&mut *lock(&self.client_threads));
        for client_thread in client_threads {
            let _ = client_thread.join();
        }
        if let Some(bot_thread) = self.bot_thread.take() {
            if let Some(bot) = &self.shared.bot {
                bot.wake();
            }
            let _ = bot_thread.join();
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The host name lp-mock gives for itself: the one its test certificate is
/// issued to when it serves TLS.
fn host_name(tls: bool) -> &'static str {
    if tls { "localhost" } else { "127.0.0.1" }
}

/// What serves one accepted connection.
type Serve = fn(&Shared, TcpStream, ConnectionId);

fn accept_loop(
    listener: &TcpListener,
    shared: &Arc<Shared>,
    client_threads: &Mutex<Vec<JoinHandle<()>>>,
    serve: Serve,
) {
    let mut next_connection: ConnectionId = 0;
    for tcp in listener.incoming() {
        if shared.stopping() {
            return;
        }
        let Ok(tcp) = tcp else {
            // Out of descriptors, say: give the connections a moment to end.
            thread::sleep(ACCEPT_RETRY);
            continue;
        };
        let shared = Arc::clone(shared);
        let connection = next_connection;
        next_connection += 1;
        let handle = thread::spawn(move || serve(&shared, tcp, connection));
        let mut client_threads = lock(client_threads);
        client_threads.retain(|thread| !thread.is_finished());
        client_threads.push(handle);
    }
}
