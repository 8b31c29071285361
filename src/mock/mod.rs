//! lp-mock: a local stand-in of LivePerson's consumer WebSocket endpoint,
//! for tests, demos and benchmarks. It behaves like the service for every
//! request lp-consumer sends, and can misbehave on purpose (`Faults`).

mod frames;
mod session;
mod state;

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::jwt;
use session::{AGENT, agent_text};
use state::Store;

/// The consumer whose token lp-mock prints, and who owns `--history`.
pub const DEFAULT_CONSUMER: &str = "lp-mock-consumer";
/// The originatorId of the agent inside lp-mock.
pub const AGENT_ID: &str = "lp-mock-agent";

pub struct MockConfig {
    pub account: String,
    /// 0 picks a free port.
    pub port: u16,
    /// Answer each consumer message with "echo: <text>" from the agent.
    pub agent_echo: bool,
    /// Agent messages in a conversation that exists from the start.
    pub history: usize,
    /// Changes per notification when replaying.
    pub batch: usize,
    pub tls: Option<native_tls::Identity>,
    pub faults: Faults,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            account: "lp-mock".to_owned(),
            port: 0,
            agent_echo: false,
            history: 0,
            batch: 1,
            tls: None,
            faults: Faults::default(),
        }
    }
}

/// Misbehaviour on purpose, counted per connection on the frames lp-mock
/// sends after the handshake.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// After N frames, shut the TCP connection down without a close frame.
    pub drop_after: Option<usize>,
    /// After N frames, send a close frame with this code.
    pub close_after: Option<(usize, u16)>,
    /// After N frames, send a text frame that is not JSON.
    pub garbage_after: Option<usize>,
    /// Send every notification of changes twice.
    pub repeat_changes: bool,
    /// Accept TCP, then say nothing at all.
    pub stall: bool,
    /// Answer the upgrade with this HTTP status.
    pub handshake_status: Option<u16>,
    /// Misbehave on the first K connections only.
    pub fault_connections: Option<usize>,
}

/// What the connection threads share.
struct Shared {
    account: String,
    agent_echo: bool,
    batch: usize,
    faults: Faults,
    tls: Option<native_tls::TlsAcceptor>,
    store: Mutex<Store>,
    /// Signalled when subscriptions change.
    changed: Condvar,
    stop: AtomicBool,
    /// Handshakes accepted.
    connections: AtomicUsize,
    requests: Mutex<Vec<String>>,
    client_properties: Mutex<Vec<Option<String>>>,
}

impl Shared {
    fn stopping(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// The faults for the connection accepted as number `id` (from 0).
    fn faults_for(&self, id: u64) -> Faults {
        match self.faults.fault_connections {
            Some(first) if id >= first as u64 => Faults::default(),
            _ => self.faults.clone(),
        }
    }

    fn disconnect(&self, id: u64) {
        self.store.lock().unwrap().disconnect(id);
        self.changed.notify_all();
    }
}

pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    history_conversation: Option<String>,
    accept: Option<JoinHandle<()>>,
    sessions: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl MockServer {
    /// Listens on 127.0.0.1 and serves on background threads.
    pub fn start(config: MockConfig) -> io::Result<MockServer> {
        let tls = config
            .tls
            .map(native_tls::TlsAcceptor::new)
            .transpose()
            .map_err(io::Error::other)?;
        let listener = TcpListener::bind(("127.0.0.1", config.port))?;
        let addr = listener.local_addr()?;
        let mut store = Store::default();
        let history_conversation = (config.history > 0).then(|| {
            let conversation = store.create(DEFAULT_CONSUMER);
            for n in 1..=config.history {
                store.publish(
                    &conversation,
                    &AGENT,
                    &agent_text(&format!("agent message {n}")),
                );
            }
            conversation
        });
        let shared = Arc::new(Shared {
            account: config.account,
            agent_echo: config.agent_echo,
            batch: config.batch.max(1),
            faults: config.faults,
            tls,
            store: Mutex::new(store),
            changed: Condvar::new(),
            stop: AtomicBool::new(false),
            connections: AtomicUsize::new(0),
            requests: Mutex::new(Vec::new()),
            client_properties: Mutex::new(Vec::new()),
        });
        let sessions = Arc::new(Mutex::new(Vec::new()));
        let accept = {
            let shared = Arc::clone(&shared);
            let sessions = Arc::clone(&sessions);
            thread::spawn(move || accept_loop(&listener, &shared, &sessions))
        };
        Ok(MockServer {
            addr,
            shared,
            history_conversation,
            accept: Some(accept),
            sessions,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn url(&self) -> String {
        let (scheme, host) = if self.shared.tls.is_some() {
            ("wss", "localhost")
        } else {
            ("ws", "127.0.0.1")
        };
        format!(
            "{scheme}://{host}:{}/ws_api/account/{}/messaging/consumer?v=3",
            self.addr.port(),
            self.shared.account
        )
    }

    pub fn account(&self) -> &str {
        &self.shared.account
    }

    pub fn default_consumer(&self) -> &str {
        DEFAULT_CONSUMER
    }

    /// A token for `sub`, valid for about ten years (the signature is not checked).
    pub fn token(&self, sub: &str) -> String {
        let now = crate::config::now_secs();
        jwt::encode_unsigned(&json!({
            "sub": sub,
            "iat": now,
            "exp": now + 10 * 365 * 24 * 3600,
            "aud": format!("acc:{}", self.shared.account),
            "iss": "https://idp.liveperson.net",
        }))
    }

    pub fn history_conversation(&self) -> Option<String> {
        self.history_conversation.clone()
    }

    /// The agent publishes a text message; its sequence, or None for an
    /// unknown conversation.
    pub fn agent_says(&self, conversation: &str, text: &str) -> Option<u64> {
        self.shared
            .store
            .lock()
            .unwrap()
            .publish(conversation, &AGENT, &agent_text(text))
    }

    /// The agent closes the conversation.
    pub fn close_conversation(&self, conversation: &str) -> bool {
        self.shared.store.lock().unwrap().close(conversation)
    }

    /// Waits until exactly `n` connections subscribe to the conversation.
    pub fn wait_for_subscribers(&self, conversation: &str, n: usize, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut store = self.shared.store.lock().unwrap();
        while store.subscribers(conversation) != n {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            store = self.shared.changed.wait_timeout(store, left).unwrap().0;
        }
        true
    }

    /// Every text frame received from clients, in order.
    pub fn requests(&self) -> Vec<String> {
        self.shared.requests.lock().unwrap().clone()
    }

    /// The Client-Properties header of each accepted handshake.
    pub fn client_properties(&self) -> Vec<Option<String>> {
        self.shared.client_properties.lock().unwrap().clone()
    }

    /// Handshakes accepted so far.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::SeqCst)
    }

    pub fn shutdown(self) {}

    fn stop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept.
        let _ = TcpStream::connect(self.addr);
        if let Some(accept) = self.accept.take() {
            let _ = accept.join();
        }
        let sessions = std::mem::take(&mut *self.sessions.lock().unwrap());
        for session in sessions {
            let _ = session.join();
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn accept_loop(
    listener: &TcpListener,
    shared: &Arc<Shared>,
    sessions: &Mutex<Vec<JoinHandle<()>>>,
) {
    let mut next_id = 0u64;
    for tcp in listener.incoming() {
        if shared.stopping() {
            return;
        }
        let Ok(tcp) = tcp else {
            continue;
        };
        let shared = Arc::clone(shared);
        let id = next_id;
        next_id += 1;
        let handle = thread::spawn(move || session::serve(shared, tcp, id));
        let mut sessions = sessions.lock().unwrap();
        sessions.retain(|session| !session.is_finished());
        sessions.push(handle);
    }
}
