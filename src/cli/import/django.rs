//! Django: the JSON `manage.py dumpdata auth.user` writes, a list of
//! `{"model": "auth.user", "pk": 1, "fields": {"password", "username", "email", …}}`. Custom
//! user models built on `AbstractUser` dump the same fields and are read too; entries of
//! other models (no `password` field) are passed over.
use serde::Deserialize;
use serde_json::Value;

use super::{Parsed, Record, Unreadable, millis};

#[derive(Deserialize)]
struct Entry {
    #[serde(default)]
    pk: Value,
    #[serde(default)]
    fields: Option<Fields>,
}

#[derive(Deserialize)]
struct Fields {
    password: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    email: String,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default = "super::yes")]
    is_active: bool,
    #[serde(default)]
    is_superuser: bool,
    #[serde(default)]
    date_joined: Option<String>,
    #[serde(default)]
    last_login: Option<String>,
}

pub fn parse(text: &str) -> Result<Parsed, String> {
    let entries: Vec<Value> = serde_json::from_str(text)
        .map_err(|e| format!("not the JSON list `dumpdata` writes: {e}"))?;
    let mut out = Vec::with_capacity(entries.len());
    for (i, raw) in entries.into_iter().enumerate() {
        let at = format!("entry {}", i + 1);
        let has_password = raw.pointer("/fields/password").is_some();
        if !has_password {
            continue;
        }
        out.push(match serde_json::from_value::<Entry>(raw) {
            Ok(e) => record(e, &at),
            Err(e) => Err(Unreadable {
                source_id: at,
                reason: format!("cannot be read: {e}"),
            }),
        });
    }
    Ok(out)
}

fn record(e: Entry, at: &str) -> Result<Record, Unreadable> {
    let source_id = match &e.pk {
        Value::Number(n) => n.to_string(),
        Value::String(s) if !s.is_empty() => s.clone(),
        _ => {
            return Err(Unreadable {
                source_id: at.to_owned(),
                reason: "has no `pk`".into(),
            });
        }
    };
    let Some(f) = e.fields else {
        return Err(Unreadable {
            source_id,
            reason: "has no `fields`".into(),
        });
    };
    Ok(Record {
        source_id,
        email: f.email,
        username: f.username,
        given_name: f.first_name,
        family_name: f.last_name,
        is_active: f.is_active,
        is_superuser: f.is_superuser,
        // Django keeps no verified state: with --trust-emails every address counts as verified.
        email_verified: None,
        joined: f.date_joined.as_deref().and_then(millis),
        last_login: f.last_login.as_deref().and_then(millis),
        // Django's unusable passwords start with `!`; an empty one is unusable too.
        password_hash: f.password.filter(|p| !p.is_empty()),
    })
}
