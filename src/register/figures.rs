//! The yearly report's figures over the accesses: counts and rankings of the live
//! accesses of a period, at one desk or at every desk.
//!
//! The report composes these with the cases' counts; the SQL on the accesses stays
//! here, with the table's owner. Rankings put the highest count first and break ties
//! by code in ascending byte order (SQLite's BINARY collation), as the contract says.

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

/// The counts of a scope.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Channels of the report group `front_desk` (in person, video call).
    pub front_desk: i64,
    /// Channels of the report group `phone_mail`.
    pub phone_mail: i64,
    pub total: i64,
    pub first_accesses: i64,
    /// Nationality `IT`.
    pub italians: i64,
}

/// What a ranking counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ranking {
    AgeBand,
    Sex,
    Nationality,
    /// A reason counts once per access that lists it.
    Reason,
}

// The live accesses of the scope; ?1..?3 are from, to, desk (NULL = every desk).
const SCOPED: &str = "FROM accesses a WHERE a.deleted = 0 AND a.date BETWEEN ?1 AND ?2
    AND (?3 IS NULL OR a.desk = ?3)";

fn bounds(s: &Scope<'_>) -> (String, String) {
    (s.from.to_string(), s.to.to_string())
}

/// Counts the accesses of `scope` by report group, first accesses and Italians.
pub fn tally(conn: &Connection, scope: &Scope<'_>) -> Result<Tally> {
    let (from, to) = bounds(scope);
    let sql = "SELECT
            COALESCE(SUM(g.report_group = 'front_desk'), 0),
            COALESCE(SUM(g.report_group = 'phone_mail'), 0),
            COUNT(*),
            COALESCE(SUM(a.first_access = 1), 0),
            COALESCE(SUM(a.nationality = 'IT'), 0)
         FROM accesses a
         LEFT JOIN codebook_entries g ON g.list = 'channel' AND g.code = a.channel
         WHERE a.deleted = 0 AND a.date BETWEEN ?1 AND ?2 AND (?3 IS NULL OR a.desk = ?3)";
    Ok(conn.query_row(sql, params![from, to, scope.desk], |r| {
        Ok(Tally {
            front_desk: r.get(0)?,
            phone_mail: r.get(1)?,
            total: r.get(2)?,
            first_accesses: r.get(3)?,
            italians: r.get(4)?,
        })
    })?)
}

/// The `limit` most frequent codes of `ranking` in `scope`, with their counts.
pub fn ranked(
    conn: &Connection,
    scope: &Scope<'_>,
    ranking: Ranking,
    limit: u32,
) -> Result<Vec<(String, i64)>> {
    let sql = match ranking {
        Ranking::AgeBand => column_ranking("age_band"),
        Ranking::Sex => column_ranking("sex"),
        Ranking::Nationality => column_ranking("nationality"),
        Ranking::Reason => format!(
            "SELECT r.code, COUNT(*) AS n FROM access_reasons r WHERE r.access_id IN
                (SELECT a.id {SCOPED})
             GROUP BY r.code ORDER BY n DESC, r.code ASC LIMIT ?4"
        ),
    };
    let (from, to) = bounds(scope);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![from, to, scope.desk, limit], |r| {
        Ok((r.get(0)?, r.get(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn column_ranking(column: &str) -> String {
    format!(
        "SELECT a.{column}, COUNT(*) AS n {SCOPED}
         GROUP BY a.{column} ORDER BY n DESC, a.{column} ASC LIMIT ?4"
    )
}

/// The codes of every desk that has accesses here (deleted ones included: a desk
/// whose records were all withdrawn is still known), by code.
pub fn desks(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT DISTINCT desk FROM accesses ORDER BY desk")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
