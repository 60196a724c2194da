//! The desktop shell: opens the database, registers the IPC commands, shows the window.
//!
//! Every command is a thin adapter over a core function of the `sportello` crate;
//! rules and SQL live there, never here.

mod commands;
mod error;
#[cfg(target_os = "linux")]
pub mod print;

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
            let mut store = Store::open(&path, chrono::Utc::now())?;
            // Appointments' personal data is erased on schedule, at every start.
            if let Err(e) = sportello::appointments::purge(
                store.conn_mut(),
                chrono::Local::now().date_naive(),
                "",
                chrono::Utc::now(),
            ) {
                eprintln!("sportello: appointment purge failed: {e}");
            }
            app.manage(AppState {
                store: Mutex::new(store),
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::desk::get_own_desk,
            commands::appointments::list_appointment_kinds,
            commands::appointments::list_slip_languages,
            commands::appointments::next_free_slots,
            commands::appointments::free_slots_on,
            commands::appointments::desk_closed_reason,
            commands::appointments::book_appointment,
            commands::appointments::reschedule_appointment,
            commands::appointments::cancel_appointment,
            commands::appointments::mark_appointment,
            commands::appointments::appointments_agenda,
            commands::appointments::appointments_for_access,
            commands::appointments::find_appointment,
            commands::appointments::purge_appointments,
            commands::appointments::suggested_slip_path,
            commands::appointments::save_appointment_slip_pdf,
            commands::appointments::print_appointment_slip,
            commands::appointments::print_agenda,
            commands::sync::export_to_path,
            commands::sync::get_export_status,
            commands::sync::plan_import,
            commands::sync::apply_import,
            commands::sync::get_import_status,
        ])
        .run(tauri::generate_context!())
        .expect("error while running the Sportello app");
}
