//! An accompaniment case followed from opening to archive, with the keyboard.
//!
//! First-run setup; the navigation button opens the cases view; a full case is opened
//! with the keys only (the reason's key, then the personal file's name and phone,
//! Enter); Alt+V records a fast accompaniment; Alt+L reaches the open case, Enter shows
//! it, a follow-up is added (Ctrl+Enter) and the case is archived today with its
//! outcome. The command line then counts one case, archived, and one fast accompaniment, and its list carries no
//! personal data, which the core did store.

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::Value;
use sportello_e2e::{
    Keyboard, TestResult, alt, cli, no_page_errors, screenshot, wait_until, with_app,
};

const NAME: &str = "Amina Kouassi";
const PHONE: &str = "3331234567";
const NOTE: &str = "Richiamare la Questura";

/// From the follow-up field of a case shown, archives it today with the first outcome
/// ("solved", picked with its key) and Ctrl+Enter from the closing note.
pub(crate) async fn archive_shown_case(client: &Client, kb: &mut Keyboard<'_>) -> TestResult {
    // what -> next step -> due date -> add button -> closing date -> outcome
    kb.press(&[&Key::Tab, &Key::Tab, &Key::Tab, &Key::Tab])
        .await?;
    wait_until(client, "the archive date", &focus_is("f-close")).await?;
    kb.press(&[&Key::Tab]).await?;
    kb.type_text("1").await?;
    wait_until(client, "the closing note", &focus_is("f-close_note")).await?;
    let ctrl_enter = format!("{}{}{}", &*Key::Control, &*Key::Enter, &*Key::Null);
    kb.press(&[&ctrl_enter]).await
}

/// The id of the focused element is `id`.
pub(crate) fn focus_is(id: &str) -> String {
    format!("return Boolean(document.activeElement) && document.activeElement.id === '{id}'")
}

async fn scenario(client: Client) -> TestResult {
    let client = &client;
    let mut kb = Keyboard::new(client);
    sportello_e2e::sign_in(client, &mut kb).await?;
    wait_until(client, "the register", &focus_is("f-nationality")).await?;

    client
        .find(Locator::Css("nav button[data-view='casi']"))
        .await?
        .click()
        .await?;
    wait_until(
        client,
        "the cases view, the focus on the reason",
        "return location.hash === '#casi'
            && Boolean(document.querySelector('#case-counts .counts'))
            && Boolean(document.activeElement && document.activeElement.closest('#f-reason'))",
    )
    .await?;

    // A full case: the first reason's key, the date stays today, then the file.
    kb.press(&["1"]).await?;
    wait_until(client, "the opening date", &focus_is("f-opened_on")).await?;
    kb.press(&[&Key::Tab]).await?;
    wait_until(client, "the person's name", &focus_is("f-person_name")).await?;
    kb.type_text(NAME).await?;
    kb.press(&[&Key::Tab]).await?;
    wait_until(client, "the phone", &focus_is("f-phone")).await?;
    kb.type_text(PHONE).await?;
    kb.press(&[&Key::Enter]).await?;
    wait_until(
        client,
        "the full case in the open list, the form ready again",
        "return document.querySelectorAll('#cases-open tbody tr').length === 1
            && Boolean(document.activeElement && document.activeElement.closest('#f-reason'))",
    )
    .await?;

    // Alt+V: a fast accompaniment, no personal file.
    kb.press(&[&alt("v")]).await?;
    wait_until(
        client,
        "the fast form",
        "return document.getElementById('case-file').hidden
            && Boolean(document.activeElement && document.activeElement.closest('#f-reason'))",
    )
    .await?;
    kb.press(&["2"]).await?;
    wait_until(client, "the date of the fast one", &focus_is("f-opened_on")).await?;
    kb.press(&[&Key::Enter]).await?;
    wait_until(
        client,
        "the fast accompaniment listed",
        "return document.querySelectorAll('#cases-fast tbody tr').length === 1",
    )
    .await?;

    // Alt+L: the open case's first command shows it; a follow-up, then archive it today
    // with its outcome (the first, "solved", picked with its key).
    kb.press(&[&alt("l")]).await?;
    wait_until(
        client,
        "the open case's show button",
        "const a = document.activeElement;
         return Boolean(a && a.dataset.show && a.closest('#cases-open'))",
    )
    .await?;
    kb.press(&[&Key::Enter]).await?;
    wait_until(client, "the case's follow-up field", &focus_is("f-what")).await?;
    kb.type_text(NOTE).await?;
    let ctrl_enter = format!("{}{}{}", &*Key::Control, &*Key::Enter, &*Key::Null);
    kb.press(&[&ctrl_enter]).await?;
    wait_until(
        client,
        "the follow-up in the case",
        "return document.querySelectorAll('#case-detail .case-notes li').length === 1
            && document.activeElement && document.activeElement.id === 'f-what'",
    )
    .await?;
    archive_shown_case(client, &mut kb).await?;
    wait_until(
        client,
        "the case archived",
        "return !document.getElementById('case-detail').open
            && document.querySelectorAll('#cases-archived tbody tr').length === 1
            && !document.getElementById('cases-open')",
    )
    .await?;
    screenshot(client, "cases").await?;
    no_page_errors(client).await?;
    println!("cases: {} keys pressed", kb.pressed);
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: needs a display, tauri-driver and WebKitWebDriver (make e2e)"]
async fn full_case_opened_noted_and_archived_and_a_fast_one_with_the_keyboard() {
    let home = tempfile::tempdir().expect("a temporary folder");
    let db = home.path().join("e2e.db");
    with_app(&db, home.path(), scenario)
        .await
        .expect("the cases scenario");

    // The counts, exactly the report's: one case, archived; one fast accompaniment.
    let (ok, out) = cli(&db, &["cases", "counts", "--format", "json"]);
    assert!(ok, "cases counts runs: {out}");
    let counts: Value = serde_json::from_str(&out).expect("counts as JSON");
    for (what, want) in [
        ("total", 1),
        ("archived", 1),
        ("fast", 1),
        ("carried_out", 0),
    ] {
        assert_eq!(counts[what], want, "{what} in {counts}");
    }

    // The file holds the personal file and the note sealed; the PIN opens them as
    // typed; the command line shows neither.
    let raw = std::fs::read(&db).expect("the database file");
    for typed in [NAME, PHONE, NOTE] {
        assert!(
            !raw.windows(typed.len()).any(|w| w == typed.as_bytes()),
            "{typed} is sealed in the file"
        );
    }
    let store = sportello_e2e::open_signed_in(&db);
    let (sealed, name, phone, notes): (String, String, String, String) = store
        .conn()
        .query_row(
            "SELECT f.person_name, unseal('case_files.person_name', f.case_id, f.person_name),
                 unseal('case_files.phone', f.case_id, f.phone),
                 group_concat(unseal('case_notes.body', n.case_id, n.body))
             FROM case_files f JOIN case_notes n ON n.case_id = f.case_id",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .expect("one personal file with its note");
    assert!(sealed.starts_with("s1:"), "stored sealed: {sealed}");
    assert_eq!(
        (name.as_str(), phone.as_str(), notes.as_str()),
        (NAME, PHONE, NOTE),
        "the file and the note as typed"
    );
    // Showing the full case opened its personal file: logged with who and which case,
    // nothing of the file; every change signed by the signed-in operator.
    let opened: Vec<(String, String, String)> = store
        .conn()
        .prepare(
            "SELECT operator, entity_id, detail FROM audit_log
             WHERE action = 'open_personal_file' AND entity = 'case_file'",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!opened.is_empty(), "the opening of the file is logged");
    assert!(
        opened
            .iter()
            .all(|(who, _, detail)| who == sportello_e2e::OPERATOR && detail.is_empty()),
        "{opened:?}"
    );
    let signers: Vec<String> = store
        .conn()
        .prepare("SELECT DISTINCT operator FROM audit_log WHERE entity = 'case'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        signers,
        [sportello_e2e::OPERATOR],
        "the signed-in operator signs"
    );
    let (ok, out) = cli(&db, &["cases", "list", "--format", "json"]);
    assert!(ok, "cases list runs: {out}");
    let list: Value = serde_json::from_str(&out).expect("the list as JSON");
    assert_eq!(list.as_array().map(Vec::len), Some(2), "two cases: {list}");
    for secret in [NAME, "Amina", PHONE, NOTE, "Questura"] {
        assert!(
            !out.contains(secret),
            "the command line's list has no personal data ({secret:?}): {out}"
        );
    }
}
