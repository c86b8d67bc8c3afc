//! The one route table: every path the product serves, with the layers of each group.
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header::{
    AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE,
};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use tower::ServiceBuilder;
use tower_http::cors::{Any, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use super::{RandomRequestId, loggable_path};
use crate::accounts::{
    apps, delete, email, export, home, login, logout, password, profile, reset, sessions, signup,
    verify,
};
use crate::admin;
use crate::http::{AppState, csrf, edge_limit, headers, locale, metrics, page, session};
use crate::oidc::{
    self, authorize, consent, discovery, end_session, introspect, jwks, revoke, token, userinfo,
};

/// The route table: every path the product serves.
pub fn routes(state: AppState) -> Router {
    let pages = Router::new()
        .route("/", get(home::landing))
        .route("/signup", get(signup::signup_form).post(signup::signup))
        .route(
            "/verify/resend",
            get(verify::resend_form).post(verify::resend),
        )
        .route(
            "/verify/{token}",
            get(verify::verify_form).post(verify::verify),
        )
        .route("/login", get(login::login_form).post(login::login))
        .route("/logout", get(logout::logout_form).post(logout::logout))
        .route("/account", get(home::account))
        .route("/account/apps", get(apps::apps_page).post(apps::remove))
        .route(
            "/consent",
            get(consent::consent_form).post(consent::consent),
        )
        .route("/end_session/confirm", post(end_session::confirm))
        .route(
            "/account/profile",
            get(profile::profile_form).post(profile::profile),
        )
        .route("/account/email", get(email::email_form).post(email::email))
        .route(
            "/account/email/confirm/{token}",
            get(email::confirm_form).post(email::confirm),
        )
        .route(
            "/account/password",
            get(password::password_form).post(password::password),
        )
        .route(
            "/account/sessions",
            get(sessions::sessions_page).post(sessions::end_session),
        )
        .route(
            "/account/delete",
            get(delete::delete_form).post(delete::delete),
        )
        .route(
            "/account/export",
            get(export::export_page).post(export::export),
        )
        .route(
            "/password/reset",
            get(reset::request_form).post(reset::request),
        )
        .route(
            "/password/reset/{token}",
            get(reset::reset_form).post(reset::reset),
        )
        .route("/admin", get(admin::overview))
        .route("/admin/users", get(admin::users::users_page))
        .route(
            "/admin/users/{sub}",
            get(admin::users::user_page).post(admin::users::user_action),
        )
        .route("/admin/clients", get(admin::clients::clients_page))
        .route(
            "/admin/clients/new",
            get(admin::clients::new_client_form).post(admin::clients::create_client),
        )
        .route(
            "/admin/clients/{client_id}",
            get(admin::clients::client_page).post(admin::clients::client_action),
        )
        .route(
            "/admin/keys",
            get(admin::keys::keys_page).post(admin::keys::key_action),
        )
        .route("/admin/audit", get(admin::audit::audit_page))
        .route(
            "/admin/outbox",
            get(admin::outbox::outbox_page).post(admin::outbox::retry),
        )
        .fallback(|| async { StatusCode::NOT_FOUND })
        // Reached by browsers sent from applications, also by cross-site form POST: the CSRF
        // layer lets their POSTs through (see `csrf::RP_INITIATED`).
        .route(
            oidc::AUTHORIZE_PATH,
            get(authorize::authorize_get).post(authorize::authorize_post),
        )
        .route("/authorize/resume/{id}", get(authorize::resume))
        .route(
            oidc::END_SESSION_PATH,
            get(end_session::end_session_get).post(end_session::end_session_post),
        )
        .layer(
            ServiceBuilder::new()
                .layer(from_fn_with_state(state.clone(), locale::layer))
                .layer(from_fn_with_state(state.clone(), session::layer))
                .layer(from_fn_with_state(state.clone(), page::error_pages))
                .layer(from_fn_with_state(state.clone(), edge_limit::layer))
                .layer(from_fn_with_state(state.clone(), csrf::layer)),
        );
    // Browser JavaScript (single-page apps) may call these (OIDC Discovery §4, RFC 8414 §3,
    // OAuth for browser-based apps §6.1): any origin, never with credentials. Nothing else
    // answers CORS, and `/authorize` must not (RFC 9700 §2.6).
    let browser_callable = Router::new()
        .route(oidc::DISCOVERY_PATH, get(discovery::discovery))
        .route(oidc::JWKS_PATH, get(jwks::jwks))
        .route(oidc::TOKEN_PATH, post(token::token))
        .route(
            oidc::USERINFO_PATH,
            get(userinfo::userinfo_get).post(userinfo::userinfo_post),
        )
        .layer(
            CorsLayer::new()
                .allow_origin(Any)
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([AUTHORIZATION, CONTENT_TYPE])
                .expose_headers([WWW_AUTHENTICATE, RETRY_AFTER])
                .max_age(Duration::from_secs(3600)),
        );
    let protocol = browser_callable
        .route(oidc::REVOKE_PATH, post(revoke::revoke))
        .route(oidc::INTROSPECT_PATH, post(introspect::introspect))
        .layer(from_fn_with_state(state.clone(), edge_limit::layer));
    let ops = Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics::on_main_listener))
        .route("/static/style.css", get(stylesheet));
    let config = &state.config.server;
    ops.merge(protocol).merge(pages)
        .layer(
            ServiceBuilder::new()
                .layer(from_fn_with_state(state.clone(), metrics::layer))
                .layer(SetRequestIdLayer::x_request_id(RandomRequestId))
                .layer(TraceLayer::new_for_http().make_span_with(|req: &axum::extract::Request| {
                    let id = req
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default();
                    let path = loggable_path(req.uri().path());
                    tracing::info_span!("request", method = %req.method(), path = %path, request_id = %id)
                }))
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(from_fn_with_state(state.clone(), headers::security_headers))
                .layer(axum::middleware::from_fn(headers::uri_limit))
                .layer(from_fn_with_state(state.clone(), headers::host_check))
                .layer(TimeoutLayer::with_status_code(
                    StatusCode::REQUEST_TIMEOUT,
                    Duration::from_secs(config.request_timeout_secs),
                ))
                .layer(DefaultBodyLimit::max(config.body_limit_bytes))
                .layer(RequestBodyLimitLayer::new(config.body_limit_bytes)),
        )
        .with_state(state)
}

async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    if state.store.ping().await {
        (StatusCode::OK, "ready\n")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable\n")
    }
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        include_str!("../../static/style.css"),
    )
}
