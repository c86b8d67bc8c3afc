//! Device authorization requests (`device_authorization`, RFC 8628). Approving writes the grant
//! and the request in one transaction; each poll is one conditional statement that also
//! records when it came, so two nodes answering one device agree on `slow_down`; redeeming is
//! one conditional `UPDATE`, so a device code yields tokens once.
use sqlx::FromRow;

use super::{Store, StoreResult, execute_count, on_db};
use crate::domain::clock::Millis;

/// A request as stored.
#[derive(Debug, Clone, FromRow)]
pub struct DeviceRequest {
    pub device_code_hash: Vec<u8>,
    pub user_code: String,
    pub client_id: String,
    pub scopes: String,
    pub status: String,
    pub interval_secs: i64,
    pub last_polled_at: Option<Millis>,
    pub grant_id: Option<String>,
    pub user_id: Option<i64>,
    pub sid: Option<String>,
    pub auth_time: Option<Millis>,
    pub amr: Option<String>,
    pub created_at: Millis,
    pub expires_at: Millis,
}

/// The person's answer, as [`Store::decide_device_request`] records it.
#[derive(Debug, Clone)]
pub struct Approval {
    pub grant_id: String,
    pub user_id: i64,
    pub sid: String,
    pub auth_time: Millis,
    pub amr: String,
}

macro_rules! columns {
    () => {
        "device_code_hash, user_code, client_id, scopes, status, interval_secs, \
         last_polled_at, grant_id, user_id, sid, auth_time, amr, created_at, expires_at"
    };
}

impl Store {
    pub async fn insert_device_request(&self, r: &DeviceRequest) -> StoreResult<()> {
        const SQL: &str = "INSERT INTO device_authorization (device_code_hash, user_code, \
             client_id, scopes, status, interval_secs, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7)";
        execute_count!(
            self,
            SQL,
            &r.device_code_hash,
            &r.user_code,
            &r.client_id,
            &r.scopes,
            r.interval_secs,
            r.created_at,
            r.expires_at
        )?;
        Ok(())
    }

    /// The live, still undecided request with this user code.
    pub async fn pending_device_request(
        &self,
        user_code: &str,
        now: Millis,
    ) -> StoreResult<Option<DeviceRequest>> {
        const SQL: &str = concat!(
            "SELECT ",
            columns!(),
            " FROM device_authorization \
             WHERE user_code = $1 AND status = 'pending' AND expires_at > $2"
        );
        Ok(on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(user_code)
            .bind(now)
            .fetch_optional(pool)
            .await)?)
    }

    /// Records the person's answer to a pending, live request: approved (`Some`, with the
    /// grant it starts) or denied (`None`). `false` when it was decided or expired meanwhile.
    pub async fn decide_device_request(
        &self,
        user_code: &str,
        approval: Option<&Approval>,
        now: Millis,
    ) -> StoreResult<bool> {
        const DENY: &str = "UPDATE device_authorization SET status = 'denied' \
             WHERE user_code = $1 AND status = 'pending' AND expires_at > $2";
        const APPROVE: &str = "UPDATE device_authorization SET status = 'approved', \
             grant_id = $3, user_id = $4, sid = $5, auth_time = $6, amr = $7 \
             WHERE user_code = $1 AND status = 'pending' AND expires_at > $2 \
             RETURNING client_id, scopes";
        const GRANT: &str = "INSERT INTO oauth_grant (grant_id, client_id, user_id, sid, \
             created_at) VALUES ($1, $2, $3, $4, $5)";
        // The answer is the person's consent: the application is listed among their apps, where
        // "remove access" revokes this grant like any other.
        const CONSENT: &str = "INSERT INTO consent (user_id, client_id, scopes, created_at, \
             updated_at) VALUES ($1, $2, $3, $4, $4) \
             ON CONFLICT (user_id, client_id) DO UPDATE SET scopes = $3, updated_at = $4";
        let Some(a) = approval else {
            return Ok(execute_count!(self, DENY, user_code, now)? == 1);
        };
        Ok(on_db!(self, |pool| {
            let _turn = self.write_turn().await;
            let mut tx = pool.begin().await?;
            let approved: Option<(String, String)> = sqlx::query_as(APPROVE)
                .bind(user_code)
                .bind(now)
                .bind(&a.grant_id)
                .bind(a.user_id)
                .bind(&a.sid)
                .bind(a.auth_time)
                .bind(&a.amr)
                .fetch_optional(&mut *tx)
                .await?;
            let Some((client_id, scopes)) = approved else {
                tx.rollback().await?;
                return Ok(false);
            };
            execute_count!(on &mut *tx, GRANT, &a.grant_id, &client_id, a.user_id, &a.sid, now)?;
            execute_count!(on &mut *tx, CONSENT, a.user_id, &client_id, &scopes, now)?;
            tx.commit().await.map(|()| true)
        })?)
    }

    /// One poll of the device code `hash` at `now`: the request as it was before this poll
    /// (`last_polled_at` is the previous poll), with this poll recorded and, when it came
    /// sooner than the interval, the interval grown by `slow_down_secs` (RFC 8628 §3.5).
    pub async fn poll_device_request(
        &self,
        hash: &[u8],
        now: Millis,
        slow_down_secs: i64,
    ) -> StoreResult<Option<DeviceRequest>> {
        const SQL: &str = "UPDATE device_authorization SET last_polled_at = $2, \
             interval_secs = CASE WHEN last_polled_at IS NOT NULL \
                 AND $2 - last_polled_at < interval_secs * 1000 \
                 THEN interval_secs + $3 ELSE interval_secs END \
             WHERE device_code_hash = $1";
        let Some(before) = self.device_request(hash).await? else {
            return Ok(None);
        };
        execute_count!(self, SQL, hash, now, slow_down_secs)?;
        Ok(Some(before))
    }

    async fn device_request(&self, hash: &[u8]) -> StoreResult<Option<DeviceRequest>> {
        const SQL: &str = concat!(
            "SELECT ",
            columns!(),
            " FROM device_authorization WHERE device_code_hash = $1"
        );
        Ok(on_db!(self, |pool| sqlx::query_as(SQL)
            .bind(hash)
            .fetch_optional(pool)
            .await)?)
    }

    /// Spends an approved request: `true` for exactly one caller.
    pub async fn redeem_device_request(&self, hash: &[u8], now: Millis) -> StoreResult<bool> {
        const SQL: &str = "UPDATE device_authorization SET status = 'redeemed' \
             WHERE device_code_hash = $1 AND status = 'approved' AND expires_at > $2";
        Ok(execute_count!(self, SQL, hash, now)? == 1)
    }
}
