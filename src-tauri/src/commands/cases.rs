//! Accompaniment cases: thin adapters over `sportello::cases`. The desk's local date
//! (`Local::now()`) is the only clock read: it gives "today" for the days open.
//! The personal file and the notes reach the window of this machine only.

use chrono::{Local, NaiveDate, Utc};
use sportello::cases::{self, Case, CaseNote, NewCase, Overview};
use tauri::State;

use crate::AppState;
use crate::error::IpcResult;

/// The cases view of `year`: the report's counts, open, archived and fast cases.
#[tauri::command(async)]
pub fn cases_overview(state: State<'_, AppState>, year: i32) -> IpcResult<Overview> {
    let store = state.store.lock().expect("store lock");
    Ok(cases::overview(
        store.conn(),
        year,
        Local::now().date_naive(),
    )?)
}

/// One case, with its personal file.
#[tauri::command(async)]
pub fn get_case(state: State<'_, AppState>, id: String) -> IpcResult<Case> {
    let store = state.store.lock().expect("store lock");
    Ok(cases::get(store.conn(), &id)?)
}

/// Opens a case (full or fast) at this desk.
#[tauri::command(async)]
pub fn open_case(state: State<'_, AppState>, input: NewCase) -> IpcResult<Case> {
    let mut store = state.store.lock().expect("store lock");
    let op = sportello::preferences::signing_operator(store.conn())?;
    Ok(cases::open(store.conn_mut(), &input, &op, Utc::now())?)
}

/// Corrects every field of a case seen at `expected_revision`.
#[tauri::command(async)]
pub fn correct_case(
    state: State<'_, AppState>,
    id: String,
    expected_revision: i64,
    input: NewCase,
) -> IpcResult<Case> {
    let mut store = state.store.lock().expect("store lock");
    let op = sportello::preferences::signing_operator(store.conn())?;
    Ok(cases::correct(
        store.conn_mut(),
        &id,
        expected_revision,
        &input,
        &op,
        Utc::now(),
    )?)
}

/// Closes (archives) a case on `closed_on`.
#[tauri::command(async)]
pub fn close_case(
    state: State<'_, AppState>,
    id: String,
    expected_revision: i64,
    closed_on: NaiveDate,
) -> IpcResult<Case> {
    let mut store = state.store.lock().expect("store lock");
    let op = sportello::preferences::signing_operator(store.conn())?;
    Ok(cases::close(
        store.conn_mut(),
        &id,
        expected_revision,
        closed_on,
        &op,
        Utc::now(),
    )?)
}

/// Deletes a case (a tombstone; its personal file and notes are erased).
#[tauri::command(async)]
pub fn delete_case(
    state: State<'_, AppState>,
    id: String,
    expected_revision: i64,
) -> IpcResult<Case> {
    let mut store = state.store.lock().expect("store lock");
    let op = sportello::preferences::signing_operator(store.conn())?;
    Ok(cases::delete(
        store.conn_mut(),
        &id,
        expected_revision,
        &op,
        Utc::now(),
    )?)
}

/// Adds a follow-up note to a case.
#[tauri::command(async)]
pub fn add_case_note(
    state: State<'_, AppState>,
    case_id: String,
    body: String,
) -> IpcResult<CaseNote> {
    let store = state.store.lock().expect("store lock");
    let op = sportello::preferences::signing_operator(store.conn())?;
    Ok(cases::add_note(
        store.conn(),
        &case_id,
        &body,
        &op,
        Utc::now(),
    )?)
}

/// The notes of a case, oldest first.
#[tauri::command(async)]
pub fn case_notes(state: State<'_, AppState>, case_id: String) -> IpcResult<Vec<CaseNote>> {
    let store = state.store.lock().expect("store lock");
    Ok(cases::notes(store.conn(), &case_id)?)
}
