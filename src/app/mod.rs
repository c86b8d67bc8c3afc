//! Composition root: builds the state from configuration, holds the one route table, and
//! serves with graceful shutdown. The only place that names concrete implementations.
mod serve;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::header::{
    AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE,
};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::from_fn_with_state;
use axum::response::IntoResponse;
use axum::routing::get;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tower::ServiceBuilder;
use tower_http::cors::{Any, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::accounts::{
    apps, delete, email, export, home, login, logout, password, profile, reset, sessions, signup,
    verify,
};
use crate::config::Config;
use crate::domain::clock::{Clock, MINUTE, SystemClock};
use crate::domain::password::HashParams;
use crate::hashing::Hasher;
use crate::http::edge_limit::{self, EdgeLimits};
use crate::http::state::Inner;
use crate::http::{AppState, csrf, headers, locale, metrics, page, session};
use crate::keys::Kek;
use crate::keys::keyring::KeyRing;
use crate::mail::{Mailer, worker};
use crate::oidc::{
    self, authorize, consent, discovery, end_session, introspect, jwks, revoke, token, userinfo,
};
use crate::store::Store;
use crate::templates::Templates;

/// Why the application could not be built.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("{0}")]
    Config(#[from] crate::config::ConfigError),
    #[error("database: {0}")]
    Store(#[from] crate::store::StoreError),
    #[error("keys: {0}")]
    Keys(#[from] crate::keys::KeyError),
    #[error("mail: {0}")]
    Mail(#[from] crate::mail::MailError),
    #[error("signing keys: {0}")]
    KeyRing(#[from] crate::keys::keyring::KeyRingError),
    #[error("password hashing: {0}")]
    Hash(#[from] crate::domain::password::HashError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
}

/// A built application: bound, migrated, ready to serve.
pub struct App {
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
    router: Router,
    state: AppState,
    shutdown: CancellationToken,
}

/// Options tests (and only tests) change.
#[derive(Default)]
pub struct BuildOptions {
    /// A clock to use instead of the system clock.
    pub clock: Option<Arc<dyn Clock>>,
    /// An already bound listener (tests bind port 0 first to learn the issuer).
    pub listener: Option<std::net::TcpListener>,
}

impl App {
    pub async fn build(config: Config) -> Result<Self, StartError> {
        Self::build_with(config, BuildOptions::default()).await
    }

    pub async fn build_with(config: Config, options: BuildOptions) -> Result<Self, StartError> {
        config.validate()?;
        let store = Store::connect(&config.database.url, config.database.max_connections).await?;
        if config.database.migrate_on_start {
            store.migrate().await?;
        }
        let kek = Kek::load(&config)?;
        let clock: Arc<dyn Clock> = options.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let keys = KeyRing::load(store.clone(), kek.clone(), clock.now_ms()).await?;
        let discovery_json: Arc<[u8]> =
            serde_json::to_vec(&oidc::discovery::document(config.issuer()))
                .unwrap_or_default()
                .into();
        let mailer = Mailer::from_config(&config.mail)?;
        let a = &config.accounts;
        let params = HashParams {
            memory_kib: a.argon2_memory_kib,
            iterations: a.argon2_iterations,
            parallelism: a.argon2_parallelism,
        };
        let hasher = Hasher::new(params, a.hash_concurrency, a.hash_queue)?;
        let listener = match options.listener {
            Some(l) => {
                l.set_nonblocking(true).map_err(|e| StartError::Bind {
                    addr: config.server.bind.clone(),
                    source: e,
                })?;
                TcpListener::from_std(l)
            }
            None => TcpListener::bind(&config.server.bind).await,
        }
        .map_err(|e| StartError::Bind {
            addr: config.server.bind.clone(),
            source: e,
        })?;
        let metrics_listener = serve::bind_metrics(&config.server.metrics_bind).await?;
        let issuer = config.issuer_url()?;
        let mut allowed_hosts: Vec<String> = config
            .server
            .allowed_hosts
            .iter()
            .map(|h| h.to_ascii_lowercase())
            .collect();
        let issuer_host = issuer.host_str().unwrap_or_default().to_ascii_lowercase();
        allowed_hosts.push(match issuer.port() {
            Some(p) => format!("{issuer_host}:{p}"),
            None => issuer_host.clone(),
        });
        if let Some(p) = issuer.port_or_known_default() {
            allowed_hosts.push(format!("{issuer_host}:{p}"));
        }
        let trusted_proxies: Vec<IpAddr> = config
            .server
            .trusted_proxies
            .iter()
            .filter_map(|p| p.parse().ok())
            .collect();
        let state = AppState(Arc::new(Inner {
            csrf_key: kek.derive("daemun/csrf/v1"),
            store,
            templates: Templates::new(),
            mailer,
            mail_wake: Arc::new(Notify::new()),
            clock,
            keys,
            discovery_json,
            hasher,
            edge: EdgeLimits::new(&config.limits),
            trusted_proxies,
            allowed_hosts,
            issuer_origin: config.issuer_origin(),
            metrics: Default::default(),
            config,
        }));
        let router = routes(state.clone());
        Ok(Self {
            listener,
            metrics_listener,
            router,
            state,
            shutdown: CancellationToken::new(),
        })
    }

    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// The port of the separate metrics listener, when `server.metrics_bind` is set.
    pub fn metrics_port(&self) -> Option<u16> {
        Some(self.metrics_listener.as_ref()?.local_addr().ok()?.port())
    }

    pub fn state(&self) -> AppState {
        self.state.clone()
    }

    /// Fires to stop the server (tests); SIGTERM and Ctrl-C also do.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// Serves until shutdown, with the outbox sender and the janitor running beside it.
    pub async fn serve(self) -> std::io::Result<()> {
        let s = self.state.clone();
        let stop = self.shutdown.clone();
        let sender = tokio::spawn(worker::run(
            s.store.clone(),
            s.mailer.clone(),
            s.clock.clone(),
            s.config.mail.clone(),
            s.mail_wake.clone(),
            s.metrics.clone(),
            stop.clone(),
        ));
        let janitor = tokio::spawn(janitor(s.clone(), stop.clone()));
        let refresher = tokio::spawn(refresh_keys(s.clone(), stop.clone()));
        tracing::info!(
            addr = %self.listener.local_addr()?,
            issuer = %s.config.issuer(),
            database = s.store.backend(),
            "daemun is serving"
        );
        let signal_stop = stop.clone();
        tokio::spawn(async move {
            tokio::select! {
                _ = serve::shutdown_signal() => {}
                _ = signal_stop.cancelled() => {}
            }
            tracing::info!("shutting down");
            signal_stop.cancel();
        });
        let limits = serve::ConnLimits {
            header_read_timeout: Duration::from_secs(s.config.server.header_read_timeout_secs),
            drain: Duration::from_secs(s.config.server.drain_secs),
        };
        let scraper = serve::metrics(self.metrics_listener, s.clone(), stop.clone(), limits);
        serve::serve(self.listener, self.router, stop.clone(), limits).await;
        let _ = scraper.await;
        let _ = sender.await;
        let _ = janitor.await;
        let _ = refresher.await;
        s.store.close().await;
        Ok(())
    }
}

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
        .route(
            "/end_session/confirm",
            axum::routing::post(end_session::confirm),
        )
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
        .route(oidc::TOKEN_PATH, axum::routing::post(token::token))
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
        .route(oidc::REVOKE_PATH, axum::routing::post(revoke::revoke))
        .route(
            oidc::INTROSPECT_PATH,
            axum::routing::post(introspect::introspect),
        )
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

/// The request path for logs, with secrets in links (verification, reset and email-change
/// tokens) cut off.
fn loggable_path(path: &str) -> &str {
    if let Some(rest) = path.strip_prefix("/verify/") {
        return if rest == "resend" {
            path
        } else {
            "/verify/…"
        };
    }
    if path.starts_with("/password/reset/") {
        return "/password/reset/…";
    }
    if path.starts_with("/account/email/confirm/") {
        return "/account/email/confirm/…";
    }
    path
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn the_edge_limits_name_the_protocol_paths_of_the_route_table() {
        // `http::edge_limit` cannot import `oidc`, so it spells the paths out.
        assert_eq!(crate::oidc::TOKEN_PATH, "/token");
        assert_eq!(crate::oidc::REVOKE_PATH, "/revoke");
        assert_eq!(crate::oidc::INTROSPECT_PATH, "/introspect");
    }

    #[test]
    fn tokens_in_paths_stay_out_of_logs() {
        assert_eq!(loggable_path("/verify/abc"), "/verify/…");
        assert_eq!(loggable_path("/verify/resend"), "/verify/resend");
        assert_eq!(loggable_path("/password/reset"), "/password/reset");
        assert_eq!(loggable_path("/password/reset/abc"), "/password/reset/…");
        assert_eq!(
            loggable_path("/account/email/confirm/abc"),
            "/account/email/confirm/…"
        );
        assert_eq!(loggable_path("/account/email"), "/account/email");
    }
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

/// Removes expired rows every few minutes.
async fn janitor(state: AppState, stop: CancellationToken) {
    loop {
        state.edge.forget_idle();
        match state.store.delete_expired(state.now()).await {
            Ok(n) if n > 0 => tracing::debug!(removed = n, "janitor removed expired rows"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "janitor failed"),
        }
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(Duration::from_millis(5 * MINUTE as u64)) => {}
        }
    }
}

/// Re-reads signing keys so a rotation made on any node (or by the CLI) is seen here.
async fn refresh_keys(state: AppState, stop: CancellationToken) {
    let every = Duration::from_secs(state.config.keys.refresh_secs);
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(every) => {}
        }
        if let Err(e) = state.keys.refresh(state.now()).await {
            tracing::warn!(error = %e, "cannot refresh signing keys");
        }
    }
}

/// 128-bit random request ids for `x-request-id` (kept when a proxy sent one).
#[derive(Clone, Copy)]
struct RandomRequestId;

impl MakeRequestId for RandomRequestId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        HeaderValue::from_str(&crate::domain::secret::random_id())
            .ok()
            .map(RequestId::new)
    }
}
