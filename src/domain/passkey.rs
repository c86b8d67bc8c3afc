//! Passkey rules that need no I/O: the WebAuthn relying party Daemun is, derived from the
//! issuer, the names people give their passkeys, and what a passkey login says in `amr`.
use url::Url;
use webauthn_rs::prelude::{Webauthn, WebauthnBuilder};

/// The longest name a passkey can be given.
pub const NAME_MAX_CHARS: usize = 60;

/// Why passkeys are off, in words an operator can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasskeysOff {
    #[error(
        "passkeys are off: the issuer's host {0} is an IP address, and WebAuthn needs a domain \
         name as the relying party id; use a name, e.g. DAEMUN_SERVER__ISSUER=http://localhost:8080 \
         on one machine"
    )]
    IpAddress(String),
    #[error("passkeys are off: the issuer {0} cannot be a WebAuthn origin")]
    BadOrigin(String),
}

/// The relying party for `issuer`: its id is the issuer's host name, its one origin the
/// issuer's origin (WebAuthn §5.1.3 and §13.4.9: a passkey is bound to the host it was made
/// for, which is what makes it phishing-resistant). An IP address cannot be an RP id.
pub fn relying_party(issuer: &str, product_name: &str) -> Result<Webauthn, PasskeysOff> {
    let origin = Url::parse(issuer).map_err(|_| PasskeysOff::BadOrigin(issuer.to_owned()))?;
    let Some(host) = origin.host() else {
        return Err(PasskeysOff::BadOrigin(issuer.to_owned()));
    };
    let url::Host::Domain(rp_id) = host else {
        return Err(PasskeysOff::IpAddress(host.to_string()));
    };
    let rp_id = rp_id.to_owned();
    let origin = Url::parse(&origin.origin().ascii_serialization())
        .map_err(|_| PasskeysOff::BadOrigin(issuer.to_owned()))?;
    WebauthnBuilder::new(&rp_id, &origin)
        .and_then(|b| b.rp_name(product_name).build())
        .map_err(|_| PasskeysOff::BadOrigin(issuer.to_owned()))
}

/// A passkey's name as typed: trimmed, control characters refused, at most
/// [`NAME_MAX_CHARS`]. An empty name gives `None` (the caller picks a default).
pub fn clean_name(typed: &str) -> Result<Option<String>, NameError> {
    let name = typed.trim();
    if name.chars().any(char::is_control) {
        return Err(NameError::Control);
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(NameError::TooLong);
    }
    Ok((!name.is_empty()).then(|| name.to_owned()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameError {
    Control,
    TooLong,
}

/// The `amr` values a passkey adds (RFC 8176 §2). Attestation is not asked for, so nothing
/// shows the key to be hardware: `swk`, never `hwk`. The ceremony requires user verification
/// (a PIN or biometric on the device), so the passkey is two factors by itself: `user` for
/// the presence test and `mfa`.
pub const AMR: [&str; 3] = ["swk", "user", "mfa"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relying_party_is_the_issuers_host_name() {
        assert!(relying_party("https://id.example.com", "Daemun").is_ok());
        assert!(relying_party("http://localhost:8080", "Daemun").is_ok());
        assert_eq!(
            relying_party("http://127.0.0.1:8080", "Daemun").err(),
            Some(PasskeysOff::IpAddress("127.0.0.1".into()))
        );
        assert!(matches!(
            relying_party("http://[::1]:8080", "Daemun"),
            Err(PasskeysOff::IpAddress(_))
        ));
        let off = relying_party("http://127.0.0.1:8080", "Daemun").unwrap_err();
        assert!(
            off.to_string()
                .contains("DAEMUN_SERVER__ISSUER=http://localhost:8080")
        );
    }

    #[test]
    fn names_are_trimmed_bounded_and_printable() {
        assert_eq!(clean_name("  Laptop "), Ok(Some("Laptop".into())));
        assert_eq!(clean_name("   "), Ok(None));
        assert_eq!(clean_name("a\u{0}b"), Err(NameError::Control));
        assert_eq!(clean_name(&"휴".repeat(60)), Ok(Some("휴".repeat(60))));
        assert_eq!(clean_name(&"x".repeat(61)), Err(NameError::TooLong));
    }
}
