use sportello::Now;
use sportello::desk::{self, Desk};
use sportello::preferences::{self, Language};
use sportello::register;
use tauri::{State, WebviewWindow};

use crate::AppState;
use crate::error::IpcResult;

/// This installation's desk, or `null` before the first-run setup.
#[tauri::command(async)]
pub fn get_own_desk(state: State<'_, AppState>) -> IpcResult<Option<Desk>> {
    state.with(|s| desk::own(s.conn()))
}

/// The ready-made desks offered at first run (GRO, FOL, SCA).
#[tauri::command(async)]
pub fn list_desk_presets() -> Vec<Desk> {
    desk::presets()
}

/// First-run setup: this installation's desk and its operator; the window takes the
/// desk's name.
#[tauri::command(async)]
pub fn set_up_desk(
    state: State<'_, AppState>,
    window: WebviewWindow,
    desk: Desk,
    operator: String,
) -> IpcResult<()> {
    let now = Now::read();
    state.with(|s| register::first_run(s.conn_mut(), &desk, &operator, now))?;
    let _ = window.set_title(&crate::window_title(&desk));
    Ok(())
}

/// Changes the operator's display name; returns it as stored.
#[tauri::command(async)]
pub fn set_operator_name(state: State<'_, AppState>, name: String) -> IpcResult<String> {
    state.with(|s| preferences::set_operator_name(s.conn(), &name))
}

/// The interface language chosen for this installation (Italian until changed).
#[tauri::command(async)]
pub fn get_language(state: State<'_, AppState>) -> IpcResult<Language> {
    state.with(|s| preferences::language(s.conn()))
}

/// Changes the interface language (`it` or `en`).
#[tauri::command(async)]
pub fn set_language(state: State<'_, AppState>, language: Language) -> IpcResult<()> {
    state.with(|s| preferences::set_language(s.conn(), language))
}
