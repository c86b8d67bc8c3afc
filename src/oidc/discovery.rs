//! OpenID Provider metadata (OpenID Connect Discovery 1.0 §3, RFC 8414), built once from the
//! same path constants as the route table and served as pre-serialised bytes.
use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::*;
use crate::domain::acr::Level;
use crate::domain::client::{AUTH_METHODS, GRANT_TYPES};
use crate::http::AppState;
use crate::i18n::Lang;

/// The discovery document for `issuer`. Only what is true of Daemun is claimed.
pub fn document(issuer: &str, registration: bool) -> serde_json::Value {
    let url = |path: &str| format!("{issuer}{path}");
    let mut doc = json!({
        "issuer": issuer,
        "authorization_endpoint": url(AUTHORIZE_PATH),
        "token_endpoint": url(TOKEN_PATH),
        "userinfo_endpoint": url(USERINFO_PATH),
        "jwks_uri": url(JWKS_PATH),
        "revocation_endpoint": url(REVOKE_PATH),
        "introspection_endpoint": url(INTROSPECT_PATH),
        "end_session_endpoint": url(END_SESSION_PATH),
        "scopes_supported": SCOPES_SUPPORTED,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "form_post"],
        "grant_types_supported": GRANT_TYPES,
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "ES256"],
        "token_endpoint_auth_methods_supported": AUTH_METHODS,
        "revocation_endpoint_auth_methods_supported": AUTH_METHODS,
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "device_authorization_endpoint": url(super::device::AUTHORIZATION_PATH),
        // RFC 9126 §5: some clients require it, set per client; not the server as a whole.
        "pushed_authorization_request_endpoint": url(super::par::PATH),
        "require_pushed_authorization_requests": false,
        "claims_supported": CLAIMS_SUPPORTED,
        "acr_values_supported": Level::ALL.iter().map(|l| l.as_str()).collect::<Vec<_>>(),
        "claims_parameter_supported": false,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
        "code_challenge_methods_supported": ["S256"],
        "prompt_values_supported": ["none", "login", "consent", "select_account"],
        "ui_locales_supported": Lang::ALL.iter().map(|l| l.code()).collect::<Vec<_>>(),
        "claims_locales_supported": Lang::ALL.iter().map(|l| l.code()).collect::<Vec<_>>(),
        "authorization_response_iss_parameter_supported": true,
        "frontchannel_logout_supported": false,
        "backchannel_logout_supported": true,
        "backchannel_logout_session_supported": true,
    });
    // RFC 8414 §2: only when applications may register themselves.
    if registration {
        doc["registration_endpoint"] = url(super::register::PATH).into();
    }
    doc
}

/// JSON bytes with public caching (CORS is added by the route table's CORS layer).
pub fn public_json(body: Vec<u8>, max_age: &'static str) -> Response {
    (
        [
            (CONTENT_TYPE, HeaderValue::from_static("application/json")),
            (CACHE_CONTROL, HeaderValue::from_static(max_age)),
        ],
        body,
    )
        .into_response()
}

pub async fn discovery(State(state): State<AppState>) -> Response {
    public_json(state.discovery_json.to_vec(), "public, max-age=3600")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_names_every_endpoint_under_the_issuer() {
        let d = document("https://id.example.com", false);
        assert!(d.get("registration_endpoint").is_none());
        let with = document("https://id.example.com", true);
        assert_eq!(
            with["registration_endpoint"],
            "https://id.example.com/register"
        );
        assert_eq!(d["issuer"], "https://id.example.com");
        assert_eq!(d["token_endpoint"], "https://id.example.com/token");
        assert_eq!(d["code_challenge_methods_supported"], json!(["S256"]));
        assert_eq!(d["response_types_supported"], json!(["code"]));
    }
}
