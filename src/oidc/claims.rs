//! Claims about the person, released by scope (OIDC Core §5.4): `profile` gives names, username
//! and locale; `email` gives the address and whether it is verified (true only once it is);
//! `groups` gives the names of the person's groups (names never change; labels may).
use serde_json::{Map, Value, json};

use crate::domain::scope::Scopes;
use crate::domain::user::User;

/// Whether the stored scopes `scopes` hold `scope`.
pub fn has_scope(scopes: &str, scope: &str) -> bool {
    Scopes::stored_contains(scopes, scope)
}

/// The person's group names when `scopes` hold `groups` (read only then).
pub async fn groups_for(
    store: &crate::store::Store,
    user_id: i64,
    scopes: &str,
) -> Result<Option<Vec<String>>, crate::store::StoreError> {
    if !has_scope(scopes, "groups") {
        return Ok(None);
    }
    store.user_groups(user_id).await.map(Some)
}

/// The UserInfo body (OIDC Core §5.3.2): `sub` plus the claims of the granted scopes, with
/// `groups` already looked up by [`groups_for`].
pub fn userinfo(user: &User, scopes: &str, groups: Option<Vec<String>>) -> Value {
    let mut m = Map::new();
    m.insert("sub".into(), json!(user.sub));
    if has_scope(scopes, "profile") {
        m.insert("name".into(), json!(user.display_name));
        if !user.given_name.is_empty() {
            m.insert("given_name".into(), json!(user.given_name));
        }
        if !user.family_name.is_empty() {
            m.insert("family_name".into(), json!(user.family_name));
        }
        if let Some(u) = &user.username {
            m.insert("preferred_username".into(), json!(u));
        }
        if let Some(l) = &user.locale {
            m.insert("locale".into(), json!(l));
        }
    }
    if has_scope(scopes, "email") {
        m.insert("email".into(), json!(user.email));
        m.insert("email_verified".into(), json!(user.email_verified));
    }
    if let Some(g) = groups {
        m.insert("groups".into(), json!(g));
    }
    Value::Object(m)
}
