//! People's accounts.
use sqlx::FromRow;

use super::{Store, StoreError, StoreResult, execute_count, map_err, on_db};
use crate::domain::clock::Millis;
use crate::domain::email_address::{self, EmailAddress};
use crate::domain::secret::random_id;
use crate::domain::user::User;
use crate::domain::username::{self, Username};

/// The columns of [`UserRow`], as a literal so queries can `concat!` it;
/// `user_columns!("u.")` qualifies each with a table alias (for joins).
macro_rules! user_columns {
    ($($alias:literal)?) => {
        concat!(
            $($alias,)? "user_id, ",
            $($alias,)? "sub, ",
            $($alias,)? "email, ",
            $($alias,)? "email_normalized, ",
            $($alias,)? "username, ",
            $($alias,)? "display_name, ",
            $($alias,)? "given_name, ",
            $($alias,)? "family_name, ",
            $($alias,)? "email_verified, ",
            $($alias,)? "is_active, ",
            $($alias,)? "is_admin, ",
            $($alias,)? "locale, ",
            $($alias,)? "created_at, ",
            $($alias,)? "last_login_at"
        )
    };
}
pub(super) use user_columns;

#[derive(Debug, FromRow)]
pub(crate) struct UserRow {
    user_id: i64,
    sub: String,
    email: String,
    email_normalized: String,
    username: Option<String>,
    display_name: String,
    given_name: String,
    family_name: String,
    email_verified: bool,
    is_active: bool,
    is_admin: bool,
    locale: Option<String>,
    created_at: i64,
    last_login_at: Option<i64>,
}

impl From<UserRow> for User {
    fn from(r: UserRow) -> Self {
        User {
            user_id: r.user_id,
            sub: r.sub,
            email: r.email,
            email_normalized: r.email_normalized,
            username: r.username,
            display_name: r.display_name,
            given_name: r.given_name,
            family_name: r.family_name,
            email_verified: r.email_verified,
            is_active: r.is_active,
            is_admin: r.is_admin,
            locale: r.locale,
            created_at: r.created_at,
            last_login_at: r.last_login_at,
        }
    }
}

#[derive(Debug, FromRow)]
struct CredentialRow {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: String,
}

impl NewUser {
    /// An account for `email` (and `username`) under a fresh random `sub`: unverified, not
    /// an administrator, with no preferred language.
    pub fn new(
        email: &EmailAddress,
        username: Option<&Username>,
        display_name: String,
        password_hash: String,
    ) -> Self {
        Self {
            sub: random_id(),
            email: email.as_str().to_owned(),
            email_normalized: email.normalized().to_owned(),
            username: username.map(|u| u.as_str().to_owned()),
            username_normalized: username.map(|u| u.normalized().to_owned()),
            display_name,
            password_hash,
            email_verified: false,
            is_admin: false,
            locale: None,
        }
    }
}

/// Sets a user's password hash (`$1` user, `$2` hash, `$3` now).
pub(super) const SET_PASSWORD_HASH: &str =
    "UPDATE user_account SET password_hash = $2, updated_at = $3 WHERE user_id = $1";

/// What sign-up and the CLI need to create an account.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub sub: String,
    pub email: String,
    pub email_normalized: String,
    pub username: Option<String>,
    pub username_normalized: Option<String>,
    pub display_name: String,
    pub password_hash: String,
    pub email_verified: bool,
    pub is_admin: bool,
    pub locale: Option<String>,
}

impl Store {
    /// Creates an account. A taken email or username gives `StoreError::Conflict`; so does a
    /// `sub` of a deleted account (column `sub`): a subject is never issued twice.
    pub async fn create_user(&self, new: &NewUser, now: Millis) -> StoreResult<User> {
        const SQL: &str = concat!(
            "INSERT INTO user_account (sub, email, email_normalized, username, \
             username_normalized, display_name, password_hash, email_verified, is_admin, locale, \
             created_at, updated_at) SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11 \
             WHERE NOT EXISTS (SELECT 1 FROM retired_sub WHERE sub = $1) \
             RETURNING ",
            user_columns!()
        );
        let row: Option<UserRow> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(&new.sub)
            .bind(&new.email)
            .bind(&new.email_normalized)
            .bind(&new.username)
            .bind(&new.username_normalized)
            .bind(&new.display_name)
            .bind(&new.password_hash)
            .bind(new.email_verified)
            .bind(new.is_admin)
            .bind(&new.locale)
            .bind(now)
            .fetch_optional(pool)
            .await)
        .map_err(map_err)?;
        match row {
            Some(row) => Ok(row.into()),
            None => Err(StoreError::Conflict {
                column: "sub".into(),
            }),
        }
    }

    /// Creates an account as [`Store::create_user`] does, but a `sub` that matches a deleted
    /// account's is drawn again (up to three times) instead of being refused. A `sub` is 128
    /// random bits, so this practically never happens; when it does, the subject is still
    /// never handed out twice. Sign-up and `daemun user add` both create accounts here.
    pub async fn create_account(&self, mut new: NewUser, now: Millis) -> StoreResult<User> {
        let mut created = self.create_user(&new, now).await;
        for _ in 0..3 {
            if !matches!(&created, Err(e) if e.is_conflict_on("sub")) {
                break;
            }
            new.sub = random_id();
            created = self.create_user(&new, now).await;
        }
        created
    }

    pub async fn user_by_id(&self, user_id: i64) -> StoreResult<Option<User>> {
        const SQL: &str = concat!(
            "SELECT ",
            user_columns!(),
            " FROM user_account WHERE user_id = $1"
        );
        let row: Option<UserRow> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(user_id)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(Into::into))
    }

    /// The account a mailed token was issued to (whatever the token's state).
    pub async fn email_token_user(&self, token_hash: &[u8]) -> StoreResult<Option<User>> {
        const SQL: &str = concat!(
            "SELECT ",
            user_columns!(),
            " FROM user_account WHERE user_id = \
             (SELECT user_id FROM email_token WHERE token_hash = $1)"
        );
        let row: Option<UserRow> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(token_hash)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(Into::into))
    }

    pub async fn user_by_email(&self, email_normalized: &str) -> StoreResult<Option<User>> {
        const SQL: &str = concat!(
            "SELECT ",
            user_columns!(),
            " FROM user_account WHERE email_normalized = $1"
        );
        let row: Option<UserRow> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(email_normalized)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(Into::into))
    }

    /// The account with this OpenID subject.
    pub async fn user_by_sub(&self, sub: &str) -> StoreResult<Option<User>> {
        const SQL: &str = concat!(
            "SELECT ",
            user_columns!(),
            " FROM user_account WHERE sub = $1"
        );
        let row: Option<UserRow> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(sub)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(Into::into))
    }

    /// The account and its password hash, by normalised email or normalised username.
    pub async fn credentials(
        &self,
        login_normalized: &str,
        by_email: bool,
    ) -> StoreResult<Option<(User, String)>> {
        const BY_EMAIL: &str = concat!(
            "SELECT ",
            user_columns!(),
            ", password_hash FROM user_account WHERE email_normalized = $1"
        );
        const BY_USERNAME: &str = concat!(
            "SELECT ",
            user_columns!(),
            ", password_hash FROM user_account WHERE username_normalized = $1"
        );
        let sql = if by_email { BY_EMAIL } else { BY_USERNAME };
        let row: Option<CredentialRow> = on_db!(self, |pool| sqlx::query_as(sql)
            .bind(login_normalized)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(|r| (r.user.into(), r.password_hash)))
    }

    pub async fn set_password_hash(
        &self,
        user_id: i64,
        hash: &str,
        now: Millis,
    ) -> StoreResult<()> {
        execute_count!(self, SET_PASSWORD_HASH, user_id, hash, now)?;
        Ok(())
    }

    pub async fn set_active(&self, user_id: i64, active: bool, now: Millis) -> StoreResult<()> {
        const SQL: &str =
            "UPDATE user_account SET is_active = $2, updated_at = $3 WHERE user_id = $1";
        execute_count!(self, SQL, user_id, active, now)?;
        if !active {
            // Disabling ends every session and grant (the same as the console's action).
            self.disable_account(user_id, now).await?;
        }
        Ok(())
    }

    /// Replaces the address; the new one is unverified until its own link is used.
    pub async fn change_email(
        &self,
        user_id: i64,
        email: &EmailAddress,
        now: Millis,
    ) -> StoreResult<()> {
        const SQL: &str = "UPDATE user_account SET email = $2, email_normalized = $3, \
             email_verified = FALSE, updated_at = $4 WHERE user_id = $1";
        execute_count!(self, SQL, user_id, email.as_str(), email.normalized(), now)
            .map_err(map_err)?;
        Ok(())
    }

    pub async fn record_login(&self, user_id: i64, now: Millis) -> StoreResult<()> {
        const SQL: &str = "UPDATE user_account SET last_login_at = $2 WHERE user_id = $1";
        execute_count!(self, SQL, user_id, now)?;
        Ok(())
    }
    /// Whether any account may administer the provider (the start-up hint needs one).
    pub async fn admin_exists(&self) -> StoreResult<bool> {
        const SQL: &str = "SELECT user_id FROM user_account WHERE is_admin LIMIT 1";
        let row: Option<(i64,)> =
            on_db!(self, |pool| sqlx::query_as(SQL).fetch_optional(pool).await)?;
        Ok(row.is_some())
    }

    /// The account that `who` names, as operators write it: an email address (any case or
    /// Unicode form), a username, or a `sub`.
    pub async fn user_by_identifier(&self, who: &str) -> StoreResult<Option<User>> {
        let who = who.trim();
        if who.is_empty() {
            return Ok(None);
        }
        if who.contains('@') {
            return match email_address::normalize(who) {
                Some(key) => self.user_by_email(&key).await,
                None => Ok(None),
            };
        }
        match self.credentials(&username::normalize(who), false).await? {
            Some((u, _)) => Ok(Some(u)),
            None => self.user_by_sub(who).await,
        }
    }

    /// Accounts whose email, username or display name contains `search` (ignoring ASCII
    /// case), oldest first, at most `limit`; every account when `search` is empty.
    pub async fn search_users(&self, search: &str, limit: i64) -> StoreResult<Vec<User>> {
        self.search_users_page(search, limit, 0).await
    }

    /// As [`Store::search_users`], skipping the first `offset` matches (for paging).
    pub async fn search_users_page(
        &self,
        search: &str,
        limit: i64,
        offset: i64,
    ) -> StoreResult<Vec<User>> {
        const SQL: &str = concat!(
            "SELECT ",
            user_columns!(),
            " FROM user_account WHERE LOWER(email) LIKE $1 ESCAPE '\\' \
             OR LOWER(COALESCE(username, '')) LIKE $1 ESCAPE '\\' \
             OR LOWER(display_name) LIKE $1 ESCAPE '\\' ORDER BY user_id LIMIT $2 OFFSET $3"
        );
        let pattern = like_pattern(search);
        let rows: Vec<UserRow> = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(&pattern)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await)?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// How many accounts [`Store::search_users_page`] pages through.
    pub async fn count_users(&self, search: &str) -> StoreResult<i64> {
        const SQL: &str = "SELECT COUNT(*) FROM user_account WHERE LOWER(email) LIKE $1 ESCAPE '\\' \
             OR LOWER(COALESCE(username, '')) LIKE $1 ESCAPE '\\' \
             OR LOWER(display_name) LIKE $1 ESCAPE '\\'";
        let pattern = like_pattern(search);
        let (n,): (i64,) = on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(&pattern)
            .fetch_one(pool)
            .await)?;
        Ok(n)
    }

    /// Marks the account's current address as verified.
    pub async fn mark_email_verified(&self, user_id: i64, now: Millis) -> StoreResult<()> {
        const SQL: &str =
            "UPDATE user_account SET email_verified = TRUE, updated_at = $2 WHERE user_id = $1";
        execute_count!(self, SQL, user_id, now)?;
        Ok(())
    }

    /// Grants or takes away the administrator role.
    pub async fn set_admin(&self, user_id: i64, admin: bool, now: Millis) -> StoreResult<()> {
        const SQL: &str =
            "UPDATE user_account SET is_admin = $2, updated_at = $3 WHERE user_id = $1";
        execute_count!(self, SQL, user_id, admin, now)?;
        Ok(())
    }
}

/// `%search%` for `LIKE … ESCAPE '\'`, lower-cased; `%`, `_` and `\` in `search` match
/// themselves.
fn like_pattern(search: &str) -> String {
    let mut pattern = String::from("%");
    for c in search.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}
