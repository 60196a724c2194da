-- Accompaniment cases: follow-ups with a next step, the outcome of a closing, and the
-- mark left when a personal file is erased (retention or the person's request).
-- Everything here stays on this machine: the exported case line does not change.

-- A follow-up is a dated note: what was done (body), with whom, the next step and when
-- it is due. Notes written before keep their text as what was done, dated by when
-- they were written.
ALTER TABLE case_notes ADD COLUMN done_on TEXT
    CHECK (done_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
ALTER TABLE case_notes ADD COLUMN with_whom TEXT NOT NULL DEFAULT '';
ALTER TABLE case_notes ADD COLUMN next_step TEXT NOT NULL DEFAULT '';
ALTER TABLE case_notes ADD COLUMN due_on TEXT
    CHECK (due_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
UPDATE case_notes SET done_on = substr(written_at, 1, 10) WHERE done_on IS NULL;
CREATE INDEX case_notes_case ON case_notes (case_id, done_on);

-- How the last closing of a case ended. Removed when the case is reopened (the audit
-- log keeps the reopening); the note is personal data and goes with the personal file.
CREATE TABLE case_closings (
    case_id   TEXT PRIMARY KEY NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    outcome   TEXT NOT NULL
              CHECK (outcome IN ('solved', 'not_solvable', 'unreachable', 'referred')),
    note      TEXT NOT NULL DEFAULT '',
    closed_at TEXT NOT NULL
) STRICT;

-- The last erasure of a case's personal file: when, and why. No personal data.
CREATE TABLE case_erasures (
    case_id   TEXT PRIMARY KEY NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    erased_at TEXT NOT NULL,
    cause     TEXT NOT NULL CHECK (cause IN ('retention', 'request'))
) STRICT;
