//! The page language: `?lang=` (remembered in a cookie) > cookie > `Accept-Language` > English.
use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::{ACCEPT_LANGUAGE, CONTENT_LANGUAGE};
use axum::middleware::Next;
use axum::response::Response;

use super::cookies;
use super::state::AppState;
use crate::i18n::Lang;

const ONE_YEAR_SECS: i64 = 365 * 24 * 3600;

pub async fn layer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let https = state.config.https();
    let from_query = req.uri().query().and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Lang::from_tag(&v))
    });
    let lang = from_query
        .or_else(|| {
            cookies::get(req.headers(), cookies::LANG, https).and_then(|v| Lang::from_tag(&v))
        })
        .or_else(|| {
            req.headers()
                .get(ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::negotiate)
        })
        .unwrap_or_default();
    req.extensions_mut().insert(lang);
    let mut resp = next.run(req).await;
    if let Some(chosen) = from_query {
        cookies::set(
            &mut resp,
            cookies::LANG,
            chosen.code(),
            https,
            Some(ONE_YEAR_SECS),
        );
    }
    resp.headers_mut()
        .insert(CONTENT_LANGUAGE, HeaderValue::from_static(lang.code()));
    resp
}
