use sportello::desk::{self, Desk};
use tauri::State;

use crate::AppState;
use crate::error::IpcResult;

/// This installation's desk, or `null` before the first-run setup.
#[tauri::command(async)]
pub fn get_own_desk(state: State<'_, AppState>) -> IpcResult<Option<Desk>> {
    let store = state.store.lock().expect("store lock");
    Ok(desk::own(store.conn())?)
}
