//! The desktop shell: opens the database, registers the IPC commands, shows the window.
//!
//! Every command is a thin adapter over a core function of the `sportello` crate;
//! rules and SQL live there, never here.

mod commands;
mod error;
mod instance;
pub mod print;
mod state;

use sportello::{Now, Store};
use tauri::Manager;

pub use state::AppState;

/// The window's title: the desk's name, so the operator always sees which register
/// this is.
pub(crate) fn window_title(desk: &sportello::desk::Desk) -> String {
    format!("{} ({}) · Sportello", desk.name, desk.code)
}

/// Starts the app on the database named by `SPORTELLO_DB`, or the default one in the
/// app-data folder. A second launch on the same database brings the first window to
/// the front and exits.
pub fn run() {
    let path = match std::env::var_os("SPORTELLO_DB") {
        Some(p) => std::path::PathBuf::from(p),
        None => sportello::store::default_db_path().expect("the app-data folder is unknown"),
    };
    let guard = match instance::acquire(&path) {
        Ok(instance::Instance::First(guard)) => guard,
        Ok(instance::Instance::AlreadyRunning) => {
            eprintln!(
                "Sportello is already open on {}: its window was brought to the front",
                path.display()
            );
            return;
        }
        Err(e) => panic!("cannot lock {}: {e}", path.display()),
    };
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            let now = Now::read();
            let mut store = Store::open(&path, now.utc())?;
            // Appointments' personal data is erased on schedule, at every start.
            if let Err(e) = sportello::appointments::purge(store.conn_mut(), "", now) {
                eprintln!("sportello: appointment purge failed: {e}");
            }
            let own = sportello::desk::own(store.conn())?;
            if let Some(window) = app.get_webview_window("main") {
                if let Some(desk) = &own {
                    window.set_title(&window_title(desk))?;
                }
                guard.serve(move || {
                    let _ = window.unminimize();
                    let _ = window.show();
                    let _ = window.set_focus();
                });
            }
            app.manage(AppState::new(store));
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::desk::get_own_desk,
            commands::desk::list_desk_presets,
            commands::desk::set_up_desk,
            commands::desk::set_operator_name,
            commands::desk::set_language,
            commands::desk::get_language,
            commands::codebook::get_codebook,
            commands::accesses::open_register,
            commands::accesses::get_register_day,
            commands::accesses::record_access,
            commands::accesses::correct_access,
            commands::accesses::delete_access,
            commands::accesses::undo_last_save,
            commands::accesses::get_last_access,
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
            commands::cases::cases_overview,
            commands::cases::get_case,
            commands::cases::open_case,
            commands::cases::correct_case,
            commands::cases::close_case,
            commands::cases::delete_case,
            commands::cases::add_case_note,
            commands::cases::case_notes,
            commands::report::report_years,
            commands::report::report_tables,
            commands::report::report_completeness,
            commands::report::save_report_csv,
            commands::report::save_report_xlsx,
            commands::report::report_charts,
            commands::report::save_report_pdf,
        ])
        .run(tauri::generate_context!())
        .expect("error while running the Sportello app");
}
