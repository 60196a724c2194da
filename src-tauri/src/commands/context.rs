//! The report's context tables (ISTAT residents of the zone): thin adapters over
//! `sportello::context`. The files to load are chosen in the open dialog.

use std::path::PathBuf;

use sportello::Now;
use sportello::context::{self, Context, Loaded};
use tauri::State;

use crate::AppState;
use crate::error::IpcResult;

/// The context tables of `year` (every desk's municipality), or null when the year has
/// none loaded.
#[tauri::command(async)]
pub fn report_context(state: State<'_, AppState>, year: i32) -> IpcResult<Option<Context>> {
    state.with_coordinator("caricare i dati di contesto del rapporto", |s| {
        context::show(s.conn(), year)
    })
}

/// Loads `year` from the ISTAT files at `paths` (CSV or ZIP), replacing what it held; a
/// problem in any file stores nothing and names the file, line and column.
#[tauri::command(async)]
pub fn load_context(
    state: State<'_, AppState>,
    year: i32,
    paths: Vec<PathBuf>,
) -> IpcResult<Loaded> {
    let now = Now::read().utc();
    state.with_coordinator("caricare i dati di contesto del rapporto", |s| {
        context::load(s.conn_mut(), year, &paths, now)
    })
}
