-- 0004: covering indexes for the yearly report.
--
-- The report reads the live accesses of a year, at every desk or one, in two passes
-- (register/figures.rs). Both indexes are partial on deleted = 0, the report's own
-- condition, so tombstones take no room in them, and each holds every column its pass
-- reads, so SQLite never visits the table.
--
-- accesses_report: the year as one range scan (date first serves "every desk" and
-- "one desk" alike), with what the grouped pass groups by.
CREATE INDEX accesses_report ON accesses
    (date, desk, channel, sex, age_band, first_access, nationality)
    WHERE deleted = 0;

-- accesses_report_ids: the accesses in id order, the order of access_reasons' key, so
-- that the reasons pass reads the reasons sequentially instead of one lookup each.
CREATE INDEX accesses_report_ids ON accesses (id, date, desk) WHERE deleted = 0;
