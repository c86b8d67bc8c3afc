//! Application roles: names an application defines for itself (`editor`, `billing.admin`),
//! granted to groups or to people. The application reads the person's roles from the `roles`
//! claim of its own tokens; one application never sees another's.
use super::group::is_plain_name;

/// A role as defined on an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub client_id: String,
    pub name: String,
    pub label: String,
    pub created_at: i64,
}

/// Who holds a role: every member of a group, or one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grantee {
    Group(String),
    Person(i64),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a role name: 1 to 64 of a-z, 0-9, `.`, `_` and `-`, starting with a letter or digit"
)]
pub struct RoleNameError(pub String);

/// A role name follows the rule of group names (safe in claims, URLs and command lines).
pub fn check_name(raw: &str) -> Result<&str, RoleNameError> {
    if is_plain_name(raw) {
        Ok(raw)
    } else {
        Err(RoleNameError(raw.chars().take(80).collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_names_are_plain() {
        assert_eq!(check_name("billing.admin"), Ok("billing.admin"));
        for bad in ["", "Editor", "a b", "관리자", "_x"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }
}
