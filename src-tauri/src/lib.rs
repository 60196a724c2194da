//! The desktop shell: opens the database, registers the IPC commands, shows the window.
//!
//! Every command is a thin adapter over a core function of the `sportello` crate;
//! rules and SQL live there, never here.

mod commands;
mod error;

use std::sync::Mutex;

use sportello::Store;
use tauri::Manager;

/// The open database, shared by every command.
pub struct AppState {
    pub store: Mutex<Store>,
}

/// Starts the app on the database named by `SPORTELLO_DB`, or the default one in the
/// app-data folder.
pub fn run() {
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            let path = match std::env::var_os("SPORTELLO_DB") {
                Some(p) => std::path::PathBuf::from(p),
                None => app.path().app_data_dir()?.join("sportello.db"),
            };
            let store = Store::open(&path, chrono::Utc::now())?;
            app.manage(AppState {
                store: Mutex::new(store),
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::desk::get_own_desk,
            commands::sync::export_to_path,
            commands::sync::get_export_status,
            commands::sync::plan_import,
            commands::sync::apply_import,
            commands::sync::get_import_status,
        ])
        .run(tauri::generate_context!())
        .expect("error while running the Sportello app");
}
