-- Articles (current version), their earlier versions, rejected inputs, full-text index.
CREATE TABLE articles (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    version INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    raw TEXT NOT NULL,
    language TEXT,
    published_value TEXT,
    published_granularity TEXT,
    published_source TEXT,
    published_inferred INTEGER NOT NULL DEFAULT 0,
    source TEXT,
    url TEXT,
    author TEXT,
    word_count INTEGER NOT NULL,
    path TEXT,
    line INTEGER,
    format TEXT,
    data TEXT NOT NULL,          -- JSON: spans, removed pieces, warnings, title source, encoding
    ingested_at TEXT NOT NULL
);
CREATE INDEX articles_published ON articles (published_value);
CREATE INDEX articles_language ON articles (language);

CREATE TABLE article_versions (
    id TEXT NOT NULL,
    version INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    record TEXT NOT NULL,        -- the whole article as JSON, as it was
    replaced_at TEXT NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE TABLE rejected (
    path TEXT NOT NULL,
    line INTEGER NOT NULL DEFAULT -1,   -- -1: the whole file
    reason TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    PRIMARY KEY (path, line)
);

CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='rowid',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER articles_ai AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER articles_ad AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
END;
CREATE TRIGGER articles_au AFTER UPDATE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
