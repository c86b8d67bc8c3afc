//! Recovery codes: the way in when every other second factor is lost. Ten at a time, each
//! single-use, sixteen random symbols written as four groups of four (`k7qx-m2fd-9wra-tz4e`)
//! from 31 letters and digits without look-alikes (no 0/o, 1/l/i): 79 random bits. Only their
//! SHA-256 is stored: with 79 bits a code cannot be found from its hash by trying.
use rand::Rng;

use super::secret::sha256;

/// Codes issued at once.
pub const COUNT: usize = 10;
const GROUPS: usize = 4;
const GROUP_LEN: usize = 4;
const ALPHABET: &[u8; 31] = b"23456789abcdefghjkmnpqrstuvwxyz";

/// A code as shown to the person once.
#[derive(Clone, PartialEq, Eq)]
pub struct RecoveryCode(String);

impl std::fmt::Debug for RecoveryCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryCode(***)")
    }
}

impl RecoveryCode {
    /// [`COUNT`] new codes.
    pub fn generate_set() -> Vec<Self> {
        (0..COUNT).map(|_| Self::generate()).collect()
    }

    fn generate() -> Self {
        let mut rng = rand::rng();
        let groups: Vec<String> = (0..GROUPS)
            .map(|_| {
                (0..GROUP_LEN)
                    .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
                    .collect()
            })
            .collect();
        Self(groups.join("-"))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What is stored.
    pub fn hash(&self) -> Vec<u8> {
        sha256(self.0.as_bytes())
    }

    /// A code as typed: case, spaces and dashes do not matter. `None` when it cannot be a
    /// code at all (wrong length or a symbol outside the alphabet), so nothing is looked up.
    pub fn from_typed(typed: &str) -> Option<Self> {
        let plain: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let valid =
            plain.len() == GROUPS * GROUP_LEN && plain.bytes().all(|b| ALPHABET.contains(&b));
        if !valid {
            return None;
        }
        let groups: Vec<&str> = (0..GROUPS)
            .map(|g| &plain[g * GROUP_LEN..(g + 1) * GROUP_LEN])
            .collect();
        Some(Self(groups.join("-")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_is_ten_distinct_well_formed_codes() {
        let set = RecoveryCode::generate_set();
        assert_eq!(set.len(), COUNT);
        let distinct: std::collections::HashSet<&str> = set.iter().map(|c| c.expose()).collect();
        assert_eq!(distinct.len(), COUNT);
        for c in &set {
            assert_eq!(c.expose().len(), 19, "{}", c.expose());
            assert_eq!(RecoveryCode::from_typed(c.expose()).as_ref(), Some(c));
        }
    }

    #[test]
    fn typing_is_forgiving_about_case_spaces_and_dashes_only() {
        let c = RecoveryCode::from_typed("k7qx-m2fd-9wra-tz4e").unwrap();
        for typed in [
            "K7QX M2FD 9WRA TZ4E",
            "k7qxm2fd9wratz4e",
            " k7qx-m2fd-9wra-tz4e ",
        ] {
            assert_eq!(
                RecoveryCode::from_typed(typed).as_ref(),
                Some(&c),
                "{typed}"
            );
            assert_eq!(RecoveryCode::from_typed(typed).unwrap().hash(), c.hash());
        }
        for bad in [
            "",
            "k7qx-m2fd-9wra",
            "k7qx-m2fd-9wra-tz4e-aaaa",
            "o7qx-m2fd-9wra-tz4e",
            "k7qx-m2fd-9wra-tz4#",
        ] {
            assert!(RecoveryCode::from_typed(bad).is_none(), "{bad}");
        }
        assert_eq!(format!("{c:?}"), "RecoveryCode(***)");
    }
}
