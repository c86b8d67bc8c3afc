//! Articles: an example application that logs in with Daemun (OpenID Connect).
//!
//! Anyone may read the board; writing, editing and deleting need a login, and only an
//! article's author may change it. Other programs read the board as JSON at `/api/articles`
//! with a Daemun access token ([`api`]). [`build`] binds the listener and discovers the
//! provider, so tests can start the app on port 0 inside the test process.
pub mod api;
pub mod articles;
pub mod auth;
pub mod config;
pub mod pages;
pub mod session;
pub mod store;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::extract::FromRef;
use axum::http::{HeaderValue, header};
use axum::routing::{get, post};
use tokio::net::TcpListener;

pub use config::Config;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// Daemun, as discovered at start.
    pub provider: Arc<auth::Provider>,
    /// The articles database.
    pub store: store::Store,
    /// Browser sessions (in memory).
    pub sessions: Arc<session::Sessions>,
    /// The templates, built once.
    pub pages: Arc<pages::Pages>,
    /// The logout tokens already received (against replays).
    pub logout_tokens: Arc<auth::SeenLogoutTokens>,
    /// The API identifier access tokens must name (`None`: no API).
    pub api_resource: Option<Arc<str>>,
}

impl FromRef<AppState> for Arc<session::Sessions> {
    fn from_ref(state: &AppState) -> Self {
        state.sessions.clone()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot listen on {0}: {1}")]
    Bind(String, std::io::Error),
    #[error("cannot open the database {0}")]
    Database(String),
    #[error("cannot reach the issuer {issuer} after {attempts} attempts: {last}")]
    Discovery {
        issuer: String,
        attempts: u32,
        last: String,
    },
}

/// A built app: its port is known, and `serve` runs it until `shutdown` completes.
pub struct Built {
    listener: TcpListener,
    router: Router,
}

impl Built {
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map_or(0, |a| a.port())
    }

    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await
    }
}

/// Binds `config.bind`, opens the database and discovers the provider.
pub async fn build(config: Config) -> Result<Built, StartError> {
    let listener = std::net::TcpListener::bind(&config.bind)
        .map_err(|e| StartError::Bind(config.bind.clone(), e))?;
    build_with_listener(config, listener).await
}

/// As [`build`], on a listener the caller already bound (tests bind port 0 first to learn the
/// redirect URI to register).
pub async fn build_with_listener(
    config: Config,
    listener: std::net::TcpListener,
) -> Result<Built, StartError> {
    let bind_error = |e| StartError::Bind(config.bind.clone(), e);
    listener.set_nonblocking(true).map_err(bind_error)?;
    let listener = TcpListener::from_std(listener).map_err(bind_error)?;
    let store = store::Store::open(&config.database)
        .await
        .map_err(StartError::Database)?;
    let provider = discover_with_retries(&config).await?;
    let state = AppState {
        provider: Arc::new(provider),
        store,
        sessions: Arc::new(session::Sessions::new(config.secure_cookies())),
        pages: Arc::new(pages::Pages::new()),
        logout_tokens: Arc::new(auth::SeenLogoutTokens::default()),
        api_resource: config.api_resource.as_deref().map(Arc::from),
    };
    Ok(Built {
        listener,
        router: routes(state),
    })
}

/// Daemun may still be starting beside us: try discovery a bounded number of times.
async fn discover_with_retries(config: &Config) -> Result<auth::Provider, StartError> {
    let http = auth::http_client();
    let attempts = config.discovery_attempts.max(1);
    let mut last = String::new();
    for attempt in 1..=attempts {
        match auth::discover(config, http.clone()).await {
            Ok(provider) => return Ok(provider),
            Err(e) => {
                last = e.to_string();
                tracing::warn!(attempt, error = %last, "discovery failed");
            }
        }
        if attempt < attempts {
            tokio::time::sleep(config.discovery_retry_delay).await;
        }
    }
    Err(StartError::Discovery {
        issuer: config.issuer.clone(),
        attempts,
        last,
    })
}

/// Every route of the app. The API is outside the session layer: it takes a Bearer token only.
pub fn routes(state: AppState) -> Router {
    let api = Router::new().route("/api/articles", get(api::list));
    Router::new()
        .route("/", get(articles::list))
        .route("/articles", post(articles::create))
        .route("/articles/new", get(articles::new_form))
        .route("/articles/{id}", get(articles::show))
        .route(
            "/articles/{id}/edit",
            get(articles::edit_form).post(articles::update),
        )
        .route("/articles/{id}/delete", post(articles::delete))
        .route("/login", get(articles::login_page))
        .route("/auth/login", post(articles::start_login))
        .route("/auth/callback", get(articles::callback))
        .route(
            "/auth/backchannel-logout",
            post(articles::backchannel_logout),
        )
        .route("/logout", post(articles::logout))
        .route("/style.css", get(pages::stylesheet))
        .fallback(articles::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.sessions.clone(),
            session::session_layer,
        ))
        .merge(api)
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

/// No framing, no sniffing, no scripts; `form-action` is left out on purpose because the login
/// and logout forms end in redirects to Daemun, which that directive would block.
async fn security_headers(mut response: axum::response::Response) -> axum::response::Response {
    let h = response.headers_mut();
    let mut set = |name, value| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    set(header::CACHE_CONTROL, "no-store");
    response
}
