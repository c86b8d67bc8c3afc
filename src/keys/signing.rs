//! Signing keys over aws-lc-rs, plugged into openidconnect through its `PrivateSigningKey`
//! trait. RS256 (RSA 2048, the mandatory algorithm, OIDC Core §15.1) and ES256 (P-256).
//! The `kid` is the RFC 7638 JWK thumbprint.
use std::sync::Arc;

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{self, KeySize};
use aws_lc_rs::signature::{
    ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair, RSA_PKCS1_SHA256,
};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::core::{CoreJsonCurveType, CoreJsonWebKey, CoreJwsSigningAlgorithm};
use openidconnect::{JsonWebKeyId, PrivateSigningKey, SigningError};
use sha2::{Digest, Sha256};

/// The signature algorithms Daemun signs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Alg {
    Rs256,
    Es256,
}

impl Alg {
    pub const ALL: [Alg; 2] = [Alg::Rs256, Alg::Es256];

    pub fn as_str(self) -> &'static str {
        match self {
            Alg::Rs256 => "RS256",
            Alg::Es256 => "ES256",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "RS256" => Some(Alg::Rs256),
            "ES256" => Some(Alg::Es256),
            _ => None,
        }
    }

    pub fn jws(self) -> CoreJwsSigningAlgorithm {
        match self {
            Alg::Rs256 => CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            Alg::Es256 => CoreJwsSigningAlgorithm::EcdsaP256Sha256,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("signing key: {0}")]
pub struct KeyGenError(pub String);

#[derive(Clone)]
enum Pair {
    Rsa(Arc<rsa::KeyPair>),
    Ec(Arc<EcdsaKeyPair>),
}

/// A private signing key with its public JWK. `Debug` shows only the id.
#[derive(Clone)]
pub struct SigningKey {
    kid: String,
    alg: Alg,
    pair: Pair,
    jwk: CoreJsonWebKey,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({} {})", self.alg.as_str(), self.kid)
    }
}

impl SigningKey {
    /// A new key; returns it and its PKCS#8 DER (to be sealed before storage).
    pub fn generate(alg: Alg) -> Result<(Self, Vec<u8>), KeyGenError> {
        let err = |e: &dyn std::fmt::Display| KeyGenError(e.to_string());
        let der = match alg {
            Alg::Rs256 => {
                let pair = rsa::KeyPair::generate(KeySize::Rsa2048).map_err(|e| err(&e))?;
                let der =
                    AsDer::<aws_lc_rs::encoding::Pkcs8V1Der>::as_der(&pair).map_err(|e| err(&e))?;
                der.as_ref().to_vec()
            }
            Alg::Es256 => {
                EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
                    .map_err(|e| err(&e))?
                    .as_ref()
                    .to_vec()
            }
        };
        let key = Self::from_pkcs8(alg, &der)?;
        Ok((key, der))
    }

    pub fn from_pkcs8(alg: Alg, der: &[u8]) -> Result<Self, KeyGenError> {
        let err = |e: &dyn std::fmt::Display| KeyGenError(e.to_string());
        let (pair, members) = match alg {
            Alg::Rs256 => {
                let pair = rsa::KeyPair::from_pkcs8(der).map_err(|e| err(&e))?;
                let public = pair.public_key();
                let n = public.modulus().big_endian_without_leading_zero().to_vec();
                let e = public.exponent().big_endian_without_leading_zero().to_vec();
                (Pair::Rsa(Arc::new(pair)), Members::Rsa { n, e })
            }
            Alg::Es256 => {
                let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, der)
                    .map_err(|e| err(&e))?;
                let point = pair.public_key().as_ref();
                // Uncompressed SEC1 point: 0x04 ‖ X ‖ Y.
                if point.len() != 65 || point[0] != 4 {
                    return Err(KeyGenError("unexpected P-256 public key encoding".into()));
                }
                let (x, y) = (point[1..33].to_vec(), point[33..].to_vec());
                (Pair::Ec(Arc::new(pair)), Members::Ec { x, y })
            }
        };
        let kid = members.thumbprint();
        let jwk = members.jwk(&kid);
        Ok(Self {
            kid,
            alg,
            pair,
            jwk,
        })
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn alg(&self) -> Alg {
        self.alg
    }

    pub fn jwk(&self) -> &CoreJsonWebKey {
        &self.jwk
    }
}

/// The public members of a key, for the JWK and its thumbprint.
enum Members {
    Rsa { n: Vec<u8>, e: Vec<u8> },
    Ec { x: Vec<u8>, y: Vec<u8> },
}

impl Members {
    /// RFC 7638 §3: SHA-256 over the required members in lexicographic order, no whitespace.
    fn thumbprint(&self) -> String {
        let b64 = |b: &[u8]| URL_SAFE_NO_PAD.encode(b);
        let canonical = match self {
            Members::Rsa { n, e } => {
                format!(r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#, b64(e), b64(n))
            }
            Members::Ec { x, y } => format!(
                r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
                b64(x),
                b64(y)
            ),
        };
        URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes()))
    }

    fn jwk(&self, kid: &str) -> CoreJsonWebKey {
        let kid = Some(JsonWebKeyId::new(kid.to_owned()));
        match self {
            Members::Rsa { n, e } => CoreJsonWebKey::new_rsa(n.clone(), e.clone(), kid),
            Members::Ec { x, y } => {
                CoreJsonWebKey::new_ec(x.clone(), y.clone(), CoreJsonCurveType::P256, kid)
            }
        }
    }
}

impl PrivateSigningKey for SigningKey {
    type VerificationKey = CoreJsonWebKey;

    fn sign(&self, alg: &CoreJwsSigningAlgorithm, message: &[u8]) -> Result<Vec<u8>, SigningError> {
        if *alg != self.alg.jws() {
            return Err(SigningError::UnsupportedAlg(format!("{alg:?}")));
        }
        let rng = SystemRandom::new();
        match &self.pair {
            Pair::Rsa(pair) => {
                let mut sig = vec![0u8; pair.public_modulus_len()];
                pair.sign(&RSA_PKCS1_SHA256, &rng, message, &mut sig)
                    .map_err(|_| SigningError::CryptoError)?;
                Ok(sig)
            }
            Pair::Ec(pair) => pair
                .sign(&rng, message)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| SigningError::CryptoError),
        }
    }

    fn as_verification_key(&self) -> CoreJsonWebKey {
        self.jwk.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openidconnect::JsonWebKey;

    #[test]
    fn generated_keys_sign_and_verify_with_their_jwk() {
        for alg in Alg::ALL {
            let (key, der) = SigningKey::generate(alg).unwrap();
            let again = SigningKey::from_pkcs8(alg, &der).unwrap();
            assert_eq!(key.kid(), again.kid(), "the kid is a stable thumbprint");
            let sig = key.sign(&alg.jws(), b"message").unwrap();
            key.jwk()
                .verify_signature(&alg.jws(), b"message", &sig)
                .unwrap();
            assert!(
                key.jwk()
                    .verify_signature(&alg.jws(), b"other", &sig)
                    .is_err()
            );
            let other = if alg == Alg::Rs256 {
                Alg::Es256
            } else {
                Alg::Rs256
            };
            assert!(key.sign(&other.jws(), b"message").is_err());
        }
    }

    #[test]
    fn rfc7638_thumbprint_of_the_example_key() {
        // RFC 7638 §3.1 example RSA key and its thumbprint.
        let n = URL_SAFE_NO_PAD
            .decode("0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw")
            .unwrap();
        let e = URL_SAFE_NO_PAD.decode("AQAB").unwrap();
        assert_eq!(
            Members::Rsa { n, e }.thumbprint(),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }
}
