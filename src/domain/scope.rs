//! Scopes (RFC 6749 §3.3): a set of space-separated values, each printable ASCII without `"`
//! and `\`. Requests are parsed strictly with [`Scopes::parse`]; stored values, written by
//! Daemun itself, are read with [`Scopes::stored`]. Order is kept as first given; repeats go.
use std::fmt;

/// Daemun's own scopes (OIDC Core §5.4, §11; `groups` gives the names of the person's groups).
/// Resources define the others.
pub const BUILT_IN: [&str; 5] = ["openid", "profile", "email", "offline_access", "groups"];

/// A set of scope values in the order first given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scopes(Vec<String>);

impl Scopes {
    /// A `scope` parameter, or `None` if a value holds a character RFC 6749 §3.3 forbids.
    pub fn parse(raw: &str) -> Option<Self> {
        let mut out = Self::default();
        for s in raw.split(' ').filter(|s| !s.is_empty()) {
            if !s
                .bytes()
                .all(|b| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b))
            {
                return None;
            }
            out.insert(s);
        }
        Some(out)
    }

    /// A value Daemun stored itself (space-separated, already checked when it was written).
    pub fn stored(raw: &str) -> Self {
        let mut out = Self::default();
        for s in Self::words(raw) {
            out.insert(s);
        }
        out
    }

    /// Whether the stored value `raw` holds `scope`, without building a set.
    pub fn stored_contains(raw: &str, scope: &str) -> bool {
        Self::words(raw).any(|s| s == scope)
    }

    fn words(raw: &str) -> impl Iterator<Item = &str> {
        raw.split(' ').filter(|s| !s.is_empty())
    }

    fn insert(&mut self, s: &str) {
        if !self.contains(s) {
            self.0.push(s.to_owned());
        }
    }

    pub fn contains(&self, scope: &str) -> bool {
        self.0.iter().any(|s| s == scope)
    }

    /// The first value not in `granted` (for `invalid_scope` messages), if any.
    pub fn first_outside(&self, granted: &Scopes) -> Option<&str> {
        self.iter().find(|s| !granted.contains(s))
    }

    /// Only the values `keep` accepts, in the same order.
    pub fn filter(self, keep: impl Fn(&str) -> bool) -> Self {
        Self(self.0.into_iter().filter(|s| keep(s)).collect())
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Space-separated, as stored and as sent in `scope` (RFC 6749 §3.3).
impl fmt::Display for Scopes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(" "))
    }
}

impl<S: AsRef<str>> FromIterator<S> for Scopes {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        let mut out = Self::default();
        for s in iter {
            out.insert(s.as_ref());
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing_drops_repeats_and_keeps_order() {
        let s = Scopes::parse("openid  email openid").unwrap();
        assert_eq!(s.to_string(), "openid email");
        assert_eq!(Scopes::parse("").unwrap(), Scopes::default());
    }

    #[test]
    fn forbidden_characters_are_refused() {
        assert!(Scopes::parse("open\"id").is_none());
        assert!(Scopes::parse("open\\id").is_none());
        assert!(Scopes::parse("openid\u{e9}").is_none());
    }

    #[test]
    fn subsets_and_membership() {
        let granted = Scopes::stored("openid profile");
        assert!(Scopes::stored_contains("openid profile", "profile"));
        assert!(!Scopes::stored_contains("openid profile", "prof"));
        assert_eq!(
            Scopes::parse("openid email")
                .unwrap()
                .first_outside(&granted),
            Some("email")
        );
        assert_eq!(
            Scopes::parse("openid").unwrap().first_outside(&granted),
            None
        );
    }
}
