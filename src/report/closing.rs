//! Closed years and the report's figures: closing a year with the figures it
//! publishes, its state (and whether the figures still are those published), and what
//! an import would change in the figures of closed years.
//!
//! Which years are closed, and the refusals, are [`crate::yearbook`]'s; this module
//! adds the figures, which only the report computes. To weigh an import it rehearses
//! the plan ([`import::rehearse`]: the import's own writes, in a transaction that is
//! rolled back) and compares [`super::yearly`] before and after each file that touches
//! a closed year. Running the real writes and the real report, rather than working out
//! each record's share of each figure, keeps one definition of every figure (the
//! rankings and prevalent values depend on every access of the year, not only on the
//! changed ones); it costs one report per touched year and file, and runs only when a
//! plan touches a closed year at all.

use std::collections::BTreeMap;
use std::collections::btree_map::Entry;
use std::path::PathBuf;

use chrono::Datelike;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::{Report, yearly};
use crate::exchange::import::{self, ImportPlan};
use crate::yearbook::{self, Figure, FigureChange, FigureValue, Figures, RankedCount, YearStatus};
use crate::{Error, Now, Result, limits};

/// The figures of `report`, per desk: what a closed year protects.
pub fn figures(report: &Report) -> Figures {
    let mut out = Figures::new();
    for b in &report.desks {
        let ranking = |r: &[super::Ranked]| {
            FigureValue::Ranking(
                r.iter()
                    .map(|x| RankedCount {
                        code: x.code.clone(),
                        count: x.count,
                    })
                    .collect(),
            )
        };
        use FigureValue::{Code, Count};
        for (figure, value) in [
            (Figure::AccessesFrontDesk, Count(b.accesses.front_desk)),
            (Figure::AccessesPhoneMail, Count(b.accesses.phone_mail)),
            (Figure::AccessesTotal, Count(b.accesses.total)),
            (Figure::FirstAccesses, Count(b.first_accesses)),
            (Figure::Italians, Count(b.italians)),
            (Figure::PrevalentAgeBand, Code(b.prevalent_age_band.clone())),
            (Figure::PrevalentSex, Code(b.prevalent_sex.clone())),
            (Figure::TopReasons, ranking(&b.top_reasons)),
            (Figure::TopNationalities, ranking(&b.top_nationalities)),
            (Figure::CasesTotal, Count(b.cases.total)),
            (Figure::CasesCarriedIn, Count(b.cases.carried_in)),
            (Figure::CasesArchived, Count(b.cases.archived)),
            (Figure::CasesCarriedOut, Count(b.cases.carried_out)),
            (Figure::CasesFast, Count(b.cases.fast)),
        ] {
            out.insert((b.desk.clone(), figure), value);
        }
    }
    out
}

/// Fills in, for every file of `plan` that would change closed years, the figures of
/// those years that would change, desk by desk (before, after, difference), as the
/// files would leave them in the plan's order. Stores nothing.
pub fn weigh(conn: &mut Connection, plan: &mut ImportPlan) -> Result<()> {
    let mut current: BTreeMap<i32, Figures> = BTreeMap::new();
    for file in &plan.files {
        for c in &file.report.closed_years {
            if let Entry::Vacant(e) = current.entry(c.year) {
                e.insert(figures(&yearly(conn, c.year, None)?));
            }
        }
    }
    if current.is_empty() {
        return Ok(());
    }
    let mut weighed: Vec<(usize, i32, Vec<FigureChange>)> = Vec::new();
    import::rehearse(conn, plan, |tx, index| {
        for c in &plan.files[index].report.closed_years {
            let after = figures(&yearly(tx, c.year, None)?);
            let before = current.insert(c.year, after.clone()).unwrap_or_default();
            weighed.push((index, c.year, yearbook::compare(&before, &after)));
        }
        Ok(())
    })?;
    for (index, year, changes) in weighed {
        let report = &mut plan.files[index].report;
        if let Some(c) = report.closed_years.iter_mut().find(|c| c.year == year) {
            c.figures = changes;
        }
    }
    Ok(())
}

/// The plan of importing `paths` ([`import::plan`]), weighed: what the preview shows.
/// Encrypted files are opened with the coordinator's own key.
pub fn plan_import(conn: &mut Connection, paths: &[PathBuf]) -> Result<ImportPlan> {
    let keys = import::Decryption::of_database(conn)?;
    plan_import_with(conn, paths, &keys)
}

/// [`plan_import`], opening encrypted files with `keys` (`import --identity FILE`).
pub fn plan_import_with(
    conn: &mut Connection,
    paths: &[PathBuf],
    keys: &import::Decryption,
) -> Result<ImportPlan> {
    let mut plan = import::plan_with(conn, paths, keys)?;
    weigh(conn, &mut plan)?;
    Ok(plan)
}

/// The coordinator's inbox ([`crate::exchange::inbox::scan`]) with its plan weighed
/// as [`plan_import`]'s: what the inbox shows. Stores nothing.
pub fn plan_inbox(
    conn: &mut Connection,
    keys: &import::Decryption,
) -> Result<crate::exchange::inbox::Scan> {
    let mut scan = crate::exchange::inbox::scan(conn, keys)?;
    weigh(conn, &mut scan.plan)?;
    Ok(scan)
}

/// A year of the report: closed or not, whether it can be closed, and how its figures
/// differ from those published when it was last closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearState {
    #[serde(flatten)]
    pub status: YearStatus,
    /// Whether the year is over (a running year cannot be closed).
    pub ended: bool,
    /// The figures that differ now from those stored when the year was last closed:
    /// empty for a year never closed, and for a year whose figures are as published.
    pub since_published: Vec<FigureChange>,
}

/// The state of `year` on `today`.
pub fn state(conn: &Connection, year: i32, today: chrono::NaiveDate) -> Result<YearState> {
    let status = yearbook::status(conn, year)?;
    let since_published = match yearbook::published_figures(conn, year)? {
        Some(json) => {
            let published: Report = serde_json::from_str(&json)?;
            let now = yearly(conn, year, None)?;
            yearbook::compare(&figures(&published), &figures(&now))
        }
        None => vec![],
    };
    Ok(YearState {
        status,
        ended: year < today.year(),
        since_published,
    })
}

/// The state of every year that was ever closed, by year.
pub fn states(conn: &Connection, today: chrono::NaiveDate) -> Result<Vec<YearState>> {
    yearbook::statuses(conn)?
        .into_iter()
        .map(|s| state(conn, s.year, today))
        .collect()
}

/// Closes `year` once its report is published: stores its figures (the report's JSON)
/// as the published ones, with the audit row, in one transaction. Refused for a year
/// not over yet, and for a year closed already.
pub fn close_year(conn: &mut Connection, year: i32, operator: &str, now: Now) -> Result<YearState> {
    limits::check_year(year, "year")?;
    if year >= now.today().year() {
        return Err(Error::invalid(
            "year",
            format!(
                "{year} is not over yet: a year is closed once its report is published, after 31/12/{year}"
            ),
        ));
    }
    let tx = conn.transaction()?;
    let published = serde_json::to_string(&yearly(&tx, year, None)?)?;
    yearbook::close_in(&tx, year, &published, operator, now.utc())?;
    let state = state(&tx, year, now.today())?;
    tx.commit()?;
    Ok(state)
}
