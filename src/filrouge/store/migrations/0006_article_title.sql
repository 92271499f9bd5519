-- Which titles several articles share (an event's title is never the page's: "Boutique le
-- Point" on every page of a site): an index makes that a lookup per title, not a scan.
CREATE INDEX articles_title ON articles (title);
