//! A person's account as the rest of the product sees it (never the password hash).
use super::clock::Millis;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct User {
    pub user_id: i64,
    /// The OpenID `sub`: random, stable, never reused.
    pub sub: String,
    pub email: String,
    pub email_normalized: String,
    pub username: Option<String>,
    pub display_name: String,
    pub given_name: String,
    pub family_name: String,
    pub email_verified: bool,
    pub is_active: bool,
    pub is_admin: bool,
    pub locale: Option<String>,
    pub created_at: Millis,
    pub last_login_at: Option<Millis>,
}

impl User {
    /// What a new password must not resemble: the address, the username and the names.
    pub fn personal_values(&self) -> [&str; 5] {
        [
            self.email.as_str(),
            self.username.as_deref().unwrap_or(""),
            self.display_name.as_str(),
            self.given_name.as_str(),
            self.family_name.as_str(),
        ]
    }
}

/// Longest display, given or family name accepted.
pub const MAX_NAME_LEN: usize = 100;

/// Whether a (trimmed) name may be stored: at most [`MAX_NAME_LEN`] characters and no
/// control characters.
pub fn name_fits(name: &str) -> bool {
    name.chars().count() <= MAX_NAME_LEN && !name.chars().any(char::is_control)
}
