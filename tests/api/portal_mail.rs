//! Every portal mail has a subject, a text and an HTML part, in English and in Korean.
use daemun::i18n::Lang;
use daemun::mail::message::{MailKind, compose};
use daemun::templates::Templates;

fn kinds() -> Vec<MailKind> {
    vec![
        MailKind::PasswordReset {
            link: "http://x/password/reset/T".into(),
            expires_minutes: 60,
        },
        MailKind::EmailChange {
            link: "http://x/account/email/confirm/T".into(),
            expires_hours: 24,
            new_email: "new@example.com".into(),
        },
        MailKind::EmailChanged {
            new_email: "new@example.com".into(),
            reset_link: "http://x/password/reset".into(),
        },
        MailKind::PasswordChanged {
            reset_link: "http://x/password/reset".into(),
        },
        MailKind::AccountDeleted {
            signup_link: "http://x/signup".into(),
        },
        MailKind::UsernameChanged {
            username: "minsu".into(),
            reset_link: "http://x/password/reset".into(),
        },
        MailKind::UsernameChanged {
            username: String::new(),
            reset_link: "http://x/password/reset".into(),
        },
    ]
}

#[test]
fn every_portal_mail_renders_text_and_html_in_both_languages() {
    let templates = Templates::new();
    for kind in kinds() {
        for lang in Lang::ALL {
            let m = compose(&templates, "http://x", lang, "a@example.com", "Name", &kind).unwrap();
            assert!(
                !m.subject.is_empty() && !m.subject.contains("mail-"),
                "{kind:?} {lang:?}: {}",
                m.subject
            );
            for body in [&m.body_text, &m.body_html] {
                // Mail to an address nobody has proven yet never names anyone.
                let named = !kind.to_unproven_address();
                assert_eq!(body.contains("Name"), named, "{kind:?} {lang:?}");
                assert!(
                    !body.contains("mail-"),
                    "untranslated key in {kind:?} {lang:?}: {body}"
                );
            }
            assert!(m.body_html.contains("<html") && m.body_html.contains("style="));
            assert!(!m.body_text.contains('<'));
            let korean = m.subject.chars().any(|c| ('가'..='힣').contains(&c));
            assert_eq!(korean, lang == Lang::Ko, "{kind:?} {lang:?}: {}", m.subject);
        }
    }
}

#[test]
fn mails_carry_their_links_and_addresses() {
    let templates = Templates::new();
    for kind in kinds() {
        let m = compose(
            &templates,
            "http://x",
            Lang::En,
            "a@example.com",
            "N",
            &kind,
        )
        .unwrap();
        let link = match &kind {
            MailKind::PasswordReset { link, .. } | MailKind::EmailChange { link, .. } => link,
            MailKind::EmailChanged { reset_link, .. }
            | MailKind::PasswordChanged { reset_link }
            | MailKind::UsernameChanged { reset_link, .. } => reset_link,
            MailKind::AccountDeleted { signup_link } => signup_link,
            _ => unreachable!(),
        };
        // HTML escaping writes `/` as `&#x2f;`.
        let escaped = link.replace('/', "&#x2f;");
        assert!(m.body_text.contains(link.as_str()), "{kind:?}");
        assert!(
            m.body_html.contains(&escaped) || m.body_html.contains(link.as_str()),
            "{kind:?}"
        );
        if let MailKind::EmailChange { new_email, .. } | MailKind::EmailChanged { new_email, .. } =
            &kind
        {
            assert!(m.body_text.contains(new_email.as_str()));
        }
    }
}

#[test]
fn both_languages_define_the_portal_keys_the_code_uses() {
    use daemun::i18n::has_key;
    let keys = [
        "error-email-same",
        "error-password-wrong",
        "error-locale-invalid",
        "flash-profile-saved",
        "flash-email-changed",
        "flash-password-changed",
        "flash-password-reset",
        "flash-session-ended",
        "flash-sessions-ended",
        "flash-account-deleted",
    ];
    for lang in Lang::ALL {
        for key in keys {
            assert!(has_key(lang, key), "{key} missing in {}", lang.code());
        }
    }
}
