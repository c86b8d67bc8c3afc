//! A software WebAuthn authenticator for the passkey tests: a real P-256 key (aws-lc-rs),
//! real CBOR and real signatures, answering the options Daemun sends the way a browser with
//! a platform authenticator would (WebAuthn §6.1 authenticator data, §6.5.4 "none"
//! attestation, §6.3.3 assertion signatures). It keeps its credential discoverable: the user
//! handle it was created for comes back with every assertion.
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair};
use base64::Engine;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// User present, user verified, attested credential data included.
const FLAGS_CREATE: u8 = 0x01 | 0x04 | 0x40;
const FLAGS_GET: u8 = 0x01 | 0x04;

pub struct SoftAuthenticator {
    origin: String,
    rp_id: String,
    key: EcdsaKeyPair,
    pub credential_id: Vec<u8>,
    pub user_handle: Vec<u8>,
    counter: u32,
}

/// CBOR (RFC 8949) heads and the few items the authenticator writes.
fn head(major: u8, len: usize, out: &mut Vec<u8>) {
    let m = major << 5;
    match len {
        0..=23 => out.push(m | len as u8),
        24..=255 => out.extend([m | 24, len as u8]),
        _ => {
            out.push(m | 25);
            out.extend((len as u16).to_be_bytes());
        }
    }
}
fn int(v: i64, out: &mut Vec<u8>) {
    if v >= 0 {
        head(0, v as usize, out);
    } else {
        head(1, (-1 - v) as usize, out);
    }
}
fn bytes(b: &[u8], out: &mut Vec<u8>) {
    head(2, b.len(), out);
    out.extend(b);
}
fn text(t: &str, out: &mut Vec<u8>) {
    head(3, t.len(), out);
    out.extend(t.as_bytes());
}

impl SoftAuthenticator {
    /// An authenticator for the site at `origin` (its host is the relying party id).
    pub fn new(origin: &str) -> Self {
        let rng = SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
        let key =
            EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref()).unwrap();
        let rp_id = url::Url::parse(origin)
            .unwrap()
            .host_str()
            .unwrap()
            .to_owned();
        let mut credential_id = vec![0u8; 32];
        aws_lc_rs::rand::fill(&mut credential_id).unwrap();
        Self {
            origin: origin.trim_end_matches('/').to_owned(),
            rp_id,
            key,
            credential_id,
            user_handle: Vec::new(),
            counter: 0,
        }
    }

    fn client_data(&self, kind: &str, challenge: &str) -> Vec<u8> {
        serde_json::to_vec(&json!({
            "type": kind,
            "challenge": challenge,
            "origin": self.origin,
            "crossOrigin": false,
        }))
        .unwrap()
    }

    fn auth_data(&self, flags: u8, attested: Option<&[u8]>) -> Vec<u8> {
        let mut out = Sha256::digest(self.rp_id.as_bytes()).to_vec();
        out.push(flags);
        out.extend(self.counter.to_be_bytes());
        if let Some(cose) = attested {
            out.extend([0u8; 16]); // AAGUID: none
            out.extend((self.credential_id.len() as u16).to_be_bytes());
            out.extend(&self.credential_id);
            out.extend(cose);
        }
        out
    }

    /// The public key as a COSE_Key (RFC 9053 §7.1.1: EC2, ES256, P-256).
    fn cose_key(&self) -> Vec<u8> {
        let public = self.key.public_key().as_ref();
        assert_eq!(public.len(), 65, "uncompressed P-256 point");
        let mut out = Vec::new();
        head(5, 5, &mut out);
        int(1, &mut out);
        int(2, &mut out);
        int(3, &mut out);
        int(-7, &mut out);
        int(-1, &mut out);
        int(1, &mut out);
        int(-2, &mut out);
        bytes(&public[1..33], &mut out);
        int(-3, &mut out);
        bytes(&public[33..], &mut out);
        out
    }

    /// Answers creation options (`{"publicKey": …}` as Daemun sends them) with a new
    /// credential, as `PublicKeyCredential.toJSON()` would give it.
    pub fn create(&mut self, options: &Value) -> Value {
        let pk = &options["publicKey"];
        assert_eq!(pk["rp"]["id"], self.rp_id.as_str(), "the relying party id");
        let challenge = pk["challenge"].as_str().expect("a challenge");
        self.user_handle = B64.decode(pk["user"]["id"].as_str().unwrap()).unwrap();
        self.counter += 1;
        let client_data = self.client_data("webauthn.create", challenge);
        let auth_data = self.auth_data(FLAGS_CREATE, Some(&self.cose_key()));
        let mut attestation = Vec::new();
        head(5, 3, &mut attestation);
        text("fmt", &mut attestation);
        text("none", &mut attestation);
        text("attStmt", &mut attestation);
        head(5, 0, &mut attestation);
        text("authData", &mut attestation);
        bytes(&auth_data, &mut attestation);
        let id = B64.encode(&self.credential_id);
        json!({
            "id": id,
            "rawId": id,
            "type": "public-key",
            "response": {
                "clientDataJSON": B64.encode(client_data),
                "attestationObject": B64.encode(attestation),
                "transports": ["internal"],
            },
            "clientExtensionResults": {},
        })
    }

    /// Answers request options with an assertion signed by this credential.
    pub fn get(&mut self, options: &Value) -> Value {
        let pk = &options["publicKey"];
        let challenge = pk["challenge"].as_str().expect("a challenge");
        self.counter += 1;
        let client_data = self.client_data("webauthn.get", challenge);
        let auth_data = self.auth_data(FLAGS_GET, None);
        let mut signed = auth_data.clone();
        signed.extend(Sha256::digest(&client_data));
        let signature = self.key.sign(&SystemRandom::new(), &signed).expect("sign");
        let id = B64.encode(&self.credential_id);
        json!({
            "id": id,
            "rawId": id,
            "type": "public-key",
            "response": {
                "authenticatorData": B64.encode(auth_data),
                "clientDataJSON": B64.encode(client_data),
                "signature": B64.encode(signature.as_ref()),
                "userHandle": B64.encode(&self.user_handle),
            },
            "clientExtensionResults": {},
        })
    }
}
