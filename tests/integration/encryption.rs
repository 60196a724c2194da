//! Encrypted export files through the binary: the coordinator's keys, a desk's
//! encrypted export, and the interop with the reference `age` tool both ways (the
//! Debian package `age`; those checks are skipped, saying so, where it is missing).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sportello::Store;
use sportello::register::accesses;

use crate::cli::sportello;
use crate::export_import::{access_on, clock, now};

const PASSPHRASE: &str = "correct horse battery staple";

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}, stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

fn keys(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sportello"))
        .arg("--db")
        .arg(db)
        .arg("keys")
        .args(args)
        .env_remove("SPORTELLO_DB")
        .env("SPORTELLO_BACKUP_PASSPHRASE", PASSPHRASE)
        .output()
        .expect("the sportello binary runs")
}

/// A database file whose own desk is the preset `index` (0 GRO, 1 FOL), with one
/// access on 2024-03-11.
fn desk_db(path: &Path, index: usize) {
    let mut store = Store::open(path, now()).unwrap();
    let desk = sportello::desk::presets().remove(index);
    sportello::desk::set_own(store.conn_mut(), &desk, now()).unwrap();
    accesses::record(store.conn_mut(), &access_on("2024-03-11"), "MR", clock()).unwrap();
}

/// Own and imported accesses of desk FOL stored in `db`.
fn fol_accesses(db: &Path) -> i64 {
    let store = Store::open(db, now()).unwrap();
    store
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM accesses WHERE desk = 'FOL'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

/// The coordinator (GRO) with its key pair, and a desk (FOL) with one access.
struct Pair {
    dir: tempfile::TempDir,
    coordinator: PathBuf,
    desk: PathBuf,
    recipient: String,
}

impl Pair {
    fn new() -> Pair {
        let dir = tempfile::tempdir().unwrap();
        let coordinator = dir.path().join("gro.db");
        let desk = dir.path().join("fol.db");
        desk_db(&coordinator, 0);
        desk_db(&desk, 1);
        let backup = dir.path().join("backup.age");
        let recipient = ok(&keys(
            &coordinator,
            &["init", "--backup", backup.to_str().unwrap()],
        ));
        Pair {
            dir,
            coordinator,
            desk,
            recipient,
        }
    }

    fn key_file(&self) -> PathBuf {
        self.dir.path().join("gro-coordinator-key.txt")
    }

    fn out(&self, name: &str) -> PathBuf {
        let out = self.dir.path().join(name);
        fs::create_dir_all(&out).unwrap();
        out
    }

    /// The desk's export into a new folder `name`; returns its path.
    fn export(&self, name: &str, extra: &[&str]) -> PathBuf {
        let out = self.out(name);
        let mut args = vec!["export", "--out", out.to_str().unwrap()];
        args.extend(extra);
        PathBuf::from(ok(&sportello(&self.desk, &args)))
    }
}

/// The reference `age` tool, or `None` (and a line saying the check is skipped).
fn age_tool() -> Option<&'static str> {
    let found = Command::new("age").arg("--version").output().is_ok();
    if !found {
        eprintln!("skipped: the reference `age` tool is not installed (Debian package age)");
    }
    found.then_some("age")
}

#[test]
fn keys_init_prints_the_public_key_and_keeps_the_private_one_private() {
    let p = Pair::new();
    assert!(p.recipient.starts_with("age1"), "{}", p.recipient);
    let key = fs::read_to_string(p.key_file()).unwrap();
    assert!(key.contains(&format!("# public key: {}", p.recipient)));
    assert!(key.contains("AGE-SECRET-KEY-1"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(p.key_file()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "only the owner reads the key");
    }
    assert_eq!(ok(&keys(&p.coordinator, &["show"])), p.recipient);
    let again = keys(&p.coordinator, &["init"]);
    assert_eq!(again.status.code(), Some(1), "a second init is refused");
    assert_eq!(
        fs::read_to_string(p.key_file()).unwrap(),
        key,
        "the key is kept"
    );

    let backup = fs::read_to_string(p.dir.path().join("backup.age")).unwrap();
    assert!(backup.starts_with("-----BEGIN AGE ENCRYPTED FILE-----"));
    let elsewhere = p.dir.path().join("new-pc").join("gro.db");
    fs::create_dir_all(elsewhere.parent().unwrap()).unwrap();
    let backup_path = p.dir.path().join("backup.age");
    let restored = ok(&keys(
        &elsewhere,
        &["restore", backup_path.to_str().unwrap()],
    ));
    assert_eq!(
        restored, p.recipient,
        "the backup gives the same key pair back"
    );
}

#[test]
fn the_recipient_setting_refuses_a_private_key_and_a_typo() {
    let p = Pair::new();
    let key = fs::read_to_string(p.key_file()).unwrap();
    let secret = key.lines().find(|l| l.starts_with("AGE-SECRET")).unwrap();
    let out = keys(&p.desk, &["recipient", secret]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("private key"), "{err}");
    assert!(!err.contains(secret), "the private key is not echoed");
    let typo = format!("{}x", p.recipient);
    assert_eq!(keys(&p.desk, &["recipient", &typo]).status.code(), Some(1));
    let shown = ok(&keys(&p.desk, &["recipient"]));
    assert!(shown.contains("not encrypted"), "{shown}");
}

#[test]
fn an_encrypted_export_imports_and_opens_with_the_age_tool() {
    let p = Pair::new();
    ok(&keys(&p.desk, &["recipient", &p.recipient]));
    let file = p.export("out", &[]);
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.ends_with(".jsonl.age"), "{name}");
    let bytes = fs::read(&file).unwrap();
    assert!(
        bytes.starts_with(b"age-encryption.org/v1\n"),
        "a standard age file"
    );
    assert_eq!(
        fs::read_dir(file.parent().unwrap()).unwrap().count(),
        1,
        "no plain copy beside it"
    );

    if let Some(age) = age_tool() {
        let plain = Command::new(age)
            .arg("-d")
            .arg("-i")
            .arg(p.key_file())
            .arg(&file)
            .output()
            .unwrap();
        let text = ok(&plain);
        assert!(text.starts_with("{\"record\":\"header\""), "{text}");
        assert!(
            text.contains("\"record\":\"trailer\""),
            "a whole export file"
        );
    }

    let out = sportello(&p.coordinator, &["import", file.to_str().unwrap()]);
    let text = ok(&out);
    assert!(text.contains("imported:"), "{text}");
    assert!(text.contains("encrypted"), "{text}");
    assert_eq!(fol_accesses(&p.coordinator), 1);
}

#[test]
fn a_plain_export_encrypted_with_the_age_tool_imports() {
    let Some(age) = age_tool() else { return };
    let p = Pair::new();
    let plain = p.export("plain", &[]);
    assert!(plain.to_string_lossy().ends_with(".jsonl"));
    let sealed = p.out("sealed").join("by-age.jsonl.age");
    let out = Command::new(age)
        .args(["-r", &p.recipient, "-o"])
        .arg(&sealed)
        .arg(&plain)
        .output()
        .unwrap();
    ok(&out);
    let text = ok(&sportello(
        &p.coordinator,
        &["import", sealed.parent().unwrap().to_str().unwrap()],
    ));
    assert!(
        text.contains("imported:"),
        "a folder finds *.jsonl.age: {text}"
    );
    assert_eq!(fol_accesses(&p.coordinator), 1);

    // the same export, plain, is the same export: already imported
    let again = ok(&sportello(
        &p.coordinator,
        &["import", plain.to_str().unwrap()],
    ));
    assert!(again.contains("already imported"), "{again}");
}

#[test]
fn a_wrong_identity_is_refused_with_nothing_stored() {
    let p = Pair::new();
    let file = p.export("out", &["--recipient", &p.recipient]);
    let other_db = p.dir.path().join("other.db");
    let other = ok(&keys(&other_db, &["init"]));
    assert_ne!(other, p.recipient);
    let other_key = p.dir.path().join("other-coordinator-key.txt");
    let out = sportello(
        &p.coordinator,
        &[
            "import",
            "--identity",
            other_key.to_str().unwrap(),
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "a rejected file");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("rejected:") && text.contains("another key"),
        "{text}"
    );
    assert_eq!(fol_accesses(&p.coordinator), 0, "nothing stored");

    let json = sportello(
        &p.coordinator,
        &[
            "import",
            "--dry-run",
            "--format",
            "json",
            "--identity",
            other_key.to_str().unwrap(),
            file.to_str().unwrap(),
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["files"][0]["rejection"]["kind"], "wrong_key");

    // the coordinator's own key opens it
    ok(&sportello(
        &p.coordinator,
        &["import", file.to_str().unwrap()],
    ));
    assert_eq!(fol_accesses(&p.coordinator), 1);
}

#[test]
fn damaged_and_truncated_files_are_refused_with_nothing_stored() {
    let p = Pair::new();
    let file = p.export("out", &["--recipient", &p.recipient]);
    let bytes = fs::read(&file).unwrap();
    let bad = p.out("bad");
    let cut = bad.join("cut.jsonl.age");
    fs::write(&cut, &bytes[..bytes.len() - 10]).unwrap();
    let mut flipped = bytes.clone();
    let last = flipped.len() - 5;
    flipped[last] ^= 1;
    let changed = bad.join("changed.jsonl.age");
    fs::write(&changed, &flipped).unwrap();
    let header_only = bad.join("header.jsonl.age");
    fs::write(&header_only, &bytes[..40]).unwrap();
    for f in [&cut, &changed, &header_only] {
        let out = sportello(
            &p.coordinator,
            &["import", "--format", "json", f.to_str().unwrap()],
        );
        assert_eq!(out.status.code(), Some(1), "{}", f.display());
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let kind = v["files"][0]["rejection"]["kind"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            kind == "encrypted_damaged" || kind == "encrypted_truncated",
            "{}: {kind}",
            f.display()
        );
    }
    assert_eq!(fol_accesses(&p.coordinator), 0, "nothing stored");
}

#[test]
fn a_coordinator_that_requires_encryption_refuses_plain_files() {
    let p = Pair::new();
    let plain = p.export("plain", &[]);
    ok(&keys(&p.coordinator, &["require", "on"]));
    let out = sportello(&p.coordinator, &["import", plain.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("not encrypted"), "{text}");
    assert_eq!(fol_accesses(&p.coordinator), 0, "nothing stored");
    // the day again, encrypted (the plain export took the access as "since last")
    let day = ["--date", "2024-03-11", "--recipient", p.recipient.as_str()];
    let sealed = p.export("sealed", &day);
    let text = ok(&sportello(
        &p.coordinator,
        &["import", sealed.to_str().unwrap()],
    ));
    assert!(text.contains("imported:"), "{text}");
    assert_eq!(fol_accesses(&p.coordinator), 1);
}

#[test]
fn the_outbox_seals_each_export_for_the_coordinator() {
    let p = Pair::new();
    ok(&keys(&p.desk, &["recipient", &p.recipient]));
    let dest = p.out("destination");
    let out = sportello(&p.desk, &["sync", "--destination", dest.to_str().unwrap()]);
    ok(&out);
    let names: Vec<String> = fs::read_dir(&dest)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(names[0].ends_with(".jsonl.age"), "{names:?}");
    let text = ok(&sportello(
        &p.coordinator,
        &["import", dest.to_str().unwrap()],
    ));
    assert!(text.contains("imported:"), "{text}");
    assert_eq!(fol_accesses(&p.coordinator), 1);
}
