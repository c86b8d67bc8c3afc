//! Dynamic client registration (RFC 7591) and its management (RFC 7592). `POST /register`
//! registers an application from its JSON metadata, with the same rules as `daemun client
//! add` (`registration::register`); `GET`, `PUT` and `DELETE /register/<client_id>` read,
//! replace and remove it with the registration access token handed out at registration.
//!
//! Who may register is `registration.mode`: nobody (`off`, the endpoint answers 404), holders
//! of an initial access token (`initial_token`), or anyone for public clients only (`open`).
//! Tokens are 256-bit random values kept as SHA-256. Such clients are marked as registered by
//! themselves; they never skip consent.
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::error::{ErrorCode, OAuthError};
use super::params::json_no_store;
use super::registration::{self, ClientSpec, RegistrationError};
use crate::config::RegistrationMode;
use crate::domain::client::{AuthMethod, Client, GrantType};
use crate::domain::secret::{SecretToken, constant_time_eq, sha256};
use crate::http::client::ClientInfo;
use crate::http::{AppState, audit};

pub const PATH: &str = "/register";

/// Client metadata (RFC 7591 §2); what Daemun does not know is ignored (§2).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Metadata {
    redirect_uris: Vec<String>,
    token_endpoint_auth_method: Option<String>,
    grant_types: Option<Vec<String>>,
    response_types: Option<Vec<String>>,
    client_name: Option<String>,
    client_uri: Option<String>,
    logo_uri: Option<String>,
    scope: Option<String>,
    post_logout_redirect_uris: Vec<String>,
    backchannel_logout_uri: Option<String>,
    id_token_signed_response_alg: Option<String>,
    /// RFC 7592 §2.2: an update names the client it replaces.
    client_id: Option<String>,
    client_secret: Option<String>,
}

fn metadata_error(d: impl Into<String>) -> OAuthError {
    OAuthError::new(ErrorCode::InvalidClientMetadata, d)
}

fn invalid_token() -> OAuthError {
    OAuthError::new(
        ErrorCode::InvalidToken,
        "the access token is missing or not valid",
    )
}

fn bearer(headers: &HeaderMap) -> Option<SecretToken> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))?;
    SecretToken::from_untrusted(token.trim())
}

fn parse(body: &[u8]) -> Result<Metadata, OAuthError> {
    serde_json::from_slice(body)
        .map_err(|e| metadata_error(format!("the body is not client metadata as JSON: {e}")))
}

/// The registration request as `daemun client add` would make it (RFC 7591 §2's defaults:
/// `authorization_code`, `code`, `client_secret_basic`).
fn spec(m: &Metadata, open: bool) -> Result<ClientSpec, OAuthError> {
    let method = m
        .token_endpoint_auth_method
        .clone()
        .unwrap_or_else(|| "client_secret_basic".into());
    let public = method == "none";
    if open && !public {
        return Err(metadata_error(
            "only public clients (token_endpoint_auth_method none) may register here",
        ));
    }
    let grants = m
        .grant_types
        .clone()
        .unwrap_or_else(|| vec!["authorization_code".into()]);
    let responses = m
        .response_types
        .clone()
        .unwrap_or_else(|| vec!["code".into()]);
    if responses.iter().any(|r| r != "code") {
        return Err(metadata_error("only the response type code is supported"));
    }
    let code = grants.iter().any(|g| g == "authorization_code");
    if code != responses.iter().any(|r| r == "code") {
        return Err(metadata_error(
            "the authorization_code grant and the code response type go together (RFC 7591 §2.1)",
        ));
    }
    if m.backchannel_logout_uri.is_some() {
        return Err(metadata_error(
            "backchannel_logout_uri is set by an operator for self-registered clients",
        ));
    }
    let name = m.client_name.clone().unwrap_or_else(|| {
        m.redirect_uris
            .first()
            .and_then(|u| url::Url::parse(u).ok())
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| "Application".into())
    });
    Ok(ClientSpec {
        name,
        redirect_uris: m.redirect_uris.clone(),
        post_logout_redirect_uris: m.post_logout_redirect_uris.clone(),
        public,
        first_party: false,
        require_mfa: false,
        require_par: false,
        backchannel_logout_uri: None,
        backchannel_logout_session_required: false,
        grant_types: grants,
        scopes: m
            .scope
            .as_deref()
            .map(|s| s.split_whitespace().map(str::to_owned).collect())
            .unwrap_or_default(),
        auth_method: Some(method),
        // Every self-registered client proves its code with PKCE.
        require_pkce: true,
        id_token_alg: m.id_token_signed_response_alg.clone(),
        logo_uri: m.logo_uri.clone(),
        home_uri: m.client_uri.clone(),
        // Which APIs it may ask tokens for is the operator's call (`client update --resource`).
        resources: Vec::new(),
        allowed_groups: Vec::new(),
    })
}

fn refused(e: RegistrationError) -> OAuthError {
    match e {
        RegistrationError::RedirectUri(e) => {
            OAuthError::new(ErrorCode::InvalidRedirectUri, format!("redirect_uris: {e}"))
        }
        RegistrationError::NoRedirectUri => OAuthError::new(
            ErrorCode::InvalidRedirectUri,
            "redirect_uris is required for the authorization_code grant",
        ),
        RegistrationError::Store(e) => e.into(),
        other => metadata_error(other.to_string()),
    }
}

/// The client's metadata as registered (RFC 7591 §3.2.1, RFC 7592 §3).
fn described(state: &AppState, c: &Client) -> Value {
    let method = c
        .auth_methods
        .first()
        .copied()
        .unwrap_or(AuthMethod::ClientSecretBasic);
    let code = c.allows_grant(GrantType::AuthorizationCode);
    let mut v = json!({
        "client_id": c.client_id,
        "client_id_issued_at": c.created_at / 1000,
        "client_name": c.name,
        "redirect_uris": c.redirect_uris,
        "post_logout_redirect_uris": c.post_logout_redirect_uris,
        "grant_types": c.grant_types.iter().map(|g| g.as_str()).collect::<Vec<_>>(),
        "response_types": if code { vec!["code"] } else { vec![] },
        "token_endpoint_auth_method": method.as_str(),
        "scope": c.scopes.to_string(),
        "id_token_signed_response_alg": c.id_token_alg,
        "registration_client_uri": format!("{}{PATH}/{}", state.config.issuer(), c.client_id),
    });
    if !c.logo_uri.is_empty() {
        v["logo_uri"] = c.logo_uri.clone().into();
    }
    if !c.home_uri.is_empty() {
        v["client_uri"] = c.home_uri.clone().into();
    }
    v
}

fn answer(status: StatusCode, body: Value) -> Response {
    let mut resp = json_no_store(body);
    *resp.status_mut() = status;
    resp
}

/// `POST /register` (RFC 7591 §3.1).
pub async fn register(
    State(state): State<AppState>,
    info: ClientInfo,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let mode = state.config.registration.mode;
    match mode {
        RegistrationMode::Off => return Ok(StatusCode::NOT_FOUND.into_response()),
        RegistrationMode::Open => {}
        RegistrationMode::InitialToken => {
            let token = bearer(&headers).ok_or_else(invalid_token)?;
            if !state.store.registration_token_valid(&token.hash()).await? {
                return Err(invalid_token());
            }
        }
    }
    let m = parse(&body)?;
    let spec = spec(&m, mode == RegistrationMode::Open)?;
    let now = state.now();
    let made = registration::register(&state.store, &spec, now)
        .await
        .map_err(refused)?;
    let access = SecretToken::generate();
    let client = made.client;
    state
        .store
        .insert_client_registration(&client.client_id, &access.hash(), now)
        .await?;
    audit::record_for_client(
        &state,
        "client.registered",
        None,
        &client.client_id,
        &info,
        &client.name,
    )
    .await;
    let mut body = described(&state, &client);
    body["registration_access_token"] = access.expose().into();
    if let Some(secret) = made.secret {
        body["client_secret"] = secret.into();
        body["client_secret_expires_at"] = 0.into();
    }
    Ok(answer(StatusCode::CREATED, body))
}

/// The self-registered client `client_id`, when the request carries its registration access
/// token (RFC 7592 §3: anything else is `401 invalid_token`, whether or not the client exists).
async fn authorized(
    state: &AppState,
    headers: &HeaderMap,
    client_id: &str,
) -> Result<Client, OAuthError> {
    let token = bearer(headers).ok_or_else(invalid_token)?;
    let Some(stored) = state.store.client_registration(client_id).await? else {
        return Err(invalid_token());
    };
    if !constant_time_eq(&stored, &token.hash()) {
        return Err(invalid_token());
    }
    state
        .store
        .client(client_id)
        .await?
        .ok_or_else(invalid_token)
}

/// `GET /register/<client_id>` (RFC 7592 §2.1).
pub async fn read(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(client_id): Path<String>,
) -> Result<Response, OAuthError> {
    let c = authorized(&state, &headers, &client_id).await?;
    Ok(answer(StatusCode::OK, described(&state, &c)))
}

/// `PUT /register/<client_id>` (RFC 7592 §2.2): the metadata sent replaces the registration;
/// omitted fields take their defaults. A client cannot become public or confidential.
pub async fn replace(
    State(state): State<AppState>,
    info: ClientInfo,
    headers: HeaderMap,
    Path(client_id): Path<String>,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let old = authorized(&state, &headers, &client_id).await?;
    let m = parse(&body)?;
    if m.client_id.as_deref() != Some(client_id.as_str()) {
        return Err(OAuthError::invalid_request(
            "client_id must be sent and name this client",
        ));
    }
    if let (Some(sent), Some(hash)) = (m.client_secret.as_deref(), old.secret_hash.as_deref())
        && !constant_time_eq(&sha256(sent.as_bytes()), hash)
    {
        return Err(OAuthError::invalid_request(
            "client_secret is not this client's",
        ));
    }
    let open = state.config.registration.mode == RegistrationMode::Open;
    let spec = ClientSpec {
        resources: old.resources.clone(),
        allowed_groups: old.allowed_groups.clone(),
        ..spec(&m, open)?
    };
    if spec.public != old.is_public() {
        return Err(metadata_error(
            "token_endpoint_auth_method cannot change between none and a secret",
        ));
    }
    let new = registration::update(&state.store, &client_id, &spec, state.now())
        .await
        .map_err(refused)?
        .ok_or_else(invalid_token)?;
    audit::record_for_client(
        &state,
        "client.registration_updated",
        None,
        &client_id,
        &info,
        "",
    )
    .await;
    Ok(answer(StatusCode::OK, described(&state, &new)))
}

/// `DELETE /register/<client_id>` (RFC 7592 §2.3): the client and everything it was given.
pub async fn delete(
    State(state): State<AppState>,
    info: ClientInfo,
    headers: HeaderMap,
    Path(client_id): Path<String>,
) -> Result<Response, OAuthError> {
    authorized(&state, &headers, &client_id).await?;
    state.store.delete_client_and_grants(&client_id).await?;
    audit::record_for_client(
        &state,
        "client.registration_deleted",
        None,
        &client_id,
        &info,
        "",
    )
    .await;
    Ok(StatusCode::NO_CONTENT.into_response())
}
