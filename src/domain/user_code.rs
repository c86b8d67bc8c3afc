//! User codes of the device authorization grant (RFC 8628 §6.1): eight letters from an
//! alphabet without vowels or look-alikes (no words, no 0/O or 1/I), shown as `WDJB-MJHT`.
//! 20^8 ≈ 2.6·10¹⁰ codes: with entry limited per address and a code living minutes, guessing
//! one is hopeless (§5.1).
use rand::Rng;

const ALPHABET: &[u8; 20] = b"BCDFGHJKLMNPQRSTVWXZ";
const LEN: usize = 8;

/// A new code, as stored and compared (no dash).
pub fn generate() -> String {
    let mut rng = rand::rng();
    (0..LEN)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// A code as typed: case, spaces and dashes do not matter. `None` when it cannot be a code.
pub fn normalize(typed: &str) -> Option<String> {
    let plain: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (plain.len() == LEN && plain.bytes().all(|b| ALPHABET.contains(&b))).then_some(plain)
}

/// The code as shown: `WDJB-MJHT`.
pub fn display(code: &str) -> String {
    match code.get(..4).zip(code.get(4..)) {
        Some((a, b)) => format!("{a}-{b}"),
        None => code.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_eight_unambiguous_letters_typed_any_way() {
        let code = generate();
        assert_eq!(normalize(&code).as_deref(), Some(code.as_str()));
        let shown = display(&code);
        assert_eq!(shown.len(), 9);
        assert_eq!(normalize(&shown.to_lowercase()), Some(code.clone()));
        assert_eq!(normalize(" wdjb mjht "), Some("WDJBMJHT".into()));
        for bad in ["WDJB-MJH", "WDJB-MJHTX", "AEIO-UUUU", "0000-1111", ""] {
            assert_eq!(normalize(bad), None, "{bad}");
        }
        assert_ne!(generate(), generate());
    }
}
