-- The operator's choices about the register's frequent profiles (src/register/profiles.rs):
-- a profile pinned (always offered first) or hidden (never offered). The key is the
-- profile's canonical form: codes only, the same characteristics an access holds, so
-- nothing personal. Local to this machine: never exported.
CREATE TABLE register_profiles (
    key       TEXT PRIMARY KEY NOT NULL CHECK (length(key) BETWEEN 2 AND 4096),
    choice    TEXT NOT NULL CHECK (choice IN ('pinned', 'hidden')),
    chosen_at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
