//! The authorization endpoint (RFC 6749 §3.1, OIDC Core §3.1.2). It never shows a login form:
//! without a session it parks the request and sends the person to `/login?next=/authorize/resume/<id>`,
//! exactly like any other login-required page; consent is its own page.
use axum::Form;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};

use crate::domain::clock::SECOND;
use crate::domain::secret::{SecretToken, random_id};
use crate::http::session::{Authenticated, MaybeUser};
use crate::http::{AppState, PageError};
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::params::param;
use crate::store::grants::{CodeRow, PendingRow};

pub mod decision;
pub mod pushed;
pub mod request;
pub mod respond;

use decision::{Step, next_step};
use request::{AuthRequest, Rejection, ResponseMode};

pub use crate::domain::next_path::RESUME_PREFIX;
/// The page that tells a person the application is not for them.
pub const NOT_ALLOWED_PATH: &str = "/authorize/not-allowed";

/// This sign-in request expired or never existed.
pub const EXPIRED_REQUEST: PageError = PageError::new(
    axum::http::StatusCode::BAD_REQUEST,
    "error-title-authorize",
    "error-body-request-expired",
);

pub async fn authorize_get(
    State(state): State<AppState>,
    MaybeUser(auth): MaybeUser,
    RawQuery(q): RawQuery,
) -> Response {
    let params: Vec<(String, String)> =
        url::form_urlencoded::parse(q.unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    start(&state, auth, params).await
}

/// Authorization requests may also be form POSTs (OIDC Core §3.1.2.1).
pub async fn authorize_post(
    State(state): State<AppState>,
    MaybeUser(auth): MaybeUser,
    Form(params): Form<Vec<(String, String)>>,
) -> Response {
    start(&state, auth, params).await
}

async fn start(
    state: &AppState,
    auth: Option<Authenticated>,
    params: Vec<(String, String)>,
) -> Response {
    if params.len() > crate::http::form::MAX_FORM_FIELDS {
        return reject(state, Rejection::Page(PageError::bad_request()));
    }
    // A pushed request (RFC 9126 §4): `client_id` and `request_uri` stand for the parameters
    // posted to /par, which are used once; nothing else in the URL counts.
    let pushed = param(&params, "request_uri")
        .filter(|u| u.starts_with(pushed::URN_PREFIX))
        .map(str::to_owned);
    let params = match (pushed.as_deref(), param(&params, "client_id")) {
        (Some(uri), Some(client_id)) => match pushed::take(state, client_id, uri).await {
            Ok(Some(pushed)) => pushed,
            Ok(None) => return EXPIRED_REQUEST.into_response(),
            Err(e) => return PageError::from(e).into_response(),
        },
        (Some(_), None) => return reject(state, Rejection::Page(request::UNKNOWN_CLIENT)),
        (None, _) => params,
    };
    match request::parse(&state.store, &params).await {
        Ok(req) if req.target.client.require_par && pushed.is_none() => {
            let e = OAuthError::new(
                ErrorCode::InvalidRequest,
                "this application must push its authorization requests to /par first",
            );
            respond::error(state, &req.target, &e)
        }
        Ok(req) => decide(state, req, auth, None).await,
        Err(r) => reject(state, r),
    }
}

/// Comes back here after login (`next`) or re-authentication.
pub async fn resume(
    State(state): State<AppState>,
    MaybeUser(auth): MaybeUser,
    Path(id): Path<String>,
) -> Response {
    let pending = match state.store.pending(&id, state.now()).await {
        Ok(Some(p)) => p,
        Ok(None) => return EXPIRED_REQUEST.into_response(),
        Err(e) => return PageError::from(e).into_response(),
    };
    let params: Vec<(String, String)> = serde_json::from_str(&pending.params).unwrap_or_default();
    match request::parse(&state.store, &params).await {
        Ok(req) => decide(&state, req, auth, Some(pending)).await,
        Err(r) => reject(&state, r),
    }
}

pub fn reject(state: &AppState, r: Rejection) -> Response {
    match r {
        Rejection::Page(p) => p.into_response(),
        Rejection::Redirect(target, e) => respond::error(state, &target, &e),
    }
}

/// Login, then re-authentication, then consent, then a code (OIDC Core §3.1.2.3–§3.1.2.5).
async fn decide(
    state: &AppState,
    req: AuthRequest,
    auth: Option<Authenticated>,
    pending: Option<PendingRow>,
) -> Response {
    let interaction = |code: ErrorCode, what: &str| {
        respond::error(state, &req.target, &OAuthError::new(code, what))
    };
    let Some(auth) = auth else {
        if req.prompt.none {
            return interaction(ErrorCode::LoginRequired, "the person is not logged in");
        }
        let login = login_path(state, &req);
        return park_and_go(state, &req, pending, |id| {
            format!("{login}?next={RESUME_PREFIX}{id}")
        })
        .await;
    };
    match next_step(state, &req, &auth, pending.as_ref()).await {
        Step::BadHint => interaction(
            ErrorCode::InvalidRequest,
            "id_token_hint is not an ID token issued by this provider",
        ),
        Step::WrongPerson => interaction(
            ErrorCode::LoginRequired,
            "the person logged in is not the one named by id_token_hint",
        ),
        Step::Reauth if req.prompt.none => interaction(
            ErrorCode::LoginRequired,
            "a new login is needed (max_age, or id_token_hint names another person)",
        ),
        Step::Reauth => {
            let login = login_path(state, &req);
            park_and_go(state, &req, pending, |id| {
                format!("{login}?reauth=1&next={RESUME_PREFIX}{id}")
            })
            .await
        }
        Step::NotAllowed if req.prompt.none || req.target.mode == ResponseMode::FormPost => {
            interaction(
                ErrorCode::AccessDenied,
                "the person may not use this application",
            )
        }
        Step::NotAllowed => {
            park_and_go(state, &req, pending, |id| {
                format!("{NOT_ALLOWED_PATH}?request={id}")
            })
            .await
        }
        Step::SecondFactor if req.prompt.none => interaction(
            ErrorCode::InteractionRequired,
            "the person must set up a second factor first",
        ),
        Step::StepUp if req.prompt.none => interaction(
            ErrorCode::InteractionRequired,
            "the login needs a second factor (acr_values, or the client requires two factors)",
        ),
        Step::StepUp => {
            park_and_go(state, &req, pending, |id| {
                format!("/login/step-up?next={RESUME_PREFIX}{id}")
            })
            .await
        }
        Step::SecondFactor => {
            park_and_go(state, &req, pending, |id| {
                format!("/account/security?next={RESUME_PREFIX}{id}")
            })
            .await
        }
        Step::Consent if req.prompt.none => interaction(
            ErrorCode::ConsentRequired,
            "the person has not allowed this application yet",
        ),
        Step::Consent => {
            park_and_go(state, &req, pending, |id| format!("/consent?request={id}")).await
        }
        Step::Ready => {
            if let Some(p) = pending {
                let _ = state.store.delete_pending(&p.pending_id).await;
            }
            issue_code(state, &req, &auth).await
        }
    }
}

/// Where the login for `req` starts: the upstream provider its `idp_hint` names, when that is
/// a configured one, or Daemun's login page.
fn login_path(state: &AppState, req: &AuthRequest) -> String {
    match req.idp_hint.as_deref() {
        Some(name) if state.config.upstream.contains_key(name) => {
            format!("/login/upstream/{name}")
        }
        _ => "/login".to_owned(),
    }
}

/// Parks the request (once) and redirects to the page that must come first.
async fn park_and_go(
    state: &AppState,
    req: &AuthRequest,
    pending: Option<PendingRow>,
    to: impl Fn(&str) -> String,
) -> Response {
    let id = match pending {
        Some(p) => p.pending_id,
        None => {
            let now = state.now();
            let row = PendingRow {
                pending_id: random_id(),
                client_id: req.target.client.client_id.clone(),
                params: serde_json::to_string(&req.parked).unwrap_or_default(),
                created_at: now,
                expires_at: now + state.config.tokens.pending_request_secs * SECOND,
            };
            if let Err(e) = state.store.insert_pending(&row).await {
                return PageError::from(e).into_response();
            }
            row.pending_id
        }
    };
    Redirect::to(&to(&id)).into_response()
}

/// A single-use code bound to the client, redirect URI, PKCE challenge, nonce, scopes,
/// `auth_time` and browser session (RFC 6749 §4.1.2).
pub async fn issue_code(state: &AppState, req: &AuthRequest, auth: &Authenticated) -> Response {
    let now = state.now();
    let code = SecretToken::generate();
    let row = CodeRow {
        code_hash: code.hash(),
        grant_id: random_id(),
        client_id: req.target.client.client_id.clone(),
        user_id: auth.user.user_id,
        sid: auth.session.sid.clone(),
        redirect_uri: req.target.redirect_uri.clone(),
        scopes: req.scopes.to_string(),
        nonce: req.nonce.clone(),
        code_challenge: req.code_challenge.clone(),
        auth_time: auth.session.auth_time,
        amr: auth.session.amr.clone(),
        resources: crate::oidc::resources::stored(&req.resources),
        created_at: now,
        expires_at: now + state.config.tokens.authorization_code_secs * SECOND,
    };
    match state.store.insert_code(&row).await {
        Ok(()) => respond::success(state, &req.target, code.expose()),
        Err(e) => {
            tracing::error!(error = %e, "cannot store authorization code");
            respond::error(
                state,
                &req.target,
                &OAuthError::new(ErrorCode::TemporarilyUnavailable, "try again"),
            )
        }
    }
}
