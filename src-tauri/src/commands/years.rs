//! The years of the report and their texts: thin adapters over `sportello::yearbook`
//! and `sportello::report::closing`.

use sportello::report::closing::{self, YearState};
use sportello::yearbook::{
    self,
    sections::{self, SectionId, SectionText},
};
use sportello::{Now, Store, preferences};
use tauri::State;

use crate::AppState;
use crate::error::IpcResult;

/// The operator who signs a change.
fn operator(store: &Store) -> sportello::Result<String> {
    preferences::signing_operator(store.conn())
}

/// Whether `year` is closed, whether it is over, and how its figures differ from
/// those published when it was last closed.
#[tauri::command(async)]
pub fn report_year_state(state: State<'_, AppState>, year: i32) -> IpcResult<YearState> {
    let today = Now::read().today();
    state.with_coordinator("chiudere o riaprire gli anni del rapporto", |s| {
        closing::state(s.conn(), year, today)
    })
}

/// Closes `year` once its report is published, keeping its figures as published.
#[tauri::command(async)]
pub fn close_report_year(state: State<'_, AppState>, year: i32) -> IpcResult<YearState> {
    let now = Now::read();
    state.with_coordinator("chiudere o riaprire gli anni del rapporto", |s| {
        let op = operator(s)?;
        closing::close_year(s.conn_mut(), year, &op, now)
    })
}

/// Reopens the closed `year`, saying why.
#[tauri::command(async)]
pub fn reopen_report_year(
    state: State<'_, AppState>,
    year: i32,
    reason: String,
) -> IpcResult<YearState> {
    let now = Now::read();
    state.with_coordinator("chiudere o riaprire gli anni del rapporto", |s| {
        let op = operator(s)?;
        yearbook::reopen(s.conn_mut(), year, &reason, &op, now.utc())?;
        closing::state(s.conn(), year, now.today())
    })
}

/// The three texts of `year`'s report, empty ones included.
#[tauri::command(async)]
pub fn report_texts(state: State<'_, AppState>, year: i32) -> IpcResult<Vec<SectionText>> {
    state.with_coordinator("chiudere o riaprire gli anni del rapporto", |s| {
        sections::texts(s.conn(), year)
    })
}

/// Saves one text of `year`'s report (an empty text clears it).
#[tauri::command(async)]
pub fn save_report_text(
    state: State<'_, AppState>,
    year: i32,
    section: SectionId,
    text: String,
) -> IpcResult<SectionText> {
    let now = Now::read();
    state.with_coordinator("chiudere o riaprire gli anni del rapporto", |s| {
        let op = operator(s)?;
        sections::save(s.conn_mut(), year, section, &text, &op, now.utc())
    })
}
