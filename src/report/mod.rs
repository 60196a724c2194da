//! The yearly report: the figures of the activity report, per desk and in total.
//!
//! Computed over every record in the database, own and imported, that is not deleted.
//! The report runs no SQL of its own: it composes the accesses' counts
//! ([`crate::register::figures`]) and the cases' counts ([`crate::cases::counts_by_desk`]).
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

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::codebook::{self, Codebook, List};
use crate::register::figures::Scope;
use crate::{Result, cases, limits};

pub mod charts;
pub mod closing;
pub mod completeness;
pub mod context_tables;
pub mod csv;
pub mod facts;
pub mod html;
pub mod italian;
pub mod layout;
pub mod publish;
pub mod tables;
pub mod xlsx;

use facts::Facts;

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

fn ranked(cb: &Codebook, list: List, top: Vec<(String, i64)>) -> Vec<Ranked> {
    top.into_iter()
        .map(|(code, count)| Ranked {
            label: cb.label(list, &code).to_string(),
            code,
            count,
        })
        .collect()
}

fn block(cb: &Codebook, name: &str, f: &Facts, cases: Cases) -> Block {
    let prevalent = |counts| facts::top(counts, 1).pop().map(|(code, _)| code);
    Block {
        desk: name.to_string(),
        accesses: Accesses {
            front_desk: f.front_desk(),
            phone_mail: f.phone_mail(),
            total: f.total(),
        },
        first_accesses: f.first_accesses,
        italians: f.italians,
        prevalent_age_band: prevalent(&f.age_band),
        prevalent_sex: prevalent(&f.sex),
        top_reasons: ranked(cb, List::Reason, facts::top(&f.reason, 5)),
        top_nationalities: ranked(cb, List::Nationality, facts::top(&f.nationality, 5)),
        cases,
    }
}

/// The facts of a year: per desk with figures (accesses or cases), by code, each with
/// its cases; and the sum over them with the cases of the scope.
struct Year {
    desks: Vec<(String, Facts, Cases)>,
    total: (Facts, Cases),
}

fn gather_year(conn: &Connection, cb: &Codebook, year: i32, desk: Option<&str>) -> Result<Year> {
    let scope = Scope::year(year, desk)?;
    let (mut per_desk, all) = facts::gather(conn, cb, &scope)?;
    let mut per_desk_cases = cases::counts_by_desk(conn, year)?;
    per_desk_cases.retain(|code, _| desk.is_none_or(|d| d == code));
    let all_cases = per_desk_cases
        .values()
        .fold(Cases::default(), |sum, c| sum.plus(c));
    // the desks with accesses in the year, and those with cases
    let mut codes: Vec<String> = per_desk.keys().cloned().collect();
    codes.extend(per_desk_cases.keys().cloned());
    codes.sort();
    codes.dedup();
    let mut desks = Vec::new();
    for code in codes {
        let f = per_desk.remove(&code).unwrap_or_default();
        let c = per_desk_cases.remove(&code).unwrap_or_default();
        if f.total() > 0 || c.total > 0 || c.fast > 0 {
            desks.push((code, f, c));
        }
    }
    Ok(Year {
        desks,
        total: (all, all_cases),
    })
}

/// The report of `year`, over every desk or only `desk`.
///
/// `desks` holds one block per desk with records in the year, by code; `total` covers
/// the same desks (with `desk`, only that one).
pub fn yearly(conn: &Connection, year: i32, desk: Option<&str>) -> Result<Report> {
    let (from, to) = limits::year_days(year)?;
    let cb = codebook::load(conn)?;
    let y = gather_year(conn, &cb, year, desk)?;
    let desks = y
        .desks
        .iter()
        .map(|(code, f, c)| block(&cb, code, f, c.clone()))
        .collect();
    Ok(Report {
        period: Period {
            from: from.to_string(),
            to: to.to_string(),
        },
        desks,
        total: block(&cb, "ALL", &y.total.0, y.total.1.clone()),
    })
}
