//! Ending grants. A grant (`oauth_grant`) is one authorization: its code, its access tokens and
//! its refresh-token family, the browser session it was made in and its client. Revoking marks
//! the grant itself (`revoked_at`) and deletes what hangs off it, in the caller's transaction.
//! Every token is valid only while its grant is not revoked, so a token that a concurrent
//! request inserts after the revocation (a refresh racing reuse detection, a code racing its
//! replay) is dead all the same.
//!
//! Every way a session ends goes through `revoke_grants!` with `BY_SESSION` before the
//! session row is deleted; every way an account stops (password change or reset, disable,
//! deletion) with `BY_USER`.

/// The statements that revoke the grants a key selects: `mark` binds the key and the instant,
/// each of `tokens` binds the key only.
pub(crate) struct GrantSelector {
    pub mark: &'static str,
    pub tokens: [&'static str; 3],
}

/// One grant, by `grant_id` (a replayed code, a reused refresh token, revocation).
pub(crate) const BY_GRANT: GrantSelector = GrantSelector {
    mark: "UPDATE oauth_grant SET revoked_at = $2 WHERE grant_id = $1 AND revoked_at IS NULL",
    tokens: [
        "DELETE FROM access_token WHERE grant_id = $1",
        "DELETE FROM refresh_token WHERE grant_id = $1",
        "DELETE FROM authorization_code WHERE grant_id = $1 AND redeemed_at IS NULL",
    ],
};

/// Every grant made in browser session `sid`.
pub(crate) const BY_SESSION: GrantSelector = GrantSelector {
    mark: "UPDATE oauth_grant SET revoked_at = $2 WHERE sid = $1 AND revoked_at IS NULL",
    tokens: [
        "DELETE FROM access_token WHERE grant_id IN (SELECT grant_id FROM oauth_grant WHERE sid = $1)",
        "DELETE FROM refresh_token WHERE grant_id IN (SELECT grant_id FROM oauth_grant WHERE sid = $1)",
        "DELETE FROM authorization_code WHERE redeemed_at IS NULL \
         AND grant_id IN (SELECT grant_id FROM oauth_grant WHERE sid = $1)",
    ],
};

/// Every grant of the person `user_id`, whatever session it came from.
pub(crate) const BY_USER: GrantSelector = GrantSelector {
    mark: "UPDATE oauth_grant SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
    tokens: [
        "DELETE FROM access_token WHERE user_id = $1",
        "DELETE FROM refresh_token WHERE user_id = $1",
        "DELETE FROM authorization_code WHERE user_id = $1 AND redeemed_at IS NULL",
    ],
};

/// A condition on `access_token`, `refresh_token` or `authorization_code` rows (aliased `t`),
/// as a literal for `concat!`: the grant the row belongs to exists and is not revoked.
macro_rules! grant_is_live {
    () => {
        "EXISTS (SELECT 1 FROM oauth_grant g WHERE g.grant_id = t.grant_id AND g.revoked_at IS NULL)"
    };
}
pub(crate) use grant_is_live;

/// Runs a [`GrantSelector`]'s statements on `$tx` (a transaction of either backend, inside
/// `on_db!`) for `$key` at `$now`.
macro_rules! revoke_grants {
    ($tx:expr, $selector:expr, $key:expr, $now:expr) => {{
        let selector = &$selector;
        $crate::store::execute_count!(on &mut *$tx, selector.mark, $key, $now)?;
        for sql in selector.tokens {
            $crate::store::execute_count!(on &mut *$tx, sql, $key)?;
        }
    }};
}
pub(crate) use revoke_grants;
