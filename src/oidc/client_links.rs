//! What a client registration names elsewhere: the resources (RFC 8707) it may ask tokens for
//! and the groups whose members may use it, each checked to exist when the client is written.
use crate::store::{Store, StoreError};

/// A name that is not there, or the store's failure.
#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("unknown resource `{0}`")]
    Resource(String),
    #[error("unknown group `{0}`")]
    Group(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// `wanted` without repeats, once each names a registered resource.
pub async fn known_resources(store: &Store, wanted: &[String]) -> Result<Vec<String>, LinkError> {
    let mut out: Vec<String> = Vec::new();
    for r in wanted.iter().map(|r| r.trim()).filter(|r| !r.is_empty()) {
        if store.resource(r).await?.is_none() {
            return Err(LinkError::Resource(r.chars().take(200).collect()));
        }
        if !out.iter().any(|o| o == r) {
            out.push(r.to_owned());
        }
    }
    Ok(out)
}

/// `wanted` without repeats, once each names an existing group.
pub async fn known_groups(store: &Store, wanted: &[String]) -> Result<Vec<String>, LinkError> {
    let mut out: Vec<String> = Vec::new();
    for g in wanted.iter().map(|g| g.trim()).filter(|g| !g.is_empty()) {
        if store.group(g).await?.is_none() {
            return Err(LinkError::Group(g.chars().take(80).collect()));
        }
        if !out.iter().any(|o| o == g) {
            out.push(g.to_owned());
        }
    }
    Ok(out)
}
