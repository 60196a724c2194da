//! Backups from the app's settings: thin adapters over `sportello::store::backup`.

use std::path::{Path, PathBuf};

use sportello::store::backup::{self, AppLock, Backup, Restored, Status};
use sportello::{Error, Now, Store, demo, preferences};
use tauri::{State, WebviewWindow};

use crate::AppState;
use crate::error::IpcResult;

fn db_path(store: &Store) -> sportello::Result<PathBuf> {
    store
        .path()
        .map(Path::to_path_buf)
        .ok_or_else(|| Error::invalid("database", "a database in memory has no backups"))
}

/// The backup folder, the backups in it, and whether the last good one is too old
/// (never on the demo database, which is not backed up: its records are made up).
#[tauri::command(async)]
pub fn get_backup_status(state: State<'_, AppState>) -> IpcResult<Status> {
    state.with(|s| {
        let mut status = backup::status(s.conn(), &db_path(s)?, Now::read().utc())?;
        status.stale &= !demo::is_demo(s.conn())?;
        Ok::<_, Error>(status)
    })
}

/// "Esegui backup ora": a verified backup into the backup folder, then the rotation.
#[tauri::command(async)]
pub fn take_backup(state: State<'_, AppState>) -> IpcResult<Backup> {
    state.with(|s| backup::take(s.conn(), &db_path(s)?, None, Now::read().utc()))
}

/// Chooses the backup folder (from the folder dialog); `None` goes back to the default.
#[tauri::command(async)]
pub fn set_backup_folder(state: State<'_, AppState>, dir: Option<String>) -> IpcResult<Status> {
    state.with_coordinator("scegliere la cartella dei backup", |s| {
        let op = preferences::signing_operator(s.conn())?;
        let now = Now::read().utc();
        if let Some(dir) = &dir {
            crate::paths::folder_to_write(Path::new(dir), &db_path(s)?)?;
        }
        backup::set_folder(s.conn_mut(), dir.as_deref().map(Path::new), &op, now)?;
        backup::status(s.conn(), &db_path(s)?, now)
    })
}

/// Checks a file chosen to restore, before the confirmation: its schema version.
#[tauri::command(async)]
pub fn check_backup_file(path: String) -> IpcResult<i64> {
    backup::check_file(Path::new(&path)).map_err(Into::into)
}

/// Restores the open (real) database from the backup at `path`, then reopens it.
#[tauri::command(async)]
pub fn restore_backup(
    state: State<'_, AppState>,
    window: WebviewWindow,
    path: String,
) -> IpcResult<Restored> {
    let op = state.with_coordinator("ripristinare un backup", |s| {
        if demo::is_demo(s.conn())? {
            return Err(Error::invalid(
                "database",
                "this is the demo database: leave the demo to restore the real one",
            ));
        }
        preferences::signing_operator(s.conn())
    })?;
    let file = PathBuf::from(path);
    let now = Now::read().utc();
    // The restored copy opens with nobody signed in (its accounts are the copy's): the
    // restore is written to its log under the coordinator who made it.
    let restored =
        state.while_closed(|db| backup::restore(db, &file, AppLock::HeldByCaller, now))?;
    state.with_open(|s| backup::log(s.conn(), now, &op, "restore", &file))?;
    if let Ok(title) = state.with_open(|s| crate::window_title(s)) {
        let _ = window.set_title(&title);
    }
    Ok(restored)
}
