//! Backups from the app: the status line warns while the chosen backup folder (a USB
//! stick) is missing, "Usa la cartella predefinita" and "Esegui backup ora" with the
//! keyboard clear it and list the verified backup; a bad file is refused by the
//! restore's check naming the problem, and restoring the backup brings the database
//! back to its moment (a case opened after it is gone) with the replaced one set aside.
//! The file dialogs cannot be driven: the restore runs through the commands they feed.

use std::path::{Path, PathBuf};

use chrono::Utc;
use fantoccini::key::Key;
use fantoccini::{Client, Locator};
use serde_json::Value;
use sportello::store::backup;
use sportello::{Store, desk, register};
use sportello_e2e::{
    Keyboard, TestResult, cli, no_page_errors, run_async, screenshot, wait_until, with_app,
};

/// Focuses the element `id` (as Tab would reach it) and presses Enter on it.
async fn enter_on(client: &Client, kb: &mut Keyboard<'_>, id: &str) -> TestResult {
    client
        .execute(&format!("document.getElementById('{id}').focus()"), vec![])
        .await?;
    kb.press(&[&Key::Enter]).await
}

async fn scenario(client: Client, db: PathBuf, bad: PathBuf) -> TestResult {
    let client = &client;
    let mut kb = Keyboard::new(client);
    sportello_e2e::sign_in(client, &mut kb).await?;
    wait_until(
        client,
        "the status line's warning: no backup, the stick not reachable",
        "const s = document.getElementById('backup-status');
         return Boolean(s) && !s.hidden && s.textContent.includes('nessun backup riuscito')
             && s.textContent.includes('non è raggiungibile')",
    )
    .await?;
    screenshot(client, "backup-warning").await?;

    client
        .find(Locator::Css("nav button[data-view='sync']"))
        .await?
        .click()
        .await?;
    wait_until(
        client,
        "the backup section with the default-folder button",
        "const b = document.getElementById('backup-default'); return Boolean(b) && !b.hidden",
    )
    .await?;
    enter_on(client, &mut kb, "backup-default").await?;
    wait_until(
        client,
        "the default folder chosen",
        "return document.getElementById('backup-message').textContent.includes('cartella predefinita')",
    )
    .await?;
    enter_on(client, &mut kb, "backup-now").await?;
    wait_until(
        client,
        "the backup written, listed, and the warning gone",
        "return document.getElementById('backup-message').textContent.includes('Backup eseguito e verificato')
            && document.querySelectorAll('#backup-list tbody tr').length === 1
            && document.querySelector('#backup-list tbody td:nth-child(3)').textContent === 'sì'
            && document.getElementById('backup-status').hidden",
    )
    .await?;
    screenshot(client, "backup").await?;

    // a case opened after the backup, from the command line
    let (ok, out) = cli(&db, &["cases", "open", "--reason", "cittadinanza"]);
    assert!(ok, "cases open: {out}");

    let refused = run_async(
        client,
        &format!(
            "const ipc = await import('./js/ipc.js');
             const m = await import('./js/views/backup-model.js');
             try {{ await ipc.checkBackupFile({bad:?}); return 'accepted'; }}
             catch (e) {{ return m.backupErrorText(e); }}",
        ),
    )
    .await?;
    assert_eq!(
        refused,
        Value::from(
            "notes.db: non è un database di Sportello (non è un database SQLite). Nulla è stato cambiato."
        ),
        "a bad file is refused, named, with what is wrong"
    );

    let file = backup::list(&backup::default_folder(&db), &db)?
        .into_iter()
        .next()
        .expect("the backup taken")
        .path;
    run_async(
        client,
        &format!(
            "const ipc = await import('./js/ipc.js');
             await ipc.restoreBackup({:?});",
            file.display().to_string()
        ),
    )
    .await?;
    no_page_errors(client).await?;
    Ok(())
}

fn prepare(db: &Path, home: &Path) -> PathBuf {
    let mut store = Store::open(db, Utc::now()).expect("a new database");
    let preset = desk::presets()
        .into_iter()
        .find(|d| d.code == "GRO")
        .expect("a preset desk");
    register::first_run(store.conn_mut(), &preset, "MR", sportello::Now::read())
        .expect("the setup");
    // a USB stick chosen as the backup folder, then pulled out
    let stick = home.join("usb");
    std::fs::create_dir(&stick).unwrap();
    backup::set_folder(store.conn_mut(), Some(&stick), "MR", Utc::now()).unwrap();
    std::fs::remove_dir(&stick).unwrap();
    let bad = home.join("notes.db");
    std::fs::write(&bad, "appunti, non un database ".repeat(100)).unwrap();
    bad
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: needs a display, tauri-driver and WebKitWebDriver (make e2e)"]
async fn backup_from_the_settings_warned_taken_listed_and_restored() {
    let home = tempfile::tempdir().expect("a temporary folder");
    let db = home.path().join("e2e.db");
    let bad = prepare(&db, home.path());
    let (db2, bad2) = (db.clone(), bad.display().to_string());
    with_app(&db, home.path(), move |client| {
        scenario(client, db2, PathBuf::from(bad2))
    })
    .await
    .expect("the backup scenario");

    let (ok, out) = cli(&db, &["cases", "list", "--format", "json"]);
    assert!(ok, "cases list: {out}");
    let cases: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(
        cases.as_array().map(Vec::len),
        Some(0),
        "the restored database is the backup's: the later case is gone"
    );
    let kinds: Vec<backup::Kind> = backup::list(&backup::default_folder(&db), &db)
        .unwrap()
        .into_iter()
        .map(|b| b.kind)
        .collect();
    assert!(
        kinds.contains(&backup::Kind::BeforeRestore),
        "the replaced database is set aside: {kinds:?}"
    );
}
