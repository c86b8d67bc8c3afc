//! Queueing the mails accounts send. The request only writes to the outbox; the sender
//! delivers, so the response never depends on SMTP (no timing or failure oracle).
use crate::domain::clock::{HOUR, MINUTE};
use crate::domain::email_address::EmailAddress;
use crate::domain::secret::SecretToken;
use crate::domain::user::User;
use crate::http::client::ClientInfo;
use crate::http::{AppState, PageError, rate_limit};
use crate::i18n::Lang;
use crate::mail::message::{FactorChange, MailKind, compose};
use crate::store::email_tokens::{NewToken, TokenPurpose};

/// Whether a request to mail a link to `email` (a new verification link, a reset link) is
/// over its limits: `per_ip` per client address (bucket `<what>:ip:…`) and `per_address` per
/// address asked for (`<what>:email:…`). Both are counted either way.
pub async fn link_request_limited(
    state: &AppState,
    what: &str,
    client: &ClientInfo,
    email: &EmailAddress,
    per_ip: i64,
    per_address: i64,
) -> Result<bool, PageError> {
    let buckets = [
        (format!("{what}:ip:{}", client.limit_key), per_ip),
        (format!("{what}:email:{}", email.normalized()), per_address),
    ];
    Ok(rate_limit::over_any(state, &buckets).await?)
}

/// Renders `kind` in `lang` and queues it for `to`.
pub async fn queue(
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

/// The name to greet `user` by in mail to the account's address: none until that address is
/// verified. Until then the account may be a stranger's, made with somebody else's address
/// and a name of the stranger's choosing, and the mail would carry that text to the address's
/// owner.
pub fn greeting_name(user: &User) -> &str {
    if user.email_verified {
        &user.display_name
    } else {
        ""
    }
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
    // The address is unproven by definition: no name.
    queue(state, lang, &user.email, "", kind).await
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
    queue(state, lang, &user.email, greeting_name(user), kind).await
}

/// Issues a reset token (older reset links of the user die) and mails the link.
pub async fn send_password_reset(
    state: &AppState,
    user: &User,
    lang: Lang,
) -> Result<(), PageError> {
    let token = SecretToken::generate();
    let now = state.now();
    let ttl_minutes = state.config.accounts.reset_ttl_minutes;
    state
        .store
        .replace_email_token(&NewToken {
            token_hash: &token.hash(),
            purpose: TokenPurpose::ResetPassword,
            user_id: user.user_id,
            email_normalized: &user.email_normalized,
            new_email: None,
            now,
            expires_at: now + ttl_minutes * MINUTE,
        })
        .await?;
    let kind = MailKind::PasswordReset {
        link: format!(
            "{}/password/reset/{}",
            state.config.issuer(),
            token.expose()
        ),
        expires_minutes: ttl_minutes,
    };
    queue(state, lang, &user.email, greeting_name(user), kind).await
}

/// Issues an email-change token (older ones die) and mails the link to the NEW address.
pub async fn send_email_change(
    state: &AppState,
    user: &User,
    new: &EmailAddress,
    lang: Lang,
) -> Result<(), PageError> {
    let token = SecretToken::generate();
    let now = state.now();
    let ttl_hours = state.config.accounts.verification_ttl_hours;
    state
        .store
        .replace_email_token(&NewToken {
            token_hash: &token.hash(),
            purpose: TokenPurpose::ChangeEmail,
            user_id: user.user_id,
            email_normalized: &user.email_normalized,
            new_email: Some((new.as_str(), new.normalized())),
            now,
            expires_at: now + ttl_hours * HOUR,
        })
        .await?;
    let kind = MailKind::EmailChange {
        link: format!(
            "{}/account/email/confirm/{}",
            state.config.issuer(),
            token.expose()
        ),
        expires_hours: ttl_hours,
        new_email: new.as_str().to_owned(),
    };
    // To the new address, not proven yet: no name (the account's owner chose it, but the
    // owner may be a stranger to whoever reads that mailbox).
    queue(state, lang, new.as_str(), "", kind).await
}

/// The link notices offer to someone who did not make the change themselves.
pub fn reset_link(state: &AppState) -> String {
    format!("{}/password/reset", state.config.issuer())
}

/// The language to write to `user` in: their saved choice, else the page's.
pub fn lang_for(user: &User, page: Lang) -> Lang {
    user.locale
        .as_deref()
        .and_then(Lang::from_tag)
        .unwrap_or(page)
}

/// Mails the person about a change to their ways of logging in (second factors, linked
/// providers), with the reset link in case it was not them.
pub async fn tell_factor_change(
    state: &AppState,
    lang: Lang,
    user: &User,
    change: FactorChange,
) -> Result<(), PageError> {
    let kind = MailKind::FactorChanged {
        change,
        reset_link: reset_link(state),
    };
    queue(
        state,
        lang_for(user, lang),
        &user.email,
        &user.display_name,
        kind,
    )
    .await
}
