//! One consumer WebSocket: connect (TCP, TLS, upgrade) with every phase
//! bounded by `--timeout`, keep-alive while blocked in a read, and request /
//! response matching by `reqId` without losing the notifications that arrive
//! in between.
//!
//! There is one thread and one socket: the socket's read timeout is a short
//! tick, so a blocked read wakes up to send pings, notice a dead link, honour
//! a deadline or a signal, and then reads on (tungstenite keeps partial frames
//! across `WouldBlock`).

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

use anyhow::Result;
use serde_json::Value;
use serde_json::value::RawValue;
use tungstenite::client::IntoClientRequest;
use tungstenite::http::HeaderValue;
use tungstenite::protocol::frame::CloseFrame;
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::{WebSocket, WebSocketConfig};
use tungstenite::{HandshakeError, Message, Utf8Bytes};

use crate::config::{ConnectionConfig, err_text};
use crate::exit::{
    Exit, fail, http_status_exit, is_auth_close_code, status_failure, websocket_exit,
};
use crate::frames::{self, Incoming, Response, types};
use crate::jsonscan;
use crate::proxy;
use crate::signals;

/// How long a blocked read sleeps before it looks at timers and signals.
pub const TICK: Duration = Duration::from_millis(100);
/// How long to wait for the server's answer to our close frame.
const CLOSE_GRACE: Duration = Duration::from_secs(2);
/// GetClock requests whose answers we still drop, at most.
const KEEPALIVE_IDS_KEPT: usize = 8;

/// The socket under a WebSocket, with or without TLS (lp-mock uses it too).
pub enum Transport {
    Plain(TcpStream),
    Tls(Box<native_tls::TlsStream<TcpStream>>),
}

impl Transport {
    /// The TCP socket under any TLS, for timeouts and shutdown.
    pub fn tcp(&self) -> &TcpStream {
        match self {
            Transport::Plain(s) => s,
            Transport::Tls(s) => s.get_ref(),
        }
    }
}

impl Read for Transport {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Transport::Plain(s) => s.read(buf),
            Transport::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Transport {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Transport::Plain(s) => s.write(buf),
            Transport::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Transport::Plain(s) => s.flush(),
            Transport::Tls(s) => s.flush(),
        }
    }
}

/// The socket, plus a guard against a peer that dribbles: once bytes of a
/// message have arrived, the rest must follow within `--timeout`, or reads
/// fail with `TimedOut` (tungstenite would otherwise keep reading a byte at a
/// time without ever returning).
pub struct Stream {
    transport: Transport,
    /// When the first bytes of the message being read arrived.
    partial_since: Option<Instant>,
    limit: Duration,
}

impl Stream {
    fn too_slow(&self) -> bool {
        self.partial_since
            .is_some_and(|since| since.elapsed() > self.limit)
    }

    /// A whole message was read: the next one starts afresh.
    fn message_done(&mut self) {
        self.partial_since = None;
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.too_slow() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        let read = self.transport.read(buf);
        if matches!(read, Ok(n) if n > 0) && self.partial_since.is_none() {
            self.partial_since = Some(Instant::now());
        }
        read
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.transport.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.transport.flush()
    }
}

/// A successful response.
pub struct Reply {
    pub code: i64,
    pub body: Option<Box<RawValue>>,
}

/// What a read produced.
pub enum Event {
    /// A text frame.
    Frame(Utf8Bytes),
    /// The deadline passed with nothing received.
    Idle,
    /// The server closed the connection normally (code 1000).
    Closed,
}

pub struct Connection {
    ws: WebSocket<Stream>,
    host: String,
    next_id: u64,
    /// Frames read while waiting for a response, handed out by `next` first.
    pending: VecDeque<Utf8Bytes>,
    keepalive: Option<Duration>,
    next_keepalive: Instant,
    /// When a keep-alive went out that nothing has answered yet.
    unanswered_since: Option<Instant>,
    keepalive_ids: VecDeque<String>,
    timeout: Duration,
    /// The token, for scrubbing `--verbose` lines; None when not verbose.
    verbose_redact: Option<String>,
}

fn timed_out(what: &str, timeout: Duration) -> anyhow::Error {
    fail(
        Exit::TempFail,
        format!("{what} timed out after {} s", timeout.as_secs_f64()),
    )
}

/// A read that ended without data: the socket timeout (the tick), or a
/// signal, which interrupts a socket read that has a timeout even under
/// SA_RESTART. Worth trying again.
pub fn is_tick(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

impl Connection {
    /// Connects, upgrades and authenticates, all within `config.timeout`.
    pub fn open(config: &ConnectionConfig) -> Result<Connection> {
        let endpoint = &config.endpoint;
        let deadline = Instant::now() + config.timeout;
        let verbose = config.verbose;
        if verbose {
            eprintln!("lp-consumer: connecting to {}", endpoint.url);
        }
        // Through a proxy, the first hop is the proxy.
        let (host, port) = config
            .proxy
            .as_ref()
            .map_or((&endpoint.host, endpoint.port), |proxy| {
                (&proxy.host, proxy.port)
            });
        let mut tcp = connect_tcp(host, port, deadline, config.timeout)?;
        let setup = |err: io::Error| {
            fail(
                Exit::Unavailable,
                format!("cannot set up the socket: {}", err_text(&err)),
            )
        };
        tcp.set_nodelay(true).map_err(setup)?;
        tcp.set_read_timeout(Some(TICK)).map_err(setup)?;
        tcp.set_write_timeout(Some(config.timeout)).map_err(setup)?;
        if let Some(proxy) = &config.proxy {
            if verbose {
                eprintln!("lp-consumer: tunnelling through proxy {}", proxy.address());
            }
            proxy::tunnel(&mut tcp, proxy, &endpoint.host, endpoint.port, deadline)?;
        }
        let transport = if endpoint.tls {
            Transport::Tls(Box::new(tls_handshake(config, tcp, deadline)?))
        } else {
            Transport::Plain(tcp)
        };
        let stream = Stream {
            transport,
            partial_since: None,
            limit: config.timeout,
        };
        let ws = websocket_handshake(config, stream, deadline)?;
        if verbose {
            eprintln!("lp-consumer: connected (HTTP 101 Switching Protocols)");
        }
        signals::install();
        Ok(Connection {
            ws,
            host: endpoint.host.clone(),
            next_id: 1,
            pending: VecDeque::new(),
            keepalive: config.keepalive,
            next_keepalive: Instant::now() + config.keepalive.unwrap_or(Duration::MAX / 4),
            unanswered_since: None,
            keepalive_ids: VecDeque::new(),
            timeout: config.timeout,
            verbose_redact: verbose.then(|| config.token.secret.expose().to_owned()),
        })
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// True when bytes wait in the socket, so more frames can be read at
    /// once: callers defer flushing their output until the burst is over.
    pub fn input_pending(&self) -> bool {
        let fd = self.ws.get_ref().transport.tcp().as_raw_fd();
        let mut available: libc::c_int = 0;
        // SAFETY: FIONREAD stores one int through the pointer.
        let status = unsafe { libc::ioctl(fd, libc::FIONREAD, &mut available) };
        status == 0 && available > 0
    }

    /// Sends a request and returns its id, without waiting for the answer.
    pub fn send_request(&mut self, request_type: &str, body: Option<&Value>) -> Result<String> {
        let id = self.next_id.to_string();
        self.next_id += 1;
        let text = frames::request(&id, request_type, body);
        self.send_text(text)?;
        Ok(id)
    }

    /// Sends a request and waits (up to `--timeout`) for its response; a code
    /// outside 2xx is an error. Notifications that arrive meanwhile are kept
    /// for `next`.
    pub fn request(&mut self, request_type: &str, body: Option<&Value>) -> Result<Reply> {
        let id = self.send_request(request_type, body)?;
        let deadline = Instant::now() + self.timeout;
        loop {
            let frame = match self.read_socket(Some(deadline))? {
                Event::Frame(frame) => frame,
                Event::Idle => {
                    return Err(timed_out(
                        &format!("waiting for the response to {request_type}"),
                        self.timeout,
                    ));
                }
                Event::Closed => {
                    return Err(fail(
                        Exit::TempFail,
                        format!("the server closed the connection before answering {request_type}"),
                    ));
                }
            };
            match frames::parse(&frame)? {
                Incoming::Response(response) if response.req_id == id => {
                    check_response(request_type, &response)?;
                    return Ok(Reply {
                        code: response.code,
                        body: response.body.map(RawValue::to_owned),
                    });
                }
                Incoming::Response(response) => {
                    self.other_response(&response);
                }
                Incoming::Notification(_) => self.pending.push_back(frame.clone()),
            }
        }
    }

    /// Handles a response that no caller waits for: a keep-alive's answer
    /// is dropped (true), anything else is noted in `--verbose` (false).
    pub fn other_response(&mut self, response: &Response) -> bool {
        if let Some(at) = self
            .keepalive_ids
            .iter()
            .position(|id| *id == response.req_id)
        {
            self.keepalive_ids.remove(at);
            return true;
        }
        if self.verbose_redact.is_some() {
            eprintln!(
                "lp-consumer: ignoring a response to unknown request id {}",
                response.req_id
            );
        }
        false
    }

    /// Keeps the link alive for up to `TICK` while the caller waits for
    /// something else: answers pings, drops keep-alive answers and
    /// notifications, notices signals and a dead link.
    pub fn idle_tick(&mut self) -> Result<()> {
        let until = Instant::now() + TICK;
        loop {
            match self.next(Some(until))? {
                Event::Idle => return Ok(()),
                Event::Closed => {
                    return Err(fail(
                        Exit::TempFail,
                        format!("{}: the server closed the connection", self.host),
                    ));
                }
                Event::Frame(frame) => {
                    if let Incoming::Response(response) = frames::parse(&frame)? {
                        self.other_response(&response);
                    }
                }
            }
        }
    }

    /// The next frame: kept ones first, then from the socket, until `until`.
    pub fn next(&mut self, until: Option<Instant>) -> Result<Event> {
        match self.pending.pop_front() {
            Some(frame) => Ok(Event::Frame(frame)),
            None => self.read_socket(until),
        }
    }

    fn read_socket(&mut self, until: Option<Instant>) -> Result<Event> {
        loop {
            if let Some(exit) = signals::pending() {
                self.finish();
                return Err(fail(exit, ""));
            }
            self.keepalive_tick()?;
            if until.is_some_and(|until| Instant::now() >= until) {
                return Ok(Event::Idle);
            }
            let read = self.ws.read();
            if read.is_ok() {
                self.ws.get_mut().message_done();
            }
            match read {
                Ok(Message::Text(text)) => {
                    self.unanswered_since = None;
                    self.log('<', &text);
                    return Ok(Event::Frame(text));
                }
                Ok(Message::Binary(_)) => {
                    return Err(fail(
                        Exit::Protocol,
                        "the server sent a binary frame; the protocol uses JSON text frames",
                    ));
                }
                Ok(Message::Ping(_) | Message::Pong(_)) => self.unanswered_since = None,
                Ok(Message::Close(frame)) => return self.closed_by_server(frame),
                Ok(Message::Frame(_)) => {}
                Err(tungstenite::Error::Io(err)) if is_tick(&err) => {
                    if self.ws.get_ref().too_slow() {
                        return Err(timed_out(
                            &format!("{}: receiving a frame", self.host),
                            self.timeout,
                        ));
                    }
                }
                Err(err) => return Err(self.link_error(err)),
            }
        }
    }

    fn closed_by_server(&mut self, frame: Option<CloseFrame>) -> Result<Event> {
        // tungstenite queued the answer to the close; send it, best effort.
        let _ = self.ws.flush();
        let Some(frame) = frame else {
            return Err(fail(
                Exit::TempFail,
                "the server closed the connection without a close code",
            ));
        };
        let code = u16::from(frame.code);
        let reason = if frame.reason.is_empty() {
            String::new()
        } else {
            format!(": {}", jsonscan::compact(&frame.reason))
        };
        if is_auth_close_code(code) {
            return Err(fail(
                Exit::NoPerm,
                format!(
                    "the server closed the connection with code {code}{reason}: \
                     the token is no longer accepted; get a fresh token"
                ),
            ));
        }
        if code == 1000 {
            return Ok(Event::Closed);
        }
        Err(fail(
            Exit::TempFail,
            format!("the server closed the connection with code {code}{reason}"),
        ))
    }

    fn link_error(&self, err: tungstenite::Error) -> anyhow::Error {
        use tungstenite::Error as E;
        use tungstenite::error::ProtocolError as P;
        let message = match &err {
            E::ConnectionClosed | E::AlreadyClosed => "the connection is closed".to_owned(),
            E::Protocol(P::ResetWithoutClosingHandshake) => {
                "the connection dropped without a close frame".to_owned()
            }
            E::Io(io_err) => format!("the connection failed: {}", err_text(io_err)),
            E::Capacity(limit) => {
                format!("the server sent more than --max-frame-bytes allows ({limit})")
            }
            other => format!("the server broke the WebSocket protocol: {other}"),
        };
        let exit = match &err {
            E::Protocol(P::ResetWithoutClosingHandshake) => Exit::TempFail,
            other => websocket_exit(other),
        };
        fail(exit, format!("{}: {message}", self.host))
    }

    fn keepalive_tick(&mut self) -> Result<()> {
        let now = Instant::now();
        if let Some(since) = self.unanswered_since
            && now.duration_since(since) > self.timeout
        {
            return Err(fail(
                Exit::TempFail,
                format!(
                    "{}: no answer to the keep-alive within {} s: the link is dead",
                    self.host,
                    self.timeout.as_secs_f64()
                ),
            ));
        }
        let Some(every) = self.keepalive else {
            return Ok(());
        };
        if now < self.next_keepalive {
            return Ok(());
        }
        self.next_keepalive = now + every;
        self.unanswered_since.get_or_insert(now);
        self.ws
            .send(Message::Ping(Default::default()))
            .map_err(|err| self.link_error(err))?;
        let id = self.send_request(types::GET_CLOCK, None)?;
        if self.keepalive_ids.len() == KEEPALIVE_IDS_KEPT {
            self.keepalive_ids.pop_front();
        }
        self.keepalive_ids.push_back(id);
        Ok(())
    }

    fn send_text(&mut self, text: String) -> Result<()> {
        self.log('>', &text);
        self.ws
            .send(Message::text(text))
            .map_err(|err| self.link_error(err))
    }

    fn log(&self, direction: char, text: &str) {
        if let Some(token) = &self.verbose_redact {
            let line = jsonscan::compact(text).replace(token.as_str(), "<redacted>");
            eprintln!("lp-consumer: {direction} {line}");
        }
    }

    /// Sends a close frame and waits briefly for the server's; errors are
    /// ignored, since the command's result is already decided.
    pub fn finish(&mut self) {
        let close = CloseFrame {
            code: CloseCode::Normal,
            reason: Default::default(),
        };
        if self.ws.close(Some(close)).is_err() {
            return;
        }
        let deadline = Instant::now() + CLOSE_GRACE.min(self.timeout);
        while Instant::now() < deadline {
            match self.ws.read() {
                Err(tungstenite::Error::Io(err)) if is_tick(&err) => {}
                Ok(_) => {}
                Err(_) => return,
            }
        }
    }
}

/// A 2xx code is success; anything else is the service refusing the request.
pub fn check_response(request_type: &str, response: &Response) -> Result<()> {
    if (200..300).contains(&response.code) {
        return Ok(());
    }
    let status = u16::try_from(response.code).unwrap_or(0);
    let exit = http_status_exit(status);
    Err(status_failure(
        exit,
        status,
        format!(
            "{request_type} refused with code {}: {}",
            response.code,
            frames::error_message(response.body)
        ),
    ))
}

fn connect_tcp(host: &str, port: u16, deadline: Instant, timeout: Duration) -> Result<TcpStream> {
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|err| {
            fail(
                Exit::Unavailable,
                format!("cannot resolve {host}: {}", err_text(&err)),
            )
        })?
        .collect();
    let mut last_error = None;
    for addr in addrs {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        match TcpStream::connect_timeout(&addr, left) {
            Ok(stream) => return Ok(stream),
            Err(err) => last_error = Some(err),
        }
    }
    Err(match last_error {
        Some(err) if !is_tick(&err) => fail(
            Exit::Unavailable,
            format!("cannot connect to {host}:{port}: {}", err_text(&err)),
        ),
        _ => timed_out(&format!("connecting to {host}:{port}"), timeout),
    })
}

fn tls_handshake(
    config: &ConnectionConfig,
    tcp: TcpStream,
    deadline: Instant,
) -> Result<native_tls::TlsStream<TcpStream>> {
    let host = &config.endpoint.host;
    let mut builder = native_tls::TlsConnector::builder();
    for cert in &config.cacerts {
        builder.add_root_certificate(cert.clone());
    }
    if config.insecure {
        eprintln!(
            "lp-consumer: warning: --insecure: the server's certificate and host name are not checked"
        );
        builder
            .danger_accept_invalid_certs(true)
            .danger_accept_invalid_hostnames(true);
    }
    let connector = builder
        .build()
        .map_err(|err| fail(Exit::Unavailable, format!("cannot set up TLS: {err}")))?;
    let mut attempt = connector.connect(host, tcp);
    loop {
        match attempt {
            Ok(stream) => return Ok(stream),
            Err(native_tls::HandshakeError::WouldBlock(mid)) => {
                if Instant::now() >= deadline {
                    return Err(timed_out(
                        &format!("TLS handshake with {host}"),
                        config.timeout,
                    ));
                }
                attempt = mid.handshake();
            }
            Err(native_tls::HandshakeError::Failure(err)) => {
                return Err(fail(
                    Exit::Unavailable,
                    format!(
                        "TLS handshake with {host} failed: {err} \
                         (for a private CA pass --cacert PEM)"
                    ),
                ));
            }
        }
    }
}

fn websocket_handshake(
    config: &ConnectionConfig,
    stream: Stream,
    deadline: Instant,
) -> Result<WebSocket<Stream>> {
    let mut request = config
        .endpoint
        .url
        .as_str()
        .into_client_request()
        .map_err(|err| fail(Exit::Config, format!("bad endpoint URL: {err}")))?;
    let mut authorization = HeaderValue::from_str(&format!("jwt {}", config.token.secret.expose()))
        .map_err(|_| {
            fail(
                Exit::DataErr,
                "the JWT has characters that cannot go in an HTTP header",
            )
        })?;
    authorization.set_sensitive(true);
    request.headers_mut().insert("Authorization", authorization);
    if let Some(properties) = &config.client_properties {
        let value = HeaderValue::from_str(properties).map_err(|_| {
            fail(
                Exit::DataErr,
                "--client-properties has characters that cannot go in an HTTP header",
            )
        })?;
        request.headers_mut().insert("Client-Properties", value);
    }
    let websocket_config = WebSocketConfig::default()
        .max_message_size(Some(config.max_frame_bytes))
        .max_frame_size(Some(config.max_frame_bytes));
    let mut attempt =
        tungstenite::client::client_with_config(request, stream, Some(websocket_config));
    loop {
        match attempt {
            Ok((ws, _response)) => return Ok(ws),
            Err(HandshakeError::Interrupted(mid)) => {
                if Instant::now() >= deadline {
                    return Err(timed_out("the WebSocket handshake", config.timeout));
                }
                attempt = mid.handshake();
            }
            Err(HandshakeError::Failure(err)) => {
                return Err(handshake_error(&config.endpoint.host, err));
            }
        }
    }
}

fn handshake_error(host: &str, err: tungstenite::Error) -> anyhow::Error {
    let tungstenite::Error::Http(response) = &err else {
        let exit = websocket_exit(&err);
        return fail(exit, format!("{host}: WebSocket handshake failed: {err}"));
    };
    let status = response.status();
    let exit = websocket_exit(&err);
    let code = status.as_u16();
    let hint = match exit {
        Exit::NoPerm => ": the token was refused; check LP_JWT and LP_ACCOUNT",
        Exit::TempFail => ": retry later",
        _ => {
            ": not a LivePerson consumer endpoint? check LP_URL or LP_ASYNCMESSAGINGENT and LP_ACCOUNT"
        }
    };
    status_failure(
        exit,
        code,
        format!("{host} answered the WebSocket handshake with HTTP {status}{hint}"),
    )
}
