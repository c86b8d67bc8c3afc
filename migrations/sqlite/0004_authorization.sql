-- Authorization requests waiting for login or consent, codes, consents, tokens, and the clients
-- each browser session has served. Secrets (codes, tokens) are stored as SHA-256 only.

-- An authorization request parked while the person logs in or consents (≤ 10 minutes).
CREATE TABLE pending_authorization (
    pending_id         TEXT    PRIMARY KEY,
    client_id          TEXT    NOT NULL,
    params             TEXT    NOT NULL,  -- the request's parameters, JSON
    created_at         BIGINT  NOT NULL,
    expires_at         BIGINT  NOT NULL
);
CREATE INDEX pending_authorization_expiry ON pending_authorization (expires_at);

-- Single-use codes (RFC 6749 §4.1.2), bound to everything the token request must repeat.
CREATE TABLE authorization_code (
    code_hash          BLOB    PRIMARY KEY,
    grant_id           TEXT    NOT NULL,
    client_id          TEXT    NOT NULL,
    user_id            BIGINT  NOT NULL,
    sid                TEXT    NOT NULL,
    redirect_uri       TEXT    NOT NULL,
    scopes             TEXT    NOT NULL,
    nonce              TEXT,
    code_challenge     TEXT,
    auth_time          BIGINT  NOT NULL,
    amr                TEXT    NOT NULL,
    created_at         BIGINT  NOT NULL,
    expires_at         BIGINT  NOT NULL,
    redeemed_at        BIGINT
);
CREATE INDEX authorization_code_expiry ON authorization_code (expires_at);

-- What a person allowed an application to have.
CREATE TABLE consent (
    user_id            BIGINT  NOT NULL,
    client_id          TEXT    NOT NULL,
    scopes             TEXT    NOT NULL,
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL,
    PRIMARY KEY (user_id, client_id)
);

-- Opaque access tokens. `grant_id` ties them to the code or refresh family that produced them.
CREATE TABLE access_token (
    token_hash         BLOB    PRIMARY KEY,
    grant_id           TEXT,
    client_id          TEXT    NOT NULL,
    user_id            BIGINT,
    scopes             TEXT    NOT NULL,
    created_at         BIGINT  NOT NULL,
    expires_at         BIGINT  NOT NULL
);
CREATE INDEX access_token_grant ON access_token (grant_id);
CREATE INDEX access_token_expiry ON access_token (expires_at);

-- Refresh tokens, rotated on every use; all tokens of one grant form a family.
CREATE TABLE refresh_token (
    token_hash         BLOB    PRIMARY KEY,
    grant_id           TEXT    NOT NULL,
    client_id          TEXT    NOT NULL,
    user_id            BIGINT  NOT NULL,
    sid                TEXT    NOT NULL,
    scopes             TEXT    NOT NULL,
    auth_time          BIGINT  NOT NULL,
    amr                TEXT    NOT NULL,
    created_at         BIGINT  NOT NULL,
    expires_at         BIGINT  NOT NULL,
    rotated_at         BIGINT
);
CREATE INDEX refresh_token_grant ON refresh_token (grant_id);
CREATE INDEX refresh_token_user ON refresh_token (user_id);
CREATE INDEX refresh_token_expiry ON refresh_token (expires_at);

-- Which applications received tokens in which browser session (for logout).
CREATE TABLE session_client (
    sid                TEXT    NOT NULL,
    client_id          TEXT    NOT NULL,
    created_at         BIGINT  NOT NULL,
    PRIMARY KEY (sid, client_id)
);
