use sportello::codebook::{self, Codebook};
use tauri::State;

use crate::AppState;
use crate::error::IpcResult;

/// The whole codebook, retired entries included (old records keep their labels).
#[tauri::command(async)]
pub fn get_codebook(state: State<'_, AppState>) -> IpcResult<Codebook> {
    state.with(|s| codebook::load(s.conn()))
}
