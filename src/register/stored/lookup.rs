//! The stored accesses of many ids at once, for the import's plan of a large file: the
//! ids go to one statement as a JSON array (`json_each`), which reads them all; nothing
//! is written.

use rusqlite::{Connection, OptionalExtension, Row};

use super::StoredAccess;
use super::bulk::Replaced;
use crate::{Error, Result};

/// A stored access as the lookup reads it, borrowed from its row: compared in place, or
/// made into a [`StoredAccess`] ([`LookedUp::access`]).
pub struct LookedUp<'r>(&'r Row<'r>);

/// The lookup's columns, in the order of [`LOOKUP`].
pub mod col {
    pub const ID: usize = 0;
    pub const DESK: usize = 1;
    pub const REVISION: usize = 2;
    pub const DELETED: usize = 3;
    pub const DATE: usize = 4;
    pub const HOUR: usize = 5;
    pub const CHANNEL: usize = 6;
    pub const NATIONALITY: usize = 7;
    pub const SEX: usize = 8;
    pub const AGE_BAND: usize = 9;
    pub const FIRST_ACCESS: usize = 10;
    pub const REFERRED_BY: usize = 11;
    pub const PERMIT: usize = 12;
    pub const ACCOMPANIMENT: usize = 13;
    pub const MEDIATION: usize = 14;
    pub const CHANGE_SEQ: usize = 15;
    /// The codes as a JSON array of strings, in the order of the codes' key (byte order).
    pub const REASONS: usize = 16;
    pub const ACTIONS: usize = 17;
}

// CROSS JOIN: the ids (a JSON array of strings, ?1) are the outer loop, each a probe of
// the accesses' key
const LOOKUP: &str = "SELECT a.id, a.desk, a.revision, a.deleted, a.date, a.hour, a.channel,
        a.nationality, a.sex, a.age_band, a.first_access, a.referred_by, a.permit,
        a.accompaniment, a.mediation, a.change_seq,
        (SELECT json_group_array(code) FROM access_reasons WHERE access_id = a.id),
        (SELECT json_group_array(code) FROM access_actions WHERE access_id = a.id)
 FROM json_each(?1) t CROSS JOIN accesses a ON a.id = t.value";

impl LookedUp<'_> {
    /// The text of column `i` (see [`col`]), borrowed; `None` when it is NULL.
    pub fn text(&self, i: usize) -> Result<Option<&str>> {
        Ok(self
            .0
            .get_ref(i)?
            .as_str_or_null()
            .map_err(rusqlite::Error::from)?)
    }

    /// The integer of column `i`; `None` when it is NULL.
    pub fn int(&self, i: usize) -> Result<Option<i64>> {
        Ok(self
            .0
            .get_ref(i)?
            .as_i64_or_null()
            .map_err(rusqlite::Error::from)?)
    }

    /// What replacing this stored access needs of it ([`Replaced`]), made.
    pub fn replaced(&self) -> Result<Replaced> {
        let r = self.0;
        Ok(Replaced {
            id: r.get(col::ID)?,
            deleted: r.get(col::DELETED)?,
            date: r.get(col::DATE)?,
            desk: r.get(col::DESK)?,
            channel: r.get(col::CHANNEL)?,
            sex: r.get(col::SEX)?,
            age_band: r.get(col::AGE_BAND)?,
            first_access: r.get(col::FIRST_ACCESS)?,
            nationality: r.get(col::NATIONALITY)?,
            reasons: sorted_codes(r, col::REASONS)?,
            actions: sorted_codes(r, col::ACTIONS)?,
        })
    }

    /// The stored access, made.
    pub fn access(&self) -> Result<StoredAccess> {
        let r = self.0;
        let id: String = r.get(col::ID)?;
        let date: String = r.get(col::DATE)?;
        let date = date.parse().map_err(|_| {
            Error::invalid(
                "date",
                format!("stored date '{date}' of access {id} is not a date"),
            )
        })?;
        let codes = |i: usize| sorted_codes(r, i);
        Ok(StoredAccess {
            desk: r.get(col::DESK)?,
            revision: r.get(col::REVISION)?,
            deleted: r.get(col::DELETED)?,
            date,
            hour: r.get(col::HOUR)?,
            channel: r.get(col::CHANNEL)?,
            nationality: r.get(col::NATIONALITY)?,
            sex: r.get(col::SEX)?,
            age_band: r.get(col::AGE_BAND)?,
            first_access: r.get(col::FIRST_ACCESS)?,
            referred_by: r.get(col::REFERRED_BY)?,
            reasons: codes(col::REASONS)?,
            permit: r.get(col::PERMIT)?,
            actions: codes(col::ACTIONS)?,
            accompaniment: r.get(col::ACCOMPANIMENT)?,
            mediation: r.get(col::MEDIATION)?,
            change_seq: r.get(col::CHANGE_SEQ)?,
            id,
        })
    }
}

/// The codes of column `i` of `r` (a JSON array) in code order, as `reason_codes` and
/// `action_codes` read them (byte order, SQLite's BINARY collation).
fn sorted_codes(r: &Row<'_>, i: usize) -> Result<Vec<String>> {
    let text = r.get_ref(i)?.as_str().map_err(rusqlite::Error::from)?;
    let mut codes: Vec<String> = serde_json::from_str(text)?;
    codes.sort_unstable();
    Ok(codes)
}

/// The stored accesses whose id is one of `ids` (of any desk, deleted or not), as
/// [`super::by_id`] reads each, in no particular order: one statement for them all.
pub fn by_ids(conn: &Connection, ids: &[&str]) -> Result<Vec<StoredAccess>> {
    let mut out = Vec::new();
    each_by_ids(conn, ids, |a| {
        out.push(a.access()?);
        Ok(())
    })?;
    Ok(out)
}

/// Calls `each` with every stored access whose id is one of `ids`, borrowed from its row
/// (nothing is made of it unless `each` makes it), in no particular order.
pub fn each_by_ids(
    conn: &Connection,
    ids: &[&str],
    mut each: impl FnMut(&LookedUp<'_>) -> Result<()>,
) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    // in id order, so that the probes below walk the accesses' index forward
    let mut sorted = ids.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    let list = id_list(&sorted)?;
    mapped(conn, || {
        let mut stmt = conn.prepare_cached(LOOKUP)?;
        let mut rows = stmt.query([&list])?;
        while let Some(r) = rows.next()? {
            each(&LookedUp(r))?;
        }
        Ok(())
    })
}

/// How much of the database file [`mapped`] maps: more than any desk's or the
/// coordinator's database holds (200,000 accesses take about 80 MB).
const MAP_BYTES: i64 = 1 << 30;

/// Runs `read` with the database file memory-mapped (`PRAGMA mmap_size`), then sets the
/// connection back as it was, also when `read` fails or panics. A lookup of many ids
/// reads pages all over the file: read through the map they are neither copied nor
/// given memory of the page cache (a file of unchanged records is planned about a tenth
/// faster). Only around reads: SQLite reads a page through the map only while it is not
/// changed in the open transaction, and during writes the map measured slower. While
/// the file is mapped, a failure of the disk under it stops the process (SIGBUS)
/// instead of failing the statement; the lookup only reads, so nothing is lost, and the
/// database lives on the machine's own disk (docs/import-speed.md).
fn mapped<T>(conn: &Connection, read: impl FnOnce() -> Result<T>) -> Result<T> {
    // no value for a database in memory, which has no file to map
    let before: Option<i64> = conn
        .query_row("PRAGMA mmap_size", [], |r| r.get(0))
        .optional()?;
    let Some(before) = before.filter(|b| *b < MAP_BYTES) else {
        return read();
    };
    /// Sets the connection's map back when dropped.
    struct Unmap<'c>(&'c Connection, i64);
    impl Unmap<'_> {
        fn restore(&self) -> Result<()> {
            Ok(self.0.pragma_update(None, "mmap_size", self.1)?)
        }
    }
    impl Drop for Unmap<'_> {
        fn drop(&mut self) {
            // after a panic of the read; a failure here leaves a setting of speed only
            let _ = self.restore();
        }
    }
    conn.pragma_update(None, "mmap_size", MAP_BYTES)?;
    let unmap = Unmap(conn, before);
    let out = read();
    let restored = unmap.restore();
    let out = out?;
    restored?;
    Ok(out)
}

/// `ids` as one JSON array of strings, for `json_each`: a statement reads a list of any
/// length as a table, with nothing written (a temporary table of the ids cost as much
/// as the probes themselves).
fn id_list(ids: &[&str]) -> Result<String> {
    Ok(serde_json::to_string(ids)?)
}
