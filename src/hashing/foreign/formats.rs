//! Each format read into what to compute, with every field decoded and every cost checked
//! against the caps before any hashing work.
use argon2::password_hash::phc::PasswordHash;
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use md5::Md5;
use pbkdf2::sha2::{Digest, Sha256, Sha512};
use pbkdf2::{pbkdf2_hmac, pbkdf2_hmac_with_params};
use sha1::Sha1;

use super::{
    ForeignHashError, Kind, MAX_ARGON2_ITERATIONS, MAX_ARGON2_MEMORY_KIB, MAX_BCRYPT_COST,
    MAX_PBKDF2_ITERATIONS, MAX_SCRYPT_MEMORY, MAX_SCRYPT_PARALLELISM, kind,
};
use crate::domain::secret::constant_time_eq;

#[derive(Clone, Copy)]
pub(super) enum Prf {
    Sha1,
    Sha256,
    Sha512,
}

/// What to compute, with every field decoded and every cost within the caps.
pub(super) enum Recipe<'a> {
    Nothing,
    Pbkdf2 {
        prf: Prf,
        iterations: u32,
        salt: Vec<u8>,
        hash: Vec<u8>,
    },
    Argon2 {
        hasher: Box<Argon2<'static>>,
        salt: Vec<u8>,
        hash: Vec<u8>,
    },
    /// A crypt(3) bcrypt string; `sha256_hex` for Django's `bcrypt_sha256`.
    Bcrypt {
        hash: &'a str,
        sha256_hex: bool,
    },
    Scrypt {
        params: scrypt::Params,
        salt: &'a [u8],
        hash: Vec<u8>,
    },
    Md5 {
        salt: &'a [u8],
        hash: Vec<u8>,
    },
}

impl Recipe<'_> {
    pub(super) fn matches(&self, password: &[u8]) -> bool {
        match self {
            Recipe::Nothing => false,
            Recipe::Pbkdf2 {
                prf,
                iterations,
                salt,
                hash,
            } => {
                let mut out = vec![0u8; hash.len()];
                let (rounds, len) = (*iterations, out.len());
                // The crate's SHA-2 entry point is compiled inside it, so its profile override
                // makes debug builds fast too; it wants 1,000+ rounds and 10 to 64 bytes.
                match (prf, pbkdf2::Params::new_with_output_len(rounds, len)) {
                    (Prf::Sha256, Ok(params)) => {
                        let sha256 = pbkdf2::Algorithm::Pbkdf2Sha256;
                        pbkdf2_hmac_with_params(password, salt, sha256, params, &mut out);
                    }
                    (Prf::Sha512, Ok(params)) => {
                        let sha512 = pbkdf2::Algorithm::Pbkdf2Sha512;
                        pbkdf2_hmac_with_params(password, salt, sha512, params, &mut out);
                    }
                    (Prf::Sha256, Err(_)) => {
                        pbkdf2_hmac::<Sha256>(password, salt, rounds, &mut out)
                    }
                    (Prf::Sha512, Err(_)) => {
                        pbkdf2_hmac::<Sha512>(password, salt, rounds, &mut out)
                    }
                    (Prf::Sha1, _) => pbkdf2_hmac::<Sha1>(password, salt, rounds, &mut out),
                }
                constant_time_eq(&out, hash)
            }
            Recipe::Argon2 { hasher, salt, hash } => {
                let mut out = vec![0u8; hash.len()];
                hasher.hash_password_into(password, salt, &mut out).is_ok()
                    && constant_time_eq(&out, hash)
            }
            Recipe::Bcrypt { hash, sha256_hex } => {
                let verdict = if *sha256_hex {
                    bcrypt::verify(lower_hex(&Sha256::digest(password)), hash)
                } else {
                    bcrypt::verify(password, hash)
                };
                verdict.unwrap_or(false)
            }
            Recipe::Scrypt { params, salt, hash } => {
                let mut out = vec![0u8; hash.len()];
                scrypt::scrypt(password, salt, params, &mut out).is_ok()
                    && constant_time_eq(&out, hash)
            }
            Recipe::Md5 { salt, hash } => {
                let mut md5 = Md5::new();
                md5.update(salt);
                md5.update(password);
                constant_time_eq(&md5.finalize(), hash)
            }
        }
    }
}

fn lower_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 15)]])
        .map(char::from)
        .collect()
}

pub(super) fn parse(stored: &str) -> Result<(Kind, Recipe<'_>), ForeignHashError> {
    let Some(kind) = is_native(stored)
        .then_some(Kind::Argon2)
        .or_else(|| kind(stored))
    else {
        let name = stored.strip_prefix('$').unwrap_or(stored);
        let prefix = name.split_once('$').map_or("", |(p, _)| p);
        return Err(ForeignHashError::Unknown {
            prefix: prefix.chars().take(24).collect(),
        });
    };
    let bad = |problem| ForeignHashError::Malformed { kind, problem };
    let recipe = match kind {
        Kind::Unusable => Recipe::Nothing,
        Kind::DjangoPbkdf2Sha256 => django_pbkdf2(kind, Prf::Sha256, 32, stored)?,
        Kind::DjangoPbkdf2Sha1 => django_pbkdf2(kind, Prf::Sha1, 20, stored)?,
        Kind::Pbkdf2Sha1 => pbkdf2_string(kind, Prf::Sha1, stored)?,
        Kind::Pbkdf2Sha256 => pbkdf2_string(kind, Prf::Sha256, stored)?,
        Kind::Pbkdf2Sha512 => pbkdf2_string(kind, Prf::Sha512, stored)?,
        Kind::DjangoArgon2 => {
            let phc = stored.strip_prefix("argon2").unwrap_or_default();
            if !is_native(phc) {
                return Err(bad(
                    "`argon2` is not followed by `$argon2id$` or `$argon2i$`",
                ));
            }
            argon2_phc(kind, phc)?
        }
        Kind::DjangoBcryptSha256 | Kind::DjangoBcrypt | Kind::Bcrypt => {
            let hash = match kind {
                Kind::DjangoBcryptSha256 => stored.strip_prefix("bcrypt_sha256$"),
                Kind::DjangoBcrypt => stored.strip_prefix("bcrypt$"),
                _ => Some(stored),
            };
            bcrypt_string(kind, hash.unwrap_or_default())?
        }
        Kind::DjangoScrypt => django_scrypt(stored)?,
        Kind::DjangoMd5 => {
            let mut fields = stored.splitn(3, '$').skip(1);
            let (Some(salt), Some(hex)) = (fields.next(), fields.next()) else {
                return Err(bad("expected md5$<salt>$<hex digest>"));
            };
            if salt.is_empty() {
                return Err(bad("the salt is empty"));
            }
            let hash = from_lower_hex(hex)
                .filter(|h| h.len() == 16)
                .ok_or(bad("the digest is not 32 lowercase hex digits"))?;
            Recipe::Md5 {
                salt: salt.as_bytes(),
                hash,
            }
        }
        Kind::Argon2 => argon2_phc(kind, stored)?,
    };
    Ok((kind, recipe))
}

fn is_native(stored: &str) -> bool {
    ["$argon2id$", "$argon2i$", "$argon2d$"]
        .iter()
        .any(|p| stored.starts_with(p))
}

fn from_lower_hex(hex: &str) -> Option<Vec<u8>> {
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        _ => None,
    };
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    hex.as_bytes()
        .chunks(2)
        .map(|pair| Some(digit(pair[0])? << 4 | digit(pair[1])?))
        .collect()
}

/// A decimal count as the formats write it: digits only.
fn number(text: &str) -> Option<u64> {
    let digits = !text.is_empty() && text.len() <= 19 && text.bytes().all(|b| b.is_ascii_digit());
    digits.then(|| text.parse().ok()).flatten()
}

/// `value` if it is at most `max`, else the cap error.
fn capped(kind: Kind, what: &'static str, value: u64, max: u64) -> Result<u64, ForeignHashError> {
    if value > max {
        return Err(ForeignHashError::TooCostly {
            kind,
            what,
            value,
            max,
        });
    }
    Ok(value)
}

fn iterations(kind: Kind, text: &str) -> Result<u32, ForeignHashError> {
    let bad = |problem| ForeignHashError::Malformed { kind, problem };
    let n = number(text).ok_or(bad("the iteration count is not a number"))?;
    if n == 0 {
        return Err(bad("the iteration count is 0"));
    }
    let n = capped(kind, "iterations", n, MAX_PBKDF2_ITERATIONS)?;
    u32::try_from(n).map_err(|_| bad("the iteration count is too large"))
}

fn django_pbkdf2(
    kind: Kind,
    prf: Prf,
    len: usize,
    stored: &str,
) -> Result<Recipe<'_>, ForeignHashError> {
    let bad = |problem| ForeignHashError::Malformed { kind, problem };
    let fields: Vec<&str> = stored.splitn(4, '$').collect();
    let [_, count, salt, b64] = fields[..] else {
        return Err(bad("expected <algorithm>$<iterations>$<salt>$<hash>"));
    };
    let iterations = iterations(kind, count)?;
    if salt.is_empty() {
        return Err(bad("the salt is empty"));
    }
    let hash = STANDARD
        .decode(b64)
        .map_err(|_| bad("the hash is not base64 with padding"))?;
    if hash.len() != len {
        return Err(bad("the hash is not as long as the digest"));
    }
    Ok(Recipe::Pbkdf2 {
        prf,
        iterations,
        salt: salt.as_bytes().to_vec(),
        hash,
    })
}

fn pbkdf2_string(kind: Kind, prf: Prf, stored: &str) -> Result<Recipe<'_>, ForeignHashError> {
    let bad = |problem| ForeignHashError::Malformed { kind, problem };
    let fields: Vec<&str> = stored.split('$').collect();
    let ["", _, params, salt, b64] = fields[..] else {
        return Err(bad(
            "expected $pbkdf2-<digest>$i=<iterations>,l=<length>$<salt>$<hash>",
        ));
    };
    let Some((i, l)) = params.strip_prefix("i=").and_then(|p| p.split_once(",l=")) else {
        return Err(bad("the parameters are not i=<iterations>,l=<length>"));
    };
    let iterations = iterations(kind, i)?;
    let salt = STANDARD_NO_PAD
        .decode(salt)
        .map_err(|_| bad("the salt is not base64 without padding"))?;
    if salt.is_empty() || salt.len() > 1024 {
        return Err(bad("the salt is not 1 to 1024 bytes long"));
    }
    let hash = STANDARD_NO_PAD
        .decode(b64)
        .map_err(|_| bad("the hash is not base64 without padding"))?;
    if !(16..=64).contains(&hash.len()) {
        return Err(bad("the hash is not 16 to 64 bytes long"));
    }
    if number(l) != u64::try_from(hash.len()).ok() {
        return Err(bad("l= is not the hash's length in bytes"));
    }
    Ok(Recipe::Pbkdf2 {
        prf,
        iterations,
        salt,
        hash,
    })
}

/// An argon2 PHC string; a missing version is 0x10 for foreign strings (the reference code's
/// reading) and refused for Daemun's own, which `domain::password` would read as 0x13.
fn argon2_phc(kind: Kind, phc: &str) -> Result<Recipe<'static>, ForeignHashError> {
    let bad = |problem| ForeignHashError::Malformed { kind, problem };
    let parsed = PasswordHash::new(phc).map_err(|_| bad("not a valid argon2 PHC string"))?;
    let algorithm = Algorithm::try_from(parsed.algorithm.as_str())
        .map_err(|_| bad("not argon2id, argon2i or argon2d"))?;
    let version = match parsed.version {
        Some(v) => Version::try_from(v).map_err(|_| bad("the version is not 16 or 19"))?,
        None if kind == Kind::Argon2 => return Err(bad("the version (v=19) is missing")),
        None => Version::V0x10,
    };
    let (Some(salt), Some(hash)) = (&parsed.salt, &parsed.hash) else {
        return Err(bad("the salt or the hash is missing"));
    };
    let params = Params::try_from(&parsed).map_err(|_| bad("invalid m, t or p"))?;
    capped(
        kind,
        "memory (KiB)",
        params.m_cost().into(),
        MAX_ARGON2_MEMORY_KIB,
    )?;
    capped(
        kind,
        "iterations",
        params.t_cost().into(),
        MAX_ARGON2_ITERATIONS,
    )?;
    Ok(Recipe::Argon2 {
        hasher: Box::new(Argon2::new(algorithm, version, params)),
        salt: salt.as_ref().to_vec(),
        hash: hash.as_bytes().to_vec(),
    })
}

/// A crypt(3) bcrypt string, `$2a$`, `$2b$` or `$2y$`, with its cost within the cap.
fn bcrypt_string(kind: Kind, hash: &str) -> Result<Recipe<'_>, ForeignHashError> {
    let bad = |problem| ForeignHashError::Malformed { kind, problem };
    let version = hash.get(..4);
    if !matches!(version, Some("$2a$" | "$2b$" | "$2y$")) {
        return Err(bad("not a $2a$, $2b$ or $2y$ bcrypt string"));
    }
    let cost = hash.get(4..6).and_then(number);
    let cost = cost.ok_or(bad("the cost is not two digits"))?;
    capped(kind, "cost", cost, MAX_BCRYPT_COST)?;
    if cost < 4 {
        return Err(bad("the cost is below 4"));
    }
    if hash.parse::<bcrypt::HashParts>().is_err() {
        return Err(bad("not 60 characters of bcrypt's base64 after the cost"));
    }
    Ok(Recipe::Bcrypt {
        hash,
        sha256_hex: kind == Kind::DjangoBcryptSha256,
    })
}

fn django_scrypt(stored: &str) -> Result<Recipe<'_>, ForeignHashError> {
    let kind = Kind::DjangoScrypt;
    let bad = |problem| ForeignHashError::Malformed { kind, problem };
    let fields: Vec<&str> = stored.splitn(6, '$').collect();
    let [_, n, salt, r, p, b64] = fields[..] else {
        return Err(bad("expected scrypt$<n>$<salt>$<r>$<p>$<hash>"));
    };
    let (Some(n), Some(r), Some(p)) = (number(n), number(r), number(p)) else {
        return Err(bad("n, r or p is not a number"));
    };
    if n < 2 || !n.is_power_of_two() || r == 0 || p == 0 {
        return Err(bad("n is not a power of two above 1, or r or p is 0"));
    }
    let memory = u64::try_from(128 * u128::from(n) * u128::from(r)).unwrap_or(u64::MAX);
    capped(kind, "memory (bytes, 128·n·r)", memory, MAX_SCRYPT_MEMORY)?;
    capped(kind, "parallelism", p, MAX_SCRYPT_PARALLELISM)?;
    if salt.is_empty() {
        return Err(bad("the salt is empty"));
    }
    let hash = STANDARD
        .decode(b64)
        .map_err(|_| bad("the hash is not base64 with padding"))?;
    if hash.len() != 64 {
        return Err(bad("the hash is not 64 bytes long"));
    }
    let log_n = u8::try_from(n.trailing_zeros()).unwrap_or(u8::MAX);
    let (Ok(r), Ok(p)) = (u32::try_from(r), u32::try_from(p)) else {
        return Err(bad("r or p is too large"));
    };
    let params = scrypt::Params::new(log_n, r, p).map_err(|_| bad("invalid n, r or p"))?;
    Ok(Recipe::Scrypt {
        params,
        salt: salt.as_bytes(),
        hash,
    })
}
