//! Who is logged in: what the session layer puts into each request, and what pages read.
use crate::domain::user::User;
use crate::store::sessions::SessionRecord;

/// The person behind this request and their session.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub user: User,
    pub session: SessionRecord,
}
