//! The yearly report view: thin adapters over `sportello::report`. The view shows the
//! exact tables and charts (the coordinator's own screen); the CSV, the XLSX and the
//! PDF it saves protect small cells unless the exact internal copy is asked for.

use std::path::PathBuf;

use sportello::Now;
use sportello::codebook;
use sportello::report::charts::{self, Chart};
use sportello::report::completeness::{self, DeskCompleteness};
use sportello::report::publish::DEFAULT_K;
use sportello::report::tables::{self, Tables, Years};
use sportello::report::{csv, html, xlsx};
use tauri::{AppHandle, State};

use crate::AppState;
use crate::error::IpcResult;
use crate::print::Page;

/// The first and last year with accesses, or null on an empty register.
#[tauri::command(async)]
pub fn report_years(state: State<'_, AppState>) -> IpcResult<Option<Years>> {
    state.with_coordinator("consultare e salvare il rapporto", |s| {
        tables::years(s.conn())
    })
}

/// Every table of the report of `year`, over every desk or only `desk`; exact counts.
#[tauri::command(async)]
pub fn report_tables(
    state: State<'_, AppState>,
    year: i32,
    desk: Option<String>,
) -> IpcResult<Tables> {
    state.with_coordinator("consultare e salvare il rapporto", |s| {
        tables::build(s.conn(), year, desk.as_deref())
    })
}

/// Per desk of `year`: the opening days without records and the export files missing
/// (the "Completezza" box above the tables); the current year counts up to today.
#[tauri::command(async)]
pub fn report_completeness(
    state: State<'_, AppState>,
    year: i32,
) -> IpcResult<Vec<DeskCompleteness>> {
    let today = Now::read().today();
    state.with_coordinator("consultare e salvare il rapporto", |s| {
        completeness::completeness(s.conn(), year, today)
    })
}

/// Writes the report's CSV to `path` (chosen in the save dialog) atomically: small
/// cells protected with the default threshold, or exact counts when `exact`.
#[tauri::command(async)]
pub fn save_report_csv(
    state: State<'_, AppState>,
    year: i32,
    desk: Option<String>,
    exact: bool,
    path: PathBuf,
) -> IpcResult<PathBuf> {
    crate::paths::file_to_write(&path, "csv", state.home())?;
    state.with_coordinator("consultare e salvare il rapporto", |s| {
        let t = tables::build(s.conn(), year, desk.as_deref())?;
        csv::save(&t, (!exact).then_some(DEFAULT_K), &path)
    })
}

/// Writes the report's workbook to `path` (chosen in the save dialog) atomically, as
/// [`save_report_csv`] does the CSV: small cells protected, or exact when `exact`.
#[tauri::command(async)]
pub fn save_report_xlsx(
    state: State<'_, AppState>,
    year: i32,
    desk: Option<String>,
    exact: bool,
    path: PathBuf,
) -> IpcResult<PathBuf> {
    crate::paths::file_to_write(&path, "xlsx", state.home())?;
    state.with_coordinator("consultare e salvare il rapporto", |s| {
        let t = tables::build(s.conn(), year, desk.as_deref())?;
        let cb = codebook::load(s.conn())?;
        xlsx::save(&path, &t, &cb, (!exact).then_some(DEFAULT_K))
    })
}

/// The four charts of `year` for `desk` (or every desk's sum), as SVG; exact, as the
/// tables beside them.
#[tauri::command(async)]
pub fn report_charts(
    state: State<'_, AppState>,
    year: i32,
    desk: Option<String>,
) -> IpcResult<Vec<Chart>> {
    state.with_coordinator("consultare e salvare il rapporto", |s| {
        charts::of_year(s.conn(), year, desk.as_deref(), None)
    })
}

/// Writes the printable report (A4, tables and charts) as a PDF at `path` (chosen in
/// the save dialog) through the app's own print engine: small cells protected with the
/// default threshold, or exact when `exact`. Returns the path written.
#[tauri::command]
pub async fn save_report_pdf(
    app: AppHandle,
    state: State<'_, AppState>,
    year: i32,
    desk: Option<String>,
    exact: bool,
    path: PathBuf,
) -> IpcResult<PathBuf> {
    crate::print::save_pdf(app, Page::report(), path, || {
        let k = (!exact).then_some(DEFAULT_K);
        state.with_coordinator("consultare e salvare il rapporto", |s| {
            html::report(s.conn(), year, desk.as_deref(), k)
        })
    })
    .await
}
