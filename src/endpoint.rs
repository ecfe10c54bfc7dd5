//! Which URLs an adapter may send to: the origin, routed origins and the JWKS endpoint.
//!
//! One rule for every adapter: `https://` to any host, plain `http://` only to a loopback host
//! (`127.0.0.1`, `localhost`, `[::1]`: local development and tests). A URL with user info
//! (`http://127.0.0.1@elsewhere/`), an empty host or a non-numeric port is refused, so the
//! loopback exception cannot be stretched to another host.

/// Whether `url` is an allowed endpoint.
///
/// ```
/// use hookwall::endpoint::is_allowed;
///
/// assert!(is_allowed("https://origin.example.com/webhooks"));
/// assert!(is_allowed("http://127.0.0.1:8788/"));
/// assert!(is_allowed("http://localhost"));
/// assert!(!is_allowed("http://origin.example.com/"));          // plain http to a remote host
/// assert!(!is_allowed("http://127.0.0.1:1@evil.example/"));    // user info hides the real host
/// assert!(!is_allowed("http://127.0.0.1.evil.example/"));
/// assert!(!is_allowed("ftp://127.0.0.1/"));
/// assert!(!is_allowed("https:///path"));
/// ```
pub fn is_allowed(url: &str) -> bool {
    let (https, rest) = if let Some(rest) = url.strip_prefix("https://") {
        (true, rest)
    } else if let Some(rest) = url.strip_prefix("http://") {
        (false, rest)
    } else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') || authority.bytes().any(|b| b.is_ascii_whitespace() || b.is_ascii_control()) {
        return false;
    }
    let (host, port) = split_port(authority);
    if host.is_empty() || !port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    https || ["127.0.0.1", "localhost", "[::1]"].iter().any(|l| host.eq_ignore_ascii_case(l))
}

/// `host[:port]`, where an IPv6 host is bracketed.
fn split_port(authority: &str) -> (&str, Option<&str>) {
    if authority.starts_with('[') {
        return match authority.find(']') {
            Some(end) => {
                let (host, after) = authority.split_at(end + 1);
                match after.strip_prefix(':') {
                    Some(port) => (host, Some(port)),
                    None if after.is_empty() => (host, None),
                    None => ("", None),
                }
            }
            None => ("", None),
        };
    }
    match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    }
}

#[cfg(test)]
mod tests {
    use super::is_allowed;

    #[test]
    fn loopback_only_for_plain_http() {
        for ok in [
            "https://a.example",
            "https://a.example:8443/x?y#z",
            "http://127.0.0.1",
            "http://127.0.0.1:8788/path",
            "http://LOCALHOST:1/",
            "http://[::1]:8787/",
            "http://[::1]",
        ] {
            assert!(is_allowed(ok), "{ok}");
        }
        for bad in [
            "",
            "http://",
            "https://",
            "http://a.example/",
            "http://127.0.0.2/",
            "http://localhost.evil/",
            "http://127.0.0.1:1@evil.example/",
            "https://user:pw@a.example/",
            "http://127.0.0.1:/",
            "http://127.0.0.1:80x/",
            "http://127.0.0.1:123456/",
            "http://[::1/",
            "http://[::1]x/",
            "http://127.0.0.1 /",
            "HTTP://127.0.0.1/",
            "javascript:alert(1)",
        ] {
            assert!(!is_allowed(bad), "{bad}");
        }
    }
}
