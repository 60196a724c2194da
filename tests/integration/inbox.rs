//! The coordinator's inbox (`sportello::exchange::inbox`): new files found and planned,
//! files seen before not offered again, new desks confirmed before they are
//! registered, receipts written after the confirmation; and `sportello inbox`.

use std::path::{Path, PathBuf};

use sportello::exchange::export::{self, Selection};
use sportello::exchange::import::{Decryption, Outcome, RejectionKind};
use sportello::exchange::inbox::{self, Confirmation};
use sportello::exchange::receipt;
use sportello::register::accesses;
use sportello::{Store, desk};

use crate::export_import::{access_on, clock, desk_store, now};

fn id() -> String {
    "01900000-0000-4000-8000-0000000000e9".into()
}

/// One export of `store` (one access on `date`) into `dir`.
fn export_one(store: &mut Store, date: &str, dir: &Path) -> PathBuf {
    accesses::record(store.conn_mut(), &access_on(date), "op", clock()).unwrap();
    export::export(store.conn_mut(), Selection::SinceLast, dir, clock())
        .unwrap()
        .path
}

fn keys(store: &Store) -> Decryption {
    Decryption::of_database(store.conn()).unwrap()
}

fn all(scan: &inbox::Scan, new_desks: &[&str]) -> Confirmation {
    Confirmation {
        files: scan.plan.files.iter().map(|f| f.path.clone()).collect(),
        new_desks: new_desks.iter().map(|d| d.to_string()).collect(),
        reopen_years: vec![],
    }
}

#[test]
fn new_files_are_planned_confirmed_and_not_offered_again() {
    let mut fol = desk_store("FOL");
    let mut gro = desk_store("GRO");
    let shared = tempfile::tempdir().unwrap();
    let back = tempfile::tempdir().unwrap();
    inbox::set_folders(gro.conn(), &[shared.path().to_path_buf()]).unwrap();
    receipt::set_folder(gro.conn(), back.path()).unwrap();

    let empty = inbox::scan(gro.conn(), &keys(&gro)).unwrap();
    assert!(empty.plan.files.is_empty());
    assert_eq!(empty.folders[0].files, 0);

    let first = export_one(&mut fol, "2024-03-11", shared.path());
    // a copy in progress and a receipt share the folder: neither is offered
    std::fs::write(shared.path().join(".part.jsonl"), b"half").unwrap();
    std::fs::write(shared.path().join("sportello-receipt-FOL-x.jsonl"), b"{}").unwrap();
    let scan = inbox::scan(gro.conn(), &keys(&gro)).unwrap();
    assert_eq!(scan.plan.files.len(), 1, "{scan:?}");
    let r = &scan.plan.files[0].report;
    assert_eq!((r.outcome, r.new, r.new_desk), (Outcome::Imported, 1, true));
    assert!(
        scan.clean_files().is_empty(),
        "a new desk is never confirmed in bulk"
    );

    // confirming the file without its desk holds it back: nothing stored, nothing logged
    let held = inbox::confirm(
        gro.conn_mut(),
        &scan.plan,
        &all(&scan, &[]),
        &Decryption::none(),
        now(),
        id,
    )
    .unwrap();
    let kind = held.reports[0].rejection.as_ref().map(|r| r.kind);
    assert_eq!(kind, Some(RejectionKind::NewDesk));
    assert!(
        desk::get(gro.conn(), "FOL").unwrap().is_none(),
        "no desk created"
    );
    assert!(held.receipts.is_empty());
    let again = inbox::scan(gro.conn(), &keys(&gro)).unwrap();
    assert_eq!(again.plan.files.len(), 1, "a held file is offered again");

    let done = inbox::confirm(
        gro.conn_mut(),
        &again.plan,
        &all(&again, &["FOL"]),
        &Decryption::none(),
        now(),
        id,
    )
    .unwrap();
    assert_eq!(done.reports[0].outcome, Outcome::Imported);
    assert!(
        done.reports[0].new_desk,
        "the report says the desk was registered"
    );
    assert!(desk::get(gro.conn(), "FOL").unwrap().is_some());
    assert_eq!(
        done.receipts.len(),
        1,
        "the receipt is written as after an import"
    );

    let after = inbox::scan(gro.conn(), &keys(&gro)).unwrap();
    assert!(
        after.plan.files.is_empty(),
        "an imported file is not offered again"
    );
    assert_eq!(after.known, 1);

    // a copy of the same export under another name: already imported, not offered
    std::fs::copy(&first, shared.path().join("copy.jsonl")).unwrap();
    // the next export of a known desk is clean: the key for all takes it
    export_one(&mut fol, "2024-03-12", shared.path());
    let next = inbox::scan(gro.conn(), &keys(&gro)).unwrap();
    assert_eq!(next.known, 2, "{next:?}");
    assert_eq!(next.plan.files.len(), 1);
    assert!(!next.plan.files[0].report.new_desk);
    assert_eq!(next.clean_files().len(), 1);
}

#[test]
fn a_refused_file_is_offered_until_refused_then_only_if_refused_differently() {
    let mut gro = desk_store("GRO");
    let shared = tempfile::tempdir().unwrap();
    inbox::set_folders(gro.conn(), &[shared.path().to_path_buf()]).unwrap();
    std::fs::write(shared.path().join("bad.jsonl"), b"not json\n").unwrap();
    let scan = inbox::scan(gro.conn(), &keys(&gro)).unwrap();
    assert_eq!(scan.plan.files[0].report.outcome, Outcome::Rejected);
    assert!(
        scan.clean_files().is_empty(),
        "a rejected file is confirmed one by one"
    );
    inbox::confirm(
        gro.conn_mut(),
        &scan.plan,
        &all(&scan, &[]),
        &Decryption::none(),
        now(),
        id,
    )
    .unwrap();
    let after = inbox::scan(gro.conn(), &keys(&gro)).unwrap();
    assert!(
        after.plan.files.is_empty(),
        "refused the same way: not offered again"
    );
    assert_eq!(after.known, 1);
}

#[test]
fn the_own_desks_files_and_a_missing_folder_are_told_apart() {
    let mut gro = desk_store("GRO");
    let shared = tempfile::tempdir().unwrap();
    let gone = shared.path().join("stick");
    std::fs::create_dir(&gone).unwrap();
    inbox::set_folders(gro.conn(), &[shared.path().to_path_buf(), gone.clone()]).unwrap();
    std::fs::remove_dir(&gone).unwrap();
    export_one(&mut gro, "2024-03-11", shared.path());
    let scan = inbox::scan(gro.conn(), &keys(&gro)).unwrap();
    assert!(scan.plan.files.is_empty());
    assert_eq!(scan.own, 1, "the coordinator's own export is not offered");
    assert!(scan.folders[1].error.is_some(), "{scan:?}");
    assert!(
        inbox::set_folders(gro.conn(), &[gone]).is_err(),
        "a folder must exist"
    );
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `sportello inbox`: the dry run names the new desk, the import holds it until it is
/// accepted (exit 3), then imports it and writes the receipt; a second run finds
/// nothing new.
#[test]
fn the_inbox_through_the_command_line() {
    use crate::cli::sportello;
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    let gro_db = dir.path().join("gro.db");
    {
        let mut gro = Store::open(&gro_db, now()).unwrap();
        let d = desk::presets()
            .into_iter()
            .find(|d| d.code == "GRO")
            .unwrap();
        desk::set_own(gro.conn_mut(), &d, now()).unwrap();
    }
    let mut fol = desk_store("FOL");
    export_one(&mut fol, "2024-03-11", &shared);
    let shared_arg = shared.to_str().unwrap();

    let out = sportello(&gro_db, &["inbox", "--dry-run"]);
    assert_eq!(out.status.code(), Some(2), "no inbox folder set: {out:?}");
    let out = sportello(&gro_db, &["inbox", "folder", shared_arg]);
    assert!(out.status.success(), "{out:?}");
    let out = sportello(&gro_db, &["receipts", "folder", shared_arg]);
    assert!(out.status.success(), "{out:?}");

    let out = sportello(&gro_db, &["inbox", "--dry-run"]);
    let said = stdout(&out);
    assert!(out.status.success(), "{out:?}");
    assert!(
        said.contains("would import: ") && said.contains("new desk FOL"),
        "{said}"
    );

    let out = sportello(&gro_db, &["inbox"]);
    let said = stdout(&out);
    assert_eq!(out.status.code(), Some(3), "a file waits: {said}");
    assert!(
        said.contains("waiting: ") && said.contains("--accept-new-desk FOL"),
        "{said}"
    );

    let out = sportello(&gro_db, &["inbox", "--accept-new-desk", "FOL"]);
    let said = stdout(&out);
    assert!(out.status.success(), "{out:?}");
    assert!(
        said.contains("imported: ") && said.contains("new desk FOL"),
        "{said}"
    );
    assert!(said.contains("receipt written: "), "{said}");

    let out = sportello(&gro_db, &["inbox"]);
    let said = stdout(&out);
    assert!(out.status.success(), "{out:?}");
    assert!(said.contains("no new file"), "{said}");

    // `import` keeps the contract: it registers a new desk, and its line says so
    let other = dir.path().join("other");
    std::fs::create_dir(&other).unwrap();
    let mut sca = desk_store("SCA");
    export_one(&mut sca, "2024-03-11", &other);
    let out = sportello(&gro_db, &["import", other.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout(&out).contains("new desk SCA"), "{}", stdout(&out));
}

/// `file` encrypted to `identity`, written into `dir` under its name with `.age`.
fn sealed(file: &Path, identity: &age::x25519::Identity, dir: &Path) -> PathBuf {
    let plain = std::fs::read(file).unwrap();
    let bytes = sportello::exchange::encryption::encrypt(&identity.to_public(), &plain).unwrap();
    let name = format!("{}.age", file.file_name().unwrap().to_string_lossy());
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn a_rescan_neither_decrypts_nor_plans_again_the_files_it_has_seen() {
    let identity = age::x25519::Identity::generate();
    let keys = Decryption::with(identity.clone(), "the test key");
    let mut fol = desk_store("FOL");
    let mut gro = desk_store("GRO");
    let shared = tempfile::tempdir().unwrap();
    let plain = tempfile::tempdir().unwrap();
    inbox::set_folders(gro.conn(), &[shared.path().to_path_buf()]).unwrap();
    let first = export_one(&mut fol, "2024-03-11", plain.path());
    let second = export_one(&mut fol, "2024-03-12", plain.path());
    sealed(&first, &identity, shared.path());
    sealed(&second, &identity, shared.path());
    // the first export came in by hand: its encrypted copy is known by its plain bytes
    sportello::exchange::import::import_paths(gro.conn_mut(), &[first], false, now()).unwrap();

    let decrypted = sportello::exchange::import::decrypt::decryptions();
    let scan = inbox::scan(gro.conn(), &keys).unwrap();
    assert_eq!((scan.known, scan.plan.files.len()), (1, 1), "{scan:?}");
    assert!(sportello::exchange::import::decrypt::decryptions() > decrypted);

    let decrypted = sportello::exchange::import::decrypt::decryptions();
    let reused = inbox::plans_reused();
    let again = inbox::scan(gro.conn(), &keys).unwrap();
    assert_eq!(
        again, scan,
        "the same files over the same database: the same scan"
    );
    assert_eq!(
        sportello::exchange::import::decrypt::decryptions(),
        decrypted,
        "no file decrypted again"
    );
    assert_eq!(
        inbox::plans_reused(),
        reused + 1,
        "the plan taken as it was"
    );

    // the second export imported by hand: its encrypted copy is known now, undecrypted
    sportello::exchange::import::import_paths(gro.conn_mut(), &[second], false, now()).unwrap();
    let after = inbox::scan(gro.conn(), &keys).unwrap();
    assert_eq!((after.known, after.plan.files.len()), (2, 0), "{after:?}");
    assert_eq!(
        sportello::exchange::import::decrypt::decryptions(),
        decrypted,
        "what the file holds was remembered"
    );
}

#[test]
fn a_file_waiting_in_the_inbox_is_planned_again_after_an_import_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gro.db");
    let mut gro = Store::open(&db, now()).unwrap();
    let presets = desk::presets();
    let own = presets
        .iter()
        .find(|p| p.code == "GRO")
        .unwrap_or(&presets[0]);
    desk::set_own(gro.conn_mut(), own, now()).unwrap();
    let mut fol = desk_store("FOL");
    let shared = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    inbox::set_folders(gro.conn(), &[shared.path().to_path_buf()]).unwrap();
    export_one(&mut fol, "2024-03-11", shared.path());
    let scan = inbox::scan(gro.conn(), &keys(&gro)).unwrap();
    let r = &scan.plan.files[0].report;
    assert_eq!((r.new, r.unchanged, r.new_desk), (1, 0, true), "{r:?}");
    let reused = inbox::plans_reused();
    assert_eq!(inbox::scan(gro.conn(), &keys(&gro)).unwrap(), scan);
    assert_eq!(inbox::plans_reused(), reused + 1);

    // another connection imports an export of the same day (another export id)
    let range = export::export(
        fol.conn_mut(),
        Selection::Range {
            from: "2024-03-11".parse().unwrap(),
            to: "2024-03-11".parse().unwrap(),
        },
        elsewhere.path(),
        clock(),
    )
    .unwrap()
    .path;
    let mut other = Store::open(&db, now()).unwrap();
    sportello::exchange::import::import_paths(other.conn_mut(), &[range], false, now()).unwrap();

    let after = inbox::scan(gro.conn(), &keys(&gro)).unwrap();
    assert_eq!(inbox::plans_reused(), reused + 1, "planned again");
    let r = &after.plan.files[0].report;
    assert_eq!(
        (r.new, r.unchanged, r.new_desk),
        (0, 1, false),
        "the access is stored now, and the desk known: {r:?}"
    );
}
