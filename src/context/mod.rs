//! The report's context tables: the ISTAT residents and foreign residents, by sex, of
//! the municipalities of the zone (with the share of foreigners), and the largest
//! nationalities of the foreign residents of the desks' municipalities.
//!
//! Public reference data, not the desks' records: nothing here is about the desks'
//! users, so the published formats print it exact. A year is the resident population
//! at 1 January of that year. The figures of 2023 printed in the 2023 activity report
//! are shipped with the program (migration 0007); any year, 2023 included, can be
//! loaded (replaced whole) from ISTAT's files with [`load`] (formats in
//! `docs/context.md`). Totals and shares are computed here, never stored.
//!
//! The zone is the municipalities of `context_zone`; a desk's municipality is its row
//! of `context_desk_municipalities` (GRO Grosseto, FOL Follonica as shipped; the
//! virtual desk SCA is not mapped, as in the 2023 report), changed with
//! [`set_desk_municipality`]. This module owns those tables: every statement on them
//! is in [`stored`].

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::{Error, Result, desk};

mod header;
pub mod istat;
mod load;
pub mod problem;
mod rows;
mod stored;
mod text;

pub use load::{Loaded, LoadedFile, Source, read_source};

/// How many nationalities each desk's municipality shows: six, as the 2023 report.
pub const TOP_NATIONALITIES: usize = 6;

/// The shares of foreigners among the residents, in per cent with one decimal (0 when
/// there are no residents).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Shares {
    pub males: f64,
    pub females: f64,
    pub total: f64,
}

/// A municipality's residents and foreign residents (or the zone's, in the total row).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Residents {
    /// The municipality, or "Totale complessivo" in the total row.
    pub municipality: String,
    /// ISTAT's six-digit code, when the source gives it (the 2023 report does not).
    pub istat_code: Option<String>,
    pub males: i64,
    pub females: i64,
    pub total: i64,
    pub foreign_males: i64,
    pub foreign_females: i64,
    pub foreign_total: i64,
    pub foreign_share: Shares,
}

/// A nationality of a municipality's foreign residents.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Nationality {
    /// The Italian name as ISTAT prints it.
    pub name: String,
    /// ISTAT's three-digit code of the country, when the source gives it.
    pub istat_code: Option<String>,
    pub residents: i64,
    /// Share of the municipality's foreign residents, per cent, one decimal.
    pub percent: f64,
}

/// The largest nationalities of the municipality a desk sits in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeskNationalities {
    pub desk: String,
    pub municipality: String,
    pub foreign_residents: i64,
    /// At most [`TOP_NATIONALITIES`], largest first, ties by name; empty when the year
    /// has no nationalities (loaded from the age files).
    pub nationalities: Vec<Nationality>,
}

/// The context tables of a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Context {
    pub year: i32,
    /// Where the figures come from.
    pub source: String,
    /// What a reader must know about them (e.g. a reconstructed figure); may be empty.
    pub note: String,
    /// When a coordinator loaded them (RFC 3339, UTC); `None` for the figures shipped
    /// with the program.
    pub loaded_at: Option<String>,
    /// Every municipality of the zone, in the report's order.
    pub municipalities: Vec<Residents>,
    /// The zone's "Totale complessivo".
    pub total: Residents,
    /// The desks' municipalities, by desk code.
    pub desks: Vec<DeskNationalities>,
}

/// A stored year and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Year {
    pub year: i32,
    pub source: String,
    pub loaded_at: Option<String>,
}

/// The label of the total row.
pub const TOTAL: &str = "Totale complessivo";

/// `part` in per cent of `whole`, one decimal; 0 when `whole` is 0.
fn percent(part: i64, whole: i64) -> f64 {
    if whole == 0 {
        return 0.0;
    }
    (part as f64 * 1000.0 / whole as f64).round() / 10.0
}

fn residents(
    municipality: &str,
    istat_code: Option<String>,
    (m, f, fm, ff): (i64, i64, i64, i64),
) -> Residents {
    Residents {
        municipality: municipality.to_string(),
        istat_code,
        males: m,
        females: f,
        total: m + f,
        foreign_males: fm,
        foreign_females: ff,
        foreign_total: fm + ff,
        foreign_share: Shares {
            males: percent(fm, m),
            females: percent(ff, f),
            total: percent(fm + ff, m + f),
        },
    }
}

/// The years stored, oldest first.
pub fn years(conn: &Connection) -> Result<Vec<Year>> {
    Ok(stored::years(conn)?
        .into_iter()
        .map(|y| Year {
            year: y.year,
            source: y.source,
            loaded_at: y.loaded_at,
        })
        .collect())
}

/// The context tables of `year`, every desk's municipality; `None` when the year is not
/// stored. No other year stands in for a missing one.
pub fn show(conn: &Connection, year: i32) -> Result<Option<Context>> {
    for_report(conn, year, None)
}

/// As [`show`], with only `desk`'s municipality when a desk is given (the report of one
/// desk): the zone's residents are the same for every desk.
pub fn for_report(conn: &Connection, year: i32, desk: Option<&str>) -> Result<Option<Context>> {
    let Some(y) = stored::year(conn, year)? else {
        return Ok(None);
    };
    let rows = stored::residents(conn, year)?;
    let mut sums = (0, 0, 0, 0);
    let municipalities: Vec<Residents> = rows
        .into_iter()
        .map(|r| {
            let figures = (r.males, r.females, r.foreign_males, r.foreign_females);
            sums = (
                sums.0 + figures.0,
                sums.1 + figures.1,
                sums.2 + figures.2,
                sums.3 + figures.3,
            );
            residents(&r.municipality, r.istat_code, figures)
        })
        .collect();
    let mut desks = Vec::new();
    for (code, municipality) in stored::desk_municipalities(conn)? {
        if desk.is_some_and(|d| d != code) {
            continue;
        }
        let foreign_residents = municipalities
            .iter()
            .find(|m| m.municipality == municipality)
            .map_or(0, |m| m.foreign_total);
        let nationalities = stored::nationalities(conn, year, &municipality)?
            .into_iter()
            .take(TOP_NATIONALITIES)
            .map(|n| Nationality {
                percent: percent(n.residents, foreign_residents),
                name: n.nationality,
                istat_code: n.istat_code,
                residents: n.residents,
            })
            .collect();
        desks.push(DeskNationalities {
            desk: code,
            municipality,
            foreign_residents,
            nationalities,
        });
    }
    Ok(Some(Context {
        year,
        source: y.source,
        note: y.note,
        loaded_at: y.loaded_at,
        total: residents(TOTAL, None, sums),
        municipalities,
        desks,
    }))
}

/// Loads `year` from ISTAT's files at `paths` (CSV, or the ZIP as downloaded),
/// replacing what the year held; a problem in any file stores nothing and names the
/// file, the line and the column (see `docs/context.md`).
pub fn load(
    conn: &mut Connection,
    year: i32,
    paths: &[std::path::PathBuf],
    now: DateTime<Utc>,
) -> Result<Loaded> {
    let sources = paths
        .iter()
        .map(|p| read_source(p))
        .collect::<Result<Vec<_>>>()?;
    load_sources(conn, year, &sources, now)
}

/// As [`load`], from files already read.
pub fn load_sources(
    conn: &mut Connection,
    year: i32,
    sources: &[Source],
    now: DateTime<Utc>,
) -> Result<Loaded> {
    load::load(conn, year, sources, now)
}

/// The municipalities of the zone, in the report's order.
pub fn zone(conn: &Connection) -> Result<Vec<String>> {
    stored::zone(conn)
}

/// The desks' municipalities, `(desk, municipality)` by desk code.
pub fn desk_municipalities(conn: &Connection) -> Result<Vec<(String, String)>> {
    stored::desk_municipalities(conn)
}

/// Shows `desk`'s foreign residents by nationality as those of `municipality` (a
/// municipality of the zone), or no longer (`None`).
pub fn set_desk_municipality(
    conn: &Connection,
    desk: &str,
    municipality: Option<&str>,
) -> Result<()> {
    desk::validate_code(desk)?;
    let municipality = match municipality {
        Some(m) => {
            let zone = stored::zone(conn)?;
            let key = istat::normalise(m);
            let found = zone.into_iter().find(|z| istat::normalise(z) == key);
            Some(found.ok_or_else(|| {
                Error::invalid(
                    "municipality",
                    format!("'{m}' is not a municipality of the zone (`sportello context zone`)"),
                )
            })?)
        }
        None => None,
    };
    stored::set_desk_municipality(conn, desk, municipality.as_deref())
}
