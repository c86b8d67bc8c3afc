//! `/admin/upstream`: the upstream providers people can log in with (configured in
//! `daemun.toml` or the environment, so read-only here), with how many identities each has
//! linked. The client secret is never shown.
use axum::extract::State;
use axum::response::Response;
use minijinja::{Value, context};

use super::Admin;
use crate::http::{AppState, PageCtx, PageError};

pub async fn upstream_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    _admin: Admin,
) -> Result<Response, PageError> {
    let counts = state.store.upstream_identity_counts().await?;
    let rows: Vec<Value> = state
        .config
        .upstream
        .iter()
        .map(|(name, p)| {
            let linked = counts
                .iter()
                .find(|(provider, _)| provider == name)
                .map_or(0, |(_, n)| *n);
            context! {
                name => name.clone(),
                label => p.label.clone(),
                issuer => p.issuer.clone(),
                client_id => p.client_id.clone(),
                callback => format!("{}/login/upstream/{name}/callback", state.config.issuer()),
                scopes => p.scopes.join(" "),
                may_create => p.may_create_accounts,
                domains => p.allowed_email_domains.join(", "),
                trust_mfa => p.trust_upstream_mfa,
                linked => linked,
            }
        })
        .collect();
    Ok(ctx.ok(
        &state,
        "admin/upstream.html",
        context! { providers => rows },
    ))
}
