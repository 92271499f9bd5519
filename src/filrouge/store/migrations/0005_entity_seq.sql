-- A new entity's creation number is max(seq) + 1: an index makes that one lookup rather
-- than a scan of every entity.
CREATE INDEX entities_seq ON entities (seq);
