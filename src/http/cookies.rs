//! Cookie names and attributes. With an https issuer every cookie is `Secure` and carries the
//! `__Host-` prefix (so no subdomain can set it); all are `HttpOnly`, `SameSite=Lax`, `Path=/`.
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use cookie::{Cookie, SameSite};

pub const SESSION: &str = "daemun_session";
pub const CSRF: &str = "daemun_csrf";
pub const LANG: &str = "daemun_lang";
pub const FLASH: &str = "daemun_flash";
/// A login between its steps (`store::pending_logins`).
pub const LOGIN: &str = "daemun_login";
/// A login sent to an upstream provider, bound to this browser (`store::identities`).
pub const UPSTREAM: &str = "daemun_upstream";
/// A login through an upstream provider waiting to be linked to an existing account once its
/// owner logs in, in this browser (`store::identities::PendingLink`).
pub const UPSTREAM_LINK: &str = "daemun_upstream_link";

/// The name on the wire: `__Host-<name>` under https.
pub fn wire_name(name: &str, https: bool) -> String {
    if https {
        format!("__Host-{name}")
    } else {
        name.to_owned()
    }
}

/// The value of cookie `name` in the request, if any.
pub fn get(headers: &HeaderMap, name: &str, https: bool) -> Option<String> {
    let wanted = wire_name(name, https);
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| Cookie::split_parse(v.to_owned()))
        .filter_map(Result::ok)
        .find(|c| c.name() == wanted)
        .map(|c| c.value().to_owned())
}

/// Builds a `Set-Cookie` value. `max_age_secs`: `None` = browser-session cookie, `Some(0)` = delete.
pub fn build(name: &str, value: &str, https: bool, max_age_secs: Option<i64>) -> HeaderValue {
    let mut c = Cookie::build((wire_name(name, https), value.to_owned()))
        .path("/")
        .http_only(true)
        .secure(https)
        .same_site(SameSite::Lax);
    if let Some(age) = max_age_secs {
        c = c.max_age(cookie::time::Duration::seconds(age));
    }
    HeaderValue::from_str(&c.build().to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

pub fn set(resp: &mut Response, name: &str, value: &str, https: bool, max_age_secs: Option<i64>) {
    resp.headers_mut()
        .append(SET_COOKIE, build(name, value, https, max_age_secs));
}

pub fn remove(resp: &mut Response, name: &str, https: bool) {
    set(resp, name, "", https, Some(0));
}
