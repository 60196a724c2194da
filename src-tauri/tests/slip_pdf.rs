//! Every slip language rendered to PDF by the app's own print path (WebKitGTK), and
//! read back with `pdftotext`: the date, the time, the address and the booking code
//! must be in the file, and the Arabic slip must hold Arabic text.
//!
//! WebKit needs a display and a GTK main thread: this test has its own `main`
//! (harness = false) and, without a display, starts itself again under `xvfb-run`.
//! The A5 Arabic slip and the receipt are also kept as PNG files under
//! `target/slips/` for a person to look at. The day agenda, the yearly report (the 2023
//! demo, published, several A4 pages) and the privacy notice of a case in Arabic (after
//! the Italian) go through the same path.

use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;

use chrono::{NaiveDate, Utc};
use sportello::appointments::{self, NewAppointment};
use sportello::print::{Layout, languages, render_agenda, render_notice, render_slip, translation};
use sportello::{Now, Store, desk};
use sportello_app::print::{self, Page, Target};
use unicode_normalization::UnicodeNormalization;

fn main() {
    if cfg!(not(target_os = "linux")) {
        return;
    }
    let has_display =
        std::env::var_os("DISPLAY").is_some() || std::env::var_os("WAYLAND_DISPLAY").is_some();
    if !has_display {
        let status = Command::new("xvfb-run")
            .arg("-a")
            .arg(std::env::current_exe().expect("own path"))
            .status()
            .expect("no display and no xvfb-run: install xvfb (scripts/install-deps.sh test)");
        std::process::exit(status.code().unwrap_or(1));
    }
    gtk::init().expect("GTK starts on the display");
    let out_dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("../slips");
    std::fs::create_dir_all(&out_dir).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let mut store = Store::open(&tmp.path().join("slips.db"), Utc::now()).unwrap();
    let gro = desk::presets()
        .into_iter()
        .find(|d| d.code == "GRO")
        .unwrap();
    desk::set_own(store.conn_mut(), &gro, Utc::now()).unwrap();
    let now = Now::at(
        NaiveDate::from_ymd_opt(2025, 3, 3)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap(),
        1,
    );
    let day = NaiveDate::from_ymd_opt(2025, 3, 4).unwrap();
    // The longest lists (9 documents) in the longest languages must still fit a page.
    let kind_for = |language: &str| match language {
        "uk" => "cittadinanza",
        "ar" | "fr" => "ricongiungimento",
        _ => "rinnovo_permesso",
    };

    let mut failures = Vec::new();
    for (slot, info) in languages().unwrap().into_iter().enumerate() {
        // One hour apart: 60-minute kinds never overlap.
        let starts = [
            "09:00", "10:00", "11:00", "12:00", "14:00", "15:00", "16:00",
        ][slot]
            .to_string();
        let appt = appointments::book(
            store.conn_mut(),
            &NewAppointment {
                kind: kind_for(&info.code).into(),
                day: day + chrono::Days::new(3), // Friday 7 March: 9-13 and 14-18
                starts: starts.clone(),
                person_name: Some("Persona <b>di prova</b>".into()),
                phone: None,
                language: info.code.clone(),
                access_id: None,
            },
            "test",
            now,
        )
        .unwrap();
        for layout in [Layout::Paper, Layout::Receipt] {
            let html = render_slip(store.conn(), &appt.id, layout).unwrap();
            let pdf = out_dir.join(format!("slip-{}-{layout:?}.pdf", info.code).to_lowercase());
            let _ = std::fs::remove_file(&pdf);
            if let Err(e) = render(&html, Page::of_slip(layout), &pdf) {
                failures.push(format!("{} {layout:?}: printing failed: {e}", info.code));
                continue;
            }
            // Arabic comes out of the PDF as shaped presentation forms: NFKC maps them
            // back to letters, so the translated words can be looked for.
            let raw = pdftotext(&pdf);
            let text: String = raw.nfkc().collect();
            let mut expect = vec![
                ("date", "07/03/2025".to_string()),
                ("time", starts.clone()),
                ("address", "Via Arno 1/E".to_string()),
                ("phone", "0564 28246".to_string()),
                ("booking code", appt.booking_code.clone()),
                ("Italian text", "Documenti da portare".to_string()),
            ];
            let t = translation(&info.code).unwrap();
            if info.code != "it" {
                // The translated weekday (Friday) is printed.
                expect.push(("translated weekday", t.weekdays[4].clone()));
            }
            for (what, needle) in expect {
                if !text.contains(&needle) {
                    failures.push(format!(
                        "{} {layout:?}: the {what} '{needle}' is missing from the PDF text:\n{text}",
                        info.code
                    ));
                }
            }
            if info.code == "ar" {
                let arabic = text
                    .chars()
                    .filter(|c| ('\u{0600}'..='\u{06FF}').contains(c))
                    .count();
                if arabic < 100 {
                    failures.push(format!(
                        "ar {layout:?}: only {arabic} Arabic letters in the PDF"
                    ));
                }
            }
            if text.contains("Persona") {
                failures.push(format!(
                    "{} {layout:?}: the slip must not print the name",
                    info.code
                ));
            }
            if pages(&pdf) != 1 {
                failures.push(format!(
                    "{} {layout:?}: the slip must fit one page",
                    info.code
                ));
            }
            if info.code == "ar" || (info.code == "uk" && layout == Layout::Receipt) {
                png(&pdf);
            }
        }
    }
    // The day agenda (A4): every booking, names shown as typed (escaped, not markup).
    let agenda = render_agenda(store.conn(), day + chrono::Days::new(3)).unwrap();
    let pdf = out_dir.join("agenda.pdf");
    match render(&agenda, Page::agenda(), &pdf) {
        Ok(()) => {
            let text = pdftotext(&pdf);
            // (the name wraps in its column: count its two halves)
            if text.matches("<b>di").count() != 7 || text.matches("prova</b>").count() != 7 {
                failures.push(format!(
                    "agenda: seven bookings with their names expected:\n{text}"
                ));
            }
            if pages(&pdf) != 1 {
                failures.push("agenda: seven bookings fit one A4 page".into());
            }
            png(&pdf);
        }
        Err(e) => failures.push(format!("agenda: printing failed: {e}")),
    }
    failures.extend(report(&out_dir));
    // The privacy notice of a case, Italian then Arabic on its own page (A4).
    let notice = render_notice(store.conn(), "ar", day).unwrap();
    let pdf = out_dir.join("notice-ar.pdf");
    match render(&notice, Page::notice(), &pdf) {
        Ok(()) => {
            let text: String = pdftotext(&pdf).nfkc().collect();
            let arabic = text
                .chars()
                .filter(|c| ('\u{0600}'..='\u{06FF}').contains(c))
                .count();
            for needle in [
                "Informativa sul trattamento",
                "Via Arno 1/E",
                "04/03/2025",
                "garanteprivacy.it",
            ] {
                if !text.contains(needle) {
                    failures.push(format!(
                        "notice: '{needle}' is missing from the PDF text:\n{text}"
                    ));
                }
            }
            if arabic < 500 {
                failures.push(format!("notice: only {arabic} Arabic letters in the PDF"));
            }
            if pages(&pdf) < 2 {
                failures.push("notice: the Arabic text starts on its own page".into());
            }
            png(&pdf);
        }
        Err(e) => failures.push(format!("notice: printing failed: {e}")),
    }
    if failures.is_empty() {
        println!(
            "slip_pdf: every language printed to PDF with date, time, address and code; \
             the agenda and the yearly report too"
        );
    } else {
        for f in &failures {
            eprintln!("FAILED: {f}");
        }
        std::process::exit(1);
    }
}

/// The published yearly report of the 2023 demo on A4 pages: several pages (never
/// shrunk onto one), every page A4, the seed's figures and the charts' labels in the
/// text. Its pages are kept as PNG files to look at.
fn report(out_dir: &Path) -> Vec<String> {
    let mut failures = Vec::new();
    let mut store = Store::open_in_memory().unwrap();
    let now = Now::at(
        NaiveDate::from_ymd_opt(2025, 3, 3)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap(),
        1,
    );
    let demo = sportello::demo::Options {
        year: 2023,
        scale: 1,
    };
    sportello::demo::fill(store.conn_mut(), demo, now).unwrap();
    let html = sportello::report::html::report(store.conn(), 2023, None, Some(5)).unwrap();
    let pdf = out_dir.join("report-2023.pdf");
    if let Err(e) = render(&html, Page::report(), &pdf) {
        return vec![format!("report: printing failed: {e}")];
    }
    let text = pdftotext(&pdf);
    for needle in [
        "Rapporto attività 2023",
        "9.657",
        "1.427",
        "Gen",
        "Principali nazionalità",
    ] {
        if !text.contains(needle) {
            failures.push(format!("report: '{needle}' is missing from the PDF text"));
        }
    }
    let n = pages(&pdf);
    if n < 5 {
        failures.push(format!(
            "report: {n} pages; the tables and four desks' charts need more"
        ));
    }
    let info = Command::new("pdfinfo")
        .arg(&pdf)
        .output()
        .expect("pdfinfo runs");
    let info = String::from_utf8_lossy(&info.stdout);
    if !info.contains("Page size:       595") || !info.contains(" x 84") {
        failures.push(format!("report: the pages are not A4:\n{info}"));
    }
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "60"])
        .arg(&pdf)
        .arg(out_dir.join("report-2023"))
        .status()
        .expect("pdftoppm runs");
    assert!(status.success());
    failures
}

/// Prints `html` to `pdf` through the app's WebKit path and runs GTK until it is done.
fn render(html: &str, page: Page, pdf: &Path) -> Result<(), String> {
    let result: Rc<RefCell<Option<Result<print::Printed, String>>>> = Rc::new(RefCell::new(None));
    let sink = result.clone();
    print::print_html(
        html,
        page,
        Target::Pdf(pdf.to_path_buf()),
        Box::new(move |r| *sink.borrow_mut() = Some(r)),
    );
    while result.borrow().is_none() {
        gtk::main_iteration();
    }
    let r = result.borrow_mut().take().unwrap();
    r.map(|_| ())?;
    if !pdf.exists() {
        return Err(format!("{} was not written", pdf.display()));
    }
    Ok(())
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext runs (poppler-utils)");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        pdf.display()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn pages(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo")
        .arg(pdf)
        .output()
        .expect("pdfinfo runs");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

fn png(pdf: &Path) -> PathBuf {
    let stem = pdf.with_extension("");
    let status = Command::new("pdftoppm")
        .args(["-png", "-r", "110", "-singlefile"])
        .arg(pdf)
        .arg(&stem)
        .status()
        .expect("pdftoppm runs");
    assert!(status.success());
    stem.with_extension("png")
}
