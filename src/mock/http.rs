//! lp-mock's HTTP side, on a port of its own: the domain API (CSDS), whose
//! answer names lp-mock itself for asyncMessagingEnt and idp, and the IdP
//! (signup, and authenticate with an authCode). Just the HTTP/1.1 that
//! clients send: one request per connection, answered with
//! `Connection: close`.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::http::StatusCode;

use super::handshake;
use super::state::{ConnectionId, new_id};
use super::{Shared, TICK, lock};
use crate::jwt;
use crate::transport::{Transport, is_tick};

/// How long a client may take to send its request.
const REQUEST_LIMIT: Duration = Duration::from_secs(10);
/// The largest request head and body read.
const MAX_HEAD: usize = 16 * 1024;
const MAX_BODY: usize = 64 * 1024;
/// LivePerson's IdP answers an authCode it does not accept with HTTP 500
/// and this code (CUSTOMER_JWT_NOT_VALID).
const CUSTOMER_JWT_NOT_VALID: &str = "9007";

/// A request as far as lp-mock reads it.
struct Request {
    method: String,
    path: String,
    body: Vec<u8>,
}

/// Serves one request on an accepted socket.
pub(crate) fn serve(shared: &Shared, tcp: TcpStream, _connection: ConnectionId) {
    let deadline = Instant::now() + REQUEST_LIMIT;
    let timeouts = tcp
        .set_read_timeout(Some(TICK))
        .and_then(|()| tcp.set_write_timeout(Some(REQUEST_LIMIT)));
    if timeouts.is_err() {
        return;
    }
    let Some(mut stream) = handshake::secure(shared, tcp, deadline) else {
        return;
    };
    let Ok(request) = read_request(shared, &mut stream, deadline) else {
        return;
    };
    lock(&shared.http_requests).push(format!("{} {}", request.method, request.path));
    let (status, body) = answer(shared, &request);
    // One write: a second small one would wait for the client's delayed ACK.
    let answer = format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        reason(status),
        body.len()
    );
    let _ = stream
        .write_all(answer.as_bytes())
        .and_then(|()| stream.flush());
}

fn read_request(shared: &Shared, stream: &mut Transport, deadline: Instant) -> io::Result<Request> {
    let mut data = Vec::new();
    let mut chunk = [0u8; 4096];
    let mut read_more = |data: &mut Vec<u8>| -> io::Result<()> {
        loop {
            if Instant::now() >= deadline || shared.stopping() {
                return Err(io::ErrorKind::TimedOut.into());
            }
            match stream.read(&mut chunk) {
                Ok(0) => return Err(io::ErrorKind::UnexpectedEof.into()),
                Ok(n) => {
                    data.extend_from_slice(&chunk[..n]);
                    return Ok(());
                }
                Err(err) if is_tick(&err) => {}
                Err(err) => return Err(err),
            }
        }
    };
    let head_end = loop {
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if data.len() > MAX_HEAD {
            return Err(io::ErrorKind::InvalidData.into());
        }
        read_more(&mut data)?;
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.lines();
    let mut request_line = lines.next().unwrap_or_default().split_whitespace();
    let (method, path) = (
        request_line.next().unwrap_or_default().to_owned(),
        request_line.next().unwrap_or_default().to_owned(),
    );
    let length = lines
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok())
        .unwrap_or(0);
    if length > MAX_BODY {
        return Err(io::ErrorKind::InvalidData.into());
    }
    while data.len() < head_end + length {
        read_more(&mut data)?;
    }
    Ok(Request {
        method,
        path,
        body: data[head_end..head_end + length].to_vec(),
    })
}

/// The status and JSON body for a request.
fn answer(shared: &Shared, request: &Request) -> (u16, String) {
    let (path, _query) = request.path.split_once('?').unwrap_or((&request.path, ""));
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (csds_status, idp_status) = *lock(&shared.http_faults);
    let fault = |status: u16| {
        (
            status,
            json!({"error": "fault injected by lp-mock"}).to_string(),
        )
    };
    match (request.method.as_str(), segments.as_slice()) {
        ("GET", ["api", "account", account, "service", "baseURI.json"]) => {
            if let Some(status) = csds_status {
                return fault(status);
            }
            if *account != shared.account {
                return unknown_account();
            }
            // Keys in the order CSDS writes them (json! would sort them).
            let entry = |service: &str, host: &str| {
                format!(
                    r#"{{"service":{},"account":{},"baseURI":{}}}"#,
                    json!(service),
                    json!(shared.account),
                    json!(host)
                )
            };
            let answer = format!(
                r#"{{"baseURIs":[{},{}]}}"#,
                entry("asyncMessagingEnt", &shared.ws_authority),
                entry("idp", &shared.http_authority)
            );
            (200, answer)
        }
        (
            "POST",
            [
                "api",
                "account",
                account,
                action @ ("signup" | "authenticate"),
            ],
        ) => {
            if let Some(status) = idp_status {
                return fault(status);
            }
            if *account != shared.account {
                return unknown_account();
            }
            let consumer = if *action == "signup" {
                // Each signup is a new consumer, as at LivePerson.
                Ok(new_id())
            } else {
                authenticated_consumer(&shared.account, &request.body)
            };
            match consumer {
                Ok(consumer) => (200, json!({"jwt": shared.mint(&consumer)}).to_string()),
                Err(refusal) => refusal,
            }
        }
        _ => (404, json!({"error": "not found"}).to_string()),
    }
}

fn unknown_account() -> (u16, String) {
    (404, json!({"error": "unknown account"}).to_string())
}

/// The consumer an authCode maps to: the same for the same external `sub`,
/// a 64-hex id as LivePerson's authenticated consumers have. An authCode is
/// an unsigned JWT with a `sub` (lp-mock checks no signature); anything
/// else, or an expired one, gets LivePerson's 500 with 9007.
fn authenticated_consumer(account: &str, body: &[u8]) -> Result<String, (u16, String)> {
    let auth_code = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|body| body.get("authCode")?.as_str().map(str::to_owned))
        .ok_or_else(|| {
            (
                400,
                json!({"error": "the body must be {\"authCode\":\"...\"}"}).to_string(),
            )
        })?;
    let claims = jwt::decode(&auth_code)
        .ok()
        .filter(|claims| !claims.expired_at(crate::when::now_secs()))
        .ok_or_else(|| {
            (
                500,
                json!({"internalErrorCode": CUSTOMER_JWT_NOT_VALID}).to_string(),
            )
        })?;
    Ok(stable_id(&format!("{account}\n{}", claims.sub())))
}

/// 64 hex digits that depend on `text` only: four FNV-1a hashes with
/// different offsets.
fn stable_id(text: &str) -> String {
    (0u64..4)
        .map(|lane| {
            let hash = text.bytes().fold(
                0xcbf2_9ce4_8422_2325 ^ lane.wrapping_mul(0x9e37_79b9_7f4a_7c15),
                |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3),
            );
            format!("{hash:016x}")
        })
        .collect()
}

fn reason(status: u16) -> &'static str {
    StatusCode::from_u16(status)
        .ok()
        .and_then(|status| status.canonical_reason())
        .unwrap_or("Status")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_identity_is_the_same_consumer() {
        let code = |sub: &str| json!({"authCode": jwt::encode_unsigned(&json!({"sub": sub}))});
        let alice = authenticated_consumer("1", code("alice").to_string().as_bytes()).unwrap();
        assert_eq!(alice.len(), 64);
        assert_eq!(
            authenticated_consumer("1", code("alice").to_string().as_bytes()).unwrap(),
            alice
        );
        assert_ne!(
            authenticated_consumer("1", code("bob").to_string().as_bytes()).unwrap(),
            alice
        );
        assert_ne!(
            authenticated_consumer("2", code("alice").to_string().as_bytes()).unwrap(),
            alice
        );
        let refused = authenticated_consumer("1", br#"{"authCode":"not a jwt"}"#).unwrap_err();
        assert_eq!(refused.0, 500);
        assert!(refused.1.contains("9007"));
        assert_eq!(authenticated_consumer("1", b"{}").unwrap_err().0, 400);
    }
}
