-- 0008: the log of the desk's outbox.
--
-- Export files wait in a folder beside the database (the outbox) until they are
-- delivered to the destination (a USB stick, a network share, a folder a cloud client
-- keeps in sync); then they move to its `sent` folder. The files themselves are the
-- outbox's state: this table only says what happened to them, for the screen ("last
-- delivered...", "the stick was full at 13:02") and for whoever looks back later.
--
-- One row per file and outcome. A delivery that keeps failing the same way (the stick
-- is not plugged in, every few minutes all day) raises `attempts` and `last_at` on its
-- row instead of adding one, so the log grows with the files, not with the clock.
CREATE TABLE deliveries (
    id          INTEGER PRIMARY KEY,
    -- the file's name, as in the outbox and at the destination
    file        TEXT NOT NULL CHECK (file <> ''),
    -- SHA-256 of every byte of the file ('' when the outbox copy could not be read)
    sha256      TEXT NOT NULL,
    destination TEXT NOT NULL,
    -- delivered: copied and read back; already_there: found at the destination with
    -- the same bytes (an earlier run copied it), so not copied again; failed: still in
    -- the outbox, `failure` says why
    outcome     TEXT NOT NULL CHECK (outcome IN ('delivered', 'already_there', 'failed')),
    failure     TEXT CHECK (failure IS NULL OR failure <> ''),
    message     TEXT NOT NULL DEFAULT '',
    first_at    TEXT NOT NULL,
    last_at     TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 1 CHECK (attempts >= 1),
    CHECK ((outcome = 'failed') = (failure IS NOT NULL))
) STRICT;
