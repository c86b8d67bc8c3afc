-- Second factors. One authenticator app (TOTP, RFC 6238) per person: its secret sealed with the
-- key-encryption key, the last time step accepted (a code is accepted only for a later step, so
-- a code someone saw cannot be replayed) and when it was enabled (NULL while enrolment waits
-- for its first correct code).
CREATE TABLE totp_factor (
    user_id            BIGINT  PRIMARY KEY REFERENCES user_account (user_id) ON DELETE CASCADE,
    secret_sealed      BYTEA   NOT NULL,
    last_step          BIGINT,
    enabled_at         BIGINT,
    created_at         BIGINT  NOT NULL
);

-- Single-use recovery codes, stored as SHA-256 (each carries 79 random bits).
CREATE TABLE recovery_code (
    code_hash          BYTEA   PRIMARY KEY,
    user_id            BIGINT  NOT NULL REFERENCES user_account (user_id) ON DELETE CASCADE,
    created_at         BIGINT  NOT NULL,
    used_at            BIGINT
);
CREATE INDEX recovery_code_user ON recovery_code (user_id);
