//! Operators and the lock of the personal areas, with the keyboard.
//!
//! The app starts with a lock of 4 seconds (`SPORTELLO_LOCK_SECONDS`). The first
//! operator signs up at the first run; "Cambia operatore" (Alt+U) shows the door, where
//! a wrong PIN is refused and the right one signs in. The cases view, left without
//! input, locks: the lock panel covers it with the PIN field focused, the shell refuses
//! the cases' data, the register stays usable. A wrong PIN is refused, the right one
//! reopens the cases with the focus in them. The audit log holds the sign-ins, the
//! refused PINs (never a PIN) and the unlock, signed by the operator.
//!
//! Personal data is sealed from the first run: the first sign-up shows the recovery
//! key once; a case's name written through the window is nowhere in the database's
//! files while the area is locked, and reads back once the PIN reopens it. At the door,
//! "Ho dimenticato il PIN" (Alt+R) takes the recovery key and a new PIN.

use chrono::Utc;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use sportello::Store;
use sportello_e2e::{
    Keyboard, OPERATOR, PIN, TestResult, alt, no_page_errors, run_async, screenshot, sign_in,
    sign_in_keeping_key, wait_text, wait_until, with_app_env,
};

const WRONG: &str = "000000";
/// A person's name written into a case: it must never be in the files in clear.
const MARKER: &str = "ZQSEALEDNAME";
/// The PIN the recovery key sets.
const NEW_PIN: &str = "864209";

/// Whether the database `db` (file and write-ahead log) holds `needle` in clear.
fn files_hold(db: &std::path::Path, needle: &str) -> bool {
    let mut bytes = std::fs::read(db).unwrap_or_default();
    let wal = db.with_file_name(format!("{}-wal", db.file_name().unwrap().to_string_lossy()));
    bytes.extend(std::fs::read(wal).unwrap_or_default());
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn focus_is(id: &str) -> String {
    format!("return Boolean(document.activeElement) && document.activeElement.id === '{id}'")
}

/// A screenshot at 200% zoom too (the page's own zoom, as Ctrl++ would set it).
async fn screenshots(client: &Client, name: &str) -> TestResult {
    screenshot(client, name).await?;
    client
        .execute("document.documentElement.style.zoom = '2';", vec![])
        .await?;
    screenshot(client, &format!("{name}-200")).await?;
    client
        .execute("document.documentElement.style.zoom = '';", vec![])
        .await?;
    Ok(())
}

/// The name in case `id`'s personal file, as the window reads it.
async fn person_of(client: &Client, id: &str) -> TestResult<String> {
    let case = run_async(
        client,
        &format!("const ipc = await import('./js/ipc.js'); return await ipc.getCase('{id}');"),
    )
    .await?;
    Ok(case["personal"]["person_name"]
        .as_str()
        .unwrap_or_default()
        .to_string())
}

async fn scenario(client: Client, db: std::path::PathBuf) -> TestResult {
    let client = &client;
    let mut kb = Keyboard::new(client);
    let recovery = sign_in_keeping_key(client, &mut kb)
        .await?
        .expect("the first sign-up seals the personal data and shows the recovery key once");
    assert_eq!(recovery.len(), 39, "8 groups of 4: {recovery}");
    wait_until(client, "the register", &focus_is("f-nationality")).await?;
    // a case with a personal file, written through the window
    let case = run_async(
        client,
        &format!(
            "const ipc = await import('./js/ipc.js');
             return await ipc.openCase({{ case_type: 'full', opened_on: new Date().toISOString().slice(0, 10),
               closed_on: null, reason: 'rinnovo_permesso',
               personal: {{ person_name: '{MARKER}', phone: '', documents: '', description: '' }} }});"
        ),
    )
    .await?;
    let case_id = case["id"].as_str().expect("the case's id").to_string();
    let bar = wait_text(client, "Cambia operatore").await?;
    assert!(bar.contains(OPERATOR), "the signed-in operator is shown");

    // A change of shift: the door, the one account chosen, its PIN field focused.
    kb.press(&[&alt("u")]).await?;
    wait_until(client, "the sign-in", &focus_is("f-signin-pin")).await?;
    wait_text(client, OPERATOR).await?;
    screenshots(client, "sign-in").await?;
    kb.type_text(WRONG).await?;
    kb.press(&[&Key::Enter]).await?;
    wait_text(client, "PIN errato").await?;
    wait_until(client, "the PIN field again", &focus_is("f-signin-pin")).await?;
    sign_in(client, &mut kb).await?;
    wait_until(client, "the register again", &focus_is("f-nationality")).await?;

    // The cases view, then no input: it locks.
    client
        .find(Locator::Css("nav button[data-view='casi']"))
        .await?
        .click()
        .await?;
    wait_until(
        client,
        "the cases view",
        "return Boolean(document.querySelector('#case-counts .counts'))",
    )
    .await?;
    wait_until(
        client,
        "the lock panel, its PIN field focused",
        &format!(
            "return Boolean(document.getElementById('lock-panel')) && ({})()",
            "() => document.activeElement && document.activeElement.id === 'f-unlock-pin'"
        ),
    )
    .await?;
    assert!(
        client.find(Locator::Css("#case-counts")).await.is_err(),
        "the cases are no longer on the page"
    );
    screenshots(client, "lock-panel").await?;
    // The shell refuses the cases' data while locked, whatever the window does.
    let refused = run_async(
        client,
        "const ipc = await import('./js/ipc.js'); return await ipc.casesOverview(2026);",
    )
    .await;
    let refused = refused
        .expect_err("the cases are refused while locked")
        .to_string();
    assert!(refused.contains("locked"), "{refused}");
    // Locked: the key is out of memory, and the name is in none of the files.
    assert!(
        !files_hold(&db, MARKER),
        "the personal file is sealed in the database's files"
    );

    // The register stays usable.
    client
        .find(Locator::Css("nav button[data-view='register']"))
        .await?
        .click()
        .await?;
    wait_until(
        client,
        "the register while locked",
        &focus_is("f-nationality"),
    )
    .await?;
    client
        .find(Locator::Css("nav button[data-view='casi']"))
        .await?
        .click()
        .await?;
    wait_until(client, "the lock panel again", &focus_is("f-unlock-pin")).await?;

    // A wrong PIN is refused; the right one reopens the cases, the focus in them.
    kb.type_text("111111").await?;
    kb.press(&[&Key::Enter]).await?;
    wait_text(client, "PIN errato").await?;
    wait_until(
        client,
        "the PIN field after a wrong PIN",
        &focus_is("f-unlock-pin"),
    )
    .await?;
    kb.type_text(PIN).await?;
    kb.press(&[&Key::Enter]).await?;
    wait_until(
        client,
        "the cases again, the focus on the reason",
        "return !document.getElementById('lock-panel')
            && Boolean(document.querySelector('#case-counts .counts'))
            && Boolean(document.activeElement && document.activeElement.closest('#f-reason'))",
    )
    .await?;
    assert_eq!(
        person_of(client, &case_id).await?,
        MARKER,
        "the PIN opens it again"
    );

    // Every PIN forgotten: the door's "Ho dimenticato il PIN", the recovery key, a new PIN.
    kb.press(&[&alt("u")]).await?;
    wait_until(client, "the sign-in", &focus_is("f-signin-pin")).await?;
    kb.press(&[&alt("r")]).await?;
    wait_until(client, "the recovery key's field", &focus_is("f-rec-key")).await?;
    screenshots(client, "recovery").await?;
    kb.type_text("0000-0000-0000-0000-0000-0000-0000-0000")
        .await?;
    kb.press(&[&Key::Tab]).await?;
    kb.type_text(NEW_PIN).await?;
    kb.press(&[&Key::Tab]).await?;
    kb.type_text(NEW_PIN).await?;
    kb.press(&[&Key::Enter]).await?;
    wait_text(client, "non apre questo archivio").await?;
    wait_until(client, "the key's field again", &focus_is("f-rec-key")).await?;
    client
        .execute("document.getElementById('f-rec-key').value = '';", vec![])
        .await?;
    kb.type_text(&recovery.to_lowercase()).await?;
    kb.press(&[&Key::Enter]).await?;
    // signed in again, back on the cases, which lock again after 4 s without input:
    // the new PIN reopens them, and the name reads back
    wait_until(
        client,
        "the lock panel after the recovery",
        &format!(
            "return !document.getElementById('rec-form') && ({})()",
            "() => document.activeElement && document.activeElement.id === 'f-unlock-pin'"
        ),
    )
    .await?;
    kb.type_text(NEW_PIN).await?;
    kb.press(&[&Key::Enter]).await?;
    wait_until(
        client,
        "the cases reopened with the new PIN",
        "return !document.getElementById('lock-panel')
            && Boolean(document.querySelector('#case-counts .counts'))",
    )
    .await?;
    assert_eq!(
        person_of(client, &case_id).await?,
        MARKER,
        "the recovery key opens it"
    );
    no_page_errors(client).await
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: needs a display, tauri-driver and WebKitWebDriver (make e2e)"]
async fn operators_sign_in_and_the_cases_lock_and_reopen_with_the_pin() {
    let home = tempfile::tempdir().expect("a temporary folder");
    let db = home.path().join("e2e.db");
    with_app_env(
        &db,
        home.path(),
        &[("SPORTELLO_LOCK_SECONDS", "4")],
        |client| scenario(client, db.clone()),
    )
    .await
    .expect("the operators scenario");

    let store = Store::open(&db, Utc::now()).expect("the app's database");
    let log: Vec<(String, String, String)> = store
        .conn()
        .prepare(
            "SELECT operator, action, detail FROM audit_log WHERE entity = 'operator' ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let actions: Vec<&str> = log.iter().map(|(_, a, _)| a.as_str()).collect();
    assert_eq!(
        actions,
        [
            "create",
            "sign_in",
            "sign_out",
            "wrong_pin",
            "sign_in",
            "wrong_pin",
            "unlock",
            "sign_out",
            "wrong_recovery_key",
            "recover",
            "sign_in",
            "unlock"
        ],
        "{log:?}"
    );
    assert!(log.iter().all(|(who, _, _)| who == OPERATOR), "{log:?}");
    assert!(
        !files_hold(&db, MARKER),
        "the app closed: the name is in none of the database's files"
    );
    assert!(
        log.iter()
            .all(|(_, _, detail)| !detail.contains(PIN) && !detail.contains(WRONG)),
        "no PIN in the log: {log:?}"
    );
    let hash: String = store
        .conn()
        .query_row("SELECT pin_hash FROM operators", [], |r| r.get(0))
        .unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=65536,t=3,p=1$"),
        "{hash}"
    );
}
