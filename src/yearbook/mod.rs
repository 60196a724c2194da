//! The years of the activity report: which are closed, and the coordinator's texts.
//!
//! A year is closed once its report is published. Closing stores the published
//! figures with the year; from then on the year's figures are protected: the desk's own
//! writes that would change them (an access dated in the year, a case counted in it)
//! are refused with [`Refusal::ClosedYear`], and an import of desk exports that would
//! change them is held back until the coordinator confirms reopening the year.
//! Reopening is explicit, by hand or by such a confirmation, and the coordinator closes
//! the year again after republishing. Every closing and reopening is one transaction
//! with its audit row.
//!
//! This module owns the tables `report_years` and `report_sections` (the narrative
//! parts of the report, [`sections`]); it depends on no domain module, so the register,
//! the cases and the import can all ask it whether a year is closed. Computing the
//! figures is the report's: its `closing` module closes a year with its figures and
//! weighs what an import would change.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::error::Refusal;
use crate::store::audit;
use crate::{Error, Result, ids, limits};

mod changes;
pub mod sections;

pub use changes::{
    CaseSpan, ClosedYearChange, Figure, FigureChange, FigureValue, Figures, RankedCount,
    access_years, case_years, compare,
};

/// The longest reason a reopening keeps.
pub const REASON_MAX_CHARS: usize = 500;

/// Whether a year is closed, and when and by whom it was last closed or reopened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearStatus {
    pub year: i32,
    pub closed: bool,
    /// When it was last closed or reopened (RFC 3339, UTC); `None`: never closed.
    pub changed_at: Option<String>,
    /// Who closed or reopened it (the operator's name).
    pub changed_by: String,
    /// Why it was last reopened (empty while closed, or when no reason was given).
    pub reason: String,
}

impl YearStatus {
    fn never_closed(year: i32) -> YearStatus {
        YearStatus {
            year,
            closed: false,
            changed_at: None,
            changed_by: String::new(),
            reason: String::new(),
        }
    }
}

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<YearStatus> {
    Ok(YearStatus {
        year: r.get(0)?,
        closed: r.get(1)?,
        changed_at: Some(r.get(2)?),
        changed_by: r.get(3)?,
        reason: r.get(4)?,
    })
}

const SELECT: &str = "SELECT year, closed, changed_at, changed_by, reason FROM report_years";

/// The closed years.
pub fn closed_years(conn: &Connection) -> Result<BTreeSet<i32>> {
    let mut stmt = conn.prepare_cached("SELECT year FROM report_years WHERE closed = 1")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The status of `year` (open and never closed when nothing is stored about it).
pub fn status(conn: &Connection, year: i32) -> Result<YearStatus> {
    limits::check_year(year, "year")?;
    Ok(conn
        .query_row(&format!("{SELECT} WHERE year = ?1"), [year], from_row)
        .optional()?
        .unwrap_or_else(|| YearStatus::never_closed(year)))
}

/// Every year that was ever closed, closed or reopened now, by year.
pub fn statuses(conn: &Connection) -> Result<Vec<YearStatus>> {
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY year"))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The figures stored when `year` was last closed (the report's JSON), if it ever was.
pub fn published_figures(conn: &Connection, year: i32) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT figures FROM report_years WHERE year = ?1",
            [year],
            |r| r.get(0),
        )
        .optional()?
        .flatten())
}

/// Closes `year`, storing `figures` (the report's JSON) as the published ones, with its
/// audit row, inside the caller's transaction. A year closed already is refused.
pub fn close_in(
    conn: &Connection,
    year: i32,
    figures: &str,
    operator: &str,
    now: DateTime<Utc>,
) -> Result<YearStatus> {
    let current = status(conn, year)?;
    if current.closed {
        return Err(Error::invalid(
            "year",
            format!(
                "{year} is closed already (since {})",
                current.changed_at.unwrap_or_default()
            ),
        ));
    }
    conn.execute(
        "INSERT INTO report_years (year, closed, changed_at, changed_by, reason, figures)
         VALUES (?1, 1, ?2, ?3, '', ?4)
         ON CONFLICT (year) DO UPDATE SET closed = 1, changed_at = excluded.changed_at,
             changed_by = excluded.changed_by, reason = '', figures = excluded.figures",
        params![year, ids::timestamp(now), operator, figures],
    )?;
    audit::log(
        conn,
        now,
        operator,
        "close",
        "report_year",
        &year.to_string(),
        None,
        "",
    )?;
    status(conn, year)
}

/// Reopens `year` in its own transaction; see [`reopen_in`].
pub fn reopen(
    conn: &mut Connection,
    year: i32,
    reason: &str,
    operator: &str,
    now: DateTime<Utc>,
) -> Result<YearStatus> {
    let tx = conn.transaction()?;
    reopen_in(&tx, year, reason, operator, now)?;
    let status = status(&tx, year)?;
    tx.commit()?;
    Ok(status)
}

/// Reopens the closed `year`, keeping `reason` (trimmed, one line, at most
/// [`REASON_MAX_CHARS`]) and the figures it was closed with, with its audit row, inside
/// the caller's transaction. A year that is not closed is refused.
pub fn reopen_in(
    conn: &Connection,
    year: i32,
    reason: &str,
    operator: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let reason = reason.trim();
    if reason.chars().count() > REASON_MAX_CHARS || reason.chars().any(char::is_control) {
        return Err(Error::invalid(
            "reason",
            format!("the reason is one line of at most {REASON_MAX_CHARS} characters"),
        ));
    }
    if !status(conn, year)?.closed {
        return Err(Error::invalid("year", format!("{year} is not closed")));
    }
    conn.execute(
        "UPDATE report_years SET closed = 0, changed_at = ?2, changed_by = ?3, reason = ?4
         WHERE year = ?1",
        params![year, ids::timestamp(now), operator, reason],
    )?;
    audit::log(
        conn,
        now,
        operator,
        "reopen",
        "report_year",
        &year.to_string(),
        None,
        reason,
    )
}

/// The refusal of a write that would change the closed `year`, naming `field`.
pub fn closed_year_refusal(year: i32, field: &'static str) -> Error {
    Error::Refused {
        reason: Refusal::ClosedYear,
        field,
        detail: Some(year.to_string()),
        message: format!(
            "{year} is closed (its report is published): reopen the year first \
             (sportello year reopen --year {year}), then close it again after republishing"
        ),
    }
}

/// Refuses a write of a record dated on any of `dates` when one of them falls in a
/// closed year ([`Refusal::ClosedYear`], naming `field` and the year).
pub fn refuse_dates(conn: &Connection, dates: &[NaiveDate], field: &'static str) -> Result<()> {
    let closed = closed_years(conn)?;
    match dates.iter().map(|d| d.year()).find(|y| closed.contains(y)) {
        Some(year) => Err(closed_year_refusal(year, field)),
        None => Ok(()),
    }
}

/// Refuses a change of a case from `old` to `new` (either absent: opened or deleted)
/// when it would change the counts of a closed year.
pub fn refuse_case_change(
    conn: &Connection,
    old: Option<&CaseSpan>,
    new: Option<&CaseSpan>,
    field: &'static str,
) -> Result<()> {
    let closed = closed_years(conn)?;
    match case_years(old, new, &closed).first() {
        Some(year) => Err(closed_year_refusal(*year, field)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 3, 12, 9, 30, 0).unwrap()
    }

    #[test]
    fn closing_and_reopening_are_kept_and_audited() {
        let mut store = Store::open_in_memory().unwrap();
        assert!(!status(store.conn(), 2023).unwrap().closed);
        let tx = store.conn_mut().transaction().unwrap();
        close_in(&tx, 2023, r#"{"desks":[]}"#, "M.R.", now()).unwrap();
        tx.commit().unwrap();
        let s = status(store.conn(), 2023).unwrap();
        assert!(s.closed && s.changed_by == "M.R.", "{s:?}");
        assert_eq!(closed_years(store.conn()).unwrap(), BTreeSet::from([2023]));
        let again = close_in(store.conn(), 2023, "{}", "M.R.", now()).unwrap_err();
        assert_eq!(again.code(), "invalid", "a closed year is not closed twice");

        let s = reopen(
            store.conn_mut(),
            2023,
            " a late file of FOL ",
            "C.T.",
            now(),
        )
        .unwrap();
        assert!(!s.closed);
        assert_eq!(
            (s.changed_by.as_str(), s.reason.as_str()),
            ("C.T.", "a late file of FOL")
        );
        assert_eq!(
            published_figures(store.conn(), 2023).unwrap().as_deref(),
            Some(r#"{"desks":[]}"#),
            "what was published stays known after reopening"
        );
        let history = audit::history(store.conn(), "report_year", "2023").unwrap();
        let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
        assert_eq!(actions, ["close", "reopen"]);
        assert_eq!(history[1].detail, "a late file of FOL");
        let not_closed = reopen(store.conn_mut(), 2023, "", "C.T.", now()).unwrap_err();
        assert_eq!(not_closed.code(), "invalid", "only a closed year reopens");
    }

    #[test]
    fn writes_in_a_closed_year_are_refused_with_the_year() {
        let store = Store::open_in_memory().unwrap();
        close_in(store.conn(), 2023, "{}", "", now()).unwrap();
        let day = |s: &str| s.parse::<NaiveDate>().unwrap();
        refuse_dates(store.conn(), &[day("2024-01-01")], "date").unwrap();
        let err = refuse_dates(
            store.conn(),
            &[day("2024-01-01"), day("2023-05-02")],
            "date",
        )
        .unwrap_err();
        match &err {
            Error::Refused {
                reason,
                detail,
                field,
                ..
            } => {
                assert_eq!(*reason, Refusal::ClosedYear);
                assert_eq!(detail.as_deref(), Some("2023"));
                assert_eq!(*field, "date");
            }
            other => panic!("not a refusal: {other:?}"),
        }
        assert!(err.to_string().contains("reopen"), "says what to do: {err}");
    }
}
