-- Relying parties (clients) and the keys that sign ID tokens.

-- An application that sends people here. Secrets are high-entropy, so SHA-256 is stored.
CREATE TABLE client (
    client_id          TEXT    PRIMARY KEY,
    name               TEXT    NOT NULL,
    secret_hash        BLOB,
    redirect_uris      TEXT    NOT NULL,  -- newline-separated, compared exactly
    post_logout_redirect_uris TEXT NOT NULL DEFAULT '',
    grant_types        TEXT    NOT NULL,  -- space-separated
    scopes             TEXT    NOT NULL,  -- space-separated
    token_endpoint_auth_method TEXT NOT NULL,
    require_pkce       BOOLEAN NOT NULL,
    first_party        BOOLEAN NOT NULL DEFAULT FALSE,
    id_token_alg       TEXT    NOT NULL DEFAULT 'RS256',
    logo_uri           TEXT    NOT NULL DEFAULT '',
    home_uri           TEXT    NOT NULL DEFAULT '',
    created_at         BIGINT  NOT NULL,
    updated_at         BIGINT  NOT NULL
);

-- Signing keys: the private part sealed with the key-encryption key. A key signs from
-- `sign_from` on and is published in the JWKS until `publish_until` (NULL: no end yet).
CREATE TABLE signing_key (
    kid                TEXT    PRIMARY KEY,
    alg                TEXT    NOT NULL,
    private_sealed     BLOB    NOT NULL,
    created_at         BIGINT  NOT NULL,
    sign_from          BIGINT  NOT NULL,
    publish_until      BIGINT
);
