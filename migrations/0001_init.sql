-- 0001: the schema every desk and the coordinator share.
--
-- Records that travel between desks (accesses, cases) carry a UUIDv7 id, a revision,
-- created/updated timestamps and a deleted flag (tombstone): a correction is a higher
-- revision, a deletion a tombstone, so an import can always tell which copy wins.
-- Personal data (appointments, the personal file of a case) lives in tables of its own
-- that no export ever reads.
--
-- Timestamps are RFC 3339 text in UTC; calendar dates are 'YYYY-MM-DD' in the desk's
-- local time; times of day are 'HH:MM'.

-- Key/value settings of this installation: own desk, operator, export folder, ...
CREATE TABLE settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

-- A counter that grows with every local write of a travelling record, so an export can
-- take "everything changed since the last export" without trusting the wall clock.
CREATE TABLE change_counter (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
) STRICT;
INSERT INTO change_counter (id, value) VALUES (1, 0);

-- Desks: this installation's own (is_own = 1, at most one) and those it imports from.
CREATE TABLE desks (
    code       TEXT PRIMARY KEY NOT NULL
               CHECK (length(code) BETWEEN 2 AND 8 AND code NOT GLOB '*[^A-Z]*'),
    name       TEXT NOT NULL CHECK (name <> ''),
    address    TEXT NOT NULL DEFAULT '',
    phone      TEXT NOT NULL DEFAULT '',
    is_own     INTEGER NOT NULL DEFAULT 0 CHECK (is_own IN (0, 1)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
CREATE UNIQUE INDEX desks_single_own ON desks (is_own) WHERE is_own = 1;

-- Weekly opening hours of a desk, one row per opening interval.
-- weekday: 1 = Monday ... 7 = Sunday (ISO 8601).
CREATE TABLE desk_hours (
    desk    TEXT NOT NULL REFERENCES desks (code) ON UPDATE CASCADE,
    service TEXT NOT NULL CHECK (service IN ('front_office', 'back_office')),
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    opens   TEXT NOT NULL CHECK (opens GLOB '[0-2][0-9]:[0-5][0-9]'),
    closes  TEXT NOT NULL CHECK (closes GLOB '[0-2][0-9]:[0-5][0-9]'),
    CHECK (opens < closes),
    PRIMARY KEY (desk, service, weekday, opens)
) STRICT;

-- Days a desk is closed besides the public holidays computed by the program.
CREATE TABLE desk_closures (
    desk   TEXT NOT NULL REFERENCES desks (code) ON UPDATE CASCADE,
    day    TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (desk, day)
) STRICT;

-- The shared codebook: eight lists with stable codes. Entries are retired
-- (active = 0), never deleted or re-coded, so an old record keeps its meaning.
CREATE TABLE codebook_entries (
    list         TEXT NOT NULL CHECK (list IN ('channel', 'sex', 'age_band', 'nationality',
                                              'referred_by', 'reason', 'permit', 'action')),
    code         TEXT NOT NULL CHECK (length(code) BETWEEN 1 AND 32),
    label_it     TEXT NOT NULL CHECK (label_it <> ''),
    label_en     TEXT NOT NULL CHECK (label_en <> ''),
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    sort_order   INTEGER NOT NULL,
    report_group TEXT CHECK (report_group IN ('front_desk', 'phone_mail')),
    -- channels, and only channels, belong to a report group
    CHECK ((list = 'channel') = (report_group IS NOT NULL)),
    PRIMARY KEY (list, code)
) STRICT;

-- The codebook's version: one row, raised by the triggers below on every change.
CREATE TABLE codebook_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL CHECK (version >= 1)
) STRICT;

-- Accesses: one contact with the desk. No identity, no free text, by construction.
-- A tombstone (deleted = 1) may come from another desk with only id, revision and
-- date, hence the nullable characteristics.
CREATE TABLE accesses (
    id            TEXT PRIMARY KEY NOT NULL,
    desk          TEXT NOT NULL REFERENCES desks (code) ON UPDATE CASCADE,
    revision      INTEGER NOT NULL CHECK (revision >= 1),
    deleted       INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    date          TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    hour          INTEGER CHECK (hour BETWEEN 0 AND 23),
    channel       TEXT,
    nationality   TEXT,
    sex           TEXT,
    age_band      TEXT,
    first_access  INTEGER CHECK (first_access IN (0, 1)),
    referred_by   TEXT,
    permit        TEXT,
    accompaniment INTEGER CHECK (accompaniment IN (0, 1)),
    mediation     INTEGER CHECK (mediation IN (0, 1)),
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    -- value of change_counter at the last local write; NULL for imported records
    change_seq    INTEGER,
    CHECK (deleted = 1 OR (hour IS NOT NULL AND channel IS NOT NULL AND nationality IS NOT NULL
        AND sex IS NOT NULL AND age_band IS NOT NULL AND first_access IS NOT NULL
        AND referred_by IS NOT NULL AND permit IS NOT NULL AND accompaniment IS NOT NULL
        AND mediation IS NOT NULL))
) STRICT;
CREATE INDEX accesses_desk_date ON accesses (desk, date);
CREATE INDEX accesses_change_seq ON accesses (change_seq) WHERE change_seq IS NOT NULL;

-- Reasons (causali) and actions (attivato) of an access: one or more of each.
CREATE TABLE access_reasons (
    access_id TEXT NOT NULL REFERENCES accesses (id) ON DELETE CASCADE,
    code      TEXT NOT NULL,
    PRIMARY KEY (access_id, code)
) STRICT, WITHOUT ROWID;

CREATE TABLE access_actions (
    access_id TEXT NOT NULL REFERENCES accesses (id) ON DELETE CASCADE,
    code      TEXT NOT NULL,
    PRIMARY KEY (access_id, code)
) STRICT, WITHOUT ROWID;

-- Accompaniment cases: the anonymous part that travels.
CREATE TABLE cases (
    id         TEXT PRIMARY KEY NOT NULL,
    desk       TEXT NOT NULL REFERENCES desks (code) ON UPDATE CASCADE,
    revision   INTEGER NOT NULL CHECK (revision >= 1),
    deleted    INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    case_type  TEXT CHECK (case_type IN ('full', 'fast')),
    opened_on  TEXT NOT NULL CHECK (opened_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    closed_on  TEXT CHECK (closed_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    reason     TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    change_seq INTEGER,
    CHECK (closed_on IS NULL OR closed_on >= opened_on),
    CHECK (deleted = 1 OR (case_type IS NOT NULL AND reason IS NOT NULL))
) STRICT;
CREATE INDEX cases_desk_opened ON cases (desk, opened_on);
CREATE INDEX cases_change_seq ON cases (change_seq) WHERE change_seq IS NOT NULL;

-- The personal file of a case: personal data, never exported.
CREATE TABLE case_files (
    case_id     TEXT PRIMARY KEY NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    person_name TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    documents   TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    updated_at  TEXT NOT NULL
) STRICT;

CREATE TABLE case_notes (
    id         INTEGER PRIMARY KEY,
    case_id    TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    written_at TEXT NOT NULL,
    operator   TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL
) STRICT;

-- Back-office appointment kinds; slot_minutes is the length of one booking.
CREATE TABLE appointment_kinds (
    code         TEXT PRIMARY KEY NOT NULL,
    label_it     TEXT NOT NULL,
    label_en     TEXT NOT NULL,
    slot_minutes INTEGER NOT NULL CHECK (slot_minutes BETWEEN 5 AND 480),
    active       INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    sort_order   INTEGER NOT NULL
) STRICT;

-- Documents to bring, per kind: data the coordinator edits, not code.
CREATE TABLE appointment_documents (
    kind     TEXT NOT NULL REFERENCES appointment_kinds (code),
    position INTEGER NOT NULL,
    text_it  TEXT NOT NULL CHECK (text_it <> ''),
    PRIMARY KEY (kind, position)
) STRICT;

-- Appointments: personal data (name, phone), never exported; purged after retention.
CREATE TABLE appointments (
    id           TEXT PRIMARY KEY NOT NULL,
    desk         TEXT NOT NULL REFERENCES desks (code) ON UPDATE CASCADE,
    kind         TEXT NOT NULL REFERENCES appointment_kinds (code),
    day          TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    starts       TEXT NOT NULL CHECK (starts GLOB '[0-2][0-9]:[0-5][0-9]'),
    ends         TEXT NOT NULL CHECK (ends GLOB '[0-2][0-9]:[0-5][0-9]'),
    booking_code TEXT NOT NULL UNIQUE,
    person_name  TEXT,
    phone        TEXT,
    language     TEXT NOT NULL DEFAULT 'it',
    status       TEXT NOT NULL DEFAULT 'booked'
                 CHECK (status IN ('booked', 'attended', 'no_show', 'cancelled')),
    access_id    TEXT REFERENCES accesses (id),
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    purged_at    TEXT,
    CHECK (starts < ends)
) STRICT;
CREATE INDEX appointments_desk_day ON appointments (desk, day);

-- No double booking, enforced here and not only in the UI: a live appointment may not
-- overlap another live appointment of the same desk.
CREATE TRIGGER appointments_no_overlap_insert
BEFORE INSERT ON appointments
WHEN NEW.status <> 'cancelled' AND EXISTS (
    SELECT 1 FROM appointments a
    WHERE a.desk = NEW.desk AND a.day = NEW.day AND a.status <> 'cancelled'
      AND a.starts < NEW.ends AND NEW.starts < a.ends)
BEGIN
    SELECT RAISE(ABORT, 'appointment slot already taken');
END;

CREATE TRIGGER appointments_no_overlap_update
BEFORE UPDATE OF desk, day, starts, ends, status ON appointments
WHEN NEW.status <> 'cancelled' AND EXISTS (
    SELECT 1 FROM appointments a
    WHERE a.id <> NEW.id AND a.desk = NEW.desk AND a.day = NEW.day AND a.status <> 'cancelled'
      AND a.starts < NEW.ends AND NEW.starts < a.ends)
BEGIN
    SELECT RAISE(ABORT, 'appointment slot already taken');
END;

-- Exports written by this desk: the sequence numbers the coordinator checks for gaps.
CREATE TABLE exports (
    export_id       TEXT PRIMARY KEY NOT NULL,
    desk            TEXT NOT NULL REFERENCES desks (code) ON UPDATE CASCADE,
    sequence        INTEGER NOT NULL CHECK (sequence >= 1),
    created_at      TEXT NOT NULL,
    period_from     TEXT NOT NULL,
    period_to       TEXT NOT NULL,
    record_count    INTEGER NOT NULL,
    sha256          TEXT NOT NULL,
    path            TEXT NOT NULL,
    -- highest change_seq the file covers: the next "since last export" starts after it
    up_to_change    INTEGER NOT NULL,
    UNIQUE (desk, sequence)
) STRICT;

-- Files imported (or rejected) by this installation.
CREATE TABLE imports (
    id           INTEGER PRIMARY KEY,
    imported_at  TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    file_sha256  TEXT NOT NULL,
    export_id    TEXT,
    desk         TEXT,
    sequence     INTEGER,
    outcome      TEXT NOT NULL CHECK (outcome IN ('imported', 'already_imported', 'rejected')),
    message      TEXT NOT NULL DEFAULT '',
    new_records  INTEGER NOT NULL DEFAULT 0,
    updated      INTEGER NOT NULL DEFAULT 0,
    unchanged    INTEGER NOT NULL DEFAULT 0,
    conflicts    INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX imports_export_once ON imports (export_id) WHERE outcome = 'imported';

-- Same revision, different content: the stored record is kept, the difference logged.
CREATE TABLE import_conflicts (
    import_id INTEGER NOT NULL REFERENCES imports (id),
    record    TEXT NOT NULL CHECK (record IN ('access', 'case')),
    record_id TEXT NOT NULL,
    revision  INTEGER NOT NULL,
    fields    TEXT NOT NULL
) STRICT;

-- Audit log: what changed, when, which revision, which operator.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    operator  TEXT NOT NULL DEFAULT '',
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    revision  INTEGER,
    detail    TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);
