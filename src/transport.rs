//! Reaching a WebSocket endpoint: TCP with a deadline, the HTTP CONNECT
//! tunnel through a proxy, TLS, and the upgrade, all behind one `dial`; the
//! socket types under a WebSocket (lp-mock serves on them too), with the
//! guard against a peer that starts a message and never finishes it.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Result;
use tungstenite::HandshakeError;
use tungstenite::client::IntoClientRequest;
use tungstenite::http::HeaderValue;
use tungstenite::protocol::{WebSocket, WebSocketConfig};

use crate::address::authority;
use crate::exit::{
    Exit, Failure, err_text, fail, link_failure, status_failure, websocket_exit, websocket_link,
};
use crate::patience::Patience;
use crate::proxy::Proxy;
use crate::reconnect::LinkError;
use crate::signals;

/// How long a blocking read waits before it looks at deadlines and signals,
/// while dialing.
const TICK: Duration = Duration::from_millis(100);
/// The longest CONNECT answer read before giving up on the proxy.
const MAX_PROXY_REPLY: usize = 16 * 1024;

/// Where to connect.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    pub(crate) url: String,
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) tls: bool,
}

/// Which servers to trust.
#[derive(Default)]
pub(crate) struct TlsSettings {
    /// Extra roots (`--cacert`).
    pub(crate) cacerts: Vec<native_tls::Certificate>,
    /// Check nothing (`--insecure`).
    pub(crate) insecure: bool,
}

impl TlsSettings {
    /// A connector that trusts the system's roots and `cacerts`.
    pub(crate) fn connector(&self) -> Result<TlsClient> {
        let mut builder = native_tls::TlsConnector::builder();
        for cert in &self.cacerts {
            builder.add_root_certificate(cert.clone());
        }
        if self.insecure {
            builder
                .danger_accept_invalid_certs(true)
                .danger_accept_invalid_hostnames(true);
        }
        let connector = builder
            .build()
            .map_err(|err| fail(Exit::Unavailable, format!("cannot set up TLS: {err}")))?;
        Ok(TlsClient {
            connector,
            cacert_given: !self.cacerts.is_empty(),
        })
    }
}

/// A TLS connector, and what its failures should tell.
pub(crate) struct TlsClient {
    pub(crate) connector: native_tls::TlsConnector,
    /// Extra roots were given: a certificate from an unknown CA is not
    /// mended by giving --cacert again.
    cacert_given: bool,
}

impl TlsClient {
    /// A failed handshake with `host`, said as what it is and what fixes
    /// it: a CA nobody here trusts, a certificate for another name, an
    /// expired one, or a server that does not speak TLS (reached with
    /// `plain_scheme`, it may work). OpenSSL's codes
    /// and source lines are left out. `plain_scheme` is `ws` or `http`.
    pub(crate) fn handshake_failure(
        &self,
        host: &str,
        err: &native_tls::Error,
        plain_scheme: &str,
    ) -> Failure {
        let text = err.to_string();
        // native-tls ends OpenSSL's text with the certificate check's verdict.
        let verdict = text
            .rsplit_once(" (")
            .and_then(|(_, verdict)| verdict.strip_suffix(')'))
            .filter(|verdict| *verdict != "ok");
        let unknown_ca = [
            "unable to get local issuer certificate",
            "unable to get issuer certificate",
            "unable to verify the first certificate",
            "self-signed certificate",
            "self signed certificate",
            "self-signed certificate in certificate chain",
            "self signed certificate in certificate chain",
        ];
        let why = match verdict {
            Some(verdict) if unknown_ca.contains(&verdict) => {
                if self.cacert_given {
                    "its certificate is signed by a CA that neither this system nor --cacert \
                     trusts (is the --cacert file the CA that signed the server's certificate?)"
                        .to_owned()
                } else {
                    "its certificate is signed by a CA this system does not trust (for a private \
                     CA, pass it with --cacert PEM)"
                        .to_owned()
                }
            }
            Some("hostname mismatch" | "IP address mismatch") => format!(
                "its certificate is not for {host} (reach the server by a name its certificate \
                 lists, or have the certificate fixed; --cacert does not change this)"
            ),
            Some("certificate has expired") => "its certificate has expired (the server's \
                 certificate must be renewed; if it is new, check this system's clock)"
                .to_owned(),
            Some("certificate is not yet valid") => {
                "its certificate is not valid yet (check this system's clock)".to_owned()
            }
            Some(verdict) => format!("its certificate was refused: {verdict}"),
            None => format!(
                "{} (is it a plain server? then write {plain_scheme}://; without a scheme, \
                 {plain_scheme}s:// is assumed)",
                openssl_reason(&text)
            ),
        };
        Failure {
            exit: Exit::Unavailable,
            message: format!("TLS handshake with {host} failed: {why}"),
            link: Some(LinkError::Unreachable),
        }
    }
}

/// The reason in OpenSSL's `error:0A00010B:SSL routines:ssl3_get_record:
/// wrong version number:../ssl/record/ssl3_record.c:354:`; other text as
/// it is.
fn openssl_reason(text: &str) -> &str {
    text.strip_prefix("error:")
        .and_then(|rest| rest.split(':').nth(3))
        .filter(|reason| !reason.is_empty())
        .unwrap_or(text)
}

/// Everything `dial` needs besides the endpoint.
pub(crate) struct Dial<'a> {
    pub(crate) proxy: Option<&'a Proxy>,
    /// Set up for a `wss://` endpoint; None for `ws://`.
    pub(crate) tls: Option<Arc<TlsClient>>,
    /// Bounds connect, tunnel, TLS and upgrade together.
    pub(crate) timeout: Duration,
    pub(crate) max_frame_bytes: usize,
    pub(crate) read_buffer_bytes: usize,
    /// Extra headers of the upgrade request (sensitive ones marked so).
    pub(crate) headers: Vec<(&'static str, HeaderValue)>,
    pub(crate) verbose: bool,
}

/// Connects, tunnels, secures and upgrades, all within `dial.timeout`.
pub(crate) fn dial(endpoint: &Endpoint, dial: &Dial) -> Result<WebSocket<Stream>> {
    let deadline = Instant::now() + dial.timeout;
    if dial.verbose {
        eprintln!("lp-consumer: connecting to {}", endpoint.url);
    }
    let (tcp, mut patience) = reach(
        &endpoint.host,
        endpoint.port,
        dial.proxy,
        deadline,
        dial.timeout,
        dial.verbose,
    )?;
    let transport = if let Some(connector) = &dial.tls {
        patience.now_for(format!("the TLS handshake with {}", endpoint.host));
        Transport::Tls(Box::new(tls_handshake(
            connector,
            endpoint,
            tcp,
            deadline,
            dial,
            &mut patience,
        )?))
    } else {
        Transport::Plain(tcp)
    };
    let stream = Stream::new(transport, deadline, dial.timeout);
    patience.now_for(format!(
        "{} to answer the WebSocket handshake",
        endpoint.host
    ));
    let mut ws = websocket_handshake(endpoint, stream, deadline, dial, &mut patience)?;
    ws.get_mut().dial_deadline = None;
    if dial.verbose {
        eprintln!("lp-consumer: connected (HTTP 101 Switching Protocols)");
    }
    Ok(ws)
}

/// A TCP connection to `host:port` by the end of `deadline`, through the
/// proxy's CONNECT tunnel when there is one: the first step of the socket
/// and of the HTTP requests alike, so a proxy's refusal reads the same for
/// both. Its reads tick (`TICK`); the wait goes on in the `Patience`
/// returned.
pub(crate) fn reach(
    host: &str,
    port: u16,
    proxy: Option<&Proxy>,
    deadline: Instant,
    timeout: Duration,
    verbose: bool,
) -> Result<(TcpStream, Patience)> {
    // Through a proxy, the first hop is the proxy.
    let (hop_host, hop_port) =
        proxy.map_or((host, port), |proxy| (proxy.host.as_str(), proxy.port));
    let mut patience = Patience::new(authority(hop_host, hop_port), timeout, verbose);
    let mut tcp =
        connect_tcp(hop_host, hop_port, deadline, timeout).map_err(|err| match proxy {
            Some(_) => err.context("proxy"),
            None => err,
        })?;
    let setup = |err: io::Error| {
        fail(
            Exit::Unavailable,
            format!("cannot set up the socket: {}", err_text(&err)),
        )
    };
    tcp.set_nodelay(true).map_err(setup)?;
    tcp.set_read_timeout(Some(TICK)).map_err(setup)?;
    tcp.set_write_timeout(Some(timeout)).map_err(setup)?;
    if let Some(proxy) = proxy {
        if verbose {
            eprintln!("lp-consumer: tunnelling through proxy {}", proxy.address());
        }
        patience.now_for(format!("proxy {}", proxy.address()));
        tunnel(
            &mut tcp,
            proxy,
            &authority(host, port),
            deadline,
            &mut patience,
        )?;
    }
    Ok((tcp, patience))
}

/// A read that ended without data: the socket timeout, a non-blocking
/// socket with nothing to read, or a signal (which interrupts a socket read
/// that has a timeout even under SA_RESTART). Worth trying again.
pub(crate) fn is_tick(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

pub(crate) fn timed_out(what: &str, timeout: Duration) -> anyhow::Error {
    link_failure(
        Exit::TempFail,
        LinkError::TimedOut,
        format!("{what} timed out after {} s", timeout.as_secs_f64()),
    )
}

/// The socket under a WebSocket, with or without TLS.
pub(crate) enum Transport {
    Plain(TcpStream),
    Tls(Box<native_tls::TlsStream<TcpStream>>),
}

impl Transport {
    /// The TCP socket under any TLS, for timeouts and shutdown.
    pub(crate) fn tcp(&self) -> &TcpStream {
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

/// The client's socket, with guards against a peer that dribbles
/// (tungstenite would otherwise keep reading a byte at a time without ever
/// returning): while dialing, reads fail past the dial's deadline; after,
/// when a wait finds bytes of an unfinished message, the rest must follow
/// within the limit. The clock is read then, never per message.
pub(crate) struct Stream {
    transport: Transport,
    /// The end of the dial, while dialing.
    dial_deadline: Option<Instant>,
    /// Bytes arrived since the last whole message.
    unfinished: bool,
    /// When a wait first found the message unfinished.
    stalled_since: Option<Instant>,
    limit: Duration,
}

impl Stream {
    fn new(transport: Transport, dial_deadline: Instant, limit: Duration) -> Stream {
        Stream {
            transport,
            dial_deadline: Some(dial_deadline),
            unfinished: false,
            stalled_since: None,
            limit,
        }
    }

    pub(crate) fn tcp(&self) -> &TcpStream {
        self.transport.tcp()
    }

    /// A whole message was read: the next one starts afresh.
    pub(crate) fn message_done(&mut self) {
        self.unfinished = false;
        self.stalled_since = None;
    }

    /// When a started message that waits for its rest is due to count as
    /// stalled: a wait wakes up then.
    pub(crate) fn stall_deadline(&self) -> Option<Instant> {
        self.stalled_since
            .filter(|_| self.unfinished)
            .map(|since| since + self.limit)
    }

    /// At a moment when nothing could be read: whether a started message
    /// has been waiting for its rest longer than the limit.
    pub(crate) fn stalled(&mut self, now: Instant) -> bool {
        if !self.unfinished {
            return false;
        }
        let since = *self.stalled_since.get_or_insert(now);
        now.duration_since(since) > self.limit
    }
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self
            .dial_deadline
            .is_some_and(|deadline| Instant::now() >= deadline)
        {
            return Err(io::ErrorKind::TimedOut.into());
        }
        let read = self.transport.read(buf);
        let read = self.dialing_resumes(read);
        if matches!(read, Ok(n) if n > 0) {
            self.unfinished = true;
        }
        read
    }
}

impl Stream {
    /// A socket call with a timeout fails with EINTR after any handled
    /// signal, or a stop and continue, even under SA_RESTART. While
    /// dialing, tungstenite's handshake resumes only after WouldBlock (any
    /// other error ends it): so EINTR is said as WouldBlock there, and the
    /// handshake's wait (`still_waiting`) ends the dial if the signal is
    /// one of ours. After the dial, the pump takes EINTR as a tick.
    fn dialing_resumes<T>(&self, result: io::Result<T>) -> io::Result<T> {
        match result {
            Err(err)
                if self.dial_deadline.is_some() && err.kind() == io::ErrorKind::Interrupted =>
            {
                Err(io::ErrorKind::WouldBlock.into())
            }
            result => result,
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.transport.write(buf);
        self.dialing_resumes(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.transport.flush()
    }
}

/// TCP to the first address of `host` that answers before `deadline`.
pub(crate) fn connect_tcp(
    host: &str,
    port: u16,
    deadline: Instant,
    timeout: Duration,
) -> Result<TcpStream> {
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|err| {
            link_failure(
                Exit::Unavailable,
                LinkError::Unreachable,
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
        Some(err) if !is_tick(&err) => link_failure(
            Exit::Unavailable,
            LinkError::Unreachable,
            format!(
                "cannot connect to {}: {}",
                authority(host, port),
                err_text(&err)
            ),
        ),
        _ => timed_out(&format!("connecting to {}", authority(host, port)), timeout),
    })
}

/// Asks the proxy for a tunnel to `host:port` on an open socket, reading
/// its answer up to the blank line and no further.
fn tunnel(
    stream: &mut TcpStream,
    proxy: &Proxy,
    target: &str,
    deadline: Instant,
    patience: &mut Patience,
) -> Result<()> {
    let mut request = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    if let Some(credentials) = proxy.basic_credentials() {
        request.push_str(&format!("Proxy-Authorization: Basic {credentials}\r\n"));
    }
    request.push_str("\r\n");
    let address = proxy.address();
    let broken = |err: io::Error| {
        link_failure(
            Exit::Unavailable,
            LinkError::Unreachable,
            format!("proxy {address}: {}", err_text(&err)),
        )
    };
    stream.write_all(request.as_bytes()).map_err(broken)?;
    let reply = read_proxy_reply(stream, deadline, patience).map_err(|err| match err.kind() {
        io::ErrorKind::TimedOut => link_failure(
            Exit::TempFail,
            LinkError::TimedOut,
            format!("proxy {address} did not answer CONNECT in time"),
        ),
        _ => broken(err),
    })?;
    let status_line = reply.lines().next().unwrap_or_default();
    let status = status_line
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse::<u16>().ok());
    match status {
        Some(200..=299) => Ok(()),
        Some(407) if proxy.basic_credentials().is_some() => Err(fail(
            Exit::Config,
            format!(
                "proxy {address} refused the user and password of its URL (HTTP 407); \
                 check them"
            ),
        )),
        Some(407) => Err(fail(
            Exit::Config,
            format!(
                "proxy {address} wants credentials (HTTP 407); give them in its URL: \
                 http://USER:PASSWORD@{address}"
            ),
        )),
        Some(_) => Err(link_failure(
            Exit::Unavailable,
            LinkError::Unreachable,
            format!(
                "proxy {address} refused the tunnel to {target}: {}",
                status_line.trim()
            ),
        )),
        None => Err(link_failure(
            Exit::Unavailable,
            LinkError::Unreachable,
            format!("proxy {address} did not answer CONNECT with HTTP"),
        )),
    }
}

/// Reads byte by byte so that nothing after the blank line (the start of
/// the TLS or WebSocket exchange) is consumed.
fn read_proxy_reply(
    stream: &mut TcpStream,
    deadline: Instant,
    patience: &mut Patience,
) -> io::Result<String> {
    let mut reply = Vec::new();
    let mut byte = [0u8; 1];
    while !reply.ends_with(b"\r\n\r\n") {
        if reply.len() >= MAX_PROXY_REPLY {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "answer too long",
            ));
        }
        match stream.read(&mut byte) {
            Ok(0) => {
                return Err(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "closed the connection",
                ));
            }
            Ok(_) => reply.push(byte[0]),
            Err(err) if is_tick(&err) => {
                let now = Instant::now();
                if now >= deadline {
                    return Err(io::ErrorKind::TimedOut.into());
                }
                patience.tick(now);
            }
            Err(err) => return Err(err),
        }
    }
    Ok(String::from_utf8_lossy(&reply).into_owned())
}

fn tls_handshake(
    client: &TlsClient,
    endpoint: &Endpoint,
    tcp: TcpStream,
    deadline: Instant,
    dial: &Dial,
    patience: &mut Patience,
) -> Result<native_tls::TlsStream<TcpStream>> {
    let host = &endpoint.host;
    let mut attempt = client.connector.connect(host, tcp);
    loop {
        match attempt {
            Ok(stream) => return Ok(stream),
            Err(native_tls::HandshakeError::WouldBlock(mid)) => {
                still_waiting(
                    deadline,
                    &format!("TLS handshake with {host}"),
                    dial.timeout,
                    patience,
                )?;
                attempt = mid.handshake();
            }
            Err(native_tls::HandshakeError::Failure(err)) => {
                return Err(client.handshake_failure(host, &err, "ws").into());
            }
        }
    }
}

fn websocket_handshake(
    endpoint: &Endpoint,
    stream: Stream,
    deadline: Instant,
    dial: &Dial,
    patience: &mut Patience,
) -> Result<WebSocket<Stream>> {
    let mut request = endpoint
        .url
        .as_str()
        .into_client_request()
        .map_err(|err| fail(Exit::Config, format!("bad endpoint URL: {err}")))?;
    for (name, value) in &dial.headers {
        request.headers_mut().insert(*name, value.clone());
    }
    // Unsent bytes are bounded: one request of the largest size, and a
    // buffer's worth more. Past that, a pong waits for the one before it
    // to go out (tungstenite keeps one), and a request for room.
    let default = WebSocketConfig::default();
    let websocket_config = default
        .max_message_size(Some(dial.max_frame_bytes))
        .max_frame_size(Some(dial.max_frame_bytes))
        .read_buffer_size(dial.read_buffer_bytes)
        .max_write_buffer_size(2 * default.write_buffer_size + dial.max_frame_bytes);
    let mut attempt =
        tungstenite::client::client_with_config(request, stream, Some(websocket_config));
    loop {
        match attempt {
            Ok((ws, _response)) => return Ok(ws),
            Err(HandshakeError::Interrupted(mid)) => {
                still_waiting(deadline, "the WebSocket handshake", dial.timeout, patience)?;
                attempt = mid.handshake();
            }
            Err(HandshakeError::Failure(err)) => {
                return Err(handshake_error(&endpoint.host, err, dial.timeout));
            }
        }
    }
}

/// Between two tries of a handshake that would block: a signal ends the
/// wait, and so does the deadline; otherwise the wait may be worth a word.
fn still_waiting(
    deadline: Instant,
    what: &str,
    timeout: Duration,
    patience: &mut Patience,
) -> Result<()> {
    if let Some(exit) = signals::pending() {
        return Err(fail(exit, ""));
    }
    let now = Instant::now();
    if now >= deadline {
        return Err(timed_out(what, timeout));
    }
    patience.tick(now);
    Ok(())
}

fn handshake_error(host: &str, err: tungstenite::Error, timeout: Duration) -> anyhow::Error {
    if matches!(&err, tungstenite::Error::Io(io) if io.kind() == io::ErrorKind::TimedOut) {
        return timed_out(&format!("{host}: the WebSocket handshake"), timeout);
    }
    let exit = websocket_exit(&err);
    if matches!(
        &err,
        tungstenite::Error::Protocol(tungstenite::error::ProtocolError::HandshakeIncomplete)
    ) {
        return fail(
            exit,
            format!(
                "{host} ended the connection before answering the WebSocket handshake: \
                 not a LivePerson consumer endpoint? check LP_URL or LP_ASYNCMESSAGINGENT"
            ),
        );
    }
    let tungstenite::Error::Http(response) = &err else {
        let message = format!("{host}: WebSocket handshake failed: {err}");
        return match websocket_link(&err) {
            Some(link) => link_failure(exit, link, message),
            None => fail(exit, message),
        };
    };
    let status = response.status();
    // The path names the account: a 404 is a wrong LP_ACCOUNT (or LP_URL),
    // a mistake in the configuration rather than in the protocol.
    if status.as_u16() == 404 {
        return fail(
            Exit::Config,
            format!(
                "{host} answered the WebSocket handshake with HTTP {status}: it has no consumer \
                 endpoint at that path; check LP_ACCOUNT (or the path in LP_URL)"
            ),
        );
    }
    let hint = match exit {
        Exit::NoPerm => ": the token was refused; check LP_JWT and LP_ACCOUNT",
        Exit::TempFail => ": retry later",
        _ => {
            ": not a LivePerson consumer endpoint? check LP_URL or LP_ASYNCMESSAGINGENT and LP_ACCOUNT"
        }
    };
    status_failure(
        exit,
        status.as_u16(),
        format!("{host} answered the WebSocket handshake with HTTP {status}{hint}"),
    )
}
