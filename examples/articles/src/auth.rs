//! "Log in with Daemun": OpenID Connect authorization code flow with PKCE (S256), `state` and
//! `nonce`, through the `openidconnect` crate. Four steps, one function each:
//! [`discover`] at start, [`login_redirect`] when the button is pressed, [`finish_login`] at
//! `/auth/callback`, and [`logout_url`] for RP-Initiated Logout. Back-Channel Logout 1.0:
//! [`verify_logout_token`] at `/auth/backchannel-logout`, when Daemun reports a session's end.
//! JWT access tokens (RFC 9068) for the app's API: [`verify_access_token`].
mod access_token;
mod jws;
mod logout_token;

use std::time::Duration;

use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreIdToken, CoreIdTokenClaims, CoreIdTokenVerifier,
    CoreJsonWebKeySet, CoreJwsSigningAlgorithm, CoreTokenResponse, CoreUserInfoClaims,
};
use openidconnect::{
    AccessToken, AccessTokenHash, AuthorizationCode, ClaimsVerificationError, ClientId,
    ClientSecret, CsrfToken, EndSessionUrl, EndpointMaybeSet, EndpointNotSet, EndpointSet,
    IssuerUrl, LogoutRequest, Nonce, OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier,
    PostLogoutRedirectUrl, ProviderMetadataWithLogout, RedirectUrl, Scope,
    SignatureVerificationError, TokenResponse,
};
use serde_json::Value;
use subtle::ConstantTimeEq;
use url::Url;

use crate::config::Config;
pub use access_token::{AccessGrant, AccessTokenError, check_access_token, verify_access_token};
pub use jws::{JwsError, SigningKeys};
use jws::{json_part, unix_now, verified_claims};
pub use logout_token::{BACKCHANNEL_LOGOUT_EVENT, LogoutTokenError, SeenLogoutTokens};
use logout_token::{LOGOUT_TOKEN_TYPE, LogoutClaims};

/// The client `CoreClient::from_provider_metadata` gives: authorization endpoint set, token and
/// userinfo endpoints as discovery found them.
type OidcClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Daemun as this app knows it after discovery.
pub struct Provider {
    client: OidcClient,
    issuer: IssuerUrl,
    client_id: ClientId,
    /// The signing keys; fetched again when a token names a key we do not have yet.
    keys: SigningKeys,
    end_session: Option<EndSessionUrl>,
    post_logout_redirect_uri: PostLogoutRedirectUrl,
    http: reqwest::Client,
}

/// What the app remembers (in the browser's session) between the redirect and the callback.
#[derive(Clone)]
pub struct PendingLogin {
    pub state: String,
    pub nonce: String,
    pub pkce_verifier: String,
    /// The local page to return to afterwards.
    pub next: String,
}

/// The query string Daemun sends to `/auth/callback`.
#[derive(Debug, Default, serde::Deserialize)]
pub struct CallbackParams {
    pub code: Option<String>,
    pub state: Option<String>,
    pub iss: Option<String>,
    pub error: Option<String>,
}

/// A person who has just logged in.
#[derive(Clone, Debug)]
pub struct LoggedIn {
    pub sub: String,
    pub name: String,
    /// Kept for `id_token_hint` at logout.
    pub id_token: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("discovery failed: {0}")]
    Discovery(String),
    #[error("bad URL in configuration: {0}")]
    Url(#[from] url::ParseError),
    #[error("the login was refused or cancelled ({0})")]
    Denied(String),
    #[error("the login response does not belong to this browser's login (state)")]
    StateMismatch,
    #[error("the login response came from another issuer (RFC 9207)")]
    WrongIssuer,
    #[error("the login response has no code")]
    NoCode,
    #[error("the code exchange failed: {0}")]
    Exchange(String),
    #[error("the token response has no ID token")]
    NoIdToken,
    #[error("the ID token is not valid: {0}")]
    IdToken(#[from] ClaimsVerificationError),
    #[error("the ID token's at_hash does not match the access token")]
    AtHash,
}

/// The algorithms Daemun signs with. Asymmetric only: a token MACed with the client secret, or
/// not signed at all (`none`), is not accepted.
const SIGNING_ALGS: [CoreJwsSigningAlgorithm; 2] = [
    CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
    CoreJwsSigningAlgorithm::EcdsaP256Sha256,
];

/// An HTTP client for talking to Daemun. It never follows redirects: discovery, token and
/// userinfo answers must come from the endpoint itself (SSRF, see the openidconnect docs).
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5))
        .timeout(Duration::from_secs(15))
        .build()
        .expect("the HTTP client's settings are valid")
}

/// Fetches `<issuer>/.well-known/openid-configuration` and the JWKS, and builds the client.
/// Discovery checks that the document's `issuer` equals the configured one (Discovery §4.3).
pub async fn discover(config: &Config, http: reqwest::Client) -> Result<Provider, AuthError> {
    let issuer = IssuerUrl::new(config.issuer.clone())?;
    let metadata = ProviderMetadataWithLogout::discover_async(issuer.clone(), &http)
        .await
        .map_err(|e| AuthError::Discovery(error_chain(&e)))?;
    let end_session = metadata.additional_metadata().end_session_endpoint.clone();
    let jwks_uri = metadata.jwks_uri().clone();
    let jwks = metadata.jwks().clone();
    let client_id = ClientId::new(config.client_id.clone());
    let client = CoreClient::from_provider_metadata(
        metadata,
        client_id.clone(),
        config.client_secret.clone().map(ClientSecret::new),
    )
    .set_redirect_uri(RedirectUrl::new(config.redirect_uri())?);
    Ok(Provider {
        client,
        issuer,
        client_id,
        keys: SigningKeys::new(jwks_uri, jwks),
        end_session,
        post_logout_redirect_uri: PostLogoutRedirectUrl::new(config.post_logout_redirect_uri())?,
        http,
    })
}

/// Step 1: the URL of Daemun's authorization endpoint, and what to remember until the callback.
/// `state` ties the answer to this browser, `nonce` ties the ID token to this request, and the
/// PKCE verifier proves at the token endpoint that we started it (RFC 7636).
pub fn login_redirect(provider: &Provider, next: String) -> (Url, PendingLogin) {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = provider
        .client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("profile".into()))
        .set_pkce_challenge(challenge)
        .url();
    let pending = PendingLogin {
        state: state.secret().clone(),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
        next,
    };
    (url, pending)
}

/// Step 2, at `/auth/callback`: checks `state` and `iss`, exchanges the code (with the PKCE
/// verifier) at the token endpoint and verifies the ID token.
pub async fn finish_login(
    provider: &Provider,
    pending: PendingLogin,
    params: CallbackParams,
) -> Result<LoggedIn, AuthError> {
    let state = params.state.unwrap_or_default();
    if !bool::from(state.as_bytes().ct_eq(pending.state.as_bytes())) {
        return Err(AuthError::StateMismatch);
    }
    if let Some(error) = params.error {
        return Err(AuthError::Denied(error));
    }
    // RFC 9207: an authorization response names its issuer; it must be ours.
    if params
        .iss
        .is_some_and(|iss| iss != provider.issuer.as_str())
    {
        return Err(AuthError::WrongIssuer);
    }
    let code = params.code.ok_or(AuthError::NoCode)?;
    let tokens: CoreTokenResponse = provider
        .client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| AuthError::Exchange(e.to_string()))?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier))
        .request_async(&provider.http)
        .await
        .map_err(|e| AuthError::Exchange(error_chain(&e)))?;
    let id_token = tokens.id_token().ok_or(AuthError::NoIdToken)?;
    let nonce = Nonce::new(pending.nonce);
    let claims = verify_id_token(provider, id_token, tokens.access_token(), &nonce).await?;
    let name = match display_name(&claims) {
        Some(name) => name,
        None => userinfo_name(provider, &tokens, &claims).await,
    };
    Ok(LoggedIn {
        sub: claims.subject().to_string(),
        name,
        id_token: id_token.to_string(),
    })
}

/// Signature (JWKS), `iss`, `aud`, `azp`, `exp`, `iat` and `nonce` through the crate's verifier,
/// then `at_hash` when present (Core §3.1.3.8). When Daemun has rotated its keys since we
/// fetched them, the token names an unknown `kid`: fetch the JWKS once more and retry.
async fn verify_id_token(
    provider: &Provider,
    id_token: &CoreIdToken,
    access_token: &AccessToken,
    nonce: &Nonce,
) -> Result<CoreIdTokenClaims, AuthError> {
    // The ID token comes straight from Daemun's token endpoint, so an unknown key is always
    // worth a fetch (unlike tokens that anyone can send, see `SigningKeys::check_with`).
    match check_id_token(
        provider,
        provider.keys.current(),
        id_token,
        access_token,
        nonce,
    ) {
        Err(AuthError::IdToken(ClaimsVerificationError::SignatureVerification(
            SignatureVerificationError::NoMatchingKey,
        ))) => {
            let fresh = provider
                .keys
                .refetch(&provider.http)
                .await
                .map_err(AuthError::Discovery)?;
            check_id_token(provider, fresh, id_token, access_token, nonce)
        }
        other => other,
    }
}

fn check_id_token(
    provider: &Provider,
    jwks: CoreJsonWebKeySet,
    id_token: &CoreIdToken,
    access_token: &AccessToken,
    nonce: &Nonce,
) -> Result<CoreIdTokenClaims, AuthError> {
    let verifier = CoreIdTokenVerifier::new_public_client(
        provider.client_id.clone(),
        provider.issuer.clone(),
        jwks,
    )
    .set_allowed_algs(SIGNING_ALGS);
    let claims = id_token.claims(&verifier, nonce)?;
    if let Some(expected) = claims.access_token_hash() {
        let signature = ClaimsVerificationError::SignatureVerification;
        let alg = id_token.signing_alg().map_err(signature)?;
        let key = id_token.signing_key(&verifier).map_err(signature)?;
        let actual =
            AccessTokenHash::from_token(access_token, alg, key).map_err(|_| AuthError::AtHash)?;
        if actual != *expected {
            return Err(AuthError::AtHash);
        }
    }
    Ok(claims.clone())
}

/// The name to show: `name`, else `preferred_username`, else `email` (with the `profile` scope
/// Daemun puts them in the ID token).
fn display_name(claims: &CoreIdTokenClaims) -> Option<String> {
    claims
        .name()
        .and_then(|n| n.get(None))
        .map(|n| n.to_string())
        .or_else(|| claims.preferred_username().map(|u| u.to_string()))
        .or_else(|| claims.email().map(|e| e.to_string()))
        .filter(|n| !n.trim().is_empty())
}

/// Asks the userinfo endpoint when the ID token carried no name; the `sub` must match
/// (Core §5.3.2). Falls back to the `sub` itself.
async fn userinfo_name(
    provider: &Provider,
    tokens: &CoreTokenResponse,
    claims: &CoreIdTokenClaims,
) -> String {
    let sub = claims.subject().clone();
    let info: Option<CoreUserInfoClaims> = match provider
        .client
        .user_info(tokens.access_token().clone(), Some(sub.clone()))
    {
        Ok(request) => request.request_async(&provider.http).await.ok(),
        Err(_) => None,
    };
    info.and_then(|i| {
        i.name()
            .and_then(|n| n.get(None))
            .map(|n| n.to_string())
            .or_else(|| i.preferred_username().map(|u| u.to_string()))
    })
    .unwrap_or_else(|| sub.to_string())
}

/// Step 3: where to send the browser to end its Daemun session too (RP-Initiated Logout 1.0
/// §2): the ID token as `id_token_hint`, our `client_id`, and where to come back. `None` when
/// Daemun announces no `end_session_endpoint`.
pub fn logout_url(provider: &Provider, id_token: &str) -> Option<Url> {
    let endpoint = provider.end_session.clone()?;
    let mut request = LogoutRequest::from(endpoint)
        .set_client_id(provider.client_id.clone())
        .set_post_logout_redirect_uri(provider.post_logout_redirect_uri.clone());
    if let Ok(hint) = id_token.parse::<CoreIdToken>() {
        request = request.set_id_token_hint(&hint);
    }
    Some(request.http_get_url())
}

/// Clock skew allowed on `iat` and `exp` of logout and access tokens, in seconds: Daemun's
/// clock and ours may differ a little.
const CLOCK_SKEW: i64 = 60;

/// The Daemun session a valid logout token ends: its `sid`, its person's `sub`, or both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoggedOut {
    pub sid: Option<String>,
    pub sub: Option<String>,
}

/// At `/auth/backchannel-logout`: checks a logout token against Daemun's keys as discovered,
/// and fetches the JWKS once more when it names a key we do not have yet (after a rotation; at
/// most once every ten seconds).
pub async fn verify_logout_token(
    provider: &Provider,
    seen: &SeenLogoutTokens,
    token: &str,
) -> Result<LoggedOut, LogoutTokenError> {
    let now = unix_now();
    let (issuer, client_id) = (&provider.issuer, &provider.client_id);
    provider
        .keys
        .check_with(&provider.http, |jwks| {
            check_logout_token(token, jwks, issuer, client_id, now, seen)
        })
        .await
}

/// Back-Channel Logout 1.0 §2.6, in its order: the signature (RS256 or ES256, by a key of
/// `jwks`), `iss`, `aud`, `iat` and `exp` as for an ID token, the logout event, `sid` or `sub`,
/// no `nonce`, and a `jti` not accepted before. `now` is in seconds since 1970.
pub fn check_logout_token(
    token: &str,
    jwks: &CoreJsonWebKeySet,
    issuer: &IssuerUrl,
    client_id: &ClientId,
    now: i64,
    seen: &SeenLogoutTokens,
) -> Result<LoggedOut, LogoutTokenError> {
    let claims = verified_claims(token, jwks, &LOGOUT_TOKEN_TYPE)?;
    let has_nonce = claims.contains_key("nonce");
    let claims: LogoutClaims = serde_json::from_value(Value::Object(claims))
        .map_err(|e| LogoutTokenError::Malformed(e.to_string()))?;
    if claims.jti.is_empty() {
        return Err(LogoutTokenError::Malformed("no jti".into()));
    }
    if claims.iss != issuer.as_str() {
        return Err(LogoutTokenError::Issuer);
    }
    if !claims.aud.is_only(client_id.as_str()) {
        return Err(LogoutTokenError::Audience);
    }
    let (iat, exp) = (claims.iat.floor() as i64, claims.exp.ceil() as i64);
    if exp + CLOCK_SKEW < now {
        return Err(LogoutTokenError::Expired);
    }
    if iat - CLOCK_SKEW > now {
        return Err(LogoutTokenError::NotYetValid);
    }
    let event = claims.events.get(BACKCHANNEL_LOGOUT_EVENT);
    if !event.is_some_and(Value::is_object) {
        return Err(LogoutTokenError::Event);
    }
    let sid = claims.sid.filter(|s| !s.is_empty());
    let sub = claims.sub.filter(|s| !s.is_empty());
    if sid.is_none() && sub.is_none() {
        return Err(LogoutTokenError::NoSubject);
    }
    if has_nonce {
        return Err(LogoutTokenError::Nonce);
    }
    // Remembered only now: a token refused above has not been used up.
    if !seen.first_use(&claims.jti, exp + CLOCK_SKEW, now) {
        return Err(LogoutTokenError::Replayed);
    }
    Ok(LoggedOut { sid, sub })
}

/// The `sid` claim of an ID token that [`finish_login`] has verified: the Daemun session this
/// login belongs to, which a logout token names when that session ends.
pub fn id_token_sid(id_token: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Sid {
        sid: Option<String>,
    }
    let claims = id_token.split('.').nth(1)?;
    json_part::<Sid>(claims).ok()?.sid.filter(|s| !s.is_empty())
}

/// An error with its causes, for one log or startup line.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
