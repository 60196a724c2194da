//! Receipts between two databases: the coordinator writes one after an import, the
//! desk takes it (docs/receipt.md).

use chrono::{Duration, TimeZone, Utc};
use sportello::appointments;
use sportello::codebook::{self, List, NewEntry};
use sportello::exchange::export::{self, Selection};
use sportello::exchange::import;
use sportello::exchange::receipt::{self, Receipt};
use sportello::register::accesses;

use crate::export_import::{access_on, clock, day, desk_store, now};

fn receipt_id(n: u8) -> String {
    format!("01900000-0000-4000-8000-0000000000{n:02x}")
}

/// The receipt written for FOL into a return folder, read back from its bytes.
fn written(coord: &sportello::Store, n: u8, at: chrono::DateTime<Utc>) -> Receipt {
    let dir = tempfile::tempdir().unwrap();
    let path =
        receipt::write_to_folder(coord.conn(), "FOL", dir.path(), at, &receipt_id(n)).unwrap();
    receipt::parse(&std::fs::read(path).unwrap()).expect("a written receipt reads back")
}

#[test]
fn a_receipt_brings_the_desk_up_to_the_coordinator_and_an_old_one_changes_nothing() {
    let mut fol = desk_store("FOL");
    let mut gro = desk_store("GRO");
    let access = accesses::record(fol.conn_mut(), &access_on("2024-03-11"), "op", clock()).unwrap();
    let out = tempfile::tempdir().unwrap();
    let summary =
        export::export(fol.conn_mut(), Selection::SinceLast, out.path(), clock()).unwrap();
    let reports = import::import_paths(
        gro.conn_mut(),
        std::slice::from_ref(&summary.path),
        false,
        now(),
    )
    .unwrap();
    assert_eq!(reports[0].outcome, import::Outcome::Imported);
    let seqs = import::sequences(gro.conn()).unwrap();
    assert!(
        seqs[0].last_file_created_at.is_some() && seqs[0].last_file_period.is_some(),
        "the log keeps the file's own dates: {seqs:?}"
    );

    let old = written(&gro, 1, now());
    // The coordinator adds a reason, retires one FOL's access uses, and edits a kind.
    let entry = NewEntry {
        code: "bonus_casa".into(),
        label: "Bonus casa".into(),
        label_en: "Housing bonus".into(),
        group: None,
    };
    codebook::add_entry(gro.conn(), List::Reason, &entry).unwrap();
    codebook::set_active(gro.conn(), List::Reason, "lavoro", false).unwrap();
    let docs = vec!["Passaporto".to_string(), "Codice fiscale".to_string()];
    appointments::set_documents(gro.conn_mut(), "altro", &docs, "coord", clock()).unwrap();
    let new = written(&gro, 2, now() + Duration::hours(1));
    assert!(new.codebook_version > old.codebook_version);
    assert_eq!(new.sequences.received, vec![(1, 1)]);

    let taken = receipt::take(fol.conn_mut(), &new, "op", now()).unwrap();
    assert!(taken.newer);
    assert_eq!(taken.codes_added, vec!["reason/bonus_casa"]);
    assert_eq!(taken.codes_retired, vec!["reason/lavoro"]);
    assert_eq!(taken.kinds_changed, vec!["altro"]);
    let book = codebook::load(fol.conn()).unwrap();
    assert_eq!(book.label(List::Reason, "bonus_casa"), "Bonus casa");
    let lavoro = book
        .entry(List::Reason, "lavoro")
        .expect("a retired code is kept");
    assert!(!lavoro.active);
    let stored = accesses::get(fol.conn(), &access.id).unwrap();
    assert!(
        stored.reasons.contains(&"lavoro".to_string()),
        "the old record keeps its code and its meaning"
    );
    assert_eq!(
        appointments::kind(fol.conn(), "altro").unwrap().documents,
        docs
    );
    let standing = receipt::standing(fol.conn()).unwrap().unwrap();
    assert_eq!(
        (standing.received, standing.missing),
        (vec![(1, 1)], vec![])
    );

    let version = codebook::version(fol.conn()).unwrap();
    let again = receipt::take(fol.conn_mut(), &old, "op", now()).unwrap();
    assert!(!again.newer, "an older receipt changes nothing");
    assert_eq!(codebook::version(fol.conn()).unwrap(), version);
    assert!(
        !codebook::load(fol.conn())
            .unwrap()
            .entry(List::Reason, "lavoro")
            .unwrap()
            .active
    );
    assert_eq!(
        appointments::kind(fol.conn(), "altro").unwrap().documents,
        docs
    );
    let same = receipt::take(fol.conn_mut(), &new, "op", now()).unwrap();
    assert!(
        !same.newer,
        "the same receipt twice changes nothing the second time"
    );
}

#[test]
fn a_receipt_for_another_desk_is_refused_and_changes_nothing() {
    let gro = desk_store("GRO");
    let mut sca = desk_store("SCA");
    let r = written(
        &gro,
        3,
        Utc.with_ymd_and_hms(2024, 3, 12, 10, 0, 0).unwrap(),
    );
    let err = receipt::take(sca.conn_mut(), &r, "op", now()).unwrap_err();
    assert!(err.to_string().contains("for desk FOL"), "{err}");
    assert!(receipt::standing(sca.conn()).unwrap().is_none());
}

#[test]
fn after_an_import_one_receipt_per_desk_goes_to_the_return_folder() {
    let mut fol = desk_store("FOL");
    let mut gro = desk_store("GRO");
    accesses::record(fol.conn_mut(), &access_on("2024-03-11"), "op", clock()).unwrap();
    let out = tempfile::tempdir().unwrap();
    let summary =
        export::export(fol.conn_mut(), Selection::SinceLast, out.path(), clock()).unwrap();
    let reports = import::import_paths(gro.conn_mut(), &[summary.path], false, now()).unwrap();
    let none = receipt::write_after_import(gro.conn(), &reports, now(), || receipt_id(4)).unwrap();
    assert!(none.is_empty(), "no return folder set: no receipt");
    let back = tempfile::tempdir().unwrap();
    receipt::set_folder(gro.conn(), back.path()).unwrap();
    let paths = receipt::write_after_import(gro.conn(), &reports, now(), || receipt_id(5)).unwrap();
    assert_eq!(paths.len(), 1);
    let r = receipt::parse(&std::fs::read(&paths[0]).unwrap()).unwrap();
    assert_eq!(
        (r.header.desk.as_str(), r.header.coordinator.as_str()),
        ("FOL", "GRO")
    );
    assert_eq!(r.files.len(), 1);
    let names: Vec<_> = std::fs::read_dir(back.path()).unwrap().collect();
    assert_eq!(names.len(), 1, "no temporary file is left behind");
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The whole path through the binary: a desk syncs to a shared folder, the coordinator
/// imports from it with a return folder set there, and the desk's next sync reads the
/// receipt and says what the coordinator has.
#[test]
fn sync_import_and_receipts_through_the_command_line() {
    use crate::cli::sportello;
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    let fol_db = dir.path().join("fol.db");
    let gro_db = dir.path().join("gro.db");
    for (path, code) in [(&fol_db, "FOL"), (&gro_db, "GRO")] {
        let mut store = sportello::Store::open(path, now()).unwrap();
        let d = sportello::desk::presets()
            .into_iter()
            .find(|d| d.code == code)
            .unwrap();
        sportello::desk::set_own(store.conn_mut(), &d, now()).unwrap();
    }
    {
        let mut fol = sportello::Store::open(&fol_db, now()).unwrap();
        accesses::record(fol.conn_mut(), &access_on("2024-03-11"), "MR", clock()).unwrap();
    }
    let shared_arg = shared.to_str().unwrap();
    let out = sportello(&fol_db, &["sync", "--destination", shared_arg]);
    assert!(out.status.success(), "{out:?}");
    assert!(
        stdout(&out).contains("receipts: none found"),
        "{}",
        stdout(&out)
    );

    let out = sportello(&gro_db, &["receipts", "folder", shared_arg]);
    assert!(out.status.success(), "{out:?}");
    let out = sportello(&gro_db, &["import", shared_arg]);
    assert!(out.status.success(), "{out:?}");
    let said = stdout(&out);
    assert!(said.contains("receipt written: "), "{said}");
    assert!(said.contains("desk FOL: last file no. 1 made "), "{said}");

    let out = sportello(&fol_db, &["sync"]);
    let said = stdout(&out);
    assert!(said.contains("receipt read: "), "{said}");
    assert!(
        said.contains("GRO has received files 1; none missing"),
        "{said}"
    );
    let out = sportello(&gro_db, &["import", shared_arg]);
    assert!(
        stdout(&out).contains("already imported: ") && !stdout(&out).contains("rejected"),
        "a folder's receipts are not taken for exports: {}",
        stdout(&out)
    );
    let out = sportello(&fol_db, &["receipts", "read", shared_arg]);
    assert!(
        stdout(&out).contains("not newer than the last one, nothing changed"),
        "{}",
        stdout(&out)
    );

    let out = sportello(&fol_db, &["sync", "resend", "1"]);
    assert!(stdout(&out).starts_with("back in the outbox"), "{out:?}");
    let out = sportello(&fol_db, &["sync"]);
    assert!(
        stdout(&out).contains("already delivered"),
        "the same bytes are at the destination: {}",
        stdout(&out)
    );

    let bad = dir.path().join("sportello-receipt-FOL-bad.jsonl");
    std::fs::write(&bad, b"{\"record\":\"header\"}\n").unwrap();
    let out = sportello(&fol_db, &["receipts", "read", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1), "a refused receipt: exit 1");
    assert!(
        stdout(&out).contains("receipt refused: "),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_delivered_file_goes_back_into_the_outbox_to_be_delivered_again() {
    use sportello::exchange::outbox::{self, Outbox, RealDisk, Unsealed};
    let dir = tempfile::tempdir().unwrap();
    let mut fol = desk_store("FOL");
    let ob = Outbox::at(dir.path().join("outbox"));
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    outbox::set_destination(fol.conn(), &ob, &shared, &RealDisk).unwrap();
    accesses::record(fol.conn_mut(), &access_on("2024-03-11"), "op", clock()).unwrap();
    outbox::export_changes(fol.conn_mut(), &ob, &Unsealed, clock()).unwrap();
    let report = outbox::deliver(fol.conn_mut(), &ob, &RealDisk, clock()).unwrap();
    assert_eq!(report.delivered.len(), 1);
    assert!(ob.files(fol.conn()).unwrap().is_empty());

    let err = outbox::redeliver(fol.conn(), &ob, 2).unwrap_err();
    assert_eq!(err.code(), "not_found", "{err}");
    let name = outbox::redeliver(fol.conn(), &ob, 1).unwrap();
    let waiting = ob.files(fol.conn()).unwrap();
    assert_eq!(waiting.len(), 1);
    assert_eq!(
        (waiting[0].name.as_str(), waiting[0].sequence),
        (name.as_str(), Some(1))
    );
}

#[test]
fn a_receipt_carries_no_personal_data() {
    use crate::export_import::case_on;
    use sportello::cases::{self, CaseType};
    let mut fol = desk_store("FOL");
    let mut gro = desk_store("GRO");
    // the coordinator's own case, with its personal file, must never reach a desk
    cases::open(
        gro.conn_mut(),
        &case_on("2024-03-01", None, CaseType::Full),
        "coord",
        clock(),
    )
    .unwrap();
    accesses::record(fol.conn_mut(), &access_on("2024-03-11"), "op", clock()).unwrap();
    let out = tempfile::tempdir().unwrap();
    let summary =
        export::export(fol.conn_mut(), Selection::SinceLast, out.path(), clock()).unwrap();
    import::import_paths(gro.conn_mut(), &[summary.path], false, now()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path =
        receipt::write_to_folder(gro.conn(), "FOL", dir.path(), now(), &receipt_id(6)).unwrap();
    let text = std::fs::read_to_string(path).unwrap();
    for personal in ["Fatima", "+39 333", "MA1234567", "attende il decreto"] {
        assert!(
            !text.contains(personal),
            "'{personal}' leaked into the receipt"
        );
    }
}

#[test]
fn a_receipt_the_codebook_cannot_take_is_refused_whole() {
    let mut fol = desk_store("FOL");
    let gro = desk_store("GRO");
    let mut r = written(&gro, 7, now());
    r.codebook_version += 100;
    r.codes[0].label = "Nuova etichetta".into();
    let mut bad = r.codes[1].clone();
    bad.code = "con spazio".into();
    r.codes.push(bad);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(receipt::file_name(&r));
    std::fs::write(&path, receipt::encode(&r)).unwrap();
    let before = codebook::load(fol.conn()).unwrap();
    let read = receipt::read_paths(fol.conn_mut(), &[path], "op", now()).unwrap();
    let rejection = read[0].rejection.as_ref().expect("refused");
    assert_eq!(rejection.kind, import::RejectionKind::NotStored);
    assert_eq!(
        codebook::load(fol.conn()).unwrap(),
        before,
        "nothing of it was taken"
    );
}

/// Version 2: the coordinator's public key and its list of case services reach the
/// desk. The desk takes a key when it has none; a later receipt with another key
/// replaces it (audited); an older receipt, or one without a key, changes nothing. A
/// service the coordinator retires stays on the desk, retired, with the cases that
/// name it.
#[test]
fn a_receipt_carries_the_coordinators_key_and_case_services() {
    use sportello::cases::{self, CaseType, services};
    use sportello::exchange::encryption;

    let dir = tempfile::tempdir().unwrap();
    let gro_db = dir.path().join("gro.db");
    let mut gro = sportello::Store::open(&gro_db, now()).unwrap();
    let d = sportello::desk::presets()
        .into_iter()
        .find(|d| d.code == "GRO")
        .unwrap();
    sportello::desk::set_own(gro.conn_mut(), &d, now()).unwrap();
    let pair = encryption::keys::init(&gro_db, now()).unwrap();

    let mut fol = desk_store("FOL");
    let case = cases::open(
        fol.conn_mut(),
        &crate::export_import::case_on("2024-03-01", None, CaseType::Full),
        "op",
        clock(),
    )
    .unwrap();
    services::involve(
        fol.conn_mut(),
        &case.id,
        "asl",
        day("2024-03-02"),
        "op",
        clock(),
    )
    .unwrap();
    assert_eq!(encryption::recipient(fol.conn()).unwrap(), None);

    // the coordinator retires ASL, adds a service and relabels another
    services::set_kind_active(gro.conn_mut(), "asl", false, "op", clock()).unwrap();
    let entry = NewEntry {
        code: "consultorio".into(),
        label: "Consultorio familiare".into(),
        label_en: "Family counselling centre".into(),
        group: None,
    };
    services::add_kind(gro.conn_mut(), &entry, "op", clock()).unwrap();
    gro.conn()
        .execute(
            "UPDATE case_service_kinds SET label_it = 'CPIA Grosseto' WHERE code = 'cpia'",
            [],
        )
        .unwrap();

    let first = written(&gro, 1, now());
    assert_eq!(first.header.format_version, 2);
    assert_eq!(first.header.recipient, Some(Some(pair.recipient.clone())));
    let taken = receipt::take(fol.conn_mut(), &first, "op", now()).unwrap();
    assert_eq!(taken.recipient.as_deref(), Some(pair.recipient.as_str()));
    assert_eq!(taken.recipient_replaced, None);
    assert_eq!(
        encryption::recipient(fol.conn()).unwrap().as_deref(),
        Some(pair.recipient.as_str()),
        "the desk encrypts to the coordinator from now on"
    );
    let mut changed = taken.services_changed.clone();
    changed.sort();
    assert_eq!(changed, ["asl", "consultorio", "cpia"]);
    let list = services::kinds(fol.conn()).unwrap();
    let asl = list.iter().find(|k| k.code == "asl").unwrap();
    assert!(!asl.active, "retired, not deleted");
    assert!(list.iter().any(|k| k.code == "consultorio" && k.active));
    assert!(
        list.iter()
            .any(|k| k.code == "cpia" && k.label == "CPIA Grosseto")
    );
    let involved = services::involved(fol.conn(), &case.id).unwrap();
    assert_eq!(involved[0].service, "asl", "the case keeps its service");

    // a later receipt with another key replaces it; an older one changes nothing
    let other = "age1s2zdd470t08fpvj7aq6akfl6hl7mwmfzlz3mkmhcuaxvw56aey5qrq9hm9";
    // (the coordinator never writes one older than its last: an older one is a copy
    // left behind, read late)
    let mut older = written(&gro, 2, now());
    older.header.created_at =
        (now() - Duration::hours(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    older.header.recipient = Some(Some(other.into()));
    let t = receipt::take(fol.conn_mut(), &older, "op", now()).unwrap();
    assert_eq!(t.recipient, None);
    let mut later = written(&gro, 3, now() + Duration::hours(1));
    later.header.recipient = Some(Some(other.into()));
    let t = receipt::take(fol.conn_mut(), &later, "op", now()).unwrap();
    assert_eq!(t.recipient.as_deref(), Some(other));
    assert_eq!(
        t.recipient_replaced.as_deref(),
        Some(pair.recipient.as_str())
    );
    // a receipt without a key never clears one
    let mut keyless = written(&gro, 4, now() + Duration::hours(2));
    keyless.header.recipient = Some(None);
    receipt::take(fol.conn_mut(), &keyless, "op", now()).unwrap();
    assert_eq!(
        encryption::recipient(fol.conn()).unwrap().as_deref(),
        Some(other)
    );
    let audited: i64 = fol
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%age1%'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 2, "each change of the key has its audit row");
}

#[test]
fn two_receipts_written_within_one_second_are_both_newer_in_turn() {
    let mut fol = desk_store("FOL");
    let gro = desk_store("GRO");
    let at = now();
    let first = written(&gro, 1, at);
    let second = written(&gro, 2, at + Duration::milliseconds(300));
    assert!(
        second.header.created_at > first.header.created_at,
        "{} then {}",
        first.header.created_at,
        second.header.created_at
    );
    assert!(
        receipt::take(fol.conn_mut(), &first, "op", now())
            .unwrap()
            .newer
    );
    assert!(
        receipt::take(fol.conn_mut(), &second, "op", now())
            .unwrap()
            .newer,
        "the second import's receipt is taken, not mistaken for the first"
    );
    // A clock that steps back does not make a receipt older than the last one written.
    let third = written(&gro, 3, at - Duration::hours(1));
    assert!(third.header.created_at > second.header.created_at);
}
