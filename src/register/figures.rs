//! The yearly report's figures over the accesses: the live accesses of a period, at one
//! desk or at every desk, counted in a few grouped passes.
//!
//! The report composes these with the cases' counts; the SQL on the accesses stays
//! here, with the table's owner. Two passes over the accesses of the period serve every
//! desk and every table: one grouped by desk, month and the characteristics the tables
//! cross, one counting the reasons; the ranking and the arithmetic are done on these
//! groups in Rust.
//!
//! Both queries name `deleted = 0` as the partial covering indexes of migration 0004
//! do, so that SQLite reads those indexes and never the table.

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use crate::Result;

/// The live accesses dated from `from` to `to` (inclusive), at `desk` or at every desk.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub desk: Option<&'a str>,
}

/// One group of accesses of [`grouped`]: the accesses of a desk and a month that share
/// the channel, sex, age band, first-access flag and nationality.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub desk: String,
    /// 1 to 12.
    pub month: u32,
    /// The channel's code (its report group is the codebook's).
    pub channel: String,
    pub sex: String,
    pub age_band: String,
    pub first_access: bool,
    pub nationality: String,
    pub count: i64,
}

// The live accesses of the scope; ?1..?3 are from, to, desk (NULL = every desk).
const SCOPED: &str = "FROM accesses a WHERE a.deleted = 0 AND a.date BETWEEN ?1 AND ?2
    AND (?3 IS NULL OR a.desk = ?3)";

fn grouped_sql() -> String {
    // Grouped by channel, not by its report group: joining the codebook for each access
    // before grouping cost a lookup per access; the caller maps the few channels.
    format!(
        "SELECT a.desk, CAST(substr(a.date, 6, 2) AS INTEGER), a.channel, a.sex,
                a.age_band, a.first_access, a.nationality, COUNT(*) {SCOPED}
         GROUP BY 1, 2, 3, 4, 5, 6, 7"
    )
}

fn reasons_sql() -> String {
    // Walking the year's accesses in id order (index `accesses_report_ids`) reads the
    // reasons, keyed by access id, in their own order: page after page instead of one
    // tree descent from the root for each access, which measured two to three times
    // slower. CROSS JOIN keeps SQLite from turning the loops round.
    "SELECT a.desk, r.code, COUNT(*)
     FROM accesses a INDEXED BY accesses_report_ids
     CROSS JOIN access_reasons r ON r.access_id = a.id
     WHERE a.deleted = 0 AND a.date BETWEEN ?1 AND ?2 AND (?3 IS NULL OR a.desk = ?3)
     GROUP BY 1, 2 ORDER BY 1, 2"
        .to_string()
}

fn bounds(s: &Scope<'_>) -> (String, String) {
    (s.from.to_string(), s.to.to_string())
}

/// The accesses of `scope` in groups (see [`Group`]), in no particular order.
pub fn grouped(conn: &Connection, scope: &Scope<'_>) -> Result<Vec<Group>> {
    let (from, to) = bounds(scope);
    let sql = grouped_sql();
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![from, to, scope.desk], |r| {
        Ok(Group {
            desk: r.get(0)?,
            month: r.get(1)?,
            channel: r.get(2)?,
            sex: r.get(3)?,
            age_band: r.get(4)?,
            first_access: r.get(5)?,
            nationality: r.get(6)?,
            count: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The reasons of the accesses of `scope` counted per desk and code (a reason counts
/// once per access that lists it): `(desk, code, count)`, by desk and code.
pub fn reasons(conn: &Connection, scope: &Scope<'_>) -> Result<Vec<(String, String, i64)>> {
    let (from, to) = bounds(scope);
    let mut stmt = conn.prepare_cached(&reasons_sql())?;
    let rows = stmt.query_map(params![from, to, scope.desk], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The query plans of the report's passes over `scope`, one line per plan step, for
/// the documentation and for the tests that keep them on the index.
pub fn plans(conn: &Connection, scope: &Scope<'_>) -> Result<Vec<String>> {
    let (from, to) = bounds(scope);
    let mut out = Vec::new();
    for sql in [grouped_sql(), reasons_sql()] {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
        let rows = stmt.query_map(params![from, to, scope.desk], |r| r.get::<_, String>(3))?;
        for detail in rows {
            out.push(detail?);
        }
        out.push(String::new());
    }
    Ok(out)
}

/// The years of the first and the last live access, or `None` when there is none.
///
/// Two queries, not one: SQLite answers a lone `MIN` or `MAX` with one descent of
/// index `accesses_report` (date first, live accesses only), but both in one query
/// with a scan.
pub fn year_range(conn: &Connection) -> Result<Option<(i32, i32)>> {
    let end = |agg: &str| -> Result<Option<i32>> {
        let sql = format!("SELECT {agg}(date) FROM accesses WHERE deleted = 0");
        let date: Option<String> = conn.query_row(&sql, [], |r| r.get(0))?;
        Ok(date.and_then(|d| d.get(..4)?.parse().ok()))
    };
    Ok(end("MIN")?.zip(end("MAX")?))
}

/// The codes of every desk that has accesses here (deleted ones included: a desk
/// whose records were all withdrawn is still known), by code.
pub fn desks(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT DISTINCT desk FROM accesses ORDER BY desk")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The days from `from` to `to` (inclusive) with at least one live access, per desk:
/// `(desk, day)`, by desk and day. A day whose accesses were all withdrawn is not one.
pub fn days_with_accesses(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(String, NaiveDate)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT desk, date FROM accesses
         WHERE deleted = 0 AND date BETWEEN ?1 AND ?2 ORDER BY 1, 2",
    )?;
    let rows = stmt.query_map(params![from.to_string(), to.to_string()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (desk, date) = row?;
        let day = date.parse().map_err(|_| {
            crate::Error::invalid("date", format!("'{date}' is not a date (YYYY-MM-DD)"))
        })?;
        out.push((desk, day));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    #[test]
    fn the_report_passes_read_the_covering_index_alone() {
        let store = Store::open_in_memory().unwrap();
        let year = |desk| Scope {
            from: NaiveDate::from_ymd_opt(2023, 1, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2023, 12, 31).unwrap(),
            desk,
        };
        for desk in [None, Some("GRO")] {
            let plans = plans(store.conn(), &year(desk)).unwrap();
            let scans: Vec<&String> = plans.iter().filter(|p| p.contains("accesses")).collect();
            assert_eq!(scans.len(), 2, "one pass each: {plans:?}");
            assert!(
                scans
                    .iter()
                    .all(|p| p.contains("COVERING INDEX accesses_report")),
                "{plans:?}"
            );
        }
    }
}
