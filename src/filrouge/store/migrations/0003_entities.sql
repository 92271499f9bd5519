-- Entities and quotes (filrouge.entities): canonical entities, the keys they are found by,
-- ids merged into others, and each article's mentions and quotations with the canonical
-- entity they name. Articles are referred to by articles.rowid (the same across versions).
CREATE TABLE entities (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,               -- PER, LOC, ORG, MISC
    seq INTEGER NOT NULL,             -- creation order
    mentions INTEGER NOT NULL DEFAULT 0  -- kept up to date as articles come and go
);
CREATE TABLE entity_keys (
    key TEXT NOT NULL,
    type TEXT NOT NULL,
    kind TEXT NOT NULL,               -- name: a whole name; part: first or last word of a person's
                                      -- full name; del: a name key with one letter deleted
    entity TEXT NOT NULL,
    PRIMARY KEY (key, type, kind, entity)
) WITHOUT ROWID;
CREATE INDEX entity_keys_entity ON entity_keys (entity);
CREATE TABLE entity_redirects (
    old TEXT PRIMARY KEY,             -- an id merged into another
    new TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE mentions (
    article INTEGER NOT NULL REFERENCES articles (rowid) ON DELETE CASCADE,
    field TEXT NOT NULL,              -- text, title, or caption:N (a removed photo caption)
    start INTEGER NOT NULL,           -- offsets into that field
    stop INTEGER NOT NULL,
    text TEXT NOT NULL,
    type TEXT NOT NULL,
    sentence INTEGER NOT NULL,
    entity TEXT NOT NULL,
    PRIMARY KEY (article, field, start)
) WITHOUT ROWID;
CREATE INDEX mentions_entity ON mentions (entity, article);
CREATE TABLE quotes (
    article INTEGER NOT NULL REFERENCES articles (rowid) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    stop INTEGER NOT NULL,
    text TEXT NOT NULL,
    sentence INTEGER NOT NULL,
    direct INTEGER NOT NULL,
    fragment INTEGER NOT NULL,
    speaker TEXT,                     -- the speaker as the text names them
    entity TEXT,                      -- the speaker's canonical entity
    cue TEXT,
    PRIMARY KEY (article, start)
) WITHOUT ROWID;
CREATE INDEX quotes_entity ON quotes (entity);
-- Which articles' mentions are in the tables, and with which extraction version.
CREATE TABLE entity_indexed (
    article INTEGER PRIMARY KEY REFERENCES articles (rowid) ON DELETE CASCADE,
    version INTEGER NOT NULL
);
