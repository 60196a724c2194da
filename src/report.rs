//! The yearly report: the figures of the activity report, per desk and in total.
//!
//! Computed over every record in the database, own and imported, that is not deleted.
//! The JSON shape is the contract's (`sportello report --format json`); the later
//! views, charts and spreadsheets all read this one structure.
//!
//! Definitions (the contract's): accesses are those dated in the year, split by their
//! channel's report group; a reason counts once per access listing it; "prevalent" and
//! "top 5" rank by count, ties broken by code in ascending byte order (SQLite's BINARY
//! collation). Cases: only `full` ones enter `total`, `carried_in`, `archived` and
//! `carried_out`; `carried_in` were opened before the year and not closed before it;
//! `total` = `carried_in` + opened in the year; `archived` = of `total`, closed in the
//! year; `carried_out` = `total` - `archived`; `fast` = fast cases opened in the year.

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use crate::codebook::{self, Codebook, List};
use crate::{Error, Result};

/// The period of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: String,
    pub to: String,
}

/// Accesses by channel group.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Accesses {
    pub front_desk: i64,
    pub phone_mail: i64,
    pub total: i64,
}

/// A code with its Italian label and its count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ranked {
    pub code: String,
    pub label: String,
    pub count: i64,
}

/// Accompaniment cases of the year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cases {
    pub total: i64,
    pub carried_in: i64,
    pub archived: i64,
    pub carried_out: i64,
    pub fast: i64,
}

/// The figures of one desk (or `"ALL"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    pub desk: String,
    pub accesses: Accesses,
    pub first_accesses: i64,
    pub italians: i64,
    pub prevalent_age_band: Option<String>,
    pub prevalent_sex: Option<String>,
    pub top_reasons: Vec<Ranked>,
    pub top_nationalities: Vec<Ranked>,
    pub cases: Cases,
}

/// The yearly report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub period: Period,
    pub desks: Vec<Block>,
    pub total: Block,
}

/// Filter of one query: the year's bounds and an optional desk (`None` = every desk).
struct Scope<'a> {
    from: String,
    to: String,
    desk: Option<&'a str>,
}

fn count(conn: &Connection, sql: &str, s: &Scope<'_>) -> Result<i64> {
    Ok(conn.query_row(sql, params![s.from, s.to, s.desk], |r| r.get(0))?)
}

fn ranked(
    conn: &Connection,
    sql: &str,
    s: &Scope<'_>,
    limit: i64,
    cb: &Codebook,
    list: List,
) -> Result<Vec<Ranked>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params![s.from, s.to, s.desk, limit], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (code, n) = row?;
        out.push(Ranked {
            label: cb.label(list, &code).to_string(),
            code,
            count: n,
        });
    }
    Ok(out)
}

// The live accesses of the scope; ?1..?3 are from, to, desk (NULL = every desk).
const ACCESSES: &str = "FROM accesses a WHERE a.deleted = 0 AND a.date BETWEEN ?1 AND ?2
    AND (?3 IS NULL OR a.desk = ?3)";

fn block(conn: &Connection, cb: &Codebook, s: &Scope<'_>, name: &str) -> Result<Block> {
    let group = |g: &str| {
        format!(
            "SELECT COUNT(*) {ACCESSES} AND a.channel IN
                (SELECT code FROM codebook_entries WHERE list = 'channel' AND report_group = '{g}')"
        )
    };
    let front_desk = count(conn, &group("front_desk"), s)?;
    let phone_mail = count(conn, &group("phone_mail"), s)?;
    let total = count(conn, &format!("SELECT COUNT(*) {ACCESSES}"), s)?;
    let first_accesses = count(
        conn,
        &format!("SELECT COUNT(*) {ACCESSES} AND a.first_access = 1"),
        s,
    )?;
    let italians = count(
        conn,
        &format!("SELECT COUNT(*) {ACCESSES} AND a.nationality = 'IT'"),
        s,
    )?;
    let top = |column: &str| {
        format!(
            "SELECT a.{column}, COUNT(*) AS n {ACCESSES}
             GROUP BY a.{column} ORDER BY n DESC, a.{column} ASC LIMIT ?4"
        )
    };
    let prevalent_age_band = ranked(conn, &top("age_band"), s, 1, cb, List::AgeBand)?
        .pop()
        .map(|r| r.code);
    let prevalent_sex = ranked(conn, &top("sex"), s, 1, cb, List::Sex)?
        .pop()
        .map(|r| r.code);
    let top_nationalities = ranked(conn, &top("nationality"), s, 5, cb, List::Nationality)?;
    let top_reasons = ranked(
        conn,
        &format!(
            "SELECT r.code, COUNT(*) AS n FROM access_reasons r WHERE r.access_id IN
                (SELECT a.id {ACCESSES})
             GROUP BY r.code ORDER BY n DESC, r.code ASC LIMIT ?4"
        ),
        s,
        5,
        cb,
        List::Reason,
    )?;
    let cases = cases_in(conn, s)?;
    Ok(Block {
        desk: name.to_string(),
        accesses: Accesses {
            front_desk,
            phone_mail,
            total,
        },
        first_accesses,
        italians,
        prevalent_age_band,
        prevalent_sex,
        top_reasons,
        top_nationalities,
        cases,
    })
}

/// The accompaniment figures of one scope (the contract's definitions).
fn cases_in(conn: &Connection, s: &Scope<'_>) -> Result<Cases> {
    let full = "FROM cases c WHERE c.deleted = 0 AND c.case_type = 'full'
        AND (?3 IS NULL OR c.desk = ?3)";
    let carried_in = count(
        conn,
        &format!(
            "SELECT COUNT(*) {full} AND c.opened_on < ?1
               AND (c.closed_on IS NULL OR c.closed_on >= ?1)"
        ),
        s,
    )?;
    let opened = count(
        conn,
        &format!("SELECT COUNT(*) {full} AND c.opened_on BETWEEN ?1 AND ?2"),
        s,
    )?;
    let archived = count(
        conn,
        &format!("SELECT COUNT(*) {full} AND c.opened_on <= ?2 AND c.closed_on BETWEEN ?1 AND ?2"),
        s,
    )?;
    let fast = count(
        conn,
        "SELECT COUNT(*) FROM cases c WHERE c.deleted = 0 AND c.case_type = 'fast'
           AND c.opened_on BETWEEN ?1 AND ?2 AND (?3 IS NULL OR c.desk = ?3)",
        s,
    )?;
    let total = carried_in + opened;
    Ok(Cases {
        total,
        carried_in,
        archived,
        carried_out: total - archived,
        fast,
    })
}

/// The accompaniment figures of `year` for `desk` (`None` = every desk): exactly the
/// `cases` block of [`yearly`], for the cases view's counts.
pub fn case_counts(conn: &Connection, year: i32, desk: Option<&str>) -> Result<Cases> {
    check_year(year)?;
    cases_in(
        conn,
        &Scope {
            from: format!("{year:04}-01-01"),
            to: format!("{year:04}-12-31"),
            desk,
        },
    )
}

fn check_year(year: i32) -> Result<()> {
    if !(1900..=9999).contains(&year) {
        return Err(Error::invalid("year", format!("{year} is not a year")));
    }
    Ok(())
}

fn has_figures(b: &Block) -> bool {
    b.accesses.total > 0 || b.cases.total > 0 || b.cases.fast > 0
}

/// The report of `year`, over every desk or only `desk`.
///
/// `desks` holds one block per desk with records in the year, by code; `total` covers
/// the same desks (with `desk`, only that one).
pub fn yearly(conn: &Connection, year: i32, desk: Option<&str>) -> Result<Report> {
    check_year(year)?;
    let cb = codebook::load(conn)?;
    let from = format!("{year:04}-01-01");
    let to = format!("{year:04}-12-31");
    let codes: Vec<String> = conn
        .prepare("SELECT desk FROM accesses UNION SELECT desk FROM cases ORDER BY 1")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut desks = Vec::new();
    for code in codes
        .iter()
        .filter(|c| desk.is_none_or(|d| d == c.as_str()))
    {
        let scope = Scope {
            from: from.clone(),
            to: to.clone(),
            desk: Some(code),
        };
        let b = block(conn, &cb, &scope, code)?;
        if has_figures(&b) {
            desks.push(b);
        }
    }
    let scope = Scope {
        from: from.clone(),
        to: to.clone(),
        desk,
    };
    let total = block(conn, &cb, &scope, "ALL")?;
    Ok(Report {
        period: Period { from, to },
        desks,
        total,
    })
}
