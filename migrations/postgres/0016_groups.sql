-- Groups of people. `name` is what applications see in the `groups` claim and never changes;
-- `label` is what people read and may be renamed.
CREATE TABLE person_group (
    name               TEXT    PRIMARY KEY,
    label              TEXT    NOT NULL,
    created_at         BIGINT  NOT NULL
);

CREATE TABLE group_member (
    group_name         TEXT    NOT NULL REFERENCES person_group (name) ON DELETE CASCADE,
    user_id            BIGINT  NOT NULL REFERENCES user_account (user_id) ON DELETE CASCADE,
    added_at           BIGINT  NOT NULL,
    PRIMARY KEY (group_name, user_id)
);
CREATE INDEX group_member_user ON group_member (user_id);

-- Who may use an application: empty for everyone, else the names of the groups whose members
-- may (newline-separated).
ALTER TABLE client ADD COLUMN allowed_groups TEXT NOT NULL DEFAULT '';
