//! Host names and ports as people write them in URLs: http::Uri takes any
//! text after the colon and then reports no port at all, so `:99999` would
//! silently mean the default port.

/// True for a host name or address with an optional port, and nothing else
/// (no scheme, path, user or spaces).
pub(crate) fn is_host(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '[' | ']'))
}

/// A host as sockets want it: an IPv6 literal without the brackets a URL
/// (and http::Uri) keeps around it.
pub(crate) fn unbracketed(host: &str) -> &str {
    host.trim_start_matches('[').trim_end_matches(']')
}

/// True for `localhost` and loopback addresses (bracketed or not): a
/// service on this machine.
pub(crate) fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || unbracketed(host)
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `host:port` as written in a URL: an IPv6 address in brackets.
pub(crate) fn authority(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// The port written in an authority (`host:port`, `[v6]:port`, with or
/// without `user@`): None when none is written; an error when what is
/// written is not a port from 1 to 65535.
pub(crate) fn written_port(authority: &str) -> Result<Option<u16>, String> {
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, rest)| rest);
    let after_host = match host_port.rfind(']') {
        Some(end) => &host_port[end + 1..],
        None => host_port,
    };
    let Some((_, port)) = after_host.rsplit_once(':') else {
        return Ok(None);
    };
    match port.parse::<u16>() {
        Ok(port) if port > 0 => Ok(Some(port)),
        _ => Err(format!("`{port}` is not a port (1 to 65535)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_addresses_are_bracketed() {
        assert_eq!(authority("::1", 443), "[::1]:443");
        assert_eq!(authority("example.com", 443), "example.com:443");
    }

    #[test]
    fn ports_are_checked_not_dropped() {
        assert_eq!(written_port("example.com"), Ok(None));
        assert_eq!(written_port("example.com:8443"), Ok(Some(8443)));
        assert_eq!(written_port("[::1]:9"), Ok(Some(9)));
        assert_eq!(written_port("[::1]"), Ok(None));
        assert_eq!(written_port("user:pass@proxy:3128"), Ok(Some(3128)));
        assert_eq!(written_port("user:pass@proxy"), Ok(None));
        for bad in ["h:99999", "h:abc", "h:", "h:0", "[::1]:70000", "h:-1"] {
            assert!(written_port(bad).is_err(), "{bad}");
        }
    }
}
