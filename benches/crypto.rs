//! The cost of the crypto alone, as a baseline for the endpoint numbers in
//! docs/performance.md: ID-token signatures (RS256, ES256) and an argon2id password hash with
//! the default parameters.
use criterion::{Criterion, criterion_group, criterion_main};
use daemun::domain::password::{self, HashParams, Password};
use daemun::keys::signing::{Alg, SigningKey};
use openidconnect::PrivateSigningKey;
use std::hint::black_box;

/// Roughly the size of a signing input for an ID token (header.claims, base64url).
const MESSAGE: &[u8] = &[b'a'; 600];

fn sign(c: &mut Criterion) {
    for alg in Alg::ALL {
        let (key, _) = SigningKey::generate(alg).expect("key");
        let jws = alg.jws();
        c.bench_function(&format!("sign {}", alg.as_str()), |b| {
            b.iter(|| key.sign(&jws, black_box(MESSAGE)).expect("signature"))
        });
    }
}

fn argon2id(c: &mut Criterion) {
    let pw = Password::new("correct horse battery staple");
    let mut g = c.benchmark_group("password");
    g.sample_size(20);
    g.bench_function("argon2id hash (m=19456 KiB, t=2, p=1)", |b| {
        b.iter(|| password::hash(black_box(&pw), HashParams::default()).expect("hash"))
    });
    g.finish();
}

criterion_group!(benches, sign, argon2id);
criterion_main!(benches);
