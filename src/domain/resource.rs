//! Resources: the APIs access tokens can be issued for (RFC 8707). A resource is named by an
//! absolute URI without a fragment (§2), defines its own scopes, and says whether its tokens
//! are JWTs (RFC 9068) or opaque ones it introspects.
use super::scope::{BUILT_IN, Scopes};

/// A registered resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub resource_id: String,
    pub name: String,
    pub scopes: Scopes,
    /// `RS256` or `ES256`: how its JWT access tokens are signed.
    pub alg: String,
    /// JWT access tokens (RFC 9068); otherwise opaque ones.
    pub jwt: bool,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResourceError {
    #[error(
        "`{0}` is not an absolute URI without a fragment (RFC 8707 §2), e.g. https://api.example.com"
    )]
    Identifier(String),
    #[error("the resource needs a name (1 to 100 characters)")]
    Name,
    #[error("`{0}` is not a scope value (printable ASCII, no spaces, quotes or backslashes)")]
    Scope(String),
    #[error("`{0}` is one of Daemun's own scopes; a resource defines scopes of its own")]
    BuiltInScope(String),
    #[error("unknown signing algorithm `{0}` (expected RS256 or ES256)")]
    Alg(String),
}

/// What an operator asks for.
#[derive(Debug, Clone, Default)]
pub struct ResourceSpec {
    pub resource_id: String,
    pub name: String,
    pub scopes: Vec<String>,
    /// `None`: RS256.
    pub alg: Option<String>,
    /// Opaque access tokens instead of JWTs.
    pub opaque: bool,
}

impl Resource {
    /// A resource as `spec` describes it, every rule checked.
    pub fn new(spec: &ResourceSpec, now: i64) -> Result<Self, ResourceError> {
        let alg = spec.alg.as_deref().unwrap_or("RS256");
        if !matches!(alg, "RS256" | "ES256") {
            return Err(ResourceError::Alg(alg.chars().take(20).collect()));
        }
        Ok(Resource {
            resource_id: check_identifier(spec.resource_id.trim())?.to_owned(),
            name: check_name(&spec.name)?.to_owned(),
            scopes: check_scopes(&spec.scopes)?,
            alg: alg.to_owned(),
            jwt: !spec.opaque,
            created_at: now,
        })
    }
}

/// A resource identifier as RFC 8707 §2 allows it: an absolute URI (a scheme, then `:`, then
/// something), at most 500 characters, no fragment, no whitespace or control characters.
pub fn check_identifier(raw: &str) -> Result<&str, ResourceError> {
    let bad = || ResourceError::Identifier(raw.chars().take(100).collect());
    let scheme_end = raw.find(':').ok_or_else(bad)?;
    let scheme = &raw[..scheme_end];
    let scheme_ok = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    let rest = &raw[scheme_end + 1..];
    let ok = scheme_ok
        && !rest.is_empty()
        && raw.len() <= 500
        && !raw.contains('#')
        && !raw.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok { Ok(raw) } else { Err(bad()) }
}

/// The scopes a resource defines: valid scope values, none of them built in.
pub fn check_scopes(values: &[String]) -> Result<Scopes, ResourceError> {
    let joined = values.join(" ");
    let scopes = Scopes::parse(&joined).ok_or_else(|| ResourceError::Scope(joined.clone()))?;
    if let Some(s) = scopes.iter().find(|s| BUILT_IN.contains(s)) {
        return Err(ResourceError::BuiltInScope(s.to_owned()));
    }
    Ok(scopes)
}

/// A resource's display name, trimmed: 1 to 100 printable characters.
pub fn check_name(raw: &str) -> Result<&str, ResourceError> {
    let name = raw.trim();
    let ok = !name.is_empty() && name.chars().count() <= 100 && !name.chars().any(char::is_control);
    if ok {
        Ok(name)
    } else {
        Err(ResourceError::Name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_absolute_uris_without_fragments() {
        for ok in [
            "https://api.example.com",
            "https://api.example.com/v1/",
            "http://localhost:8080",
            "urn:example:billing",
        ] {
            assert_eq!(check_identifier(ok), Ok(ok));
        }
        for bad in [
            "",
            "api.example.com",
            "/relative",
            "https://api.example.com/#top",
            "https://api example.com",
            "1http://x",
            "https:",
        ] {
            assert!(check_identifier(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn resource_scopes_are_their_own() {
        let s = check_scopes(&["invoices:read".into(), "invoices:write".into()]).unwrap();
        assert_eq!(s.to_string(), "invoices:read invoices:write");
        assert_eq!(
            check_scopes(&["email".into()]),
            Err(ResourceError::BuiltInScope("email".into()))
        );
        assert!(matches!(
            check_scopes(&["a\"b".into()]),
            Err(ResourceError::Scope(_))
        ));
    }
}
