-- OpenID Connect Back-Channel Logout 1.0: where a client wants to hear that a session ended
-- (empty: nowhere), and whether it needs the session id (`sid`) in the logout token.
ALTER TABLE client ADD COLUMN backchannel_logout_uri TEXT NOT NULL DEFAULT '';
ALTER TABLE client ADD COLUMN backchannel_logout_session_required BOOLEAN NOT NULL DEFAULT 0;

-- Server-to-server messages waiting to be delivered, like the mail outbox: written in the
-- transaction that causes them, claimed by one node at a time, retried with backoff, given up
-- after a day. `jti` is set at the first attempt and kept for every retry.
CREATE TABLE outbound_delivery (
    delivery_id        INTEGER PRIMARY KEY AUTOINCREMENT,
    kind               TEXT    NOT NULL,
    client_id          TEXT    NOT NULL,
    target_url         TEXT    NOT NULL,
    subject            TEXT    NOT NULL,
    sid                TEXT    NOT NULL,
    jti                TEXT,
    created_at         BIGINT  NOT NULL,
    attempts           BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at    BIGINT  NOT NULL,
    locked_until       BIGINT,
    delivered_at       BIGINT,
    failed_at          BIGINT,
    last_error         TEXT
);
CREATE INDEX outbound_delivery_due ON outbound_delivery (delivered_at, next_attempt_at);
