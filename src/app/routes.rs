//! The one route table: every path the product serves, with the layers of each group.
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::header::{
    AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE,
};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower::ServiceBuilder;
use tower_http::cors::{Any, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use super::pages::{Pages, limited};
use super::{RandomRequestId, loggable_path};
use crate::accounts::factors::{passkey, passkey_login, recovery, second_step, security, totp};
use crate::accounts::{
    apps, delete, email, export, home, login, logout, password, profile, reset, sessions, signup,
    verify,
};
use crate::admin;
use crate::http::limiter::Group;
use crate::http::{AppState, headers, metrics};
use crate::oidc::{
    self, authorize, consent, device, discovery, end_session, introspect, jwks, revoke, token,
    userinfo,
};
use crate::upstream;

/// The route table: every path the product serves. Each line names what the route needs: a
/// page people read ([`Pages::view`]), a form whose POST is CSRF-checked and perhaps limited
/// per address ([`Pages::form`], [`Pages::action`]), a request applications send cross-site by
/// design ([`Pages::rp_initiated`]), or a protocol endpoint with its limit group.
pub fn routes(state: AppState) -> Router {
    let pages = Pages::new(&state)
        .view("/", get(home::landing))
        .form(
            "/signup",
            get(signup::signup_form),
            post(signup::signup),
            Some(Group::Signup),
        )
        .form(
            "/verify/resend",
            get(verify::resend_form),
            post(verify::resend),
            Some(Group::Resend),
        )
        .form(
            "/verify/{token}",
            get(verify::verify_form),
            post(verify::verify),
            None,
        )
        .form(
            "/login",
            get(login::login_form),
            post(login::login),
            Some(Group::Login),
        )
        .view("/login/step-up", get(second_step::step_up))
        // Each start parks a login for ten minutes, each callback calls the provider.
        .view(
            "/login/upstream/{name}",
            limited(&state, Some(Group::Login), get(upstream::start::start)),
        )
        .view(
            "/login/upstream/{name}/callback",
            limited(
                &state,
                Some(Group::Login),
                get(upstream::callback::callback),
            ),
        )
        .action(
            "/login/passkey/options",
            post(passkey_login::options),
            Some(Group::Login),
        )
        .action(
            "/login/passkey",
            post(passkey_login::answer),
            Some(Group::Login),
        )
        .form(
            second_step::PATH,
            get(second_step::page),
            post(second_step::submit),
            Some(Group::Login),
        )
        .form(
            "/logout",
            get(logout::logout_form),
            post(logout::logout),
            None,
        )
        .view("/account", get(home::account))
        .view(upstream::linked::PATH, get(upstream::linked::page))
        .action(
            "/account/linked/link",
            post(upstream::linked::link),
            Some(Group::Login),
        )
        .action(
            "/account/linked/unlink",
            post(upstream::linked::unlink),
            None,
        )
        .form(
            upstream::linked::CONFIRM_PATH,
            get(upstream::linked::confirm_page),
            post(upstream::linked::confirm),
            None,
        )
        .form(
            "/account/apps",
            get(apps::apps_page),
            post(apps::remove),
            None,
        )
        .form(
            "/consent",
            get(consent::consent_form),
            post(consent::consent),
            None,
        )
        .action("/end_session/confirm", post(end_session::confirm), None)
        .form(
            "/account/profile",
            get(profile::profile_form),
            post(profile::profile),
            None,
        )
        .form(
            "/account/email",
            get(email::email_form),
            post(email::email),
            None,
        )
        .form(
            "/account/email/confirm/{token}",
            get(email::confirm_form),
            post(email::confirm),
            None,
        )
        .form(
            "/account/password",
            get(password::password_form),
            post(password::password),
            None,
        )
        .view(security::PATH, get(security::page))
        .action("/account/security/totp", post(totp::start), None)
        .action("/account/security/totp/confirm", post(totp::confirm), None)
        .action("/account/security/totp/remove", post(totp::remove), None)
        .action("/account/security/recovery", post(recovery::renew), None)
        .action(
            "/account/security/passkeys/options",
            post(passkey::options),
            None,
        )
        .action("/account/security/passkeys", post(passkey::add), None)
        .action(
            "/account/security/passkeys/rename",
            post(passkey::rename),
            None,
        )
        .action(
            "/account/security/passkeys/remove",
            post(passkey::remove),
            None,
        )
        .form(
            "/account/sessions",
            get(sessions::sessions_page),
            post(sessions::end_session),
            None,
        )
        .form(
            "/account/delete",
            get(delete::delete_form),
            post(delete::delete),
            None,
        )
        .form(
            "/account/export",
            get(export::export_page),
            post(export::export),
            None,
        )
        .form(
            "/password/reset",
            get(reset::request_form),
            post(reset::request),
            Some(Group::Reset),
        )
        .form(
            "/password/reset/{token}",
            get(reset::reset_form),
            post(reset::reset),
            Some(Group::Reset),
        )
        .view("/admin", get(admin::overview))
        .view("/admin/users", get(admin::users::users_page))
        .form(
            "/admin/users/{sub}",
            get(admin::users::user_page),
            post(admin::users::user_action),
            None,
        )
        .view("/admin/clients", get(admin::clients::clients_page))
        .form(
            "/admin/clients/new",
            get(admin::clients::new_client_form),
            post(admin::clients::create_client),
            None,
        )
        .form(
            "/admin/clients/{client_id}",
            get(admin::clients::client_page),
            post(admin::clients::client_action),
            None,
        )
        .form(
            "/admin/clients/{client_id}/roles",
            get(admin::client_roles::roles_page),
            post(admin::client_roles::roles_action),
            None,
        )
        .form(
            "/admin/keys",
            get(admin::keys::keys_page),
            post(admin::keys::key_action),
            None,
        )
        .view("/admin/audit", get(admin::audit::audit_page))
        .form(
            "/admin/outbox",
            get(admin::outbox::outbox_page),
            post(admin::outbox::retry),
            None,
        )
        .form(
            "/admin/groups",
            get(admin::groups::groups_page),
            post(admin::groups::create_group),
            None,
        )
        .form(
            "/admin/groups/{name}",
            get(admin::groups::group_page),
            post(admin::groups::group_action),
            None,
        )
        .form(
            "/admin/resources",
            get(admin::resources::resources_page),
            post(admin::resources::resource_action),
            None,
        )
        .view("/admin/upstream", get(admin::upstream::upstream_page))
        .form(
            "/admin/registration",
            get(admin::registration::registration_page),
            post(admin::registration::registration_action),
            None,
        )
        .rp_initiated(
            oidc::AUTHORIZE_PATH,
            get(authorize::authorize_get).post(authorize::authorize_post),
            Some(Group::Authorize),
        )
        .view("/authorize/resume/{id}", get(authorize::resume))
        .view(
            oidc::authorize::NOT_ALLOWED_PATH,
            get(oidc::not_allowed::not_allowed_page),
        )
        .form(
            device::PAGE_PATH,
            get(device::page),
            post(device::decide),
            Some(Group::Login),
        )
        .rp_initiated(
            oidc::END_SESSION_PATH,
            get(end_session::end_session_get).post(end_session::end_session_post),
            None,
        )
        .finish();
    // Browser JavaScript (single-page apps) may call these (OIDC Discovery §4, RFC 8414 §3,
    // OAuth for browser-based apps §6.1): any origin, never with credentials. Nothing else
    // answers CORS, and `/authorize` must not (RFC 9700 §2.6).
    let browser_callable = Router::new()
        .route(oidc::DISCOVERY_PATH, get(discovery::discovery))
        .route(oidc::JWKS_PATH, get(jwks::jwks))
        .route(
            oidc::TOKEN_PATH,
            limited(&state, Some(Group::Token), post(token::token)),
        )
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
        .route(
            device::AUTHORIZATION_PATH,
            limited(&state, Some(Group::Token), post(device::authorize)),
        )
        .route(
            oidc::register::PATH,
            limited(&state, Some(Group::Signup), post(oidc::register::register)),
        )
        .route(
            "/register/{client_id}",
            limited(
                &state,
                Some(Group::Token),
                get(oidc::register::read)
                    .put(oidc::register::replace)
                    .delete(oidc::register::delete),
            ),
        )
        .route(
            oidc::par::PATH,
            limited(&state, Some(Group::Token), post(oidc::par::push)),
        )
        .route(
            oidc::REVOKE_PATH,
            limited(&state, Some(Group::Token), post(revoke::revoke)),
        )
        .route(
            oidc::INTROSPECT_PATH,
            limited(
                &state,
                Some(Group::Introspect),
                post(introspect::introspect),
            ),
        );
    // Everything people and applications reach by name: an unknown `Host` is refused.
    let named = protocol
        .merge(pages)
        .layer(from_fn_with_state(state.clone(), headers::host_check));
    // Probes and scrapers call each node by address, so any `Host` is answered.
    let ops = Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics::on_main_listener))
        .route("/static/{*path}", get(static_file));
    let config = &state.config.server;
    ops.merge(named)
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

/// `/static/<path>`: the theme's file of that name, else the built-in one. Only files found
/// under the theme folder at start are known, so no request path reaches the disk.
async fn static_file(State(state): State<AppState>, Path(path): Path<String>) -> Response {
    match state.templates.theme().asset(&path) {
        Some(asset) => (
            [
                (CONTENT_TYPE, HeaderValue::from_static(asset.content_type)),
                (
                    CACHE_CONTROL,
                    HeaderValue::from_static("public, max-age=3600"),
                ),
            ],
            axum::body::Bytes::from_owner(asset.bytes.clone()),
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
