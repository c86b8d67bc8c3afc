//! Authentication context classes (`acr`, OIDC Core §2): how strongly a session's person was
//! authenticated, named so applications can ask for a level (`acr_values`) and check the one
//! they got. The level follows from the methods used (`amr`, RFC 8176).
use std::fmt;

/// A level, weakest first; `Ord` compares strength.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// One factor: the password.
    Pwd,
    /// Two factors: the password and a code (authenticator app or recovery code).
    Mfa,
}

impl Level {
    /// Every level, as discovery lists them (`acr_values_supported`).
    pub const ALL: [Level; 2] = [Level::Pwd, Level::Mfa];

    pub const fn as_str(self) -> &'static str {
        match self {
            Level::Pwd => "urn:daemun:acr:pwd",
            Level::Mfa => "urn:daemun:acr:mfa",
        }
    }

    fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == value)
    }

    /// The level of a session whose methods are `amr` (space-separated).
    pub fn of_amr(amr: &str) -> Self {
        if amr.split_whitespace().any(|m| m == "mfa") {
            Level::Mfa
        } else {
            Level::Pwd
        }
    }

    /// The level an `acr_values` request needs: the weakest of the values Daemun knows (any of
    /// them satisfies the application, OIDC Core §3.1.2.1 lists them in order of preference).
    /// `None` when it names none Daemun knows: the parameter is voluntary, and then asks for
    /// nothing.
    pub fn wanted(acr_values: &str) -> Option<Self> {
        acr_values.split_whitespace().filter_map(Self::parse).min()
    }
}

/// RFC 8176 §2 methods that prove something the person knows.
const KNOWLEDGE: [&str; 3] = ["pwd", "pin", "kba"];
/// RFC 8176 §2 methods that prove something the person has or is.
const POSSESSION_OR_INHERENCE: [&str; 13] = [
    "otp", "hwk", "swk", "sc", "sms", "tel", "pop", "face", "fpt", "iris", "retina", "vbm", "geo",
];

/// Whether an upstream provider's `amr` says its login took two factors: `mfa`, or a method
/// the person knows together with one they have or are (RFC 8176 §2). `geo` alone is no
/// factor, so it never completes a pair.
pub fn two_factors(amr: &[String]) -> bool {
    let has = |set: &[&str]| amr.iter().any(|m| set.contains(&m.as_str()) && m != "geo");
    amr.iter().any(|m| m == "mfa") || (has(&KNOWLEDGE) && has(&POSSESSION_OR_INHERENCE))
}

/// The `amr` of a session that began at an upstream provider: `fed`, and when the operator
/// trusts the provider's second factor, the RFC 8176 values it reported and `mfa`.
pub fn federated_amr(upstream: &[String], trusted: bool) -> Vec<String> {
    let mut amr = vec!["fed".to_owned()];
    if trusted {
        let known =
            |m: &str| KNOWLEDGE.contains(&m) || POSSESSION_OR_INHERENCE.contains(&m) || m == "user";
        for m in upstream.iter().filter(|m| known(m)) {
            if !amr.contains(m) {
                amr.push(m.clone());
            }
        }
        amr.push("mfa".to_owned());
    }
    amr
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_mfa_only_when_its_methods_say_so() {
        assert_eq!(Level::of_amr("pwd"), Level::Pwd);
        assert_eq!(Level::of_amr(""), Level::Pwd);
        assert_eq!(Level::of_amr("pwd otp mfa"), Level::Mfa);
        assert_eq!(Level::of_amr("pwd otp"), Level::Pwd);
        assert!(Level::Mfa > Level::Pwd);
    }

    fn owned(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    #[test]
    fn an_upstream_login_is_two_factors_only_with_mfa_or_a_pair_of_kinds() {
        assert!(two_factors(&owned(&["pwd", "mfa"])));
        assert!(two_factors(&owned(&["pwd", "otp"])));
        assert!(two_factors(&owned(&["pin", "hwk"])));
        assert!(!two_factors(&owned(&["pwd"])));
        assert!(!two_factors(&owned(&["otp", "hwk"])));
        assert!(!two_factors(&owned(&["pwd", "geo"])));
        assert!(!two_factors(&[]));
    }

    #[test]
    fn a_federated_session_carries_upstream_methods_only_when_trusted() {
        let upstream = owned(&["pwd", "otp", "fed", "made-up"]);
        assert_eq!(federated_amr(&upstream, false), ["fed"]);
        assert_eq!(federated_amr(&upstream, true), ["fed", "pwd", "otp", "mfa"]);
        assert_eq!(
            Level::of_amr(&federated_amr(&upstream, true).join(" ")),
            Level::Mfa
        );
        assert_eq!(
            Level::of_amr(&federated_amr(&upstream, false).join(" ")),
            Level::Pwd
        );
    }

    #[test]
    fn acr_values_ask_for_the_weakest_known_level_they_name() {
        assert_eq!(Level::wanted("urn:daemun:acr:mfa"), Some(Level::Mfa));
        assert_eq!(
            Level::wanted("urn:daemun:acr:mfa urn:daemun:acr:pwd"),
            Some(Level::Pwd)
        );
        assert_eq!(Level::wanted("gold urn:daemun:acr:mfa"), Some(Level::Mfa));
        assert_eq!(Level::wanted("gold silver"), None);
        assert_eq!(Level::wanted(""), None);
        assert_eq!(Level::Mfa.to_string(), "urn:daemun:acr:mfa");
    }
}
