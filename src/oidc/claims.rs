//! Claims about the person, released by scope (OIDC Core §5.4): `profile` gives names, username
//! and locale; `email` gives the address and whether it is verified (true only once it is);
//! `groups` gives the names of the person's groups (names never change; labels may). An
//! application that defines roles also gets `roles`: the ones the person holds there (granted
//! to them or to one of their groups), and never another application's.
use serde_json::{Map, Value, json};

use crate::domain::scope::Scopes;
use crate::domain::user::User;

/// Whether the stored scopes `scopes` hold `scope`.
pub fn has_scope(scopes: &str, scope: &str) -> bool {
    Scopes::stored_contains(scopes, scope)
}

/// What the person belongs to, as the application may see it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Memberships {
    /// The person's group names when the scopes hold `groups` (read only then).
    pub groups: Option<Vec<String>>,
    /// The person's roles in this application, when it defines any.
    pub roles: Option<Vec<String>>,
}

/// Looks up the person's groups (with the `groups` scope) and their roles in `client_id`.
pub async fn memberships(
    store: &crate::store::Store,
    client_id: &str,
    user_id: i64,
    scopes: &str,
) -> Result<Memberships, crate::store::StoreError> {
    let groups = if has_scope(scopes, "groups") {
        Some(store.user_groups(user_id).await?)
    } else {
        None
    };
    let roles = store.roles_for(client_id, user_id).await?;
    Ok(Memberships { groups, roles })
}

/// The UserInfo body (OIDC Core §5.3.2): `sub` plus the claims of the granted scopes, with
/// `groups` and `roles` already looked up by [`memberships`].
pub fn userinfo(user: &User, scopes: &str, of: Memberships) -> Value {
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
    if let Some(g) = of.groups {
        m.insert("groups".into(), json!(g));
    }
    if let Some(r) = of.roles {
        m.insert("roles".into(), json!(r));
    }
    Value::Object(m)
}
