//! Back-office appointments: thin adapters over `sportello::appointments` and
//! `sportello::slip`, plus printing through the window's own engine (`crate::print`).
//!
//! Bookings take the desk's local time here (`Local::now()`), the only clock read.
//! The register books from an access with `book_appointment` and `input.access_id`.

use std::path::PathBuf;

use chrono::{Local, NaiveDate, Utc};
use sportello::Error;
use sportello::appointments::{
    self, Appointment, Kind, NewAppointment, Outcome, PurgeReport, Slot,
};
use sportello::slip::{self, LanguageInfo, Layout};
use tauri::{AppHandle, State, WebviewWindow};

use crate::AppState;
use crate::error::{IpcError, IpcResult};

/// Every appointment kind with its slot length and documents to bring.
#[tauri::command(async)]
pub fn list_appointment_kinds(state: State<'_, AppState>) -> IpcResult<Vec<Kind>> {
    let store = state.store.lock().expect("store lock");
    Ok(appointments::kinds(store.conn())?)
}

/// The languages a slip can be printed in (Italian first).
#[tauri::command(async)]
pub fn list_slip_languages() -> IpcResult<Vec<LanguageInfo>> {
    Ok(slip::languages()?)
}

/// The next free slots of `kind`, soonest first.
#[tauri::command(async)]
pub fn next_free_slots(
    state: State<'_, AppState>,
    kind: String,
    limit: usize,
) -> IpcResult<Vec<Slot>> {
    let store = state.store.lock().expect("store lock");
    Ok(appointments::next_free_slots(
        store.conn(),
        &kind,
        Local::now().fixed_offset(),
        limit.min(100),
    )?)
}

/// The free slots of `kind` on `day`.
#[tauri::command(async)]
pub fn free_slots_on(
    state: State<'_, AppState>,
    kind: String,
    day: NaiveDate,
) -> IpcResult<Vec<Slot>> {
    let store = state.store.lock().expect("store lock");
    Ok(appointments::free_slots_on(
        store.conn(),
        &kind,
        day,
        Local::now().fixed_offset(),
    )?)
}

/// Why this desk is closed on `day` (a public holiday's name, or the closure's reason),
/// or `null` when it is open.
#[tauri::command(async)]
pub fn desk_closed_reason(state: State<'_, AppState>, day: NaiveDate) -> IpcResult<Option<String>> {
    let store = state.store.lock().expect("store lock");
    let desk = sportello::desk::own_code(store.conn())?;
    Ok(appointments::closed_reason(store.conn(), &desk, day)?)
}

/// Books an appointment (from an access when `input.access_id` is set).
#[tauri::command(async)]
pub fn book_appointment(
    state: State<'_, AppState>,
    input: NewAppointment,
) -> IpcResult<Appointment> {
    let mut store = state.store.lock().expect("store lock");
    let op = sportello::preferences::signing_operator(store.conn())?;
    Ok(appointments::book(
        store.conn_mut(),
        &input,
        &op,
        Local::now().fixed_offset(),
    )?)
}

/// Moves a booked appointment to another free slot.
#[tauri::command(async)]
pub fn reschedule_appointment(
    state: State<'_, AppState>,
    id: String,
    day: NaiveDate,
    starts: String,
) -> IpcResult<Appointment> {
    let mut store = state.store.lock().expect("store lock");
    let op = sportello::preferences::signing_operator(store.conn())?;
    Ok(appointments::reschedule(
        store.conn_mut(),
        &id,
        day,
        &starts,
        &op,
        Local::now().fixed_offset(),
    )?)
}

/// Cancels a booked appointment.
#[tauri::command(async)]
pub fn cancel_appointment(state: State<'_, AppState>, id: String) -> IpcResult<Appointment> {
    let mut store = state.store.lock().expect("store lock");
    let op = sportello::preferences::signing_operator(store.conn())?;
    Ok(appointments::cancel(
        store.conn_mut(),
        &id,
        &op,
        Local::now().fixed_offset(),
    )?)
}

/// Marks an appointment attended or no-show.
#[tauri::command(async)]
pub fn mark_appointment(
    state: State<'_, AppState>,
    id: String,
    outcome: Outcome,
) -> IpcResult<Appointment> {
    let mut store = state.store.lock().expect("store lock");
    let op = sportello::preferences::signing_operator(store.conn())?;
    Ok(appointments::mark(
        store.conn_mut(),
        &id,
        outcome,
        &op,
        Local::now().fixed_offset(),
    )?)
}

/// The appointments of `day` at this desk.
#[tauri::command(async)]
pub fn appointments_agenda(
    state: State<'_, AppState>,
    day: NaiveDate,
) -> IpcResult<Vec<Appointment>> {
    let store = state.store.lock().expect("store lock");
    Ok(appointments::agenda(store.conn(), day)?)
}

/// The appointments booked from the access `access_id`.
#[tauri::command(async)]
pub fn appointments_for_access(
    state: State<'_, AppState>,
    access_id: String,
) -> IpcResult<Vec<Appointment>> {
    let store = state.store.lock().expect("store lock");
    Ok(appointments::for_access(store.conn(), &access_id)?)
}

/// One appointment by booking code (as the person reads it on the phone).
#[tauri::command(async)]
pub fn find_appointment(state: State<'_, AppState>, code: String) -> IpcResult<Appointment> {
    let store = state.store.lock().expect("store lock");
    Ok(appointments::find_by_code(store.conn(), &code)?)
}

/// Erases the personal data past retention now (also done at every start).
#[tauri::command(async)]
pub fn purge_appointments(state: State<'_, AppState>) -> IpcResult<PurgeReport> {
    let mut store = state.store.lock().expect("store lock");
    let op = sportello::preferences::signing_operator(store.conn())?;
    Ok(appointments::purge(
        store.conn_mut(),
        Local::now().date_naive(),
        &op,
        Utc::now(),
    )?)
}

fn slip_html(state: &State<'_, AppState>, id: &str, layout: Layout) -> IpcResult<String> {
    let store = state.store.lock().expect("store lock");
    Ok(slip::render_slip(store.conn(), id, layout)?)
}

fn print_error(message: String) -> IpcError {
    IpcError {
        code: "print",
        message,
        field: None,
        reason: None,
        detail: None,
    }
}

/// Where "Salva PDF" proposes to save a slip: the user's Documents folder (the home
/// folder when there is none), named after the booking code.
#[tauri::command(async)]
pub fn suggested_slip_path(app: AppHandle, code: String) -> PathBuf {
    use tauri::Manager;
    let dir = app
        .path()
        .document_dir()
        .or_else(|_| app.path().home_dir())
        .unwrap_or_default();
    let code = appointments::normalize_code(&code);
    dir.join(format!("appuntamento-{code}.pdf"))
}

/// Writes the slip of appointment `id` as a PDF at `path`, without any dialog, through
/// the same WebKit engine that prints it. Returns the path written.
#[tauri::command]
pub async fn save_appointment_slip_pdf(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    layout: Layout,
    path: PathBuf,
) -> IpcResult<PathBuf> {
    if !path.is_absolute() {
        return Err(Error::invalid("path", "choose where to save the PDF (a full path)").into());
    }
    let html = slip_html(&state, &id, layout)?;
    let target = path.clone();
    // The wait for WebKit happens on a blocking thread, never on an async worker.
    tauri::async_runtime::spawn_blocking(move || pdf(app, html, layout, target))
        .await
        .map_err(|e| print_error(e.to_string()))??;
    Ok(path)
}

#[cfg(target_os = "linux")]
fn pdf(app: AppHandle, html: String, layout: Layout, path: PathBuf) -> IpcResult<()> {
    crate::print::pdf_from_other_thread(
        |job| app.run_on_main_thread(job).map_err(|e| e.to_string()),
        html,
        crate::print::Page::of_slip(layout),
        path,
    )
    .map_err(print_error)
}

#[cfg(not(target_os = "linux"))]
fn pdf(_app: AppHandle, _html: String, _layout: Layout, _path: PathBuf) -> IpcResult<()> {
    Err(print_error(
        "saving a PDF directly is available on Linux only: use Stampa".into(),
    ))
}

/// Opens the native print dialog for the slip of appointment `id`.
/// Returns "done" or "cancelled".
#[tauri::command]
pub async fn print_appointment_slip(
    window: WebviewWindow,
    state: State<'_, AppState>,
    id: String,
    layout: Layout,
) -> IpcResult<&'static str> {
    let html = slip_html(&state, &id, layout)?;
    tauri::async_runtime::spawn_blocking(move || {
        dialog(window, html, layout.is_roll(), layout.page_mm())
    })
    .await
    .map_err(|e| print_error(e.to_string()))?
}

/// Opens the native print dialog for the day agenda (A4; names and phones included,
/// so it is printed only, never saved by the app).
#[tauri::command]
pub async fn print_agenda(
    window: WebviewWindow,
    state: State<'_, AppState>,
    day: NaiveDate,
) -> IpcResult<&'static str> {
    let html = {
        let store = state.store.lock().expect("store lock");
        slip::render_agenda(store.conn(), day)?
    };
    tauri::async_runtime::spawn_blocking(move || dialog(window, html, false, slip::AGENDA_PAGE_MM))
        .await
        .map_err(|e| print_error(e.to_string()))?
}

#[cfg(target_os = "linux")]
fn dialog(
    window: WebviewWindow,
    html: String,
    grows: bool,
    page_mm: (f64, f64),
) -> IpcResult<&'static str> {
    use crate::print::{Page, Printed, Target, print_html};
    use gtk::prelude::Cast;
    let page = Page {
        width_mm: page_mm.0,
        height_mm: page_mm.1,
        grows,
    };
    let (tx, rx) = std::sync::mpsc::channel();
    let main = window.clone();
    window
        .run_on_main_thread(move || {
            let parent = main.gtk_window().ok().map(|w| w.upcast::<gtk::Window>());
            print_html(
                &html,
                page,
                Target::Dialog(parent),
                Box::new(move |r| {
                    let _ = tx.send(r);
                }),
            );
        })
        .map_err(|e| print_error(e.to_string()))?;
    match rx.recv() {
        Ok(Ok(Printed::Done)) => Ok("done"),
        Ok(Ok(Printed::Cancelled)) => Ok("cancelled"),
        Ok(Err(e)) => Err(print_error(e)),
        Err(_) => Err(print_error(
            "the print engine stopped before finishing".into(),
        )),
    }
}

#[cfg(not(target_os = "linux"))]
fn dialog(
    window: WebviewWindow,
    _html: String,
    _grows: bool,
    _page_mm: (f64, f64),
) -> IpcResult<&'static str> {
    // Elsewhere the window prints itself; the slip page is not loaded there yet.
    window.print().map_err(|e| print_error(e.to_string()))?;
    Ok("done")
}
