-- A login through an upstream provider whose verified address belongs to an existing account:
-- offered for linking once the person logs in to that account in the same browser.
--
-- One row per browser, named by the SHA-256 of the browser's upstream-login cookie; the
-- identity is the provider's (issuer, subject). A row lives ten minutes at most and is taken
-- once, by the confirmation.
CREATE TABLE upstream_pending_link (
    browser_hash       BLOB   PRIMARY KEY,
    provider           TEXT    NOT NULL,
    issuer             TEXT    NOT NULL,
    subject            TEXT    NOT NULL,
    email              TEXT    NOT NULL,
    created_at         BIGINT  NOT NULL,
    expires_at         BIGINT  NOT NULL
);
CREATE INDEX upstream_pending_link_expiry ON upstream_pending_link (expires_at);
