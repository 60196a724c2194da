//! `sportello backup`, `backup list`, `backup folder` and `restore`: what a coordinator
//! or a scheduled job sees, exit statuses included (0 done, 1 failure, 2 bad usage).

use std::path::Path;

use serde_json::Value;

use crate::cli::sportello;

fn text(out: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn list(db: &Path) -> Value {
    let out = sportello(db, &["backup", "list", "--format", "json"]);
    assert!(out.status.success(), "{:?}", text(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn backup_list_and_restore_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data/sportello.db");
    let out = sportello(&db, &["desk", "set", "FOL"]);
    assert!(out.status.success(), "{:?}", text(&out));

    let out = sportello(&db, &["backup"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.starts_with("backup written and verified: ")
            && stdout.contains("data/backups/sportello-"),
        "{stdout}"
    );
    let status = list(&db);
    assert_eq!(status["stale"], false);
    assert_eq!(status["backups"].as_array().unwrap().len(), 1);
    assert_eq!(status["backups"][0]["kind"], "backup");
    assert_eq!(status["backups"][0]["verified"], true);
    let backup = status["backups"][0]["path"].as_str().unwrap().to_string();

    let out = sportello(&db, &["backup", "list", "--verify"]);
    let (stdout, _) = text(&out);
    assert!(out.status.success());
    assert!(
        stdout.contains("yes") && stdout.contains("backup folder:"),
        "{stdout}"
    );

    // a change after the backup: a case
    let out = sportello(&db, &["cases", "open", "--reason", "cittadinanza"]);
    assert!(out.status.success(), "{:?}", text(&out));

    // a bad file: refused, named, nothing changed
    let bad = dir.path().join("notes.db");
    std::fs::write(&bad, "not a database ".repeat(100)).unwrap();
    let before = std::fs::read(&db).unwrap();
    let out = sportello(&db, &["restore", bad.to_str().unwrap()]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("notes.db") && stderr.contains("not a SQLite database"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read(&db).unwrap(),
        before,
        "the database is untouched"
    );

    let out = sportello(&db, &["restore"]);
    assert_eq!(out.status.code(), Some(2), "bad usage");

    let out = sportello(&db, &["restore", &backup]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("-before-restore.db") && stdout.contains("restored "),
        "{stdout}"
    );
    let out = sportello(&db, &["cases", "list", "--format", "json"]);
    let cases: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cases.as_array().unwrap().len(), 0, "the backup's moment");
    let kinds: Vec<String> = list(&db)["backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["kind"].as_str().unwrap().to_string())
        .collect();
    assert!(kinds.contains(&"before_restore".to_string()), "{kinds:?}");
}

#[test]
fn a_chosen_folder_and_out() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sportello.db");
    let stick = dir.path().join("usb");
    let out = sportello(&db, &["backup", "folder", stick.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "a folder that is not there");
    std::fs::create_dir(&stick).unwrap();
    let out = sportello(&db, &["backup", "folder", stick.to_str().unwrap()]);
    assert!(out.status.success(), "{:?}", text(&out));
    assert_eq!(text(&out).0.trim(), stick.to_str().unwrap());
    let out = sportello(&db, &["backup"]);
    assert!(out.status.success(), "{:?}", text(&out));
    assert_eq!(std::fs::read_dir(&stick).unwrap().count(), 1);
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let out = sportello(&db, &["backup", "--out", elsewhere.to_str().unwrap()]);
    assert!(out.status.success(), "{:?}", text(&out));
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 1);
    std::fs::remove_dir_all(&stick).unwrap();
    let out = sportello(&db, &["backup"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("plug in the drive"), "{stderr}");
    let out = sportello(&db, &["backup", "list"]);
    let (stdout, _) = text(&out);
    assert!(
        stdout.contains("cannot be reached") && stdout.contains("warning: no good backup"),
        "{stdout}"
    );
    let out = sportello(&db, &["backup", "folder", "--default"]);
    assert!(out.status.success());
    assert!(text(&out).0.trim().ends_with("backups"));
}
