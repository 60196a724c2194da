-- 0005: the yearly report's counts, kept up to date by triggers as accesses are written.
--
-- The report adds up the live (not deleted) accesses of a year: by month and channel,
-- first access, sex and age band, nationality, reason. Counting a million accesses on
-- every report takes seconds, so the sums are kept here instead, per desk and month
-- (per day for the nationalities, which also tells the days with accesses), and the
-- report reads a few thousand rows (register/figures.rs).
--
-- The triggers below keep the three tables equal to a count over the accesses, whatever
-- writes them: the register's save, correction, deletion and undo, an import, the demo,
-- a desk code renamed through the foreign key. Only live accesses are counted; a row
-- whose count falls to zero is removed, so a key is present exactly when some live
-- access has it. Counts are by channel code, not by the channel's report group: the
-- group is the codebook's and is applied when the report is read.
--
-- Counting an access in or out is written once, as the INSTEAD OF trigger of a view
-- that holds nothing (`access_count_steps`: step +1 or -1 and the access's values), so
-- the triggers on the tables only say when: a live access in, out, or moved; only the
-- insert, which every new access and every bulk load runs, is written out in full. The
-- reasons of an access are written after its row (the foreign key), so each reason
-- row also counts itself (`access_reason_steps`) at the place (desk, month) of its live
-- access; when an access moves (another date or desk, deleted), its stored reasons
-- move with it.

-- The partial indexes of 0004 served the report's grouped passes over the accesses,
-- which these counts replace; nothing else needs them, and every write of an access
-- paid for them (with a trigger on the table, twice: the statement's own journal copies
-- each page it changes).
DROP INDEX accesses_report;
DROP INDEX accesses_report_ids;

CREATE TABLE access_counts (
    month        TEXT NOT NULL,    -- 'YYYY-MM' of the access's date
    desk         TEXT NOT NULL,
    channel      TEXT NOT NULL,
    sex          TEXT NOT NULL,
    age_band     TEXT NOT NULL,
    first_access INTEGER NOT NULL,
    count        INTEGER NOT NULL,
    PRIMARY KEY (month, desk, channel, sex, age_band, first_access)
) STRICT, WITHOUT ROWID;

CREATE TABLE access_nationality_counts (
    date        TEXT NOT NULL,
    desk        TEXT NOT NULL,
    nationality TEXT NOT NULL,
    count       INTEGER NOT NULL,
    PRIMARY KEY (date, desk, nationality)
) STRICT, WITHOUT ROWID;

CREATE TABLE access_reason_counts (
    month  TEXT NOT NULL,
    desk   TEXT NOT NULL,
    reason TEXT NOT NULL,
    count  INTEGER NOT NULL,
    PRIMARY KEY (month, desk, reason)
) STRICT, WITHOUT ROWID;

-- The accesses already stored, counted once.
INSERT INTO access_counts (month, desk, channel, sex, age_band, first_access, count)
SELECT substr(date, 1, 7), desk, channel, sex, age_band, first_access, COUNT(*)
FROM accesses WHERE deleted = 0
GROUP BY 1, 2, 3, 4, 5, 6;

INSERT INTO access_nationality_counts (date, desk, nationality, count)
SELECT date, desk, nationality, COUNT(*)
FROM accesses WHERE deleted = 0
GROUP BY 1, 2, 3;

INSERT INTO access_reason_counts (month, desk, reason, count)
SELECT substr(a.date, 1, 7), a.desk, r.code, COUNT(*)
FROM accesses a JOIN access_reasons r ON r.access_id = a.id
WHERE a.deleted = 0
GROUP BY 1, 2, 3;

-- Counting in (step 1) or out (step -1) an access with its stored reasons. A count out
-- removes the rows it brings to zero.
CREATE VIEW access_count_steps
    (step, id, date, desk, channel, sex, age_band, first_access, nationality) AS
SELECT 0, '', '', '', '', '', '', 0, '' WHERE 0;

CREATE TRIGGER access_count_steps_apply
INSTEAD OF INSERT ON access_count_steps
BEGIN
    INSERT INTO access_counts (month, desk, channel, sex, age_band, first_access, count)
    VALUES (substr(NEW.date, 1, 7), NEW.desk, NEW.channel, NEW.sex, NEW.age_band,
            NEW.first_access, NEW.step)
    ON CONFLICT DO UPDATE SET count = count + excluded.count;
    INSERT INTO access_nationality_counts (date, desk, nationality, count)
    VALUES (NEW.date, NEW.desk, NEW.nationality, NEW.step)
    ON CONFLICT DO UPDATE SET count = count + excluded.count;
    INSERT INTO access_reason_counts (month, desk, reason, count)
    SELECT substr(NEW.date, 1, 7), NEW.desk, code, NEW.step
    FROM access_reasons WHERE access_id = NEW.id
    ON CONFLICT DO UPDATE SET count = count + excluded.count;
    DELETE FROM access_counts
    WHERE NEW.step < 0 AND month = substr(NEW.date, 1, 7) AND desk = NEW.desk
        AND channel = NEW.channel AND sex = NEW.sex AND age_band = NEW.age_band
        AND first_access = NEW.first_access AND count = 0;
    DELETE FROM access_nationality_counts
    WHERE NEW.step < 0 AND date = NEW.date AND desk = NEW.desk
        AND nationality = NEW.nationality AND count = 0;
    DELETE FROM access_reason_counts
    WHERE NEW.step < 0 AND month = substr(NEW.date, 1, 7) AND desk = NEW.desk
        AND count = 0;
END;

-- Counting in (1) or out (-1) one reason of an access, at the place of the access when
-- it is live.
CREATE VIEW access_reason_steps (step, access_id, code) AS SELECT 0, '', '' WHERE 0;

CREATE TRIGGER access_reason_steps_apply
INSTEAD OF INSERT ON access_reason_steps
BEGIN
    INSERT INTO access_reason_counts (month, desk, reason, count)
    SELECT substr(a.date, 1, 7), a.desk, NEW.code, NEW.step
    FROM accesses a WHERE a.id = NEW.access_id AND a.deleted = 0
    ON CONFLICT DO UPDATE SET count = count + excluded.count;
    DELETE FROM access_reason_counts
    WHERE NEW.step < 0 AND count = 0 AND (month, desk, reason) IN (
        SELECT substr(a.date, 1, 7), a.desk, NEW.code
        FROM accesses a WHERE a.id = NEW.access_id);
END;

-- A live access comes in (its reasons follow, each with its own trigger). This is what
-- access_count_steps does with step 1, written out: every new access and every bulk
-- load runs it, and the nested trigger, its probe for reasons not yet written and its
-- removals of rows at zero measured a bulk load 25% slower.
CREATE TRIGGER accesses_counts_insert
AFTER INSERT ON accesses WHEN NEW.deleted = 0
BEGIN
    INSERT INTO access_counts (month, desk, channel, sex, age_band, first_access, count)
    VALUES (substr(NEW.date, 1, 7), NEW.desk, NEW.channel, NEW.sex, NEW.age_band,
            NEW.first_access, 1)
    ON CONFLICT DO UPDATE SET count = count + 1;
    INSERT INTO access_nationality_counts (date, desk, nationality, count)
    VALUES (NEW.date, NEW.desk, NEW.nationality, 1)
    ON CONFLICT DO UPDATE SET count = count + 1;
END;

-- A stored access changes what is counted (a correction, a deletion, an imported
-- revision, a desk renamed): it leaves its old place if it was live, with its reasons,
-- and takes its new one if it is live. Changes of other columns fire nothing.
CREATE TRIGGER accesses_counts_update
AFTER UPDATE OF deleted, desk, date, channel, sex, age_band, first_access, nationality
ON accesses
WHEN OLD.deleted IS NOT NEW.deleted OR OLD.desk IS NOT NEW.desk OR OLD.date IS NOT NEW.date
    OR OLD.channel IS NOT NEW.channel OR OLD.sex IS NOT NEW.sex
    OR OLD.age_band IS NOT NEW.age_band OR OLD.first_access IS NOT NEW.first_access
    OR OLD.nationality IS NOT NEW.nationality
BEGIN
    INSERT INTO access_count_steps
    SELECT -1, OLD.id, OLD.date, OLD.desk, OLD.channel, OLD.sex, OLD.age_band,
           OLD.first_access, OLD.nationality
    WHERE OLD.deleted = 0;
    INSERT INTO access_count_steps
    SELECT 1, NEW.id, NEW.date, NEW.desk, NEW.channel, NEW.sex, NEW.age_band,
           NEW.first_access, NEW.nationality
    WHERE NEW.deleted = 0;
END;

-- A live access removed from the table (nothing in the program does it: a deletion is
-- a tombstone, an update): counted out with its reasons before the foreign key's
-- cascade removes them, whose own trigger then finds no access to count them out of.
CREATE TRIGGER accesses_counts_delete
BEFORE DELETE ON accesses WHEN OLD.deleted = 0
BEGIN
    INSERT INTO access_count_steps
    VALUES (-1, OLD.id, OLD.date, OLD.desk, OLD.channel, OLD.sex, OLD.age_band,
            OLD.first_access, OLD.nationality);
END;

-- A reason added to an access (access_reason_steps with step 1, written out as above),
-- removed, or rewritten.
CREATE TRIGGER access_reasons_counts_insert
AFTER INSERT ON access_reasons
BEGIN
    INSERT INTO access_reason_counts (month, desk, reason, count)
    SELECT substr(a.date, 1, 7), a.desk, NEW.code, 1
    FROM accesses a WHERE a.id = NEW.access_id AND a.deleted = 0
    ON CONFLICT DO UPDATE SET count = count + 1;
END;

CREATE TRIGGER access_reasons_counts_delete
AFTER DELETE ON access_reasons
BEGIN
    INSERT INTO access_reason_steps VALUES (-1, OLD.access_id, OLD.code);
END;

CREATE TRIGGER access_reasons_counts_update
AFTER UPDATE ON access_reasons
BEGIN
    INSERT INTO access_reason_steps VALUES (-1, OLD.access_id, OLD.code);
    INSERT INTO access_reason_steps VALUES (1, NEW.access_id, NEW.code);
END;
