//! The import and the closed years: which closed years a record line would change, and
//! the rehearsal over which the report weighs the figures that would change.
//!
//! An access touches the year of each live version (stored and received) when the two
//! differ at all: added, corrected (also from one year into another), deleted. A case
//! touches each closed year whose counts differ between the two versions
//! ([`yearbook::case_years`]): a case archived in 2024 after being carried through a
//! closed 2023 leaves 2023 as it was. The figures themselves are the report's, so the
//! import cannot compute them (the report reads the import log, not the reverse):
//! [`rehearse`] writes a plan's records inside a transaction that is rolled back, and
//! lets the report read its figures in between.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate};
use rusqlite::Connection;

use super::apply::write_records;
use super::plan::{Fields, ImportPlan, differing};
use super::{Outcome, parse};
use crate::Result;
use crate::exchange::wire::{Record, sha256_hex};
use crate::yearbook::{self, CaseSpan, ClosedYearChange};

fn field<'a>(fields: &'a Fields, name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| *n == name)
        .and_then(|(_, v)| v.as_deref())
}

fn live(fields: &Fields) -> bool {
    field(fields, "deleted") == Some("false")
}

fn date(fields: &Fields, name: &str) -> Option<NaiveDate> {
    field(fields, name).and_then(|d| d.parse().ok())
}

/// How the report counts a version of a case (`None`: deleted).
fn span(fields: &Fields) -> Option<CaseSpan> {
    if !live(fields) {
        return None;
    }
    Some(CaseSpan {
        full: field(fields, "case_type") == Some("full"),
        opened_on: date(fields, "opened_on")?,
        closed_on: date(fields, "closed_on"),
    })
}

/// The years of `closed` that writing `record` (whose fields are `new`) over the stored
/// version `old` would change.
pub(super) fn years_touched(
    record: &Record,
    old: Option<&Fields>,
    new: &Fields,
    closed: &BTreeSet<i32>,
) -> Vec<i32> {
    if closed.is_empty() {
        return vec![];
    }
    match record {
        Record::Access(a) => {
            if old.is_some_and(|o| differing(o, new, a.deleted).is_empty()) {
                return vec![];
            }
            let live_date = |f: &Fields| live(f).then(|| date(f, "date")).flatten();
            yearbook::access_years(old.and_then(live_date), live_date(new), closed)
        }
        Record::Case(_) => {
            yearbook::case_years(old.and_then(span).as_ref(), span(new).as_ref(), closed)
        }
    }
}

/// The closed-year changes of a file: per year it touches, how many records, with the
/// figures already weighed in `weighed` (the plan's) when it has the year.
pub(super) fn changes(
    touched: &BTreeMap<i32, usize>,
    weighed: &[ClosedYearChange],
) -> Vec<ClosedYearChange> {
    touched
        .iter()
        .map(|(year, records)| ClosedYearChange {
            year: *year,
            records: *records,
            figures: weighed
                .iter()
                .find(|c| c.year == *year)
                .map(|c| c.figures.clone())
                .unwrap_or_default(),
        })
        .collect()
}

/// Rehearses `plan`: writes the records of each file it would import, in its order, as
/// applying writes them, inside one transaction that is rolled back, and calls
/// `after_file` with that transaction and the file's index after each file that
/// touches a closed year. Files after the last such one are not rehearsed. A file that
/// cannot be read again, or is no longer the planned one, is skipped (applying will
/// refuse it). Nothing is kept: the transaction is never committed.
pub fn rehearse(
    conn: &mut Connection,
    plan: &ImportPlan,
    mut after_file: impl FnMut(&Connection, usize) -> Result<()>,
) -> Result<()> {
    let Some(last) = plan
        .files
        .iter()
        .rposition(|f| !f.report.closed_years.is_empty())
    else {
        return Ok(());
    };
    let tx = conn.transaction()?;
    // rolled back: the time written into the rows is never read
    let never = DateTime::UNIX_EPOCH;
    for (index, planned) in plan.files.iter().enumerate().take(last + 1) {
        if planned.report.outcome != Outcome::Imported {
            continue;
        }
        let Ok(bytes) = std::fs::read(&planned.path) else {
            continue;
        };
        if sha256_hex(&bytes) != planned.sha256 {
            continue;
        }
        let Ok(file) = parse(&bytes) else { continue };
        write_records(&tx, Cow::Owned(file), (&planned.records, None), never)?;
        if !planned.report.closed_years.is_empty() {
            after_file(&tx, index)?;
        }
    }
    // dropping the transaction rolls it back
    Ok(())
}
