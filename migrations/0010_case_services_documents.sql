-- Accompaniment cases: the services involved in a case, from a list the coordinator
-- keeps, and the copies of documents attached to a case. The list of services is not
-- a codebook list: no travelling record carries a service, so
-- changing it must not raise the codebook version of the exports, and the codebook's
-- JSON (a contract) stays as it is. Codes are stable: retired, never deleted.

CREATE TABLE case_service_kinds (
    code       TEXT PRIMARY KEY NOT NULL
               CHECK (length(code) BETWEEN 1 AND 40 AND code NOT GLOB '*[^a-z0-9_]*'),
    label_it   TEXT NOT NULL CHECK (length(label_it) > 0),
    label_en   TEXT NOT NULL CHECK (length(label_en) > 0),
    active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    sort_order INTEGER NOT NULL
) STRICT;

CREATE TRIGGER case_service_kinds_never_deleted
BEFORE DELETE ON case_service_kinds
BEGIN
    SELECT RAISE(ABORT, 'a service of the list is retired, never deleted');
END;

CREATE TRIGGER case_service_kinds_never_recoded
BEFORE UPDATE OF code ON case_service_kinds
BEGIN
    SELECT RAISE(ABORT, 'a service code never changes');
END;

INSERT INTO case_service_kinds (code, label_it, label_en, sort_order) VALUES
    ('servizio_sociale', 'Servizio sociale Coeso SdS', 'Social services (Coeso SdS)', 10),
    ('asl', 'ASL', 'Local health authority (ASL)', 20),
    ('questura', 'Questura', 'Police immigration office (Questura)', 30),
    ('prefettura', 'Prefettura', 'Prefecture (Prefettura)', 40),
    ('centro_impiego', 'Centro per l''impiego', 'Job centre', 50),
    ('comune', 'Comune / anagrafe', 'Municipality / registry office', 60),
    ('terzo_settore', 'Terzo settore / associazioni', 'Third sector / associations', 70),
    ('altro_diritto', 'Altro Diritto', 'Altro Diritto (legal advice)', 80),
    ('asgi', 'ASGI', 'ASGI (legal advice)', 90),
    ('cpia', 'CPIA', 'CPIA (adult education)', 100),
    ('scuola', 'Scuola', 'School', 110),
    ('patronato', 'Patronato / sindacato', 'Patronato / trade union', 120),
    ('altro', 'Altro servizio', 'Other service', 130);

-- A service involved in a case, once per service, with the day it was involved.
CREATE TABLE case_services (
    case_id     TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    service     TEXT NOT NULL REFERENCES case_service_kinds (code),
    involved_on TEXT NOT NULL
                CHECK (involved_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    PRIMARY KEY (case_id, service)
) STRICT;

-- Copies of documents attached to a case (scans, photos, PDFs). The file itself is in
-- the private folder beside the database, named by `id` and `extension` only; the
-- original name is personal data and is erased with the personal file.
CREATE TABLE case_documents (
    id        TEXT PRIMARY KEY NOT NULL,
    case_id   TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    name      TEXT NOT NULL,
    kind      TEXT NOT NULL
              CHECK (kind IN ('permit', 'passport', 'receipt', 'certificate', 'other')),
    extension TEXT NOT NULL CHECK (extension NOT GLOB '*[^a-z0-9]*' AND length(extension) BETWEEN 1 AND 5),
    size      INTEGER NOT NULL CHECK (size >= 0),
    added_on  TEXT NOT NULL CHECK (added_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    added_at  TEXT NOT NULL
) STRICT;
CREATE INDEX case_documents_case ON case_documents (case_id);

-- The access a case was opened from, in the register: only the link, kept with the
-- case; the access itself holds nothing of the case and nothing personal.
CREATE TABLE case_accesses (
    case_id   TEXT PRIMARY KEY NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    access_id TEXT NOT NULL REFERENCES accesses (id)
) STRICT;
CREATE INDEX case_accesses_access ON case_accesses (access_id);

-- The privacy notice given to the person of a case: the day and the language it was
-- printed in besides Italian. Nothing personal: it stays when the personal file goes.
CREATE TABLE case_notices (
    id          INTEGER PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    given_on    TEXT NOT NULL CHECK (given_on GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    language    TEXT NOT NULL,
    recorded_at TEXT NOT NULL
) STRICT;
CREATE INDEX case_notices_case ON case_notices (case_id);
