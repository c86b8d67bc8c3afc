//! Private keys at rest: AES-256-GCM under a key derived from the KEK, with the key id as
//! associated data (a sealed key cannot be moved to another row).
use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use aws_lc_rs::rand::{SecureRandom, SystemRandom};

use super::Kek;

#[derive(Debug, thiserror::Error)]
#[error("cannot {0} a private key (wrong key-encryption key or damaged data)")]
pub struct SealError(&'static str);

fn cipher(kek: &Kek) -> Result<LessSafeKey, SealError> {
    let key = UnboundKey::new(&AES_256_GCM, &kek.derive("daemun/keys/seal/v1"))
        .map_err(|_| SealError("prepare"))?;
    Ok(LessSafeKey::new(key))
}

/// `nonce ‖ ciphertext ‖ tag`.
pub fn seal(kek: &Kek, kid: &str, plaintext: &[u8]) -> Result<Vec<u8>, SealError> {
    let mut nonce = [0u8; NONCE_LEN];
    SystemRandom::new()
        .fill(&mut nonce)
        .map_err(|_| SealError("seal"))?;
    let mut data = plaintext.to_vec();
    cipher(kek)?
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(kid.as_bytes()),
            &mut data,
        )
        .map_err(|_| SealError("seal"))?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&data);
    Ok(out)
}

pub fn open(kek: &Kek, kid: &str, sealed: &[u8]) -> Result<Vec<u8>, SealError> {
    if sealed.len() < NONCE_LEN {
        return Err(SealError("open"));
    }
    let (nonce, rest) = sealed.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| SealError("open"))?;
    let mut data = rest.to_vec();
    let plain = cipher(kek)?
        .open_in_place(nonce, Aad::from(kid.as_bytes()), &mut data)
        .map_err(|_| SealError("open"))?;
    Ok(plain.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_keys_open_only_with_the_same_kek_and_kid() {
        let kek = Kek::from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=").unwrap();
        let other = Kek::from_base64("HxwdHh8AAQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRo=").unwrap();
        let sealed = seal(&kek, "kid-1", b"private").unwrap();
        assert_eq!(open(&kek, "kid-1", &sealed).unwrap(), b"private");
        assert!(open(&kek, "kid-2", &sealed).is_err());
        assert!(open(&other, "kid-1", &sealed).is_err());
        assert!(open(&kek, "kid-1", &sealed[..5]).is_err());
    }
}
