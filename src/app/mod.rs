//! Composition root: builds the state from configuration, holds the one route table, and
//! serves with graceful shutdown. The only place that names concrete implementations.
pub mod pages;
pub mod routes;
mod serve;

pub use routes::routes;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::HeaderValue;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tower_http::request_id::{MakeRequestId, RequestId};

use crate::config::Config;
use crate::domain::clock::{Clock, MINUTE, SystemClock};
use crate::hashing::Hasher;
use crate::http::AppState;
use crate::http::limiter::EdgeLimits;
use crate::http::state::Inner;
use crate::keys::Kek;
use crate::keys::keyring::KeyRing;
use crate::mail::{Mailer, worker};
use crate::oidc;
use crate::outbound::Http;
use crate::outbound::sender::{self, Sender};
use crate::store::Store;
use crate::templates::{Templates, Theme};

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
    #[error("theme: {0}")]
    Theme(#[from] crate::templates::ThemeError),
    #[error("theme: {}", crate::templates::summarize(.0).join("; "))]
    Templates(Vec<crate::templates::TemplateFailure>),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
}

/// The templates with `[branding]` applied. A theme's templates are rendered once with sample
/// data here, so a broken one stops the start instead of a page.
pub fn themed_templates(config: &Config) -> Result<Templates, StartError> {
    let theme = Theme::load(&config.branding)?.with_icons(&config.upstream)?;
    let templates = Templates::themed(theme)?;
    if !config.branding.theme_dir.is_empty() {
        let failures = templates.check();
        if !failures.is_empty() {
            return Err(StartError::Templates(failures));
        }
    }
    Ok(templates)
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
        let templates = themed_templates(&config)?;
        let product = templates.brand(crate::i18n::Lang::En);
        let store = Store::connect(&config.database.url, config.database.pool_size())
            .await?
            .with_client_cache(Duration::from_millis(config.database.client_cache_ms));
        if config.database.migrate_on_start {
            store.migrate().await?;
        }
        let kek = Kek::load(&config)?;
        let clock: Arc<dyn Clock> = options.clock.unwrap_or_else(|| Arc::new(SystemClock));
        let keys = KeyRing::load(store.clone(), kek.clone(), clock.now_ms()).await?;
        let discovery_json: Arc<[u8]> = serde_json::to_vec(&oidc::discovery::document(
            config.issuer(),
            config.registration.mode != crate::config::RegistrationMode::Off,
        ))
        .unwrap_or_default()
        .into();
        let mailer = Mailer::from_config(&config.mail, &product)?;
        let a = &config.accounts;
        let hasher = Hasher::new(a.hash_params(), a.hash_concurrency, a.hash_queue)?;
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
        let metrics_listener = serve::bind_metrics(config.metrics_listener_addr()).await?;
        if config.metrics_on_public_listener() {
            tracing::warn!(
                "metrics are served on the public listener (server.metrics_bind = server.bind)"
            );
        } else if config.server.metrics_bind.is_empty() {
            tracing::info!("metrics are off (server.metrics_bind is empty)");
        }
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
        let passkeys = crate::domain::passkey::relying_party(config.issuer(), &product);
        match &passkeys {
            Ok(_) => tracing::info!(rp_id = %issuer_host, "passkeys are on"),
            Err(off) => tracing::warn!("{off}"),
        }
        // Upstream providers are configured by the operator: a private address is allowed.
        let upstream_http = Http::new(Duration::from_secs(config.outbound.timeout_secs), false)
            .map_err(|e| crate::config::ConfigError(e.to_string()))?;
        let state = AppState(Arc::new(Inner {
            passkeys,
            upstreams: crate::outbound::Upstreams::new(upstream_http),
            csrf_key: kek.derive("daemun/csrf/v1"),
            store,
            templates,
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

    /// The port of the separate metrics listener, when there is one.
    pub fn metrics_port(&self) -> Option<u16> {
        Some(self.metrics_listener.as_ref()?.local_addr().ok()?.port())
    }

    /// The route table with every layer, for driving requests in process (benchmarks)
    /// without the listener.
    pub fn router(&self) -> Router {
        self.router.clone()
    }

    pub fn state(&self) -> AppState {
        self.state.clone()
    }

    /// Fires to stop the server (tests); SIGTERM and Ctrl-C also do.
    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }

    /// Serves until shutdown, with the mail and outbound senders and the janitor beside it.
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
        // Back-channel URIs are registered by administrators (command line, console), so a
        // target on a private network is allowed: the application may well live there.
        let timeout = Duration::from_secs(s.config.outbound.timeout_secs);
        let http = Http::new(timeout, false).map_err(std::io::Error::other)?;
        let outbound = tokio::spawn(sender::run(
            Sender {
                store: s.store.clone(),
                keys: s.keys.clone(),
                http,
                clock: s.clock.clone(),
                config: s.config.outbound.clone(),
                issuer: s.config.issuer().to_owned(),
            },
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
        let _ = outbound.await;
        let _ = janitor.await;
        let _ = refresher.await;
        s.store.close().await;
        Ok(())
    }
}

/// The request path for logs, with secrets in links (verification, reset and email-change
/// tokens) cut off.
pub(crate) fn loggable_path(path: &str) -> &str {
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
pub(crate) struct RandomRequestId;

impl MakeRequestId for RandomRequestId {
    fn make_request_id<B>(&mut self, _: &axum::http::Request<B>) -> Option<RequestId> {
        HeaderValue::from_str(&crate::domain::secret::random_id())
            .ok()
            .map(RequestId::new)
    }
}
