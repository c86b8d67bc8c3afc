-- The device authorization grant (RFC 8628): a device's request waiting for its person. The
-- device holds the device code (only its SHA-256 is here); the person types the user code.
-- Once approved it names the grant, the session and how the person logged in; the device's
-- token request redeems it once.
CREATE TABLE device_authorization (
    device_code_hash   BLOB    PRIMARY KEY,
    user_code          TEXT    NOT NULL UNIQUE,
    client_id          TEXT    NOT NULL,
    scopes             TEXT    NOT NULL,
    -- pending, approved, denied or redeemed
    status             TEXT    NOT NULL,
    interval_secs      BIGINT  NOT NULL,
    last_polled_at     BIGINT,
    grant_id           TEXT,
    user_id            BIGINT,
    sid                TEXT,
    auth_time          BIGINT,
    amr                TEXT,
    created_at         BIGINT  NOT NULL,
    expires_at         BIGINT  NOT NULL
);
CREATE INDEX device_authorization_expiry ON device_authorization (expires_at);
