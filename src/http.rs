//! HTTP requests to the domain API (CSDS) and the IdP, on the socket's
//! settings: the same TLS connector (`TlsSettings::connector`: system roots,
//! the `--cacert` bundle, `--insecure`), the same proxy choice
//! (`--proxy`, the environment, `NO_PROXY`), `--timeout` and `-v`.
//!
//! ureq does the HTTP/1.1. Its connector chain is built here: the proxy's
//! tunnel by the socket's own code (`transport::reach`), else ureq's TCP
//! step, then TLS by our own native-tls connector, so that these requests
//! go and trust exactly as the WebSocket does.

use std::cell::OnceCell;
use std::fmt;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::Result;
use tungstenite::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, TcpConnector,
    Transport, TransportAdapter,
};

use crate::address;
use crate::exit::{self, Exit, Failure, Outcome, err_text, fail};
use crate::proxy::{self, Proxy};
use crate::transport::{self, TlsClient, TlsSettings, timed_out};

/// The largest answer read; CSDS and IdP answers are a few KiB.
const MAX_ANSWER_BYTES: u64 = 1 << 20;

/// Each of ureq's two buffers per request.
const BUFFER_BYTES: usize = 16 * 1024;

/// What every request to the service, WebSocket or HTTP, obeys.
pub(crate) struct Network {
    pub(crate) tls: TlsSettings,
    /// `tls` set up once for all requests and dials (it reads the system's
    /// roots), and `--insecure` warned of once.
    tls_connector: OnceCell<Arc<TlsClient>>,
    proxy_flag: Option<String>,
    pub(crate) timeout: Duration,
    pub(crate) verbose: bool,
}

impl Network {
    pub(crate) fn new(
        tls: TlsSettings,
        proxy_flag: Option<String>,
        timeout: Duration,
        verbose: bool,
    ) -> Network {
        Network {
            tls,
            tls_connector: OnceCell::new(),
            proxy_flag,
            timeout,
            verbose,
        }
    }

    pub(crate) fn tls_connector(&self) -> Result<Arc<TlsClient>> {
        if let Some(connector) = self.tls_connector.get() {
            return Ok(Arc::clone(connector));
        }
        let connector = Arc::new(self.tls.connector()?);
        if self.tls.insecure {
            eprintln!(
                "lp-consumer: warning: --insecure: the server's certificate and host name are not checked"
            );
        }
        Ok(Arc::clone(self.tls_connector.get_or_init(|| connector)))
    }

    /// The proxy for `host`: `--proxy`, else the environment's unless
    /// `NO_PROXY` exempts the host.
    pub(crate) fn proxy_for(&self, host: &str, tls: bool) -> Result<Option<Proxy>> {
        let env = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
        proxy::choose(self.proxy_flag.as_deref(), host, tls, &env)
    }
}

/// The root of an HTTP service: `https://host[:port]`, or `http://` when
/// plain, with an optional path prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Site {
    pub(crate) plain: bool,
    /// `host[:port]` as written (an IPv6 address in brackets).
    authority: String,
    /// The host alone, without brackets.
    host: String,
    /// A path before the API's, without a trailing slash; mostly empty.
    prefix: String,
}

impl Site {
    /// A bare host (`adminlogin.liveperson.net`, `host:8443`) is reached
    /// over https; a whole `http://` or `https://` URL the way it says.
    pub(crate) fn parse(text: &str, origin: &str) -> Result<Site> {
        let text = text.trim();
        let invalid = |why: &str| fail(Exit::Config, format!("{origin}: {why}"));
        let (plain, rest) = if let Some(rest) = text.strip_prefix("https://") {
            (false, rest)
        } else if let Some(rest) = text.strip_prefix("http://") {
            (true, rest)
        } else if text.contains("://") {
            return Err(invalid(
                "only http:// and https:// URLs, or a bare host name",
            ));
        } else {
            (false, text)
        };
        let uri: Uri = format!("http://{rest}")
            .parse()
            .map_err(|_| invalid(&format!("`{text}` is not a host name or URL")))?;
        let authority = uri
            .authority()
            .filter(|authority| !authority.host().is_empty())
            .ok_or_else(|| invalid("no host"))?;
        if authority.as_str().contains('@') || uri.query().is_some() {
            return Err(invalid("a host name or URL without user name or query"));
        }
        address::written_port(authority.as_str()).map_err(|why| invalid(&why))?;
        Ok(Site {
            plain,
            authority: authority.as_str().to_owned(),
            host: address::unbracketed(authority.host()).to_owned(),
            prefix: uri.path().trim_end_matches('/').to_owned(),
        })
    }

    /// A host named by a CSDS answer, reached the way the CSDS itself is.
    pub(crate) fn named(host: &str, plain: bool, origin: &str) -> Result<Site> {
        let scheme = if plain { "http" } else { "https" };
        Site::parse(&format!("{scheme}://{host}"), origin)
    }

    pub(crate) fn url(&self, path: &str) -> String {
        let scheme = if self.plain { "http" } else { "https" };
        format!("{scheme}://{}{}{path}", self.authority, self.prefix)
    }

    pub(crate) fn host(&self) -> &str {
        &self.host
    }

    pub(crate) fn is_loopback(&self) -> bool {
        address::is_loopback(&self.host)
    }
}

/// A bare host when that is enough (https, no prefix), else the whole URL:
/// what `--csds`/`--idp` take back.
impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.plain || !self.prefix.is_empty() {
            f.write_str(&self.url(""))
        } else {
            f.write_str(&self.authority)
        }
    }
}

/// An answer, whatever its status.
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
}

/// What to send: a GET, or a POST with an optional JSON body.
pub(crate) enum Request<'a> {
    Get,
    Post(Option<&'a str>),
}

/// Sends one request to `site` and reads the whole answer. Failures to
/// reach the site are errors with the socket's exit codes (69, 75); any
/// HTTP status is the caller's to judge. Bodies are never logged: they
/// carry tokens.
pub(crate) fn send(net: &Network, site: &Site, path: &str, request: Request) -> Result<Reply> {
    let url = site.url(path);
    let proxy = net.proxy_for(site.host(), !site.plain)?;
    if net.verbose {
        let method = match request {
            Request::Get => "GET",
            Request::Post(_) => "POST",
        };
        eprintln!("lp-consumer: > {method} {url}");
        if let Some(proxy) = &proxy {
            eprintln!("lp-consumer: tunnelling through proxy {}", proxy.address());
        }
    }
    let agent = agent(net, site, proxy.as_ref())?;
    let sent = match request {
        Request::Get => agent.get(&url).call(),
        Request::Post(None) => agent.post(&url).send_empty(),
        Request::Post(Some(json)) => agent
            .post(&url)
            .header("Content-Type", "application/json")
            .send(json),
    };
    let broken = |err| transport_failure(err, site, net);
    let mut response = sent.map_err(broken)?;
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_ANSWER_BYTES)
        .read_to_vec()
        .map_err(broken)?;
    if net.verbose {
        eprintln!("lp-consumer: < HTTP {status} ({} bytes)", body.len());
    }
    Ok(Reply { status, body })
}

fn agent(net: &Network, site: &Site, proxy: Option<&Proxy>) -> Result<ureq::Agent> {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        // A redirect could carry an authCode to another host: none is followed.
        .max_redirects(0)
        .timeout_global(Some(net.timeout))
        .user_agent(concat!("lp-consumer/", env!("CARGO_PKG_VERSION")))
        // ureq's 128 KiB each way are zeroed for every request, and a
        // request's buffers are all a CSDS or IdP answer ever needs less
        // than a tenth of (the answer's head must fit in the input).
        .input_buffer_size(BUFFER_BYTES)
        .output_buffer_size(BUFFER_BYTES)
        .proxy(proxy.map(proxy_for_ureq).transpose()?)
        .build();
    let tunnel = Tunnel {
        proxy: proxy.cloned(),
        timeout: net.timeout,
        verbose: net.verbose,
    };
    let plain = ().chain(tunnel).chain(TcpConnector::default());
    // Setting TLS up reads the system's roots: only for https.
    Ok(if site.plain {
        ureq::Agent::with_parts(config, plain, LiteralFirst::default())
    } else {
        let tls = NativeTls(net.tls_connector()?);
        ureq::Agent::with_parts(config, plain.chain(tls), LiteralFirst::default())
    })
}

/// ureq's resolver, except that an address written as an IP is taken as
/// it is: ureq looks every name up on a thread of its own when a timeout
/// is set, `127.0.0.1` included, and `test --jobs` signs up a consumer per
/// convo.
#[derive(Debug, Default)]
struct LiteralFirst(DefaultResolver);

impl Resolver for LiteralFirst {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let literal = uri
            .host()
            .and_then(|host| address::unbracketed(host).parse::<std::net::IpAddr>().ok());
        let port = uri.port_u16().or(match uri.scheme_str() {
            Some("http") => Some(80),
            Some("https") => Some(443),
            _ => None,
        });
        match (literal, port) {
            (Some(ip), Some(port)) => {
                let mut addresses = self.empty();
                addresses.push(std::net::SocketAddr::new(ip, port));
                Ok(addresses)
            }
            _ => self.0.resolve(uri, config, timeout),
        }
    }
}

/// The proxy `proxy::choose` picked, as ureq's configuration: it tells
/// ureq to leave the target's name to the proxy. The tunnel is `Tunnel`'s,
/// and so are the credentials.
fn proxy_for_ureq(proxy: &Proxy) -> Result<ureq::Proxy> {
    let host = if proxy.host.contains(':') {
        format!("[{}]", proxy.host)
    } else {
        proxy.host.clone()
    };
    ureq::Proxy::builder(ureq::ProxyProtocol::Http)
        .host(&host)
        .port(proxy.port)
        .build()
        .map_err(|err| fail(Exit::Config, format!("proxy {}: {err}", proxy.address())))
}

/// The first step of the chain: through a proxy, the connection to it and
/// the CONNECT tunnel, by the socket's code; without one, nothing (ureq's
/// TCP step connects).
#[derive(Debug)]
struct Tunnel {
    proxy: Option<Proxy>,
    timeout: Duration,
    verbose: bool,
}

impl<In: Transport> Connector<In> for Tunnel {
    type Out = Either<In, Tunnelled>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        if let Some(transport) = chained {
            return Ok(Some(Either::A(transport)));
        }
        let Some(proxy) = &self.proxy else {
            return Ok(None);
        };
        let host = details
            .uri
            .host()
            .map(address::unbracketed)
            .unwrap_or_default();
        let port = details
            .uri
            .port_u16()
            .unwrap_or(if details.needs_tls() { 443 } else { 80 });
        let deadline = std::time::Instant::now() + self.timeout;
        let (tcp, _) = transport::reach(
            host,
            port,
            Some(proxy),
            deadline,
            self.timeout,
            self.verbose,
        )
        .map_err(carried)?;
        let buffers = LazyBuffers::new(
            details.config.input_buffer_size(),
            details.config.output_buffer_size(),
        );
        Ok(Some(Either::B(Tunnelled { buffers, tcp })))
    }
}

/// The socket of a tunnel, for ureq: each read and write within ureq's
/// time left.
#[derive(Debug)]
struct Tunnelled {
    buffers: LazyBuffers,
    tcp: TcpStream,
}

/// ureq's time left as a socket timeout; none left is a timeout now.
fn time_left(timeout: NextTimeout) -> Result<Duration, ureq::Error> {
    Some(*timeout.after)
        .filter(|left| !left.is_zero())
        .ok_or(ureq::Error::Timeout(timeout.reason))
}

impl Transport for Tunnelled {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.tcp
            .set_write_timeout(Some(time_left(timeout.for_write())?))?;
        self.tcp.write_all(&self.buffers.output()[..amount])?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.tcp
            .set_read_timeout(Some(time_left(timeout.for_read())?))?;
        let amount = self.tcp.read(self.buffers.input_append_buf())?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    /// Open while the peer has neither closed nor sent anything unasked.
    fn is_open(&mut self) -> bool {
        if self.tcp.set_nonblocking(true).is_err() {
            return false;
        }
        let peeked = self.tcp.peek(&mut [0]);
        let _ = self.tcp.set_nonblocking(false);
        matches!(peeked, Err(err) if err.kind() == io::ErrorKind::WouldBlock)
    }
}

/// Our error through ureq's, to come out whole in `transport_failure`.
fn carried(err: anyhow::Error) -> ureq::Error {
    let exit = match exit::classify(&err) {
        Outcome::Fail(exit) => exit,
        Outcome::Quiet => Exit::TempFail,
    };
    ureq::Error::Io(io::Error::other(Failure {
        exit,
        message: format!("{err:#}"),
        link: None,
    }))
}

/// A failure on the way to an answer, as the socket reports its own.
fn transport_failure(err: ureq::Error, site: &Site, net: &Network) -> anyhow::Error {
    use ureq::Error as E;
    let at = &site.authority;
    match err {
        E::Io(io_err) if io_err.get_ref().is_some_and(|inner| inner.is::<Failure>()) => {
            match io_err.into_inner().map(|inner| inner.downcast::<Failure>()) {
                Some(Ok(failure)) => anyhow::Error::new(*failure),
                _ => fail(Exit::Software, format!("{at}: a lost error")),
            }
        }
        E::Io(io_err) => match io_err.kind() {
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => {
                timed_out(&format!("the request to {at}"), net.timeout)
            }
            io::ErrorKind::ConnectionRefused
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkUnreachable
            | io::ErrorKind::AddrNotAvailable => fail(
                Exit::Unavailable,
                format!("cannot connect to {at}: {}", err_text(&io_err)),
            ),
            // The resolver's failure has no kind of its own; its text is
            // std's, from getaddrinfo.
            _ if io_err.to_string().contains("lookup address information") => fail(
                Exit::Unavailable,
                format!("cannot resolve {}: {}", site.host, err_text(&io_err)),
            ),
            _ => fail(
                Exit::TempFail,
                format!("the connection to {at} failed: {}", err_text(&io_err)),
            ),
        },
        E::Timeout(_) => timed_out(&format!("the request to {at}"), net.timeout),
        E::HostNotFound => fail(Exit::Unavailable, format!("cannot resolve {}", site.host)),
        E::Protocol(_) | E::BodyExceedsLimit(_) | E::Http(_) => fail(
            Exit::Protocol,
            format!("{at} did not answer with valid HTTP: {err}"),
        ),
        other => fail(Exit::Unavailable, format!("{at}: {other}")),
    }
}

/// TLS through the socket's connector.
struct NativeTls(Arc<TlsClient>);

impl fmt::Debug for NativeTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NativeTls")
    }
}

impl<In: Transport> Connector<In> for NativeTls {
    type Out = Either<In, TlsTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else {
            return Ok(None);
        };
        // The CONNECT step reuses the chain to reach the proxy: plain.
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let host = details
            .uri
            .host()
            .map(address::unbracketed)
            .unwrap_or_default()
            .to_owned();
        let mut adapter = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        adapter.set_timeout(details.timeout);
        let lower = Lower {
            adapter,
            failure: Arc::default(),
        };
        let failure = Arc::clone(&lower.failure);
        let stream = self.0.connector.connect(&host, lower).map_err(|err| {
            // A timeout or reset underneath is that, not a TLS problem.
            if let Some(io_err) = take(&failure) {
                return ureq::Error::from(io_err);
            }
            let failure = match err {
                native_tls::HandshakeError::Failure(err) => Failure {
                    link: None,
                    ..self.0.handshake_failure(&host, &err, "http")
                },
                native_tls::HandshakeError::WouldBlock(_) => Failure {
                    exit: Exit::Unavailable,
                    message: format!("TLS handshake with {host} failed: interrupted"),
                    link: None,
                },
            };
            ureq::Error::Io(io::Error::other(failure))
        })?;
        Ok(Some(Either::B(TlsTransport {
            buffers: LazyBuffers::new(
                details.config.input_buffer_size(),
                details.config.output_buffer_size(),
            ),
            stream,
            failure,
        })))
    }
}

type Slot = Arc<Mutex<Option<io::Error>>>;

fn take(slot: &Slot) -> Option<io::Error> {
    slot.lock().unwrap_or_else(PoisonError::into_inner).take()
}

/// The transport under TLS, as the `Read + Write` native-tls wants. Its
/// errors are kept in `failure` (native-tls would blur them) and reported
/// instead of the TLS error they cause.
struct Lower {
    adapter: TransportAdapter,
    failure: Slot,
}

impl Lower {
    fn keep<T>(&self, result: io::Result<T>) -> io::Result<T> {
        result.map_err(|err| {
            let kind = err.kind();
            *self.failure.lock().unwrap_or_else(PoisonError::into_inner) = Some(err);
            io::Error::from(kind)
        })
    }
}

impl Read for Lower {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.adapter.read(buf);
        self.keep(read)
    }
}

impl Write for Lower {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = self.adapter.write(buf);
        self.keep(written)
    }

    fn flush(&mut self) -> io::Result<()> {
        let flushed = self.adapter.flush();
        self.keep(flushed)
    }
}

pub(crate) struct TlsTransport {
    buffers: LazyBuffers,
    stream: native_tls::TlsStream<Lower>,
    failure: Slot,
}

impl fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TlsTransport")
    }
}

impl TlsTransport {
    /// The error underneath first, then the TLS layer's.
    fn checked<T>(&self, result: io::Result<T>) -> Result<T, ureq::Error> {
        if let Some(err) = take(&self.failure) {
            return Err(err.into());
        }
        Ok(result?)
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.stream.get_mut().adapter.set_timeout(timeout);
        let written = self.stream.write_all(&self.buffers.output()[..amount]);
        self.checked(written)
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.stream.get_mut().adapter.set_timeout(timeout);
        let read = self.stream.read(self.buffers.input_append_buf());
        let amount = self.checked(read)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.get_mut().adapter.get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_from_hosts_and_urls() {
        let site = Site::parse("adminlogin.liveperson.net", "x").unwrap();
        assert!(!site.plain);
        assert_eq!(
            site.url("/api/account/1/service/baseURI.json?version=1.0"),
            "https://adminlogin.liveperson.net/api/account/1/service/baseURI.json?version=1.0"
        );
        assert_eq!(site.to_string(), "adminlogin.liveperson.net");
        let site = Site::parse("http://127.0.0.1:8080/csds/", "x").unwrap();
        assert!(site.plain);
        assert_eq!(site.url("/api"), "http://127.0.0.1:8080/csds/api");
        assert_eq!(site.to_string(), "http://127.0.0.1:8080/csds");
        let site = Site::named("[::1]:9", true, "x").unwrap();
        assert_eq!(
            (site.host(), site.url("")),
            ("::1", "http://[::1]:9".into())
        );
        for bad in ["", "ftp://host", "https://user@host", "host?x=1", "a b"] {
            assert!(Site::parse(bad, "x").is_err(), "{bad}");
        }
    }
}
