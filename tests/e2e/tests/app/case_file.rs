//! An accompaniment case from the register to its privacy notice.
//!
//! First-run setup; an access typed with the keyboard whose action is "Accompagnamento";
//! Alt+A opens the case prefilled and linked to that access; the person's name, Enter.
//! The case is shown (Alt+L, Enter); a copy of a document is attached through the
//! command the "Allega copie" button feeds (the native open dialog cannot be driven);
//! a follow-up with a next step due in three days is typed (Ctrl+Enter); the case is
//! archived with its outcome, shown again from the archived list and reopened; the
//! privacy notice is saved as a PDF in Arabic through the command "Salva PDF" feeds and
//! marked as given. The core then holds all of it, and the PDF holds Arabic text.

use std::path::PathBuf;
use std::process::Command;

use crate::cases::{archive_shown_case, focus_is};
use chrono::{Days, Local};
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::json;
use sportello::cases::{self, documents, follow_ups, notices};
use sportello::store::audit;
use sportello_e2e::{
    Keyboard, TestResult, alt, no_page_errors, run_async, screenshot, target_dir, wait_until,
    with_app,
};

const NAME: &str = "Fatima Zahra";
const WHAT: &str = "Telefonato in Questura";
const NEXT: &str = "Ritiro del permesso";

/// Where the page's files go: the scan to attach and the notice's PDF.
struct Files {
    scan: PathBuf,
    notice: PathBuf,
}

async fn scenario(client: Client, files: Files) -> TestResult<String> {
    let client = &client;
    let mut kb = Keyboard::new(client);
    sportello_e2e::sign_in(client, &mut kb).await?;
    wait_until(client, "the register", &focus_is("f-nationality")).await?;

    // Marocco, male, 30-39, not a first access, own initiative, permit being renewed,
    // reason permit renewal, action 4: accompaniment (replacing the usual one).
    kb.type_text("maro").await?;
    kb.press(&[&Key::Enter]).await?;
    kb.press(&["1", "3", "n", "1", "2", "1", &Key::Tab, "4", &Key::Enter])
        .await?;
    wait_until(
        client,
        "the saved access and the case offered",
        "return document.querySelectorAll('#day-list tbody tr').length === 1
            && !document.getElementById('open-case').hidden",
    )
    .await?;

    // Alt+A: the case prefilled from the access; the name, Enter.
    kb.press(&[&alt("a")]).await?;
    wait_until(
        client,
        "the prefilled case, on the name",
        &focus_is("f-person_name"),
    )
    .await?;
    kb.type_text(NAME).await?;
    kb.press(&[&Key::Enter]).await?;
    wait_until(
        client,
        "the case opened",
        "return document.querySelectorAll('#cases-open tbody tr').length === 1",
    )
    .await?;
    let case_id = run_async(
        client,
        "const ipc = await import('./js/ipc.js');
         const o = await ipc.casesOverview(new Date().getFullYear());
         return o.open[0].id;",
    )
    .await?
    .as_str()
    .unwrap_or_default()
    .to_string();

    // "Allega copie" asks for files with the native dialog, then calls this command.
    run_async(
        client,
        &format!(
            "const ipc = await import('./js/ipc.js');
             return await ipc.attachCaseDocuments({id}, [{path}], 'permit');",
            id = json!(case_id),
            path = serde_json::to_string(&files.scan)?
        ),
    )
    .await?;

    // Alt+L, Enter: the case; a follow-up with its next step due in three days.
    kb.press(&[&alt("l")]).await?;
    wait_until(
        client,
        "the open case's show button",
        "const a = document.activeElement;
         return Boolean(a && a.dataset.show && a.closest('#cases-open'))",
    )
    .await?;
    kb.press(&[&Key::Enter]).await?;
    wait_until(client, "the follow-up field", &focus_is("f-what")).await?;
    let due = (Local::now().date_naive() + Days::new(3))
        .format("%d/%m/%Y")
        .to_string();
    kb.type_text(WHAT).await?;
    kb.press(&[&Key::Tab]).await?;
    wait_until(client, "the next step", &focus_is("f-next_step")).await?;
    kb.type_text(NEXT).await?;
    kb.press(&[&Key::Tab]).await?;
    wait_until(client, "the due day", &focus_is("f-due_on")).await?;
    kb.type_text(&due).await?;
    let ctrl_enter = format!("{}{}{}", &*Key::Control, &*Key::Enter, &*Key::Null);
    kb.press(&[&ctrl_enter]).await?;
    wait_until(
        client,
        "the follow-up and the copy in the case",
        "return document.querySelectorAll('#case-detail .case-notes li').length === 1
            && document.querySelectorAll('#case-detail .case-documents li').length === 1
            && document.activeElement && document.activeElement.id === 'f-what'",
    )
    .await?;

    // Archive it today, outcome 1 (solved), with Ctrl+Enter from the closing note.
    archive_shown_case(client, &mut kb).await?;
    wait_until(
        client,
        "the case archived",
        "return !document.getElementById('case-detail').open
            && document.querySelectorAll('#cases-archived tbody tr').length === 1",
    )
    .await?;

    // Shown again from the archived list, and reopened.
    client
        .find(Locator::Css("#cases-archived [data-show]"))
        .await?
        .click()
        .await?;
    wait_until(
        client,
        "the archived case shown",
        "return document.getElementById('case-detail').open
            && Boolean(document.getElementById('detail-reopen'))",
    )
    .await?;
    client
        .find(Locator::Css("#detail-reopen"))
        .await?
        .click()
        .await?;
    wait_until(
        client,
        "the case open again",
        "return document.getElementById('case-detail').open
            && !document.getElementById('detail-reopen')
            && document.querySelectorAll('#cases-open tbody tr').length === 1",
    )
    .await?;

    // The notice in Arabic: "Salva PDF" asks for a path, then calls this command; then
    // "Segna consegnata oggi" with Arabic chosen.
    run_async(
        client,
        &format!(
            "const ipc = await import('./js/ipc.js');
             const now = new Date();
             const day = `${{now.getFullYear()}}-${{String(now.getMonth() + 1).padStart(2, '0')}}-${{String(now.getDate()).padStart(2, '0')}}`;
             return await ipc.saveCaseNoticePdf('ar', day, {path});",
            path = serde_json::to_string(&files.notice)?
        ),
    )
    .await?;
    client
        .find(Locator::Css("#f-notice_language"))
        .await?
        .select_by_value("ar")
        .await?;
    client
        .find(Locator::Css("#notice-given"))
        .await?
        .click()
        .await?;
    wait_until(
        client,
        "the notice recorded as given",
        "return document.querySelectorAll('#case-detail .case-notices li').length === 1",
    )
    .await?;
    screenshot(client, "case-file").await?;
    no_page_errors(client).await?;
    Ok(case_id)
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: needs a display, tauri-driver and WebKitWebDriver (make e2e)"]
async fn a_case_from_an_access_followed_closed_reopened_and_its_notice_printed_in_arabic() {
    let home = tempfile::tempdir().expect("a temporary folder");
    let db = home.path().join("e2e.db");
    let scan = home.path().join("permesso.pdf");
    std::fs::write(&scan, b"%PDF-1.4 a scan").expect("a scan to attach");
    let notice = home.path().join("informativa-ar.pdf");
    let case_id = with_app(&db, home.path(), {
        let files = Files {
            scan: scan.clone(),
            notice: notice.clone(),
        };
        move |client| scenario(client, files)
    })
    .await
    .expect("the case scenario");

    let store = sportello_e2e::open_signed_in(&db);
    let conn = store.conn();
    let case = cases::get(conn, &case_id).expect("the case");
    let access_id: String = conn
        .query_row("SELECT id FROM accesses", [], |r| r.get(0))
        .expect("one access");
    assert_eq!(
        case.access_id,
        Some(access_id),
        "linked to the access it came from"
    );
    assert_eq!(
        case.personal.as_ref().map(|p| p.person_name.as_str()),
        Some(NAME)
    );
    assert_eq!(
        (case.closed_on, case.revision),
        (None, 3),
        "closed, then reopened"
    );
    let docs = documents::list(conn, &case_id).expect("its copies");
    assert_eq!(docs.len(), 1, "one copy attached");
    assert_eq!(
        documents::read_copy(conn, &docs[0].id).expect("the copy opens with the key"),
        b"%PDF-1.4 a scan"
    );
    let stored =
        std::fs::read(documents::path_of(conn, &docs[0].id).expect("the copy's file")).unwrap();
    assert!(
        !stored.windows(6).any(|w| w == b"a scan"),
        "the copy is sealed on disk"
    );
    let steps = follow_ups::list(conn, &case_id).expect("its follow-ups");
    assert_eq!(
        (
            steps.len(),
            steps[0].body.as_str(),
            steps[0].next_step.as_str()
        ),
        (1, WHAT, NEXT)
    );
    assert_eq!(
        steps[0].due_on,
        Some(Local::now().date_naive() + Days::new(3)),
        "the due day typed"
    );
    let given = notices::given(conn, &case_id).expect("the notices");
    assert_eq!(given.len(), 1);
    assert_eq!(given[0].language, "ar");
    let actions: Vec<String> = audit::history(conn, "case", &case_id)
        .expect("its history")
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        actions,
        ["open", "attach", "follow_up", "close", "reopen", "notice"]
    );

    // The notice: a PDF whose text holds Italian and Arabic.
    let bytes = std::fs::read(&notice).expect("the notice's PDF");
    assert!(bytes.starts_with(b"%PDF"));
    let out = Command::new("pdftotext")
        .arg(&notice)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is installed");
    let text = String::from_utf8_lossy(&out.stdout);
    let arabic = text
        .chars()
        .filter(|c| ('\u{0600}'..='\u{06FF}').contains(c) || ('\u{FE70}'..='\u{FEFF}').contains(c))
        .count();
    assert!(text.contains("Informativa"), "the Italian text: {text}");
    assert!(arabic > 300, "the Arabic text ({arabic} letters): {text}");
    assert!(!text.contains(NAME), "the notice names no one");
    let kept = target_dir().join("e2e/privacy-notice-ar.pdf");
    std::fs::copy(&notice, &kept).expect("a copy of the notice");
    println!("case {case_id}: notice {}", kept.display());
}
