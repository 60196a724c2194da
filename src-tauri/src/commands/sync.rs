//! Export and import: thin adapters over `sportello::exchange`.

use std::path::PathBuf;

use sportello::exchange::export::{self, ExportSummary, Selection};
use sportello::exchange::import::{self, FileReport, ImportPlan};
use sportello::exchange::receipt;
use sportello::report::closing;
use sportello::{Now, ids};
use tauri::State;

use crate::AppState;
use crate::error::IpcResult;

/// Writes the export of everything changed since the last one into `dir`, and
/// remembers `dir` as the export folder.
#[tauri::command(async)]
pub fn export_to_path(state: State<'_, AppState>, dir: String) -> IpcResult<ExportSummary> {
    state.signed()?;
    let mut store = state.store.lock().expect("store lock");
    Ok(export::export_to_folder(
        &mut store,
        Selection::SinceLast,
        &PathBuf::from(dir),
        Now::read(),
    )?)
}

/// The remembered export folder and the records not exported yet.
#[tauri::command(async)]
pub fn get_export_status(state: State<'_, AppState>) -> IpcResult<export::Status> {
    state.signed()?;
    let store = state.store.lock().expect("store lock");
    Ok(export::status(&store, Now::read().today())?)
}

/// The preview: the plan of importing `paths` (files or folders), one entry per file
/// with what it would do, and for a file that would change closed years the figures
/// that would change (`closed_years`); stores nothing. Hand it back to [`apply_import`].
#[tauri::command(async)]
pub fn plan_import(state: State<'_, AppState>, paths: Vec<String>) -> IpcResult<ImportPlan> {
    state.coordinator("importare i file degli sportelli")?;
    let mut store = state.store.lock().expect("store lock");
    let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    Ok(closing::plan_import(store.conn_mut(), &paths)?)
}

/// Applies a plan made by [`plan_import`], each file in its own transaction; a file
/// changed since the preview, or planned over records that changed since, is refused,
/// and so is a file that would change a closed year not in `reopen_years` (the years
/// whose reopening the coordinator confirmed). Then one receipt per desk goes to the
/// return folder, when one is chosen.
#[tauri::command(async)]
pub fn apply_import(
    state: State<'_, AppState>,
    plan: ImportPlan,
    reopen_years: Option<Vec<i32>>,
) -> IpcResult<Vec<FileReport>> {
    state.coordinator("importare i file degli sportelli")?;
    let mut store = state.store.lock().expect("store lock");
    let reopen = reopen_years.unwrap_or_default();
    let now = Now::read().utc();
    let reports = import::apply_reopening(store.conn_mut(), &plan, &reopen, now)?;
    // The files are stored: a receipt that cannot be written (the return folder is
    // gone) does not undo the import; the CLI's `receipts write` can write it later.
    if let Err(e) = receipt::write_after_import(store.conn(), &reports, now, ids::new_id) {
        eprintln!("receipts not written: {e}");
    }
    Ok(reports)
}

/// Per desk, the export sequence numbers received and missing, and the import log.
#[tauri::command(async)]
pub fn get_import_status(state: State<'_, AppState>) -> IpcResult<import::Status> {
    state.signed()?;
    let store = state.store.lock().expect("store lock");
    Ok(import::status(store.conn(), 30)?)
}
