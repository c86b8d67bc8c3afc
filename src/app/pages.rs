//! The builder of the page routes: each page declared with its CSRF rule and edge-limit
//! group, and the layers every page shares.
use axum::Router;
use axum::http::StatusCode;
use axum::middleware::from_fn_with_state;
use axum::routing::MethodRouter;
use tower::ServiceBuilder;

use crate::http::limiter::Group;
use crate::http::{AppState, csrf, edge_limit, locale, page, session};

/// `route` counted per client address in `group` (none: not limited).
pub fn limited(
    state: &AppState,
    group: Option<Group>,
    route: MethodRouter<AppState>,
) -> MethodRouter<AppState> {
    match group {
        Some(g) => route.layer(from_fn_with_state((state.clone(), g), edge_limit::layer)),
        None => route,
    }
}

/// The page routes, each declared with its CSRF rule and edge-limit group; [`Pages::finish`]
/// adds what every page shares (language, session, translated error pages, form tokens).
pub struct Pages {
    router: Router<AppState>,
    state: AppState,
}

impl Pages {
    pub fn new(state: &AppState) -> Self {
        Self {
            router: Router::new(),
            state: state.clone(),
        }
    }

    /// A page people only read.
    pub fn view(mut self, path: &str, get: MethodRouter<AppState>) -> Self {
        self.router = self.router.route(path, get);
        self
    }

    /// A form: `get` shows it; `post` is CSRF-checked and, in a `limit` group, counted per
    /// client address first.
    pub fn form(
        self,
        path: &str,
        get: MethodRouter<AppState>,
        post: MethodRouter<AppState>,
        limit: Option<Group>,
    ) -> Self {
        let post = self.checked(limit, post);
        self.view(path, get.merge(post))
    }

    /// A POST-only form target (its form is shown on another page).
    pub fn action(self, path: &str, post: MethodRouter<AppState>, limit: Option<Group>) -> Self {
        let post = self.checked(limit, post);
        self.view(path, post)
    }

    /// A request applications send cross-site by design, GET or POST: an authorization request
    /// (OIDC Core §3.1.2.1) or an RP-initiated logout (RP-Initiated Logout §2). No CSRF check:
    /// they change nothing without the person's own session and later choices.
    pub fn rp_initiated(
        self,
        path: &str,
        route: MethodRouter<AppState>,
        limit: Option<Group>,
    ) -> Self {
        let route = limited(&self.state, limit, route);
        self.view(path, route)
    }

    fn checked(
        &self,
        limit: Option<Group>,
        post: MethodRouter<AppState>,
    ) -> MethodRouter<AppState> {
        let post = post.layer(from_fn_with_state(self.state.clone(), csrf::check_layer));
        // The limit counts before the CSRF check, so refused requests are counted too.
        limited(&self.state, limit, post)
    }

    /// The routes with the layers every page shares, and a `404` page for unknown paths.
    pub fn finish(self) -> Router<AppState> {
        let state = self.state;
        self.router
            .fallback(|| async { StatusCode::NOT_FOUND })
            .layer(
                ServiceBuilder::new()
                    .layer(from_fn_with_state(state.clone(), locale::layer))
                    .layer(from_fn_with_state(state.clone(), session::layer))
                    .layer(from_fn_with_state(state.clone(), page::error_pages))
                    .layer(from_fn_with_state(state.clone(), csrf::issue)),
            )
    }
}
