//! Keycloak: a realm export with its users (`kc.sh export --realm R --users realm_file`), an
//! object with `realm` and `users`. Each user's `password` credential keeps its hash in two
//! JSON strings: `secretData` (`value` and `salt`, standard base64) and `credentialData`
//! (`algorithm`, `hashIterations`, `additionalParameters`). Stored here as PHC strings:
//! `pbkdf2-sha256`/`pbkdf2-sha512` as `$pbkdf2-sha256$i=…,l=…$salt$hash`, `argon2` as
//! `$argon2id$v=19$m=…,t=…,p=…$salt$hash`.
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use serde::Deserialize;
use serde_json::Value;

use super::{Parsed, Record, Unreadable};
use crate::hashing::foreign::pbkdf2_phc;

#[derive(Deserialize)]
struct Realm {
    realm: String,
    #[serde(default)]
    users: Vec<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct User {
    id: String,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    email: String,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    email_verified: bool,
    #[serde(default = "super::yes")]
    enabled: bool,
    #[serde(default)]
    created_timestamp: Option<i64>,
    #[serde(default)]
    credentials: Vec<Credential>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Credential {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    secret_data: String,
    #[serde(default)]
    credential_data: String,
}

#[derive(Deserialize)]
struct Secret {
    value: String,
    salt: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HashData {
    algorithm: String,
    hash_iterations: u32,
    #[serde(default)]
    additional_parameters: std::collections::HashMap<String, Vec<String>>,
}

/// The realm's name and its users.
pub fn parse(text: &str) -> Result<(String, Result<Parsed, String>), String> {
    let realm: Realm =
        serde_json::from_str(text).map_err(|e| format!("not a Keycloak realm export: {e}"))?;
    let mut out = Vec::with_capacity(realm.users.len());
    for (i, raw) in realm.users.into_iter().enumerate() {
        out.push(match serde_json::from_value::<User>(raw) {
            Ok(u) => Ok(record(u)),
            Err(e) => Err(Unreadable {
                source_id: format!("user {}", i + 1),
                reason: format!("cannot be read: {e}"),
            }),
        });
    }
    Ok((realm.realm, Ok(out)))
}

fn record(u: User) -> Record {
    let password = u.credentials.iter().find(|c| c.kind == "password");
    Record {
        source_id: u.id,
        email: u.email,
        username: u.username,
        given_name: u.first_name,
        family_name: u.last_name,
        is_active: u.enabled,
        is_superuser: false,
        email_verified: Some(u.email_verified),
        joined: u.created_timestamp,
        last_login: None,
        // A hash that cannot be rebuilt is passed on as written, so the import reports why.
        password_hash: password
            .map(|c| phc(c).unwrap_or_else(|e| format!("keycloak credential: {e}"))),
    }
}

/// The PHC string of a Keycloak password credential.
fn phc(c: &Credential) -> Result<String, String> {
    let secret: Secret =
        serde_json::from_str(&c.secret_data).map_err(|e| format!("secretData: {e}"))?;
    let data: HashData =
        serde_json::from_str(&c.credential_data).map_err(|e| format!("credentialData: {e}"))?;
    let bytes = |what: &str, b64: &str| {
        STANDARD
            .decode(b64.trim())
            .map_err(|e| format!("{what} is not base64: {e}"))
    };
    let (salt, hash) = (bytes("salt", &secret.salt)?, bytes("value", &secret.value)?);
    match data.algorithm.as_str() {
        "pbkdf2" => Ok(pbkdf2_phc("sha1", data.hash_iterations, &salt, &hash)),
        "pbkdf2-sha256" => Ok(pbkdf2_phc("sha256", data.hash_iterations, &salt, &hash)),
        "pbkdf2-sha512" => Ok(pbkdf2_phc("sha512", data.hash_iterations, &salt, &hash)),
        "argon2" => {
            let p = |name: &str, default: &str| {
                data.additional_parameters
                    .get(name)
                    .and_then(|v| v.first())
                    .cloned()
                    .unwrap_or_else(|| default.to_owned())
            };
            let kind = match p("type", "id").as_str() {
                "id" => "argon2id",
                "i" => "argon2i",
                "d" => "argon2d",
                other => return Err(format!("unknown argon2 type {other:?}")),
            };
            let version = match p("version", "1.3").as_str() {
                "1.3" => 19,
                "1.0" => 16,
                other => return Err(format!("unknown argon2 version {other:?}")),
            };
            Ok(format!(
                "${kind}$v={version}$m={},t={},p={}${}${}",
                p("memory", "7168"),
                data.hash_iterations,
                p("parallelism", "1"),
                STANDARD_NO_PAD.encode(&salt),
                STANDARD_NO_PAD.encode(&hash),
            ))
        }
        other => Err(format!("the algorithm {other:?} is not supported")),
    }
}
