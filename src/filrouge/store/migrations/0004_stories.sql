-- Stories and events (filrouge.stories): the online clustering's state. Events and stories
-- are "clusters" (kind event or story); an event's parent is its story. Their sums (centroid,
-- term weights, entity and day counts) are kept so the clustering resumes where it stopped.
CREATE TABLE clusters (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,               -- event or story
    seq INTEGER NOT NULL,             -- creation order within its kind
    parent TEXT,                      -- an event's story
    n INTEGER NOT NULL,               -- articles
    first INTEGER,                    -- earliest and latest publication day (ordinal)
    last INTEGER,
    touched INTEGER NOT NULL,         -- articles seen when it last changed
    vector BLOB NOT NULL,             -- sum of its articles' unit embeddings (float32)
    state TEXT NOT NULL               -- JSON: term weights, languages, entities, days, dates, copies
);
CREATE INDEX clusters_kind_last ON clusters (kind, last);
CREATE INDEX clusters_parent ON clusters (parent);
CREATE TABLE cluster_redirects (
    old TEXT PRIMARY KEY,             -- an event or story merged into another
    new TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE article_events (
    article INTEGER PRIMARY KEY REFERENCES articles (rowid) ON DELETE CASCADE,
    event TEXT NOT NULL,
    score REAL NOT NULL,              -- its score against the event when it joined (1 for a new event's first)
    seq INTEGER NOT NULL              -- assignment order
);
CREATE INDEX article_events_event ON article_events (event);
CREATE TABLE article_vectors (
    article INTEGER PRIMARY KEY REFERENCES articles (rowid) ON DELETE CASCADE,
    model TEXT NOT NULL,
    vector BLOB NOT NULL              -- unit embedding of title and lead (float32)
);
CREATE TABLE cluster_vocab (
    kind TEXT NOT NULL,               -- term or entity
    key TEXT NOT NULL,
    df INTEGER NOT NULL,              -- articles it occurs in
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE TABLE cluster_meta (
    key TEXT PRIMARY KEY,             -- articles, next_event, next_story, latest
    value INTEGER
) WITHOUT ROWID;
