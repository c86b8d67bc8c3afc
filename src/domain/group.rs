//! Groups of people: a `name` that applications see in the `groups` claim and that never
//! changes, and a `label` that people read and that may be renamed.

/// A group as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    pub label: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroupError {
    #[error(
        "`{0}` is not a group name: 1 to 64 of a-z, 0-9, `.`, `_` and `-`, starting with a letter or digit"
    )]
    Name(String),
    #[error("a group label has 1 to 100 printable characters")]
    Label,
}

/// A group name: lower-case ASCII letters and digits, `.`, `_`, `-`, starting with a letter
/// or digit, at most 64 characters (safe in claims, URLs and command lines alike).
pub fn check_name(raw: &str) -> Result<&str, GroupError> {
    if is_plain_name(raw) {
        Ok(raw)
    } else {
        Err(GroupError::Name(raw.chars().take(80).collect()))
    }
}

/// The rule for names applications see (groups and roles): 1 to 64 of lower-case ASCII
/// letters, digits, `.`, `_` and `-`, starting with a letter or digit.
pub fn is_plain_name(raw: &str) -> bool {
    !raw.is_empty()
        && raw.len() <= 64
        && raw
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && raw.bytes().all(|b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-')
        })
}

/// A label, trimmed: 1 to 100 printable characters.
pub fn check_label(raw: &str) -> Result<&str, GroupError> {
    let label = raw.trim();
    let ok =
        !label.is_empty() && label.chars().count() <= 100 && !label.chars().any(char::is_control);
    if ok {
        Ok(label)
    } else {
        Err(GroupError::Label)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_plain_and_stable() {
        for ok in ["staff", "team-a", "ops.oncall", "2fa_users"] {
            assert_eq!(check_name(ok), Ok(ok));
        }
        for bad in ["", "Staff", "-x", "a b", "팀", "a/b", &"a".repeat(65)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn labels_are_trimmed_and_printable() {
        assert_eq!(check_label("  영업팀 "), Ok("영업팀"));
        assert!(check_label(" ").is_err());
        assert!(check_label("a\nb").is_err());
    }
}
