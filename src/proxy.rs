//! HTTP CONNECT proxies (tungstenite has none): which proxy applies to an
//! endpoint, and opening the tunnel through it. TLS and the WebSocket
//! upgrade then run inside the tunnel, with SNI and host-name checks for the
//! target host, never the proxy's.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Instant;

use anyhow::Result;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use tungstenite::http::Uri;

use crate::config::{Endpoint, Secret, err_text};
use crate::connection::is_tick;
use crate::exit::{Exit, fail};

/// The longest CONNECT answer we read before giving up on the proxy.
const MAX_REPLY: usize = 16 * 1024;

#[derive(Debug, Clone)]
pub struct Proxy {
    pub host: String,
    pub port: u16,
    /// `user:pass` from the URL, base64-encoded for Proxy-Authorization.
    credentials: Option<Secret>,
}

impl Proxy {
    /// `host:port`, for messages (never the credentials).
    pub fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

/// A variable's value, or None when unset or empty.
pub type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The proxy for `endpoint`: `--proxy` first; else, from the environment,
/// `https_proxy`/`HTTPS_PROXY` for wss:// (`http_proxy`, lower case only, for
/// ws://, as curl does), then `ALL_PROXY`/`all_proxy`, unless `NO_PROXY` /
/// `no_proxy` matches the host.
pub fn choose(flag: Option<&str>, endpoint: &Endpoint, env: Lookup) -> Result<Option<Proxy>> {
    if let Some(url) = flag {
        return parse(url, "--proxy").map(Some);
    }
    let names: &[&str] = if endpoint.tls {
        &["https_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"]
    } else {
        &["http_proxy", "ALL_PROXY", "all_proxy"]
    };
    let Some((name, url)) = names
        .iter()
        .find_map(|name| env(name).map(|url| (*name, url)))
    else {
        return Ok(None);
    };
    let no_proxy = env("NO_PROXY")
        .or_else(|| env("no_proxy"))
        .unwrap_or_default();
    if bypasses(&no_proxy, &endpoint.host) {
        return Ok(None);
    }
    parse(&url, name).map(Some)
}

/// NO_PROXY: a comma list of host names (matching the host and its
/// subdomains, with or without a leading dot), IP addresses, or `*`.
fn bypasses(no_proxy: &str, host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    no_proxy.split(',').map(str::trim).any(|entry| {
        let entry = entry.trim_start_matches("*.").trim_start_matches('.');
        let entry = entry.rsplit_once(':').map_or(entry, |(name, port)| {
            if port.bytes().all(|b| b.is_ascii_digit()) {
                name
            } else {
                entry
            }
        });
        let entry = entry.to_ascii_lowercase();
        !entry.is_empty()
            && (entry == "*"
                || host == entry
                || host
                    .strip_suffix(&entry)
                    .is_some_and(|rest| rest.ends_with('.')))
    })
}

fn parse(url: &str, origin: &str) -> Result<Proxy> {
    let invalid = |why: &str| fail(Exit::Config, format!("{origin}: {why}"));
    let url = if url.contains("://") {
        url.to_owned()
    } else {
        format!("http://{url}")
    };
    let uri: Uri = url.parse().map_err(|_| invalid("not a valid proxy URL"))?;
    if uri.scheme_str() != Some("http") {
        return Err(invalid("only http:// proxies (HTTP CONNECT) are supported"));
    }
    let authority = uri.authority().ok_or_else(|| invalid("no proxy host"))?;
    let credentials = authority
        .as_str()
        .rsplit_once('@')
        .map(|(userinfo, _)| Secret::new(STANDARD.encode(percent_decode(userinfo))));
    let host = authority
        .host()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    if host.is_empty() {
        return Err(invalid("no proxy host"));
    }
    Ok(Proxy {
        host,
        port: authority.port_u16().unwrap_or(80),
        credentials,
    })
}

/// `%XX` escapes in the user and password of a proxy URL.
fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|pair| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|pair| u8::from_str_radix(pair, 16).ok())
        });
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}

/// Asks the proxy for a tunnel to `host:port` on an open socket, reading
/// its answer up to the blank line and no further.
pub fn tunnel(
    stream: &mut TcpStream,
    proxy: &Proxy,
    host: &str,
    port: u16,
    deadline: Instant,
) -> Result<()> {
    let target = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let mut request = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    if let Some(credentials) = &proxy.credentials {
        request.push_str(&format!(
            "Proxy-Authorization: Basic {}\r\n",
            credentials.expose()
        ));
    }
    request.push_str("\r\n");
    let address = proxy.address();
    let broken = |err: io::Error| {
        fail(
            Exit::Unavailable,
            format!("proxy {address}: {}", err_text(&err)),
        )
    };
    stream.write_all(request.as_bytes()).map_err(broken)?;
    let reply = read_reply(stream, deadline).map_err(|err| match err.kind() {
        io::ErrorKind::TimedOut => fail(
            Exit::TempFail,
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
        Some(_) => Err(fail(
            Exit::Unavailable,
            format!(
                "proxy {address} refused the tunnel to {target}: {}",
                status_line.trim()
            ),
        )),
        None => Err(fail(
            Exit::Unavailable,
            format!("proxy {address} did not answer CONNECT with HTTP"),
        )),
    }
}

/// Reads byte by byte so that nothing after the blank line (the start of
/// the TLS or WebSocket exchange) is consumed.
fn read_reply(stream: &mut TcpStream, deadline: Instant) -> io::Result<String> {
    let mut reply = Vec::new();
    let mut byte = [0u8; 1];
    while !reply.ends_with(b"\r\n\r\n") {
        if reply.len() >= MAX_REPLY {
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
                if Instant::now() >= deadline {
                    return Err(io::ErrorKind::TimedOut.into());
                }
            }
            Err(err) => return Err(err),
        }
    }
    Ok(String::from_utf8_lossy(&reply).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(host: &str, tls: bool) -> Endpoint {
        Endpoint {
            url: String::new(),
            host: host.into(),
            port: 443,
            tls,
        }
    }

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
        }
    }

    #[test]
    fn picks_by_scheme_and_honours_no_proxy() {
        let env = env_of(&[
            ("HTTPS_PROXY", "http://secure:3128"),
            ("HTTP_PROXY", "http://upper:3128"),
            ("ALL_PROXY", "http://all:1080"),
            ("NO_PROXY", "internal.example, .corp.example,10.0.0.1"),
        ]);
        let pick = |host: &str, tls: bool| {
            choose(None, &endpoint(host, tls), &env)
                .unwrap()
                .map(|p| p.host)
        };
        assert_eq!(
            pick("va.msg.liveperson.net", true).as_deref(),
            Some("secure")
        );
        // Upper-case HTTP_PROXY is ignored (httpoxy): ALL_PROXY applies.
        assert_eq!(pick("va.msg.liveperson.net", false).as_deref(), Some("all"));
        assert_eq!(pick("internal.example", true), None);
        assert_eq!(pick("a.internal.example", true), None);
        assert_eq!(pick("x.corp.example", true), None);
        assert_eq!(pick("notinternal.example", true).as_deref(), Some("secure"));
        assert_eq!(pick("10.0.0.1", true), None);
        let flag = choose(
            Some("proxy.example:8080"),
            &endpoint("internal.example", true),
            &env,
        )
        .unwrap()
        .unwrap();
        assert_eq!(flag.address(), "proxy.example:8080");
    }

    #[test]
    fn star_bypasses_everything() {
        let env = env_of(&[("https_proxy", "http://p:1"), ("no_proxy", "*")]);
        assert!(
            choose(None, &endpoint("any.host", true), &env)
                .unwrap()
                .is_none()
        );
    }

    #[test]
    fn credentials_are_decoded_and_kept_secret() {
        let proxy = parse("http://us%40er:p%3Ass@proxy:3128", "x").unwrap();
        assert_eq!(
            proxy.credentials.as_ref().unwrap().expose(),
            STANDARD.encode("us@er:p:ss")
        );
        assert!(!format!("{proxy:?}").contains(&STANDARD.encode("us@er:p:ss")));
        assert!(parse("socks5://proxy:1080", "x").is_err());
    }
}
