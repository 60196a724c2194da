//! The desktop shell: opens the database, registers the IPC commands, shows the window.
//!
//! Every command is a thin adapter over a core function of the `sportello` crate;
//! rules and SQL live there, never here.

mod backup;
mod commands;
mod error;
mod inbox;
mod instance;
mod outbox;
mod paths;
pub mod print;
mod purge;
mod session;
mod state;
mod surface;
mod viewer;

use sportello::{Now, Store};
use tauri::Manager;

pub use state::AppState;

/// The window's title: the desk's name, so the operator always sees which register
/// this is, and DEMO first on the demo database.
pub(crate) fn window_title(store: &Store) -> sportello::Result<String> {
    let desk = sportello::desk::own(store.conn())?;
    let name = match desk {
        Some(d) => format!("{} ({}) · Sportello", d.name, d.code),
        None => "Sportello".to_string(),
    };
    Ok(if sportello::demo::is_demo(store.conn())? {
        format!("DEMO · {name}")
    } else {
        name
    })
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
        .manage(outbox::Courier::default())
        .manage(inbox::Watch::default())
        .on_window_event(outbox::on_window_event)
        .setup(move |app| {
            let now = Now::read();
            let mut store = Store::open(&path, now.utc())?;
            // Personal data past its retention is erased at every start, then daily.
            purge::run(&mut store, now);
            // then the daily backup, when the last good one is over a day old
            backup::run_if_due(&store, now);
            if let Some(window) = app.get_webview_window("main") {
                window.set_title(&window_title(&store)?)?;
                guard.serve(move || {
                    let _ = window.unminimize();
                    let _ = window.show();
                    let _ = window.set_focus();
                });
            }
            app.manage(AppState::new(store));
            // What waits in the outbox goes now, and every few minutes after.
            outbox::start_background(app.handle());
            // The coordinator's inbox is looked at now, and every few minutes after.
            inbox::start_background(app.handle());
            purge::every_day(app.handle().clone());
            // the data key leaves memory as soon as the personal areas lock
            session::watch_idle(app.handle().clone());
            backup::every_hour(app.handle().clone());
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::desk::get_own_desk,
            commands::desk::list_desk_presets,
            commands::desk::set_up_desk,
            commands::operators::session_state,
            commands::operators::sign_in,
            commands::operators::recover_with_key,
            commands::operators::new_recovery_key,
            commands::operators::create_first_operator,
            commands::operators::sign_out,
            commands::operators::note_activity,
            commands::operators::lock_now,
            commands::operators::unlock,
            commands::operators::change_own_pin,
            commands::operators::list_operators,
            commands::operators::create_operator,
            commands::operators::reset_operator_pin,
            commands::operators::retire_operator,
            commands::operators::set_lock_minutes,
            commands::desk::set_language,
            commands::desk::get_language,
            commands::desk::database_kind,
            commands::desk::open_demo,
            commands::desk::leave_demo,
            commands::codebook::get_codebook,
            commands::accesses::open_register,
            commands::accesses::get_register_day,
            commands::accesses::choose_register_profile,
            commands::accesses::hidden_register_profiles,
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
            commands::outbox::get_outbox_status,
            commands::outbox::set_outbox_destination,
            commands::outbox::export_to_outbox,
            commands::outbox::deliver_outbox,
            commands::keys::get_encryption_status,
            commands::keys::set_encryption_recipient,
            commands::keys::create_keys,
            commands::keys::set_encryption_required,
            commands::receipts::read_receipts,
            commands::receipts::read_destination_receipts,
            commands::receipts::get_receipt_standing,
            commands::receipts::redeliver_export,
            commands::receipts::get_receipts_folder,
            commands::receipts::set_receipts_folder,
            inbox::get_inbox,
            inbox::get_inbox_folders,
            inbox::set_inbox_folders,
            inbox::confirm_inbox,
            outbox::close_window,
            outbox::keep_window_open,
            commands::cases::cases_overview,
            commands::cases::get_case,
            commands::cases::open_case,
            commands::cases::correct_case,
            commands::cases::close_case,
            commands::cases::delete_case,
            commands::cases::add_case_note,
            commands::cases::case_notes,
            commands::cases::reopen_case,
            commands::cases::erase_case_personal_data,
            commands::cases::add_case_follow_up,
            commands::cases::cases_due_this_week,
            commands::cases::case_service_kinds,
            commands::cases::case_services,
            commands::cases::involve_case_service,
            commands::cases::withdraw_case_service,
            commands::cases::attach_case_documents,
            commands::cases::case_documents,
            commands::cases::open_case_document,
            commands::cases::remove_case_document,
            commands::case_papers::suggested_notice_path,
            commands::case_papers::save_case_notice_pdf,
            commands::case_papers::print_case_notice,
            commands::case_papers::record_case_notice,
            commands::case_papers::case_notices,
            commands::case_papers::print_case_file,
            commands::report::report_years,
            commands::report::report_tables,
            commands::report::report_completeness,
            commands::report::save_report_csv,
            commands::report::save_report_xlsx,
            commands::years::report_year_state,
            commands::years::close_report_year,
            commands::years::reopen_report_year,
            commands::years::report_texts,
            commands::years::save_report_text,
            commands::context::report_context,
            commands::context::load_context,
            commands::report::report_charts,
            commands::report::save_report_pdf,
            commands::backup::get_backup_status,
            commands::backup::take_backup,
            commands::backup::set_backup_folder,
            commands::backup::check_backup_file,
            commands::backup::restore_backup,
        ])
        .build(tauri::generate_context!())
        .expect("error while running the Sportello app")
        .run(|app, event| {
            // closing: the data key leaves memory and the copies opened for viewing
            // are erased (the process's end would not run the session's destructor)
            if let (tauri::RunEvent::Exit, Some(state)) = (event, app.try_state::<AppState>()) {
                state.session().sign_out_at_exit();
            }
        });
}
