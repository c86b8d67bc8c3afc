-- One row per article. The author is kept as Daemun's `sub` (stable, never reused) for the
-- permission check, and with the name shown when the article was last saved.
CREATE TABLE article (
    article_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    title       TEXT    NOT NULL,
    body        TEXT    NOT NULL,
    author_sub  TEXT    NOT NULL,
    author_name TEXT    NOT NULL,
    created_at  INTEGER NOT NULL, -- unix milliseconds
    updated_at  INTEGER NOT NULL
);
CREATE INDEX article_created_at ON article (created_at);
