//! Properties of email addresses: normalisation is stable and decides uniqueness; nothing
//! that could inject a header or smuggle a second address passes.
use proptest::prelude::*;

use super::{EmailAddress, MAX_LEN, normalize};
use crate::proptest_config::config;

/// Addresses as people type them: mixed case, plus tags, some non-ASCII and full-width forms.
fn typed_address() -> impl Strategy<Value = String> {
    (
        "[a-zA-Z0-9+_\u{e9}\u{fc}\u{131}\u{130}\u{ff41}-\u{ff5a}\u{ff21}-\u{ff3a}\u{ff20}\u{ff0e}\u{2024}\u{fe6b}\u{ff02}\u{a8}\u{3a3}\u{1e9e}\u{212a}\u{2160}]{1,12}(\\.[a-zA-Z0-9+]{1,6})?",
        "[a-zA-Z0-9\u{fc}]{1,10}(\\.[a-zA-Z]{2,6}){1,2}",
        "[ \t]{0,2}",
    )
        .prop_map(|(local, domain, pad)| format!("{pad}{local}@{domain}{pad}"))
}

fn any_input() -> impl Strategy<Value = String> {
    prop_oneof![
        typed_address(),
        any::<String>(),
        "[a-zA-Z@.\r\n\u{0} \t\u{ff20}\u{ff0e}]{0,20}"
    ]
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn normalising_twice_changes_nothing(raw in any_input()) {
        if let Some(once) = normalize(&raw) {
            prop_assert_eq!(normalize(&once), Some(once.clone()), "{:?}", raw);
        }
    }

    #[test]
    fn a_parsed_address_is_one_clean_address(raw in any_input()) {
        if let Ok(e) = EmailAddress::parse(&raw) {
            for s in [e.as_str(), e.normalized()] {
                prop_assert_eq!(s.matches('@').count(), 1, "{:?} → {:?}", raw, s);
                prop_assert!(!s.chars().any(|c| c.is_control() || c.is_whitespace()), "{s:?}");
                prop_assert!(!s.contains(['\r', '\n', '\0']));
                let (local, domain) = s.split_once('@').expect("one @");
                prop_assert!(!local.is_empty() && !local.starts_with('.') && !local.ends_with('.'));
                prop_assert!(!local.contains(".."), "{s:?}");
                prop_assert!((domain.is_ascii() && domain.contains('.')) || domain == "localhost");
            }
            prop_assert!(e.as_str().len() <= MAX_LEN);
            // The stored address parses back to the same account.
            prop_assert_eq!(normalize(e.as_str()), Some(e.normalized().to_owned()));
        }
    }

    #[test]
    fn case_and_surrounding_blanks_do_not_make_another_account(raw in typed_address()) {
        if let Some(key) = normalize(&raw) {
            let (local, domain) = raw.trim().rsplit_once('@').expect("one @");
            for variant in [
                format!("{local}@{}", domain.to_uppercase()),
                format!("{}@{domain}", local.to_ascii_uppercase()),
                format!("{}@{domain}", local.to_ascii_lowercase()),
                format!(" \t{local}@{domain}\t "),
            ] {
                prop_assert_eq!(normalize(&variant), Some(key.clone()), "{:?}", variant);
            }
        }
    }

    #[test]
    fn line_breaks_and_nul_never_pass(
        a in "[a-z]{0,6}", b in "[a-z]{0,6}", bad in "[\r\n\u{0}\u{85}\u{2028}]",
    ) {
        for raw in [format!("{a}{bad}{b}@example.com"), format!("{a}@exa{bad}mple.com"), format!("{a}@example.com{bad}{b}")] {
            prop_assert!(EmailAddress::parse(&raw).is_err(), "{raw:?}");
        }
    }
}
