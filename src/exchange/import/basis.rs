//! Whether the database is still the one a plan was made over, so that applying the
//! plan may take its comparison of the records as it is instead of making it again.
//!
//! Applying a file plans its records again inside the write transaction and refuses the
//! file when the result is not the plan ([`super::RejectionKind::StalePlan`]). That
//! second comparison reads every stored record of the file again; it can only find
//! something else when the database changed in between. A [`Basis`] says that it did
//! not, from what SQLite itself counts:
//!
//! - `PRAGMA data_version`, which changes when another connection (of this process or
//!   another) commits to the database;
//! - the connection's `total_changes()`, every row this connection inserted, updated or
//!   deleted (triggers included, rolled-back changes too: it never goes back);
//! - `PRAGMA schema_version`, which changes with the schema, and when a backup is
//!   restored into the connection;
//! - a token in the connection's own temporary database (`PRAGMA temp.user_version`),
//!   unique in the process, so that another connection (opened later, perhaps at the
//!   same address) never passes for the one the plan was made on.
//!
//! The plan records a basis for a file only when it was made outside any transaction
//! (so it read only committed data), no other connection committed while it was made,
//! and no file before it in the batch could change what it found (the batch's overlay
//! was still empty). It is kept here, in the process, with the SHA-256 of the file's
//! bytes and a keyed hash of the planned records, not in the plan: a plan that crosses
//! the interface as data, or is edited, earns nothing from it. Applying checks the basis
//! after `BEGIN IMMEDIATE`, holding the write lock: when every count is the same, no
//! write of any kind happened since the plan, and the plan's comparison is the one the
//! transaction would make. Anything else, and the records are compared again.

use std::cell::Cell;
use std::collections::BTreeMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::{Mutex, OnceLock};

use rusqlite::Connection;

use super::plan::PlannedRecord;
use crate::Result;
use crate::register::stored::Replaced;

/// What the database looked like to a connection, by SQLite's own counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Basis {
    token: i32,
    data_version: i64,
    total_changes: u64,
    schema_version: i64,
}

/// The next connection token (0 is a connection that has none).
static NEXT_TOKEN: AtomicI32 = AtomicI32::new(1);

/// The token of `conn`, given one now if it has none yet.
fn token(conn: &Connection) -> Result<i32> {
    let token: i32 = conn.query_row("PRAGMA temp.user_version", [], |r| r.get(0))?;
    if token != 0 {
        return Ok(token);
    }
    let token = NEXT_TOKEN.fetch_add(1, Ordering::Relaxed);
    conn.pragma_update(Some("temp"), "user_version", token)?;
    Ok(token)
}

impl Basis {
    /// The counts of `conn` now; `None` inside a transaction, whose reads may include
    /// changes that are then rolled back.
    pub(crate) fn of(conn: &Connection) -> Result<Option<Basis>> {
        if !conn.is_autocommit() {
            return Ok(None);
        }
        Self::now(conn).map(Some)
    }

    /// Whether `later` shows the same data as `self` to the same connection: no commit
    /// of another connection, no change of schema in between. (This connection's own
    /// changes are not weighed: a plan writes only its temporary tables.)
    pub(crate) fn same_data(&self, later: &Basis) -> bool {
        (self.token, self.data_version, self.schema_version)
            == (later.token, later.data_version, later.schema_version)
    }

    /// Whether `other` was taken on the same connection.
    pub(crate) fn same_connection(&self, other: &Basis) -> bool {
        self.token == other.token
    }

    /// The counts of `conn` now, in or out of a transaction.
    fn now(conn: &Connection) -> Result<Basis> {
        Ok(Basis {
            token: token(conn)?,
            data_version: conn.query_row("PRAGMA data_version", [], |r| r.get(0))?,
            total_changes: conn.total_changes(),
            schema_version: conn.query_row("PRAGMA schema_version", [], |r| r.get(0))?,
        })
    }
}

/// A planned file whose comparison may be taken as it is while its basis holds.
struct Kept {
    basis: Basis,
    sha256: String,
    records: u64,
    /// Per closed year, how many of the file's records change it (the plan's).
    touched: BTreeMap<i32, usize>,
    /// The stored versions of the accesses the file updates, as the plan read them
    /// (taken by the import that reuses the plan).
    replaced: Option<Vec<Replaced>>,
}

/// The planned files kept, the latest last; a few suffice (a plan is applied soon after
/// it is made, and a later write makes the older ones useless anyway).
static KEPT: Mutex<Vec<Kept>> = Mutex::new(Vec::new());
const KEPT_FILES: usize = 64;

/// The keyed hash of planned records: the key is drawn at random for the process, so
/// no plan can be made up to match another's hash.
fn digest(records: &[PlannedRecord]) -> u64 {
    static KEY: OnceLock<RandomState> = OnceLock::new();
    KEY.get_or_init(RandomState::new).hash_one(records)
}

/// Keeps the plan of a file (of SHA-256 `sha256`, as read) made over `basis`.
pub(crate) fn keep(
    basis: Basis,
    sha256: &str,
    records: &[PlannedRecord],
    touched: &BTreeMap<i32, usize>,
    replaced: Option<Vec<Replaced>>,
) {
    let Ok(mut kept) = KEPT.lock() else {
        return;
    };
    let records = digest(records);
    kept.retain(|k| !(k.sha256 == sha256 && k.records == records));
    kept.push(Kept {
        basis,
        sha256: sha256.to_string(),
        records,
        touched: touched.clone(),
        replaced,
    });
    if kept.len() > KEPT_FILES {
        kept.remove(0);
    }
}

thread_local! {
    static REUSED: Cell<usize> = const { Cell::new(0) };
}

/// How many files this thread applied with their plan's comparison taken as it is
/// (the database provably unchanged since the plan): for the tests, which see the path
/// taken without timing it.
#[doc(hidden)]
pub fn plans_reused() -> usize {
    REUSED.with(Cell::get)
}

/// What a kept plan gives the import that reuses it: the per-year counts, and the
/// stored versions of the accesses it updates when the plan read them all.
pub(crate) type Reused = (BTreeMap<i32, usize>, Option<Vec<Replaced>>);

/// Inside the write transaction `tx` (immediate: no other writer until it ends), the
/// plan's per-year counts of the file of SHA-256 `sha256` planned as `records` (and the
/// stored versions it read, taken out), when that plan was kept and the database is
/// provably the one it was made over; `None` when the records must be compared again.
pub(crate) fn reuse(
    tx: &Connection,
    sha256: &str,
    records: &[PlannedRecord],
) -> Result<Option<Reused>> {
    // a connection that never kept a plan has no token: nothing to find
    let token: i32 = tx.query_row("PRAGMA temp.user_version", [], |r| r.get(0))?;
    if token == 0 {
        return Ok(None);
    }
    let now = Basis::now(tx)?;
    let Ok(mut kept) = KEPT.lock() else {
        return Ok(None);
    };
    let digest = digest(records);
    let found = kept
        .iter_mut()
        .rev()
        .find(|k| k.basis == now && k.sha256 == sha256 && k.records == digest)
        .map(|k| (k.touched.clone(), k.replaced.take()));
    if found.is_some() {
        REUSED.with(|r| r.set(r.get() + 1));
    }
    Ok(found)
}
