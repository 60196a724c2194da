//! The `sportello` binary: the command-line contract.

use std::path::Path;
use std::process::{Command, Output};

/// Runs `sportello --db <db> args...` with no app-data fallback in reach.
pub fn sportello(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sportello"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env_remove("SPORTELLO_DB")
        .output()
        .expect("the sportello binary runs")
}

fn stdout_json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "exit {:?}, stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

#[test]
fn codebook_json_has_the_contract_shape() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let cb = stdout_json(&sportello(&db, &["codebook", "--format", "json"]));
    assert!(db.exists(), "a missing database is created");
    assert_eq!(cb["version"], 1);
    let lists = cb["lists"].as_object().expect("lists is an object");
    let names: Vec<&str> = lists.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "channel",
            "sex",
            "age_band",
            "nationality",
            "referred_by",
            "reason",
            "permit",
            "action"
        ],
        "the eight lists, in contract order"
    );
    for (name, entries) in lists {
        let entries = entries.as_array().expect("each list is an array");
        assert!(!entries.is_empty(), "{name} is empty");
        for e in entries {
            assert!(
                e["code"].is_string() && e["label"].is_string(),
                "{name}: {e}"
            );
            assert!(e["active"].is_boolean(), "{name}: {e}");
            if name == "channel" {
                let group = e["group"].as_str().unwrap_or_default();
                assert!(
                    ["front_desk", "phone_mail"].contains(&group),
                    "channel group: {e}"
                );
            }
        }
    }
    let it = lists["nationality"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == "IT");
    assert_eq!(it.expect("IT is a nationality")["label"], "Italia");
}

#[test]
fn sportello_db_variable_chooses_the_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("env.db");
    let out = Command::new(env!("CARGO_BIN_EXE_sportello"))
        .args(["codebook", "--format", "json"])
        .env("SPORTELLO_DB", &db)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(db.exists(), "SPORTELLO_DB names the database file");
}

#[test]
fn codebook_changes_raise_the_version_and_bad_input_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cb.db");
    let out = sportello(
        &db,
        &[
            "codebook",
            "--format",
            "json",
            "add",
            "reason",
            "bonus_casa",
            "--label",
            "Bonus casa",
            "--label-en",
            "Housing bonus",
        ],
    );
    let cb = stdout_json(&out);
    assert_eq!(cb["version"], 2);
    let cb = stdout_json(&sportello(
        &db,
        &[
            "codebook",
            "--format",
            "json",
            "retire",
            "reason",
            "bonus_casa",
        ],
    ));
    assert_eq!(cb["version"], 3);
    let entry = cb["lists"]["reason"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == "bonus_casa")
        .cloned();
    assert_eq!(
        entry.unwrap()["active"],
        false,
        "a retired entry stays, inactive"
    );

    let bad = sportello(
        &db,
        &[
            "codebook",
            "add",
            "colour",
            "x",
            "--label",
            "x",
            "--label-en",
            "x",
        ],
    );
    assert_eq!(bad.status.code(), Some(1));
    let msg = String::from_utf8_lossy(&bad.stderr);
    assert!(
        msg.contains("unknown codebook list 'colour'"),
        "stderr names the problem: {msg}"
    );

    let usage = sportello(&db, &["codebook", "--format", "yaml"]);
    assert_eq!(usage.status.code(), Some(2), "bad usage exits 2");
}

#[test]
fn every_command_has_help() {
    for args in [
        &["--help"][..],
        &["codebook", "--help"],
        &["desk", "--help"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_sportello"))
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage"),
            "{args:?}"
        );
    }
}

#[test]
fn desk_can_be_set_from_a_preset() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("d.db");
    let none = sportello(&db, &["desk"]);
    assert_eq!(none.status.code(), Some(1), "no desk before setup");
    assert!(String::from_utf8_lossy(&none.stderr).contains("no desk is configured"));
    assert!(sportello(&db, &["desk", "set", "FOL"]).status.success());
    let d = stdout_json(&sportello(&db, &["desk", "--format", "json"]));
    assert_eq!(d["code"], "FOL");
    assert_eq!(d["phone"], "0566 59009");
}

#[test]
fn the_command_line_signs_its_changes_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("signed.db");
    {
        // an installation from before the accounts, whose app signed with a free-text name
        let store = sportello::Store::open(&db, chrono::Utc::now()).unwrap();
        sportello::preferences::set_operator_name(store.conn(), "MR").unwrap();
    }
    let out = sportello(&db, &["appointments", "retention", "30"]);
    assert!(out.status.success(), "{out:?}");
    let store = sportello::Store::open(&db, chrono::Utc::now()).unwrap();
    let signers: Vec<String> = store
        .conn()
        .prepare("SELECT operator FROM audit_log")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(signers, ["command line"]);
}

#[cfg(unix)]
#[test]
fn a_reader_that_stops_early_ends_the_output_without_a_panic() {
    use std::os::fd::{FromRawFd, OwnedFd};
    use std::os::unix::process::ExitStatusExt;
    use std::process::Stdio;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    // a pipe whose reading end is closed before the command writes a byte, as when
    // `head -1` has read its line
    let mut fds = [0; 2];
    // SAFETY: `fds` has room for the two descriptors pipe() writes.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    // SAFETY: both descriptors were just made by pipe() and are owned here alone.
    let (reader, writer) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_sportello"))
        .arg("--db")
        .arg(&db)
        .args(["codebook", "--format", "json"])
        .env_remove("SPORTELLO_DB")
        .stdout(Stdio::from(writer))
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.signal(), Some(libc::SIGPIPE), "{:?}", out.status);
}
