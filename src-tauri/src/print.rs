//! Printing documents the core renders (slips, the day agenda, the yearly report) with
//! the app's own engine: to a PDF file without any dialog ("Salva PDF"), or through the
//! native print dialog ("Stampa"). The commands hand the HTML here and wait for the
//! result.
//!
//! On Linux the engine is WebKitGTK ([`webkit`], run on the GTK main thread); the wait
//! for it happens on a blocking thread, never on an async worker. Elsewhere the window
//! prints itself and saving a PDF directly is not available.

use std::path::PathBuf;

use sportello::print::{AGENDA_PAGE_MM, Layout, NOTICE_PAGE_MM};
use sportello::report::html::{REPORT_MARGINS_MM, REPORT_PAGE_MM};
use tauri::{AppHandle, Manager, WebviewWindow};

use crate::error::{IpcError, IpcResult};

#[cfg(target_os = "linux")]
mod webkit;
#[cfg(target_os = "linux")]
pub use webkit::{Printed, Target, pdf_from_other_thread, print_html};

/// The page a document is printed on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Page {
    pub width_mm: f64,
    pub height_mm: f64,
    /// A roll (receipt) page: as long as the content, `height_mm` at least.
    pub grows: bool,
    /// A document of several pages (the yearly report): printed on as many sheets as
    /// it needs, never shrunk onto one. Otherwise a document taller than its sheet is
    /// shrunk onto it (a slip, the agenda).
    pub paginated: bool,
    /// Margins on every sheet (top, right, bottom, left), in millimetres; a one-sheet
    /// document has none here and pads itself in its CSS.
    pub margins_mm: (f64, f64, f64, f64),
}

impl Page {
    /// The page of a slip layout.
    pub fn of_slip(layout: Layout) -> Page {
        let (width_mm, height_mm) = layout.page_mm();
        Page {
            width_mm,
            height_mm,
            grows: layout.is_roll(),
            paginated: false,
            margins_mm: (0.0, 0.0, 0.0, 0.0),
        }
    }

    /// The A4 page of the day agenda.
    pub fn agenda() -> Page {
        Page::fixed(AGENDA_PAGE_MM)
    }

    /// The A4 page of a case's privacy notice and personal file.
    pub fn notice() -> Page {
        Page::fixed(NOTICE_PAGE_MM)
    }

    fn fixed((width_mm, height_mm): (f64, f64)) -> Page {
        Page {
            width_mm,
            height_mm,
            grows: false,
            paginated: false,
            margins_mm: (0.0, 0.0, 0.0, 0.0),
        }
    }

    /// The A4 pages of the yearly report.
    pub fn report() -> Page {
        let (width_mm, height_mm) = REPORT_PAGE_MM;
        Page {
            width_mm,
            height_mm,
            grows: false,
            paginated: true,
            margins_mm: REPORT_MARGINS_MM,
        }
    }
}

/// A failed print, for the UI (code `print`).
fn print_error(message: String) -> IpcError {
    IpcError {
        code: "print",
        ..IpcError::internal(message)
    }
}

/// The user's Documents folder (the home folder when there is none), where "Salva
/// PDF" proposes to save.
fn documents_dir(app: &AppHandle) -> PathBuf {
    use tauri::Manager;
    app.path()
        .document_dir()
        .or_else(|_| app.path().home_dir())
        .unwrap_or_default()
}

/// Where "Salva PDF" proposes to save the slip with booking code `code`.
pub fn suggested_slip_path(app: &AppHandle, code: &str) -> PathBuf {
    let code = sportello::appointments::normalize_code(code);
    documents_dir(app).join(format!("appuntamento-{code}.pdf"))
}

/// Where "Salva PDF" proposes to save the privacy notice in `language`.
pub fn suggested_notice_path(app: &AppHandle, language: &str) -> PathBuf {
    let language: String = language.chars().filter(char::is_ascii_alphabetic).collect();
    documents_dir(app).join(format!("informativa-privacy-{language}.pdf"))
}

/// Writes the document `html` renders as a PDF at `path` on `page`, without any dialog,
/// and returns the path written. The path is checked first ([`crate::paths`]): a `.pdf`
/// file that is not one of the app's own.
pub async fn save_pdf(
    app: AppHandle,
    page: Page,
    path: PathBuf,
    html: impl FnOnce() -> IpcResult<String>,
) -> IpcResult<PathBuf> {
    let db = app.state::<crate::state::AppState>().home().to_path_buf();
    crate::paths::file_to_write(&path, "pdf", &db)?;
    let html = html()?;
    let target = path.clone();
    tauri::async_runtime::spawn_blocking(move || pdf(app, html, page, target))
        .await
        .map_err(|e| print_error(e.to_string()))??;
    Ok(path)
}

#[cfg(target_os = "linux")]
fn pdf(app: AppHandle, html: String, page: Page, path: PathBuf) -> IpcResult<()> {
    pdf_from_other_thread(
        |job| app.run_on_main_thread(job).map_err(|e| e.to_string()),
        html,
        page,
        path,
    )
    .map_err(print_error)
}

#[cfg(not(target_os = "linux"))]
fn pdf(_app: AppHandle, _html: String, _page: Page, _path: PathBuf) -> IpcResult<()> {
    Err(print_error(
        "saving a PDF directly is available on Linux only: use Stampa".into(),
    ))
}

/// Opens the native print dialog for `html` on `page`, over `window`.
/// Returns "done" or "cancelled".
pub async fn print_with_dialog(
    window: WebviewWindow,
    html: String,
    page: Page,
) -> IpcResult<&'static str> {
    tauri::async_runtime::spawn_blocking(move || dialog(window, html, page))
        .await
        .map_err(|e| print_error(e.to_string()))?
}

#[cfg(target_os = "linux")]
fn dialog(window: WebviewWindow, html: String, page: Page) -> IpcResult<&'static str> {
    use gtk::prelude::Cast;
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
fn dialog(window: WebviewWindow, _html: String, _page: Page) -> IpcResult<&'static str> {
    // Elsewhere the window prints itself; the slip page is not loaded there yet.
    window.print().map_err(|e| print_error(e.to_string()))?;
    Ok("done")
}
