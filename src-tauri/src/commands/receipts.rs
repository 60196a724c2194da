//! The coordinator's receipts: thin adapters over `sportello::exchange::receipt` and
//! the outbox's redelivery.

use std::path::PathBuf;

use sportello::Now;
use sportello::exchange::outbox::{self, Outbox};
use sportello::exchange::receipt::{self, ReadReceipt, Standing};
use tauri::State;

use crate::AppState;
use crate::error::IpcResult;

/// "Leggi ricevuta…": reads and takes the receipts chosen (files or folders).
#[tauri::command(async)]
pub fn read_receipts(
    state: State<'_, AppState>,
    paths: Vec<String>,
) -> IpcResult<Vec<ReadReceipt>> {
    let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
    state.with(|s| {
        let op = sportello::preferences::signing_operator(s.conn())?;
        receipt::read_paths(s.conn_mut(), &paths, &op, Now::read().utc())
    })
}

/// The receipts of this desk the coordinator left at the destination, read and taken
/// (as `sportello sync` does); none without a destination.
#[tauri::command(async)]
pub fn read_destination_receipts(state: State<'_, AppState>) -> IpcResult<Vec<ReadReceipt>> {
    state.with(|s| {
        let op = sportello::preferences::signing_operator(s.conn())?;
        let destination = outbox::destination(s.conn())?;
        outbox::read_receipts(s.conn_mut(), destination.as_ref(), &op, Now::read())
    })
}

/// What the coordinator has received from this desk, as the last receipt says.
#[tauri::command(async)]
pub fn get_receipt_standing(state: State<'_, AppState>) -> IpcResult<Option<Standing>> {
    state.with(|s| receipt::standing(s.conn()))
}

/// Puts the delivered file of export `sequence` back into the outbox.
#[tauri::command(async)]
pub fn redeliver_export(state: State<'_, AppState>, sequence: i64) -> IpcResult<String> {
    state.with(|s| outbox::redeliver(s.conn(), &Outbox::beside(s)?, sequence))
}

/// The coordinator's return folder for receipts (`None`: receipts are not written).
#[tauri::command(async)]
pub fn get_receipts_folder(state: State<'_, AppState>) -> IpcResult<Option<String>> {
    state.with(|s| receipt::folder(s.conn()).map(|d| d.map(|d| d.to_string_lossy().into_owned())))
}

/// Chooses the return folder (from the folder dialog).
#[tauri::command(async)]
pub fn set_receipts_folder(state: State<'_, AppState>, dir: String) -> IpcResult<()> {
    state.with_coordinator("cambiare le impostazioni", |s| {
        receipt::set_folder(s.conn(), &PathBuf::from(dir))
    })
}
