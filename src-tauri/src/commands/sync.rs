//! Export and import: thin adapters over `sportello::{export, import}`.

use std::path::PathBuf;

use chrono::{Local, Utc};
use sportello::export::{self, ExportSummary, Selection};
use sportello::import::{self, FileReport};
use tauri::State;

use crate::AppState;
use crate::error::IpcResult;

/// Writes the export of everything changed since the last one into `dir`, and
/// remembers `dir` as the export folder.
#[tauri::command(async)]
pub fn export_to_path(state: State<'_, AppState>, dir: String) -> IpcResult<ExportSummary> {
    let mut store = state.store.lock().expect("store lock");
    let today = Local::now().date_naive();
    Ok(export::export_to_folder(
        &mut store,
        Selection::SinceLast,
        &PathBuf::from(dir),
        today,
        Utc::now(),
    )?)
}

/// The remembered export folder and the records not exported yet.
#[tauri::command(async)]
pub fn get_export_status(state: State<'_, AppState>) -> IpcResult<export::Status> {
    let store = state.store.lock().expect("store lock");
    Ok(export::status(&store, Local::now().date_naive())?)
}

/// The dry run: what importing `paths` (files or folders) would do; stores nothing.
#[tauri::command(async)]
pub fn plan_import(state: State<'_, AppState>, paths: Vec<String>) -> IpcResult<Vec<FileReport>> {
    let mut store = state.store.lock().expect("store lock");
    let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    Ok(import::import_paths(
        store.conn_mut(),
        &paths,
        true,
        Utc::now(),
    )?)
}

/// Imports `paths` (files or folders), each file in its own transaction.
#[tauri::command(async)]
pub fn apply_import(state: State<'_, AppState>, paths: Vec<String>) -> IpcResult<Vec<FileReport>> {
    let mut store = state.store.lock().expect("store lock");
    let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    Ok(import::import_paths(
        store.conn_mut(),
        &paths,
        false,
        Utc::now(),
    )?)
}

/// Per desk, the export sequence numbers received and missing, and the import log.
#[tauri::command(async)]
pub fn get_import_status(state: State<'_, AppState>) -> IpcResult<import::Status> {
    let store = state.store.lock().expect("store lock");
    Ok(import::status(store.conn(), 30)?)
}
