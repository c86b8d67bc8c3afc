-- One row per authorization: everything a code produced (its access tokens and its refresh-token
-- family) hangs off it by `grant_id`. The grant knows its browser session and client, and
-- `revoked_at` ends every token under it at once: a token is valid only while its grant is not
-- revoked, so a token inserted by a request that raced the revocation is dead all the same.
-- (`grant` itself is an SQL keyword.)
CREATE TABLE oauth_grant (
    grant_id           TEXT    PRIMARY KEY,
    client_id          TEXT    NOT NULL,
    user_id            BIGINT  NOT NULL,
    sid                TEXT    NOT NULL,
    created_at         BIGINT  NOT NULL,
    revoked_at         BIGINT
);
CREATE INDEX oauth_grant_sid ON oauth_grant (sid);
CREATE INDEX oauth_grant_user ON oauth_grant (user_id);
CREATE INDEX oauth_grant_client ON oauth_grant (client_id);

-- The grants of codes and tokens issued before this table existed.
INSERT INTO oauth_grant (grant_id, client_id, user_id, sid, created_at)
    SELECT grant_id, MIN(client_id), MIN(user_id), MIN(sid), MIN(created_at)
    FROM authorization_code GROUP BY grant_id
    ON CONFLICT (grant_id) DO NOTHING;
INSERT INTO oauth_grant (grant_id, client_id, user_id, sid, created_at)
    SELECT grant_id, MIN(client_id), MIN(user_id), MIN(sid), MIN(created_at)
    FROM refresh_token GROUP BY grant_id
    ON CONFLICT (grant_id) DO NOTHING;
-- Access tokens of a grant without a refresh token or a code left: their session is unknown,
-- and they expire within minutes; they stay valid under a grant with no session.
INSERT INTO oauth_grant (grant_id, client_id, user_id, sid, created_at)
    SELECT grant_id, MIN(client_id), MIN(user_id), '', MIN(created_at)
    FROM access_token WHERE grant_id IS NOT NULL AND user_id IS NOT NULL GROUP BY grant_id
    ON CONFLICT (grant_id) DO NOTHING;

CREATE INDEX authorization_code_grant ON authorization_code (grant_id);
CREATE INDEX refresh_token_sid ON refresh_token (sid);
