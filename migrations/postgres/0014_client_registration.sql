-- Dynamic client registration (RFC 7591/7592). Initial access tokens let an application
-- register itself when registration.mode = "initial_token": kept as SHA-256, with the
-- operator's label, until revoked.
CREATE TABLE registration_token (
    token_hash         BYTEA   PRIMARY KEY,
    label              TEXT    NOT NULL,
    created_at         BIGINT  NOT NULL,
    revoked_at         BIGINT
);

-- A client that registered itself, and the SHA-256 of the registration access token with
-- which it reads, changes or deletes its registration (RFC 7592). Clients registered by an
-- operator have no row here.
CREATE TABLE client_registration (
    client_id          TEXT    PRIMARY KEY REFERENCES client (client_id) ON DELETE CASCADE,
    access_token_hash  BYTEA   NOT NULL,
    created_at         BIGINT  NOT NULL
);
