//! Small I/O helpers shared by the subcommands: the clock, randomness, input files.

use std::fs;
use std::io::{self, Read};
use std::time::{SystemTime, UNIX_EPOCH};

/// A subcommand's result; the error is printed after `hookwall: ` with exit status 2.
pub(crate) type Fallible<T> = Result<T, String>;

pub(crate) fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

pub(crate) fn random<const N: usize>() -> Fallible<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| format!("no randomness: {e}"))?;
    Ok(buf)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub(crate) fn random_id(prefix: &str) -> Fallible<String> {
    Ok(format!("{prefix}{}", hex(&random::<12>()?)))
}

pub(crate) fn read_input(path: &str) -> Fallible<Vec<u8>> {
    if path == "-" {
        let mut buf = Vec::new();
        io::stdin().read_to_end(&mut buf).map_err(|e| format!("reading standard input: {e}"))?;
        Ok(buf)
    } else {
        fs::read(path).map_err(|e| format!("reading {path}: {e}"))
    }
}
