//! Accesses as they travel between desks: the rows an export selects, the stored copy
//! an import compares a line with, and the write of an imported access.
//!
//! [`StoredAccess`] is the plain row, every column as stored: the characteristics are
//! optional because an imported tombstone carries none (the table allows NULL on a
//! deleted row), and `change_seq` is `None` on imported records, which are never
//! exported again. How a row becomes a line of the export file is the exchange's
//! business; this module only reads and writes the `accesses` table and its two code
//! tables, so every query on them stays in the register.

use std::collections::HashSet;

use chrono::NaiveDate;
use rusqlite::ToSql;
use rusqlite::types::Value as Sql;
use rusqlite::{Connection, params, params_from_iter};

use super::accesses::{action_codes, clear_codes, insert_codes, reason_codes};

mod bulk;
pub mod lookup;
use crate::{Error, Result};
pub use bulk::{BULK_ROWS, Replaced, insert_received, write_received};
use bulk::{delete_batched, insert_code_rows};
pub use lookup::{LookedUp, by_ids, each_by_ids};

/// An access row with its codes, as stored, for the exchange between desks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredAccess {
    pub id: String,
    pub desk: String,
    pub revision: i64,
    pub deleted: bool,
    pub date: NaiveDate,
    pub hour: Option<i64>,
    pub channel: Option<String>,
    pub nationality: Option<String>,
    pub sex: Option<String>,
    pub age_band: Option<String>,
    pub first_access: Option<bool>,
    pub referred_by: Option<String>,
    /// In code order; empty on a tombstone imported without codes.
    pub reasons: Vec<String>,
    pub permit: Option<String>,
    /// In code order.
    pub actions: Vec<String>,
    pub accompaniment: Option<bool>,
    pub mediation: Option<bool>,
    /// The change number of the last local write; `None` on an imported record.
    pub change_seq: Option<i64>,
}

const SELECT: &str = "SELECT id, desk, revision, deleted, date, hour, channel, nationality, sex,
        age_band, first_access, referred_by, permit, accompaniment, mediation, change_seq
    FROM accesses";

/// Reads the rows of `SELECT` filtered by `tail` (a constant condition and order).
fn select(conn: &Connection, tail: &str, args: &[Sql]) -> Result<Vec<StoredAccess>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} {tail}"))?;
    let rows = stmt
        .query_map(params_from_iter(args), |r| {
            Ok((
                r.get::<_, String>(4)?,
                StoredAccess {
                    id: r.get(0)?,
                    desk: r.get(1)?,
                    revision: r.get(2)?,
                    deleted: r.get(3)?,
                    date: NaiveDate::MIN,
                    hour: r.get(5)?,
                    channel: r.get(6)?,
                    nationality: r.get(7)?,
                    sex: r.get(8)?,
                    age_band: r.get(9)?,
                    first_access: r.get(10)?,
                    referred_by: r.get(11)?,
                    reasons: vec![],
                    permit: r.get(12)?,
                    actions: vec![],
                    accompaniment: r.get(13)?,
                    mediation: r.get(14)?,
                    change_seq: r.get(15)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // the codes are read after the rows: one statement at a time on the connection
    rows.into_iter()
        .map(|(date, mut access)| {
            access.date = date.parse().map_err(|_| {
                Error::invalid(
                    "date",
                    format!("stored date '{date}' of access {} is not a date", access.id),
                )
            })?;
            access.reasons = reason_codes(conn, &access.id)?;
            access.actions = action_codes(conn, &access.id)?;
            Ok(access)
        })
        .collect()
}

/// The accesses of `desk` written here after change number `mark`, by date and id:
/// what a since-last export takes.
pub fn changed_since(conn: &Connection, desk: &str, mark: i64) -> Result<Vec<StoredAccess>> {
    select(
        conn,
        "WHERE desk = ?1 AND change_seq > ?2 ORDER BY date, id",
        &[Sql::from(desk.to_string()), Sql::from(mark)],
    )
}

/// The accesses of `desk` dated from `from` to `to` (both included), deleted ones too,
/// by date and id: what an export of a period takes.
pub fn dated(
    conn: &Connection,
    desk: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<StoredAccess>> {
    select(
        conn,
        "WHERE desk = ?1 AND date BETWEEN ?2 AND ?3 ORDER BY date, id",
        &[
            Sql::from(desk.to_string()),
            Sql::from(from.to_string()),
            Sql::from(to.to_string()),
        ],
    )
}

/// The stored access `id` of any desk, deleted or not, if there is one.
pub fn by_id(conn: &Connection, id: &str) -> Result<Option<StoredAccess>> {
    Ok(select(conn, "WHERE id = ?1", &[Sql::from(id.to_string())])?
        .into_iter()
        .next())
}

/// How many accesses of `desk` were written here after change number `mark`, by date
/// (in date order): the records not exported yet.
pub fn count_changed_since(
    conn: &Connection,
    desk: &str,
    mark: i64,
) -> Result<Vec<(NaiveDate, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT date, COUNT(*) FROM accesses WHERE desk = ?1 AND change_seq > ?2
         GROUP BY date ORDER BY date",
    )?;
    let rows = stmt
        .query_map(params![desk, mark], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|(date, n)| {
            let day = date.parse().map_err(|_| {
                Error::invalid("date", format!("stored date '{date}' is not a date"))
            })?;
            Ok((day, n))
        })
        .collect()
}

/// The insert of a received access row: ?1..?15 are its columns in this order, ?16
/// the time it was written here; no change number.
const INSERT: &str = "INSERT INTO accesses (id, desk, revision, deleted, date, hour, channel,
        nationality, sex, age_band, first_access, referred_by, permit, accompaniment,
        mediation, created_at, updated_at, change_seq)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, NULL)";

/// Runs `stmt` (an [`INSERT`], possibly with an upsert clause) for access `a`.
fn insert_row(
    stmt: &mut rusqlite::Statement<'_>,
    a: &StoredAccess,
    updated_at: &str,
) -> Result<()> {
    stmt.execute(params![
        a.id,
        a.desk,
        a.revision,
        a.deleted,
        DateText::of(a.date),
        a.hour,
        a.channel,
        a.nationality,
        a.sex,
        a.age_band,
        a.first_access,
        a.referred_by,
        a.permit,
        a.accompaniment,
        a.mediation,
        updated_at
    ])?;
    Ok(())
}

/// Writes an access received from another desk, with its codes: added when its id is
/// new, replaced (desk, revision, every characteristic and code) when stored. It takes
/// no change number: a received record is never exported again. Runs inside the
/// caller's transaction, which decides what is written together.
pub fn write_imported(conn: &Connection, access: &StoredAccess, updated_at: &str) -> Result<()> {
    let mut upsert = conn.prepare_cached(&format!(
        "{INSERT}
         ON CONFLICT (id) DO UPDATE SET desk = excluded.desk, revision = excluded.revision,
             deleted = excluded.deleted, date = excluded.date, hour = excluded.hour,
             channel = excluded.channel, nationality = excluded.nationality,
             sex = excluded.sex, age_band = excluded.age_band,
             first_access = excluded.first_access, referred_by = excluded.referred_by,
             permit = excluded.permit, accompaniment = excluded.accompaniment,
             mediation = excluded.mediation, updated_at = excluded.updated_at,
             change_seq = NULL"
    ))?;
    insert_row(&mut upsert, access, updated_at)?;
    clear_codes(conn, &access.id)?;
    insert_codes(conn, &access.id, &access.reasons, &access.actions)
}

/// A date as the tables store it (`YYYY-MM-DD`), written on the stack: the bulk writes
/// bind one for every row, and chrono's `to_string` allocates each time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateText([u8; 10]);

impl DateText {
    /// The text of `date` (a year outside 0 to 9999 written as its nearest end).
    pub fn of(date: NaiveDate) -> Self {
        use chrono::Datelike;
        // the register's years are 2000 to 9999 (limits.rs): four digits
        let digits = |n: u32, out: &mut [u8]| {
            let mut n = n;
            for b in out.iter_mut().rev() {
                *b = b'0' + (n % 10) as u8;
                n /= 10;
            }
        };
        let mut t = *b"0000-00-00";
        digits(date.year().clamp(0, 9999) as u32, &mut t[..4]);
        digits(date.month(), &mut t[5..7]);
        digits(date.day(), &mut t[8..]);
        DateText(t)
    }

    /// The text of `date` when it is exactly that date's: a year of at most four digits.
    pub fn exact(date: NaiveDate) -> Option<Self> {
        use chrono::Datelike;
        (0..=9999)
            .contains(&date.year())
            .then(|| DateText::of(date))
    }

    pub fn as_str(&self) -> &str {
        // ASCII digits and dashes only
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl ToSql for DateText {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        Ok(rusqlite::types::ToSqlOutput::Borrowed(
            rusqlite::types::ValueRef::Text(&self.0),
        ))
    }
}

/// The values of an access's row for a multi-row statement, in the table's column
/// order (id to mediation); `date` is its date as stored.
fn row_values<'a>(a: &'a StoredAccess, date: &'a dyn ToSql) -> [&'a dyn ToSql; 15] {
    [
        &a.id,
        &a.desk,
        &a.revision,
        &a.deleted,
        date,
        &a.hour,
        &a.channel,
        &a.nationality,
        &a.sex,
        &a.age_band,
        &a.first_access,
        &a.referred_by,
        &a.permit,
        &a.accompaniment,
        &a.mediation,
    ]
}

/// Replaces many stored accesses with the versions received from another desk, as
/// [`write_imported`] replaces each (desk, revision, every characteristic and code; no
/// change number), [`BULK_ROWS`] rows a statement: the rows, then their old codes out,
/// then their new codes in. Every id must be stored already. Runs inside the caller's
/// transaction.
pub fn replace_received(
    conn: &Connection,
    accesses: &[StoredAccess],
    updated_at: &str,
) -> Result<()> {
    replace_rows(conn, accesses, updated_at, None)
}

/// What [`replace_rows`] writes of each access beyond its other columns, when the
/// caller knows what is stored: desk and date only for `moved` (those whose stored desk
/// or date differs from the one received, or a superset of them), and the reasons and
/// the actions only of the accesses listed (those whose stored codes are not exactly
/// the ones received, or a superset of them).
/// The flag `deleted` is written only for `flag_changes` (those whose stored flag is
/// not the one received, or a superset of them), so that the indexes whose condition
/// reads it (`WHERE deleted = 0`) are rewritten only for those rows.
#[derive(Default)]
pub(super) struct Rewrite<'a> {
    pub(super) moved: Vec<&'a StoredAccess>,
    pub(super) reasons: Vec<&'a StoredAccess>,
    pub(super) actions: Vec<&'a StoredAccess>,
    pub(super) flag_changes: Vec<&'a StoredAccess>,
}

impl<'a> Rewrite<'a> {
    /// `a` written in full: moved, its reasons, its actions and its deleted flag.
    pub(super) fn all(&mut self, a: &'a StoredAccess) {
        self.moved.push(a);
        self.reasons.push(a);
        self.actions.push(a);
        self.flag_changes.push(a);
    }
}

/// [`replace_received`]; with `rewrite`, the rows are written without their desk and
/// date, which are then set only for its `moved` accesses and only where they change,
/// so that the index on them is rewritten only for those rows (for a connection whose
/// triggers are switched off: each trigger of an update would fire twice); and the
/// codes of a table are deleted and inserted only for the accesses it lists.
pub(super) fn replace_rows(
    conn: &Connection,
    accesses: &[StoredAccess],
    updated_at: &str,
    rewrite: Option<&Rewrite>,
) -> Result<()> {
    if accesses.is_empty() {
        return Ok(());
    }
    // an UPDATE ... FROM a VALUES list: each stored row once, with every trigger of an
    // update, as write_imported's upsert does on a stored id
    let row = format!("({})", vec!["?"; 15].join(", "));
    let indexed = if rewrite.is_some() {
        ""
    } else {
        "desk = v.column2, date = v.column5,"
    };
    let update = |flag: &str, n: usize| {
        format!(
            "UPDATE accesses SET {indexed} revision = v.column3, {flag}
                 hour = v.column6, channel = v.column7,
                 nationality = v.column8, sex = v.column9, age_band = v.column10,
                 first_access = v.column11, referred_by = v.column12, permit = v.column13,
                 accompaniment = v.column14, mediation = v.column15, updated_at = ?1,
                 change_seq = NULL
             FROM (VALUES {}) AS v WHERE accesses.id = v.column1",
            vec![row.as_str(); n].join(", ")
        )
    };
    let with_flag = |n: usize| update("deleted = v.column4,", n);
    // in key order, as the codes are inserted (both tables are WITHOUT ROWID)
    fn ids<'a>(of: &[&'a StoredAccess]) -> Vec<[&'a dyn ToSql; 1]> {
        let mut ids: Vec<&String> = of.iter().map(|a| &a.id).collect();
        ids.sort_unstable();
        ids.into_iter().map(|id| [id as &dyn ToSql]).collect()
    }
    let all: Vec<&StoredAccess>;
    let (reasons, actions) = match rewrite {
        Some(w) => (&w.reasons, &w.actions),
        None => {
            all = accesses.iter().collect();
            (&all, &all)
        }
    };
    // the rows, then the codes replaced: the new code rows are put in order meanwhile
    let rows = || -> Result<()> {
        match rewrite {
            Some(w) => {
                // a row whose flag stays keeps its entries in the indexes on live rows.
                // The rows go in the order given (a file's, the order they were stored
                // in, so that the table is walked forward), not in the id order of the
                // list
                let changes: HashSet<*const StoredAccess> = w
                    .flag_changes
                    .iter()
                    .map(|a| *a as *const StoredAccess)
                    .collect();
                let (changed, same): (Vec<&StoredAccess>, Vec<&StoredAccess>) = accesses
                    .iter()
                    .partition(|a| changes.contains(&(*a as *const StoredAccess)));
                update_batched(conn, same.into_iter(), updated_at, |n| update("", n), true)?;
                update_batched(conn, changed.into_iter(), updated_at, with_flag, true)?;
            }
            None => update_batched(conn, accesses.iter(), updated_at, with_flag, true)?,
        }
        if let Some(Rewrite { moved, .. }) = rewrite {
            let set_indexed = |n: usize| {
                format!(
                    "UPDATE accesses SET desk = v.column2, date = v.column5, updated_at = ?1
                     FROM (VALUES {}) AS v WHERE accesses.id = v.column1
                       AND (accesses.desk IS NOT v.column2 OR accesses.date IS NOT v.column5)",
                    vec![row.as_str(); n].join(", ")
                )
            };
            update_batched(conn, moved.iter().copied(), updated_at, set_indexed, false)?;
        }
        delete_batched(conn, "access_reasons", &ids(reasons))?;
        delete_batched(conn, "access_actions", &ids(actions))
    };
    insert_code_rows(conn, reasons, actions, rows)
}

/// Runs the `UPDATE ... FROM (VALUES ...)` that `sql` writes for a number of rows, with
/// the time as ?1 and the rows of `accesses` after it, [`BULK_ROWS`] rows a statement,
/// the last ones one a statement; with `all`, every row must be stored.
fn update_batched<'a>(
    conn: &Connection,
    accesses: impl Iterator<Item = &'a StoredAccess>,
    updated_at: &str,
    sql: impl Fn(usize) -> String,
    all: bool,
) -> Result<()> {
    let accesses: Vec<&StoredAccess> = accesses.collect();
    let mut full = accesses.chunks_exact(BULK_ROWS);
    // the values of one statement's rows, made for each batch (not for all rows at once)
    let run = |stmt: &mut rusqlite::Statement<'_>, batch: &[&StoredAccess]| -> Result<()> {
        let dates: Vec<DateText> = batch.iter().map(|a| DateText::of(a.date)).collect();
        // ?1 is the time, the rows' values are numbered after it
        let args = std::iter::once(&updated_at as &dyn ToSql).chain(
            batch
                .iter()
                .zip(&dates)
                .flat_map(|(a, date)| row_values(a, date)),
        );
        let n = stmt.execute(params_from_iter(args))?;
        if all && n != batch.len() {
            return Err(Error::invalid(
                "id",
                "an access to replace is not stored".to_string(),
            ));
        }
        Ok(())
    };
    if full.len() > 0 {
        let mut stmt = conn.prepare_cached(&sql(BULK_ROWS))?;
        for batch in &mut full {
            run(&mut stmt, batch)?;
        }
    }
    if !full.remainder().is_empty() {
        let mut stmt = conn.prepare_cached(&sql(1))?;
        for one in full.remainder().chunks(1) {
            run(&mut stmt, one)?;
        }
    }
    Ok(())
}

/// How many access rows this database holds, of any desk, deleted ones too: zero only
/// in a database where nothing was ever recorded or imported.
pub fn count_all(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT COUNT(*) FROM accesses", [], |r| r.get(0))?)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::desk;
    use crate::register::accesses::tests::{desk_store, now, typical};
    use crate::register::accesses::{self, NewAccess};

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn on(date: &str) -> NewAccess {
        NewAccess {
            date: day(date),
            ..typical()
        }
    }

    /// An access as received from desk GRO, every field set.
    pub(crate) fn received() -> StoredAccess {
        StoredAccess {
            id: "01900000-0000-7000-8000-0000000000a1".into(),
            desk: "GRO".into(),
            revision: 2,
            deleted: false,
            date: day("2024-03-01"),
            hour: Some(9),
            channel: Some("telefono".into()),
            nationality: Some("AL".into()),
            sex: Some("maschio".into()),
            age_band: Some("18-29".into()),
            first_access: Some(false),
            referred_by: Some("comune".into()),
            reasons: vec!["casa".into(), "lavoro".into()],
            permit: Some("studio".into()),
            actions: vec!["informazione".into()],
            accompaniment: Some(true),
            mediation: Some(false),
            change_seq: None,
        }
    }

    fn store() -> crate::Store {
        let store = desk_store();
        desk::ensure_known(store.conn(), "GRO", now().utc()).unwrap();
        store
    }

    #[test]
    fn an_imported_access_reads_back_equal_and_is_replaced_whole() {
        let store = store();
        let a = received();
        write_imported(store.conn(), &a, "2024-03-12T09:30:00Z").unwrap();
        assert_eq!(by_id(store.conn(), &a.id).unwrap(), Some(a.clone()));
        let b = StoredAccess {
            revision: 3,
            channel: Some("sportello".into()),
            reasons: vec!["lavoro".into()],
            actions: vec![],
            ..a.clone()
        };
        write_imported(store.conn(), &b, "2024-03-13T09:30:00Z").unwrap();
        assert_eq!(
            by_id(store.conn(), &a.id).unwrap(),
            Some(b),
            "a higher revision replaces the fields and the codes"
        );
        assert_eq!(by_id(store.conn(), "nope").unwrap(), None);
    }

    #[test]
    fn received_accesses_inserted_in_bulk_read_back_equal_and_are_counted() {
        let store = store();
        assert_eq!(count_all(store.conn()).unwrap(), 0);
        let a = received();
        let b = StoredAccess {
            id: "01900000-0000-7000-8000-0000000000a2".into(),
            reasons: vec!["documenti".into()],
            actions: vec![],
            ..received()
        };
        insert_received(
            store.conn(),
            &[a.clone(), b.clone()],
            "2024-03-12T09:30:00Z",
        )
        .unwrap();
        assert_eq!(by_id(store.conn(), &a.id).unwrap(), Some(a.clone()));
        assert_eq!(by_id(store.conn(), &b.id).unwrap(), Some(b));
        assert_eq!(count_all(store.conn()).unwrap(), 2);
        assert!(
            insert_received(store.conn(), &[a], "t").is_err(),
            "the bulk path never replaces a stored access"
        );
    }

    #[test]
    fn a_bulk_load_of_several_statements_reads_back_whole() {
        let store = store();
        // two statements of BULK_ROWS rows and a remainder written one row a statement,
        // with zero, one or two reasons and actions each
        let n = 2 * BULK_ROWS + 3;
        let all: Vec<StoredAccess> = (0..n)
            .map(|i| StoredAccess {
                id: format!("01900000-0000-7000-8000-{i:012x}"),
                deleted: i % 11 == 0,
                date: day("2024-01-01") + chrono::Days::new(i as u64),
                reasons: received().reasons[..i % 3].to_vec(),
                actions: received().actions[..i % 2].to_vec(),
                ..received()
            })
            .collect();
        insert_received(store.conn(), &all, "2024-03-12T09:30:00Z").unwrap();
        assert_eq!(count_all(store.conn()).unwrap(), n as i64);
        for a in &all {
            assert_eq!(by_id(store.conn(), &a.id).unwrap().as_ref(), Some(a));
        }
    }

    #[test]
    fn the_lookup_of_many_ids_reads_the_open_transactions_writes_and_unmaps_after() {
        // a file, not memory: the lookup reads through a map of the file
        let dir = tempfile::tempdir().unwrap();
        let mut store = crate::Store::open(&dir.path().join("d.db"), now().utc()).unwrap();
        let fol = desk::presets()
            .into_iter()
            .find(|d| d.code == "FOL")
            .unwrap();
        desk::set_own(store.conn_mut(), &fol, now().utc()).unwrap();
        desk::ensure_known(store.conn(), "GRO", now().utc()).unwrap();
        let all: Vec<StoredAccess> = (0..3000)
            .map(|i| StoredAccess {
                id: format!("01900000-0000-7000-8000-{i:012x}"),
                ..received()
            })
            .collect();
        insert_received(store.conn(), &all, "2024-03-12T09:30:00Z").unwrap();
        // into the file itself, where the map reads them, and read by a connection
        // whose page cache is empty
        store
            .conn()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .unwrap();
        drop(store);
        let path = dir.path().join("d.db");
        let mut store = crate::Store::open(&path, now().utc()).unwrap();
        let mmap =
            |c: &Connection| -> i64 { c.query_row("PRAGMA mmap_size", [], |r| r.get(0)).unwrap() };
        let before = mmap(store.conn());
        let ids: Vec<&str> = all.iter().map(|a| a.id.as_str()).collect();
        // the file is mapped while the rows are read (the process's own list of maps)
        let mut seen = 0;
        each_by_ids(store.conn(), &ids, |a| {
            if seen == 0 && cfg!(target_os = "linux") {
                let maps = std::fs::read_to_string("/proc/self/maps").unwrap();
                let line = format!("{}\n", path.display());
                assert!(maps.contains(&line), "the database file is mapped");
            }
            seen += 1;
            assert_eq!(a.int(lookup::col::REVISION)?, Some(2));
            Ok(())
        })
        .unwrap();
        assert_eq!(seen, all.len());
        let tx = store.conn_mut().transaction().unwrap();
        // every tenth one replaced in the open transaction, not yet committed
        for a in all.iter().step_by(10) {
            let b = StoredAccess {
                revision: 3,
                channel: Some("sportello".into()),
                ..a.clone()
            };
            write_imported(&tx, &b, "2024-03-13T09:30:00Z").unwrap();
        }
        let mut read = by_ids(&tx, &ids).unwrap();
        read.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(read.len(), all.len());
        for (i, a) in read.iter().enumerate() {
            let replaced = i % 10 == 0;
            assert_eq!(a.revision, if replaced { 3 } else { 2 }, "{}", a.id);
            let channel = if replaced { "sportello" } else { "telefono" };
            assert_eq!(a.channel.as_deref(), Some(channel));
        }
        assert_eq!(mmap(&tx), before, "the map is only for the lookup");
        tx.rollback().unwrap();
        assert!(
            by_ids(store.conn(), &ids)
                .unwrap()
                .iter()
                .all(|a| a.revision == 2)
        );
        assert_eq!(mmap(store.conn()), before);
    }

    #[test]
    fn a_received_tombstone_reads_back_with_its_nulls() {
        let store = store();
        let tomb = StoredAccess {
            revision: 4,
            deleted: true,
            hour: None,
            channel: None,
            nationality: None,
            sex: None,
            age_band: None,
            first_access: None,
            referred_by: None,
            reasons: vec![],
            permit: None,
            actions: vec![],
            accompaniment: None,
            mediation: None,
            ..received()
        };
        write_imported(store.conn(), &tomb, "2024-03-12T09:30:00Z").unwrap();
        assert_eq!(
            by_id(store.conn(), &tomb.id).unwrap(),
            Some(tomb),
            "nothing is filled in for a tombstone that came without fields"
        );
    }

    #[test]
    fn the_selections_and_the_counts_see_only_own_changes() {
        let mut store = store();
        write_imported(store.conn(), &received(), "t").unwrap();
        let first = accesses::record(store.conn_mut(), &on("2024-03-11"), "CT", now()).unwrap();
        accesses::record_batch(store.conn_mut(), &on("2024-03-12"), 2, "CT", now()).unwrap();
        accesses::delete(store.conn_mut(), &first.id, 1, "CT", now()).unwrap();

        let all = changed_since(store.conn(), "FOL", 0).unwrap();
        assert_eq!(all.len(), 3, "one row per access, at its latest change");
        assert_eq!(all[0].id, first.id, "by date");
        assert!(all[0].deleted && all[0].change_seq == Some(4));
        assert_eq!(all[0].reasons, vec!["rinnovo_permesso"]);
        assert_eq!(all[1].channel.as_deref(), Some("sportello"));
        assert_eq!(changed_since(store.conn(), "FOL", 3).unwrap().len(), 1);
        assert!(changed_since(store.conn(), "GRO", 0).unwrap().is_empty());

        let march_12 = dated(store.conn(), "FOL", day("2024-03-12"), day("2024-03-12")).unwrap();
        assert_eq!(march_12.len(), 2);
        assert_eq!(
            dated(store.conn(), "GRO", day("2024-03-01"), day("2024-03-31"))
                .unwrap()
                .len(),
            1,
            "a period takes received records of that desk too"
        );

        assert_eq!(
            count_changed_since(store.conn(), "FOL", 0).unwrap(),
            vec![(day("2024-03-11"), 1), (day("2024-03-12"), 2)]
        );
        assert_eq!(
            count_changed_since(store.conn(), "FOL", 3).unwrap(),
            vec![(day("2024-03-11"), 1)],
            "only what changed after the mark"
        );
        assert!(
            count_changed_since(store.conn(), "GRO", 0)
                .unwrap()
                .is_empty()
        );
    }
}
