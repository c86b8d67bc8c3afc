//! The landing page and the account home.
use axum::extract::State;
use axum::response::Response;
use minijinja::context;

use crate::domain::clock::Millis;
use crate::http::session::CurrentUser;
use crate::http::{AppState, PageCtx};

pub async fn landing(State(state): State<AppState>, ctx: PageCtx) -> Response {
    ctx.ok(&state, "home.html", context! {})
}

pub async fn account(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
) -> Response {
    let u = &auth.user;
    let profile = context! {
        email => u.email.clone(),
        email_verified => u.email_verified,
        username => u.username.clone(),
        given_name => u.given_name.clone(),
        family_name => u.family_name.clone(),
        created_at => format_utc(u.created_at),
        last_login => u.last_login_at.map(format_utc),
    };
    ctx.ok(
        &state,
        "accounts/home.html",
        context! { profile => profile },
    )
}

/// `YYYY-MM-DD HH:MM UTC` from unix milliseconds (civil-from-days, proleptic Gregorian).
pub fn format_utc(ms: Millis) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        rem / 3600,
        rem % 3600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::format_utc;

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_utc(1_795_305_600_000), "2026-11-22 00:00 UTC");
        assert_eq!(format_utc(951_782_400_000), "2000-02-29 00:00 UTC");
    }
}
