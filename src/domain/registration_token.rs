//! Initial access tokens for dynamic client registration (RFC 7591 §3): the rules the command
//! line and the admin console share. A token is a [`SecretToken`](super::secret::SecretToken)
//! kept as its SHA-256; people name it by an id, the first 8 bytes of that hash in hex.

/// Bytes of the hash that make up a token's id.
const ID_BYTES: usize = 8;

/// The label of a new token, trimmed: 1 to 100 printable characters, or `None`.
pub fn clean_label(raw: &str) -> Option<&str> {
    let label = raw.trim();
    let ok =
        !label.is_empty() && label.chars().count() <= 100 && !label.chars().any(char::is_control);
    ok.then_some(label)
}

/// The id shown for the token whose hash is `hash`.
pub fn id_of(hash: &[u8]) -> String {
    hash.iter()
        .take(ID_BYTES)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The hash prefix an id stands for: `None` unless it is 16 hex digits.
pub fn parse_id(id: &str) -> Option<Vec<u8>> {
    let id = id.trim();
    if id.len() != 2 * ID_BYTES || !id.is_ascii() {
        return None;
    }
    (0..id.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&id[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_trimmed_printable_and_short() {
        assert_eq!(clean_label("  Billing team "), Some("Billing team"));
        assert_eq!(clean_label("모바일 앱"), Some("모바일 앱"));
        assert_eq!(clean_label("   "), None);
        assert_eq!(clean_label("a\u{7}b"), None);
        assert_eq!(
            clean_label(&"가".repeat(100)),
            Some("가".repeat(100).as_str())
        );
        assert_eq!(clean_label(&"a".repeat(101)), None);
    }

    #[test]
    fn ids_round_trip_and_odd_ones_are_refused() {
        let hash = [0xab_u8, 1, 2, 3, 4, 5, 6, 0xff, 9, 9];
        let id = id_of(&hash);
        assert_eq!(id, "ab010203040506ff");
        assert_eq!(parse_id(&id).as_deref(), Some(&hash[..8]));
        assert_eq!(parse_id(" AB010203040506FF ").as_deref(), Some(&hash[..8]));
        for bad in [
            "",
            "ab01",
            "ab010203040506fg",
            "ab010203040506ff00",
            "가나다라마바사아",
        ] {
            assert_eq!(parse_id(bad), None, "{bad}");
        }
    }
}
