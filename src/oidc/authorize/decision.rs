//! The one rule for "may this authorization request be answered now?", asked by `/authorize`,
//! by its resumption after login, and by the consent page before it shows or accepts anything,
//! so that no path skips a fresh login or answers for the wrong person.
use crate::config::SecondFactorPolicy;
use crate::domain::acr::Level;
use crate::domain::clock::{Millis, SECOND};
use crate::domain::scope::Scopes;
use crate::http::AppState;
use crate::http::session::Authenticated;
use crate::oidc::id_token_hint::verify_hint;
use crate::store::grants::PendingRow;

use super::request::AuthRequest;

/// What the logged-in person must still do before a code may be issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Log in again: `prompt=login` asked for a login newer than the request, `max_age` has
    /// passed, or the application named another person in `id_token_hint`.
    Reauth,
    /// The application named another person in `id_token_hint`, and a login made for this
    /// request did not change that: answer `login_required` (OIDC Core §3.1.2.1).
    WrongPerson,
    /// The `id_token_hint` is not an ID token of this provider.
    BadHint,
    /// The application is for members of some groups, and the person is in none of them.
    NotAllowed,
    /// Set up a second factor first (`accounts.require_second_factor = "everyone"`, or the
    /// application needs two factors from someone who has only a password).
    SecondFactor,
    /// Take the second step: the application needs two factors (`acr_values`, or the client
    /// requires them) and the session has one.
    StepUp,
    /// Allow the application on the consent page.
    Consent,
    /// Nothing: issue the code.
    Ready,
}

/// Decides for a logged-in person. `pending` is the parked request, if it was parked: a login
/// counts as fresh for `prompt=login` only when it happened after the request was parked.
pub async fn next_step(
    state: &AppState,
    req: &AuthRequest,
    auth: &Authenticated,
    pending: Option<&PendingRow>,
) -> Step {
    let logged_in_since = pending.is_some_and(|p| auth.session.auth_time >= p.created_at);
    if let Some(raw) = &req.id_token_hint {
        let Some(hint) = verify_hint(state, raw) else {
            return Step::BadHint;
        };
        if hint.sub != auth.user.sub {
            return if logged_in_since {
                Step::WrongPerson
            } else {
                Step::Reauth
            };
        }
    }
    let stale = req
        .max_age
        .is_some_and(|m| too_old(state.now(), auth.session.auth_time, m));
    if (req.prompt.login && !logged_in_since) || stale {
        return Step::Reauth;
    }
    // A store failure keeps the person out rather than let them in.
    if !may_use(state, &req.target.client, auth.user.user_id)
        .await
        .unwrap_or(false)
    {
        return Step::NotAllowed;
    }
    // A store failure holds the login back rather than assume a factor.
    let everyone = state.config.accounts.require_second_factor == SecondFactorPolicy::Everyone;
    let level = Level::of_amr(&auth.session.amr);
    let short = wanted_level(req) > level;
    if everyone || short {
        // A session that proved two factors already (a trusted upstream provider's) needs
        // none set up here.
        if level < Level::Mfa && !has_second_factor(state, auth).await.unwrap_or(false) {
            return Step::SecondFactor;
        }
        if short {
            return Step::StepUp;
        }
    }
    // A store failure asks for consent rather than assume it.
    if needs_consent(state, req, auth).await.unwrap_or(true) {
        return Step::Consent;
    }
    Step::Ready
}

/// The level the request needs: what `acr_values` asks for, and two factors for a client that
/// requires them.
pub fn wanted_level(req: &AuthRequest) -> Level {
    let client = if req.target.client.require_mfa {
        Level::Mfa
    } else {
        Level::Pwd
    };
    req.acr.map_or(client, |asked| asked.max(client))
}

/// Whether a login at `auth_time` is older than `max_age` seconds. A `max_age` too large to
/// count in milliseconds means no limit (it saturates instead of wrapping).
pub fn too_old(now: Millis, auth_time: Millis, max_age: i64) -> bool {
    match max_age.checked_mul(SECOND) {
        Some(limit) => now.saturating_sub(auth_time) > limit,
        None => false,
    }
}

/// Whether the person `user_id` may use `client`: anyone, unless the client names groups, and
/// then their members only. Asked at `/authorize` and again whenever tokens are issued for
/// the person, so a removed member's refresh fails.
pub async fn may_use(
    state: &AppState,
    client: &crate::domain::client::Client,
    user_id: i64,
) -> Result<bool, crate::store::StoreError> {
    if client.allowed_groups.is_empty() {
        return Ok(true);
    }
    let groups = state.store.user_groups(user_id).await?;
    Ok(groups.iter().any(|g| client.allowed_groups.contains(g)))
}

async fn has_second_factor(
    state: &AppState,
    auth: &Authenticated,
) -> Result<bool, crate::store::StoreError> {
    let app = state.store.totp(auth.user.user_id).await?;
    Ok(app.is_some_and(|a| a.enabled_at.is_some()))
}

async fn needs_consent(
    state: &AppState,
    req: &AuthRequest,
    auth: &Authenticated,
) -> Result<bool, crate::store::StoreError> {
    if req.target.client.first_party {
        return Ok(false);
    }
    if req.prompt.consent {
        return Ok(true);
    }
    let granted = state
        .store
        .consent(auth.user.user_id, &req.target.client.client_id)
        .await?;
    Ok(match granted {
        Some(g) => req.scopes.first_outside(&Scopes::stored(&g)).is_some(),
        None => true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn max_age_counts_seconds_and_saturates() {
        assert!(!too_old(10_000, 5_000, 5));
        assert!(too_old(10_001, 5_000, 5));
        assert!(too_old(1, 0, 0));
        assert!(!too_old(i64::MAX, 0, i64::MAX));
    }
}
