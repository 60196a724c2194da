//! The yearly report: the figures of the activity report, per desk and in total.
//!
//! Computed over every record in the database, own and imported, that is not deleted.
//! The report runs no SQL of its own: it composes the accesses' figures
//! ([`crate::register::figures`]) and the cases' counts ([`crate::cases::counts`]).
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

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::codebook::{self, Codebook, List};
use crate::register::figures::{self, Ranking, Scope};
use crate::{Result, cases, limits};

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

/// Accompaniment cases of the year: the cases' own counts.
pub type Cases = crate::cases::Counts;

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

fn ranked(
    conn: &Connection,
    cb: &Codebook,
    scope: &Scope<'_>,
    ranking: Ranking,
    limit: u32,
) -> Result<Vec<Ranked>> {
    let list = match ranking {
        Ranking::AgeBand => List::AgeBand,
        Ranking::Sex => List::Sex,
        Ranking::Nationality => List::Nationality,
        Ranking::Reason => List::Reason,
    };
    Ok(figures::ranked(conn, scope, ranking, limit)?
        .into_iter()
        .map(|(code, count)| Ranked {
            label: cb.label(list, &code).to_string(),
            code,
            count,
        })
        .collect())
}

fn block(
    conn: &Connection,
    cb: &Codebook,
    year: i32,
    scope: &Scope<'_>,
    name: &str,
) -> Result<Block> {
    let tally = figures::tally(conn, scope)?;
    let prevalent = |ranking| -> Result<Option<String>> {
        Ok(ranked(conn, cb, scope, ranking, 1)?.pop().map(|r| r.code))
    };
    Ok(Block {
        desk: name.to_string(),
        accesses: Accesses {
            front_desk: tally.front_desk,
            phone_mail: tally.phone_mail,
            total: tally.total,
        },
        first_accesses: tally.first_accesses,
        italians: tally.italians,
        prevalent_age_band: prevalent(Ranking::AgeBand)?,
        prevalent_sex: prevalent(Ranking::Sex)?,
        top_reasons: ranked(conn, cb, scope, Ranking::Reason, 5)?,
        top_nationalities: ranked(conn, cb, scope, Ranking::Nationality, 5)?,
        cases: cases::counts(conn, year, scope.desk)?,
    })
}

fn has_figures(b: &Block) -> bool {
    b.accesses.total > 0 || b.cases.total > 0 || b.cases.fast > 0
}

/// The report of `year`, over every desk or only `desk`.
///
/// `desks` holds one block per desk with records in the year, by code; `total` covers
/// the same desks (with `desk`, only that one).
pub fn yearly(conn: &Connection, year: i32, desk: Option<&str>) -> Result<Report> {
    limits::check_year(year, "year")?;
    let cb = codebook::load(conn)?;
    let from = NaiveDate::from_ymd_opt(year, 1, 1).expect("a checked year");
    let to = NaiveDate::from_ymd_opt(year, 12, 31).expect("a checked year");
    let mut codes = figures::desks(conn)?;
    codes.extend(cases::desks(conn)?);
    codes.sort();
    codes.dedup();
    let mut desks = Vec::new();
    for code in codes
        .iter()
        .filter(|c| desk.is_none_or(|d| d == c.as_str()))
    {
        let scope = Scope {
            from,
            to,
            desk: Some(code),
        };
        let b = block(conn, &cb, year, &scope, code)?;
        if has_figures(&b) {
            desks.push(b);
        }
    }
    let total = block(conn, &cb, year, &Scope { from, to, desk }, "ALL")?;
    Ok(Report {
        period: Period {
            from: from.to_string(),
            to: to.to_string(),
        },
        desks,
        total,
    })
}
