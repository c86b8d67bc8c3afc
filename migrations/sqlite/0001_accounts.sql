-- Accounts, browser sessions, email tokens, mail outbox, throttle counters and the audit log.
-- Instants are unix milliseconds (BIGINT) bound by the application; see docs/architecture.md.

-- People. `sub` is the OpenID subject: random and never reused.
CREATE TABLE user_account (
    user_id            INTEGER PRIMARY KEY AUTOINCREMENT,
    sub                TEXT    NOT NULL UNIQUE,
    email              TEXT    NOT NULL,
    email_normalized   TEXT    NOT NULL UNIQUE,
    username           TEXT,
    username_normalized TEXT   UNIQUE,
    display_name       TEXT    NOT NULL,
    given_name         TEXT    NOT NULL DEFAULT '',
    family_name        TEXT    NOT NULL DEFAULT '',
    password_hash      TEXT    NOT NULL,
    email_verified     BOOLEAN NOT NULL DEFAULT FALSE,
    is_active          BOOLEAN NOT NULL DEFAULT TRUE,
    is_admin           BOOLEAN NOT NULL DEFAULT FALSE,
    locale             TEXT,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL,
    last_login_at      BIGINT
);

-- Browser sessions: only the SHA-256 of the cookie value is kept.
CREATE TABLE browser_session (
    session_hash       BLOB    PRIMARY KEY,
    sid                TEXT    NOT NULL UNIQUE,
    user_id            INTEGER NOT NULL REFERENCES user_account (user_id) ON DELETE CASCADE,
    auth_time          BIGINT  NOT NULL,
    amr                TEXT    NOT NULL,
    remember           BOOLEAN NOT NULL,
    created_at         BIGINT  NOT NULL,
    last_seen_at       BIGINT  NOT NULL,
    idle_expires_at    BIGINT  NOT NULL,
    absolute_expires_at BIGINT NOT NULL,
    ip                 TEXT    NOT NULL,
    user_agent         TEXT    NOT NULL
);
CREATE INDEX browser_session_user ON browser_session (user_id);
CREATE INDEX browser_session_expiry ON browser_session (idle_expires_at);

-- Single-use links sent by mail (verification now; reset and email change later).
CREATE TABLE email_token (
    token_hash         BLOB    PRIMARY KEY,
    purpose            TEXT    NOT NULL,
    user_id            INTEGER NOT NULL REFERENCES user_account (user_id) ON DELETE CASCADE,
    email_normalized   TEXT    NOT NULL,
    created_at         BIGINT  NOT NULL,
    expires_at         BIGINT  NOT NULL,
    used_at            BIGINT
);
CREATE INDEX email_token_user ON email_token (user_id, purpose);
CREATE INDEX email_token_expiry ON email_token (expires_at);

-- Every mail goes through here; a background sender delivers it with retries.
CREATE TABLE mail_outbox (
    mail_id            INTEGER PRIMARY KEY AUTOINCREMENT,
    to_address         TEXT    NOT NULL,
    subject            TEXT    NOT NULL,
    body_text          TEXT    NOT NULL,
    body_html          TEXT    NOT NULL,
    created_at         BIGINT  NOT NULL,
    attempts           BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at    BIGINT  NOT NULL,
    locked_until       BIGINT,
    sent_at            BIGINT,
    failed_at          BIGINT,
    last_error         TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (sent_at, next_attempt_at);

-- Fixed-window counters for rate limits shared by every node.
CREATE TABLE throttle (
    bucket             TEXT    PRIMARY KEY,
    window_start       BIGINT  NOT NULL,
    hits               BIGINT  NOT NULL,
    expires_at         BIGINT  NOT NULL
);
CREATE INDEX throttle_expiry ON throttle (expires_at);

-- What happened, to whom, from where.
CREATE TABLE audit_event (
    audit_event_id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at                 BIGINT  NOT NULL,
    event              TEXT    NOT NULL,
    user_id            INTEGER,
    client_id          TEXT,
    ip                 TEXT    NOT NULL,
    user_agent         TEXT    NOT NULL,
    detail             TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX audit_event_user ON audit_event (user_id, at);
