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
}

impl MailKind {
    fn template(&self) -> &'static str {
        match self {
            MailKind::VerifyEmail { .. } => "verify_email",
            MailKind::SignupAttempt { .. } => "signup_attempt",
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
    let (link, expires_hours) = match kind {
        MailKind::VerifyEmail {
            link,
            expires_hours,
        } => (link.as_str(), *expires_hours),
        MailKind::SignupAttempt { login_link } => (login_link.as_str(), 0),
    };
    let ctx = context! {
        lang => lang.code(),
        name => name,
        link => link,
        issuer => issuer,
        expires_hours => expires_hours,
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
