//! `hookwall`: a demo sender and verifier for Gemini-shaped Standard Webhooks deliveries.
//!
//! Every signature and check comes from the `hookwall` core; this binary only does the I/O
//! (files, randomness, HTTP) around it.

mod args;
mod event;
mod keygen;
mod rsa_key;
mod send;
mod sign;
mod support;
mod verify;

use std::process::ExitCode;

use args::{Cli, Command};
use clap::Parser;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Keygen(a) => keygen::run(a).map(|()| true),
        Command::Event(a) => event::run(&a).map(|()| true),
        Command::Sign(a) => sign::run(a).map(|()| true),
        Command::Send(a) => send::run(a),
        Command::Verify(a) => verify::run(a),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("hookwall: {e}");
            ExitCode::from(2)
        }
    }
}
