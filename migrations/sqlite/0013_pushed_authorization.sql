-- Pushed authorization requests (RFC 9126): an application posts its authorization parameters
-- to /par and gets a request_uri for /authorize. The parameters are kept here under the
-- SHA-256 of the request_uri's random part for a minute, and taken by the one /authorize
-- request that uses it.
CREATE TABLE pushed_authorization (
    request_hash       BLOB   PRIMARY KEY,
    client_id          TEXT    NOT NULL REFERENCES client (client_id) ON DELETE CASCADE,
    -- The validated parameters, as a JSON list of [name, value] pairs.
    params             TEXT    NOT NULL,
    created_at         BIGINT  NOT NULL,
    expires_at         BIGINT  NOT NULL
);
CREATE INDEX pushed_authorization_expiry ON pushed_authorization (expires_at);

-- An application whose authorization requests must come through /par (RFC 9126 §5).
ALTER TABLE client ADD COLUMN require_par BOOLEAN NOT NULL DEFAULT 0;
