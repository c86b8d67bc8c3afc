-- Roles an application defines for itself (`editor`, `billing.admin`), granted to groups or to
-- people. A person's roles for an application arrive in its ID tokens and UserInfo as `roles`;
-- another application's roles never do. Everything here goes with its application, its role,
-- its group or its account (foreign keys cascade).
CREATE TABLE client_role (
    client_id          TEXT    NOT NULL REFERENCES client (client_id) ON DELETE CASCADE,
    name               TEXT    NOT NULL,
    label              TEXT    NOT NULL,
    created_at         BIGINT  NOT NULL,
    PRIMARY KEY (client_id, name)
);

-- One grant: to a group (every member has the role) or to one person, never both.
CREATE TABLE role_grant (
    client_id          TEXT    NOT NULL,
    role               TEXT    NOT NULL,
    group_name         TEXT    REFERENCES person_group (name) ON DELETE CASCADE,
    user_id            BIGINT  REFERENCES user_account (user_id) ON DELETE CASCADE,
    granted_at         BIGINT  NOT NULL,
    FOREIGN KEY (client_id, role) REFERENCES client_role (client_id, name) ON DELETE CASCADE,
    CHECK ((group_name IS NULL) <> (user_id IS NULL))
);
CREATE UNIQUE INDEX role_grant_to_group ON role_grant (client_id, role, group_name)
    WHERE group_name IS NOT NULL;
CREATE UNIQUE INDEX role_grant_to_person ON role_grant (client_id, role, user_id)
    WHERE user_id IS NOT NULL;
CREATE INDEX role_grant_person ON role_grant (user_id);
CREATE INDEX role_grant_group ON role_grant (group_name);
