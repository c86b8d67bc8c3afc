//! `/account/linked`: the logins through upstream providers linked to the account. The owner
//! links another one by logging in at the provider from here (proof that both are theirs: a
//! login here no older than ten minutes, and the provider's login); unlinking is refused when
//! it would leave the account no way to log in. A link is keyed by (issuer, `sub`), never by
//! email address.
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Deserialize;

use super::start::{Outgoing, send};
use super::{provider, refused};
use crate::accounts::factors::Factors;
use crate::accounts::mailing;
use crate::accounts::portal::has_password;
use crate::domain::clock::{MINUTE, format_utc};
use crate::domain::user::User;
use crate::http::client::ClientInfo;
use crate::http::flash::{self, FlashKind};
use crate::http::form::PageForm;
use crate::http::session::{Authenticated, CurrentUser};
use crate::http::{AppState, PageCtx, PageError, audit};
use crate::mail::message::FactorChange;
use crate::store::identities::UpstreamIdentity;

pub const PATH: &str = "/account/linked";

/// How recent the login here must be to link a provider's login to the account.
const PROOF_WINDOW_MS: i64 = 10 * MINUTE;

pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
) -> Result<Response, PageError> {
    let linked = state
        .store
        .upstream_identities_of(auth.user.user_id)
        .await?;
    let label = |name: &str| {
        state
            .config
            .upstream
            .get(name)
            .map_or_else(|| name.to_owned(), |p| p.label.clone())
    };
    let rows: Vec<Value> = linked
        .iter()
        .map(|l| {
            context! {
                label => label(&l.provider),
                email => l.email.clone(),
                issuer => l.issuer.clone(),
                subject => l.subject.clone(),
                since => format_utc(l.created_at),
                last_used => format_utc(l.last_login_at),
            }
        })
        .collect();
    let providers: Vec<Value> = state
        .config
        .upstream
        .iter()
        .map(|(name, p)| context! { name => name.clone(), label => p.label.clone() })
        .collect();
    Ok(ctx.ok(
        &state,
        "portal/linked.html",
        context! { linked => rows, providers => providers },
    ))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    provider: String,
}

/// `POST /account/linked/link`: sends the person to the provider to log in there; the callback
/// links that login to this account ([`finish_link`]). A login here older than ten minutes is
/// renewed first.
pub async fn link(
    State(state): State<AppState>,
    CurrentUser(auth): CurrentUser,
    client: ClientInfo,
    PageForm(form): PageForm<LinkForm>,
) -> Result<Response, PageError> {
    let p = provider(&state, &form.provider)?;
    if state.now().saturating_sub(auth.session.auth_time) > PROOF_WINDOW_MS {
        return Ok(Redirect::to(&format!("/login?reauth=1&next={PATH}")).into_response());
    }
    let out = Outgoing {
        next: PATH.to_owned(),
        link_user_id: Some(auth.user.user_id),
        fresh: false,
        max_age: None,
    };
    send(&state, &form.provider, p, out, &client).await
}

/// Who came back from the provider, for linking.
pub struct Arrival<'a> {
    pub name: &'a str,
    pub issuer: &'a str,
    pub subject: &'a str,
    pub email: &'a str,
    /// Whether the provider vouches for `email`.
    pub email_verified: bool,
}

/// The callback of a login started by [`link`]: the identity is linked to `owner` when the
/// browser is still logged in as `owner` and the identity belongs to nobody else.
pub async fn finish_link(
    state: &AppState,
    ctx_lang: crate::i18n::Lang,
    current: Option<&Authenticated>,
    owner: i64,
    who: Arrival<'_>,
    client: &ClientInfo,
) -> Result<Response, PageError> {
    let refuse = async |status: StatusCode, reason: &str, body: &'static str| {
        let detail = format!("{}: {reason}", who.name);
        audit::record(state, "upstream.refused", Some(owner), client, &detail).await;
        refused(status, body)
    };
    let Some(auth) = current.filter(|a| a.user.user_id == owner) else {
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            "link_session_gone",
            "upstream-error-state",
        )
        .await);
    };
    let p = provider(state, who.name)?;
    // The provider's domain rule holds for links too; it needs an address the provider vouches
    // for.
    if !p.allowed_email_domains.is_empty() {
        let domain = who.email.rsplit('@').next().unwrap_or_default();
        if !who.email_verified || !who.email.contains('@') || !p.domain_allowed(domain) {
            return Err(refuse(
                StatusCode::FORBIDDEN,
                "domain_not_allowed",
                "upstream-error-domain",
            )
            .await);
        }
    }
    match state
        .store
        .upstream_identity_owner(who.issuer, who.subject)
        .await?
    {
        Some(id) if id == owner => return Ok(back(state, "flash-upstream-already-linked")),
        Some(_) => {
            return Err(refuse(
                StatusCode::CONFLICT,
                "linked_elsewhere",
                "upstream-error-linked-elsewhere",
            )
            .await);
        }
        None => {}
    }
    let now = state.now();
    let identity = UpstreamIdentity {
        issuer: who.issuer.to_owned(),
        subject: who.subject.to_owned(),
        provider: who.name.to_owned(),
        user_id: owner,
        email: who.email.chars().take(320).collect(),
        created_at: now,
        last_login_at: now,
    };
    match state.store.link_upstream_identity(&identity).await {
        Ok(()) => {}
        Err(crate::store::StoreError::Conflict { .. }) => {
            return Err(refuse(
                StatusCode::CONFLICT,
                "linked_elsewhere",
                "upstream-error-linked-elsewhere",
            )
            .await);
        }
        Err(e) => return Err(e.into()),
    }
    audit::record(state, "upstream.linked", Some(owner), client, who.name).await;
    mailing::tell_factor_change(state, ctx_lang, &auth.user, FactorChange::UpstreamLinked).await?;
    Ok(back(state, "flash-upstream-linked"))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UnlinkForm {
    issuer: String,
    subject: String,
}

/// `POST /account/linked/unlink`: removes a link, unless it is the account's last way in.
pub async fn unlink(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
    client: ClientInfo,
    PageForm(form): PageForm<UnlinkForm>,
) -> Result<Response, PageError> {
    let user = &auth.user;
    let linked = state.store.upstream_identities_of(user.user_id).await?;
    // Keyed on the session's user: another person's link is simply not found.
    let Some(this) = linked
        .iter()
        .find(|l| l.issuer == form.issuer && l.subject == form.subject)
    else {
        return Err(PageError::not_found());
    };
    if !other_way_in(&state, user, &linked, this).await? {
        audit::record(
            &state,
            "upstream.unlink_refused",
            Some(user.user_id),
            &client,
            &format!("{}: last_way_in", this.provider),
        )
        .await;
        return Err(refused(StatusCode::CONFLICT, "upstream-error-last-way-in"));
    }
    state
        .store
        .unlink_upstream_identity(user.user_id, &this.issuer, &this.subject)
        .await?;
    audit::record(
        &state,
        "upstream.unlinked",
        Some(user.user_id),
        &client,
        &this.provider,
    )
    .await;
    mailing::tell_factor_change(&state, ctx.lang, user, FactorChange::UpstreamUnlinked).await?;
    Ok(back(&state, "flash-upstream-unlinked"))
}

/// Whether the account can still log in without `this`: a password, a passkey, or another
/// link to a provider that is still configured.
async fn other_way_in(
    state: &AppState,
    user: &User,
    linked: &[UpstreamIdentity],
    this: &UpstreamIdentity,
) -> Result<bool, PageError> {
    if has_password(state, user).await? || Factors::of(state, user.user_id).await?.passkeys > 0 {
        return Ok(true);
    }
    Ok(linked.iter().any(|l| {
        (l.issuer != this.issuer || l.subject != this.subject)
            && state.config.upstream.contains_key(&l.provider)
    }))
}

fn back(state: &AppState, message: &'static str) -> Response {
    let mut resp = Redirect::to(PATH).into_response();
    flash::set(&mut resp, FlashKind::Success, message, state.config.https());
    resp
}
