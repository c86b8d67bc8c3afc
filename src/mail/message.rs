//! Typed messages. Each is a template triplet `email/<name>/{subject.txt,body.txt,body.html}`
//! rendered in the recipient's language and queued in the outbox.
use minijinja::context;

use crate::i18n::Lang;
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

impl MailKind {
    fn template(&self) -> &'static str {
        match self {
            MailKind::VerifyEmail { .. } => "verify_email",
            MailKind::SignupAttempt { .. } => "signup_attempt",
            MailKind::PasswordReset { .. } => "password_reset",
            MailKind::EmailChange { .. } => "email_change",
            MailKind::EmailChanged { .. } => "email_changed",
            MailKind::PasswordChanged { .. } => "password_changed",
            MailKind::AccountDeleted { .. } => "account_deleted",
            MailKind::UsernameChanged { .. } => "username_changed",
            MailKind::LoginLockout { .. } => "login_lockout",
        }
    }
}

/// Renders `kind` for `to` into a mail ready for the outbox.
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
        MailKind::PasswordChanged { reset_link } => (reset_link.as_str(), "", 0, 0),
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
    let ctx = context! {
        lang => lang.code(),
        name => name,
        link => link,
        email => email,
        username => username,
        issuer => issuer,
        expires_hours => expires_hours,
        expires_minutes => expires_minutes,
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
