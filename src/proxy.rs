//! HTTP CONNECT proxies (tungstenite has none): which proxy applies to a
//! host, from `--proxy` or the environment. The tunnel itself is opened by
//! `transport`.

use anyhow::Result;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use tungstenite::http::Uri;

use crate::address;
use crate::exit::{Exit, fail};
use crate::secret::Secret;

#[derive(Debug, Clone)]
pub(crate) struct Proxy {
    pub(crate) host: String,
    pub(crate) port: u16,
    /// `user:pass` from the URL, base64-encoded for Proxy-Authorization.
    credentials: Option<Secret>,
}

impl Proxy {
    /// `host:port`, for messages (never the credentials).
    pub(crate) fn address(&self) -> String {
        address::authority(&self.host, self.port)
    }

    /// The value of a `Proxy-Authorization: Basic` header, if the URL had
    /// credentials.
    pub(crate) fn basic_credentials(&self) -> Option<&str> {
        self.credentials.as_ref().map(Secret::expose)
    }
}

/// A variable's value, or None when unset or empty.
pub(crate) type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The proxy for `host`: `--proxy` first; else, from the environment,
/// `https_proxy`/`HTTPS_PROXY` for TLS (`http_proxy`, lower case only, for
/// plain connections, as curl does), then `ALL_PROXY`/`all_proxy`, unless
/// `NO_PROXY` / `no_proxy` matches the host.
pub(crate) fn choose(
    flag: Option<&str>,
    host: &str,
    tls: bool,
    env: Lookup,
) -> Result<Option<Proxy>> {
    if let Some(url) = flag {
        return parse(url, "--proxy").map(Some);
    }
    let names: &[&str] = if tls {
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
    if bypasses(&no_proxy, host) {
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
    // The URL is never shown: its user and password are secrets.
    let invalid = |why: &str| fail(Exit::Config, format!("{origin}: {why}"));
    let rest = match url.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
        Some(_) => return Err(invalid("only http:// proxies (HTTP CONNECT) are supported")),
        None => url,
    };
    // A password may hold `/`, `:` or `@` as they are: the credentials end
    // at the last `@`, and the host and port come after it.
    let (userinfo, rest) = match rest.rsplit_once('@') {
        Some((userinfo, rest)) => (Some(userinfo), rest),
        None => (None, rest),
    };
    let host_port = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let uri: Uri = format!("http://{host_port}/")
        .parse()
        .map_err(|_| invalid("not a valid proxy URL"))?;
    let authority = uri.authority().ok_or_else(|| invalid("no proxy host"))?;
    let host = address::unbracketed(authority.host()).to_owned();
    if host.is_empty() {
        return Err(invalid("no proxy host"));
    }
    Ok(Proxy {
        host,
        port: address::written_port(authority.as_str())
            .map_err(|why| invalid(&why))?
            .unwrap_or(80),
        credentials: userinfo
            .map(|userinfo| Secret::new(STANDARD.encode(percent_decode(userinfo)))),
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

#[cfg(test)]
mod tests {
    use super::*;

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
        let pick = |host: &str, tls: bool| choose(None, host, tls, &env).unwrap().map(|p| p.host);
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
        let flag = choose(Some("proxy.example:8080"), "internal.example", true, &env)
            .unwrap()
            .unwrap();
        assert_eq!(flag.address(), "proxy.example:8080");
    }

    #[test]
    fn star_bypasses_everything() {
        let env = env_of(&[("https_proxy", "http://p:1"), ("no_proxy", "*")]);
        assert!(choose(None, "any.host", true, &env).unwrap().is_none());
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

    #[test]
    fn credentials_end_at_the_last_at_sign() {
        for (url, userinfo) in [
            ("http://alice:s3cr/et@127.0.0.1:3128", "alice:s3cr/et"),
            ("http://alice:12/x@proxy:3128/", "alice:12/x"),
            ("al@ice:p@ss:w?rd#@[::1]:8080", "al@ice:p@ss:w?rd#"),
        ] {
            let proxy = parse(url, "x").unwrap();
            assert_eq!(
                proxy.credentials.unwrap().expose(),
                STANDARD.encode(userinfo)
            );
            assert!(matches!(proxy.port, 3128 | 8080), "{url}");
            assert!(
                matches!(proxy.host.as_str(), "127.0.0.1" | "proxy" | "::1"),
                "{url}"
            );
        }
        let err = parse("http://alice:s3cr/et@proxy:99999", "https_proxy").unwrap_err();
        assert!(!err.to_string().contains("s3cr"), "{err}");
    }
}
