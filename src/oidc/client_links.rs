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
    known(store, wanted, Kind::Resource).await
}

/// `wanted` without repeats, once each names an existing group.
pub async fn known_groups(store: &Store, wanted: &[String]) -> Result<Vec<String>, LinkError> {
    known(store, wanted, Kind::Group).await
}

#[derive(Clone, Copy)]
enum Kind {
    Resource,
    Group,
}

/// The non-empty values of `wanted`, trimmed and without repeats, once each names a row of
/// `kind`; the first that does not is the error.
async fn known(store: &Store, wanted: &[String], kind: Kind) -> Result<Vec<String>, LinkError> {
    let mut out: Vec<String> = Vec::new();
    for w in wanted.iter().map(|w| w.trim()).filter(|w| !w.is_empty()) {
        let exists = match kind {
            Kind::Resource => store.resource(w).await?.is_some(),
            Kind::Group => store.group(w).await?.is_some(),
        };
        if !exists {
            return Err(match kind {
                Kind::Resource => LinkError::Resource(w.chars().take(200).collect()),
                Kind::Group => LinkError::Group(w.chars().take(80).collect()),
            });
        }
        if !out.iter().any(|o| o == w) {
            out.push(w.to_owned());
        }
    }
    Ok(out)
}
