//! `daemun keys list|rotate|retire`. Rotation and retirement are written to the audit log.
use std::process::ExitCode;

use clap::Subcommand;

use super::{fail, open_store, record};
use crate::config::Config;
use crate::domain::clock::format_utc;
use crate::domain::clock::{Clock, SECOND, SystemClock};
use crate::keys::Kek;
use crate::keys::keyring::KeyRing;
use crate::store::signing_keys::KeyState;

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// List signing keys with their state.
    List,
    /// Publish new keys now; they sign after `keys.rotation_delay_secs`, and the old ones stay
    /// in the JWKS until every token they signed has expired.
    Rotate,
    /// Take a key out of the JWKS at once (for a compromised key).
    Retire {
        /// A key id (RFC 7638 thumbprints may begin with `-`).
        #[arg(allow_hyphen_values = true)]
        kid: String,
    },
}

pub async fn run(config: Config, cmd: KeysCommand) -> ExitCode {
    let store = match open_store(&config).await {
        Ok(s) => s,
        Err(e) => return fail(format!("database: {e}")),
    };
    let kek = match Kek::load(&config) {
        Ok(k) => k,
        Err(e) => return fail(e),
    };
    let now = SystemClock.now_ms();
    let ring = match KeyRing::load(store.clone(), kek, now).await {
        Ok(r) => r,
        Err(e) => return fail(format!("signing keys: {e}")),
    };
    match cmd {
        KeysCommand::List => match store.all_signing_keys().await {
            Ok(rows) => {
                for k in rows {
                    let until = format_utc(k.publish_until.unwrap_or_default());
                    let state = match k.state(now) {
                        KeyState::Retired => format!("retired {until}"),
                        KeyState::Verifying => format!("verifying until {until}"),
                        KeyState::Published => {
                            format!("published, signs from {}", format_utc(k.sign_from))
                        }
                        KeyState::Signing => "signing".to_owned(),
                    };
                    println!("{}  {}  {state}", k.alg, k.kid);
                }
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
        KeysCommand::Rotate => {
            let delay = config.keys.rotation_delay_secs * SECOND;
            let lifetime = config.tokens.id_token_secs * SECOND;
            match ring.rotate(now, delay, lifetime).await {
                Ok(kids) => {
                    for kid in kids {
                        record(&store, "key.rotated", None, &format!("kid={kid}")).await;
                        println!("new key {kid} (signs from {})", format_utc(now + delay));
                    }
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
        KeysCommand::Retire { kid } => match ring.retire(&kid, now).await {
            Ok(()) => {
                record(&store, "key.retired", None, &format!("kid={kid}")).await;
                println!("retired {kid}");
                ExitCode::SUCCESS
            }
            Err(e) => fail(e),
        },
    }
}
