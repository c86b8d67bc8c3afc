//! Second factors: the login's second step, and `/account/security` where a person sets up an
//! authenticator app or passkeys and keeps recovery codes. Code checks live in `domain::{totp,
//! recovery_code, passkey}`, rows in `store::{factors, passkeys}`; the app's secret is sealed
//! by the key ring; WebAuthn itself is the `webauthn-rs` crate (`ceremony`).
pub mod ceremony;
pub mod passkey;
pub mod passkey_login;
pub mod recovery;
pub mod second_step;
pub mod security;
pub mod totp;

use crate::domain::totp::TotpSecret;
use crate::http::AppState;
use crate::http::error::PageError;
use crate::store::factors::TotpRow;

/// What a person has, as the login and the security page see it.
#[derive(Debug, Clone)]
pub struct Factors {
    /// The authenticator app, enabled or still being set up.
    pub totp: Option<TotpRow>,
    /// Unused recovery codes.
    pub recovery_left: i64,
    /// How many passkeys.
    pub passkeys: i64,
}

impl Factors {
    pub async fn of(state: &AppState, user_id: i64) -> Result<Self, PageError> {
        Ok(Self {
            totp: state.store.totp(user_id).await?,
            recovery_left: state.store.recovery_codes_left(user_id).await?,
            passkeys: state.store.passkey_count(user_id).await?,
        })
    }

    /// An enabled authenticator app.
    pub fn totp_enabled(&self) -> Option<&TotpRow> {
        self.totp.as_ref().filter(|t| t.enabled_at.is_some())
    }

    /// Whether a login must take a second step. Recovery codes alone are not a factor: they
    /// stand in for one that was lost.
    pub fn any(&self) -> bool {
        self.totp_enabled().is_some() || self.passkeys > 0
    }
}

/// The associated data the app's secret is sealed under: a sealed secret copied to another
/// person's row does not open.
fn seal_label(user_id: i64) -> String {
    format!("totp:{user_id}")
}

/// Seals a new secret for `user_id`.
pub fn seal_secret(
    state: &AppState,
    user_id: i64,
    secret: &TotpSecret,
) -> Result<Vec<u8>, PageError> {
    state
        .keys
        .seal_secret(&seal_label(user_id), secret.expose())
        .map_err(|e| {
            tracing::error!(error = %e, "cannot seal an authenticator secret");
            PageError::server()
        })
}

/// Opens the stored secret of `row`. A secret that does not open (another KEK, damaged data)
/// is logged and gives `None`: no code can match it.
pub fn open_secret(state: &AppState, row: &TotpRow) -> Option<TotpSecret> {
    match state
        .keys
        .open_secret(&seal_label(row.user_id), &row.secret_sealed)
    {
        Ok(bytes) => TotpSecret::from_bytes(bytes),
        Err(e) => {
            tracing::error!(error = %e, user_id = row.user_id, "cannot open an authenticator secret");
            None
        }
    }
}

/// Unix seconds now, as the TOTP rules count time.
pub fn now_secs(state: &AppState) -> u64 {
    u64::try_from(state.now() / 1000).unwrap_or(0)
}
