-- Account self-service portal: email-change tokens carry the new address, deleted accounts
-- leave their `sub` behind so it is never issued again, and audit rows name the `sub` so the
-- trail survives the account's deletion. Plain ALTER TABLE … ADD COLUMN works on both backends.

-- The new address an email-change token confirms (NULL for other purposes).
ALTER TABLE email_token ADD COLUMN new_email TEXT;
ALTER TABLE email_token ADD COLUMN new_email_normalized TEXT;

-- Subjects of deleted accounts: sign-up never hands one out again.
CREATE TABLE retired_sub (
    sub                TEXT    PRIMARY KEY,
    retired_at         BIGINT  NOT NULL
);

-- Who an audit event was about, kept after the account (and its user_id) is gone. No foreign key.
ALTER TABLE audit_event ADD COLUMN sub TEXT;
CREATE INDEX audit_event_sub ON audit_event (sub, at);
