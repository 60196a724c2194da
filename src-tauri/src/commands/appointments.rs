//! Back-office appointments: thin adapters over `sportello::appointments` and
//! `sportello::print`; printing through the window's own engine is `crate::print`.
//!
//! Each command reads the clock once (`Now::read()`) and hands it to the core.
//! The register books from an access with `book_appointment` and `input.access_id`.

use std::path::PathBuf;

use chrono::NaiveDate;
use sportello::Now;
use sportello::appointments::{
    self, Appointment, Kind, NewAppointment, Outcome, PurgeReport, Slot,
};
use sportello::print::{self, LanguageInfo, Layout};
use tauri::{AppHandle, State, WebviewWindow};

use crate::AppState;
use crate::error::IpcResult;
use crate::print::Page;

/// Every appointment kind with its slot length and documents to bring.
#[tauri::command(async)]
pub fn list_appointment_kinds(state: State<'_, AppState>) -> IpcResult<Vec<Kind>> {
    state.with(|s| appointments::kinds(s.conn()))
}

/// The languages a slip can be printed in (Italian first).
#[tauri::command(async)]
pub fn list_slip_languages() -> IpcResult<Vec<LanguageInfo>> {
    Ok(print::languages()?)
}

/// The next free slots of `kind`, soonest first.
#[tauri::command(async)]
pub fn next_free_slots(
    state: State<'_, AppState>,
    kind: String,
    limit: usize,
) -> IpcResult<Vec<Slot>> {
    let now = Now::read();
    state.with(|s| appointments::next_free_slots(s.conn(), &kind, now, limit.min(100)))
}

/// The free slots of `kind` on `day`.
#[tauri::command(async)]
pub fn free_slots_on(
    state: State<'_, AppState>,
    kind: String,
    day: NaiveDate,
) -> IpcResult<Vec<Slot>> {
    let now = Now::read();
    state.with(|s| appointments::free_slots_on(s.conn(), &kind, day, now))
}

/// Why this desk is closed on `day` (a public holiday's code and name, or the closure's
/// reason), or `null` when it is open.
#[tauri::command(async)]
pub fn desk_closed_reason(
    state: State<'_, AppState>,
    day: NaiveDate,
) -> IpcResult<Option<appointments::ClosedDay>> {
    state.with(|s| {
        let desk = sportello::desk::own_code(s.conn())?;
        appointments::closed_day(s.conn(), &desk, day)
    })
}

/// Books an appointment (from an access when `input.access_id` is set).
#[tauri::command(async)]
pub fn book_appointment(
    state: State<'_, AppState>,
    input: NewAppointment,
) -> IpcResult<Appointment> {
    let now = Now::read();
    state.with_personal(|s, _| {
        let op = sportello::preferences::signing_operator(s.conn())?;
        appointments::book(s.conn_mut(), &input, &op, now)
    })
}

/// Moves a booked appointment to another free slot.
#[tauri::command(async)]
pub fn reschedule_appointment(
    state: State<'_, AppState>,
    id: String,
    day: NaiveDate,
    starts: String,
) -> IpcResult<Appointment> {
    let now = Now::read();
    state.with_personal(|s, _| {
        let op = sportello::preferences::signing_operator(s.conn())?;
        appointments::reschedule(s.conn_mut(), &id, day, &starts, &op, now)
    })
}

/// Cancels a booked appointment.
#[tauri::command(async)]
pub fn cancel_appointment(state: State<'_, AppState>, id: String) -> IpcResult<Appointment> {
    let now = Now::read();
    state.with_personal(|s, _| {
        let op = sportello::preferences::signing_operator(s.conn())?;
        appointments::cancel(s.conn_mut(), &id, &op, now)
    })
}

/// Marks an appointment attended or no-show.
#[tauri::command(async)]
pub fn mark_appointment(
    state: State<'_, AppState>,
    id: String,
    outcome: Outcome,
) -> IpcResult<Appointment> {
    let now = Now::read();
    state.with_personal(|s, _| {
        let op = sportello::preferences::signing_operator(s.conn())?;
        appointments::mark(s.conn_mut(), &id, outcome, &op, now)
    })
}

/// The appointments of `day` at this desk.
#[tauri::command(async)]
pub fn appointments_agenda(
    state: State<'_, AppState>,
    day: NaiveDate,
) -> IpcResult<Vec<Appointment>> {
    state.with_personal(|s, _| appointments::agenda(s.conn(), day))
}

/// The appointments booked from the access `access_id`.
#[tauri::command(async)]
pub fn appointments_for_access(
    state: State<'_, AppState>,
    access_id: String,
) -> IpcResult<Vec<Appointment>> {
    state.with_personal(|s, _| appointments::for_access(s.conn(), &access_id))
}

/// One appointment by booking code (as the person reads it on the phone).
#[tauri::command(async)]
pub fn find_appointment(state: State<'_, AppState>, code: String) -> IpcResult<Appointment> {
    state.with_personal(|s, _| appointments::find_by_code(s.conn(), &code))
}

/// Erases the personal data past retention now (also done at every start).
#[tauri::command(async)]
pub fn purge_appointments(state: State<'_, AppState>) -> IpcResult<PurgeReport> {
    let now = Now::read();
    state.with(|s| {
        let op = sportello::preferences::signing_operator(s.conn())?;
        appointments::purge(s.conn_mut(), &op, now)
    })
}

fn slip_html(state: &State<'_, AppState>, id: &str, layout: Layout) -> IpcResult<String> {
    state.with_personal(|s, _| print::render_slip(s.conn(), id, layout))
}

/// Where "Salva PDF" proposes to save a slip: the user's Documents folder (the home
/// folder when there is none), named after the booking code.
#[tauri::command(async)]
pub fn suggested_slip_path(app: AppHandle, code: String) -> PathBuf {
    crate::print::suggested_slip_path(&app, &code)
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
    crate::print::save_pdf(app, Page::of_slip(layout), path, || {
        slip_html(&state, &id, layout)
    })
    .await
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
    crate::print::print_with_dialog(window, html, Page::of_slip(layout)).await
}

/// Opens the native print dialog for the day agenda (A4; names and phones included,
/// so it is printed only, never saved by the app).
#[tauri::command]
pub async fn print_agenda(
    window: WebviewWindow,
    state: State<'_, AppState>,
    day: NaiveDate,
) -> IpcResult<&'static str> {
    let html = state.with_personal(|s, _| print::render_agenda(s.conn(), day))?;
    crate::print::print_with_dialog(window, html, Page::agenda()).await
}
