//! Browser sessions: created at login with a fresh random id (the pre-login one dies), loaded
//! once per request by [`layer`], and ended server-side at logout.
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::authenticated::login_path;
use super::client::ClientInfo;
use super::cookies;
use super::state::AppState;
use crate::domain::clock::{DAY, HOUR, MINUTE, Millis};
use crate::domain::secret::{SecretToken, random_id};
use crate::domain::user::User;
use crate::store::StoreError;
use crate::store::sessions::SessionRecord;

pub use super::authenticated::Authenticated;

/// The login's second step (`accounts::factors::second_step`).
const SECOND_STEP: &str = "/login/second-factor";

/// Activity is written back at most this often, to keep reads cheap.
const TOUCH_EVERY: Millis = MINUTE;

/// Loads the session named by the cookie (if live) into the request's extensions.
pub async fn layer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let https = state.config.https();
    let token = cookies::get(req.headers(), cookies::SESSION, https)
        .and_then(|v| SecretToken::from_untrusted(&v));
    let mut auth: Option<Authenticated> = None;
    if let Some(token) = &token {
        let now = state.now();
        match state.store.live_session(&token.hash(), now).await {
            Ok(Some((session, user))) => {
                if now - session.last_seen_at >= TOUCH_EVERY {
                    let idle = now + idle_ms(&state, session.remember);
                    if let Err(e) = state
                        .store
                        .touch_session(&session.session_hash, now, idle)
                        .await
                    {
                        tracing::warn!(error = %e, "cannot record session activity");
                    }
                }
                auth = Some(Authenticated { user, session });
            }
            Ok(None) => {}
            Err(e) => {
                tracing::error!(error = %e, "cannot load session");
                // This layer runs outside `error_pages`: render the translated page here.
                let (parts, _) = req.into_parts();
                let ctx = super::page::PageCtx::from_parts(&parts, &state);
                return super::page::error_page(&state, &ctx, super::error::PageError::from(e));
            }
        }
    }
    let stale_cookie = token.is_some() && auth.is_none();
    req.extensions_mut().insert(auth);
    let mut resp = next.run(req).await;
    if stale_cookie
        && !resp.headers().get_all("set-cookie").iter().any(|v| {
            v.to_str()
                .is_ok_and(|s| s.contains(&cookies::wire_name(cookies::SESSION, https)))
        })
    {
        cookies::remove(&mut resp, cookies::SESSION, https);
    }
    resp
}

fn idle_ms(state: &AppState, remember: bool) -> Millis {
    let s = &state.config.session;
    if remember {
        s.remember_idle_days * DAY
    } else {
        s.idle_minutes * MINUTE
    }
}

fn absolute_ms(state: &AppState, remember: bool) -> Millis {
    let s = &state.config.session;
    if remember {
        s.remember_absolute_days * DAY
    } else {
        s.absolute_hours * HOUR
    }
}

/// Starts a session for `user` and sets its cookie on `resp`. Any session the browser had
/// before is replaced (a new secret id: no fixation), and the CSRF cookie is renewed. A new
/// login of the same person continues their session under the same public `sid`, so the
/// grants made in it end with it later; a login as someone else ends the previous session
/// and its grants.
pub async fn start(
    state: &AppState,
    resp: &mut Response,
    previous: Option<&Authenticated>,
    user: &User,
    amr: &[&str],
    remember: bool,
    client: &ClientInfo,
) -> Result<SessionRecord, StoreError> {
    let now = state.now();
    let mut sid = None;
    if let Some(old) = previous {
        if old.user.user_id == user.user_id {
            state
                .store
                .replace_session(&old.session.session_hash)
                .await?;
            sid = Some(old.session.sid.clone());
        } else {
            state
                .store
                .end_session(&old.session.session_hash, now)
                .await?;
        }
    }
    let token = SecretToken::generate();
    let record = SessionRecord {
        session_hash: token.hash(),
        sid: sid.unwrap_or_else(random_id),
        user_id: user.user_id,
        auth_time: now,
        amr: amr.join(" "),
        remember,
        created_at: now,
        last_seen_at: now,
        idle_expires_at: now + idle_ms(state, remember).min(absolute_ms(state, remember)),
        absolute_expires_at: now + absolute_ms(state, remember),
        ip: client.ip.clone(),
        user_agent: client.user_agent.clone(),
    };
    state.store.insert_session(&record).await?;
    let https = state.config.https();
    let max_age = remember.then(|| absolute_ms(state, remember) / 1000);
    cookies::set(resp, cookies::SESSION, token.expose(), https, max_age);
    cookies::set(
        resp,
        cookies::CSRF,
        SecretToken::generate().expose(),
        https,
        Some(365 * 24 * 3600),
    );
    Ok(record)
}

/// Ends the session server-side with every grant made in it (codes, access and refresh
/// tokens), and clears the cookie.
pub async fn end(
    state: &AppState,
    resp: &mut Response,
    auth: &Authenticated,
) -> Result<(), StoreError> {
    state
        .store
        .end_session(&auth.session.session_hash, state.now())
        .await?;
    cookies::remove(resp, cookies::SESSION, state.config.https());
    Ok(())
}

/// The logged-in person, if any.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<Authenticated>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeUser(
            parts
                .extensions
                .get::<Option<Authenticated>>()
                .cloned()
                .flatten(),
        ))
    }
}

/// A page that needs a logged-in person: others are sent to `/login?next=<this page>`, or back
/// to the second step when their login is waiting for it (which sends them on to `/login` if
/// the wait is over): nothing half-logged-in reaches a protected page.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub Authenticated);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts
            .extensions
            .get::<Option<Authenticated>>()
            .cloned()
            .flatten()
        {
            Some(a) => Ok(CurrentUser(a)),
            None => Err(login_first(&parts.uri, &parts.headers)),
        }
    }
}

/// Where someone without a session goes before the page at `uri`: `/login?next=<uri>`, or back
/// to the second step when their login is waiting for it. For pages that show something to
/// everyone and need a person only for some requests.
pub fn login_first(uri: &axum::http::Uri, headers: &axum::http::HeaderMap) -> Response {
    let waiting = headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains(cookies::LOGIN));
    if waiting {
        return Redirect::to(SECOND_STEP).into_response();
    }
    let here = uri.path_and_query().map_or("/", |p| p.as_str());
    Redirect::to(&login_path(here, false)).into_response()
}
