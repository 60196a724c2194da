//! The register in the real app window, driven over WebDriver (tauri-driver and
//! WebKitWebDriver): first-run setup, three accesses typed with the keyboard alone
//! (one of them counted: at most 8 keys), a correction, a deletion, a batch of five,
//! the frequent profile they make recorded with two keys (counted), hidden and
//! restored; then the database is checked through the core.
//!
//! Needs a display: `make e2e` runs it under `xvfb-run`. Plain `cargo test` skips it.

use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::json;
use sportello::Store;
use sportello_e2e::{Keyboard, TestResult, no_page_errors, screenshot, wait_until, with_app};

async fn wait_rows(client: &Client, n: usize) -> TestResult {
    wait_until(
        client,
        &format!("{n} rows in the day's list"),
        &format!("return document.querySelectorAll('#day-list tbody tr').length === {n}"),
    )
    .await
}

async fn wait_ready_for_next(client: &Client) -> TestResult {
    wait_until(
        client,
        "the focus back on nationality",
        "return document.activeElement && document.activeElement.id === 'f-nationality'",
    )
    .await
}

async fn message(client: &Client) -> TestResult<String> {
    Ok(client.find(Locator::Css("#message")).await?.text().await?)
}

/// The scenario; returns how many keys the counted access and the frequent profile took.
async fn scenario(client: &Client) -> TestResult<(usize, usize, std::path::PathBuf)> {
    let mut kb = Keyboard::new(client);

    // First run: the setup screen, FOL preselected; the first operator signs up.
    sportello_e2e::sign_in(client, &mut kb).await?;
    wait_ready_for_next(client).await?;
    let title: String = client.find(Locator::Css("h1")).await?.text().await?;
    assert!(
        title.contains("Follonica"),
        "the register shows the desk's name, got {title:?}"
    );

    // Enter on an empty form saves nothing and says, next to each field, what is missing.
    kb.press(&[&Key::Enter]).await?;
    wait_until(
        client,
        "the message next to the nationality",
        "return document.getElementById('e-nationality').textContent
            === 'Scegli una nazionalità dall\\'elenco.'",
    )
    .await?;
    assert_eq!(
        message(client).await?,
        "Controlla i campi segnati in rosso.",
        "the status line points at the fields"
    );
    assert!(
        client.find(Locator::Css("#day-list")).await.is_err(),
        "nothing was saved"
    );
    wait_ready_for_next(client).await?;

    // Access 1, keyboard alone, nationality typed: in person (the usual channel),
    // Marocco, male, 30-39, not a first access, own initiative, permit being renewed,
    // permit renewal, and the usual action (information) left as it is.
    kb.type_text("maro").await?;
    kb.press(&[&Key::Enter]).await?;
    kb.press(&["1", "3", "n", "1", "2", "1", &Key::Enter])
        .await?;
    wait_rows(client, 1).await?;
    wait_ready_for_next(client).await?;

    // Access 2, counted: a frequent nationality is key 1 on the numbered list, and the
    // action is the desk's usual one (information), already there.
    let before = kb.pressed;
    kb.press(&[
        "1",         // nationality: Marocco, now this desk's most frequent
        "2",         // sex: female
        "2",         // age band: 18-29
        "s",         // first access: yes
        "1",         // referred by: own initiative
        "3",         // permit: employment
        "6",         // reason: work
        &Key::Enter, // save
    ])
    .await?;
    let typical_keys = kb.pressed - before;
    wait_rows(client, 2).await?;
    wait_ready_for_next(client).await?;

    // Access 3: by phone (Shift+Tab back to the channel, key 2), Albania typed.
    kb.press(&[&format!("{}{}{}", &*Key::Shift, &*Key::Tab, &*Key::Null)])
        .await?;
    wait_until(
        client,
        "the focus on the channel",
        "return document.activeElement && document.activeElement.name === 'channel'",
    )
    .await?;
    kb.press(&["2"]).await?;
    kb.type_text("alb").await?;
    kb.press(&[&Key::Enter]).await?;
    // The first key in the actions replaces the usual one: a booking, not information.
    kb.press(&["1", "4", "s", "3", "6", "5", &Key::Tab, "3", &Key::Enter])
        .await?;
    wait_rows(client, 3).await?;
    wait_ready_for_next(client).await?;

    // Correct access 2 (the middle row: newest first): the sex becomes male.
    client
        .find(Locator::Css("button[data-correct='1']"))
        .await?
        .click()
        .await?;
    wait_until(
        client,
        "the correction banner",
        "return !document.getElementById('correcting').hidden",
    )
    .await?;
    wait_ready_for_next(client).await?;
    kb.press(&[&Key::Tab, "1", &Key::Enter]).await?;
    wait_until(
        client,
        "the correction saved",
        "return document.getElementById('correcting').hidden
            && /revisione 2/.test(document.getElementById('message').textContent)",
    )
    .await?;
    // The list is drawn again when the save's refresh returns, and the focus goes back
    // to the form only after it: a button found before would be a stale node.
    wait_ready_for_next(client).await?;

    // Delete access 1 (the oldest, last row), after the confirmation.
    client
        .find(Locator::Css("button[data-delete='2']"))
        .await?
        .click()
        .await?;
    wait_until(
        client,
        "the confirmation",
        "return document.getElementById('confirm').open",
    )
    .await?;
    client
        .find(Locator::Css("#confirm-yes"))
        .await?
        .click()
        .await?;
    wait_rows(client, 2).await?;

    // "Repeat last" (Alt+R) copies access 3 into the form; Enter saves the copy, and
    // "undo" (Alt+Z) takes it back.
    let alt = |k: &str| format!("{}{k}{}", &*Key::Alt, &*Key::Null);
    kb.press(&[&alt("r")]).await?;
    wait_until(
        client,
        "the copy in the form",
        "return document.getElementById('f-nationality').value === 'Albania'",
    )
    .await?;
    kb.press(&[&Key::Enter]).await?;
    wait_rows(client, 3).await?;
    kb.press(&[&alt("z")]).await?;
    wait_rows(client, 2).await?;

    // A batch: five identical phone calls (the form kept the phone channel).
    client
        .find(Locator::Css("#f-nationality"))
        .await?
        .click()
        .await?;
    kb.press(&["1", "3", "3", "n", "1", "2", "1"]).await?;
    kb.press(&[
        &Key::Tab,
        &Key::Tab,
        &Key::Tab,
        &Key::Tab,
        &Key::Backspace,
        "5",
        &Key::Enter,
    ])
    .await?;
    wait_rows(client, 7).await?;
    let saved = message(client).await?;
    assert!(saved.contains('5'), "the batch is announced: {saved:?}");

    // The five identical calls are now this desk's most frequent profile: Ctrl+1 fills
    // the form with it and Enter records it, two keys (counted).
    wait_until(
        client,
        "the frequent profile beside the form",
        "const b = document.querySelector('#profiles [data-profile=\"1\"]');
         return b !== null && /Ctrl.1/.test(b.textContent)
             && document.querySelectorAll('#profiles [data-profile]').length === 1",
    )
    .await?;
    wait_ready_for_next(client).await?;
    let ctrl = |k: &str| format!("{}{k}{}", &*Key::Control, &*Key::Null);
    let before = kb.pressed;
    kb.press(&[&ctrl("1")]).await?;
    wait_until(
        client,
        "the profile in the form, the focus on Save",
        "return document.getElementById('f-nationality').value !== ''
            && document.activeElement && document.activeElement.id === 'save'",
    )
    .await?;
    kb.press(&[&Key::Enter]).await?;
    let profile_keys = kb.pressed - before;
    wait_rows(client, 8).await?;
    wait_ready_for_next(client).await?;

    // Hidden, the profile leaves the list for the hidden ones; restored, it is back.
    client
        .find(Locator::Css("#profiles [data-hide='0']"))
        .await?
        .click()
        .await?;
    wait_until(
        client,
        "the profile hidden",
        "return document.querySelectorAll('#profiles [data-profile]').length === 0
            && document.querySelectorAll('#profiles [data-restore]').length === 1",
    )
    .await?;
    client
        .find(Locator::Css("#profiles summary"))
        .await?
        .click()
        .await?;
    client
        .find(Locator::Css("#profiles [data-restore='0']"))
        .await?
        .click()
        .await?;
    wait_until(
        client,
        "the profile restored",
        "return document.querySelectorAll('#profiles [data-profile]').length === 1
            && document.querySelectorAll('#profiles [data-restore]').length === 0
            && document.activeElement === document.querySelector('#profiles [data-profile]')",
    )
    .await?;
    // Back to the form (Alt+N: a new access).
    kb.press(&[&alt("n")]).await?;
    wait_ready_for_next(client).await?;

    let counts = client
        .execute(
            "const c = {}; for (const li of document.querySelectorAll('#counts li'))
                 c[li.dataset.channel] = li.querySelector('strong').textContent; return c;",
            vec![],
        )
        .await?;
    assert_eq!(
        counts,
        json!({"sportello": "1", "telefono": "7", "email": "0", "videochiamata": "0"}),
        "today's counts by channel"
    );
    let status = client
        .find(Locator::Css("#unexported"))
        .await?
        .text()
        .await?;
    assert!(
        status.starts_with("10 record"),
        "10 records wait for export (8 live, 2 tombstones): {status:?}"
    );

    // The list as the operator sees it, before any overlay.
    wait_ready_for_next(client).await?;
    let shot = screenshot(client, "register").await?;

    // Help overlay opens with F1 and closes with Esc.
    kb.press(&[&Key::F1]).await?;
    wait_until(
        client,
        "the help",
        "return document.getElementById('help').open",
    )
    .await?;
    kb.press(&[&Key::Escape]).await?;
    wait_until(
        client,
        "the help closed",
        "return !document.getElementById('help').open",
    )
    .await?;

    no_page_errors(client).await?;
    Ok((typical_keys, profile_keys, shot))
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: needs a display, tauri-driver and WebKitWebDriver (make e2e)"]
async fn register_from_first_run_to_export_status() {
    let home = tempfile::tempdir().expect("a temporary folder");
    let db = home.path().join("e2e.db");
    let (typical_keys, profile_keys, shot) =
        with_app(
            &db,
            home.path(),
            |client| async move { scenario(&client).await },
        )
        .await
        .expect("the register scenario");
    assert!(
        typical_keys <= 8,
        "a typical access took {typical_keys} keys, more than 8"
    );
    assert_eq!(
        profile_keys, 2,
        "a frequent profile is recorded with two keys"
    );

    // The database, through the core.
    let store = Store::open(&db, chrono::Utc::now()).expect("the app's database");
    let conn = store.conn();
    let one = |sql: &str| -> i64 { conn.query_row(sql, [], |r| r.get(0)).expect(sql) };
    assert_eq!(
        one("SELECT COUNT(*) FROM desks WHERE is_own = 1 AND code = 'FOL'"),
        1,
        "the setup made this installation desk FOL"
    );
    assert_eq!(
        one("SELECT COUNT(*) FROM accesses WHERE deleted = 0"),
        8,
        "3 typed + 1 repeated + 5 in a batch + 1 from a profile - 1 deleted - 1 undone"
    );
    assert_eq!(
        one("SELECT COUNT(*) FROM accesses WHERE deleted = 1 AND revision = 2"),
        2,
        "two tombstones at revision 2: the deleted access and the undone copy"
    );
    let corrected: (i64, String, String) = conn
        .query_row(
            "SELECT revision, sex, nationality FROM accesses WHERE revision = 2 AND deleted = 0",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("one corrected access");
    assert_eq!(
        corrected,
        (2, "maschio".into(), "MA".into()),
        "the correction is revision 2 with the new sex"
    );
    assert_eq!(
        one("SELECT COUNT(*) FROM accesses WHERE deleted = 0 AND channel = 'telefono'"),
        7
    );
    assert_eq!(
        one(
            "SELECT COUNT(*) FROM accesses a JOIN access_reasons r ON r.access_id = a.id
             WHERE a.deleted = 0 AND a.nationality = 'AL' AND r.code = 'ricongiungimento'"
        ),
        1,
        "access 3 was recorded as typed"
    );
    let actions_of_3 = |extra: &str| {
        one(&format!(
            "SELECT COUNT(*) FROM accesses a JOIN access_actions x ON x.access_id = a.id
             WHERE a.deleted = 0 AND a.nationality = 'AL' AND a.first_access = 1{extra}"
        ))
    };
    assert_eq!(
        (
            actions_of_3(""),
            actions_of_3(" AND x.code = 'appuntamento'")
        ),
        (1, 1),
        "the first key in the actions replaced the usual one"
    );
    assert_eq!(
        one(
            "SELECT COUNT(*) FROM accesses a JOIN access_actions x ON x.access_id = a.id
             WHERE a.deleted = 0 AND a.nationality = 'MA' AND x.code = 'informazione'"
        ),
        1,
        "access 2 kept the usual action"
    );
    assert_eq!(
        one(
            "SELECT MAX(n) FROM (SELECT COUNT(*) AS n FROM accesses WHERE deleted = 0
             GROUP BY channel, nationality, sex, age_band, first_access, referred_by, permit)"
        ),
        6,
        "the profile recorded a sixth access like the five of the batch"
    );
    let audit: Vec<(String, i64)> = conn
        .prepare("SELECT action, COUNT(*) FROM audit_log WHERE operator = ?1 AND entity = 'access' GROUP BY action ORDER BY action")
        .unwrap()
        .query_map([sportello_e2e::OPERATOR], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        audit,
        [
            ("correct".to_string(), 1),
            ("delete".to_string(), 2),
            ("record".to_string(), 10)
        ],
        "every change is in the audit log, signed by the operator"
    );
    println!(
        "typical access: {typical_keys} keys; frequent profile: {profile_keys} keys; screenshot: {}",
        shot.display()
    );
}
