//! Personal data sealed at rest: once a coordinator has set up the data key, the
//! database file, its log and the copies of documents hold no name, phone, text or
//! scan in clear, whether the app is open, locked or closed; the key opens them again,
//! and so does the recovery key on a copy of the installation.

use sportello::appointments::{self, NewAppointment};
use sportello::cases::documents::{self, DocumentKind};
use sportello::cases::{self, CaseType, PersonalFile, follow_ups};
use sportello::operators::keys::{self, Opened};
use sportello::operators::{self, NewOperator, PinHasher, Role};
use sportello::{Now, Store};

use crate::case_lifecycle::{MARKERS, file_bytes, gro_file, holds, marked_case, on};
use crate::cli::sportello;
use crate::export_import::case_on;

/// Every file of the documents' folder of `db`, concatenated.
fn copies_bytes(store: &Store) -> Vec<u8> {
    let Some(dir) = documents::folder(store.conn()) else {
        return Vec::new();
    };
    let mut all = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        all.extend(std::fs::read(e.unwrap().path()).unwrap());
    }
    all
}

fn coordinator(store: &mut Store, h: &PinHasher) -> operators::Operator {
    let v = store.vault().clone();
    operators::create_first(
        store.conn_mut(),
        h,
        &v,
        &NewOperator {
            name: "Maria Rossi".into(),
            initials: "MR".into(),
            role: Role::Coordinator,
            pin: "246810".into(),
        },
        Now::read().utc(),
    )
    .unwrap()
}

fn book_marked(store: &mut Store, at: Now) -> String {
    let slot =
        appointments::next_free_slots(store.conn(), "rinnovo_permesso", at, 1).unwrap()[0].clone();
    appointments::book(
        store.conn_mut(),
        &NewAppointment {
            kind: "rinnovo_permesso".into(),
            day: slot.day,
            starts: slot.starts,
            person_name: Some("ZQAPPNAME".into()),
            phone: Some("333 7654321".into()),
            language: "ar".into(),
            access_id: None,
        },
        "op",
        at,
    )
    .unwrap()
    .id
}

/// The coordinator's sign-in seals the personal data.
fn seal(
    store: &mut Store,
    h: &PinHasher,
    maria: &operators::Operator,
) -> sportello::Result<keys::RecoveryKey> {
    let v = store.vault().clone();
    keys::setup(store.conn_mut(), h, &v, maria, "246810", Now::read().utc())
}

/// A desk file database with its coordinator, a folder of scans, the light hasher.
fn desk_with_coordinator() -> (
    tempfile::TempDir,
    tempfile::TempDir,
    std::path::PathBuf,
    Store,
    PinHasher,
    operators::Operator,
) {
    let dir = tempfile::tempdir().unwrap();
    let scans = tempfile::tempdir().unwrap();
    let (db, mut store) = gro_file(dir.path());
    let h = PinHasher::light();
    let maria = coordinator(&mut store, &h);
    (dir, scans, db, store, h, maria)
}

#[test]
fn sealed_personal_data_is_unreadable_in_the_files_and_opens_with_a_pin_or_the_recovery_key() {
    let (dir, scans, db, mut store, h, maria) = desk_with_coordinator();

    // personal data written before the setup, in clear
    let case = marked_case(&mut store, "S", Some("2018-06-30"));
    let scan = scans.path().join("permesso ZQDOCNAME.pdf");
    std::fs::write(&scan, b"%PDF-1.4 ZQDOCBYTES").unwrap();
    let doc = documents::attach(
        store.conn_mut(),
        &case,
        &[scan],
        DocumentKind::Permit,
        "op",
        on("2018-06-30"),
    )
    .unwrap()
    .remove(0);
    let appointment = book_marked(&mut store, Now::read());
    let before =
        sportello::store::backup::take(store.conn(), &db, None, Now::read().utc()).unwrap();
    assert!(
        holds(&std::fs::read(&before.path).unwrap(), "ZQAPPNAME"),
        "a backup in clear"
    );
    let bytes = file_bytes(&db);
    assert!(
        holds(&bytes, "ZQMARKNAMES") && holds(&bytes, "ZQAPPNAME"),
        "in clear before"
    );
    assert!(holds(&copies_bytes(&store), "ZQDOCBYTES"));

    // the setup seals all of it
    let recovery = seal(&mut store, &h, &maria).unwrap();
    let v = store.vault().clone();
    let check_gone = |store: &Store, when: &str| {
        let bytes = file_bytes(&db);
        for m in MARKERS {
            assert!(!holds(&bytes, m), "{when}: {m} is in the database's files");
        }
        for m in ["ZQAPPNAME", "7654321", "ZQDOCNAME"] {
            assert!(!holds(&bytes, m), "{when}: {m} is in the database's files");
        }
        assert!(
            !holds(&copies_bytes(store), "ZQDOCBYTES"),
            "{when}: the copy is in clear"
        );
    };
    check_gone(&store, "after the setup");
    // one sealed backup replaces the ones in clear
    let folder_of_backups = sportello::store::backup::default_folder(&db);
    let backups = sportello::store::backup::list(&folder_of_backups, &db).unwrap();
    assert_eq!(backups.len(), 1, "{backups:?}");
    let sealed_backup = std::fs::read(&backups[0].path).unwrap();
    assert!(!holds(&sealed_backup, "ZQAPPNAME") && !holds(&sealed_backup, "ZQMARKNAMES"));
    // (taken within the same second, the sealed backup has the name the clear one had)
    assert!(before.path == backups[0].path || !before.path.exists());

    // with the key in memory everything reads as written
    let got = cases::get(store.conn(), &case).unwrap();
    assert_eq!(got.personal.as_ref().unwrap().person_name, "ZQMARKNAMES");
    assert_eq!(got.closing_note, Some("ZQMARKCLOSES".into()));
    let notes = follow_ups::list(store.conn(), &case).unwrap();
    assert!(notes[0].body.starts_with("ZQMARKSTEPS") && notes[0].next_step == "ZQMARKSTEPS");
    let a = appointments::get(store.conn(), &appointment).unwrap();
    assert_eq!(a.person_name.as_deref(), Some("ZQAPPNAME"));
    assert_eq!(
        documents::list(store.conn(), &case).unwrap()[0].name,
        "permesso ZQDOCNAME.pdf"
    );
    assert_eq!(
        documents::read_copy(store.conn(), &doc.id).unwrap(),
        b"%PDF-1.4 ZQDOCBYTES"
    );
    let views = dir.path().join("views");
    let shown = documents::view_copy(store.conn(), &doc.id, &views).unwrap();
    assert_eq!(std::fs::read(&shown).unwrap(), b"%PDF-1.4 ZQDOCBYTES");
    assert_eq!(documents::clear_views(&views).unwrap(), 1);
    assert!(!shown.exists());

    // written after the setup: sealed too
    let mut input = case_on("2024-02-01", None, CaseType::Full);
    input.personal = Some(PersonalFile {
        person_name: "ZQMARKNAMEN".into(),
        phone: "ZQMARKPHONEN".into(),
        documents: String::new(),
        description: "ZQMARKDESCN".into(),
    });
    let later = cases::open(store.conn_mut(), &input, "op", on("2024-02-01")).unwrap();
    sportello::store::checkpoint_wal(store.conn()).unwrap();
    check_gone(&store, "after a new case");

    // locked: the anonymous half reads, the personal text is empty, writes are refused
    v.lock();
    let hidden = cases::get(store.conn(), &later.id).unwrap();
    assert_eq!(hidden.reason, later.reason);
    assert_eq!(hidden.personal.unwrap().person_name, "");
    let err = cases::open(store.conn_mut(), &input, "op", on("2024-02-02")).unwrap_err();
    assert_eq!(err.code(), "personal_locked");
    assert_eq!(
        documents::read_copy(store.conn(), &doc.id)
            .unwrap_err()
            .code(),
        "personal_locked"
    );
    assert_eq!(
        cases::list(store.conn(), "GRO", cases::Filter::All)
            .unwrap()
            .len(),
        2
    );
    check_gone(&store, "locked");
    assert_eq!(
        keys::open(store.conn(), &v, maria.id, "246810").unwrap(),
        Opened::Open
    );
    assert_eq!(
        cases::get(store.conn(), &later.id)
            .unwrap()
            .personal
            .unwrap()
            .person_name,
        "ZQMARKNAMEN"
    );

    // the command line has no key: it lists the anonymous half, never fails on it
    drop(store);
    let out = sportello(&db, &["cases", "list", "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("ZQMARK"));

    // a copy of the installation on another PC, every PIN forgotten: the recovery key
    let other = tempfile::tempdir().unwrap();
    let moved = other.path().join("desk.db");
    std::fs::copy(&db, &moved).unwrap();
    let folder = |db: &std::path::Path| {
        db.with_file_name(format!(
            "{}.documents",
            db.file_name().unwrap().to_string_lossy()
        ))
    };
    std::fs::create_dir(folder(&moved)).unwrap();
    for e in std::fs::read_dir(folder(&db)).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), folder(&moved).join(e.file_name())).unwrap();
    }
    let store = Store::open(&moved, Now::read().utc()).unwrap();
    let v = store.vault().clone();
    assert!(v.is_sealed() && !v.is_open(), "a fresh open holds no key");
    keys::recover(
        store.conn(),
        &h,
        &v,
        &recovery.to_string(),
        maria.id,
        "999999",
        Now::read().utc(),
    )
    .unwrap();
    assert_eq!(
        cases::get(store.conn(), &case)
            .unwrap()
            .personal
            .unwrap()
            .person_name,
        "ZQMARKNAMES"
    );
    assert_eq!(
        documents::read_copy(store.conn(), &doc.id).unwrap(),
        b"%PDF-1.4 ZQDOCBYTES"
    );
}

#[test]
fn an_interrupted_sealing_loses_no_copy_and_finishes_when_the_backup_folder_returns() {
    use sportello::store::{backup, settings};
    let (dir, scans, db, mut store, h, maria) = desk_with_coordinator();
    let case = marked_case(&mut store, "I", None);
    let scan = scans.path().join("passaporto.pdf");
    std::fs::write(&scan, b"%PDF-1.4 ZQPASSPORT").unwrap();
    let doc = documents::attach(
        store.conn_mut(),
        &case,
        &[scan],
        DocumentKind::Passport,
        "op",
        on("2024-01-10"),
    )
    .unwrap()
    .remove(0);
    // a clear backup in the default folder, and a chosen folder that is not there
    let local = backup::default_folder(&db);
    backup::take(store.conn(), &db, Some(&local), Now::read().utc()).unwrap();
    let stick = dir.path().join("usb");
    settings::set(
        store.conn(),
        backup::FOLDER_SETTING,
        &stick.to_string_lossy(),
    )
    .unwrap();
    // a sealing interrupted before: the copy's second name was made, not the rename
    let copy = documents::path_of(store.conn(), &doc.id).unwrap();
    let clear = copy.with_extension("pdf.clear");
    std::fs::hard_link(&copy, &clear).unwrap();

    let recovery = seal(&mut store, &h, &maria);
    assert!(
        recovery.is_ok(),
        "the recovery key is given whatever comes after the commit"
    );
    // the copy: sealed, whole, its second name gone
    assert!(!clear.exists());
    assert!(!holds(&std::fs::read(&copy).unwrap(), "ZQPASSPORT"));
    assert_eq!(
        documents::read_copy(store.conn(), &doc.id).unwrap(),
        b"%PDF-1.4 ZQPASSPORT"
    );
    // the local folder holds one sealed backup; the stick is still to do
    let here = backup::list(&local, &db).unwrap();
    assert_eq!(here.len(), 1, "{here:?}");
    assert!(!holds(
        &std::fs::read(&here[0].path).unwrap(),
        "ZQMARKNAMEI"
    ));
    assert!(
        settings::get(store.conn(), keys::PENDING)
            .unwrap()
            .is_some()
    );

    // the stick is back: the next opening of the key finishes the sealing there
    std::fs::create_dir(&stick).unwrap();
    assert!(keys::finish_sealing(store.conn(), Now::read().utc()).unwrap());
    assert_eq!(settings::get(store.conn(), keys::PENDING).unwrap(), None);
    let there = backup::list(&stick, &db).unwrap();
    assert_eq!(there.len(), 1);
    assert!(!holds(
        &std::fs::read(&there[0].path).unwrap(),
        "ZQMARKNAMEI"
    ));
}
