-- Personal data sealed at rest (issue 12): the data key, wrapped.
--
-- Personal data is sealed with one random data key (src/store/vault.rs) that is never
-- stored in clear. It is stored here once per holder, wrapped (XChaCha20-Poly1305):
-- for each operator under a key Argon2id derives from their PIN and this row's own
-- random salt (not the PIN hash's salt), and once under the recovery key shown to the
-- coordinator at the setup. `holder` is 'operator:<id>' or 'recovery'; the Argon2id
-- parameters are kept with the wrap, so raising them later needs no migration; the
-- recovery key's wrap has none (the key is 128 random bits, see docs/operators.md).
-- Retiring an account deletes its wrap. Whether the data is sealed at all is the
-- setting `personal_data.sealed`.
CREATE TABLE key_wraps (
    holder     TEXT PRIMARY KEY NOT NULL
               CHECK (holder = 'recovery' OR holder GLOB 'operator:[0-9]*'),
    salt       BLOB NOT NULL CHECK (length(salt) = 16),
    m_cost     INTEGER,
    t_cost     INTEGER,
    p_cost     INTEGER,
    wrapped    BLOB NOT NULL CHECK (length(wrapped) = 24 + 32 + 16),
    created_at TEXT NOT NULL,
    CHECK ((holder = 'recovery') = (m_cost IS NULL))
) STRICT;
