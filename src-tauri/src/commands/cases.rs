//! Accompaniment cases: thin adapters over `sportello::cases`. The personal file and
//! the notes reach the window of this machine only.

use chrono::NaiveDate;
use sportello::cases::{self, Case, CaseNote, NewCase, Overview};
use sportello::{Now, Store, preferences};
use tauri::State;

use crate::AppState;
use crate::error::IpcResult;

/// The operator who signs a change.
fn operator(store: &Store) -> sportello::Result<String> {
    preferences::signing_operator(store.conn())
}

/// The cases view of `year`: the report's counts, open, archived and fast cases.
#[tauri::command(async)]
pub fn cases_overview(state: State<'_, AppState>, year: i32) -> IpcResult<Overview> {
    let now = Now::read();
    state.with(|s| cases::overview(s.conn(), year, now.today()))
}

/// One case, with its personal file.
#[tauri::command(async)]
pub fn get_case(state: State<'_, AppState>, id: String) -> IpcResult<Case> {
    state.with(|s| cases::get(s.conn(), &id))
}

/// Opens a case (full or fast) at this desk.
#[tauri::command(async)]
pub fn open_case(state: State<'_, AppState>, input: NewCase) -> IpcResult<Case> {
    let now = Now::read();
    state.with(|s| {
        let op = operator(s)?;
        cases::open(s.conn_mut(), &input, &op, now)
    })
}

/// Corrects every field of a case seen at `expected_revision`.
#[tauri::command(async)]
pub fn correct_case(
    state: State<'_, AppState>,
    id: String,
    expected_revision: i64,
    input: NewCase,
) -> IpcResult<Case> {
    let now = Now::read();
    state.with(|s| {
        let op = operator(s)?;
        cases::correct(s.conn_mut(), &id, expected_revision, &input, &op, now)
    })
}

/// Closes (archives) a case on `closed_on`.
#[tauri::command(async)]
pub fn close_case(
    state: State<'_, AppState>,
    id: String,
    expected_revision: i64,
    closed_on: NaiveDate,
) -> IpcResult<Case> {
    let now = Now::read();
    state.with(|s| {
        let op = operator(s)?;
        cases::close(s.conn_mut(), &id, expected_revision, closed_on, &op, now)
    })
}

/// Deletes a case (a tombstone; its personal file and notes are erased).
#[tauri::command(async)]
pub fn delete_case(
    state: State<'_, AppState>,
    id: String,
    expected_revision: i64,
) -> IpcResult<Case> {
    let now = Now::read();
    state.with(|s| {
        let op = operator(s)?;
        cases::delete(s.conn_mut(), &id, expected_revision, &op, now)
    })
}

/// Adds a follow-up note to a case.
#[tauri::command(async)]
pub fn add_case_note(
    state: State<'_, AppState>,
    case_id: String,
    body: String,
) -> IpcResult<CaseNote> {
    let now = Now::read();
    state.with(|s| {
        let op = operator(s)?;
        cases::add_note(s.conn(), &case_id, &body, &op, now)
    })
}

/// The notes of a case, oldest first.
#[tauri::command(async)]
pub fn case_notes(state: State<'_, AppState>, case_id: String) -> IpcResult<Vec<CaseNote>> {
    state.with(|s| cases::notes(s.conn(), &case_id))
}
