//! The desk's outbox: thin adapters over `sportello::exchange::outbox`. Exports wait in
//! the outbox beside the database until they reach the destination folder.

use std::path::Path;

use sportello::Now;
use sportello::exchange::encryption;
use sportello::exchange::export::{ExportSummary, Selection};
use sportello::exchange::outbox::{self, DeliveryReport, Destination, Outbox, RealDisk, Status};
use tauri::State;

use crate::AppState;
use crate::error::IpcResult;
use crate::outbox::Courier;

/// What waits, where it goes, the last delivery, and the closing-time offer.
#[tauri::command(async)]
pub fn get_outbox_status(state: State<'_, AppState>) -> IpcResult<Status> {
    let now = Now::read();
    state.with(|s| outbox::status(s.conn(), &Outbox::beside(s)?, now))
}

/// Chooses the destination folder (from the folder dialog).
#[tauri::command(async)]
pub fn set_outbox_destination(state: State<'_, AppState>, dir: String) -> IpcResult<Destination> {
    state.with_coordinator("cambiare le impostazioni", |s| {
        outbox::set_destination(s.conn(), &Outbox::beside(s)?, Path::new(&dir), &RealDisk)
    })
}

/// The day's export into the outbox: everything changed since the last export (an
/// empty file when nothing did, so the coordinator sees the day was sent).
#[tauri::command(async)]
pub fn export_to_outbox(state: State<'_, AppState>) -> IpcResult<ExportSummary> {
    let now = Now::read();
    state.with(|s| {
        let o = Outbox::beside(s)?;
        let seal = encryption::desk_seal(s.conn())?;
        outbox::export_to_outbox(s.conn_mut(), &o, Selection::SinceLast, seal.as_ref(), now)
    })
}

/// "Consegna ora": delivers what waits in the outbox.
#[tauri::command(async)]
pub fn deliver_outbox(
    state: State<'_, AppState>,
    courier: State<'_, Courier>,
) -> IpcResult<DeliveryReport> {
    crate::outbox::deliver(&state, &courier)
}
