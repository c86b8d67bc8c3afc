//! A read-only JSON API for other programs: `GET /api/articles`, the board as JSON, for a
//! caller with a Daemun JWT access token (RFC 9068) for this app's API that grants
//! `articles:read`, sent as `Authorization: Bearer …` (RFC 6750 §2.1). The API never looks at
//! the session cookie, so a browser's login gives no access to it (and CSRF has nothing to use).
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::AppState;
use crate::auth::{self, AccessTokenError};
use crate::store::Article;

/// The scope `GET /api/articles` needs.
pub const READ_SCOPE: &str = "articles:read";
/// The protection space named in every challenge (RFC 6750 §3, RFC 9110 §11.5).
pub const REALM: &str = "articles";

/// `GET /api/articles`: `{"articles": [{"id", "title", "body", "author", "created_at",
/// "updated_at"}, …]}`, newest first (times in milliseconds since 1970). `404` when the app
/// has no API identifier (`ARTICLES_API_RESOURCE`).
pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(resource) = state.api_resource.as_deref() else {
        return json_error(StatusCode::NOT_FOUND, "not_found", "there is no API here");
    };
    let token = match bearer_token(&headers) {
        Bearer::Token(token) => token,
        // RFC 6750 §3.1: a request without any authentication gets no error code.
        Bearer::Missing => return challenge(Refusal::NoToken),
        Bearer::Malformed(why) => return challenge(Refusal::Request(why)),
    };
    let grant = match auth::verify_access_token(&state.provider, resource, READ_SCOPE, token).await
    {
        Ok(grant) => grant,
        Err(AccessTokenError::Keys(detail)) => {
            tracing::error!(error = %detail, "fetching Daemun's JWKS");
            return json_error(
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                "the access token cannot be checked right now",
            );
        }
        Err(e @ AccessTokenError::InsufficientScope(_)) => {
            return challenge(Refusal::Scope(e.to_string()));
        }
        Err(e) => {
            tracing::info!(error = ?e, "access token refused");
            return challenge(Refusal::Token(e.to_string()));
        }
    };
    match state.store.list().await {
        Ok(articles) => {
            tracing::debug!(sub = grant.sub, client_id = grant.client_id, "API list");
            let articles: Vec<Value> = articles.iter().map(article_json).collect();
            axum::Json(json!({ "articles": articles })).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "database");
            json_error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "something went wrong on our side",
            )
        }
    }
}

/// An article as the API shows it: the author by name, not by Daemun `sub`.
fn article_json(a: &Article) -> Value {
    json!({
        "id": a.article_id,
        "title": a.title,
        "body": a.body,
        "author": a.author_name,
        "created_at": a.created_at,
        "updated_at": a.updated_at,
    })
}

/// What the `Authorization` header holds.
enum Bearer<'a> {
    Token(&'a str),
    /// No header, or one with another scheme (`Basic`, …): no Bearer authentication at all.
    Missing,
    /// A Bearer header that is not `Bearer <b64token>`, or more than one header.
    Malformed(&'static str),
}

/// RFC 6750 §2.1: `Authorization: Bearer <b64token>`, the scheme in any case (RFC 9110 §11.1).
/// The token in a form body or the query (§2.2, §2.3) is not taken.
fn bearer_token(headers: &HeaderMap) -> Bearer<'_> {
    let mut values = headers.get_all(header::AUTHORIZATION).iter();
    let Some(value) = values.next() else {
        return Bearer::Missing;
    };
    if values.next().is_some() {
        return Bearer::Malformed("more than one Authorization header");
    }
    let Ok(value) = value.to_str() else {
        return Bearer::Malformed("the Authorization header is not ASCII");
    };
    let (scheme, token) = value.split_once(' ').unwrap_or((value, ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Bearer::Missing;
    }
    // b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
    let token = token.trim_matches(' ');
    let body = token.trim_end_matches('=');
    let b64 = |c: char| c.is_ascii_alphanumeric() || "-._~+/".contains(c);
    if body.is_empty() || !body.chars().all(b64) {
        return Bearer::Malformed("the Authorization header is not Bearer and one token");
    }
    Bearer::Token(token)
}

/// Why a request is refused, as RFC 6750 §3.1 names it.
enum Refusal {
    NoToken,
    Request(&'static str),
    Token(String),
    Scope(String),
}

/// The RFC 6750 §3 answer: a `WWW-Authenticate: Bearer` challenge with the realm, and the
/// error code, its description and (for `insufficient_scope`) the scope needed; the same error
/// as a JSON body.
fn challenge(refusal: Refusal) -> Response {
    let (status, error, description, scope) = match &refusal {
        Refusal::NoToken => (
            StatusCode::UNAUTHORIZED,
            None,
            "an access token is needed (Authorization: Bearer)",
            None,
        ),
        Refusal::Request(why) => (StatusCode::BAD_REQUEST, Some("invalid_request"), *why, None),
        Refusal::Token(why) => (
            StatusCode::UNAUTHORIZED,
            Some("invalid_token"),
            why.as_str(),
            None,
        ),
        Refusal::Scope(why) => (
            StatusCode::FORBIDDEN,
            Some("insufficient_scope"),
            why.as_str(),
            Some(READ_SCOPE),
        ),
    };
    let mut value = format!("Bearer realm=\"{REALM}\"");
    if let Some(error) = error {
        value.push_str(&format!(
            ", error=\"{error}\", error_description=\"{}\"",
            quotable(description)
        ));
    }
    if let Some(scope) = scope {
        value.push_str(&format!(", scope=\"{scope}\""));
    }
    let mut response = json_error(status, error.unwrap_or("unauthorized"), description);
    if let Ok(value) = HeaderValue::from_str(&value) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}

/// `error_description` may hold only %x20-21 / %x23-5B / %x5D-7E (RFC 6750 §3): no `"`, no
/// `\`, nothing outside printable ASCII.
fn quotable(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '"' | '\\' => '\'',
            ' '..='~' => c,
            _ => '?',
        })
        .collect()
}

/// `{"error": …, "error_description": …}` with `status`.
fn json_error(status: StatusCode, error: &str, description: &str) -> Response {
    let body = json!({ "error": error, "error_description": description });
    (status, axum::Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(header::AUTHORIZATION, HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn the_bearer_token_is_read_from_one_authorization_header() {
        for (value, token) in [
            ("Bearer abc.DEF-_~+/.x==", "abc.DEF-_~+/.x=="),
            ("bearer abc", "abc"),
            ("BEARER  abc", "abc"),
        ] {
            assert!(matches!(bearer_token(&headers(&[value])), Bearer::Token(t) if t == token));
        }
        for missing in [&[][..], &["Basic YTpi"], &["Bearerabc"]] {
            assert!(matches!(bearer_token(&headers(missing)), Bearer::Missing));
        }
        for bad in [
            &["Bearer"][..],
            &["Bearer "],
            &["Bearer a b"],
            &["Bearer ==="],
            &["Bearer a\"b"],
            &["Bearer a", "Bearer b"],
        ] {
            assert!(
                matches!(bearer_token(&headers(bad)), Bearer::Malformed(_)),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn error_descriptions_stay_within_the_quoted_string() {
        assert_eq!(quotable("a \"b\" \\c é"), "a 'b' 'c ?");
    }
}
