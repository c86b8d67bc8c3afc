//! Typed messages. Each is a template triplet `email/<name>/{subject.txt,body.txt,body.html}`
//! rendered in the recipient's language and queued in the outbox.
use minijinja::context;

use crate::i18n::{self, Lang};
use crate::store::outbox::NewMail;
use crate::templates::{RenderError, Templates};

/// The mails Daemun sends.
#[derive(Debug, Clone)]
pub enum MailKind {
    /// The link that proves an address belongs to the person who signed up.
    VerifyEmail { link: String, expires_hours: i64 },
    /// Someone tried to sign up with an address that already has an account.
    SignupAttempt { login_link: String },
    /// A single-use link to set a new password without the old one.
    PasswordReset { link: String, expires_minutes: i64 },
    /// Sent to the NEW address: the link that confirms moving the account there.
    EmailChange {
        link: String,
        expires_hours: i64,
        new_email: String,
    },
    /// Sent to the OLD address once the account moved to `new_email`.
    EmailChanged {
        new_email: String,
        reset_link: String,
    },
    /// The password was changed or reset; every other session was ended.
    PasswordChanged { reset_link: String },
    /// An administrator removed every second factor of the account.
    FactorsRemoved { reset_link: String },
    /// The person changed or used one of their second factors.
    FactorChanged {
        change: FactorChange,
        reset_link: String,
    },
    /// The account was deleted (sent to the address it had).
    AccountDeleted { signup_link: String },
    /// Several wrong passwords in a row locked the account's login for a while.
    LoginLockout { reset_link: String },
    /// The username (a login identifier) was set, changed or removed (`username` empty).
    UsernameChanged {
        username: String,
        reset_link: String,
    },
}

/// What happened to a person's second factors, told in a [`MailKind::FactorChanged`] mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactorChange {
    /// An authenticator app was set up (and recovery codes made with it, the first time).
    TotpAdded,
    /// The person removed their authenticator app and recovery codes.
    TotpRemoved,
    /// New recovery codes replaced the old ones.
    RecoveryCodesRenewed,
    /// A recovery code let someone log in; this many are left.
    RecoveryCodeUsed { left: i64 },
    /// Someone with the right password typed wrong codes until the login paused.
    CodeLockout,
    /// A passkey was added (and recovery codes made with it, the first time).
    PasskeyAdded,
    /// A passkey was removed.
    PasskeyRemoved,
    /// A login through another provider was linked to the account.
    UpstreamLinked,
    /// A login through another provider was unlinked from the account.
    UpstreamUnlinked,
}

impl FactorChange {
    /// The middle of the mail's Fluent ids: `mail-factor-<name>-subject`, `…-intro`.
    pub fn name(self) -> &'static str {
        match self {
            FactorChange::TotpAdded => "totp-added",
            FactorChange::TotpRemoved => "totp-removed",
            FactorChange::RecoveryCodesRenewed => "recovery-renewed",
            FactorChange::RecoveryCodeUsed { .. } => "recovery-used",
            FactorChange::CodeLockout => "code-lockout",
            FactorChange::PasskeyAdded => "passkey-added",
            FactorChange::PasskeyRemoved => "passkey-removed",
            FactorChange::UpstreamLinked => "upstream-linked",
            FactorChange::UpstreamUnlinked => "upstream-unlinked",
        }
    }
}

impl MailKind {
    /// Whether the mail goes to an address nobody has proven yet: the address typed at sign-up
    /// or the new address of an email change. Whoever typed it may be a stranger, so such a
    /// mail carries none of their words (see [`compose`]).
    pub fn to_unproven_address(&self) -> bool {
        matches!(
            self,
            MailKind::VerifyEmail { .. } | MailKind::EmailChange { .. }
        )
    }

    fn template(&self) -> &'static str {
        match self {
            MailKind::VerifyEmail { .. } => "verify_email",
            MailKind::SignupAttempt { .. } => "signup_attempt",
            MailKind::PasswordReset { .. } => "password_reset",
            MailKind::EmailChange { .. } => "email_change",
            MailKind::EmailChanged { .. } => "email_changed",
            MailKind::PasswordChanged { .. } => "password_changed",
            MailKind::FactorsRemoved { .. } => "factors_removed",
            MailKind::FactorChanged { .. } => "factor_changed",
            MailKind::AccountDeleted { .. } => "account_deleted",
            MailKind::UsernameChanged { .. } => "username_changed",
            MailKind::LoginLockout { .. } => "login_lockout",
        }
    }
}

/// Renders `kind` for `to` into a mail ready for the outbox, greeting `name` (a display
/// name; empty for none).
///
/// Anyone can sign up with somebody else's address and a name of their choosing, so a name is
/// only used when the caller knows the address is proven (see `accounts::mailing`), and never
/// in a mail that by its kind goes to an unproven address: otherwise the mail would carry a
/// stranger's text ("Bank Security Team: call …") to the address's owner. Such mail greets
/// neutrally.
pub fn compose(
    templates: &Templates,
    issuer: &str,
    lang: Lang,
    to: &str,
    name: &str,
    kind: &MailKind,
) -> Result<NewMail, RenderError> {
    // `link` is the mail's main button; `email` names the other address, if any.
    let mut username = "";
    let mut change = "";
    let mut count = 0;
    let (link, email, expires_hours, expires_minutes) = match kind {
        MailKind::VerifyEmail {
            link,
            expires_hours,
        } => (link.as_str(), "", *expires_hours, 0),
        MailKind::SignupAttempt { login_link } => (login_link.as_str(), "", 0, 0),
        MailKind::PasswordReset {
            link,
            expires_minutes,
        } => (link.as_str(), "", 0, *expires_minutes),
        MailKind::EmailChange {
            link,
            expires_hours,
            new_email,
        } => (link.as_str(), new_email.as_str(), *expires_hours, 0),
        MailKind::EmailChanged {
            new_email,
            reset_link,
        } => (reset_link.as_str(), new_email.as_str(), 0, 0),
        MailKind::PasswordChanged { reset_link } | MailKind::FactorsRemoved { reset_link } => {
            (reset_link.as_str(), "", 0, 0)
        }
        MailKind::FactorChanged {
            change: what,
            reset_link,
        } => {
            change = what.name();
            if let FactorChange::RecoveryCodeUsed { left } = what {
                count = *left;
            }
            (reset_link.as_str(), "", 0, 0)
        }
        MailKind::AccountDeleted { signup_link } => (signup_link.as_str(), "", 0, 0),
        MailKind::LoginLockout { reset_link } => (reset_link.as_str(), "", 0, 0),
        MailKind::UsernameChanged {
            username: new,
            reset_link,
        } => {
            username = new.as_str();
            (reset_link.as_str(), "", 0, 0)
        }
    };
    let greeting = if name.is_empty() || kind.to_unproven_address() {
        i18n::t(lang, "mail-greeting-neutral")
    } else {
        i18n::t_args(lang, "mail-greeting", &[("name", name.into())])
    };
    // Templates get the finished greeting, not the name: none of them can put it elsewhere.
    let ctx = context! {
        lang => lang.code(),
        greeting => greeting,
        link => link,
        email => email,
        username => username,
        issuer => issuer,
        expires_hours => expires_hours,
        expires_minutes => expires_minutes,
        change => change,
        count => count,
    };
    let base = format!("email/{}", kind.template());
    let subject = templates.render(&format!("{base}/subject.txt"), ctx.clone())?;
    Ok(NewMail {
        to_address: to.to_owned(),
        // A subject is one line, whatever the template's trailing whitespace.
        subject: subject.split_whitespace().collect::<Vec<_>>().join(" "),
        body_text: templates.render(&format!("{base}/body.txt"), ctx.clone())?,
        body_html: templates.render(&format!("{base}/body.html"), ctx)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const STRANGER: &str = "Bank Security Team: call +1 555";

    fn render(kind: &MailKind, lang: Lang, name: &str) -> NewMail {
        compose(
            &Templates::new(),
            "http://x",
            lang,
            "a@example.com",
            name,
            kind,
        )
        .unwrap()
    }

    #[test]
    fn mail_to_an_unproven_address_greets_without_a_name_whatever_it_is_given() {
        let kinds = [
            MailKind::VerifyEmail {
                link: "http://x/verify/T".into(),
                expires_hours: 24,
            },
            MailKind::EmailChange {
                link: "http://x/account/email/confirm/T".into(),
                expires_hours: 24,
                new_email: "new@example.com".into(),
            },
        ];
        for kind in &kinds {
            assert!(kind.to_unproven_address());
            for lang in Lang::ALL {
                let m = render(kind, lang, STRANGER);
                let neutral = i18n::t(lang, "mail-greeting-neutral");
                for body in [&m.body_text, &m.body_html] {
                    assert!(!body.contains("Bank Security"), "{kind:?} {lang:?}: {body}");
                    assert!(body.contains(&neutral), "{kind:?} {lang:?}: {body}");
                }
                assert!(!m.subject.contains("Bank Security"));
            }
        }
    }

    #[test]
    fn other_mail_greets_the_name_it_is_given_or_no_one() {
        let kind = MailKind::PasswordChanged {
            reset_link: "http://x/password/reset".into(),
        };
        assert!(!kind.to_unproven_address());
        let named = render(&kind, Lang::En, "Ada");
        assert!(
            named.body_text.starts_with("Hello Ada,"),
            "{}",
            named.body_text
        );
        let plain = render(&kind, Lang::Ko, "");
        assert!(
            plain.body_text.starts_with("안녕하세요."),
            "{}",
            plain.body_text
        );
    }

    #[test]
    fn the_factors_removed_mail_says_so_in_both_languages_with_the_reset_link() {
        let kind = MailKind::FactorsRemoved {
            reset_link: "http://x/password/reset".into(),
        };
        let en = render(&kind, Lang::En, "Ada");
        assert_eq!(
            en.subject,
            "The second factors of your Daemun account were removed"
        );
        let ko = render(&kind, Lang::Ko, "");
        assert!(ko.subject.contains("2단계 인증"), "{}", ko.subject);
        for m in [&en, &ko] {
            assert!(m.body_text.contains("http://x/password/reset"));
            let html = m.body_html.replace("&#x2f;", "/");
            assert!(html.contains("href=\"http://x/password/reset\""), "{html}");
        }
    }

    #[test]
    fn every_factor_change_has_its_own_words_in_both_languages() {
        let changes = [
            FactorChange::TotpAdded,
            FactorChange::TotpRemoved,
            FactorChange::RecoveryCodesRenewed,
            FactorChange::RecoveryCodeUsed { left: 3 },
            FactorChange::CodeLockout,
            FactorChange::UpstreamLinked,
            FactorChange::UpstreamUnlinked,
        ];
        for lang in Lang::ALL {
            let mut subjects = std::collections::BTreeSet::new();
            for change in changes {
                let kind = MailKind::FactorChanged {
                    change,
                    reset_link: "http://x/password/reset".into(),
                };
                let m = render(&kind, lang, "Ada");
                for text in [&m.subject, &m.body_text, &m.body_html] {
                    assert!(!text.contains("mail-factor"), "{change:?} {lang:?}: {text}");
                }
                assert!(m.body_text.contains("http://x/password/reset"));
                assert!(m.body_text.contains("http://x/account/security"));
                subjects.insert(m.subject);
            }
            assert_eq!(subjects.len(), changes.len(), "{lang:?}: one subject each");
        }
        let used = MailKind::FactorChanged {
            change: FactorChange::RecoveryCodeUsed { left: 3 },
            reset_link: "http://x/password/reset".into(),
        };
        assert!(
            render(&used, Lang::En, "")
                .body_text
                .contains("3 recovery codes are left")
        );
        assert!(render(&used, Lang::Ko, "").body_text.contains("3개"));
    }
}
