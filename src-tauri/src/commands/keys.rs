//! Encryption of the export files: thin adapters over `sportello::exchange::encryption`.
//! The private key never crosses IPC: only the public key and where the file is.

use std::path::Path;

use sportello::exchange::encryption::{self, Status, keys};
use sportello::{Error, Now};
use tauri::State;

use crate::AppState;
use crate::error::IpcResult;

fn db_path(store: &sportello::Store) -> Result<&Path, Error> {
    store
        .path()
        .ok_or_else(|| Error::invalid("db", "a database in memory has no folder for keys"))
}

/// The desk's recipient, the coordinator's key pair and "require encryption".
#[tauri::command(async)]
pub fn get_encryption_status(state: State<'_, AppState>) -> IpcResult<Status> {
    state.with(|s| encryption::status(s.conn(), s.path()))
}

/// (desk) Sets or clears (`null`, "") the coordinator's public key.
#[tauri::command(async)]
pub fn set_encryption_recipient(
    state: State<'_, AppState>,
    recipient: Option<String>,
) -> IpcResult<Option<String>> {
    let now = Now::read().utc();
    state.with_coordinator("cambiare le impostazioni della cifratura", |s| {
        encryption::set_recipient(s.conn(), recipient.as_deref(), now)
    })
}

/// (coordinator) "Crea chiavi": the key pair, and its backup at `backup` under
/// `passphrase`.
#[tauri::command(async)]
pub fn create_keys(
    state: State<'_, AppState>,
    backup: String,
    passphrase: String,
) -> IpcResult<keys::KeyPair> {
    let now = Now::read().utc();
    state.with_coordinator("cambiare le impostazioni della cifratura", |s| {
        keys::init_with_backup(db_path(s)?, Path::new(&backup), passphrase.into(), now)
    })
}

/// (coordinator) "Richiedi cifratura": refuse plain files on import.
#[tauri::command(async)]
pub fn set_encryption_required(state: State<'_, AppState>, required: bool) -> IpcResult<bool> {
    let now = Now::read().utc();
    state.with_coordinator("cambiare le impostazioni della cifratura", |s| {
        encryption::set_required(s.conn(), required, now)?;
        encryption::required(s.conn())
    })
}
