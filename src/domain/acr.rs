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
