//! Properties of `next`: whatever passes is a same-origin relative path.
use proptest::prelude::*;
use url::Url;

use super::{MAX_LEN, safe_next};
use crate::proptest_config::config;

/// Published open-redirect payloads; none may pass.
const BYPASSES: [&str; 24] = [
    "//evil.com",
    "///evil.com",
    "////evil.com",
    "/\\evil.com",
    "\\\\evil.com",
    "\\/evil.com",
    "https:evil.com",
    "https://evil.com",
    "javascript:alert(1)",
    "\njavascript:alert(1)",
    "\u{8}//evil.com",
    "http://ourhost\\@evil.com",
    "http:999999999",
    "/\t/evil.com",
    "/\n/evil.com",
    "/\r/evil.com",
    "\t//evil.com",
    "/%09/evil.com",
    "/%2f%2fevil.com",
    "/%5c%5cevil.com",
    "/%0d%0aLocation:%20//evil.com",
    "/ /evil.com",
    "/\u{3000}/evil.com",
    "/\u{a0}/evil.com",
];

/// The invariant: an accepted value is itself, a single-slash path without backslashes,
/// control or white space, that stays on our host when resolved against it.
fn check(raw: &str) -> Result<(), TestCaseError> {
    let Some(kept) = safe_next(raw) else {
        return Ok(());
    };
    prop_assert_eq!(kept, raw);
    prop_assert!(kept.starts_with('/') && !kept.starts_with("//"), "{kept:?}");
    prop_assert!(kept.len() <= MAX_LEN);
    prop_assert!(
        !kept
            .chars()
            .any(|c| c == '\\' || c.is_control() || c.is_whitespace()),
        "{kept:?}"
    );
    let base = Url::parse("https://idp.example/account").expect("base URL");
    let joined = base.join(kept).expect("a relative path resolves");
    prop_assert_eq!(joined.scheme(), "https");
    prop_assert_eq!(joined.host_str(), Some("idp.example"), "{:?}", kept);
    prop_assert_eq!(joined.port(), None);
    prop_assert!(joined.username().is_empty() && joined.password().is_none());
    // One round of percent-decoding must not create `//`, `\` or control characters either.
    let decoded = percent_decode(kept);
    prop_assert!(!decoded.starts_with(b"//"), "{kept:?}");
    prop_assert!(
        !decoded.iter().any(|&b| b == b'\\' || b < 0x20 || b == 0x7f),
        "{kept:?}"
    );
    Ok(())
}

fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
            .and_then(|h| std::str::from_utf8(h).ok());
        match hex
            .filter(|_| b[i] == b'%')
            .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(b[i]);
                i += 1;
            }
        }
    }
    out
}

#[test]
fn published_bypasses_are_refused() {
    for raw in BYPASSES {
        assert_eq!(safe_next(raw), None, "{raw:?}");
    }
}

proptest! {
    #![proptest_config(config(1000))]

    #[test]
    fn arbitrary_text_passes_only_as_a_local_path(raw in any::<String>()) {
        check(&raw)?;
    }

    #[test]
    fn hostile_alphabets_pass_only_as_local_paths(
        raw in "/?[/\\\\%2fF5cC09dDaA:@.?#&= \t\r\n\u{0}\u{8}\u{7f}\u{a0}\u{2028}\u{3000}\u{feff}evil]{0,16}"
    ) {
        check(&raw)?;
    }

    #[test]
    fn local_paths_with_a_prefix_stay_refused_when_they_start_like_a_host(
        sep in "[/\\\\]",
        tail in "[a-z./:@]{0,12}",
    ) {
        let raw = format!("/{sep}{tail}");
        prop_assert_eq!(safe_next(&raw), None);
    }

    #[test]
    fn plain_local_paths_are_kept(path in "(/[a-zA-Z0-9_.~-]{1,10}){1,4}(\\?[a-z]{1,5}=[a-z0-9]{0,5})?") {
        prop_assert_eq!(safe_next(&path), Some(path.as_str()));
    }
}
