//! The body as JSON, parsed at most once per request and shared by every check that reads it
//! (the JWT bindings, the tenant rule, the payload rule, the report).
//!
//! One parse gives the [`Value`] every reader sees (serde_json's reading: the last of two
//! duplicate keys wins) and whether the document is *exact*: no other JSON parser could read
//! it differently. Only an exact body may be bound by JSON equality (see
//! [`crate::jwt::Binding`]).

use alloc::string::String;
use alloc::vec::Vec;
use core::cell::{Cell, OnceCell};

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::crypto::{CryptoProvider, RUST_CRYPTO};

/// A body parsed once: the value, if the body is JSON, and whether it is exact.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    /// The body as serde_json reads it; `None` when it is not JSON.
    pub value: Option<Value>,
    /// True when another parser could not read other values from the same bytes: no
    /// duplicate key, no integer beyond 2^53 (or an integral float there), and every number
    /// literal written exactly as its value prints (`0.1`, not `0.10` or
    /// `0.1000000000000000055511151231257827`; `1`, not `1.0e0` or `-0`), so that two exact
    /// documents hold the same numbers only when they hold the same literals.
    pub exact: bool,
}

impl Parsed {
    /// The value, only when it is exact.
    pub fn exact_value(&self) -> Option<&Value> {
        self.value.as_ref().filter(|_| self.exact)
    }
}

/// Parses `bytes` (see [`Parsed`]).
pub fn parse(bytes: &[u8]) -> Parsed {
    let ambiguous = Cell::new(false);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = Seed(&ambiguous).deserialize(&mut de).ok().filter(|_| de.end().is_ok());
    Parsed { exact: value.is_some() && !ambiguous.get() && numbers_canonical(bytes), value }
}

/// Whether every number literal in a (valid) JSON document is canonical (see [`Parsed::exact`]).
fn numbers_canonical(bytes: &[u8]) -> bool {
    let (mut i, mut in_string) = (0, false);
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            match b {
                b'\\' => i += 1,
                b'"' => in_string = false,
                _ => {}
            }
            i += 1;
        } else if b == b'"' {
            in_string = true;
            i += 1;
        } else if b == b'-' || b.is_ascii_digit() {
            let len =
                bytes[i..].iter().take_while(|c| matches!(c, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E')).count();
            match core::str::from_utf8(&bytes[i..i + len]) {
                Ok(literal) if canonical_number(literal) => i += len,
                _ => return false,
            }
        } else {
            i += 1;
        }
    }
    true
}

/// `-?(0|[1-9][0-9]*)` other than `-0`, or a float literal equal to how serde_json prints
/// the value it reads (and that value correctly rounded).
fn canonical_number(literal: &str) -> bool {
    let digits = literal.strip_prefix('-').unwrap_or(literal);
    if digits.bytes().all(|b| b.is_ascii_digit()) {
        return !digits.is_empty() && (digits == "0" || !digits.starts_with('0')) && literal != "-0";
    }
    let (Ok(read), Ok(exact)) = (serde_json::from_str::<f64>(literal), literal.parse::<f64>()) else {
        return false;
    };
    let Some(number) = serde_json::Number::from_f64(read) else { return false };
    let mut printed = StackText { buf: [0; 40], len: 0 };
    core::fmt::write(&mut printed, format_args!("{number}")).is_ok()
        && read.to_bits() == exact.to_bits()
        && printed.as_bytes() == literal.as_bytes()
}

/// A number's text, printed without allocating.
struct StackText {
    buf: [u8; 40],
    len: usize,
}

impl StackText {
    fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl core::fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len + s.len();
        self.buf.get_mut(self.len..end).ok_or(core::fmt::Error)?.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Equality of two JSON values with numbers compared as literals: an integer never equals a
/// float (`1` and `1.0`), and floats are equal only bit for bit (`0.0` and `-0.0` differ).
/// Between [exact](Parsed::exact) documents this is equality of the literals as written.
pub fn exact_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.is_f64(), y.is_f64()) {
            (true, true) => x.as_f64().map(f64::to_bits) == y.as_f64().map(f64::to_bits),
            (false, false) => x == y,
            _ => false,
        },
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| exact_eq(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| exact_eq(v, w)))
        }
        _ => a == b,
    }
}

/// The body of one request, parsed on first use and at most once.
#[derive(Debug)]
pub struct Body<'a> {
    bytes: &'a [u8],
    parsed: OnceCell<Parsed>,
    digest: OnceCell<[u8; 32]>,
    crypto: &'static dyn CryptoProvider,
}

impl<'a> Body<'a> {
    /// Wraps the raw bytes; nothing is parsed yet.
    pub fn new(bytes: &'a [u8]) -> Self {
        Self::with_crypto(bytes, &RUST_CRYPTO)
    }
    /// Wraps the raw bytes; [`sha256`](Self::sha256) is computed by this provider.
    pub fn with_crypto(bytes: &'a [u8], crypto: &'static dyn CryptoProvider) -> Self {
        Body { bytes, parsed: OnceCell::new(), digest: OnceCell::new(), crypto }
    }
    /// The raw bytes.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }
    /// SHA-256 of the bytes, computed once (every JWT with a `body_sha256` claim compares it).
    pub fn sha256(&self) -> &[u8; 32] {
        self.digest.get_or_init(|| self.crypto.sha256(self.bytes))
    }
    /// The parse, done now if it was not yet.
    pub fn parsed(&self) -> &Parsed {
        self.parsed.get_or_init(|| parse(self.bytes))
    }
    /// The parse, taken out (parsing now if it was not yet).
    pub fn into_parsed(self) -> Parsed {
        let bytes = self.bytes;
        self.parsed.into_inner().unwrap_or_else(|| parse(bytes))
    }
    /// Whether it was parsed (for tests of the parse-once rule).
    pub fn was_parsed(&self) -> bool {
        self.parsed.get().is_some()
    }
}

/// 2^53: past it, a JSON number no longer stands for one integer in every parser.
const EXACT_INTEGER_LIMIT: f64 = 9_007_199_254_740_992.0;

#[derive(Clone, Copy)]
struct Seed<'c>(&'c Cell<bool>);

impl<'de> DeserializeSeed<'de> for Seed<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Seed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        if v.unsigned_abs() > EXACT_INTEGER_LIMIT as u64 {
            self.0.set(true);
        }
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        if v > EXACT_INTEGER_LIMIT as u64 {
            self.0.set(true);
        }
        Ok(Value::from(v))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        if v.fract() == 0.0 && v.abs() >= EXACT_INTEGER_LIMIT {
            self.0.set(true);
        }
        serde_json::Number::from_f64(v).map(Value::Number).ok_or_else(|| E::custom("not a finite number"))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(String::from(v)))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(self)? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let v = map.next_value_seed(self)?;
            if out.insert(key, v).is_some() {
                self.0.set(true);
            }
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactness() {
        assert!(parse(br#"{"a":[1,2.5,"x",null,true]}"#).exact);
        assert!(!parse(br#"{"a":1,"a":2}"#).exact);
        assert_eq!(parse(br#"{"a":1,"a":2}"#).value.unwrap()["a"], 2, "the last duplicate wins, as in serde_json");
        assert!(!parse(b"1e300").exact);
        assert!(parse(b"9007199254740992").exact);
        for inexact in
            ["9007199254740993", "-9007199254740993", "18446744073709551615", "0.10", "1.0e0", "-0", "01", "1E2"]
        {
            assert!(!parse(inexact.as_bytes()).exact, "{inexact}");
        }
        for exact in ["0.1", "-0.0", "0.0", "1.5", "100.0", "-7", "0", "[1,2.5]", r#"{"a\\":"-0.10"}"#] {
            assert!(parse(exact.as_bytes()).exact, "{exact}");
        }
        assert!(!parse(b"0.1000000000000000055511151231257827").exact);
        assert_eq!(parse(b"{").value, None);
        assert_eq!(parse(b"{} x").value, None);
    }

    #[test]
    fn numbers_compare_as_literals() {
        let v = |s: &str| parse(s.as_bytes()).value.unwrap();
        assert!(exact_eq(&v(r#"{"a":[0.1,1]}"#), &v(r#"{"a":[0.1,1]}"#)));
        assert!(!exact_eq(&v("0.0"), &v("-0.0")));
        assert!(!exact_eq(&v("1"), &v("1.0")));
        assert!(!exact_eq(&v(r#"{"a":1}"#), &v(r#"{"a":1,"b":2}"#)));
    }

    #[test]
    fn a_body_is_parsed_once() {
        let body = Body::new(br#"{"type":"x"}"#);
        assert!(!body.was_parsed());
        let first: *const Parsed = body.parsed();
        assert!(core::ptr::eq(first, body.parsed()));
        assert!(body.was_parsed());
    }
}
