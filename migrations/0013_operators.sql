-- Operators who sign in (issue 12): one account per person at the desk.
--
-- The PIN (or password) is kept only as an Argon2id hash in the PHC string format
-- ($argon2id$v=19$m=...,t=...,p=...$salt$hash), which carries its own salt and
-- parameters: stronger parameters later need no migration. Accounts are never deleted
-- (the audit log names them): a person who leaves is retired. The consecutive wrong
-- PINs and the last one's time are kept here, so closing the app does not reset the
-- growing delay.
CREATE TABLE operators (
    id              INTEGER PRIMARY KEY,
    name            TEXT    NOT NULL,
    initials        TEXT    NOT NULL,
    role            TEXT    NOT NULL CHECK (role IN ('operator', 'coordinator')),
    pin_hash        TEXT    NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at      TEXT    NOT NULL,
    retired_at      TEXT,
    failures        INTEGER NOT NULL DEFAULT 0,
    last_failure_at TEXT
);

-- A name signs the audit log: two accounts, even one retired, never share it.
CREATE UNIQUE INDEX operators_name ON operators (lower(name));
