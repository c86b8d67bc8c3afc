//! The device authorization grant (RFC 8628). `POST /device_authorization` gives a device a
//! device code (kept hashed) and a short user code; at `/device` the person types the code (or
//! opens the link with it filled in), logs in, sees the code, which application asked and for
//! what (so a code someone else started is recognised, §5.4), and approves or declines. The
//! device's polling is the token endpoint's `device_code` grant (`token::device_code`).
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::client_auth::ClientForm;
use super::error::{ErrorCode, OAuthError};
use super::params::{json_no_store, param};
use super::token::require_grant;
use crate::domain::acr::Level;
use crate::domain::client::GrantType;
use crate::domain::clock::{MINUTE, SECOND};
use crate::domain::scope::Scopes;
use crate::domain::secret::{SecretToken, random_id};
use crate::domain::user_code;
use crate::http::client::ClientInfo;
use crate::http::form::PageForm;
use crate::http::session::{self, CurrentUser, MaybeUser};
use crate::http::{AppState, PageCtx, PageError, audit, rate_limit};
use crate::oidc::SCOPES_SUPPORTED;
use crate::oidc::authorize::decision::may_use;
use crate::store::device::{Approval, DeviceRequest};

pub const AUTHORIZATION_PATH: &str = "/device_authorization";
pub const PAGE_PATH: &str = "/device";
/// How long a device request waits for its person.
const LIFETIME_SECS: i64 = 10 * MINUTE / SECOND;
/// The polling interval a device starts with (§3.2 default).
const INTERVAL_SECS: i64 = 5;

/// The device authorization response (§3.2).
#[derive(Debug, Serialize)]
struct DeviceAuthorization {
    device_code: String,
    user_code: String,
    verification_uri: String,
    verification_uri_complete: String,
    expires_in: i64,
    interval: i64,
}

/// `POST /device_authorization` (§3.1): the client as at the token endpoint, and `scope`.
pub async fn authorize(
    State(state): State<AppState>,
    ClientForm { params, client }: ClientForm,
) -> Result<Response, OAuthError> {
    require_grant(&client, GrantType::DeviceCode)?;
    let requested = Scopes::parse(param(&params, "scope").unwrap_or("openid"))
        .ok_or_else(|| OAuthError::new(ErrorCode::InvalidScope, "malformed scope"))?;
    // Unknown scope values are ignored (RFC 6749 §3.3); known ones must be allowed.
    let scopes = requested.filter(|s| SCOPES_SUPPORTED.contains(&s));
    if let Some(s) = scopes.iter().find(|s| !client.allows_scope(s)) {
        return Err(OAuthError::new(
            ErrorCode::InvalidScope,
            format!("this client may not ask for {s}"),
        ));
    }
    let now = state.now();
    let device_code = SecretToken::generate();
    let code = user_code::generate();
    let request = DeviceRequest {
        device_code_hash: device_code.hash(),
        user_code: code.clone(),
        client_id: client.client_id.clone(),
        scopes: scopes.to_string(),
        status: "pending".into(),
        interval_secs: INTERVAL_SECS,
        last_polled_at: None,
        grant_id: None,
        user_id: None,
        sid: None,
        auth_time: None,
        amr: None,
        created_at: now,
        expires_at: now + LIFETIME_SECS * SECOND,
    };
    state.store.insert_device_request(&request).await?;
    let page = format!("{}{PAGE_PATH}", state.config.issuer());
    let shown = user_code::display(&code);
    Ok(json_no_store(DeviceAuthorization {
        device_code: device_code.expose().to_owned(),
        verification_uri_complete: format!("{page}?user_code={shown}"),
        verification_uri: page,
        user_code: shown,
        expires_in: LIFETIME_SECS,
        interval: INTERVAL_SECS,
    }))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeviceQuery {
    user_code: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    user_code: String,
    /// `allow` or `deny`.
    decision: String,
}

/// `GET /device[?user_code=…]`: the code form (to anyone), or, once logged in, the request
/// the code names.
pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    MaybeUser(auth): MaybeUser,
    client: ClientInfo,
    Query(q): Query<DeviceQuery>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    if q.user_code.trim().is_empty() {
        return Ok(entry(&state, &ctx, "", None, StatusCode::OK));
    }
    let Some(auth) = auth else {
        return Ok(session::login_first(&uri, &headers));
    };
    // Code entry is limited per address (§5.1): a wrong guess costs a try.
    let key = format!("device:ip:{}", client.limit_key);
    if rate_limit::over_limit(&state, &key, state.config.limits.login_per_ip).await? {
        return Err(PageError::too_many());
    }
    let found = match user_code::normalize(&q.user_code) {
        Some(code) => {
            state
                .store
                .pending_device_request(&code, state.now())
                .await?
        }
        None => None,
    };
    let Some(request) = found else {
        return Ok(wrong_code(&state, &ctx, &q.user_code));
    };
    let Some(app) = state.store.client_for_protocol(&request.client_id).await? else {
        return Ok(wrong_code(&state, &ctx, &q.user_code));
    };
    // An application limited to groups is refused to others here, before they approve.
    if !may_use(&state, &app, auth.user.user_id).await? {
        return Ok(not_allowed(&state, &ctx, &app.name));
    }
    // An application that needs two factors gets them here too.
    if app.require_mfa && Level::of_amr(&auth.session.amr) < Level::Mfa {
        let here = format!(
            "{PAGE_PATH}?user_code={}",
            user_code::display(&request.user_code)
        );
        let next: String = url::form_urlencoded::byte_serialize(here.as_bytes()).collect();
        return Ok(Redirect::to(&format!("/login/step-up?next={next}")).into_response());
    }
    let scopes: Vec<String> = request
        .scopes
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(|s| ctx.t(&format!("consent-scope-{}", s.replace('_', "-"))))
        .collect();
    let extra = context! {
        step => "confirm",
        user_code => user_code::display(&request.user_code),
        client_name => app.name.clone(),
        scopes => scopes,
    };
    Ok(ctx.ok(&state, "oidc/device.html", extra))
}

fn entry(
    state: &AppState,
    ctx: &PageCtx,
    typed: &str,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let extra = context! { step => "entry", typed => typed, error => error };
    ctx.render(state, status, "oidc/device.html", extra)
}

/// The page for a person the application is not for (its allowed groups leave them out).
fn not_allowed(state: &AppState, ctx: &PageCtx, app: &str) -> Response {
    let extra = context! { app => app, back => None::<String> };
    ctx.render(state, StatusCode::FORBIDDEN, "oidc/not_allowed.html", extra)
}

/// The code form again, saying the code is not (or no longer) one to answer.
fn wrong_code(state: &AppState, ctx: &PageCtx, typed: &str) -> Response {
    let msg = ctx.t("device-error-code");
    entry(state, ctx, typed, Some(msg), StatusCode::BAD_REQUEST)
}

/// `POST /device`: the person's answer.
pub async fn decide(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
    client: ClientInfo,
    PageForm(form): PageForm<DecisionForm>,
) -> Result<Response, PageError> {
    let Some(code) = user_code::normalize(&form.user_code) else {
        return Err(PageError::bad_request());
    };
    let now = state.now();
    let Some(request) = state.store.pending_device_request(&code, now).await? else {
        return Ok(wrong_code(&state, &ctx, &form.user_code));
    };
    let mut allow = form.decision == "allow";
    // The application's name when it is not for this person: their "allow" declines, and the
    // device hears access_denied at its next poll.
    let mut refused: Option<String> = None;
    if allow
        && let Some(app) = state.store.client_for_protocol(&request.client_id).await?
        && !may_use(&state, &app, auth.user.user_id).await?
    {
        allow = false;
        refused = Some(app.name.clone());
    }
    let approval = allow.then(|| Approval {
        grant_id: random_id(),
        user_id: auth.user.user_id,
        sid: auth.session.sid.clone(),
        auth_time: auth.session.auth_time,
        amr: auth.session.amr.clone(),
    });
    if !state
        .store
        .decide_device_request(&code, approval.as_ref(), now)
        .await?
    {
        return Ok(wrong_code(&state, &ctx, &form.user_code));
    }
    let event = match (allow, &refused) {
        (_, Some(_)) => "authorize.not_allowed",
        (true, _) => "device.approved",
        _ => "device.denied",
    };
    let detail = format!("scopes={}", request.scopes);
    audit::record_for_client(
        &state,
        event,
        Some(auth.user.user_id),
        &request.client_id,
        &client,
        &detail,
    )
    .await;
    if let Some(name) = refused {
        return Ok(not_allowed(&state, &ctx, &name));
    }
    let extra = context! { step => if allow { "approved" } else { "denied" } };
    Ok(ctx.ok(&state, "oidc/device.html", extra))
}
