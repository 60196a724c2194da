//! The tables of the yearly activity report that come from data, as one serialisable
//! model: what the report view shows, and what the published formats write.
//!
//! For a year and one desk or every desk: accesses January-December by desk, the
//! typology of each desk's accesses, the accompaniment cases, the accesses per month by
//! channel group, the comparison with the previous year (for the desks that have
//! records in it) and the accesses by age band and sex. Every code carries its Italian
//! label from the codebook. All counts are exact: protecting small cells is the
//! publisher's job ([`super::publish`]). Each desk's list ends with the `"ALL"` row,
//! the sum of the desks in scope, as in the report's own tables.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::facts::{self, Facts};
use super::{Accesses, Cases};
use crate::Result;
use crate::codebook::{self, Codebook, List};
use crate::register::figures::Scope;

/// The Italian month names, January first.
pub const MONTHS: [&str; 12] = [
    "Gennaio",
    "Febbraio",
    "Marzo",
    "Aprile",
    "Maggio",
    "Giugno",
    "Luglio",
    "Agosto",
    "Settembre",
    "Ottobre",
    "Novembre",
    "Dicembre",
];

/// Every table of the report of one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tables {
    pub year: i32,
    /// The desk asked for; `None` = every desk.
    pub desk: Option<String>,
    /// Accesses January-December by desk, then `"ALL"`.
    pub accesses: Vec<DeskAccesses>,
    /// The typology of the accesses, per desk, then `"ALL"`.
    pub typology: Vec<Typology>,
    /// The accompaniment cases, per desk, then `"ALL"`.
    pub cases: Vec<DeskCases>,
    /// Accesses per month by channel group, per desk, then `"ALL"`.
    pub months: Vec<Months>,
    /// The accesses against the previous year, for the desks (and `"ALL"`) that have
    /// accesses in it; empty when that year has none.
    pub comparison: Vec<Comparison>,
    /// Accesses by age band and sex, per desk, then `"ALL"`.
    pub age_by_sex: Vec<AgeBySex>,
    /// The context tables of the same year (ISTAT residents of the zone; with a desk,
    /// only its municipality's nationalities), or `None` when the year has none loaded:
    /// no other year stands in.
    #[serde(default)]
    pub context: Option<crate::context::Context>,
}

/// A desk's accesses by channel group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskAccesses {
    pub desk: String,
    pub accesses: Accesses,
}

/// A code with its Italian label, its count and its share of the desk's accesses (in
/// per cent, one decimal; 0 when the desk has no accesses).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Share {
    pub code: String,
    pub label: String,
    pub count: i64,
    pub percent: f64,
}

/// The typology of a desk's accesses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Typology {
    pub desk: String,
    /// The base of the percentages.
    pub accesses: i64,
    pub first_accesses: Share,
    pub italians: Share,
    pub prevalent_age_band: Option<Share>,
    pub prevalent_sex: Option<Share>,
    pub top_reasons: Vec<Share>,
    pub top_nationalities: Vec<Share>,
}

/// A desk's accompaniment cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskCases {
    pub desk: String,
    pub cases: Cases,
}

/// One month of a desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Month {
    /// 1 to 12.
    pub month: u32,
    pub label: String,
    pub front_desk: i64,
    pub phone_mail: i64,
    pub total: i64,
}

/// The twelve months of a desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Months {
    pub desk: String,
    pub months: Vec<Month>,
}

/// A desk's accesses against the previous year's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    pub desk: String,
    pub previous: Accesses,
    pub current: Accesses,
    /// `current - previous`, per channel group and in total.
    pub difference: Accesses,
    /// The total's change in per cent of the previous year, one decimal.
    pub percent: f64,
}

/// A code with its Italian label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Labelled {
    pub code: String,
    pub label: String,
}

/// A desk's accesses by age band (rows) and sex (columns), in codebook order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgeBySex {
    pub desk: String,
    pub age_bands: Vec<Labelled>,
    pub sexes: Vec<Labelled>,
    /// `counts[age band][sex]`.
    pub counts: Vec<Vec<i64>>,
}

/// The years the register holds accesses in, first and last: the report view offers
/// them and opens on the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Years {
    pub first: i32,
    pub last: i32,
}

/// The first and last year with live accesses, or `None` on an empty register.
pub fn years(conn: &Connection) -> Result<Option<Years>> {
    Ok(crate::register::figures::year_range(conn)?.map(|(first, last)| Years { first, last }))
}

/// The tables of `year`, over every desk or only `desk` (see the module doc).
pub fn build(conn: &Connection, year: i32, desk: Option<&str>) -> Result<Tables> {
    let cb = codebook::load(conn)?;
    let this = super::gather_year(conn, &cb, year, desk)?;
    let rows: Vec<(&str, &Facts, &Cases)> = this
        .desks
        .iter()
        .map(|(d, f, c)| (d.as_str(), f, c))
        .chain([("ALL", &this.total.0, &this.total.1)])
        .collect();
    // The previous year: only its accesses by group are compared; a year before the
    // first one the register accepts simply has none.
    let before = match Scope::year(year - 1, desk) {
        Ok(scope) => Some(facts::gather(conn, &cb, &scope)?),
        Err(_) => None,
    };
    let comparison = match before {
        Some((per_desk, all)) => rows
            .iter()
            .filter_map(|(d, f, _)| {
                let p = if *d == "ALL" {
                    Some(&all)
                } else {
                    per_desk.get(*d)
                };
                p.filter(|p| p.total() > 0).map(|p| compare(d, p, f))
            })
            .collect(),
        None => Vec::new(),
    };
    Ok(Tables {
        year,
        desk: desk.map(str::to_string),
        accesses: rows
            .iter()
            .map(|(d, f, _)| DeskAccesses {
                desk: d.to_string(),
                accesses: accesses(f),
            })
            .collect(),
        typology: rows.iter().map(|(d, f, _)| typology(&cb, d, f)).collect(),
        cases: rows
            .iter()
            .map(|(d, _, c)| DeskCases {
                desk: d.to_string(),
                cases: (*c).clone(),
            })
            .collect(),
        months: rows.iter().map(|(d, f, _)| months(d, f)).collect(),
        comparison,
        age_by_sex: rows.iter().map(|(d, f, _)| age_by_sex(&cb, d, f)).collect(),
        context: crate::context::for_report(conn, year, desk)?,
    })
}

fn accesses(f: &Facts) -> Accesses {
    Accesses {
        front_desk: f.front_desk(),
        phone_mail: f.phone_mail(),
        total: f.total(),
    }
}

/// `part` in per cent of `whole`, one decimal.
fn percent(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    (part as f64 * 1000.0 / whole as f64).round() / 10.0
}

fn typology(cb: &Codebook, desk: &str, f: &Facts) -> Typology {
    let base = f.total();
    let share = |list: Option<List>, code: &str, count| Share {
        label: list.map_or(code, |l| cb.label(l, code)).to_string(),
        code: code.to_string(),
        count,
        percent: percent(count, base),
    };
    let ranked = |list, counts, n| -> Vec<Share> {
        facts::top(counts, n)
            .into_iter()
            .map(|(code, count)| share(Some(list), &code, count))
            .collect()
    };
    Typology {
        desk: desk.to_string(),
        accesses: base,
        first_accesses: Share {
            label: "Primi accessi".into(),
            ..share(None, "first_access", f.first_accesses)
        },
        italians: share(Some(List::Nationality), facts::ITALIAN, f.italians),
        prevalent_age_band: ranked(List::AgeBand, &f.age_band, 1).pop(),
        prevalent_sex: ranked(List::Sex, &f.sex, 1).pop(),
        top_reasons: ranked(List::Reason, &f.reason, 5),
        top_nationalities: ranked(List::Nationality, &f.nationality, 5),
    }
}

fn months(desk: &str, f: &Facts) -> Months {
    Months {
        desk: desk.to_string(),
        months: (0..12)
            .map(|m| Month {
                month: m as u32 + 1,
                label: MONTHS[m].to_string(),
                front_desk: f.months[m][0],
                phone_mail: f.months[m][1],
                total: f.month_totals[m],
            })
            .collect(),
    }
}

fn compare(desk: &str, previous: &Facts, current: &Facts) -> Comparison {
    let (p, c) = (accesses(previous), accesses(current));
    Comparison {
        desk: desk.to_string(),
        difference: Accesses {
            front_desk: c.front_desk - p.front_desk,
            phone_mail: c.phone_mail - p.phone_mail,
            total: c.total - p.total,
        },
        percent: percent(c.total - p.total, p.total),
        previous: p,
        current: c,
    }
}

/// The entries of `list` in codebook order: the active ones, and retired ones that
/// still have counts; then codes missing from the codebook, by code.
fn axis<'a>(cb: &Codebook, list: List, used: impl Iterator<Item = &'a String>) -> Vec<Labelled> {
    let used: std::collections::BTreeSet<&String> = used.collect();
    let mut out: Vec<Labelled> = cb
        .lists
        .get(list)
        .iter()
        .filter(|e| e.active || used.contains(&e.code))
        .map(|e| Labelled {
            code: e.code.clone(),
            label: e.label.clone(),
        })
        .collect();
    for code in used {
        if !out.iter().any(|l| &l.code == code) {
            out.push(Labelled {
                code: code.clone(),
                label: code.clone(),
            });
        }
    }
    out
}

fn age_by_sex(cb: &Codebook, desk: &str, f: &Facts) -> AgeBySex {
    let age_bands = axis(cb, List::AgeBand, f.age_band.keys());
    let sexes = axis(cb, List::Sex, f.sex.keys());
    let counts = age_bands
        .iter()
        .map(|a| {
            sexes
                .iter()
                .map(|s| {
                    let key = (a.code.clone(), s.code.clone());
                    f.age_by_sex.get(&key).copied().unwrap_or(0)
                })
                .collect()
        })
        .collect();
    AgeBySex {
        desk: desk.to_string(),
        age_bands,
        sexes,
        counts,
    }
}
