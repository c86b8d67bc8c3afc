//! Email addresses as people type them, and the normalised form used for uniqueness.
//!
//! The stored address keeps the local part as typed (NFC) and the domain in its ASCII
//! (IDNA) form; `normalized` is NFKC + lower case, so `Mike@Example.ORG` and `mike@example.org`
//! are one account while a look-alike such as `mıke@example.org` stays another (CVE-2019-19844).
use unicode_normalization::UnicodeNormalization;

/// Longest address accepted (RFC 5321 §4.5.3.1.3 path limit less the brackets).
pub const MAX_LEN: usize = 254;
const MAX_LOCAL_LEN: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress {
    address: String,
    normalized: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    /// Nothing was entered.
    #[error("an email address is required")]
    Empty,
    /// The text is not an address we can deliver to.
    #[error("not a valid email address")]
    Invalid,
}

impl EmailAddress {
    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let trimmed = input.trim_matches(|c: char| c == ' ' || c == '\t');
        if trimmed.is_empty() {
            return Err(EmailError::Empty);
        }
        // Control characters (CR/LF header injection, NUL, …) are never part of an address.
        if trimmed.chars().any(|c| c.is_control() || c.is_whitespace()) {
            return Err(EmailError::Invalid);
        }
        if trimmed.len() > MAX_LEN {
            return Err(EmailError::Invalid);
        }
        let (local, domain) = trimmed.rsplit_once('@').ok_or(EmailError::Invalid)?;
        let local: String = local.nfc().collect();
        if local.len() > MAX_LOCAL_LEN || !local_part_ok(&local) {
            return Err(EmailError::Invalid);
        }
        // Compatibility forms can turn into what the typed form may not hold (`﹫` into `@`,
        // `¨` into a space): the key must obey the same rules, or one key could stand for two
        // different-looking addresses and would not normalise to itself.
        let key = local.nfkc().collect::<String>().to_lowercase();
        if !local_part_ok(&key) {
            return Err(EmailError::Invalid);
        }
        let domain = parse_domain(domain)?;
        let address = format!("{local}@{domain}");
        if address.len() > MAX_LEN {
            return Err(EmailError::Invalid);
        }
        let normalized = format!("{key}@{domain}");
        Ok(Self {
            address,
            normalized,
        })
    }

    /// The address to send mail to.
    pub fn as_str(&self) -> &str {
        &self.address
    }

    /// The key that decides whether two addresses are the same account.
    pub fn normalized(&self) -> &str {
        &self.normalized
    }
}

/// Normalises a string the way [`EmailAddress::normalized`] does, for look-ups by a typed value.
pub fn normalize(input: &str) -> Option<String> {
    EmailAddress::parse(input).ok().map(|e| e.normalized)
}

fn local_part_ok(local: &str) -> bool {
    !local.is_empty()
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && !local
            .chars()
            .any(|c| c.is_control() || c.is_whitespace() || "\"(),:;<>@[\\]`".contains(c))
}

fn parse_domain(domain: &str) -> Result<String, EmailError> {
    if domain.is_empty() || domain.ends_with('.') || domain.starts_with('.') {
        return Err(EmailError::Invalid);
    }
    let ascii = idna::domain_to_ascii(domain).map_err(|_| EmailError::Invalid)?;
    let labels_ok = ascii.split('.').all(|label| {
        !label.is_empty()
            && label.len() <= 63
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    });
    if !labels_ok || (!ascii.contains('.') && ascii != "localhost") {
        return Err(EmailError::Invalid);
    }
    Ok(ascii)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_differences_normalise_to_one_account() {
        let a = EmailAddress::parse("Mike@Example.ORG").unwrap();
        let b = EmailAddress::parse(" mike@example.org ").unwrap();
        assert_eq!(a.normalized(), b.normalized());
        assert_eq!(a.as_str(), "Mike@example.org");
    }

    #[test]
    fn look_alike_dotless_i_stays_a_different_account() {
        let real = EmailAddress::parse("mike@example.org").unwrap();
        let fake = EmailAddress::parse("mıke@example.org").unwrap();
        assert_ne!(real.normalized(), fake.normalized());
    }

    #[test]
    fn fullwidth_characters_fold_to_ascii_for_uniqueness() {
        let a = EmailAddress::parse("ｍｉｋｅ@example.org").unwrap();
        assert_eq!(a.normalized(), "mike@example.org");
    }

    #[test]
    fn idn_domains_are_stored_in_ascii() {
        let a = EmailAddress::parse("user@bücher.example").unwrap();
        assert_eq!(a.as_str(), "user@xn--bcher-kva.example");
    }

    #[test]
    fn header_injection_and_garbage_are_refused() {
        for bad in [
            "a@b.com\r\nBcc: x@y.com",
            "a@b.com\n",
            "a\0@b.com",
            "no-at-sign",
            "@b.com",
            "a@",
            "a@b.com.",
            "a@.b.com",
            "a b@c.com",
            "a..b@c.com",
            ".a@c.com",
            "a@b",
            "a@-b.com",
            "a<b>@c.com",
        ] {
            assert_eq!(
                EmailAddress::parse(bad),
                Err(EmailError::Invalid),
                "{bad:?}"
            );
        }
        assert_eq!(EmailAddress::parse("  "), Err(EmailError::Empty));
    }

    #[test]
    fn compatibility_forms_that_normalise_to_forbidden_characters_are_refused() {
        // `﹫` and `＠` fold to `@`, `．．` to `..`, `¨` to a space and a combining mark.
        for bad in [
            "\u{fe6b}@a.example",
            "a\u{ff20}b@c.example",
            "a\u{ff0e}\u{ff0e}b@c.example",
            "a\u{a8}@c.example",
        ] {
            assert_eq!(
                EmailAddress::parse(bad),
                Err(EmailError::Invalid),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn plus_tags_and_localhost_are_accepted() {
        assert!(EmailAddress::parse("a+tag@example.com").is_ok());
        assert!(EmailAddress::parse("dev@localhost").is_ok());
    }

    #[test]
    fn overlong_addresses_are_refused() {
        let long = format!("{}@example.com", "a".repeat(65));
        assert_eq!(EmailAddress::parse(&long), Err(EmailError::Invalid));
    }
}

#[cfg(test)]
mod props;
