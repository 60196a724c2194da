//! A back-office appointment booked from an access, and its slip saved as PDF.
//!
//! First-run setup (FOL), an access typed with the keyboard whose action is
//! "Appuntamento back office"; Alt+P opens the appointments linked to it; a kind and a
//! slot are picked, "Prenota" books, and the booking code shown is the one the core
//! stored for that access. The slip is saved as PDF through the command the "Salva PDF"
//! button feeds (the native save dialog cannot be driven), and `pdftotext` finds the
//! code, the day (dd/mm/yyyy) and the desk's address in it.

use std::path::{Path, PathBuf};
use std::process::Command;

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::json;
use sportello::{appointments, desk};
use sportello_e2e::{
    Keyboard, TestResult, alt, no_page_errors, run_async, screenshot, target_dir, wait_until,
    with_app,
};

/// What the page booked and where the slip went.
struct Booked {
    kind: String,
    slot: String,
    code: String,
    pdf: PathBuf,
    saved_as: String,
}

async fn scenario(client: Client, pdf: PathBuf) -> TestResult<Booked> {
    let client = &client;
    let mut kb = Keyboard::new(client);
    sportello_e2e::sign_in(client, &mut kb).await?;
    wait_until(
        client,
        "the register",
        "return document.activeElement && document.activeElement.id === 'f-nationality'",
    )
    .await?;

    // Marocco, male, 30-39, not a first access, own initiative, permit being renewed,
    // reason permit renewal, action 3: back-office appointment (replacing the usual one).
    kb.type_text("maro").await?;
    kb.press(&[&Key::Enter]).await?;
    kb.press(&["1", "3", "n", "1", "2", "1", &Key::Tab, "3", &Key::Enter])
        .await?;
    wait_until(
        client,
        "the saved access and the booking offered",
        "return document.querySelectorAll('#day-list tbody tr').length === 1
            && !document.getElementById('book').hidden",
    )
    .await?;

    // Alt+P: the appointments, linked to the access just recorded.
    kb.press(&[&alt("p")]).await?;
    wait_until(
        client,
        "the appointments linked to the access, with free slots",
        "return Boolean(document.getElementById('appt-access-link'))
            && document.querySelectorAll('#appt-kind option').length > 0
            && document.querySelectorAll('#appt-slot option').length > 1
            && location.hash === '#appuntamenti'",
    )
    .await?;

    // The last kind offered, then its second free slot.
    let kind = client
        .execute(
            "const o = document.querySelectorAll('#appt-kind option');
             return o[o.length - 1].value;",
            vec![],
        )
        .await?
        .as_str()
        .unwrap_or_default()
        .to_string();
    // Choosing another kind refills the slot list: mark the old options to see it go.
    let changes = client
        .execute(
            "const k = document.getElementById('appt-kind');
             for (const o of document.querySelectorAll('#appt-slot option')) o.dataset.old = '1';
             return k.value !== arguments[0];",
            vec![json!(kind)],
        )
        .await?;
    client
        .find(Locator::Css("#appt-kind"))
        .await?
        .select_by_value(&kind)
        .await?;
    if changes == json!(true) {
        wait_until(
            client,
            "the slots of the chosen kind",
            "return document.querySelectorAll('#appt-slot option').length > 1
                && !document.querySelector('#appt-slot option[data-old]')",
        )
        .await?;
    }
    client
        .find(Locator::Css("#appt-slot"))
        .await?
        .select_by_index(1)
        .await?;
    let slot = client
        .execute("return document.getElementById('appt-slot').value", vec![])
        .await?
        .as_str()
        .unwrap_or_default()
        .to_string();
    client
        .find(Locator::Css("#appt-book"))
        .await?
        .click()
        .await?;
    wait_until(
        client,
        "the booking code",
        "const c = document.getElementById('appt-booked-code');
         return Boolean(c && c.textContent.trim())
            && !document.getElementById('appt-booked').hidden",
    )
    .await?;
    let code = client
        .find(Locator::Css("#appt-booked-code"))
        .await?
        .text()
        .await?;
    let status = client
        .find(Locator::Css("#appt-status"))
        .await?
        .text()
        .await?;
    if !status.contains(&code) {
        return Err(format!("the status line announces the code {code}: {status:?}").into());
    }
    screenshot(client, "appointments").await?;

    // "Salva PDF" asks for a path with the native dialog, then calls this command.
    let saved_as = run_async(
        client,
        &format!(
            "const ipc = await import('./js/ipc.js');
             const appt = await ipc.findAppointment({code});
             return await ipc.saveAppointmentSlipPdf(appt.id, 'paper', {path});",
            code = json!(code),
            path = serde_json::to_string(&pdf)?
        ),
    )
    .await?
    .as_str()
    .unwrap_or_default()
    .to_string();
    no_page_errors(client).await?;
    Ok(Booked {
        kind,
        slot,
        code,
        pdf,
        saved_as,
    })
}

fn pdf_text(pdf: &Path) -> String {
    let out = Command::new("pdftotext")
        .arg("-layout")
        .arg(pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    assert!(out.status.success(), "pdftotext reads {}", pdf.display());
    // Words only: the layout may break a line anywhere.
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: needs a display, tauri-driver and WebKitWebDriver (make e2e)"]
async fn appointment_booked_from_an_access_and_slip_saved_as_pdf() {
    let home = tempfile::tempdir().expect("a temporary folder");
    let db = home.path().join("e2e.db");
    let pdf = home.path().join("slip.pdf");
    let booked = with_app(&db, home.path(), {
        let pdf = pdf.clone();
        move |client| scenario(client, pdf)
    })
    .await
    .expect("the appointment scenario");

    // The core: the one access, its one appointment, as picked in the page.
    let store = sportello_e2e::open_signed_in(&db);
    let conn = store.conn();
    let (access_id, actions): (String, String) = conn
        .query_row(
            "SELECT a.id, group_concat(x.code) FROM accesses a
             JOIN access_actions x ON x.access_id = a.id GROUP BY a.id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("one access");
    assert_eq!(actions, "appuntamento", "the access's action as typed");
    let linked = appointments::for_access(conn, &access_id).expect("its appointments");
    assert_eq!(linked.len(), 1, "one appointment linked to the access");
    let appt = &linked[0];
    assert_eq!(
        appt.booking_code, booked.code,
        "the code shown is the one stored for the access"
    );
    assert_eq!(
        (appt.kind.as_str(), format!("{} {}", appt.day, appt.starts)),
        (booked.kind.as_str(), booked.slot.clone()),
        "the kind and slot picked in the page"
    );

    // The slip: a PDF with the code, the day as dd/mm/yyyy and the desk's address.
    assert_eq!(
        Path::new(&booked.saved_as),
        booked.pdf,
        "the command answers the path it wrote"
    );
    let bytes = std::fs::read(&booked.pdf).expect("the PDF was written");
    assert!(bytes.starts_with(b"%PDF"), "a PDF file");
    let text = pdf_text(&booked.pdf);
    let day = appt.day.format("%d/%m/%Y").to_string();
    let fol = desk::get(conn, "FOL")
        .expect("the desk")
        .expect("FOL is set up");
    for (what, needle) in [
        ("booking code", booked.code.as_str()),
        ("day", day.as_str()),
        ("time", appt.starts.as_str()),
        ("desk address", fol.address.as_str()),
    ] {
        assert!(
            text.contains(needle),
            "the slip shows the {what} {needle:?}; its text: {text}"
        );
    }
    // Kept next to the screenshots, to look at.
    let kept = target_dir().join("e2e/appointment-slip.pdf");
    std::fs::copy(&booked.pdf, &kept).expect("a copy of the slip");
    println!(
        "appointment {} on {day} at {}; slip: {} ({} bytes)",
        booked.code,
        appt.starts,
        kept.display(),
        bytes.len()
    );
}
