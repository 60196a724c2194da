//! The yearly report's figures over the accesses: the live accesses of a year, at one
//! desk or at every desk, as counts kept up to date while the accesses are written.
//!
//! Migration 0005 keeps three tables of counts by triggers on `accesses` and
//! `access_reasons`, so every write (the register's save, correction, deletion and
//! undo, an import, the demo) updates them in its own transaction, and no write path
//! has to remember to: `access_counts` per month, desk, channel, sex, age band and
//! first-access flag; `access_nationality_counts` per day, desk and nationality (which
//! also says which days have accesses); `access_reason_counts` per month, desk and
//! reason. Only live accesses are counted, a reason once per access listing it, and a
//! key is present only while its count is above zero. The report reads a few thousand
//! rows of them instead of grouping every access of the year; the ranking and the
//! arithmetic are the report's, in Rust.
//!
//! Channels are counted by code: their report group is the codebook's, applied when the
//! figures are read, so a change in the codebook never leaves a stale sum behind.

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use crate::{Error, Result, limits};

/// The live accesses dated in one year, at one desk or at every desk.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    year: i32,
    desk: Option<&'a str>,
}

impl<'a> Scope<'a> {
    /// The accesses of `year` at `desk` (`None`: every desk); a year outside the
    /// register's range is refused.
    pub fn year(year: i32, desk: Option<&'a str>) -> Result<Scope<'a>> {
        limits::check_year(year, "year")?;
        Ok(Scope { year, desk })
    }

    /// The first and last month of the year, as the counts key them ('YYYY-MM').
    fn months(&self) -> (String, String) {
        (format!("{}-01", self.year), format!("{}-12", self.year))
    }

    /// The first and last day of the year ('YYYY-MM-DD').
    fn days(&self) -> (String, String) {
        (
            format!("{}-01-01", self.year),
            format!("{}-12-31", self.year),
        )
    }
}

/// One group of accesses of [`grouped`]: the accesses of a desk and a month that share
/// the channel, sex, age band and first-access flag.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Group {
    pub desk: String,
    /// 1 to 12.
    pub month: u32,
    /// The channel's code (its report group is the codebook's).
    pub channel: String,
    pub sex: String,
    pub age_band: String,
    pub first_access: bool,
    pub count: i64,
}

// ?1, ?2: the scope's first and last month (or day); ?3: its desk, NULL = every desk.
const GROUPED: &str = "SELECT desk, CAST(substr(month, 6, 2) AS INTEGER), channel, sex,
        age_band, first_access, count
    FROM access_counts WHERE month BETWEEN ?1 AND ?2 AND (?3 IS NULL OR desk = ?3)";

const NATIONALITIES: &str = "SELECT desk, nationality, SUM(count)
    FROM access_nationality_counts WHERE date BETWEEN ?1 AND ?2 AND (?3 IS NULL OR desk = ?3)
    GROUP BY 1, 2 ORDER BY 1, 2";

const REASONS: &str = "SELECT desk, reason, SUM(count)
    FROM access_reason_counts WHERE month BETWEEN ?1 AND ?2 AND (?3 IS NULL OR desk = ?3)
    GROUP BY 1, 2 ORDER BY 1, 2";

/// The accesses of `scope` in groups (see [`Group`]), in no particular order.
pub fn grouped(conn: &Connection, scope: &Scope<'_>) -> Result<Vec<Group>> {
    let (from, to) = scope.months();
    let mut stmt = conn.prepare_cached(GROUPED)?;
    let rows = stmt.query_map(params![from, to, scope.desk], |r| {
        Ok(Group {
            desk: r.get(0)?,
            month: r.get(1)?,
            channel: r.get(2)?,
            sex: r.get(3)?,
            age_band: r.get(4)?,
            first_access: r.get(5)?,
            count: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// `(desk, code, count)` of a query over `(from, to, desk)`.
fn counted(
    conn: &Connection,
    sql: &str,
    (from, to): (String, String),
    desk: Option<&str>,
) -> Result<Vec<(String, String, i64)>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params![from, to, desk], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The nationalities of the accesses of `scope` counted per desk and code:
/// `(desk, code, count)`, by desk and code.
pub fn nationalities(conn: &Connection, scope: &Scope<'_>) -> Result<Vec<(String, String, i64)>> {
    counted(conn, NATIONALITIES, scope.days(), scope.desk)
}

/// The reasons of the accesses of `scope` counted per desk and code (a reason counts
/// once per access that lists it): `(desk, code, count)`, by desk and code.
pub fn reasons(conn: &Connection, scope: &Scope<'_>) -> Result<Vec<(String, String, i64)>> {
    counted(conn, REASONS, scope.months(), scope.desk)
}

/// The query plans of the report's reads over `scope`, one line per plan step and an
/// empty line after each query, for the documentation and for the tests that keep
/// them on the counts' keys.
pub fn plans(conn: &Connection, scope: &Scope<'_>) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for (sql, (from, to)) in [
        (GROUPED, scope.months()),
        (NATIONALITIES, scope.days()),
        (REASONS, scope.months()),
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

/// One statement of a trigger that keeps the counts, with its query plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriggerPlan {
    pub trigger: String,
    /// The statement as written in the trigger, on one line.
    pub statement: String,
    pub plan: Vec<String>,
}

/// The query plan of every statement of the triggers that keep the counts, as
/// SQLite plans the statement with the `NEW` and `OLD` values bound: `EXPLAIN QUERY
/// PLAN` of a write does not show what its triggers run. For the documentation and for
/// the test that keeps every trigger statement on a key.
pub fn trigger_plans(conn: &Connection) -> Result<Vec<TriggerPlan>> {
    let mut stmt = conn.prepare(
        "SELECT name, sql FROM sqlite_schema
         WHERE type = 'trigger' AND tbl_name IN
             ('accesses', 'access_reasons', 'access_count_steps', 'access_reason_steps')
         ORDER BY rowid",
    )?;
    let triggers = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::new();
    for (trigger, sql) in triggers {
        let body = sql
            .split_once("BEGIN")
            .and_then(|(_, rest)| rest.rsplit_once("END"))
            .map(|(body, _)| body)
            .ok_or_else(|| Error::invalid("trigger", format!("{trigger} has no body")))?;
        for statement in body.split(';').map(str::trim).filter(|s| !s.is_empty()) {
            let statement = statement.split_whitespace().collect::<Vec<_>>().join(" ");
            let bound = bind_row_values(&statement);
            let mut eqp = conn.prepare(&format!("EXPLAIN QUERY PLAN {bound}"))?;
            let mut rows = eqp.raw_query();
            let mut plan = Vec::new();
            while let Some(row) = rows.next()? {
                plan.push(row.get::<_, String>(3)?);
            }
            out.push(TriggerPlan {
                trigger: trigger.clone(),
                statement,
                plan,
            });
        }
    }
    Ok(out)
}

/// `statement` with each `NEW.column` and `OLD.column` made a parameter.
fn bind_row_values(statement: &str) -> String {
    let mut out = String::with_capacity(statement.len());
    let mut rest = statement;
    while let Some(at) = ["NEW.", "OLD."].iter().filter_map(|p| rest.find(p)).min() {
        out.push_str(&rest[..at]);
        out.push('?');
        let column = &rest[at + 4..];
        let end = column
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(column.len());
        rest = &column[end..];
    }
    out.push_str(rest);
    out
}

/// The years of the first and the last live access, or `None` when there is none: one
/// descent each of the nationality counts' key, which starts with the day.
pub fn year_range(conn: &Connection) -> Result<Option<(i32, i32)>> {
    let end = |agg: &str| -> Result<Option<i32>> {
        let sql = format!("SELECT {agg}(date) FROM access_nationality_counts");
        let date: Option<String> = conn.query_row(&sql, [], |r| r.get(0))?;
        Ok(date.and_then(|d| d.get(..4)?.parse().ok()))
    };
    Ok(end("MIN")?.zip(end("MAX")?))
}

/// The days from `from` to `to` (inclusive) with at least one live access, per desk:
/// `(desk, day)`, by desk and day. A day whose accesses were all withdrawn is not one.
pub fn days_with_accesses(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(String, NaiveDate)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT desk, date FROM access_nationality_counts
         WHERE date BETWEEN ?1 AND ?2 ORDER BY 1, 2",
    )?;
    let rows = stmt.query_map(params![from.to_string(), to.to_string()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (desk, date) = row?;
        let day = date
            .parse()
            .map_err(|_| Error::invalid("date", format!("'{date}' is not a date (YYYY-MM-DD)")))?;
        out.push((desk, day));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    #[test]
    fn the_report_reads_a_range_of_each_table_of_counts() {
        let store = Store::open_in_memory().unwrap();
        for desk in [None, Some("GRO")] {
            let plans = plans(store.conn(), &Scope::year(2023, desk).unwrap()).unwrap();
            let reads: Vec<&String> = plans.iter().filter(|p| p.contains("access")).collect();
            assert_eq!(reads.len(), 3, "one read of each table: {plans:?}");
            for read in reads {
                assert!(
                    read.starts_with("SEARCH ") && read.contains("USING PRIMARY KEY ("),
                    "a range of the key, never a scan: {read}"
                );
            }
        }
    }

    #[test]
    fn every_statement_of_the_triggers_reaches_its_rows_by_a_key() {
        let store = Store::open_in_memory().unwrap();
        let plans = trigger_plans(store.conn()).unwrap();
        let triggers: std::collections::BTreeSet<&str> =
            plans.iter().map(|p| p.trigger.as_str()).collect();
        assert_eq!(triggers.len(), 8, "{triggers:?}");
        for p in &plans {
            for step in &p.plan {
                assert!(
                    !step.starts_with("SCAN ") || step == "SCAN CONSTANT ROW",
                    "{}: `{}` scans: {:?}",
                    p.trigger,
                    p.statement,
                    p.plan
                );
            }
        }
    }
}
