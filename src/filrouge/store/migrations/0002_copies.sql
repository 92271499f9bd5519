-- Copy detection (filrouge.copies): MinHash signatures and their LSH band keys, links between
-- copies and the groups they form, and fingerprints of sentences for shared passages.
-- Articles are referred to by articles.rowid, which stays the same across versions.
CREATE TABLE copy_signatures (
    article INTEGER PRIMARY KEY REFERENCES articles (rowid) ON DELETE CASCADE,
    index_version INTEGER NOT NULL,   -- copies.signature.INDEX_VERSION it was made with
    signature BLOB NOT NULL,          -- NUM_PERM little-endian uint32
    passages BLOB NOT NULL            -- (fingerprint int64, sentence int64) pairs, little-endian
);
CREATE TABLE copy_bands (
    key INTEGER NOT NULL,
    article INTEGER NOT NULL,
    PRIMARY KEY (key, article)
) WITHOUT ROWID;
CREATE TABLE copy_links (
    a INTEGER NOT NULL,               -- a < b
    b INTEGER NOT NULL,
    jaccard REAL NOT NULL,
    containment REAL NOT NULL,
    PRIMARY KEY (a, b)
) WITHOUT ROWID;
CREATE INDEX copy_links_b ON copy_links (b);
CREATE TABLE copy_groups (
    article INTEGER PRIMARY KEY REFERENCES articles (rowid) ON DELETE CASCADE,
    grp TEXT NOT NULL
);
CREATE INDEX copy_groups_grp ON copy_groups (grp);
CREATE TABLE passages (
    key INTEGER NOT NULL,
    article INTEGER NOT NULL,
    sentence INTEGER NOT NULL,
    PRIMARY KEY (key, article, sentence)
) WITHOUT ROWID;
