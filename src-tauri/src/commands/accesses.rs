//! The access register: thin adapters over `sportello::register`.

use chrono::NaiveDate;
use serde::Serialize;
use sportello::Now;
use sportello::exchange::export::{Pending, pending};
use sportello::register::accesses::{Access, NewAccess};
use sportello::register::{self, Context, Day, LastSave, Recorded, profiles};
use tauri::State;

use crate::AppState;
use crate::error::IpcResult;

/// What the register screen needs when it opens (desk, operator, codebook, defaults).
#[tauri::command(async)]
pub fn open_register(state: State<'_, AppState>) -> IpcResult<Context> {
    let now = Now::read();
    state.with(|s| register::context(s.conn(), now.today()))
}

/// One day of the register and, as of today, what is still to export: the status
/// line shows them together.
#[derive(Serialize)]
pub struct RegisterDay {
    #[serde(flatten)]
    day: Day,
    unexported: Pending,
}

/// One day of the register: accesses, counts by channel, what is still to export.
#[tauri::command(async)]
pub fn get_register_day(state: State<'_, AppState>, date: NaiveDate) -> IpcResult<RegisterDay> {
    let now = Now::read();
    state.with(|s| {
        Ok::<_, sportello::Error>(RegisterDay {
            day: register::day(s.conn(), date)?,
            unexported: pending(s.conn(), now.today())?,
        })
    })
}

/// Records `count` identical accesses (1 for a single one), with the follow-ups offered.
#[tauri::command(async)]
pub fn record_access(
    state: State<'_, AppState>,
    input: NewAccess,
    count: u32,
) -> IpcResult<Recorded> {
    let now = Now::read();
    state.with(|s| register::save(s.conn_mut(), &input, count, now))
}

/// Corrects an access: a new revision.
#[tauri::command(async)]
pub fn correct_access(
    state: State<'_, AppState>,
    id: String,
    expected_revision: i64,
    input: NewAccess,
) -> IpcResult<Access> {
    let now = Now::read();
    state.with(|s| register::correct(s.conn_mut(), &id, expected_revision, &input, now))
}

/// Deletes an access: a tombstone.
#[tauri::command(async)]
pub fn delete_access(
    state: State<'_, AppState>,
    id: String,
    expected_revision: i64,
) -> IpcResult<Access> {
    let now = Now::read();
    state.with(|s| register::delete(s.conn_mut(), &id, expected_revision, now))
}

/// Undoes the register's last save (new accesses, or a correction).
#[tauri::command(async)]
pub fn undo_last_save(state: State<'_, AppState>, last: LastSave) -> IpcResult<Vec<Access>> {
    let now = Now::read();
    state.with(|s| register::undo(s.conn_mut(), &last, now))
}

/// The access recorded last, for "repeat last".
#[tauri::command(async)]
pub fn get_last_access(state: State<'_, AppState>) -> IpcResult<Option<Access>> {
    state.with(|s| register::last_recorded(s.conn()))
}

/// Pins, hides or puts back a frequent profile of the register.
#[tauri::command(async)]
pub fn choose_register_profile(
    state: State<'_, AppState>,
    key: String,
    choice: profiles::Choice,
) -> IpcResult<()> {
    let now = Now::read();
    state.with(|s| profiles::choose(s.conn(), &key, choice, now.utc()))
}

/// The profiles the operator hid, to put one back.
#[tauri::command(async)]
pub fn hidden_register_profiles(state: State<'_, AppState>) -> IpcResult<Vec<profiles::Profile>> {
    state.with(|s| profiles::hidden(s.conn()))
}
