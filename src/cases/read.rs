//! Reading cases: one case, the lists of the cases view, and the yearly counts.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::retention::{Cause, Erasure};
use super::stored::anonymous_half;
use super::{Case, CaseType, Counts, Listed, Outcome, Overview, PersonalFile, follow_ups};
use crate::{Error, Result, desk, limits};
pub(super) fn parse_date(s: &str) -> rusqlite::Result<NaiveDate> {
    s.parse().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

const SELECT: &str = "SELECT c.id, c.desk, c.revision, c.deleted, c.case_type, c.opened_on,
        c.closed_on, c.reason, c.created_at, c.updated_at,
        unseal('case_files.person_name', c.id, f.person_name),
        unseal('case_files.phone', c.id, f.phone),
        unseal('case_files.documents', c.id, f.documents),
        unseal('case_files.description', c.id, f.description),
        k.outcome, unseal('case_closings.note', c.id, k.note), e.erased_at, e.cause, a.access_id
    FROM cases c LEFT JOIN case_files f ON f.case_id = c.id
        LEFT JOIN case_accesses a ON a.case_id = c.id
        LEFT JOIN case_closings k ON k.case_id = c.id
        LEFT JOIN case_erasures e ON e.case_id = c.id";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Case> {
    let half = anonymous_half(r)?;
    let person_name: Option<String> = r.get(10)?;
    let outcome: Option<String> = r.get(14)?;
    let erased_at: Option<String> = r.get(16)?;
    let cause: Option<String> = r.get(17)?;
    Ok(Case {
        id: half.id,
        desk: half.desk,
        revision: half.revision,
        deleted: half.deleted,
        case_type: half.case_type,
        opened_on: half.opened_on,
        closed_on: half.closed_on,
        reason: half.reason,
        created_at: r.get(8)?,
        updated_at: r.get(9)?,
        personal: match person_name {
            Some(person_name) => Some(PersonalFile {
                person_name,
                phone: r.get(11)?,
                documents: r.get(12)?,
                description: r.get(13)?,
            }),
            None => None,
        },
        outcome: outcome.as_deref().and_then(Outcome::parse),
        closing_note: r.get(15)?,
        erasure: erased_at
            .zip(cause.as_deref().and_then(Cause::parse))
            .map(|(erased_at, cause)| Erasure { erased_at, cause }),
        access_id: r.get(18)?,
    })
}

/// One case by id (tombstones included).
pub fn get(conn: &Connection, id: &str) -> Result<Case> {
    conn.query_row(&format!("{SELECT} WHERE c.id = ?1"), [id], from_row)
        .optional()?
        .ok_or_else(|| Error::NotFound {
            entity: "case",
            id: id.into(),
        })
}

/// Which cases [`list`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Filter {
    /// Not closed yet.
    Open,
    /// Closed (archived).
    Closed,
    /// Every live case.
    All,
}

/// The live cases of `desk`, newest opening first.
pub fn list(conn: &Connection, desk: &str, filter: Filter) -> Result<Vec<Case>> {
    let cond = match filter {
        Filter::Open => "AND c.closed_on IS NULL",
        Filter::Closed => "AND c.closed_on IS NOT NULL",
        Filter::All => "",
    };
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE c.desk = ?1 AND c.deleted = 0 {cond} ORDER BY c.opened_on DESC, c.id DESC"
    ))?;
    let rows = stmt.query_map([desk], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The accompaniment figures of `year` for `desk` (`None` = every desk), over the live
/// cases, own and imported.
pub fn counts(conn: &Connection, year: i32, desk: Option<&str>) -> Result<Counts> {
    Ok(tally(conn, year, desk)?
        .values()
        .fold(Counts::default(), |sum, c| sum.plus(c)))
}

/// The accompaniment figures of `year` per desk, by code, for every desk with a live
/// case opened by the end of the year (its figures may all be zero).
pub fn counts_by_desk(conn: &Connection, year: i32) -> Result<BTreeMap<String, Counts>> {
    tally(conn, year, None)
}

/// The figures of `year` per desk, at `desk` or at every desk: one pass over the live
/// cases opened by the end of the year.
fn tally(conn: &Connection, year: i32, desk: Option<&str>) -> Result<BTreeMap<String, Counts>> {
    let (from, to) = year_bounds(year)?;
    // ?1..?3 are the year's first and last day and the desk (NULL = every desk).
    let mut stmt = conn.prepare_cached(
        "SELECT desk,
             COUNT(*) FILTER (WHERE case_type = 'full' AND opened_on < ?1
                 AND (closed_on IS NULL OR closed_on >= ?1)),
             COUNT(*) FILTER (WHERE case_type = 'full' AND opened_on >= ?1),
             COUNT(*) FILTER (WHERE case_type = 'full' AND closed_on BETWEEN ?1 AND ?2),
             COUNT(*) FILTER (WHERE case_type = 'fast' AND opened_on >= ?1)
         FROM cases
         WHERE deleted = 0 AND opened_on <= ?2 AND (?3 IS NULL OR desk = ?3)
         GROUP BY desk",
    )?;
    let rows = stmt.query_map(params![from, to, desk], |r| {
        let (carried_in, opened, archived): (i64, i64, i64) = (r.get(1)?, r.get(2)?, r.get(3)?);
        let total = carried_in + opened;
        Ok((
            r.get::<_, String>(0)?,
            Counts {
                total,
                carried_in,
                archived,
                carried_out: total - archived,
                fast: r.get(4)?,
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The live cases of `desk` that were open at some point of `year` (opened by its end,
/// not closed before its start), full and fast, oldest opening first.
pub fn of_year(conn: &Connection, desk: &str, year: i32) -> Result<Vec<Case>> {
    let (from, to) = year_bounds(year)?;
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE c.desk = ?1 AND c.deleted = 0 AND c.opened_on <= ?3
           AND (c.closed_on IS NULL OR c.closed_on >= ?2)
         ORDER BY c.opened_on, c.id"
    ))?;
    let rows = stmt.query_map(params![desk, from, to], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn year_bounds(year: i32) -> Result<(String, String)> {
    let (first, last) = limits::year_days(year)?;
    Ok((first.to_string(), last.to_string()))
}

/// The cases view of `year` at this desk, as of `today`.
pub fn overview(conn: &Connection, year: i32, today: NaiveDate) -> Result<Overview> {
    let desk = desk::own_code(conn)?;
    year_bounds(year)?;
    let counts = counts(conn, year, Some(&desk))?;
    let progress = follow_ups::progress_by_case(conn, today)?;
    let listed = |case: Case| Listed {
        days_open: case.days_open(today),
        progress: follow_ups::progress_of(&progress, &case.id, case.opened_on, today),
        case,
    };
    let all = list(conn, &desk, Filter::All)?;
    let mut open = Vec::new();
    let mut archived = Vec::new();
    let mut fast = Vec::new();
    for case in all {
        match (case.case_type, case.closed_on) {
            (Some(CaseType::Fast), _) => {
                if case.opened_on.year() == year {
                    fast.push(listed(case));
                }
            }
            (_, None) => open.push(listed(case)),
            // a case closes on or after its opening: closed in the year means it counts
            (_, Some(closed)) => {
                if closed.year() == year {
                    archived.push(listed(case));
                }
            }
        }
    }
    // `list` gives the newest opening first
    open.reverse();
    archived.sort_by_key(|c| std::cmp::Reverse(c.case.closed_on));
    Ok(Overview {
        year,
        desk,
        counts,
        open,
        archived,
        fast,
    })
}
