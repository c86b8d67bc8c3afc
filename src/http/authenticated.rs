//! Who is logged in: what the session layer puts into each request, and what pages read.
use crate::domain::clock::{MINUTE, Millis};
use crate::domain::user::User;
use crate::store::sessions::SessionRecord;

/// The person behind this request and their session.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub user: User,
    pub session: SessionRecord,
}

/// How recent a login must be for an action that adds a way into the account (a first
/// password, a linked provider): older ones log in again first.
pub const RECENT_LOGIN_MS: Millis = 10 * MINUTE;

impl Authenticated {
    /// Whether the person logged in (or proved it again) at most `ms` ago.
    pub fn logged_in_within(&self, now: Millis, ms: Millis) -> bool {
        now.saturating_sub(self.session.auth_time) <= ms
    }
}

/// The login page, then `next` (a local path); with `again`, as a new login of the person
/// already logged in (`reauth=1`).
pub fn login_path(next: &str, again: bool) -> String {
    let next: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
    if again {
        format!("/login?reauth=1&next={next}")
    } else {
        format!("/login?next={next}")
    }
}
