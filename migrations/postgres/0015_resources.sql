-- APIs (resource servers) that tokens can be issued for (RFC 8707 resource indicators). Each
-- is named by an absolute URI, defines its own scopes (space-separated) and says how its
-- access tokens look: a JWT signed with `alg` (RFC 9068) or an opaque token it introspects.
CREATE TABLE resource (
    resource_id        TEXT    PRIMARY KEY,
    name               TEXT    NOT NULL,
    scopes             TEXT    NOT NULL,
    alg                TEXT    NOT NULL,
    jwt                BOOLEAN NOT NULL,
    created_at         BIGINT  NOT NULL
);

-- The resources an application may ask tokens for (newline-separated URIs).
ALTER TABLE client ADD COLUMN resources TEXT NOT NULL DEFAULT '';
-- The resources a code or a refresh family was granted for.
ALTER TABLE authorization_code ADD COLUMN resources TEXT NOT NULL DEFAULT '';
ALTER TABLE refresh_token ADD COLUMN resources TEXT NOT NULL DEFAULT '';
-- The resource an access token was issued for; NULL for tokens for UserInfo (and the client).
ALTER TABLE access_token ADD COLUMN audience TEXT;
