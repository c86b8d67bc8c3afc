//! Optional usernames: a second way to name an account at login.
use unicode_normalization::UnicodeNormalization;

pub const MIN_LEN: usize = 3;
pub const MAX_LEN: usize = 30;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Username {
    name: String,
    normalized: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("usernames are 3–30 letters, digits, '.', '_' or '-'")]
pub struct UsernameError;

impl Username {
    /// Letters and digits of any script plus `.`, `_`, `-`; never `@`, so a login identifier
    /// with `@` is always an email address.
    pub fn parse(input: &str) -> Result<Self, UsernameError> {
        let name: String = input.trim().nfc().collect();
        let count = name.chars().count();
        if !(MIN_LEN..=MAX_LEN).contains(&count)
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-'))
        {
            return Err(UsernameError);
        }
        let normalized = normalize(&name);
        Ok(Self { name, normalized })
    }

    pub fn as_str(&self) -> &str {
        &self.name
    }

    pub fn normalized(&self) -> &str {
        &self.normalized
    }
}

/// Case-insensitive key for uniqueness and look-up.
pub fn normalize(input: &str) -> String {
    input.trim().nfkc().collect::<String>().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_compare_case_insensitively() {
        let a = Username::parse("Alice_01").unwrap();
        assert_eq!(a.as_str(), "Alice_01");
        assert_eq!(a.normalized(), "alice_01");
    }

    #[test]
    fn korean_usernames_are_allowed() {
        assert!(Username::parse("홍길동").is_ok());
    }

    #[test]
    fn bad_usernames_are_refused() {
        for bad in [
            "ab",
            "a@b.com",
            "has space",
            "x".repeat(31).as_str(),
            "semi;colon",
            "a\nb",
        ] {
            assert_eq!(Username::parse(bad), Err(UsernameError), "{bad:?}");
        }
    }
}
