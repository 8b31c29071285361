//! From an accepted TCP socket to an upgraded WebSocket: TLS, then the
//! checks the consumer endpoint makes on the upgrade request. The TLS step
//! serves lp-mock's HTTP side too.

use std::net::TcpStream;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tungstenite::handshake::server::{Callback, ErrorResponse, Request, Response};
use tungstenite::http::StatusCode;
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{HandshakeError, WebSocket};

use super::{Faults, Shared, lock};
use crate::jwt::{self, Claims};
use crate::transport::Transport;

/// How long a client may take over TLS and the upgrade.
const HANDSHAKE_LIMIT: Duration = Duration::from_secs(10);

/// An upgraded connection, the consumer its token names, when that token
/// expires, and the Client-Properties header it sent.
pub(crate) struct Accepted {
    pub(crate) ws: WebSocket<Transport>,
    pub(crate) consumer: String,
    pub(crate) expires_at: Option<Instant>,
    pub(crate) client_properties: Option<String>,
}

/// Runs the TLS handshake, when lp-mock serves TLS, on a socket that
/// already has its read and write timeouts; None when the client fails.
pub(crate) fn secure(shared: &Shared, tcp: TcpStream, deadline: Instant) -> Option<Transport> {
    let Some(acceptor) = &shared.tls else {
        return Some(Transport::Plain(tcp));
    };
    // The socket's timeouts make each step return within a tick, so a
    // silent client cannot hold the server's shutdown.
    let mut attempt = acceptor.accept(tcp);
    loop {
        match attempt {
            Ok(stream) => return Some(Transport::Tls(Box::new(stream))),
            Err(native_tls::HandshakeError::WouldBlock(mid))
                if Instant::now() < deadline && !shared.stopping() =>
            {
                attempt = mid.handshake();
            }
            Err(_) => return None,
        }
    }
}

/// Runs the TLS and WebSocket handshakes on a socket that already has its
/// read and write timeouts; None when the client fails or is refused.
/// A connection reads only requests, which are small: tungstenite zeroes
/// the free part of its read buffer before every read, so the default 128
/// KiB would cost that much memset per wake-up, and as much memory per
/// connection. A larger frame still arrives whole (the buffer grows).
const READ_BUFFER_BYTES: usize = 4 * 1024;

fn websocket_config() -> WebSocketConfig {
    WebSocketConfig::default().read_buffer_size(READ_BUFFER_BYTES)
}

pub(crate) fn accept(shared: &Shared, tcp: TcpStream, faults: &Faults) -> Option<Accepted> {
    let deadline = Instant::now() + HANDSHAKE_LIMIT;
    let go_on = || Instant::now() < deadline && !shared.stopping();
    let transport = secure(shared, tcp, deadline)?;
    let mut consumer = None;
    let mut client_properties = None;
    let checks = UpgradeChecks {
        shared,
        faults,
        consumer: &mut consumer,
        client_properties: &mut client_properties,
    };
    let mut attempt =
        tungstenite::accept_hdr_with_config(transport, checks, Some(websocket_config()));
    let ws = loop {
        match attempt {
            Ok(ws) => break ws,
            Err(HandshakeError::Interrupted(mid)) if go_on() => attempt = mid.handshake(),
            Err(_) => return None,
        }
    };
    let claims = consumer?;
    Some(Accepted {
        ws,
        consumer: claims.sub().to_owned(),
        expires_at: expiry_instant(&claims),
        client_properties,
    })
}

/// When the token's `exp` comes, on the monotonic clock.
fn expiry_instant(claims: &Claims) -> Option<Instant> {
    let exp = claims.exp()?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    Some(Instant::now() + Duration::try_from_secs_f64(exp - now).unwrap_or_default())
}

struct UpgradeChecks<'a> {
    shared: &'a Shared,
    faults: &'a Faults,
    /// The token's claims, once the request passed the checks.
    consumer: &'a mut Option<Claims>,
    client_properties: &'a mut Option<String>,
}

impl Callback for UpgradeChecks<'_> {
    fn on_request(self, request: &Request, response: Response) -> Result<Response, ErrorResponse> {
        let consumer = check(self.shared, self.faults, request).map_err(|(status, reason)| {
            let mut refusal = ErrorResponse::new(Some(format!("{reason}\n")));
            *refusal.status_mut() =
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            refusal
        })?;
        let client_properties = request
            .headers()
            .get("Client-Properties")
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        // Counted before the client can see the upgrade succeed.
        lock(&self.shared.client_properties).push(client_properties.clone());
        *self.client_properties = client_properties;
        self.shared.connections.fetch_add(1, Ordering::SeqCst);
        *self.consumer = Some(consumer);
        Ok(response)
    }
}

/// The endpoint's checks: the token's claims, or the HTTP status and reason
/// to refuse the upgrade with.
fn check(
    shared: &Shared,
    faults: &Faults,
    request: &Request,
) -> Result<Claims, (u16, &'static str)> {
    if let Some(status) = faults.handshake_status {
        return Err((status, "fault injected by lp-mock"));
    }
    let path = format!("/ws_api/account/{}/messaging/consumer", shared.account);
    if request.uri().path() != path {
        return Err((404, "not the consumer endpoint of this account"));
    }
    let v3 = request
        .uri()
        .query()
        .is_some_and(|query| query.split('&').any(|pair| pair == "v=3"));
    if !v3 {
        return Err((400, "the query must say v=3"));
    }
    let token = request
        .headers()
        .get("Authorization")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| {
            let (scheme, token) = value.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("jwt").then_some(token.trim())
        })
        .ok_or((401, "Authorization: jwt <token> is required"))?;
    let claims = jwt::decode(token).map_err(|_| (401, "the token is not a JWT with a sub"))?;
    if claims.expired_at(crate::when::now_secs()) {
        return Err((401, "the token has expired"));
    }
    // LivePerson's tokens name their account as `aud`.
    let audience = claims.as_map().get("aud").and_then(|aud| aud.as_str());
    if audience.is_some_and(|aud| aud != format!("acc:{}", shared.account)) {
        return Err((401, "the token is for another account"));
    }
    Ok(claims)
}
