//! People's passwords: the policy a new password must meet, and argon2id hashing.
//!
//! Hashes are PHC strings (`$argon2id$v=19$m=…`), so other algorithms can be recognised later
//! (for example imported Django hashes) and old parameters are upgraded at the next login.
use std::fmt;

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand::RngCore;

/// The stored hash of an account without a usable password: imported without one, or made at
/// a first login through an upstream provider. No password verifies against it.
pub const NO_PASSWORD: &str = "!";

/// Hard cap on what is hashed at all, so a megabyte "password" costs nothing (DoS guard).
pub const MAX_LEN: usize = 256;

/// A password as typed: compared exactly, never trimmed or case-folded; `Debug` redacts it,
/// so a form that holds one can be logged whole. Forms read it straight from the body.
#[derive(Clone, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct Password(String);

impl Password {
    pub fn new(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// Within the hashing cap (a longer one is refused before any hashing work).
    pub fn within_cap(&self) -> bool {
        self.0.chars().count() <= MAX_LEN
    }
}

/// Two typed passwords (a new one and its confirmation) compared in constant time.
impl PartialEq for Password {
    fn eq(&self, other: &Self) -> bool {
        super::secret::constant_time_eq(self.0.as_bytes(), other.0.as_bytes())
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// Why a new password was refused; each has its own message for the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordProblem {
    /// Shorter than the configured minimum.
    #[error("too short (at least {min} characters)")]
    TooShort { min: usize },
    /// Longer than [`MAX_LEN`].
    #[error("too long (at most {max} characters)")]
    TooLong { max: usize },
    /// Only digits.
    #[error("entirely numeric")]
    EntirelyNumeric,
    /// Too close to the email, username or name.
    #[error("too similar to personal information")]
    TooSimilar,
    /// On lists of common passwords, or guessable in under a million tries.
    #[error("too common")]
    TooCommon,
}

/// The rules a new password must meet.
#[derive(Debug, Clone, Copy)]
pub struct PasswordPolicy {
    pub min_length: usize,
}

/// Similarity at or above which a password counts as "too similar" (Django's default, 0.7).
const MAX_SIMILARITY: f64 = 0.7;

impl PasswordPolicy {
    /// Checks `password` against the rules; `personal` holds the email, username and names.
    pub fn check(&self, password: &Password, personal: &[&str]) -> Result<(), PasswordProblem> {
        let pw = password.expose();
        let len = pw.chars().count();
        if len < self.min_length {
            return Err(PasswordProblem::TooShort {
                min: self.min_length,
            });
        }
        if len > MAX_LEN {
            return Err(PasswordProblem::TooLong { max: MAX_LEN });
        }
        if pw.chars().all(|c| c.is_ascii_digit()) {
            return Err(PasswordProblem::EntirelyNumeric);
        }
        if too_similar(pw, personal) {
            return Err(PasswordProblem::TooSimilar);
        }
        let inputs: Vec<&str> = personal.iter().copied().filter(|s| !s.is_empty()).collect();
        if zxcvbn::zxcvbn(pw, &inputs).score() < zxcvbn::Score::Two {
            return Err(PasswordProblem::TooCommon);
        }
        Ok(())
    }
}

/// Compares the password with each personal value and with its parts split at non-word
/// characters (so `kim.minsu@example.com` also yields `kim`, `minsu`, `example`).
fn too_similar(password: &str, personal: &[&str]) -> bool {
    let pw = password.to_lowercase();
    personal.iter().any(|value| {
        let value = value.to_lowercase();
        std::iter::once(value.as_str())
            .chain(value.split(|c: char| !c.is_alphanumeric()))
            .filter(|part| part.chars().count() >= 3)
            .any(|part| {
                pw.contains(part) && part.len() * 2 >= pw.len()
                    || quick_ratio(&pw, part) >= MAX_SIMILARITY
            })
    })
}

/// An upper bound of the matching-characters ratio: 2·|common multiset| / (|a| + |b|).
fn quick_ratio(a: &str, b: &str) -> f64 {
    let mut counts = std::collections::HashMap::<char, i32>::new();
    for c in b.chars() {
        *counts.entry(c).or_default() += 1;
    }
    let mut matches = 0;
    for c in a.chars() {
        if let Some(n) = counts.get_mut(&c)
            && *n > 0
        {
            *n -= 1;
            matches += 1;
        }
    }
    let total = a.chars().count() + b.chars().count();
    if total == 0 {
        0.0
    } else {
        2.0 * matches as f64 / total as f64
    }
}

/// argon2id parameters; the defaults are OWASP's minimum (m=19456 KiB, t=2, p=1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for HashParams {
    fn default() -> Self {
        Self {
            memory_kib: 19_456,
            iterations: 2,
            parallelism: 1,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// The message of a hash refused because the pool's queue is full.
const BUSY: &str = "too many hashes waiting";

impl HashError {
    pub fn new(msg: &str) -> Self {
        Self(msg.to_owned())
    }

    /// The pool is saturated: the caller should answer "busy, retry" rather than wait.
    pub fn busy() -> Self {
        Self(BUSY.to_owned())
    }

    pub fn is_busy(&self) -> bool {
        self.0 == BUSY
    }
}

fn argon2(params: HashParams) -> Result<Argon2<'static>, HashError> {
    let params = Params::new(
        params.memory_kib,
        params.iterations,
        params.parallelism,
        None,
    )
    .map_err(|e| HashError(e.to_string()))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password into a PHC string with a fresh random salt. CPU-heavy: run it off the
/// async runtime.
pub fn hash(password: &Password, params: HashParams) -> Result<String, HashError> {
    hash_with(password, params, &mut Memory::default())
}

/// [`hash`] in `memory` (see [`Memory`]): argon2id, version 0x13, a 16-byte random salt and
/// a 32-byte output, written as `$argon2id$v=19$m=…,t=…,p=…$salt$hash`.
pub fn hash_with(
    password: &Password,
    params: HashParams,
    memory: &mut Memory,
) -> Result<String, HashError> {
    let hasher = argon2(params)?;
    let salt = random_salt()?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    let blocks = memory.blocks(hasher.params().block_count());
    hasher
        .hash_password_into_with_memory(
            password.expose().as_bytes(),
            salt.as_ref(),
            &mut out,
            blocks,
        )
        .map_err(|e| HashError(e.to_string()))?;
    phc_string(hasher.params(), salt, &out)
}

/// A well-formed hash with the current parameters whose output is random bytes, not the hash
/// of any password: verifying against it costs exactly what a real hash costs and fails for
/// every password (a 2⁻²⁵⁶ chance aside). Stands in for the hash of an account that does not
/// exist, and is made without running argon2.
pub fn unmatchable(params: HashParams) -> Result<String, HashError> {
    let hasher = argon2(params)?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    rand::rng().fill_bytes(&mut out);
    phc_string(hasher.params(), random_salt()?, &out)
}

fn random_salt() -> Result<Salt, HashError> {
    let mut bytes = [0u8; Salt::RECOMMENDED_LENGTH];
    rand::rng().fill_bytes(&mut bytes);
    Salt::new(&bytes).map_err(|e| HashError(e.to_string()))
}

fn phc_string(params: &Params, salt: Salt, out: &[u8]) -> Result<String, HashError> {
    let err = |e: &dyn fmt::Display| HashError(e.to_string());
    Ok(PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(params).map_err(|e| err(&e))?,
        salt: Some(salt),
        hash: Some(Output::new(out).map_err(|e| err(&e))?),
    }
    .to_string())
}

/// The outcome of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verified {
    /// Wrong password, or a hash we cannot read.
    No,
    /// Right password, hash parameters current.
    Yes,
    /// Right password; the hash should be recomputed with the current parameters.
    YesRehash,
}

/// argon2's working memory (`m` KiB), kept from one verification to the next so a hashing
/// slot allocates it once instead of once per login: a fresh 19 MiB block per login stays
/// in the allocator's per-thread arenas and swells the resident memory.
#[derive(Default)]
pub struct Memory(Vec<Block>);

impl Memory {
    /// The memory held, in KiB (an argon2 block is 1 KiB).
    pub fn kib(&self) -> usize {
        self.0.len()
    }

    /// At least `count` blocks. Each hash writes every block before it reads it, so what an
    /// earlier hash left there does not matter.
    fn blocks(&mut self, count: usize) -> &mut [Block] {
        if self.0.len() < count {
            self.0 = vec![Block::new(); count];
        }
        &mut self.0[..count]
    }
}

/// Verifies in constant time and says whether the hash is out of date.
pub fn verify(password: &Password, phc: &str, current: HashParams) -> Verified {
    verify_with(password, phc, current, &mut Memory::default())
}

/// [`verify`] in `memory`: the hash is recomputed with the algorithm, version, parameters and
/// salt the PHC string names and compared in constant time (`Output`'s equality).
pub fn verify_with(
    password: &Password,
    phc: &str,
    current: HashParams,
    memory: &mut Memory,
) -> Verified {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return Verified::No;
    };
    let (Some(salt), Some(expected)) = (&parsed.salt, &parsed.hash) else {
        return Verified::No;
    };
    let Ok(algorithm) = Algorithm::try_from(parsed.algorithm.as_str()) else {
        return Verified::No;
    };
    let Ok(version) = parsed.version.map(Version::try_from).transpose() else {
        return Verified::No;
    };
    // The output length comes from the stored hash.
    let Ok(params) = Params::try_from(&parsed) else {
        return Verified::No;
    };
    let count = params.block_count();
    let hasher = Argon2::new(algorithm, version.unwrap_or_default(), params.clone());
    let mut buffer = [0u8; Output::MAX_LENGTH];
    let Some(out) = buffer.get_mut(..expected.len()) else {
        return Verified::No;
    };
    if hasher
        .hash_password_into_with_memory(
            password.expose().as_bytes(),
            salt.as_ref(),
            out,
            memory.blocks(count),
        )
        .is_err()
    {
        return Verified::No;
    }
    if Output::new(out).ok().as_ref() != Some(expected) {
        return Verified::No;
    }
    let outdated = algorithm != Algorithm::Argon2id
        || params.m_cost() < current.memory_kib
        || params.t_cost() < current.iterations
        || params.p_cost() != current.parallelism;
    if outdated {
        Verified::YesRehash
    } else {
        Verified::Yes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::password_hash::PasswordHasher;

    fn policy() -> PasswordPolicy {
        PasswordPolicy { min_length: 8 }
    }

    #[test]
    fn each_rule_has_its_own_problem() {
        let p = policy();
        let who = ["minsu.kim@example.com", "minsu", "Kim Minsu"];
        assert_eq!(
            p.check(&Password::new("short"), &who),
            Err(PasswordProblem::TooShort { min: 8 })
        );
        assert_eq!(
            p.check(&Password::new("x".repeat(257)), &who),
            Err(PasswordProblem::TooLong { max: 256 })
        );
        assert_eq!(
            p.check(&Password::new("80123456789"), &who),
            Err(PasswordProblem::EntirelyNumeric)
        );
        assert_eq!(
            p.check(&Password::new("minsukim1"), &who),
            Err(PasswordProblem::TooSimilar)
        );
        assert_eq!(
            p.check(&Password::new("password1"), &who),
            Err(PasswordProblem::TooCommon)
        );
        assert_eq!(
            p.check(&Password::new("correct-Horse-battery-9"), &who),
            Ok(())
        );
    }

    #[test]
    fn any_unicode_with_spaces_is_accepted_as_typed() {
        let p = policy();
        assert_eq!(
            p.check(&Password::new("대문 앞에 핀 노란 개나리 꽃"), &[]),
            Ok(())
        );
    }

    #[test]
    fn debug_never_shows_the_password() {
        assert_eq!(format!("{:?}", Password::new("hunter2")), "Password(***)");
    }

    #[test]
    fn hash_then_verify_and_detect_outdated_parameters() {
        let weak = HashParams {
            memory_kib: 1024,
            iterations: 1,
            parallelism: 1,
        };
        let pw = Password::new("correct-Horse-battery-9");
        let h = hash(&pw, weak).unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"));
        assert_eq!(verify(&pw, &h, weak), Verified::Yes);
        assert_eq!(verify(&Password::new("wrong"), &h, weak), Verified::No);
        assert_eq!(verify(&pw, &h, HashParams::default()), Verified::YesRehash);
        assert_eq!(verify(&pw, "not a hash", weak), Verified::No);
    }

    #[test]
    fn hashes_in_a_kept_memory_verify_and_differ_by_salt() {
        let weak = HashParams {
            memory_kib: 1024,
            iterations: 1,
            parallelism: 1,
        };
        let pw = Password::new("correct-Horse-battery-9");
        let mut memory = Memory::default();
        let a = hash_with(&pw, weak, &mut memory).unwrap();
        let b = hash_with(&pw, weak, &mut memory).unwrap();
        assert_eq!(memory.kib(), 1024);
        assert_ne!(a, b, "each hash has its own salt");
        for h in [&a, &b] {
            assert!(h.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"), "{h}");
            assert_eq!(verify(&pw, h, weak), Verified::Yes);
            assert_eq!(verify(&Password::new("wrong-one"), h, weak), Verified::No);
        }
    }

    #[test]
    fn the_unmatchable_hash_is_well_formed_and_matches_nothing() {
        let weak = HashParams {
            memory_kib: 1024,
            iterations: 1,
            parallelism: 1,
        };
        let u = unmatchable(weak).unwrap();
        assert!(u.starts_with("$argon2id$v=19$m=1024,t=1,p=1$"), "{u}");
        let parsed = PasswordHash::new(&u).unwrap();
        assert_eq!(parsed.hash.map(|h| h.len()), Some(32));
        assert_ne!(unmatchable(weak).unwrap(), u);
        for guess in ["", "correct-Horse-battery-9", "password"] {
            assert_eq!(verify(&Password::new(guess), &u, weak), Verified::No);
        }
    }

    #[test]
    fn one_memory_serves_hashes_of_any_size_and_kind() {
        let pw = Password::new("correct-Horse-battery-9");
        let params = |memory_kib| HashParams {
            memory_kib,
            iterations: 1,
            parallelism: 1,
        };
        let (small, large) = (
            hash(&pw, params(1024)).unwrap(),
            hash(&pw, params(4096)).unwrap(),
        );
        // argon2i and argon2d hashes from the crate itself, with a 16-byte output.
        let other = |alg| {
            let p = Params::new(1024, 1, 1, Some(16)).unwrap();
            Argon2::new(alg, Version::V0x13, p)
                .hash_password(pw.expose().as_bytes())
                .unwrap()
                .to_string()
        };
        let (i, d) = (other(Algorithm::Argon2i), other(Algorithm::Argon2d));
        let mut memory = Memory::default();
        for _ in 0..2 {
            for h in [&large, &small, &i, &d] {
                let fresh = verify(&pw, h, params(1024));
                assert_eq!(verify_with(&pw, h, params(1024), &mut memory), fresh, "{h}");
                assert_ne!(fresh, Verified::No, "{h}");
                let wrong = Password::new("correct-Horse-battery-8");
                assert_eq!(
                    verify_with(&wrong, h, params(1024), &mut memory),
                    Verified::No
                );
            }
        }
        assert_eq!(
            verify_with(&pw, &large, params(1024), &mut memory),
            Verified::Yes
        );
        assert_eq!(
            verify_with(&pw, &i, params(1024), &mut memory),
            Verified::YesRehash
        );
    }
}
