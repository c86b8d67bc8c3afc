//! Authenticator-app codes (TOTP, RFC 6238), as every common app reads them: HMAC-SHA-1,
//! 6 digits, 30-second steps (§4, §5.2), a secret of 160 random bits (RFC 4226 §4).
//!
//! A code is accepted for the current step or one step either side (clock skew, §5.2), and
//! only for a step later than the last one accepted for that person: a code someone saw over
//! a shoulder cannot be used again, not even within its own 30 seconds (§5.2, "the verifier
//! MUST NOT accept the second attempt of the same OTP"). The caller stores the step a
//! [`Check::Accepted`] names, atomically, before it lets anyone in.
use std::fmt;

use rand::RngCore;
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// Secret length in bytes (RFC 4226 §4 recommends 160 bits).
pub const SECRET_LEN: usize = 20;
const DIGITS: u8 = 6;
const STEP_SECS: u64 = 30;
const SKEW_STEPS: u16 = 1;

/// A TOTP secret. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Vec<u8>);

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(***)")
    }
}

/// What checking a code found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// Right code, for this time step (store it as the last accepted one).
    Accepted { step: u64 },
    /// Right code, but for a step no later than the last accepted one: a replay.
    Replayed,
    /// Not a code of this secret near this time (or not six digits at all).
    Wrong,
}

impl TotpSecret {
    /// A new secret from the operating system's generator (through `rand`'s thread generator).
    pub fn generate() -> Self {
        let mut bytes = vec![0u8; SECRET_LEN];
        rand::rng().fill_bytes(&mut bytes);
        Self(bytes)
    }

    /// A secret as stored (after unsealing); `None` unless it has [`SECRET_LEN`] bytes.
    pub fn from_bytes(bytes: Vec<u8>) -> Option<Self> {
        (bytes.len() == SECRET_LEN).then_some(Self(bytes))
    }

    /// A key as an app shows or takes it typed in ([`TotpSecret::for_typing`]: Base32, spaces
    /// and case not minding); `None` unless it decodes to [`SECRET_LEN`] bytes.
    pub fn from_typed(typed: &str) -> Option<Self> {
        let plain: String = typed
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        Self::from_bytes(Secret::try_from_base32(plain).ok()?.as_bytes().to_vec())
    }

    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The secret as an app takes it typed in: Base32 without padding (RFC 4648), in groups
    /// of four for reading aloud.
    pub fn for_typing(&self) -> String {
        let plain = Secret::new(self.0.clone().into_boxed_slice()).to_base32();
        let groups: Vec<&str> = plain
            .as_bytes()
            .chunks(4)
            .filter_map(|c| std::str::from_utf8(c).ok())
            .collect();
        groups.join(" ")
    }

    /// The `otpauth://totp/issuer:account?secret=…&issuer=…` URI an app scans from a QR code.
    /// A colon would split the label wrongly, so one in either name becomes a space.
    pub fn otpauth_uri(&self, issuer: &str, account: &str) -> Option<String> {
        self.builder()
            .with_issuer(Some(issuer.replace(':', " ")))
            .with_account_name(account.replace(':', " "))
            .build()
            .ok()?
            .to_url()
            .ok()
    }

    /// Checks `typed` (spaces and dashes ignored) at `now_secs` (unix seconds) against the
    /// last accepted step.
    pub fn check(&self, typed: &str, now_secs: u64, last_step: Option<u64>) -> Check {
        let code: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if code.len() != usize::from(DIGITS) || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Check::Wrong;
        }
        let Some(totp) = self.totp() else {
            return Check::Wrong;
        };
        match totp.check(&code, now_secs) {
            Some(step) if last_step.is_some_and(|last| step <= last) => Check::Replayed,
            Some(step) => Check::Accepted { step },
            None => Check::Wrong,
        }
    }

    /// The code an app shows at `now_secs` (tests, and the operator's own checks).
    pub fn code_at(&self, now_secs: u64) -> Option<String> {
        Some(self.totp()?.generate(now_secs).to_string())
    }

    fn totp(&self) -> Option<Totp> {
        self.builder().build().ok()
    }

    fn builder(&self) -> Builder {
        Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(DIGITS)
            .with_skew(SKEW_STEPS)
            .with_step_duration(STEP_SECS)
            .with_secret(self.0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B's SHA-1 secret ("12345678901234567890") and its 8-digit codes;
    /// the last six digits are the 6-digit code of the same step.
    const RFC_SECRET: &[u8; 20] = b"12345678901234567890";
    const RFC_VECTORS: [(u64, &str); 6] = [
        (59, "287082"),
        (1_111_111_109, "081804"),
        (1_111_111_111, "050471"),
        (1_234_567_890, "005924"),
        (2_000_000_000, "279037"),
        (20_000_000_000, "353130"),
    ];

    fn rfc() -> TotpSecret {
        TotpSecret::from_bytes(RFC_SECRET.to_vec()).unwrap()
    }

    #[test]
    fn codes_match_the_rfc_6238_test_vectors() {
        for (t, code) in RFC_VECTORS {
            assert_eq!(rfc().code_at(t).as_deref(), Some(code), "T = {t}");
            assert_eq!(
                rfc().check(code, t, None),
                Check::Accepted { step: t / 30 },
                "T = {t}"
            );
        }
    }

    #[test]
    fn one_step_of_skew_either_side_and_no_more() {
        let s = rfc();
        let t = 1_234_567_890;
        let code = s.code_at(t).unwrap();
        assert_eq!(
            s.check(&code, t + 30, None),
            Check::Accepted { step: t / 30 }
        );
        assert_eq!(
            s.check(&code, t - 30, None),
            Check::Accepted { step: t / 30 }
        );
        assert_eq!(s.check(&code, t + 60, None), Check::Wrong);
        assert_eq!(s.check(&code, t - 60, None), Check::Wrong);
    }

    #[test]
    fn a_code_is_never_accepted_twice_nor_one_from_an_earlier_step() {
        let s = rfc();
        let t = 2_000_000_000;
        let Check::Accepted { step } = s.check(&s.code_at(t).unwrap(), t, None) else {
            panic!("the current code is accepted");
        };
        assert_eq!(
            s.check(&s.code_at(t).unwrap(), t, Some(step)),
            Check::Replayed
        );
        assert_eq!(
            s.check(&s.code_at(t - 30).unwrap(), t, Some(step)),
            Check::Replayed
        );
        let next = s.code_at(t + 30).unwrap();
        assert_eq!(
            s.check(&next, t + 30, Some(step)),
            Check::Accepted { step: step + 1 }
        );
    }

    #[test]
    fn typed_codes_may_have_spaces_but_must_be_six_digits() {
        let s = rfc();
        let t = 59;
        assert_eq!(s.check("287 082", t, None), Check::Accepted { step: 1 });
        assert_eq!(s.check("287-082", t, None), Check::Accepted { step: 1 });
        for bad in ["", "28708", "2870822", "28708a", "２８７０８２"] {
            assert_eq!(s.check(bad, t, None), Check::Wrong, "{bad:?}");
        }
    }

    #[test]
    fn secrets_are_random_160_bits_and_print_as_base32() {
        let (a, b) = (TotpSecret::generate(), TotpSecret::generate());
        assert_ne!(a, b);
        assert_eq!(a.expose().len(), SECRET_LEN);
        assert_eq!(format!("{a:?}"), "TotpSecret(***)");
        assert_eq!(
            rfc().for_typing(),
            "GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ"
        );
        assert!(TotpSecret::from_bytes(vec![0; 10]).is_none());
        let typed = TotpSecret::from_typed("gezd gnbv gy3t qojq GEZD GNBV GY3T QOJQ");
        assert_eq!(typed, Some(rfc()));
        assert_eq!(TotpSecret::from_typed("GEZD GNBV"), None);
        assert_eq!(TotpSecret::from_typed("not base32 at all!"), None);
    }

    #[test]
    fn the_otpauth_uri_names_issuer_account_and_secret() {
        let uri = rfc()
            .otpauth_uri("Daemun: Acme", "minsu@example.com")
            .unwrap();
        assert!(uri.starts_with("otpauth://totp/Daemun"), "{uri}");
        assert!(uri.contains("Acme:minsu%40example.com?"), "{uri}");
        assert!(
            uri.contains("secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"),
            "{uri}"
        );
        assert!(uri.contains("&issuer=Daemun"), "{uri}");
        // SHA-1, 6 digits and 30 s are the defaults an app assumes when the URI omits them.
        assert!(
            !uri.contains("algorithm=") && !uri.contains("period="),
            "{uri}"
        );
    }
}
