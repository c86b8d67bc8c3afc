//! Resource indicators (RFC 8707): which API an access token is for. An authorization request
//! (or a client credentials request) names resources with `resource`, or — when it names
//! none — gets the client's resources whose scopes it asks for. A token request then takes one
//! of the granted resources as the token's audience. Every refusal is `invalid_target`.
use crate::domain::client::Client;
use crate::domain::resource::{Resource, check_identifier};
use crate::domain::scope::{BUILT_IN, Scopes};
use crate::oidc::error::OAuthError;
use crate::store::Store;

/// The values of every `resource` parameter.
pub fn named(params: &[(String, String)]) -> Vec<&str> {
    params
        .iter()
        .filter(|(k, _)| k == "resource")
        .map(|(_, v)| v.as_str())
        .collect()
}

/// The resources a request for `requested` scopes is for: those it names (each registered and
/// given to the client), or else the client's resources that define one of the scopes.
pub async fn requested(
    store: &Store,
    client: &Client,
    params: &[(String, String)],
    requested: &Scopes,
) -> Result<Vec<Resource>, OAuthError> {
    let named = named(params);
    if named.is_empty() && client.resources.is_empty() {
        return Ok(Vec::new());
    }
    let mut out: Vec<Resource> = Vec::new();
    for id in &named {
        let r = allowed(store, client, id).await?;
        if !out.iter().any(|o| o.resource_id == r.resource_id) {
            out.push(r);
        }
    }
    if named.is_empty() {
        for id in &client.resources {
            if let Some(r) = store.resource(id).await?
                && r.scopes.iter().any(|s| requested.contains(s))
            {
                out.push(r);
            }
        }
    }
    Ok(out)
}

/// The registered resource `id`, if the client may ask tokens for it.
async fn allowed(store: &Store, client: &Client, id: &str) -> Result<Resource, OAuthError> {
    // RFC 8707 §2: an absolute URI without a fragment.
    if check_identifier(id).is_err() {
        return Err(OAuthError::invalid_target(
            "resource must be an absolute URI without a fragment",
        ));
    }
    if !client.resources.iter().any(|r| r == id) {
        return Err(OAuthError::invalid_target(
            "this client may not ask tokens for that resource",
        ));
    }
    store
        .resource(id)
        .await?
        .ok_or_else(|| OAuthError::invalid_target("the resource is not registered"))
}

/// The scopes a grant holds: Daemun's own that were asked for, and each resource's.
pub fn grantable(requested: &Scopes, resources: &[Resource]) -> Scopes {
    requested
        .clone()
        .filter(|s| BUILT_IN.contains(&s) || resources.iter().any(|r| r.scopes.contains(s)))
}

/// Identifiers as stored with a code or a refresh family (one per line).
pub fn stored(resources: &[Resource]) -> String {
    resources
        .iter()
        .map(|r| r.resource_id.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The audience of a token request's access token, from the grant's `granted` resources
/// (stored, one per line): the one `resource` names, else the only one granted; none when
/// nothing was granted for a resource (a token for UserInfo).
pub async fn audience(
    store: &Store,
    params: &[(String, String)],
    granted: &str,
) -> Result<Option<Resource>, OAuthError> {
    let Some(id) = choose(params, granted)? else {
        return Ok(None);
    };
    // Removed since the grant: nothing to issue for.
    store
        .resource(id)
        .await?
        .map(Some)
        .ok_or_else(|| OAuthError::invalid_target("the resource is no longer registered"))
}

/// Which of the `granted` resources (one per line) a token request's `resource` parameters
/// select, without looking anything up: checked before a code is spent, so a request that
/// names the wrong resource leaves the code usable.
pub fn choose<'a>(
    params: &'a [(String, String)],
    granted: &'a str,
) -> Result<Option<&'a str>, OAuthError> {
    let granted: Vec<&str> = granted.lines().filter(|l| !l.is_empty()).collect();
    let id = match (named(params).as_slice(), granted.as_slice()) {
        ([], []) => return Ok(None),
        ([], [only]) => *only,
        ([], _) => {
            return Err(OAuthError::invalid_target(
                "several resources were granted: name one with resource",
            ));
        }
        ([one], _) if granted.contains(one) => *one,
        ([_], _) => {
            return Err(OAuthError::invalid_target(
                "the resource was not part of this grant",
            ));
        }
        _ => {
            return Err(OAuthError::invalid_target(
                "an access token is for one resource: send resource once",
            ));
        }
    };
    Ok(Some(id))
}

/// The scopes of an access token for `resource` out of a grant's `scopes`: the resource's own.
pub fn token_scopes(scopes: &str, resource: Option<&Resource>) -> String {
    match resource {
        None => scopes.to_owned(),
        Some(r) => Scopes::stored(scopes)
            .filter(|s| r.scopes.contains(s))
            .to_string(),
    }
}
