//! Key material: the key-encryption key (KEK) and everything derived from it, and the signing
//! keys for ID tokens (RS256, ES256): generated here, stored encrypted in the database, rotated
//! with overlap, published as a JWKS.
pub mod jwt;
pub mod kek;
pub mod keyring;
pub mod seal;
pub mod signing;

pub use kek::{Kek, KeyError};
