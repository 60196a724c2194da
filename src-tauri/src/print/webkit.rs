//! The print engine on Linux: HTML documents printed with the app's own engine,
//! WebKitGTK.
//!
//! The document is loaded into a WebKit view inside an off-screen GTK window and printed
//! by WebKit's print operation: to a PDF file through GTK's "Print to File" printer (no
//! dialog, for "Salva PDF" and for tests), or with the native print dialog ("Stampa").
//! Both use the same engine and the same page setup, so paper and PDF look the same.
//! The page size is set here from the layout (GTK's page setup wins over CSS `@page`).
//!
//! Everything here runs on the GTK main thread; [`print_html`] calls `done` exactly once.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::time::Duration;

use gtk::prelude::*;
use javascriptcore::ValueExt;
use webkit2gtk::{
    LoadEvent, PrintOperation, PrintOperationExt, PrintOperationResponse, WebView, WebViewExt,
};

use super::Page;

/// Where a document goes.
pub enum Target {
    /// A PDF file at this absolute path, without any dialog.
    Pdf(PathBuf),
    /// The native print dialog, over this window when given.
    Dialog(Option<gtk::Window>),
}

/// What a print ended with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Printed {
    /// Written to the file, or sent to the printer.
    Done,
    /// The operator closed the dialog without printing.
    Cancelled,
}

type Done = Box<dyn FnOnce(Result<Printed, String>)>;

/// A print cannot take longer than this (a stuck backend must not hang the app).
const TIMEOUT: Duration = Duration::from_secs(60);

/// The page setup for a page of `width` x `height` millimetres with `page`'s margins
/// (none for a one-sheet document: its CSS pads it).
fn page_setup(page: &Page, width: f64, height: f64) -> gtk::PageSetup {
    let setup = gtk::PageSetup::new();
    let paper = gtk::PaperSize::new_custom(
        &format!("sportello_{width}x{height}mm"),
        &format!("{width} x {height} mm"),
        width,
        height,
        gtk::Unit::Mm,
    );
    setup.set_paper_size(&paper);
    setup.set_orientation(gtk::PageOrientation::Portrait);
    // WebKitGTK leaves CSS `@page` margins out: a document of several pages gets its
    // margins on every sheet from here.
    let (top, right, bottom, left) = page.margins_mm;
    for (set, mm) in [
        (
            gtk::PageSetup::set_top_margin as fn(&gtk::PageSetup, f64, gtk::Unit),
            top,
        ),
        (gtk::PageSetup::set_bottom_margin, bottom),
        (gtk::PageSetup::set_left_margin, left),
        (gtk::PageSetup::set_right_margin, right),
    ] {
        set(&setup, mm, gtk::Unit::Mm);
    }
    setup
}

fn file_uri(path: &std::path::Path) -> Result<String, String> {
    gtk::glib::filename_to_uri(path, None)
        .map(|u| u.to_string())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// CSS pixels per millimetre of paper as WebKitGTK prints: it lays a page out at 1.25
/// times the paper's width counted in points, then shrinks it onto the paper. Measuring
/// the document at this width gives the same line breaks as the print.
const PX_PER_MM: f64 = 72.0 / 25.4 * 1.25;

/// Loads `html` off screen and prints it to `target` on `page`.
/// Must run on the GTK main thread (after `gtk::init`, which Tauri does).
pub fn print_html(html: &str, page: Page, target: Target, done: Done) {
    let settings = gtk::PrintSettings::new();
    if let Target::Pdf(path) = &target {
        let uri = match file_uri(path) {
            Ok(uri) => uri,
            Err(e) => return done(Err(e)),
        };
        settings.set_printer("Print to File");
        settings.set(gtk::PRINT_SETTINGS_OUTPUT_FILE_FORMAT.as_str(), Some("pdf"));
        settings.set(gtk::PRINT_SETTINGS_OUTPUT_URI.as_str(), Some(&uri));
    }

    let window = gtk::OffscreenWindow::new();
    let view = WebView::new();
    // Lay the page out at the paper's width, so its height can be measured.
    view.set_size_request((page.width_mm * PX_PER_MM).round() as i32, 600);
    window.add(&view);
    window.show_all();

    // Shared by the signal handlers: the callback (taken once), and the operation and
    // window, kept alive until the print ends and then released.
    let done: Rc<RefCell<Option<Done>>> = Rc::new(RefCell::new(Some(done)));
    let op_slot: Rc<RefCell<Option<PrintOperation>>> = Rc::new(RefCell::new(None));
    let window_slot: Rc<RefCell<Option<gtk::OffscreenWindow>>> =
        Rc::new(RefCell::new(Some(window)));
    let finish: Finish = {
        let done = done.clone();
        let op_slot = op_slot.clone();
        let window_slot = window_slot.clone();
        Rc::new(move |result: Result<Printed, String>| {
            if let Some(f) = done.borrow_mut().take() {
                f(result);
            }
            op_slot.borrow_mut().take();
            if let Some(w) = window_slot.borrow_mut().take() {
                // SAFETY: the window is ours, created above, and no longer used after this.
                unsafe { w.destroy() };
            }
        })
    };

    let is_pdf = matches!(target, Target::Pdf(_));
    let target = RefCell::new(Some(target));
    let started = std::cell::Cell::new(false);
    {
        let finish = finish.clone();
        view.connect_load_changed(move |view, event| {
            if event != LoadEvent::Finished || started.replace(true) {
                return;
            }
            let view = view.clone();
            let settings = settings.clone();
            let finish = finish.clone();
            let op_slot = op_slot.clone();
            let target = target.borrow_mut().take();
            // The document's height in CSS pixels, laid out at the paper's width.
            // (run_javascript: evaluate_javascript needs WebKitGTK 2.40.)
            #[allow(deprecated)]
            view.clone().run_javascript(
                "document.documentElement.scrollHeight",
                None::<&gtk::gio::Cancellable>,
                move |result| {
                    let content_mm = result
                        .ok()
                        .and_then(|r| r.js_value())
                        .map(|v| v.to_double() / PX_PER_MM)
                        .filter(|mm| mm.is_finite() && *mm > 0.0);
                    let height = match content_mm {
                        Some(h) if page.grows => (h + 6.0).max(page.height_mm),
                        _ => page.height_mm,
                    };
                    let setup = page_setup(&page, page.width_mm, height);
                    settings.set_paper_size(&setup.paper_size());
                    if let Some(h) =
                        content_mm.filter(|h| !page.grows && !page.paginated && *h > page.height_mm)
                    {
                        // Too long for the sheet: shrink it onto one page rather than
                        // print a second sheet with three lines on it.
                        settings.set_scale((page.height_mm / h * 100.0).floor());
                    }
                    start(&view, &setup, &settings, target, &op_slot, finish);
                },
            );
        });
    }
    // A PDF has no one waiting at a dialog: a stuck backend is stopped after a while.
    if is_pdf {
        let finish = finish.clone();
        gtk::glib::timeout_add_local_once(TIMEOUT, move || {
            finish(Err("printing took too long and was stopped".into()))
        });
    }
    view.load_html(html, None);
}

type Finish = Rc<dyn Fn(Result<Printed, String>)>;

fn start(
    view: &WebView,
    setup: &gtk::PageSetup,
    settings: &gtk::PrintSettings,
    target: Option<Target>,
    op_slot: &Rc<RefCell<Option<PrintOperation>>>,
    finish: Finish,
) {
    let op = PrintOperation::new(view);
    op.set_page_setup(setup);
    op.set_print_settings(settings);
    {
        let finish = finish.clone();
        op.connect_failed(move |_, err| finish(Err(err.to_string())));
    }
    {
        let finish = finish.clone();
        op.connect_finished(move |_| finish(Ok(Printed::Done)));
    }
    op_slot.borrow_mut().replace(op.clone());
    match target {
        Some(Target::Pdf(_)) => op.print(),
        Some(Target::Dialog(parent))
            if op.run_dialog(parent.as_ref()) == PrintOperationResponse::Cancel =>
        {
            finish(Ok(Printed::Cancelled))
        }
        _ => {}
    }
}

/// Writes `html` to the PDF file `path` and waits for it, from any thread but the main
/// one: the work is handed to the GTK main thread through `run_on_main`.
pub fn pdf_from_other_thread(
    run_on_main: impl FnOnce(Box<dyn FnOnce() + Send>) -> Result<(), String>,
    html: String,
    page: Page,
    path: PathBuf,
) -> Result<(), String> {
    let (tx, rx) = std::sync::mpsc::channel();
    run_on_main(Box::new(move || {
        print_html(
            &html,
            page,
            Target::Pdf(path),
            Box::new(move |r| {
                let _ = tx.send(r);
            }),
        )
    }))?;
    match rx.recv() {
        Ok(Ok(_)) => Ok(()),
        Ok(Err(e)) => Err(e),
        Err(_) => Err("the print engine stopped before finishing".into()),
    }
}
