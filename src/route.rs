//! Routing verified events to origins by type: `{"batch.*": "https://a", "video.generated": "https://b"}`.
//!
//! The most specific pattern wins: an exact type, then the longest `prefix.*` wildcard, then `*`.
//! Types that match nothing go to the default origin (the caller's). A target is an allowed URL
//! or `service:NAME`, a Fetcher binding of the worker (a service binding to another Worker, a
//! Workers VPC service, an mTLS certificate binding), so routes work with every transport.

use alloc::string::String;
use alloc::vec::Vec;

use serde_json::Value;

use crate::error::ConfigError;

/// A parsed routing table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Routes {
    exact: Vec<(String, String)>,
    /// `(prefix including the dot, url)`, longest prefix first.
    wildcard: Vec<(String, String)>,
    any: Option<String>,
}

impl Routes {
    /// Parses a JSON object of pattern → target: an allowed URL
    /// ([`crate::endpoint::is_allowed`]: `https://`, or `http://` to a loopback host) or
    /// `service:NAME` ([`Target`]).
    ///
    /// ```
    /// use hookwall::route::Routes;
    /// let r = Routes::parse(r#"{"batch.*": "https://batches", "batch.failed": "https://alerts", "*": "https://rest"}"#).unwrap();
    /// assert_eq!(r.select("batch.failed"), Some("https://alerts"));
    /// assert_eq!(r.select("batch.succeeded"), Some("https://batches"));
    /// assert_eq!(r.select("video.generated"), Some("https://rest"));
    /// assert_eq!(Routes::parse("").unwrap().select("x"), None);
    /// assert_eq!(Routes::parse(r#"{"a.*": "ftp://x"}"#).unwrap_err().code(), "invalid_routes");
    /// assert_eq!(Routes::parse(r#"{"a.*": "http://plain.example/"}"#).unwrap_err().code(), "invalid_routes");
    /// ```
    pub fn parse(json: &str) -> Result<Self, ConfigError> {
        let mut routes = Routes::default();
        if json.trim().is_empty() {
            return Ok(routes);
        }
        let Ok(Value::Object(map)) = serde_json::from_str::<Value>(json) else {
            return Err(ConfigError::InvalidRoutes);
        };
        for (pattern, url) in map {
            let Value::String(url) = url else { return Err(ConfigError::InvalidRoutes) };
            if Target::parse(&url).is_none() {
                return Err(ConfigError::InvalidRoutes);
            }
            if pattern == "*" {
                routes.any = Some(url);
            } else if let Some(prefix) = pattern.strip_suffix('*') {
                if prefix.is_empty() || !prefix.ends_with('.') || prefix.contains('*') {
                    return Err(ConfigError::InvalidRoutes);
                }
                routes.wildcard.push((String::from(prefix), url));
            } else if pattern.is_empty() || pattern.contains('*') {
                return Err(ConfigError::InvalidRoutes);
            } else {
                routes.exact.push((pattern, url));
            }
        }
        routes.wildcard.sort_by_key(|(prefix, _)| core::cmp::Reverse(prefix.len()));
        Ok(routes)
    }

    /// The target (URL or `service:NAME`) for an event type, if a pattern matches.
    pub fn select(&self, event_type: &str) -> Option<&str> {
        self.exact
            .iter()
            .find(|(t, _)| t == event_type)
            .or_else(|| self.wildcard.iter().find(|(p, _)| event_type.starts_with(p.as_str())))
            .map(|(_, url)| url.as_str())
            .or(self.any.as_deref())
    }

    /// Whether no route is configured.
    pub fn is_empty(&self) -> bool {
        self.exact.is_empty() && self.wildcard.is_empty() && self.any.is_none()
    }

    /// Every target of the table, so an adapter can check at configuration time that each
    /// `service:NAME` binding exists.
    pub fn targets(&self) -> impl Iterator<Item = Target<'_>> {
        let all = self.exact.iter().chain(&self.wildcard).map(|(_, t)| t.as_str()).chain(self.any.as_deref());
        all.filter_map(Target::parse)
    }
}

/// Where an event goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target<'a> {
    /// An allowed URL ([`crate::endpoint::is_allowed`]).
    Url(&'a str),
    /// A Fetcher binding of the worker, by name.
    Service(&'a str),
}

impl<'a> Target<'a> {
    /// `service:NAME` (a binding name: ASCII letters, digits and `_`, not starting with a
    /// digit) or an allowed URL; anything else is `None`.
    ///
    /// ```
    /// use hookwall::route::Target;
    /// assert_eq!(Target::parse("service:ORIGIN"), Some(Target::Service("ORIGIN")));
    /// assert_eq!(Target::parse("https://a.example/"), Some(Target::Url("https://a.example/")));
    /// assert_eq!(Target::parse("service:9bad"), None);
    /// assert_eq!(Target::parse("http://a.example/"), None);
    /// ```
    pub fn parse(target: &'a str) -> Option<Self> {
        if let Some(name) = target.strip_prefix("service:") {
            let first_ok = name.bytes().next().is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
            let rest_ok = name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
            return (first_ok && rest_ok).then_some(Target::Service(name));
        }
        crate::endpoint::is_allowed(target).then_some(Target::Url(target))
    }
}
