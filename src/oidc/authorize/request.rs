//! Parsing and validating an authorization request (RFC 6749 §4.1.1, OIDC Core §3.1.2.1).
//!
//! The order matters (RFC 6749 §4.1.2.1, RFC 9700 §4.1): the client and the redirect URI are
//! checked first and any failure there is an error page, never a redirect. Only then do other
//! errors go back to the (now trusted) redirect URI.
use std::sync::Arc;

use crate::domain::acr::Level;
use crate::domain::client::Client;
use crate::domain::client::{GrantType, redirect_uri_matches};
use crate::domain::pkce;
use crate::domain::resource::Resource;
use crate::domain::scope::Scopes;
use crate::http::PageError;
use crate::oidc::SCOPES_SUPPORTED;
use crate::oidc::error::{ErrorCode, OAuthError};
use crate::oidc::params::param;
use crate::oidc::resources;
use crate::store::Store;

/// Parameters that may appear at most once (RFC 6749 §3.1).
pub const SINGLE: [&str; 18] = [
    "client_id",
    "redirect_uri",
    "response_type",
    "response_mode",
    "scope",
    "state",
    "nonce",
    "code_challenge",
    "code_challenge_method",
    "prompt",
    "max_age",
    "acr_values",
    "login_hint",
    "ui_locales",
    "id_token_hint",
    "request",
    "request_uri",
    "idp_hint",
];

const MAX_STATE: usize = 2048;
const MAX_NONCE: usize = 512;
/// Any other understood value, in bytes; an `id_token_hint` is a signed JWT and may be longer.
const MAX_VALUE: usize = 2048;
const MAX_ID_TOKEN_HINT: usize = 4096;
/// All understood values together: the most a parked request may store.
pub const MAX_PARKED: usize = 8192;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResponseMode {
    Query,
    FormPost,
}

/// Where a response (success or error) goes, once the client and URI are trusted.
#[derive(Debug, Clone)]
pub struct Target {
    pub client: Arc<Client>,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub mode: ResponseMode,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Prompt {
    pub none: bool,
    pub login: bool,
    pub consent: bool,
}

/// A valid request.
#[derive(Debug, Clone)]
pub struct AuthRequest {
    pub target: Target,
    pub scopes: Scopes,
    /// The APIs the access tokens are for (RFC 8707); empty for tokens for UserInfo only.
    pub resources: Vec<Resource>,
    pub nonce: Option<String>,
    pub code_challenge: Option<String>,
    pub prompt: Prompt,
    /// Seconds (OIDC Core §3.1.2.1).
    pub max_age: Option<i64>,
    /// The level `acr_values` asks for, when it names one Daemun knows (OIDC Core §3.1.2.1;
    /// values it does not know are ignored, the parameter being voluntary).
    pub acr: Option<Level>,
    /// The raw ID token the application sent to say who it thinks is logged in.
    pub id_token_hint: Option<String>,
    /// The upstream provider the application wants the person to log in with (`idp_hint`, the
    /// name of an `[upstream.<name>]` table): its login starts at once instead of Daemun's login
    /// page. A name Daemun does not know is ignored, as a hint may be.
    pub idp_hint: Option<String>,
    /// The parameters Daemun understands, as they came: what a parked request stores, so an
    /// unknown or oversized parameter never reaches the database.
    pub parked: Vec<(String, String)>,
}

/// Why a request failed: before the redirect URI is trusted (a page) or after (a redirect).
#[derive(Debug)]
pub enum Rejection {
    Page(PageError),
    Redirect(Box<Target>, OAuthError),
}

pub const UNKNOWN_CLIENT: PageError = PageError::new(
    axum::http::StatusCode::BAD_REQUEST,
    "error-title-authorize",
    "error-body-unknown-client",
);
pub const BAD_REDIRECT_URI: PageError = PageError::new(
    axum::http::StatusCode::BAD_REQUEST,
    "error-title-authorize",
    "error-body-bad-redirect-uri",
);
pub const DUPLICATE_PARAMETER: PageError = PageError::new(
    axum::http::StatusCode::BAD_REQUEST,
    "error-title-authorize",
    "error-body-duplicate-parameter",
);

pub async fn parse(store: &Store, params: &[(String, String)]) -> Result<AuthRequest, Rejection> {
    let duplicated = SINGLE
        .iter()
        .find(|name| params.iter().filter(|(k, _)| k == *name).count() > 1);
    // Stage 1: the client and its redirect URI.
    if matches!(duplicated, Some(&"client_id" | &"redirect_uri")) {
        return Err(Rejection::Page(DUPLICATE_PARAMETER));
    }
    let client_id = param(params, "client_id").ok_or(Rejection::Page(UNKNOWN_CLIENT))?;
    let client = store
        .client_for_protocol(client_id)
        .await
        .map_err(|e| Rejection::Page(e.into()))?
        .ok_or(Rejection::Page(UNKNOWN_CLIENT))?;
    // Always required (our policy; OIDC Core §3.1.2.1 requires it for OpenID requests).
    let redirect_uri = param(params, "redirect_uri").ok_or(Rejection::Page(BAD_REDIRECT_URI))?;
    if !redirect_uri_matches(&client.redirect_uris, redirect_uri) {
        return Err(Rejection::Page(BAD_REDIRECT_URI));
    }
    let state = param(params, "state").map(str::to_owned);
    let mode = match param(params, "response_mode") {
        Some("form_post") => ResponseMode::FormPost,
        _ => ResponseMode::Query,
    };
    let mut target = Target {
        client,
        redirect_uri: redirect_uri.to_owned(),
        state,
        mode,
    };
    let fail = |t: &Target, code: ErrorCode, d: &str| {
        Err(Rejection::Redirect(
            Box::new(t.clone()),
            OAuthError::new(code, d),
        ))
    };
    // Stage 2: everything else, answered on the redirect URI.
    if target.state.as_ref().is_some_and(|s| s.len() > MAX_STATE) {
        target.state = None;
        return fail(&target, ErrorCode::InvalidRequest, "state is too long");
    }
    if let Some(name) = duplicated {
        return fail(
            &target,
            ErrorCode::InvalidRequest,
            &format!("{name} must not be repeated"),
        );
    }
    let parked: Vec<(String, String)> = params
        .iter()
        .filter(|(k, v)| (SINGLE.contains(&k.as_str()) || k == "resource") && !v.is_empty())
        .cloned()
        .collect();
    if let Some((k, _)) = parked.iter().find(|(k, v)| {
        let cap = match k.as_str() {
            "nonce" => MAX_NONCE,
            "id_token_hint" => MAX_ID_TOKEN_HINT,
            _ => MAX_VALUE,
        };
        v.len() > cap
    }) {
        return fail(
            &target,
            ErrorCode::InvalidRequest,
            &format!("{k} is too long"),
        );
    }
    if parked.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>() > MAX_PARKED {
        return fail(
            &target,
            ErrorCode::InvalidRequest,
            "the authorization request is too large",
        );
    }
    if !matches!(
        param(params, "response_mode"),
        None | Some("query" | "form_post")
    ) {
        return fail(
            &target,
            ErrorCode::InvalidRequest,
            "response_mode must be query or form_post",
        );
    }
    if param(params, "request").is_some() {
        return fail(
            &target,
            ErrorCode::RequestNotSupported,
            "request objects are not supported",
        );
    }
    if param(params, "request_uri").is_some() {
        return fail(
            &target,
            ErrorCode::RequestUriNotSupported,
            "request_uri is not supported",
        );
    }
    match param(params, "response_type") {
        None => {
            return fail(
                &target,
                ErrorCode::InvalidRequest,
                "response_type is required",
            );
        }
        Some("code") => {}
        Some(_) => {
            return fail(
                &target,
                ErrorCode::UnsupportedResponseType,
                "only response_type=code is supported",
            );
        }
    }
    if !target.client.allows_grant(GrantType::AuthorizationCode) {
        return fail(
            &target,
            ErrorCode::UnauthorizedClient,
            "this client may not use the authorization code grant",
        );
    }
    let Some(requested) = Scopes::parse(param(params, "scope").unwrap_or("")) else {
        return fail(
            &target,
            ErrorCode::InvalidScope,
            "scope contains characters that are not allowed",
        );
    };
    if !requested.contains("openid") {
        return fail(
            &target,
            ErrorCode::InvalidScope,
            "the openid scope is required",
        );
    }
    // Unknown scope values are ignored (RFC 6749 §3.3); Daemun's own must be allowed; the
    // resources' come with the resources (RFC 8707).
    let resources = match resources::requested(store, &target.client, params, &requested).await {
        Ok(r) => r,
        Err(e) => return Err(Rejection::Redirect(Box::new(target), e)),
    };
    let scopes = resources::grantable(&requested, &resources);
    if let Some(s) = scopes
        .iter()
        .find(|s| SCOPES_SUPPORTED.contains(s) && !target.client.allows_scope(s))
    {
        return fail(
            &target,
            ErrorCode::InvalidScope,
            &format!("this client may not ask for {s}"),
        );
    }
    let nonce = param(params, "nonce").map(str::to_owned);
    let challenge = param(params, "code_challenge").map(str::to_owned);
    match (challenge.as_deref(), param(params, "code_challenge_method")) {
        (None, None) if target.client.require_pkce => {
            return fail(
                &target,
                ErrorCode::InvalidRequest,
                "code challenge required (PKCE with S256)",
            );
        }
        (None, None) => {}
        (None, Some(_)) => {
            return fail(
                &target,
                ErrorCode::InvalidRequest,
                "code_challenge_method without code_challenge",
            );
        }
        (Some(_), Some("S256")) => {}
        (Some(_), Some("plain") | None) => {
            return fail(
                &target,
                ErrorCode::InvalidRequest,
                "transform algorithm not supported: use S256",
            );
        }
        (Some(_), Some(_)) => {
            return fail(
                &target,
                ErrorCode::InvalidRequest,
                "transform algorithm not supported: use S256",
            );
        }
    }
    if challenge
        .as_deref()
        .is_some_and(|c| !pkce::valid_challenge(c))
    {
        return fail(
            &target,
            ErrorCode::InvalidRequest,
            "code_challenge is not a valid S256 challenge",
        );
    }
    let mut prompt = Prompt::default();
    for p in param(params, "prompt")
        .unwrap_or("")
        .split(' ')
        .filter(|p| !p.is_empty())
    {
        match p {
            "none" => prompt.none = true,
            // select_account is treated as login: there is one account per browser.
            "login" | "select_account" => prompt.login = true,
            "consent" => prompt.consent = true,
            _ => return fail(&target, ErrorCode::InvalidRequest, "unknown prompt value"),
        }
    }
    if prompt.none && (prompt.login || prompt.consent) {
        return fail(
            &target,
            ErrorCode::InvalidRequest,
            "prompt=none cannot be combined with other values",
        );
    }
    let max_age = match param(params, "max_age") {
        None => None,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n >= 0 => Some(n),
            _ => {
                return fail(
                    &target,
                    ErrorCode::InvalidRequest,
                    "max_age must be a non-negative integer",
                );
            }
        },
    };
    Ok(AuthRequest {
        target,
        scopes,
        resources,
        nonce,
        code_challenge: challenge,
        prompt,
        max_age,
        acr: param(params, "acr_values").and_then(Level::wanted),
        id_token_hint: param(params, "id_token_hint").map(str::to_owned),
        idp_hint: param(params, "idp_hint").map(str::to_owned),
        parked,
    })
}
