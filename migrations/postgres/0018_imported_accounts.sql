-- Accounts brought in by `daemun import`: which record of which source became which account, so
-- a second run of the same file changes nothing. When the account is deleted later the row
-- stays without it, and the record is not imported again.
CREATE TABLE imported_account (
    source             TEXT    NOT NULL,
    source_id          TEXT    NOT NULL,
    user_id            BIGINT  REFERENCES user_account (user_id) ON DELETE SET NULL,
    imported_at        BIGINT  NOT NULL,
    PRIMARY KEY (source, source_id)
);
CREATE INDEX imported_account_user ON imported_account (user_id);
