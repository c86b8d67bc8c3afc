-- Per-account login lock-out, shared by every node. `account` is `user:<id>` for an account
-- and `key:<normalised identifier>` for an identifier without one, so both are locked alike.
-- A row is forgotten (and deleted by the janitor) once `expires_at` passes.
CREATE TABLE login_guard (
    account            TEXT    PRIMARY KEY,
    failures           BIGINT  NOT NULL,   -- counted attempts since the last success
    locked_until       BIGINT  NOT NULL,   -- 0 or the instant further attempts are allowed
    refused            BIGINT  NOT NULL,   -- 1 when the last attempt came during a lock-out
    updated_at         BIGINT  NOT NULL,
    notified_at        BIGINT,             -- when the owner was last told about a burst
    expires_at         BIGINT  NOT NULL
);
CREATE INDEX login_guard_expiry ON login_guard (expires_at);
