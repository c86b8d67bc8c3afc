//! `daemun`: parse the command line and run the chosen command.
use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    daemun::cli::run(daemun::cli::Cli::parse()).await
}
