//! A first login through a provider: an account is made for the person when the provider may
//! create accounts, vouches for the address, nobody uses it yet and its domain is allowed. An
//! address in use is never linked by itself: its owner links the provider from
//! `/account/linked` after logging in (see `linked`).
use axum::http::StatusCode;

use super::{Person, record_refusal, refused};
use crate::config::UpstreamConfig;
use crate::domain::email_address::EmailAddress;
use crate::domain::password::NO_PASSWORD;
use crate::domain::secret::random_id;
use crate::domain::user::User;
use crate::domain::username::Username;
use crate::http::client::ClientInfo;
use crate::http::{AppState, PageError, audit};
use crate::store::identities::UpstreamIdentity;
use crate::store::users::NewUser;

/// A first login: an account for a verified address nobody uses yet, when the provider may
/// create accounts and the domain is allowed. An address in use is never linked by itself:
/// `None` then, and its owner may link the login after logging in (`linked::offer`).
pub async fn create(
    state: &AppState,
    name: &str,
    p: &UpstreamConfig,
    person: &Person,
    client: &ClientInfo,
) -> Result<Option<User>, PageError> {
    let why = async |reason: &str, body: &'static str| {
        record_refusal(state, client, name, reason).await;
        refused(StatusCode::FORBIDDEN, body)
    };
    let Ok(email) = EmailAddress::parse(&person.email) else {
        return Err(why("no_email", "upstream-error-no-email").await);
    };
    // Before anything is said about the address: only an address the provider vouches for is
    // looked up, so nobody learns from here which addresses have accounts.
    if !person.email_verified {
        return Err(why("email_unverified", "upstream-error-unverified").await);
    }
    if state
        .store
        .user_by_email(email.normalized())
        .await?
        .is_some()
    {
        record_refusal(state, client, name, "email_in_use").await;
        return Ok(None);
    }
    if !p.may_create_accounts {
        return Err(why("may_not_create", "upstream-error-no-account").await);
    }
    let domain = email.as_str().rsplit('@').next().unwrap_or_default();
    if !p.domain_allowed(domain) {
        return Err(why("domain_not_allowed", "upstream-error-domain").await);
    }
    let now = state.now();
    let mut new = NewUser {
        sub: random_id(),
        email: email.as_str().to_owned(),
        email_normalized: email.normalized().to_owned(),
        username: None,
        username_normalized: None,
        display_name: person.name.chars().take(100).collect(),
        password_hash: NO_PASSWORD.to_owned(),
        email_verified: true,
        is_admin: false,
        locale: None,
    };
    // The provider's username is taken over when it is a valid one nobody has; otherwise the
    // account simply has none (the person may choose one on the profile page).
    if let Ok(username) = Username::parse(&person.username) {
        new.username = Some(username.as_str().to_owned());
        new.username_normalized = Some(username.normalized().to_owned());
    }
    let user = match state.store.create_account(new.clone(), now).await {
        Err(e) if e.is_conflict_on("username") => {
            new.username = None;
            new.username_normalized = None;
            state.store.create_account(new, now).await
        }
        other => other,
    };
    let user = match user {
        Ok(user) => user,
        Err(crate::store::StoreError::Conflict { .. }) => {
            return Err(why("email_in_use", "upstream-error-email-taken").await);
        }
        Err(e) => return Err(e.into()),
    };
    state
        .store
        .link_upstream_identity(&UpstreamIdentity {
            issuer: person.issuer.clone(),
            subject: person.subject.clone(),
            provider: name.to_owned(),
            user_id: user.user_id,
            email: email.as_str().to_owned(),
            created_at: now,
            last_login_at: now,
        })
        .await?;
    audit::record(
        state,
        "upstream.account_created",
        Some(user.user_id),
        client,
        name,
    )
    .await;
    Ok(Some(user))
}
