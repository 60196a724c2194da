-- 0006: the years of the activity report: closed or open, and the coordinator's texts.
--
-- A year is closed once its report is published: its figures are then protected (an
-- import that would change them asks first; the desk's own writes dated in it are
-- refused). A year without a row has never been closed. The narrative sections of the
-- report (activities, conventions and protocols, projects) are kept per year; they
-- are the coordinator's own words about the desks' work, never personal data, and
-- they never travel in an export.

CREATE TABLE report_years (
    year       INTEGER PRIMARY KEY NOT NULL CHECK (year BETWEEN 2000 AND 9999),
    closed     INTEGER NOT NULL CHECK (closed IN (0, 1)),
    -- when and by whom it was last closed or reopened (RFC 3339, UTC; the operator)
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL DEFAULT '',
    -- why it was last reopened: by hand, or the import whose changes were confirmed
    reason     TEXT NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    -- the figures published when it was closed (the report's JSON), kept after a
    -- reopening so that what was published can still be compared with what is now
    figures    TEXT CHECK (figures IS NULL OR json_valid(figures)),
    CHECK (closed = 0 OR figures IS NOT NULL)
) STRICT;

CREATE TABLE report_sections (
    year       INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 9999),
    section    TEXT NOT NULL CHECK (section IN ('activities', 'conventions', 'projects')),
    -- plain text, paragraphs separated by an empty line; never empty (an empty
    -- section has no row)
    body       TEXT NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (year, section)
) STRICT;
