-- Logins through upstream OpenID Connect providers (docs/upstream-providers.md).
--
-- Which account a person at a provider is: keyed by the provider's issuer and the subject it
-- gives them, never by email address. `provider` is the configured name at link time (the
-- issuer is what counts); `email` is the address the provider sent then, for display.
CREATE TABLE upstream_identity (
    issuer             TEXT    NOT NULL,
    subject            TEXT    NOT NULL,
    provider           TEXT    NOT NULL,
    user_id            BIGINT  NOT NULL REFERENCES user_account (user_id) ON DELETE CASCADE,
    email              TEXT    NOT NULL,
    created_at         BIGINT  NOT NULL,
    last_login_at      BIGINT  NOT NULL,
    PRIMARY KEY (issuer, subject)
);
CREATE INDEX upstream_identity_user ON upstream_identity (user_id);

-- A login sent to a provider and not back yet. The row is named by the SHA-256 of the `state`
-- sent along; the browser that started it holds a random value in a cookie whose SHA-256 is
-- `browser_hash`. The callback takes the row in one `DELETE … RETURNING`, so a state is used
-- once; a row lives ten minutes at most.
CREATE TABLE upstream_login (
    state_hash         BLOB    PRIMARY KEY,
    provider           TEXT    NOT NULL,
    browser_hash       BLOB    NOT NULL,
    nonce              TEXT    NOT NULL,
    pkce_verifier      TEXT    NOT NULL,
    -- Where the login goes on to (already checked to be a safe local path).
    next_path          TEXT    NOT NULL,
    created_at         BIGINT  NOT NULL,
    expires_at         BIGINT  NOT NULL
);
CREATE INDEX upstream_login_expiry ON upstream_login (expires_at);
