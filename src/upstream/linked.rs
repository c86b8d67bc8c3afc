//! `/account/linked`: the logins through upstream providers linked to the account. The owner
//! links another one by logging in at the provider from here (proof that both are theirs: a
//! login here no older than ten minutes, and the provider's login); unlinking is refused when
//! it would leave the account no way to log in. A link is keyed by (issuer, `sub`), never by
//! email address.
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Deserialize;

use super::start::{Outgoing, send};
use super::{Person, provider, refused};
use crate::accounts::factors::Factors;
use crate::accounts::mailing;
use crate::accounts::portal::has_password;
use crate::domain::clock::format_utc;
use crate::domain::secret::SecretToken;
use crate::domain::user::User;
use crate::http::authenticated::{RECENT_LOGIN_MS, login_path};
use crate::http::client::ClientInfo;
use crate::http::flash::{self, FlashKind};
use crate::http::form::PageForm;
use crate::http::session::{Authenticated, CurrentUser};
use crate::http::{AppState, PageCtx, PageError, audit, cookies};
use crate::mail::message::FactorChange;
use crate::store::identities::{PendingLink, UpstreamIdentity};

pub const PATH: &str = "/account/linked";
/// Where the owner of an address in use confirms linking a provider's login after logging in.
pub const CONFIRM_PATH: &str = "/account/linked/confirm";

pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
) -> Result<Response, PageError> {
    let linked = state
        .store
        .upstream_identities_of(auth.user.user_id)
        .await?;
    let rows: Vec<Value> = linked
        .iter()
        .map(|l| {
            context! {
                label => label(&state, &l.provider),
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
    if !auth.logged_in_within(state.now(), RECENT_LOGIN_MS) {
        return Ok(Redirect::to(&login_path(PATH, true)).into_response());
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

/// A first login whose verified address belongs to an existing account: no link and no
/// login, but a page that offers the account's owner to log in (with the password or a
/// passkey) and then link this login ([`confirm`]). The offer is kept ten minutes, bound to
/// this browser by a cookie.
pub async fn offer(
    state: &AppState,
    ctx: &PageCtx,
    name: &str,
    person: &Person,
) -> Result<Response, PageError> {
    let token = SecretToken::generate();
    let now = state.now();
    state
        .store
        .offer_pending_link(&PendingLink {
            browser_hash: token.hash(),
            provider: name.to_owned(),
            issuer: person.issuer.clone(),
            subject: person.subject.clone(),
            email: person.email.chars().take(320).collect(),
            created_at: now,
            expires_at: now + RECENT_LOGIN_MS,
        })
        .await?;
    let label = provider(state, name)?.label.clone();
    let login = login_path(CONFIRM_PATH, false);
    let extra = context! { label => label, email => person.email.clone(), login => login };
    let mut resp = ctx.render(
        state,
        StatusCode::FORBIDDEN,
        "accounts/upstream_in_use.html",
        extra,
    );
    let https = state.config.https();
    let secs = Some(RECENT_LOGIN_MS / 1000);
    cookies::set(
        &mut resp,
        cookies::UPSTREAM_LINK,
        token.expose(),
        https,
        secs,
    );
    Ok(resp)
}

/// The pending link of this browser, if any; with `take`, used up.
async fn pending(
    state: &AppState,
    headers: &HeaderMap,
    take: bool,
) -> Result<Option<PendingLink>, PageError> {
    let https = state.config.https();
    let Some(token) = cookies::get(headers, cookies::UPSTREAM_LINK, https)
        .and_then(|v| SecretToken::from_untrusted(&v))
    else {
        return Ok(None);
    };
    Ok(state
        .store
        .pending_link(&token.hash(), state.now(), take)
        .await?)
}

/// The pending link is gone (used, expired, or started in another browser).
fn gone(state: &AppState) -> Response {
    let mut resp = Redirect::to(PATH).into_response();
    let https = state.config.https();
    flash::set(
        &mut resp,
        FlashKind::Info,
        "flash-upstream-link-expired",
        https,
    );
    cookies::remove(&mut resp, cookies::UPSTREAM_LINK, https);
    resp
}

/// `GET /account/linked/confirm`: after logging in, the owner is asked to link the login the
/// provider vouched for.
pub async fn confirm_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
    headers: HeaderMap,
) -> Result<Response, PageError> {
    let Some(link) = pending(&state, &headers, false).await? else {
        return Ok(gone(&state));
    };
    let label = label(&state, &link.provider);
    let extra = context! {
        label => label,
        email => link.email,
        account => auth.user.email.clone(),
    };
    Ok(ctx.ok(&state, "portal/linked_confirm.html", extra))
}

/// `POST /account/linked/confirm`: links the pending login to the account logged in here (a
/// login at most ten minutes old), with the same checks as a link started from this page.
pub async fn confirm(
    State(state): State<AppState>,
    ctx: PageCtx,
    CurrentUser(auth): CurrentUser,
    headers: HeaderMap,
    client: ClientInfo,
    PageForm(_): PageForm<LinkForm>,
) -> Result<Response, PageError> {
    if !auth.logged_in_within(state.now(), RECENT_LOGIN_MS) {
        return Ok(Redirect::to(&login_path(CONFIRM_PATH, true)).into_response());
    }
    let Some(link) = pending(&state, &headers, true).await? else {
        return Ok(gone(&state));
    };
    let who = Arrival {
        name: &link.provider,
        issuer: &link.issuer,
        subject: &link.subject,
        email: &link.email,
        // Offered only for an address the provider vouched for.
        email_verified: true,
    };
    let owner = auth.user.user_id;
    let mut resp = finish_link(&state, ctx.lang, Some(&auth), owner, who, &client).await?;
    cookies::remove(&mut resp, cookies::UPSTREAM_LINK, state.config.https());
    Ok(resp)
}

/// The button label of provider `name`, or the name itself once it is no longer configured.
fn label(state: &AppState, name: &str) -> String {
    state
        .config
        .upstream
        .get(name)
        .map_or_else(|| name.to_owned(), |p| p.label.clone())
}
