-- Passkeys (WebAuthn credentials): a second factor, or the whole login. The credential is the
-- verifier's record of it as JSON (public key, signature counter, backup flags): nothing in it
-- is secret, and it is rewritten after each use (the counter moves on).
CREATE TABLE passkey (
    passkey_id         BIGSERIAL PRIMARY KEY,
    user_id            BIGINT  NOT NULL REFERENCES user_account (user_id) ON DELETE CASCADE,
    credential_id      BYTEA   NOT NULL UNIQUE,
    -- What the person called it ("Laptop", "Phone").
    name               TEXT    NOT NULL,
    credential         TEXT    NOT NULL,
    created_at         BIGINT  NOT NULL,
    last_used_at       BIGINT
);
CREATE INDEX passkey_user ON passkey (user_id);

-- A WebAuthn ceremony between its two requests: the challenge and what the verifier needs to
-- check the answer, as JSON. The browser holds a random token; the row holds its SHA-256. A
-- row lives five minutes and is deleted by the request that finishes it, so a challenge is
-- answered once and any node can finish a ceremony another node started.
CREATE TABLE webauthn_ceremony (
    ceremony_hash      BYTEA   PRIMARY KEY,
    -- 'register' (a signed-in person adds a passkey), 'second_step' (after the password) or
    -- 'discover' (a login without a password: the person is known only from the answer).
    purpose            TEXT    NOT NULL,
    user_id            BIGINT  REFERENCES user_account (user_id) ON DELETE CASCADE,
    state              TEXT    NOT NULL,
    created_at         BIGINT  NOT NULL,
    expires_at         BIGINT  NOT NULL
);
CREATE INDEX webauthn_ceremony_expiry ON webauthn_ceremony (expires_at);
