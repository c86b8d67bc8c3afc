-- A login between its steps: the password was right and a second factor is still to come.
-- The browser holds a random token in a cookie; the row holds its SHA-256. A row lives five
-- minutes at most and is deleted by the request that finishes the login, so it is used once
-- and any node can finish a login another node started.
CREATE TABLE pending_login (
    login_hash         BYTEA   PRIMARY KEY,
    user_id            BIGINT  NOT NULL REFERENCES user_account (user_id) ON DELETE CASCADE,
    -- The methods proven so far, space-separated (RFC 8176 values: "pwd").
    amr                TEXT    NOT NULL,
    remember           BOOLEAN NOT NULL,
    -- Where the login goes on to (already checked to be a safe local path).
    next_path          TEXT    NOT NULL,
    created_at         BIGINT  NOT NULL,
    expires_at         BIGINT  NOT NULL
);
CREATE INDEX pending_login_expiry ON pending_login (expires_at);
