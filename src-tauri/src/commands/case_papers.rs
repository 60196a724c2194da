//! The papers of a case: the privacy notice, printed or saved as a PDF (Italian plus
//! the person's language) through the same WebKit path as the slips and recorded as
//! given; and the personal file on A4 for the paper folder. The notice names no
//! person, so a saved PDF holds nothing personal; the personal file does, so it is
//! printed only, never saved by the app.

use std::path::PathBuf;

use chrono::NaiveDate;
use sportello::cases::notices::{self, NoticeGiven};
use sportello::{Now, print};
use tauri::{AppHandle, State, WebviewWindow};

use crate::AppState;
use crate::error::IpcResult;
use crate::print::Page;

fn notice_html(
    state: &State<'_, AppState>,
    language: &str,
    given_on: NaiveDate,
) -> IpcResult<String> {
    state.with(|s| print::render_notice(s.conn(), language, given_on))
}

/// Where "Salva PDF" proposes to save the notice in `language`.
#[tauri::command(async)]
pub fn suggested_notice_path(app: AppHandle, language: String) -> PathBuf {
    crate::print::suggested_notice_path(&app, &language)
}

/// Writes the notice (Italian plus `language`, given on `given_on`) as a PDF at `path`,
/// without any dialog. Returns the path written.
#[tauri::command]
pub async fn save_case_notice_pdf(
    app: AppHandle,
    state: State<'_, AppState>,
    language: String,
    given_on: NaiveDate,
    path: PathBuf,
) -> IpcResult<PathBuf> {
    crate::print::save_pdf(app, Page::notice(), path, || {
        notice_html(&state, &language, given_on)
    })
    .await
}

/// Opens the native print dialog for the notice. Returns "done" or "cancelled".
#[tauri::command]
pub async fn print_case_notice(
    window: WebviewWindow,
    state: State<'_, AppState>,
    language: String,
    given_on: NaiveDate,
) -> IpcResult<&'static str> {
    let html = notice_html(&state, &language, given_on)?;
    crate::print::print_with_dialog(window, html, Page::notice()).await
}

/// Records that the notice was given for a case (day and language).
#[tauri::command(async)]
pub fn record_case_notice(
    state: State<'_, AppState>,
    case_id: String,
    notice: NoticeGiven,
) -> IpcResult<Vec<NoticeGiven>> {
    let now = Now::read();
    state.with_personal(|s, _| {
        let op = sportello::preferences::signing_operator(s.conn())?;
        notices::record(s.conn_mut(), &case_id, &notice, &op, now)
    })
}

/// The notices given for a case.
#[tauri::command(async)]
pub fn case_notices(state: State<'_, AppState>, case_id: String) -> IpcResult<Vec<NoticeGiven>> {
    state.with_personal(|s, _| notices::given(s.conn(), &case_id))
}

/// Opens the native print dialog for the personal file of a case (A4; printed only).
/// Returns "done" or "cancelled".
#[tauri::command]
pub async fn print_case_file(
    window: WebviewWindow,
    state: State<'_, AppState>,
    case_id: String,
) -> IpcResult<&'static str> {
    let today = Now::read().today();
    let now = Now::read();
    let html = state.with_personal(|s, who| {
        let html = print::render_case_file(s.conn(), &case_id, today)?;
        sportello::operators::note_case_file_opened(s.conn(), &who.name, &case_id, now.utc())?;
        Ok::<_, sportello::Error>(html)
    })?;
    crate::print::print_with_dialog(window, html, Page::notice()).await
}
