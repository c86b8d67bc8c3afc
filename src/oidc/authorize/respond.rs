//! Sending the authorization response: on the redirect URI's query (RFC 6749 §4.1.2) or as an
//! auto-submitted form (OAuth 2.0 Form Post Response Mode), always with `iss` (RFC 9207).
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, LOCATION};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use minijinja::context;

use super::request::{ResponseMode, Target};
use crate::http::AppState;
use crate::oidc::error::OAuthError;

/// The only script Daemun serves: it submits the form_post form. Allowed by its CSP hash.
pub const FORM_POST_SCRIPT: &str = "document.forms[0].submit();";
/// `sha256-` of [`FORM_POST_SCRIPT`], base64 (checked by a test).
pub const FORM_POST_SCRIPT_HASH: &str = "sha256-8lDeP0UDwCO6/RhblgeH/ctdBzjVpJxrXizsnIk3cEQ=";

pub fn success(state: &AppState, target: &Target, code: &str) -> Response {
    let mut params = vec![("code", code.to_owned())];
    finish(state, target, &mut params)
}

pub fn error(state: &AppState, target: &Target, e: &OAuthError) -> Response {
    let mut params = vec![
        ("error", e.code.as_str().to_owned()),
        ("error_description", e.description.clone()),
    ];
    finish(state, target, &mut params)
}

/// Where the error `e` goes on the redirect URI's query (for a link on a page).
pub fn error_location(state: &AppState, target: &Target, e: &OAuthError) -> String {
    let mut params = vec![
        ("error", e.code.as_str().to_owned()),
        ("error_description", e.description.clone()),
    ];
    add_state_and_iss(state, target, &mut params);
    query_location(target, &params)
}

fn add_state_and_iss(state: &AppState, target: &Target, params: &mut Vec<(&'static str, String)>) {
    if let Some(s) = &target.state {
        params.push(("state", s.clone()));
    }
    params.push(("iss", state.config.issuer().to_owned()));
}

fn query_location(target: &Target, params: &[(&'static str, String)]) -> String {
    let mut ser = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in params {
        ser.append_pair(k, v);
    }
    let sep = if target.redirect_uri.contains('?') {
        '&'
    } else {
        '?'
    };
    format!("{}{sep}{}", target.redirect_uri, ser.finish())
}

fn finish(state: &AppState, target: &Target, params: &mut Vec<(&'static str, String)>) -> Response {
    add_state_and_iss(state, target, params);
    match target.mode {
        ResponseMode::Query => {
            let location = query_location(target, params);
            // 303: a redirect after a credential POST must not replay the body (RFC 9700 §4.12).
            match HeaderValue::from_str(&location) {
                Ok(v) => {
                    let mut resp = StatusCode::SEE_OTHER.into_response();
                    resp.headers_mut().insert(LOCATION, v);
                    resp.headers_mut()
                        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
                    resp
                }
                Err(_) => StatusCode::BAD_REQUEST.into_response(),
            }
        }
        ResponseMode::FormPost => {
            let fields: Vec<_> = params
                .iter()
                .map(|(k, v)| context! { name => *k, value => v.clone() })
                .collect();
            let ctx = context! { action => target.redirect_uri.clone(), fields => fields, script => FORM_POST_SCRIPT };
            match state.templates.render("oidc/form_post.html", ctx) {
                Ok(html) => {
                    let mut resp = Html(html).into_response();
                    let csp = format!(
                        "default-src 'none'; script-src '{FORM_POST_SCRIPT_HASH}'; style-src 'self'; base-uri 'none'; frame-ancestors 'none'"
                    );
                    if let Ok(v) = HeaderValue::from_str(&csp) {
                        resp.headers_mut().insert(CONTENT_SECURITY_POLICY, v);
                    }
                    resp.headers_mut()
                        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
                    resp
                }
                Err(e) => {
                    tracing::error!(error = %e, "cannot render form_post");
                    StatusCode::INTERNAL_SERVER_ERROR.into_response()
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use base64::Engine;
    use sha2::{Digest, Sha256};

    #[test]
    fn the_csp_hash_matches_the_script() {
        let digest = Sha256::digest(FORM_POST_SCRIPT.as_bytes());
        let b64 = base64::engine::general_purpose::STANDARD.encode(digest);
        assert_eq!(FORM_POST_SCRIPT_HASH, format!("sha256-{b64}"));
    }
}
