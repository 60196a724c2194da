//! Two desks' databases on one machine sync through export files, from the app.
//!
//! Desk FOL's app exports twice: once through the command its "Esporta" button feeds
//! (the native folder dialog cannot be driven; the app remembers the folder), then, after
//! a correction and a deletion, with the button itself. The coordinator GRO's app (a
//! second database, a second run) previews the folder (a dry run: new, updated,
//! unchanged, conflicts), confirms it, and shows the sequence numbers received. The
//! command line then agrees: FOL's files 1-2 received, the year's report counts the live
//! accesses, a repeat import is "already imported"; and the core shows the correction
//! and the deletion arrived.

use std::path::{Path, PathBuf};

use chrono::{Datelike, Duration, Local, NaiveDate, Utc};
use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use sportello::register::accesses::{self, NewAccess};
use sportello::{Store, desk, register};
use sportello_e2e::{
    TestResult, cli, no_page_errors, run_async, screenshot, wait_text, wait_until, with_app,
};

/// A desk's database, set up as the first run would (preset details and hours).
fn set_up(db: &Path, code: &str) -> Store {
    let mut store = Store::open(db, Utc::now()).expect("a new database");
    let preset = desk::presets()
        .into_iter()
        .find(|d| d.code == code)
        .expect("a preset desk");
    register::first_run(store.conn_mut(), &preset, "MR", sportello::Now::read())
        .expect("the setup");
    store
}

fn access(date: NaiveDate, sex: &str) -> NewAccess {
    NewAccess {
        date,
        hour: 10,
        channel: "sportello".into(),
        nationality: "MA".into(),
        sex: sex.into(),
        age_band: "30-39".into(),
        first_access: true,
        referred_by: "iniziativa_propria".into(),
        reasons: vec!["rinnovo_permesso".into()],
        permit: "in_rinnovo".into(),
        actions: vec!["informazione".into()],
        accompaniment: false,
        mediation: false,
    }
}

/// Clicks the button of the current view whose text is exactly `label`.
async fn click_button(client: &Client, label: &str) -> TestResult {
    let found = client
        .execute(
            "const b = [...document.querySelectorAll('#view button')]
                 .find((b) => b.textContent === arguments[0]);
             if (b) b.click();
             return Boolean(b);",
            vec![json!(label)],
        )
        .await?;
    if found != Value::Bool(true) {
        return Err(format!("no button {label:?} in the view").into());
    }
    Ok(())
}

async fn open_sync_view(client: &Client) -> TestResult {
    wait_until(
        client,
        "the navigation",
        "return Boolean(document.querySelector('nav button[data-view=sync]'))",
    )
    .await?;
    client
        .find(Locator::Css("nav button[data-view=sync]"))
        .await?
        .click()
        .await?;
    wait_text(client, "Esporta per il coordinamento").await?;
    Ok(())
}

/// FOL: export 1 through the command the button feeds, then a correction and a deletion
/// (through the core, as the register writes them), then export 2 with the button.
async fn desk_exports(
    client: Client,
    db: PathBuf,
    outbox: PathBuf,
    day: NaiveDate,
) -> TestResult<Value> {
    let client = &client;
    // a database set up before the accounts: the first operator is created at the door
    sportello_e2e::sign_in(client, &mut sportello_e2e::Keyboard::new(client)).await?;
    // The register has loaded (it sets the language): the views can change now.
    wait_text(client, "Accessi del").await?;
    let first = run_async(
        client,
        &format!(
            "const ipc = await import('./js/ipc.js');
             return await ipc.exportToPath({});",
            serde_json::to_string(&outbox)?
        ),
    )
    .await?;

    // Access A is corrected (now female), access B deleted, while the app runs.
    let mut store = Store::open(&db, Utc::now())?;
    let ids: Vec<String> = store
        .conn()
        .prepare("SELECT id FROM accesses ORDER BY change_seq")?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    accesses::correct(
        store.conn_mut(),
        &ids[0],
        1,
        &access(day, "femmina"),
        "MR",
        sportello::Now::read(),
    )?;
    accesses::delete(store.conn_mut(), &ids[1], 1, "MR", sportello::Now::read())?;
    drop(store);

    open_sync_view(client).await?;
    let folder = client
        .find(Locator::Css("#export-folder"))
        .await?
        .text()
        .await?;
    if Path::new(&folder) != outbox {
        return Err(format!("the view shows the remembered folder, got {folder:?}").into());
    }
    wait_text(client, "2 record da esportare.").await?;
    click_button(client, "Esporta").await?;
    let text = wait_text(client, "Esportazione n. 2 scritta: 2 record").await?;
    wait_text(client, "Tutti i record sono già stati esportati.").await?;
    if !text.contains(&outbox.display().to_string()) {
        return Err(format!("the message names the file in the folder: {text}").into());
    }
    no_page_errors(client).await?;
    Ok(first)
}

/// GRO: previews FOL's two files (nothing stored), confirms, and sees FOL's numbers.
async fn coordinator_imports(client: Client, db: PathBuf, files: Vec<PathBuf>) -> TestResult {
    let client = &client;
    sportello_e2e::sign_in(client, &mut sportello_e2e::Keyboard::new(client)).await?;
    wait_text(client, "Accessi del").await?;
    open_sync_view(client).await?;
    // The files the dialog ("Scegli file…") would return, in the order they were
    // written, handed to the view's own preview: the view is mounted again on the same
    // container to reach it.
    run_async(
        client,
        &format!(
            "const view = await import('./js/views/sync.js');
             const root = document.querySelector('#view > div');
             await view.mount(root, {{lang: 'it'}}).preview({});",
            serde_json::to_string(&files)?
        ),
    )
    .await?;
    wait_text(client, "Anteprima (niente è ancora salvato)").await?;
    let rows = client
        .execute(
            "return [...document.querySelectorAll('.sync-import-result tbody tr')]
                 .map((tr) => [...tr.cells].map((td) => td.textContent));",
            vec![],
        )
        .await?;
    let rows: Vec<Vec<String>> = serde_json::from_value(rows)?;
    let summary: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[1].as_str(), r[2].as_str()))
        .collect();
    assert_eq!(
        summary,
        [
            (
                "da importare",
                "3 nuovi, 0 aggiornati, 0 invariati, 0 conflitti"
            ),
            (
                "da importare",
                "0 nuovi, 2 aggiornati, 0 invariati, 0 conflitti"
            ),
        ],
        "the dry run: file 1 brings three accesses, file 2 the correction and the deletion"
    );
    assert!(
        rows[0][0].contains("(FOL n. 1)") && rows[1][0].contains("(FOL n. 2)"),
        "each file is named with its desk and number: {rows:?}"
    );
    {
        let store = Store::open(&db, Utc::now())?;
        let stored: i64 = store
            .conn()
            .query_row("SELECT COUNT(*) FROM accesses", [], |r| r.get(0))?;
        assert_eq!(stored, 0, "the preview stored nothing");
    }
    screenshot(client, "sync-preview").await?;

    click_button(client, "Conferma importazione").await?;
    wait_text(client, "Risultato dell’importazione").await?;
    let text = wait_text(client, "1–2").await?;
    assert_eq!(
        text.matches("importato").count() - text.matches("da importare").count(),
        2,
        "both files imported: {text}"
    );
    no_page_errors(client).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "drives the real window: needs a display, tauri-driver and WebKitWebDriver (make e2e)"]
async fn desk_exports_and_coordinator_imports_from_the_app() {
    let home = tempfile::tempdir().expect("a temporary folder");
    let (fol, gro) = (home.path().join("fol.db"), home.path().join("gro.db"));
    let outbox = home.path().join("outbox");
    std::fs::create_dir(&outbox).expect("the export folder");

    // Three accesses at FOL yesterday (today's hour could still be ahead).
    let day = Local::now().date_naive() - Duration::days(1);
    {
        let mut store = set_up(&fol, "FOL");
        for _ in 0..3 {
            accesses::record(
                store.conn_mut(),
                &access(day, "maschio"),
                "MR",
                sportello::Now::read(),
            )
            .expect("a fixture access");
        }
    }
    drop(set_up(&gro, "GRO"));

    let first = with_app(&fol, &home.path().join("fol"), {
        let (db, outbox) = (fol.clone(), outbox.clone());
        move |client| desk_exports(client, db, outbox, day)
    })
    .await
    .expect("FOL exports from the app");
    assert_eq!(
        (&first["sequence"], &first["record_count"]),
        (&json!(1), &json!(3)),
        "export 1 holds the three accesses: {first}"
    );
    let first_file = PathBuf::from(first["path"].as_str().expect("the file written"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&outbox)
        .expect("the export folder")
        .map(|e| e.expect("an entry").path())
        .collect();
    // Export 1 first: names carry the period, not the number.
    files.sort_by_key(|f| f != &first_file);
    assert_eq!(files.len(), 2, "two export files: {files:?}");
    assert_eq!(files[0], first_file, "export 1 is in the folder");
    assert!(
        files.iter().all(|f| f
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("sportello-FOL-")),
        "files named after the desk: {files:?}"
    );

    with_app(&gro, &home.path().join("gro"), {
        let (db, files) = (gro.clone(), files.clone());
        move |client| coordinator_imports(client, db, files)
    })
    .await
    .expect("GRO previews and imports from the app");

    // The command line agrees with what the app did.
    let (ok, out) = cli(&gro, &["imports", "--format", "json"]);
    assert!(ok, "sportello imports");
    let status: Value = serde_json::from_str(&out).expect("JSON from imports");
    assert_eq!(status["desks"][0]["desk"], "FOL", "{status}");
    assert_eq!(
        status["desks"][0]["received"],
        json!([[1, 2]]),
        "FOL's numbers 1 and 2 received: {status}"
    );
    assert_eq!(status["desks"][0]["missing"], json!([]), "{status}");

    let year = day.year().to_string();
    let (ok, out) = cli(&gro, &["report", "--year", &year, "--format", "json"]);
    assert!(ok, "sportello report");
    let report: Value = serde_json::from_str(&out).expect("JSON from report");
    assert_eq!(
        report["total"]["accesses"]["total"],
        json!(2),
        "three accesses, one deleted: {}",
        report["total"]
    );

    let (ok, out) = cli(&gro, &["import", &outbox.display().to_string()]);
    assert!(ok, "a repeat import is no error: {out}");
    assert_eq!(
        out.matches("already imported").count(),
        2,
        "both files are already imported: {out}"
    );

    // The correction and the deletion arrived, at the revisions FOL wrote.
    let store = Store::open(&gro, Utc::now()).expect("GRO's database");
    let rows: Vec<(i64, bool, Option<String>)> = store
        .conn()
        .prepare("SELECT revision, deleted, sex FROM accesses WHERE desk = 'FOL' ORDER BY revision, deleted")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        rows,
        [
            (1, false, Some("maschio".to_string())),
            (2, false, Some("femmina".to_string())),
            (2, true, None),
        ],
        "one untouched, one corrected, one tombstone (which keeps no data)"
    );
}
