//! The `/authorize` side of pushed authorization requests (RFC 9126 §4): resolving a
//! `request_uri` that `/par` (`oidc::par`) handed out.
use crate::domain::secret::SecretToken;
use crate::http::AppState;

/// The `request_uri` prefix (RFC 9126 §2.2: a URN of the `request_uri` sub-namespace).
pub const URN_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";

/// The pushed parameters `request_uri` names for `client_id`, taken out of the store (a
/// `request_uri` works once, §4); `None` when it is not one of ours, used, expired or
/// pushed by another client.
pub async fn take(
    state: &AppState,
    client_id: &str,
    request_uri: &str,
) -> Result<Option<Vec<(String, String)>>, crate::store::StoreError> {
    let Some(token) = request_uri
        .strip_prefix(URN_PREFIX)
        .and_then(SecretToken::from_untrusted)
    else {
        return Ok(None);
    };
    let stored = state
        .store
        .take_pushed(&token.hash(), client_id, state.now())
        .await?;
    Ok(stored.and_then(|s| serde_json::from_str(&s).ok()))
}
