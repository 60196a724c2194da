use serde::Serialize;
use sportello::desk::{self, Desk};
use sportello::operators::{self, NewOperator};
use sportello::preferences::{self, Language};
use sportello::register;
use sportello::{Now, Store, demo};
use tauri::{State, WebviewWindow};

use crate::AppState;
use crate::error::IpcResult;

/// This installation's desk, or `null` before the first-run setup.
#[tauri::command(async)]
pub fn get_own_desk(state: State<'_, AppState>) -> IpcResult<Option<Desk>> {
    state.with_open(|s| desk::own(s.conn()))
}

/// The ready-made desks offered at first run (GRO, FOL, SCA).
#[tauri::command(async)]
pub fn list_desk_presets() -> Vec<Desk> {
    desk::presets()
}

/// First-run setup: this installation's desk and its first operator, a coordinator
/// (when no account exists yet), who is signed in; the window takes the desk's name.
/// Answers the recovery key of the personal data, sealed from the start (shown once).
#[tauri::command(async)]
pub fn set_up_desk(
    state: State<'_, AppState>,
    window: WebviewWindow,
    desk: Desk,
    operator: NewOperator,
) -> IpcResult<Option<String>> {
    let now = Now::read();
    let recovery_key = state.with_open(|s| {
        if desk::own(s.conn())?.is_some() {
            return Err(sportello::Error::Conflict(
                "this installation is set up already".into(),
            ));
        }
        let first = !operators::any(s.conn())?;
        if first {
            // everything is checked before the desk is written
            operators::check_new(&operator)?;
        }
        register::first_run(s.conn_mut(), &desk, &operator.name, now)?;
        if first {
            let vault = s.vault().clone();
            let op =
                operators::create_first(s.conn_mut(), &state.hasher, &vault, &operator, now.utc())?;
            let signed = super::operators::signed_in(&state, s, &op, &operator.pin, now.utc())?;
            return Ok(signed.recovery_key);
        }
        Ok(None)
    })?;
    retitle(&state, &window)?;
    Ok(recovery_key)
}

/// The window's title for the open database.
fn retitle(state: &AppState, window: &WebviewWindow) -> IpcResult<()> {
    let title = state.with_open(|s| crate::window_title(s))?;
    let _ = window.set_title(&title);
    Ok(())
}

/// Which database the window works on.
#[derive(Serialize)]
pub struct Database {
    /// The demo database (made-up records; DEMO in the header).
    demo: bool,
    /// Another database than the one the app started on: "Esci dalla demo" goes back.
    can_leave: bool,
}

#[tauri::command(async)]
pub fn database_kind(state: State<'_, AppState>) -> IpcResult<Database> {
    let home = state.home().to_path_buf();
    state.with_open(|s| {
        Ok::<_, sportello::Error>(Database {
            demo: demo::is_demo(s.conn())?,
            can_leave: s.path() != Some(home.as_path()),
        })
    })
}

/// "Prova con dati dimostrativi": the app moves to the demo database beside its real
/// one, made and filled with the 2023 demo the first time. The real one is closed,
/// untouched.
#[tauri::command(async)]
pub fn open_demo(state: State<'_, AppState>, window: WebviewWindow) -> IpcResult<()> {
    let store = demo::open_beside(state.home(), Now::read())?;
    state.replace(store);
    retitle(&state, &window)
}

/// "Esci dalla demo": back to the database the app started on.
#[tauri::command(async)]
pub fn leave_demo(state: State<'_, AppState>, window: WebviewWindow) -> IpcResult<()> {
    let store = Store::open(state.home(), Now::read().utc())?;
    state.replace(store);
    retitle(&state, &window)
}

/// The interface language chosen for this installation (Italian until changed).
#[tauri::command(async)]
pub fn get_language(state: State<'_, AppState>) -> IpcResult<Language> {
    state.with_open(|s| preferences::language(s.conn()))
}

/// Changes the interface language (`it` or `en`): a setting, so a coordinator's,
/// except at the first run, before any account exists.
#[tauri::command(async)]
pub fn set_language(state: State<'_, AppState>, language: Language) -> IpcResult<()> {
    let first_run = state.with_open(|s| operators::any(s.conn()).map(|any| !any))?;
    if first_run {
        return state.with_open(|s| preferences::set_language(s.conn(), language));
    }
    state.with_coordinator("cambiare le impostazioni", |s| {
        preferences::set_language(s.conn(), language)
    })
}
