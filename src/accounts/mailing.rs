//! Queueing the mails accounts send. The request only writes to the outbox; the sender
//! delivers, so the response never depends on SMTP (no timing or failure oracle).
use crate::domain::clock::HOUR;
use crate::domain::secret::SecretToken;
use crate::domain::user::User;
use crate::http::{AppState, PageError};
use crate::i18n::Lang;
use crate::mail::message::{MailKind, compose};
use crate::store::email_tokens::TokenPurpose;

async fn queue(
    state: &AppState,
    lang: Lang,
    to: &str,
    name: &str,
    kind: MailKind,
) -> Result<(), PageError> {
    let mail = compose(
        &state.templates,
        state.config.issuer(),
        lang,
        to,
        name,
        &kind,
    )?;
    state.store.enqueue_mail(&mail, state.now()).await?;
    state.mail_wake.notify_one();
    Ok(())
}

/// Issues a verification token for the user's current address and queues the mail.
pub async fn send_verification(state: &AppState, user: &User, lang: Lang) -> Result<(), PageError> {
    let token = SecretToken::generate();
    let now = state.now();
    let ttl_hours = state.config.accounts.verification_ttl_hours;
    state
        .store
        .insert_email_token(
            &token.hash(),
            TokenPurpose::VerifyEmail,
            user.user_id,
            &user.email_normalized,
            now,
            now + ttl_hours * HOUR,
        )
        .await?;
    let link = format!("{}/verify/{}", state.config.issuer(), token.expose());
    let kind = MailKind::VerifyEmail {
        link,
        expires_hours: ttl_hours,
    };
    queue(state, lang, &user.email, &user.display_name, kind).await
}

/// Tells the owner of an existing account that someone tried to sign up with their address.
pub async fn send_signup_attempt(
    state: &AppState,
    user: &User,
    lang: Lang,
) -> Result<(), PageError> {
    let kind = MailKind::SignupAttempt {
        login_link: format!("{}/login", state.config.issuer()),
    };
    queue(state, lang, &user.email, &user.display_name, kind).await
}

/// The language to write to `user` in: their saved choice, else the page's.
pub fn lang_for(user: &User, page: Lang) -> Lang {
    user.locale
        .as_deref()
        .and_then(Lang::from_tag)
        .unwrap_or(page)
}
