//! `daemun registration-token create|list|revoke`: initial access tokens, with which an
//! application registers itself at `/register` when `registration.mode = "initial_token"`.
//! A token is shown once; the database keeps its SHA-256, listed by the first 8 bytes in hex.
use std::process::ExitCode;

use clap::Subcommand;

use super::{fail, open_store, record};
use crate::config::Config;
use crate::domain::clock::{Clock, SystemClock, format_utc};
use crate::domain::registration_token::{clean_label, id_of, parse_id};
use crate::domain::secret::SecretToken;

#[derive(Debug, Subcommand)]
pub enum RegistrationTokenCommand {
    /// Make a token and print it (once).
    Create {
        /// What the token is for, shown by `list` (e.g. the team or tool that received it).
        #[arg(long)]
        label: String,
    },
    /// List tokens: id, label, created, revoked.
    List,
    /// Revoke a token by the id `list` shows; it registers nothing from now on (clients it
    /// registered stay).
    Revoke { id: String },
}

pub async fn run(config: Config, cmd: RegistrationTokenCommand) -> ExitCode {
    let store = match open_store(&config).await {
        Ok(s) => s,
        Err(e) => return fail(format!("database: {e}")),
    };
    let now = SystemClock.now_ms();
    match cmd {
        RegistrationTokenCommand::Create { label } => {
            let Some(label) = clean_label(&label) else {
                return fail("--label needs 1 to 100 printable characters");
            };
            let token = SecretToken::generate();
            if let Err(e) = store
                .insert_registration_token(&token.hash(), label, now)
                .await
            {
                return fail(e);
            }
            let id = id_of(&token.hash());
            record(
                &store,
                "registration_token.created",
                None,
                &format!("id={id} label={label}"),
            )
            .await;
            println!("{}", token.expose());
            eprintln!(
                "token {id} ({label}): give it to the application once; it is not shown again"
            );
            ExitCode::SUCCESS
        }
        RegistrationTokenCommand::List => match store.registration_tokens().await {
            Ok(rows) => {
                for t in rows {
                    let revoked = t
                        .revoked_at
                        .map(|r| format!("revoked {}", format_utc(r)))
                        .unwrap_or_else(|| "active".into());
                    println!(
                        "{}  {}  created {}  {revoked}",
                        id_of(&t.token_hash),
                        t.label,
                        format_utc(t.created_at)
                    );
                }
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        RegistrationTokenCommand::Revoke { id } => {
            let Some(prefix) = parse_id(&id) else {
                return fail(format!(
                    "{id} is not a token id (16 hex digits, as `list` shows)"
                ));
            };
            match store.revoke_registration_tokens(&prefix, now).await {
                Ok(0) => fail(format!("no active token has the id {id}")),
                Ok(_) => {
                    record(
                        &store,
                        "registration_token.revoked",
                        None,
                        &format!("id={id}"),
                    )
                    .await;
                    println!("revoked {id}");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
    }
}
