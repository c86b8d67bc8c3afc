//! JSON Lines, for any other source: one object per line with `id`, `email` and
//! `password_hash` (a PHC string such as `$argon2id$…` or `$pbkdf2-sha256$…`, or a bcrypt hash
//! `$2b$…`; empty or absent for an account without a password), and optionally `username`,
//! `given_name`, `family_name`, `email_verified`, `is_active`, `is_admin`, `created_at` and
//! `last_login_at` (RFC 3339). Blank lines are passed over.
use serde::Deserialize;
use serde_json::Value;

use super::{Parsed, Record, Unreadable, millis};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line {
    id: Value,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password_hash: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    given_name: String,
    #[serde(default)]
    family_name: String,
    #[serde(default)]
    email_verified: Option<bool>,
    #[serde(default = "super::yes")]
    is_active: bool,
    #[serde(default)]
    is_admin: bool,
    #[serde(default)]
    created_at: Option<String>,
    #[serde(default)]
    last_login_at: Option<String>,
}

pub fn parse(text: &str) -> Result<Parsed, String> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let at = format!("line {}", i + 1);
        let line: Line = match serde_json::from_str(raw) {
            Ok(l) => l,
            Err(e) => {
                out.push(Err(Unreadable {
                    source_id: at,
                    reason: format!("not a JSON object of the import format: {e}"),
                }));
                continue;
            }
        };
        let source_id = match &line.id {
            Value::Number(n) => n.to_string(),
            Value::String(s) if !s.trim().is_empty() => s.trim().to_owned(),
            _ => {
                out.push(Err(Unreadable {
                    source_id: at,
                    reason: "`id` must be a non-empty string or a number".into(),
                }));
                continue;
            }
        };
        out.push(Ok(Record {
            source_id,
            email: line.email,
            username: line.username,
            given_name: line.given_name,
            family_name: line.family_name,
            is_active: line.is_active,
            is_superuser: line.is_admin,
            email_verified: line.email_verified,
            joined: line.created_at.as_deref().and_then(millis),
            last_login: line.last_login_at.as_deref().and_then(millis),
            password_hash: line.password_hash.filter(|h| !h.is_empty()),
        }));
    }
    Ok(out)
}
