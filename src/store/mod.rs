//! The SQLite store: opening, per-connection settings, migrations, backups, settings.
//!
//! One entry point, [`Store::open`], opens (or creates) a database file and brings its
//! schema up to date. Migrations are the numbered SQL files of `migrations/`, embedded
//! in the binary; the schema version is SQLite's `user_version`. Pending migrations run
//! in one transaction, so a failure leaves the file exactly as it was; when an existing
//! database has migrations pending, a verified backup of it is first written into the
//! backup folder ([`backup`]), which keeps it for the rotation window.
//! A database written by a newer program is refused rather than guessed at.
//!
//! The files are private to the user ([`private`]): a data folder this opens or creates
//! is 0700, the database and its -wal and -shm 0600, and an installation made by an
//! older release is set so at open.

use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, TransactionBehavior};

use crate::{Error, Result};

pub mod audit;
pub mod backup;
pub mod private;
pub mod settings;
pub mod signer;
pub mod vault;

/// One embedded migration: its file name and its SQL.
pub struct Migration {
    pub name: &'static str,
    pub sql: &'static str,
}

/// Every migration, in order. The schema version of a database is the number of
/// migrations applied to it. Files are never edited once released: add a new one.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        name: "0001_init.sql",
        sql: include_str!("../../migrations/0001_init.sql"),
    },
    Migration {
        name: "0002_codebook.sql",
        sql: include_str!("../../migrations/0002_codebook.sql"),
    },
    Migration {
        name: "0003_appointments.sql",
        sql: include_str!("../../migrations/0003_appointments.sql"),
    },
    Migration {
        name: "0004_report_indexes.sql",
        sql: include_str!("../../migrations/0004_report_indexes.sql"),
    },
    Migration {
        name: "0005_report_aggregates.sql",
        sql: include_str!("../../migrations/0005_report_aggregates.sql"),
    },
    Migration {
        name: "0006_report_years.sql",
        sql: include_str!("../../migrations/0006_report_years.sql"),
    },
    Migration {
        name: "0007_context.sql",
        sql: include_str!("../../migrations/0007_context.sql"),
    },
    Migration {
        name: "0008_outbox.sql",
        sql: include_str!("../../migrations/0008_outbox.sql"),
    },
    Migration {
        name: "0009_case_follow_ups.sql",
        sql: include_str!("../../migrations/0009_case_follow_ups.sql"),
    },
    Migration {
        name: "0010_case_services_documents.sql",
        sql: include_str!("../../migrations/0010_case_services_documents.sql"),
    },
    Migration {
        name: "0011_import_file_dates.sql",
        sql: include_str!("../../migrations/0011_import_file_dates.sql"),
    },
    Migration {
        name: "0012_register_profiles.sql",
        sql: include_str!("../../migrations/0012_register_profiles.sql"),
    },
    Migration {
        name: "0013_operators.sql",
        sql: include_str!("../../migrations/0013_operators.sql"),
    },
    Migration {
        name: "0014_key_wraps.sql",
        sql: include_str!("../../migrations/0014_key_wraps.sql"),
    },
];

/// The schema version this program writes.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// An open database.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    backup: Option<PathBuf>,
    vault: vault::Vault,
}

/// The desktop app's own database: `sportello.db` in the platform's app-data folder
/// named after [`crate::APP_IDENTIFIER`] (on Linux `~/.local/share/it.coeso.sportello`).
pub fn default_db_path() -> Result<PathBuf> {
    let base = dirs::data_dir().ok_or_else(|| {
        Error::invalid(
            "database",
            "the app-data folder of this user is unknown: pass --db PATH or set SPORTELLO_DB",
        )
    })?;
    Ok(base.join(crate::APP_IDENTIFIER).join("sportello.db"))
}

impl Store {
    /// Opens (or creates) the database at `path` and applies pending migrations.
    ///
    /// `now` names the backup taken before migrating an existing database.
    pub fn open(path: &Path, now: DateTime<Utc>) -> Result<Store> {
        private::prepare(path)?;
        let existed = path.exists()
            && std::fs::metadata(path)
                .map(|m| m.len() > 0)
                .unwrap_or(false);
        let mut conn = Connection::open(path)?;
        let vault = vault::Vault::new_locked();
        configure(&mut conn, &vault)?;
        // the -wal and -shm SQLite just made take the database's mode; an older
        // installation's are set here
        private::secure_files(path)?;
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
            backup: None,
            vault,
        };
        let version = store.schema_version()?;
        if version > latest_version() {
            return Err(Error::DatabaseTooNew {
                path: path.to_path_buf(),
                found: version,
                known: latest_version(),
            });
        }
        // copies an older release left beside the database join the rotation
        backup::adopt_legacy_copies(path)?;
        if existed && version > 0 && version < latest_version() {
            store.backup = Some(backup::take_before_migration(
                &store.conn,
                path,
                version,
                now,
            )?);
        }
        store.migrate()?;
        store.vault.load(&store.conn)?;
        Ok(store)
    }

    /// A fresh in-memory database with every migration applied (for tests).
    pub fn open_in_memory() -> Result<Store> {
        let mut conn = Connection::open_in_memory()?;
        let vault = vault::Vault::new_locked();
        configure(&mut conn, &vault)?;
        let mut store = Store {
            conn,
            path: None,
            backup: None,
            vault,
        };
        store.migrate()?;
        store.vault.load(&store.conn)?;
        Ok(store)
    }

    /// The file this store was opened from (`None` in memory).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The backup written before migrating at this open, if one was needed.
    pub fn backup_taken(&self) -> Option<&Path> {
        self.backup.as_deref()
    }

    /// The data key of this database's personal data ([`vault`]): the session opens and
    /// locks it.
    pub fn vault(&self) -> &vault::Vault {
        &self.vault
    }

    /// The connection, for reads.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The connection, for transactions.
    pub fn conn_mut(&mut self) -> &mut Connection {
        &mut self.conn
    }

    /// The schema version of the open database (`PRAGMA user_version`).
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Applies every pending migration in one transaction.
    fn migrate(&mut self) -> Result<()> {
        let version = self.schema_version()?;
        if version >= latest_version() {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        for (index, migration) in MIGRATIONS.iter().enumerate().skip(version as usize) {
            tx.execute_batch(migration.sql)
                .map_err(|source| Error::Migration {
                    name: migration.name,
                    source,
                })?;
            // user_version cannot take a bound parameter; the value is our own integer.
            tx.execute_batch(&format!("PRAGMA user_version = {}", index + 1))?;
        }
        tx.commit()?;
        Ok(())
    }

    /// A setting of this installation, if set.
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        settings::get(&self.conn, key)
    }

    /// Sets (or replaces) a setting of this installation.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        settings::set(&self.conn, key, value)
    }
}

/// Copies every page of the write-ahead log into the database file and empties the log,
/// so that content overwritten in the database (an erased personal file) does not
/// survive in older pages of the log. Returns `false` when another connection was
/// reading and the log could not be emptied yet (the next checkpoint will).
pub fn checkpoint_wal(conn: &Connection) -> Result<bool> {
    let (busy, _log, _done): (i64, i64, i64) =
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    Ok(busy == 0)
}

/// The page size of a database created here, in bytes (see [`configure`]).
pub const PAGE_SIZE: i64 = 16384;

/// Per-connection settings; PRAGMAs are not part of the schema, so they live here.
fn configure(conn: &mut Connection, vault: &vault::Vault) -> Result<()> {
    // Pages of 16 KiB for a database this creates (before WAL mode writes its first
    // page; an existing database keeps its own size, SQLite changes it only by a VACUUM
    // outside WAL mode, which nothing here runs). A large import then balances its trees
    // a quarter as often and writes fewer, fuller pages: 200,000 new records measured
    // about a tenth faster than with SQLite's default 4 KiB. Reading scattered rows
    // (a file of unchanged records) measured about 7% slower; a desk's day is a few
    // hundred rows either way.
    conn.pragma_update(None, "page_size", PAGE_SIZE)?;
    // WAL: readers never block the writer, and a crash mid-write never corrupts the file.
    // In-memory databases report "memory" and that is fine.
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    // FULL, not NORMAL: in WAL mode NORMAL may lose the last committed transactions on a
    // power cut. An access the operator saw saved must still be there after one; the
    // cost (one fsync per commit) is invisible at the pace of a front desk.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", true)?;
    // Erased personal data must be gone from the file, not only from the tables: deleted
    // cells and freed pages are overwritten with zeros (see `checkpoint_wal` for the WAL).
    conn.pragma_update(None, "secure_delete", true)?;
    // Statement journals in memory. A write that fires triggers (the report's counts,
    // migration 0005) journals the pages it changes so that it can be undone alone;
    // with temporary files allowed, SQLite moves that journal to a file once one
    // statement needs more than 64 KiB, and from then on every statement of the
    // transaction writes its pages there: a bulk load measured four times slower.
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // The app, the CLI and a scheduled export may touch the file at once: wait, don't fail.
    conn.busy_timeout(Duration::from_secs(5))?;
    // Every transaction takes the write lock when it begins. A deferred one that reads
    // and then writes fails at once with SQLITE_BUSY (no waiting) when another
    // connection committed in between, e.g. the command line writing while the app works.
    conn.set_transaction_behavior(TransactionBehavior::Immediate);
    // Who signs this connection's changes (the signed-in operator, "command line"):
    // a temporary table is private to the connection and never reaches the file.
    signer::prepare(conn)?;
    // Sealing and opening personal data with the key in this process's memory.
    vault.register(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_memory_store_has_every_migration() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(store.schema_version().unwrap(), latest_version());
    }

    #[test]
    fn pragmas_are_set_per_connection() {
        let store = Store::open_in_memory().unwrap();
        let fk: i64 = store
            .conn()
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        let sync: i64 = store
            .conn()
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        let temp: i64 = store
            .conn()
            .query_row("PRAGMA temp_store", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1, "foreign keys must be enforced");
        assert_eq!(temp, 2, "statement journals stay in memory (MEMORY = 2)");
        assert_eq!(sync, 2, "synchronous must be FULL (2)");
        let secure: i64 = store
            .conn()
            .query_row("PRAGMA secure_delete", [], |r| r.get(0))
            .unwrap();
        assert_eq!(secure, 1, "deleted content must be overwritten");
    }

    #[test]
    fn a_new_database_has_large_pages_and_an_existing_one_keeps_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let page_size = |store: &Store| -> i64 {
            store
                .conn()
                .query_row("PRAGMA page_size", [], |r| r.get(0))
                .unwrap()
        };
        let new = dir.path().join("new.db");
        let store = Store::open(&new, Utc::now()).unwrap();
        assert_eq!(page_size(&store), PAGE_SIZE);
        drop(store);
        // a database of SQLite's default pages, as an earlier release made them
        let old = dir.path().join("old.db");
        {
            let conn = Connection::open(&old).unwrap();
            conn.execute_batch("PRAGMA page_size = 4096; CREATE TABLE t (x); DROP TABLE t;")
                .unwrap();
        }
        let store = Store::open(&old, Utc::now()).unwrap();
        assert_eq!(page_size(&store), 4096, "kept: changing it needs a VACUUM");
        assert_eq!(store.schema_version().unwrap(), latest_version());
        drop(store);
        let store = Store::open(&new, Utc::now()).unwrap();
        assert_eq!(page_size(&store), PAGE_SIZE, "and so on reopening");
    }

    #[test]
    fn settings_round_trip() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(store.setting("x").unwrap(), None);
        store.set_setting("x", "1").unwrap();
        store.set_setting("x", "2").unwrap();
        assert_eq!(store.setting("x").unwrap().as_deref(), Some("2"));
    }
}
