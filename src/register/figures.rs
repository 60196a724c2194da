//! The yearly report's figures over the accesses: the live accesses of a period, at one
//! desk or at every desk, counted in a few grouped passes.
//!
//! The report composes these with the cases' counts; the SQL on the accesses stays
//! here, with the table's owner. Every query reads the accesses of the period once and
//! groups them by desk and by the characteristics the report's tables cross, so the
//! whole report costs three passes however many desks and tables it has; the ranking
//! and the arithmetic are done on these few hundred groups in Rust.
//!
//! The queries name `deleted = 0` and the date range exactly as the partial covering
//! index `accesses_report` (migration 0004) does, so that SQLite reads the index alone.

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
/// the channel group, sex, age band, first-access flag and Italian nationality.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub desk: String,
    /// 1 to 12.
    pub month: u32,
    /// The channel's report group (`front_desk`, `phone_mail`); `None` for a channel
    /// missing from the codebook, which counts in the total only.
    pub channel_group: Option<String>,
    pub sex: String,
    pub age_band: String,
    pub first_access: bool,
    /// Nationality `IT`.
    pub italian: bool,
    pub count: i64,
}

/// A code counted per desk: see [`by_code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coded {
    Nationality,
    /// A reason counts once per access that lists it.
    Reason,
}

// The live accesses of the scope; ?1..?3 are from, to, desk (NULL = every desk).
const SCOPED: &str = "FROM accesses a WHERE a.deleted = 0 AND a.date BETWEEN ?1 AND ?2
    AND (?3 IS NULL OR a.desk = ?3)";

fn grouped_sql() -> String {
    // The channel groups are joined after the grouping's input is narrowed to the
    // period (four codebook rows, looked up by primary key).
    format!(
        "SELECT a.desk, CAST(substr(a.date, 6, 2) AS INTEGER), g.report_group, a.sex,
                a.age_band, a.first_access, a.nationality = 'IT', COUNT(*)
         FROM (SELECT a.desk, a.date, a.channel, a.sex, a.age_band, a.first_access,
                      a.nationality {SCOPED}) a
         LEFT JOIN codebook_entries g ON g.list = 'channel' AND g.code = a.channel
         GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2"
    )
}

fn by_code_sql(coded: Coded) -> String {
    match coded {
        Coded::Nationality => {
            format!("SELECT a.desk, a.nationality, COUNT(*) {SCOPED} GROUP BY 1, 2 ORDER BY 1, 2")
        }
        Coded::Reason => format!(
            "SELECT a.desk, r.code, COUNT(*) FROM (SELECT a.id, a.desk {SCOPED}) a
             JOIN access_reasons r ON r.access_id = a.id GROUP BY 1, 2 ORDER BY 1, 2"
        ),
    }
}

fn bounds(s: &Scope<'_>) -> (String, String) {
    (s.from.to_string(), s.to.to_string())
}

/// The accesses of `scope` in groups (see [`Group`]), by desk and month.
pub fn grouped(conn: &Connection, scope: &Scope<'_>) -> Result<Vec<Group>> {
    let (from, to) = bounds(scope);
    let sql = grouped_sql();
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![from, to, scope.desk], |r| {
        Ok(Group {
            desk: r.get(0)?,
            month: r.get(1)?,
            channel_group: r.get(2)?,
            sex: r.get(3)?,
            age_band: r.get(4)?,
            first_access: r.get(5)?,
            italian: r.get(6)?,
            count: r.get(7)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The accesses of `scope` counted per desk and code of `coded`: `(desk, code, count)`,
/// by desk and code.
pub fn by_code(
    conn: &Connection,
    scope: &Scope<'_>,
    coded: Coded,
) -> Result<Vec<(String, String, i64)>> {
    let sql = by_code_sql(coded);
    let (from, to) = bounds(scope);
    let mut stmt = conn.prepare_cached(&sql)?;
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
    for sql in [
        grouped_sql(),
        by_code_sql(Coded::Nationality),
        by_code_sql(Coded::Reason),
    ] {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
        let rows = stmt.query_map(params![from, to, scope.desk], |r| r.get::<_, String>(3))?;
        for detail in rows {
            out.push(detail?);
        }
        out.push(String::new());
    }
    Ok(out)
}

/// The codes of every desk that has accesses here (deleted ones included: a desk
/// whose records were all withdrawn is still known), by code.
pub fn desks(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT DISTINCT desk FROM accesses ORDER BY desk")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
