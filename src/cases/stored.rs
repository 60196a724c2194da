//! The anonymous half of cases as it travels between desks: the rows an export
//! selects, the stored copy an import compares a line with, and the write of a case
//! received from another desk.
//!
//! [`StoredCase`] is the plain `cases` row: `case_type` and `reason` are optional
//! because a received tombstone carries neither, and `change_seq` is `None` on received
//! cases, which are never exported again. It has no field for the personal file: a
//! received case has none, and nothing personal can leave through it.

use chrono::NaiveDate;
use rusqlite::types::Value as Sql;
use rusqlite::{Connection, params, params_from_iter};

use super::CaseType;
use super::read::parse_date;
use crate::Result;

/// A `cases` row without its personal file, as stored, for the exchange between desks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCase {
    pub id: String,
    pub desk: String,
    pub revision: i64,
    pub deleted: bool,
    pub case_type: Option<CaseType>,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub reason: Option<String>,
    /// The change number of the last local write; `None` on a received case.
    pub change_seq: Option<i64>,
}

const SELECT: &str =
    "SELECT id, desk, revision, deleted, case_type, opened_on, closed_on, reason, change_seq
     FROM cases";

/// The anonymous half of a case from the first eight columns of `r`, in `SELECT`'s
/// order (the case reader's query starts with the same columns), without a change
/// number.
pub(super) fn anonymous_half(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredCase> {
    let case_type: Option<String> = r.get(4)?;
    let closed: Option<String> = r.get(6)?;
    Ok(StoredCase {
        id: r.get(0)?,
        desk: r.get(1)?,
        revision: r.get(2)?,
        deleted: r.get(3)?,
        case_type: case_type.as_deref().and_then(CaseType::parse),
        opened_on: parse_date(&r.get::<_, String>(5)?)?,
        closed_on: closed.as_deref().map(parse_date).transpose()?,
        reason: r.get(7)?,
        change_seq: None,
    })
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<StoredCase> {
    Ok(StoredCase {
        change_seq: r.get(8)?,
        ..anonymous_half(r)?
    })
}

/// Reads the rows of `SELECT` filtered by `tail` (a constant condition and order).
fn select(conn: &Connection, tail: &str, args: &[Sql]) -> Result<Vec<StoredCase>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} {tail}"))?;
    let rows = stmt.query_map(params_from_iter(args), from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The cases of `desk` written here after change number `mark`, by opening date and
/// id: what a since-last export takes.
pub fn changed_since(conn: &Connection, desk: &str, mark: i64) -> Result<Vec<StoredCase>> {
    select(
        conn,
        "WHERE desk = ?1 AND change_seq > ?2 ORDER BY opened_on, id",
        &[Sql::from(desk.to_string()), Sql::from(mark)],
    )
}

/// The cases of `desk` opened or closed from `from` to `to` (both included), deleted
/// ones too, by opening date and id: what an export of a period takes.
pub fn dated(
    conn: &Connection,
    desk: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<StoredCase>> {
    select(
        conn,
        "WHERE desk = ?1 AND (opened_on BETWEEN ?2 AND ?3 OR closed_on BETWEEN ?2 AND ?3)
         ORDER BY opened_on, id",
        &[
            Sql::from(desk.to_string()),
            Sql::from(from.to_string()),
            Sql::from(to.to_string()),
        ],
    )
}

/// The stored case `id` of any desk, deleted or not, if there is one.
pub fn by_id(conn: &Connection, id: &str) -> Result<Option<StoredCase>> {
    Ok(select(conn, "WHERE id = ?1", &[Sql::from(id.to_string())])?
        .into_iter()
        .next())
}

/// How many cases of `desk` were written here after change number `mark`, by opening
/// date (in date order): the cases not exported yet.
pub fn count_changed_since(
    conn: &Connection,
    desk: &str,
    mark: i64,
) -> Result<Vec<(NaiveDate, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT opened_on, COUNT(*) FROM cases WHERE desk = ?1 AND change_seq > ?2
         GROUP BY opened_on ORDER BY opened_on",
    )?;
    let rows = stmt.query_map(params![desk, mark], |r| {
        Ok((parse_date(&r.get::<_, String>(0)?)?, r.get::<_, i64>(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Writes the anonymous half of a case received from another desk: added when its id
/// is new, replaced (desk, revision, type, dates, reason) when stored. It takes no
/// change number: a received case is never exported again. Runs inside the caller's
/// transaction.
pub fn write_imported(conn: &Connection, case: &StoredCase, updated_at: &str) -> Result<()> {
    let c = case;
    conn.execute(
        "INSERT INTO cases (id, desk, revision, deleted, case_type, opened_on, closed_on, reason,
                            created_at, updated_at, change_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, NULL)
         ON CONFLICT (id) DO UPDATE SET desk = excluded.desk, revision = excluded.revision,
             deleted = excluded.deleted, case_type = excluded.case_type,
             opened_on = excluded.opened_on, closed_on = excluded.closed_on,
             reason = excluded.reason, updated_at = excluded.updated_at, change_seq = NULL",
        params![
            c.id,
            c.desk,
            c.revision,
            c.deleted,
            c.case_type.map(CaseType::as_str),
            c.opened_on.to_string(),
            c.closed_on.map(|d| d.to_string()),
            c.reason,
            updated_at
        ],
    )?;
    Ok(())
}

/// How many case rows this database holds, of any desk, deleted ones too: zero only in
/// a database where no case was ever opened or imported.
pub fn count_all(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT COUNT(*) FROM cases", [], |r| r.get(0))?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::tests::{day, now, opened, store};
    use crate::{Store, desk};

    fn with_fol() -> Store {
        let store = store();
        desk::ensure_known(store.conn(), "FOL", now().utc()).unwrap();
        store
    }

    fn received() -> StoredCase {
        StoredCase {
            id: "01900000-0000-7000-8000-0000000000c1".into(),
            desk: "FOL".into(),
            revision: 2,
            deleted: false,
            case_type: Some(CaseType::Full),
            opened_on: day("2024-01-02"),
            closed_on: Some(day("2024-02-01")),
            reason: Some("cittadinanza".into()),
            change_seq: None,
        }
    }

    #[test]
    fn a_received_case_reads_back_equal_and_is_replaced_whole() {
        let store = with_fol();
        let c = received();
        assert_eq!(count_all(store.conn()).unwrap(), 0);
        write_imported(store.conn(), &c, "t1").unwrap();
        assert_eq!(count_all(store.conn()).unwrap(), 1);
        assert_eq!(by_id(store.conn(), &c.id).unwrap(), Some(c.clone()));
        let reopened = StoredCase {
            revision: 3,
            closed_on: None,
            ..c.clone()
        };
        write_imported(store.conn(), &reopened, "t2").unwrap();
        assert_eq!(by_id(store.conn(), &c.id).unwrap(), Some(reopened));
        assert_eq!(by_id(store.conn(), "nope").unwrap(), None);
    }

    #[test]
    fn a_received_tombstone_reads_back_with_its_nulls() {
        let store = with_fol();
        let tomb = StoredCase {
            revision: 5,
            deleted: true,
            case_type: None,
            closed_on: None,
            reason: None,
            ..received()
        };
        write_imported(store.conn(), &tomb, "t").unwrap();
        assert_eq!(by_id(store.conn(), &tomb.id).unwrap(), Some(tomb));
    }

    #[test]
    fn the_selections_and_the_counts_see_only_own_changes() {
        let mut store = with_fol();
        write_imported(store.conn(), &received(), "t").unwrap();
        let older = opened(&mut store, CaseType::Full, "2024-01-10", Some("2024-03-01"));
        opened(&mut store, CaseType::Full, "2024-03-04", None);
        opened(&mut store, CaseType::Full, "2024-03-04", None);

        let all = changed_since(store.conn(), "GRO", 0).unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].id, older.id, "by opening date");
        assert_eq!(all[0].change_seq, Some(1));
        assert_eq!(changed_since(store.conn(), "GRO", 2).unwrap().len(), 1);
        assert!(changed_since(store.conn(), "FOL", 0).unwrap().is_empty());

        let closed_in_march = dated(store.conn(), "GRO", day("2024-03-01"), day("2024-03-01"));
        assert_eq!(
            closed_in_march.unwrap().len(),
            1,
            "a case closed in the period is taken"
        );
        assert_eq!(
            dated(store.conn(), "FOL", day("2024-01-01"), day("2024-01-31"))
                .unwrap()
                .len(),
            1
        );

        assert_eq!(
            count_changed_since(store.conn(), "GRO", 0).unwrap(),
            vec![(day("2024-01-10"), 1), (day("2024-03-04"), 2)]
        );
        assert_eq!(
            count_changed_since(store.conn(), "GRO", 1).unwrap(),
            vec![(day("2024-03-04"), 2)]
        );
        assert!(
            count_changed_since(store.conn(), "FOL", 0)
                .unwrap()
                .is_empty()
        );
    }
}
