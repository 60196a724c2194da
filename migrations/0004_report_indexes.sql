-- 0004: a covering index for the yearly report.
--
-- The report counts the live accesses of a year, at every desk or one, grouped by
-- desk, month, channel, sex, age band, first access and nationality, and joins the
-- reasons by access id. With the date first this index serves "every desk" and "one
-- desk" alike as one range scan, and holding every column the report reads (and the
-- id, for the reasons) SQLite never visits the table. Partial on deleted = 0, the
-- report's own condition: tombstones take no room in it.
CREATE INDEX accesses_report ON accesses
    (date, desk, channel, sex, age_band, first_access, nationality, id)
    WHERE deleted = 0;
