//! `sportello sync` through the binary: one line per action, and the exit status a
//! scheduled job reads (0: nothing waits; 3: files stay in the outbox; 1: an error).

use std::fs;
use std::path::Path;
use std::process::Output;

use sportello::Store;
use sportello::register::accesses;

use crate::cli::sportello;
use crate::export_import::{access_on, clock, now};

/// A desk database file (FOL) with one access recorded on `date`.
fn desk_db(path: &Path, date: &str) {
    let mut store = Store::open(path, now()).unwrap();
    let fol = sportello::desk::presets().remove(1);
    assert_eq!(fol.code, "FOL");
    sportello::desk::set_own(store.conn_mut(), &fol, now()).unwrap();
    accesses::record(store.conn_mut(), &access_on(date), "MR", clock()).unwrap();
}

fn record(path: &Path, date: &str) {
    let mut store = Store::open(path, now()).unwrap();
    accesses::record(store.conn_mut(), &access_on(date), "MR", clock()).unwrap();
}

fn lines(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n != "sent")
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn sync_exports_delivers_and_says_what_waits() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fol.db");
    let outbox = dir.path().join("fol-outbox");
    let usb = dir.path().join("usb");
    desk_db(&db, "2024-03-12");

    // no destination yet: the export waits, exit 3
    let out = sportello(&db, &["sync"]);
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let said = lines(&out);
    assert_eq!(said.len(), 4, "one line per action: {said:?}");
    assert!(said[0].starts_with("exported no. 1 (1 records"), "{said:?}");
    assert!(
        said[1].starts_with("not delivered [destination_not_set]"),
        "{said:?}"
    );
    assert_eq!(said[2], "1 file waits in the outbox");
    assert!(
        said[3].starts_with("receipts: not read (no destination chosen)"),
        "{said:?}"
    );
    let waiting = files_in(&outbox);
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    let file = waiting[0].clone();
    assert!(
        file.starts_with("sportello-FOL-2024-03-12_2024-03-12-"),
        "{file}"
    );

    // a destination that is not there is refused, and nothing is stored
    let out = sportello(&db, &["sync", "--destination", usb.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a folder"));
    let out = sportello(&db, &["sync", "destination"]);
    assert!(lines(&out)[0].starts_with("no destination chosen"));

    // the stick is in: delivered, nothing new to export, exit 0
    fs::create_dir(&usb).unwrap();
    let out = sportello(&db, &["sync", "--destination", usb.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let said = lines(&out);
    assert_eq!(said[0], format!("destination: {}", usb.display()));
    assert_eq!(
        said[1],
        "nothing changed since the last export: no new file"
    );
    assert_eq!(said[2], format!("delivered to {}: {file}", usb.display()));
    assert_eq!(said[3], "the outbox is empty");
    assert_eq!(files_in(&usb), [file.as_str()]);
    assert_eq!(
        fs::read(usb.join(&file)).unwrap(),
        fs::read(outbox.join("sent").join(&file)).unwrap()
    );
    assert!(files_in(&outbox).is_empty());

    // again: nothing to do, nothing copied twice
    let out = sportello(&db, &["sync"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(files_in(&usb), [file.as_str()]);

    // the stick is out: the new export waits, exit 3, then goes with --no-export
    record(&db, "2024-03-11");
    fs::rename(&usb, dir.path().join("elsewhere")).unwrap();
    let out = sportello(&db, &["sync"]);
    assert_eq!(out.status.code(), Some(3));
    let said = lines(&out);
    assert!(said[0].starts_with("exported no. 2"), "{said:?}");
    assert!(
        said[1].starts_with("not delivered [destination_missing]"),
        "{said:?}"
    );
    assert!(said[1].contains("plug in the stick"), "{said:?}");
    fs::rename(dir.path().join("elsewhere"), &usb).unwrap();
    let out = sportello(&db, &["sync", "--no-export"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        lines(&out)[0].starts_with("delivered to"),
        "no export line: {out:?}"
    );
    assert_eq!(files_in(&usb).len(), 2);

    // the status, as a script reads it
    let out = sportello(&db, &["sync", "status", "--format", "json"]);
    assert!(out.status.success());
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(status["destination"]["path"], usb.to_str().unwrap());
    assert_eq!(status["waiting"], serde_json::json!([]));
    assert_eq!(status["last_delivered"]["outcome"], "delivered");
    assert_eq!(status["unexported"], 0);
}

#[test]
fn sync_has_help_and_refuses_a_subcommand_with_options() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    for args in [&["sync", "--help"][..], &["sync", "destination", "--help"]] {
        let out = sportello(&db, args);
        assert!(out.status.success(), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("Usage"));
    }
    let out = sportello(&db, &["sync", "--no-export", "status"]);
    assert_eq!(out.status.code(), Some(2), "bad usage exits 2");
}
