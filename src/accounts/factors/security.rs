//! `/account/security`: what protects the account beyond its password. It shows the
//! authenticator app (off, being set up, or on) and how many recovery codes are left; the
//! forms on it post to `totp` and `recovery`.
use axum::extract::{Query, State};
use axum::response::Response;
use base64::Engine;
use minijinja::{Value, context};
use serde::Deserialize;

use super::{Factors, open_secret};
use crate::accounts::portal::has_password;
use crate::domain::clock::format_utc;
use crate::domain::next_path::safe_next;
use crate::domain::recovery_code;
use crate::domain::user::User;
use crate::http::form::{FieldErrors, render_form};
use crate::http::session::CurrentUser;
use crate::http::{AppState, PageCtx, PageError};

pub const PATH: &str = "/account/security";

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SecurityQuery {
    /// Where to go on once an app is set up: an authorization request held back by
    /// `accounts.require_second_factor = "everyone"`.
    next: String,
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
    Query(q): Query<SecurityQuery>,
) -> Result<Response, PageError> {
    render(&state, &ctx, &auth.user, &FieldErrors::new(), &q.next).await
}

/// The page for `user`, with `errors` under the fields they belong to; `next` (kept when it
/// is a safe local path) is carried through the set-up.
pub async fn render(
    state: &AppState,
    ctx: &PageCtx,
    user: &User,
    errors: &FieldErrors,
    next: &str,
) -> Result<Response, PageError> {
    let factors = Factors::of(state, user.user_id).await?;
    let totp = match &factors.totp {
        None => context! { state => "off" },
        Some(row) if row.enabled_at.is_some() => context! {
            state => "on",
            since => format_utc(row.enabled_at.unwrap_or(row.created_at)),
        },
        Some(row) => setting_up(state, user, row),
    };
    let passkeys: Vec<Value> = state
        .store
        .passkeys(user.user_id)
        .await?
        .into_iter()
        .map(|k| {
            context! {
                id => k.passkey_id,
                name => k.name,
                created => format_utc(k.created_at),
                last_used => k.last_used_at.map(format_utc),
            }
        })
        .collect();
    let extra = context! {
        has_password => has_password(state, user).await?,
        passkeys => passkeys,
        passkeys_on => state.passkeys.is_ok(),
        totp => totp,
        recovery_left => factors.recovery_left,
        recovery_total => recovery_code::COUNT,
        next => safe_next(next).unwrap_or_default(),
    };
    Ok(render_form(
        state,
        ctx,
        "portal/security.html",
        errors,
        extra,
    ))
}

/// An app being set up: the QR code, the key as text and the link a phone opens in its app.
fn setting_up(state: &AppState, user: &User, row: &crate::store::factors::TotpRow) -> Value {
    let Some(secret) = open_secret(state, row) else {
        // Cannot happen with an unchanged KEK; starting again makes a new secret.
        return context! { state => "off" };
    };
    // The app lists the code under the provider's host name: that is what the person sees
    // in the address bar when asked for it.
    let issuer = url::Url::parse(state.config.issuer())
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "Daemun".to_owned());
    let uri = secret.otpauth_uri(&issuer, &user.email).unwrap_or_default();
    context! {
        state => "setup",
        qr => qr_data_uri(&uri),
        key => secret.for_typing(),
        uri => uri,
    }
}

/// The QR code of `text` as an SVG `data:` URI for an `<img>`: drawn here, nothing fetched
/// from elsewhere. Empty when `text` is too long for a QR code (it never is for a TOTP URI).
fn qr_data_uri(text: &str) -> String {
    use qrcode::QrCode;
    use qrcode::render::svg;
    let Ok(code) = QrCode::new(text.as_bytes()) else {
        return String::new();
    };
    let svg = code
        .render::<svg::Color<'_>>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    let b64 = base64::engine::general_purpose::STANDARD.encode(svg.as_bytes());
    format!("data:image/svg+xml;base64,{b64}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_qr_code_is_an_svg_image_in_a_data_uri() {
        let uri = qr_data_uri("otpauth://totp/example.com:a%40example.com?secret=JBSWY3DPEHPK3PXP");
        let b64 = uri.strip_prefix("data:image/svg+xml;base64,").unwrap();
        let svg = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap();
        let svg = String::from_utf8(svg).unwrap();
        assert!(svg.contains("<svg"), "{svg}");
        assert!(svg.contains("#000000"));
    }
}
