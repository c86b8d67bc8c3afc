//! Vectors from the real writers: Django 5.2.20's `make_password` (argon2-cffi 25.1, bcrypt
//! 5.0), htpasswd 2.4 and Python's `hashlib.pbkdf2_hmac`. Where Django lets a hasher choose
//! its cost, a subclass with a lower one keeps the debug-build tests fast; the `*_DEFAULT`
//! vectors keep Django's own defaults.
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};

use super::*;
use crate::domain::password::{self, HashParams};

const PW: &str = "correct horse battery staple";
const KO: &str = "대문 앞에 핀 노란 개나리";

/// Django's default: 1,000,000 iterations.
const PBKDF2_SHA256_DEFAULT: &str =
    "pbkdf2_sha256$1000000$vWnRlKYXr9MmJKDaPNjwc7$4FxAV6RG7urBJQx8M5L2ze/xOqe5ZYmhUtbd9Ro+Lig=";
const PBKDF2_SHA256: &str =
    "pbkdf2_sha256$1000$nSoEghLu7pUS39cD4Q9kpv$/wqZ1l2S0KwLMh1Qm4YQ4kJAGWZhcs60ebFwS0MFycQ=";
const PBKDF2_SHA256_KO: &str =
    "pbkdf2_sha256$1000$tOT58ziHStB4YmTZBChsWR$ERbJphbKSO1+ybFi7+TiCaTt4fGCf+J9c7Dkj53E9DA=";
const PBKDF2_SHA1: &str = "pbkdf2_sha1$1000$ePJ9JT8Nhc1MmmqSohvY1E$Xp0+/xLNaKLRAmLBNNbMLqfFlf4=";
/// Django's default: m=102400, t=2, p=8.
const ARGON2ID_DEFAULT: &str = "argon2$argon2id$v=19$m=102400,t=2,p=8$T05pa0h4Q1d4VGJWNUZqTTRoaWFPeg$PeLR2qooXA++eWGksqKdDa+EoFcf3tY2tssmH//F8hU";
const ARGON2ID: &str = "argon2$argon2id$v=19$m=1024,t=1,p=1$aXcyYmJQOXFTd2ptQVpnY2c3bUh4Wg$FXzIGs9UbPT+hYZ2O7OP2mWOa80VZ5U2ZbJayyajlMU";
const ARGON2I: &str = "argon2$argon2i$v=19$m=1024,t=1,p=1$aXFtd1RSU09qd0RSNVZVdFJvYld5VA$+tUMUvnFRCqpSJdwMWrVXDVNKyetk3Ll7hKBXzwz0Yg";
/// argon2-cffi with `version=16`, salt `saltsaltsaltsalt`.
const ARGON2I_V16: &str = "argon2$argon2i$v=16$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$Cm1bxC0kxc/kVJNv6ftnDfWvyI3iojDEcpdbr19Oy4A";
/// The same without `v=`, as early argon2-cffi wrote it (argon2-cffi verifies it too).
const ARGON2I_NO_VERSION: &str = "argon2$argon2i$m=1024,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$Cm1bxC0kxc/kVJNv6ftnDfWvyI3iojDEcpdbr19Oy4A";
/// Django's default cost, 12.
const BCRYPT_SHA256_DEFAULT: &str =
    "bcrypt_sha256$$2b$12$4sCwVvtI.VNTMUMCiK.JQefF.qfdDjr/aBr9y6pCmX7zvDW5WkEK6";
const BCRYPT_SHA256_KO: &str =
    "bcrypt_sha256$$2b$12$Dp9qMiefNvPD3p/C5Mwyn.ewOsOq72lFbpgPZI2B7jeAKbvLeJ9/W";
const BCRYPT: &str = "bcrypt$$2b$05$Ghi1QnedbninoAyx3bqtIeeeNQJoCxnPYudqVbQMh5wZ1IVY9vOsS";
const BCRYPT_DEFAULT: &str = "bcrypt$$2b$12$l3gebIvKop/iTFu2.LbqretahjX8wd0tpBKaLopkSTq7snLwJnGkO";
/// Django's default: n=16384, r=8, p=5.
const SCRYPT_DEFAULT: &str = "scrypt$16384$bZGwH2VjcYfGDgw7rhYjwN$8$5$hNSt3ak067RzrlGOBpH7ibBBgJIKspUR/hRpv3ieoSCBqsojmjTIHiE6p2LE0unCGuj8GxnA7fkF4ayYO2vHLw==";
const SCRYPT: &str = "scrypt$1024$EKebEVaypCd9AbJN8BEs3Z$8$1$FFWckTyE8I+xAKDqMsIES4Ewe/MVrrKrQTGqPxXGp/5LgU+anFCOy/mp/jwov53nXe3GdNVgkz6BjLNT3XQipg==";
const SCRYPT_KO: &str = "scrypt$1024$ns1oOBjksDEJf5V5mpVm5S$8$1$OWAcIsOlgMT/m+xUmtQHKL5MM7rfPyjpY1S13/aQmO4g956s7IKTz+j4qEd0BU5iNpO1RQh6RIe1QlH/fZxQVA==";
const MD5: &str = "md5$1bFhAXQqSHgbDSAIvy3LO0$123ec8df2fd5ad70caf598e0054e4703";
const MD5_KO: &str = "md5$zjtXMv28JkS00fE8RLgYbl$fdaa0b4ea2b5df9cdafdbdb480aa2e80";
/// `make_password(None)`.
const UNUSABLE: &str = "!lYXG4U5IRTkfZrzUPcLdamwuzFBPi7V5N1SyjCIx";
/// `htpasswd -nbB minsu 'correct horse battery staple'` (cost 5).
const HTPASSWD: &str = "$2y$05$7UDwk5bZBMzKEZjSEP4vaOn1JIfUftsCM5cfQSuQGAguBfp.tMTJG";
/// Python bcrypt's `hashpw(…, gensalt(4, prefix=b"2a"))`.
const BCRYPT_2A: &str = "$2a$04$.pC3ULEaLiQI1W77grrC4.82iz1qf8B/lBIdOm6uZsy2B7vP6hygy";
/// `pbkdf2_hmac("sha256", PW, bytes(range(16)), 27500, 32)` (Keycloak's old default count).
const KC_PBKDF2_SHA256: &str = "$pbkdf2-sha256$i=27500,l=32$AAECAwQFBgcICQoLDA0ODw$Ca/W1uHPdOF53bPWSQyrHQQPdk6KOe20VTbaw0U+WWs";
/// `pbkdf2_hmac("sha512", PW, bytes.fromhex("f0e1d2c3b4a5968778695a4b3c2d1e0f"), 1000, 64)`.
const KC_PBKDF2_SHA512: &str = "$pbkdf2-sha512$i=1000,l=64$8OHSw7Sllod4aVpLPC0eDw$Fjz23i0vQ0QuqLJmFpbQeQByjis/mECNgyjClDm6f9tvcSUKqU5ZqNtzMGHhofRNRZUTDqp7yPv9a1+x1QX4Tg";
/// `pbkdf2_hmac("sha1", PW, bytes(range(16)), 1000, 64)` (Keycloak's `pbkdf2` writes 64 bytes).
const KC_PBKDF2_SHA1: &str = "$pbkdf2-sha1$i=1000,l=64$AAECAwQFBgcICQoLDA0ODw$AOm/kOb/+YAZ3ZwSogYgNu9fO1g98616UUT2x3Jzcezc674WB6rf1PmFu7KUTJ/kBMpXzOJ47gHQ2i8osqaCHQ";

/// One character of the hash (the last `$` field) changed within its alphabet.
fn tampered(stored: &str) -> String {
    let start = stored.rfind('$').map_or(0, |i| i + 1);
    let at = start + (stored.len() - start) / 2;
    let mut bytes = stored.as_bytes().to_vec();
    bytes[at] = match bytes[at] {
        b'0' => b'1',
        b'1'..=b'9' => b'0',
        b'a' => b'b',
        _ => b'a',
    };
    String::from_utf8(bytes).unwrap()
}

fn assert_vector(stored: &str, expected: Kind, password: &str) {
    assert_eq!(kind(stored), Some(expected), "{stored}");
    assert_eq!(check(stored), Ok(expected), "{stored}");
    assert!(verify(&Password::new(password), stored), "{stored}");
    let wrong = Password::new(format!("{password}!"));
    assert!(!verify(&wrong, stored), "wrong password for {stored}");
    let changed = tampered(stored);
    assert_ne!(changed, stored);
    assert!(!verify(&Password::new(password), &changed), "{changed}");
}

#[test]
fn django_pbkdf2_vectors_verify_the_right_password_only() {
    assert_vector(PBKDF2_SHA256, Kind::DjangoPbkdf2Sha256, PW);
    assert_vector(PBKDF2_SHA256_KO, Kind::DjangoPbkdf2Sha256, KO);
    assert_vector(PBKDF2_SHA1, Kind::DjangoPbkdf2Sha1, PW);
}

#[test]
fn django_argon2_vectors_verify_the_right_password_only() {
    for stored in [
        ARGON2ID,
        ARGON2ID_DEFAULT,
        ARGON2I,
        ARGON2I_V16,
        ARGON2I_NO_VERSION,
    ] {
        assert_vector(stored, Kind::DjangoArgon2, PW);
    }
}

#[test]
fn django_bcrypt_sha256_vectors_verify_the_right_password_only() {
    assert_vector(BCRYPT_SHA256_DEFAULT, Kind::DjangoBcryptSha256, PW);
    assert_vector(BCRYPT_SHA256_KO, Kind::DjangoBcryptSha256, KO);
}

#[test]
fn django_bcrypt_vectors_verify_the_right_password_only() {
    assert_vector(BCRYPT, Kind::DjangoBcrypt, PW);
    assert_vector(BCRYPT_DEFAULT, Kind::DjangoBcrypt, PW);
}

#[test]
fn django_scrypt_vectors_verify_the_right_password_only() {
    assert_vector(SCRYPT, Kind::DjangoScrypt, PW);
    assert_vector(SCRYPT_KO, Kind::DjangoScrypt, KO);
    assert_vector(SCRYPT_DEFAULT, Kind::DjangoScrypt, PW);
}

#[test]
fn django_md5_vectors_verify_the_right_password_only() {
    assert_vector(MD5, Kind::DjangoMd5, PW);
    assert_vector(MD5_KO, Kind::DjangoMd5, KO);
}

#[test]
fn django_default_pbkdf2_sha256_is_a_million_iterations_and_verifies() {
    assert_vector(PBKDF2_SHA256_DEFAULT, Kind::DjangoPbkdf2Sha256, PW);
}

#[test]
fn bcrypt_sha256_is_not_plain_bcrypt_of_the_same_string() {
    let plain = BCRYPT_SHA256_DEFAULT.replacen("bcrypt_sha256$", "bcrypt$", 1);
    assert_eq!(check(&plain), Ok(Kind::DjangoBcrypt));
    assert!(!verify(&Password::new(PW), &plain));
}

#[test]
fn crypt_bcrypt_from_htpasswd_and_python_verifies() {
    assert_vector(HTPASSWD, Kind::Bcrypt, PW);
    assert_vector(BCRYPT_2A, Kind::Bcrypt, PW);
    let two_b = BCRYPT.trim_start_matches("bcrypt$");
    assert_vector(two_b, Kind::Bcrypt, PW);
}

#[test]
fn keycloak_pbkdf2_as_phc_strings_verifies_and_round_trips() {
    assert_vector(KC_PBKDF2_SHA256, Kind::Pbkdf2Sha256, PW);
    assert_vector(KC_PBKDF2_SHA512, Kind::Pbkdf2Sha512, PW);
    assert_vector(KC_PBKDF2_SHA1, Kind::Pbkdf2Sha1, PW);
    for stored in [KC_PBKDF2_SHA256, KC_PBKDF2_SHA512, KC_PBKDF2_SHA1] {
        let fields: Vec<&str> = stored.split('$').collect();
        let digest = fields[1].trim_start_matches("pbkdf2-");
        let iterations = fields[2][2..].split(',').next().unwrap().parse().unwrap();
        let salt = STANDARD_NO_PAD.decode(fields[3]).unwrap();
        let hash = STANDARD_NO_PAD.decode(fields[4]).unwrap();
        assert_eq!(pbkdf2_phc(digest, iterations, &salt, &hash), stored);
    }
    assert_eq!(salt_of(KC_PBKDF2_SHA256), (0..16).collect::<Vec<u8>>());
    let unknown = pbkdf2_phc("md5", 1000, b"salt", &[1; 32]);
    assert!(matches!(
        check(&unknown),
        Err(ForeignHashError::Unknown { .. })
    ));
}

fn salt_of(phc: &str) -> Vec<u8> {
    STANDARD_NO_PAD
        .decode(phc.split('$').nth(3).unwrap())
        .unwrap()
}

#[test]
fn an_unusable_password_is_accepted_at_import_and_never_matches() {
    assert_eq!(kind(UNUSABLE), Some(Kind::Unusable));
    assert_eq!(check(UNUSABLE), Ok(Kind::Unusable));
    assert_eq!(check("!"), Ok(Kind::Unusable));
    for guess in ["", PW, &UNUSABLE[1..], UNUSABLE] {
        assert!(!verify(&Password::new(guess), UNUSABLE));
    }
}

#[test]
fn daemuns_own_argon2_is_not_foreign_but_passes_the_import_check() {
    let weak = HashParams {
        memory_kib: 1024,
        iterations: 1,
        parallelism: 1,
    };
    let own = password::hash(&Password::new(PW), weak).unwrap();
    assert_eq!(kind(&own), None);
    assert_eq!(check(&own), Ok(Kind::Argon2));
    assert!(verify(&Password::new(PW), &own));
    let django = ARGON2I.trim_start_matches("argon2");
    assert_eq!((kind(django), check(django)), (None, Ok(Kind::Argon2)));
    let unversioned = ARGON2I_NO_VERSION.trim_start_matches("argon2");
    assert!(matches!(
        check(unversioned),
        Err(ForeignHashError::Malformed {
            kind: Kind::Argon2,
            ..
        })
    ));
}

fn too_costly(stored: &str, what: &str, value: u64) {
    match check(stored) {
        Err(ForeignHashError::TooCostly {
            what: w, value: v, ..
        }) => {
            assert_eq!((w, v), (what, value), "{stored}");
        }
        other => panic!("{stored}: {other:?}"),
    }
    assert!(!verify(&Password::new(PW), stored), "{stored}");
}

#[test]
fn costs_beyond_the_caps_are_refused_and_never_verified() {
    let b64 = |n| STANDARD.encode(vec![7u8; n]);
    let ok = |s: &str| assert!(check(s).is_ok(), "{s}: {:?}", check(s));
    ok(&format!("pbkdf2_sha256$10000000$salt${}", b64(32)));
    too_costly(
        &format!("pbkdf2_sha256$10000001$salt${}", b64(32)),
        "iterations",
        10_000_001,
    );
    too_costly(
        &format!("pbkdf2_sha1$99999999999$salt${}", b64(20)),
        "iterations",
        99_999_999_999,
    );
    let phc = |i: u32| pbkdf2_phc("sha512", i, &[1; 16], &[2; 64]);
    ok(&phc(10_000_000));
    too_costly(&phc(10_000_001), "iterations", 10_000_001);

    ok(&BCRYPT.replacen("$05$", "$14$", 1));
    too_costly(&BCRYPT.replacen("$05$", "$15$", 1), "cost", 15);
    too_costly(&HTPASSWD.replacen("$05$", "$31$", 1), "cost", 31);

    let scrypt = |n: u64, r: u64, p: u64| format!("scrypt${n}$salt${r}${p}${}", b64(64));
    ok(&scrypt(1 << 18, 8, 16));
    too_costly(&scrypt(1 << 19, 8, 1), "memory (bytes, 128·n·r)", 512 << 20);
    too_costly(
        &scrypt(1 << 10, 1 << 20, 1),
        "memory (bytes, 128·n·r)",
        128 << 30,
    );
    too_costly(&scrypt(1 << 14, 8, 17), "parallelism", 17);
    too_costly(
        &scrypt(1 << 62, 1 << 40, 1),
        "memory (bytes, 128·n·r)",
        u64::MAX,
    );

    let argon2 = |params: &str| ARGON2ID.replacen("m=1024,t=1,p=1", params, 1);
    ok(&argon2("m=262144,t=10,p=8"));
    too_costly(&argon2("m=262145,t=1,p=1"), "memory (KiB)", 262_145);
    too_costly(&argon2("m=1024,t=11,p=1"), "iterations", 11);
    let own = argon2("m=4194304,t=2,p=1");
    too_costly(own.trim_start_matches("argon2"), "memory (KiB)", 4_194_304);
}

#[test]
fn malformed_hashes_are_refused_and_never_panic() {
    let b64 = |n| STANDARD.encode(vec![7u8; n]);
    let raw = |n| STANDARD_NO_PAD.encode(vec![7u8; n]);
    let cases = [
        ("pbkdf2_sha256$", Kind::DjangoPbkdf2Sha256),
        ("pbkdf2_sha256$1000$salt", Kind::DjangoPbkdf2Sha256),
        ("pbkdf2_sha256$+1000$salt$x", Kind::DjangoPbkdf2Sha256),
        (
            &format!("pbkdf2_sha256$0$salt${}", b64(32)),
            Kind::DjangoPbkdf2Sha256,
        ),
        (
            &format!("pbkdf2_sha256$1000$${}", b64(32)),
            Kind::DjangoPbkdf2Sha256,
        ),
        (
            &format!("pbkdf2_sha256$1000$salt${}", raw(32)),
            Kind::DjangoPbkdf2Sha256,
        ),
        (
            &format!("pbkdf2_sha1$1000$salt${}", b64(32)),
            Kind::DjangoPbkdf2Sha1,
        ),
        ("pbkdf2_sha1$1000$salt$not base64!", Kind::DjangoPbkdf2Sha1),
        ("argon2$", Kind::DjangoArgon2),
        ("argon2$bcrypt$$2b$05$x", Kind::DjangoArgon2),
        (
            "argon2$argon2id$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ",
            Kind::DjangoArgon2,
        ),
        (
            "argon2$argon2id$v=18$m=1024,t=1,p=1$c2FsdHNhbHQ$AAAAAAAAAAAAAAAA",
            Kind::DjangoArgon2,
        ),
        (
            "argon2$argon2id$v=19$m=1,t=1,p=1$c2FsdHNhbHQ$AAAAAAAAAAAAAAAA",
            Kind::DjangoArgon2,
        ),
        (
            "bcrypt$$2x$05$Ghi1QnedbninoAyx3bqtIeeeNQJoCxnPYudqVbQMh5wZ1IVY9vOsS",
            Kind::DjangoBcrypt,
        ),
        (
            "bcrypt$$2b$03$Ghi1QnedbninoAyx3bqtIeeeNQJoCxnPYudqVbQMh5wZ1IVY9vOsS",
            Kind::DjangoBcrypt,
        ),
        (
            "bcrypt$2b$05$Ghi1QnedbninoAyx3bqtIeeeNQJoCxnPYudqVbQMh5wZ1IVY9vOsS",
            Kind::DjangoBcrypt,
        ),
        ("bcrypt_sha256$$2b$12$short", Kind::DjangoBcryptSha256),
        (
            "$2b$é5$Ghi1QnedbninoAyx3bqtIeeeNQJoCxnPYudqVbQMh5wZ1IVY9vOs",
            Kind::Bcrypt,
        ),
        (
            "$2b$05$Ghi1QnedbninoAyx3bqtIeeeNQJoCxnPYudqVbQMh5wZ1IVY9vOé",
            Kind::Bcrypt,
        ),
        (
            "$2b$05$Ghi1Qnedbnino!yx3bqtIeeeNQJoCxnPYudqVbQMh5wZ1IVY9vOsS",
            Kind::Bcrypt,
        ),
        (
            &format!("scrypt$1000$salt$8$1${}", b64(64)),
            Kind::DjangoScrypt,
        ),
        (
            &format!("scrypt$1024$salt$8$0${}", b64(64)),
            Kind::DjangoScrypt,
        ),
        (&format!("scrypt$1024$$8$1${}", b64(64)), Kind::DjangoScrypt),
        (
            &format!("scrypt$1024$salt$8$1${}", b64(32)),
            Kind::DjangoScrypt,
        ),
        ("scrypt$1024$salt$8$1", Kind::DjangoScrypt),
        ("md5$salt", Kind::DjangoMd5),
        ("md5$$123ec8df2fd5ad70caf598e0054e4703", Kind::DjangoMd5),
        ("md5$salt$123EC8DF2FD5AD70CAF598E0054E4703", Kind::DjangoMd5),
        ("md5$salt$123ec8df2fd5ad70caf598e0054e470", Kind::DjangoMd5),
        ("md5$salt$대문", Kind::DjangoMd5),
        (
            &format!("$pbkdf2-sha256$i=1000${}${}", raw(16), raw(32)),
            Kind::Pbkdf2Sha256,
        ),
        (
            &format!("$pbkdf2-sha256$l=32,i=1000${}${}", raw(16), raw(32)),
            Kind::Pbkdf2Sha256,
        ),
        (
            &format!("$pbkdf2-sha256$i=1000,l=31${}${}", raw(16), raw(32)),
            Kind::Pbkdf2Sha256,
        ),
        (
            &format!("$pbkdf2-sha256$i=1000,l=32${}${}", b64(16), b64(32)),
            Kind::Pbkdf2Sha256,
        ),
        (
            &format!("$pbkdf2-sha256$i=1000,l=8$${}", raw(8)),
            Kind::Pbkdf2Sha256,
        ),
        (
            &format!("$pbkdf2-sha512$i=1000,l=65${}${}", raw(16), raw(65)),
            Kind::Pbkdf2Sha512,
        ),
        (
            &format!("$pbkdf2-sha1$i=1000,l=32${}${}$", raw(16), raw(32)),
            Kind::Pbkdf2Sha1,
        ),
    ];
    for (stored, expected) in cases {
        assert_eq!(kind(stored), Some(expected), "{stored}");
        match check(stored) {
            Err(ForeignHashError::Malformed { kind, .. }) => assert_eq!(kind, expected),
            other => panic!("{stored}: {other:?}"),
        }
        assert!(!verify(&Password::new(PW), stored), "{stored}");
    }
}

#[test]
fn unknown_formats_name_only_their_algorithm() {
    let unknown = [
        ("sha1$salt$4f0bd4a0e8c2e9a1c5d9b1e8a2f4c6b8d0e2f4a6", "sha1"),
        (
            "unsalted_md5$$9df8bbd537a22584d8107870ac8a6eb8",
            "unsalted_md5",
        ),
        ("$1$saltsalt$qjXMvbEw8oaL.CzflDugX/", "1"),
        ("$6$rounds=5000$salt$hash", "6"),
        ("5f4dcc3b5aa765d61d8327deb882cf99", ""),
        ("", ""),
    ];
    for (stored, prefix) in unknown {
        assert_eq!(kind(stored), None, "{stored}");
        let err = check(stored).unwrap_err();
        assert_eq!(
            err,
            ForeignHashError::Unknown {
                prefix: prefix.to_owned()
            }
        );
        assert!(!err.to_string().contains("9df8bb"), "{err}");
        assert!(!verify(&Password::new(PW), stored));
    }
}

#[test]
fn errors_read_as_sentences() {
    let unknown = check("sha1$salt$hash").unwrap_err().to_string();
    assert!(unknown.starts_with("unknown password hash format `sha1`; Daemun knows Django's"));
    let bad = check("md5$salt$xyz").unwrap_err().to_string();
    assert_eq!(
        bad,
        "malformed Django md5 hash: the digest is not 32 lowercase hex digits"
    );
    let costly = check(&BCRYPT.replacen("$05$", "$20$", 1)).unwrap_err();
    assert_eq!(
        costly.to_string(),
        "Django bcrypt hash asks for cost 20, above Daemun's limit of 14"
    );
}
