use chrono::{Local, NaiveDate, Utc};
use sportello::accesses::{Access, NewAccess};
use sportello::register::{self, Context, Day, LastSave};
use tauri::State;

use crate::AppState;
use crate::error::IpcResult;

/// What the register screen needs when it opens (desk, operator, codebook, defaults).
#[tauri::command(async)]
pub fn open_register(state: State<'_, AppState>) -> IpcResult<Context> {
    let store = state.store.lock().expect("store lock");
    Ok(register::context(store.conn(), Local::now().date_naive())?)
}

/// One day of the register: accesses, counts by channel, what is still to export.
#[tauri::command(async)]
pub fn get_register_day(state: State<'_, AppState>, date: NaiveDate) -> IpcResult<Day> {
    let store = state.store.lock().expect("store lock");
    Ok(register::day(
        store.conn(),
        date,
        Local::now().date_naive(),
    )?)
}

/// Records `count` identical accesses (1 for a single one).
#[tauri::command(async)]
pub fn record_access(
    state: State<'_, AppState>,
    input: NewAccess,
    count: u32,
) -> IpcResult<Vec<Access>> {
    let mut store = state.store.lock().expect("store lock");
    Ok(register::save(store.conn_mut(), &input, count, Utc::now())?)
}

/// Corrects an access: a new revision.
#[tauri::command(async)]
pub fn correct_access(
    state: State<'_, AppState>,
    id: String,
    expected_revision: i64,
    input: NewAccess,
) -> IpcResult<Access> {
    let mut store = state.store.lock().expect("store lock");
    Ok(register::correct(
        store.conn_mut(),
        &id,
        expected_revision,
        &input,
        Utc::now(),
    )?)
}

/// Deletes an access: a tombstone.
#[tauri::command(async)]
pub fn delete_access(
    state: State<'_, AppState>,
    id: String,
    expected_revision: i64,
) -> IpcResult<Access> {
    let mut store = state.store.lock().expect("store lock");
    Ok(register::delete(
        store.conn_mut(),
        &id,
        expected_revision,
        Utc::now(),
    )?)
}

/// Undoes the register's last save (new accesses, or a correction).
#[tauri::command(async)]
pub fn undo_last_save(state: State<'_, AppState>, last: LastSave) -> IpcResult<Vec<Access>> {
    let mut store = state.store.lock().expect("store lock");
    Ok(register::undo(store.conn_mut(), &last, Utc::now())?)
}

/// The access recorded last, for "repeat last".
#[tauri::command(async)]
pub fn get_last_access(state: State<'_, AppState>) -> IpcResult<Option<Access>> {
    let store = state.store.lock().expect("store lock");
    Ok(register::last_recorded(store.conn())?)
}
