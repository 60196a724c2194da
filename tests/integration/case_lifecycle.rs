//! The life of an accompaniment case: open, follow up, close with an outcome, reopen,
//! close again, across years; what the export carries of it; and the erasure of its
//! personal file (retention purge and the person's request), checked on the bytes of
//! the database file.

use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::Value;
use sportello::cases::follow_ups::{self, NewFollowUp};
use sportello::cases::{self, CaseType, Closing, Outcome, PersonalFile, retention};
use sportello::exchange::export::Selection;
use sportello::{Now, Store, desk, report};

use crate::cli::sportello;
use crate::export_import::{case_on, day, desk_store, export_to, now};

/// 10:00 at the desk (UTC+1) on `d`.
pub(crate) fn on(d: &str) -> Now {
    Now::new(
        Utc.from_utc_datetime(&day(d).and_hms_opt(9, 0, 0).unwrap())
            .fixed_offset(),
    )
}

/// Opens `input` at this desk on the day `at`.
fn opened(store: &mut Store, input: sportello::cases::NewCase, at: &str) -> sportello::cases::Case {
    cases::open(store.conn_mut(), &input, "op", on(at)).unwrap()
}

fn closing(d: &str, outcome: Outcome, note: &str) -> Closing {
    Closing {
        closed_on: day(d),
        outcome,
        note: note.into(),
    }
}

fn follow_up(done: &str, what: &str, next: &str, due: Option<&str>) -> NewFollowUp {
    NewFollowUp {
        done_on: Some(day(done)),
        what: what.into(),
        with_whom: "Questura di Grosseto".into(),
        next_step: next.into(),
        due_on: due.map(|d| d.parse::<NaiveDate>().unwrap()),
    }
}

fn counts(store: &Store, year: i32) -> (i64, i64, i64, i64, i64) {
    let c = cases::counts(store.conn(), year, Some("GRO")).unwrap();
    let rep = report::yearly(store.conn(), year, Some("GRO")).unwrap();
    assert_eq!(
        rep.desks[0].cases, c,
        "{year}: the view counts as the report"
    );
    (c.total, c.carried_in, c.archived, c.carried_out, c.fast)
}

#[test]
fn a_case_followed_closed_reopened_and_closed_again_counts_as_the_contract_says() {
    let mut store = desk_store("GRO");
    // a hand-made set spanning 2021-2024
    let long = opened(
        &mut store,
        case_on("2021-04-12", None, CaseType::Full),
        "2021-04-12",
    );
    cases::open(
        store.conn_mut(),
        &case_on("2022-02-01", Some("2022-09-30"), CaseType::Full),
        "op",
        on("2022-10-01"),
    )
    .unwrap();
    cases::open(
        store.conn_mut(),
        &case_on("2022-11-15", Some("2023-03-01"), CaseType::Full),
        "op",
        on("2023-03-01"),
    )
    .unwrap();
    opened(
        &mut store,
        case_on("2023-05-05", None, CaseType::Full),
        "2023-05-05",
    );
    cases::open(
        store.conn_mut(),
        &case_on("2023-07-01", Some("2023-07-03"), CaseType::Fast),
        "op",
        on("2023-07-03"),
    )
    .unwrap();

    follow_ups::add(
        store.conn(),
        &long.id,
        &follow_up(
            "2021-05-01",
            "kit postale compilato",
            "ritiro del permesso",
            Some("2021-09-01"),
        ),
        "op",
        on("2021-05-01"),
    )
    .unwrap();
    let closed = cases::close(
        store.conn_mut(),
        &long.id,
        1,
        &closing("2022-06-30", Outcome::Solved, "permesso ritirato"),
        "op",
        on("2022-06-30"),
    )
    .unwrap();
    assert_eq!(closed.outcome, Some(Outcome::Solved));
    // as things stood at the end of 2022
    assert_eq!(counts(&store, 2021), (1, 0, 0, 1, 0));
    assert_eq!(counts(&store, 2022), (3, 1, 2, 1, 0));

    // the person comes back in 2023: the case is reopened, not a new one
    let reopened = cases::reopen(store.conn_mut(), &long.id, 2, "op", on("2023-02-10")).unwrap();
    assert_eq!((reopened.closed_on, reopened.revision), (None, 3));
    follow_ups::add(
        store.conn(),
        &long.id,
        &follow_up(
            "2023-02-10",
            "nuova richiesta",
            "appuntamento in Prefettura",
            Some("2023-02-20"),
        ),
        "op",
        on("2023-02-10"),
    )
    .unwrap();
    assert_eq!(
        counts(&store, 2022),
        (3, 1, 1, 2, 0),
        "a reopened case is open again: pending into 2023"
    );
    assert_eq!(counts(&store, 2023), (3, 2, 1, 2, 1));
    let due = follow_ups::due_this_week(store.conn(), day("2023-02-22")).unwrap();
    assert!(
        due[0].next_step.overdue,
        "the step due on 20/02 is overdue on 22/02"
    );

    cases::close(
        store.conn_mut(),
        &long.id,
        3,
        &closing("2024-01-15", Outcome::Referred, ""),
        "op",
        on("2024-01-15"),
    )
    .unwrap();
    assert_eq!(
        counts(&store, 2023),
        (3, 2, 1, 2, 1),
        "closed in 2024: carried out of 2023"
    );
    assert_eq!(counts(&store, 2024), (2, 2, 1, 1, 0));
    assert!(
        follow_ups::due_this_week(store.conn(), day("2024-01-15"))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn the_export_carries_a_reopening_as_closed_on_null_with_a_higher_revision() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = desk_store("GRO");
    let case = opened(
        &mut store,
        case_on("2024-01-10", None, CaseType::Full),
        "2024-01-10",
    );
    cases::close(
        store.conn_mut(),
        &case.id,
        1,
        &closing("2024-02-01", Outcome::Unreachable, "PIInote"),
        "op",
        on("2024-02-01"),
    )
    .unwrap();
    cases::reopen(store.conn_mut(), &case.id, 2, "op", on("2024-03-01")).unwrap();
    let summary = export_to(&mut store, Selection::SinceLast, dir.path());
    let text = std::fs::read_to_string(&summary.path).unwrap();
    let line: Value = text
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .find(|v| v["record"] == "case")
        .unwrap();
    assert_eq!(line["revision"], 3);
    assert_eq!(line["closed_on"], Value::Null);
    let keys: Vec<&str> = line
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut keys = keys;
    keys.sort();
    assert_eq!(
        keys,
        [
            "case_type",
            "closed_on",
            "deleted",
            "id",
            "opened_on",
            "reason",
            "record",
            "revision"
        ],
        "the case line keeps the contract's shape: no outcome, no note"
    );
    assert!(!text.contains("unreachable") && !text.contains("PII"));
}

pub(crate) const MARKERS: [&str; 6] = [
    "ZQMARKNAME",
    "ZQMARKPHONE",
    "ZQMARKDOC",
    "ZQMARKDESC",
    "ZQMARKSTEP",
    "ZQMARKCLOSE",
];

/// The bytes of the database file and its write-ahead log.
pub(crate) fn file_bytes(db: &std::path::Path) -> Vec<u8> {
    let mut bytes = std::fs::read(db).unwrap();
    let wal = db.with_file_name(format!("{}-wal", db.file_name().unwrap().to_string_lossy()));
    if let Ok(more) = std::fs::read(wal) {
        bytes.extend(more);
    }
    bytes
}

pub(crate) fn holds(bytes: &[u8], marker: &str) -> bool {
    bytes.windows(marker.len()).any(|w| w == marker.as_bytes())
}

/// A case of `store` full of markers, closed on `closed` (open when `None`).
pub(crate) fn marked_case(store: &mut Store, tag: &str, closed: Option<&str>) -> String {
    let mut input = case_on("2018-01-10", None, CaseType::Full);
    let m = |i: usize| format!("{}{tag}", MARKERS[i]);
    input.personal = Some(PersonalFile {
        person_name: m(0),
        phone: m(1),
        documents: m(2),
        description: m(3),
    });
    let case = cases::open(store.conn_mut(), &input, "op", on("2018-01-10")).unwrap();
    // the personal file as first written, then corrected: the old text must go too
    let mut corrected = input.clone();
    corrected.personal.as_mut().unwrap().description = format!("{} bis", m(3));
    cases::correct(
        store.conn_mut(),
        &case.id,
        1,
        &corrected,
        "op",
        on("2018-01-11"),
    )
    .unwrap();
    for i in 0..3 {
        let f = follow_up(
            "2018-01-12",
            &format!("{} {i}", m(4)),
            &m(4),
            Some("2018-02-01"),
        );
        follow_ups::add(store.conn(), &case.id, &f, "op", on("2018-01-12")).unwrap();
    }
    if let Some(d) = closed {
        cases::close(
            store.conn_mut(),
            &case.id,
            2,
            &closing(d, Outcome::Solved, &m(5)),
            "op",
            on(d),
        )
        .unwrap();
    }
    case.id
}

#[test]
fn a_purged_or_erased_personal_file_is_gone_from_the_database_file() {
    let dir = tempfile::tempdir().unwrap();
    let (db, mut store) = gro_file(dir.path());
    let purged = marked_case(&mut store, "P", Some("2018-06-30"));
    let requested = marked_case(&mut store, "R", None);
    let kept = marked_case(&mut store, "K", Some("2023-06-30"));
    let bytes = file_bytes(&db);
    for tag in ["P", "R", "K"] {
        for m in MARKERS {
            let marker = format!("{m}{tag}");
            let open_case = tag == "R" && m == "ZQMARKCLOSE";
            assert_eq!(
                holds(&bytes, &marker),
                !open_case,
                "{marker} written before"
            );
        }
    }

    let report = retention::purge(store.conn_mut(), "op", on("2024-03-12")).unwrap();
    assert_eq!(report.erased, 1);
    assert!(report.log_emptied);
    retention::erase(store.conn_mut(), &requested, "op", on("2024-03-12")).unwrap();

    let bytes = file_bytes(&db);
    for tag in ["P", "R"] {
        for m in MARKERS {
            let marker = format!("{m}{tag}");
            assert!(
                !holds(&bytes, &marker),
                "{marker} is still in the file's bytes"
            );
        }
    }
    assert!(
        holds(&bytes, "ZQMARKNAMEK"),
        "a file within the retention is kept"
    );
    drop(store);
    let bytes = file_bytes(&db);
    assert!(!holds(&bytes, "ZQMARKNAMEP") && !holds(&bytes, "ZQMARKSTEPR"));

    let store = Store::open(&db, now()).unwrap();
    for id in [&purged, &requested] {
        let c = cases::get(store.conn(), id).unwrap();
        assert!(
            c.personal.is_none() && !c.deleted,
            "the anonymous case stays"
        );
    }
    assert!(cases::get(store.conn(), &kept).unwrap().personal.is_some());
    let c = cases::counts(store.conn(), 2018, Some("GRO")).unwrap();
    assert_eq!(
        (c.total, c.archived, c.carried_out),
        (3, 1, 2),
        "they still count"
    );
}

#[test]
fn cli_sets_the_retention_and_purges() {
    let dir = tempfile::tempdir().unwrap();
    let db = {
        let (db, mut store) = gro_file(dir.path());
        marked_case(&mut store, "C", Some("2020-01-31"));
        db
    };
    let out = sportello(&db, &["cases", "retention"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("erased 5 years after"));
    let bad = sportello(&db, &["cases", "retention", "0"]);
    assert!(!bad.status.success(), "a retention of 0 years is refused");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("retention_years"));
    let out = sportello(&db, &["cases", "purge", "--today", "2024-03-12"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("of 0 cases"),
        "within 5 years"
    );
    let out = sportello(&db, &["cases", "retention", "3"]);
    assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("3 years"));
    let out = sportello(&db, &["cases", "purge", "--today", "12/03/2024"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("of 1 cases closed before 12/03/2021"),
        "{text}"
    );
    assert!(!holds(&file_bytes(&db), "ZQMARKNAMEC"));
}

/// A desk database file of GRO in `dir`.
pub(crate) fn gro_file(dir: &std::path::Path) -> (std::path::PathBuf, Store) {
    let db = dir.join("desk.db");
    let mut store = Store::open(&db, now()).unwrap();
    let gro = desk::presets()
        .into_iter()
        .find(|d| d.code == "GRO")
        .unwrap();
    desk::set_own(store.conn_mut(), &gro, now()).unwrap();
    (db, store)
}

fn scan(dir: &std::path::Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn copies_of_documents_are_kept_private_refused_past_the_limit_and_erased_with_the_file() {
    use sportello::cases::documents::{self, DocumentKind, MAX_BYTES};
    let dir = tempfile::tempdir().unwrap();
    let inbox = tempfile::tempdir().unwrap();
    let (db, mut store) = gro_file(dir.path());
    let case = opened(
        &mut store,
        case_on("2024-01-10", None, CaseType::Full),
        "2024-01-10",
    );
    let permit = scan(
        inbox.path(),
        "permesso ZQDOCNAME.PDF",
        b"%PDF-1.4 ZQDOCBYTES",
    );
    let photo = scan(inbox.path(), "foto.jpg", b"\xff\xd8\xff ZQDOCBYTES2");
    let got = documents::attach(
        store.conn_mut(),
        &case.id,
        &[permit.clone(), photo],
        DocumentKind::Permit,
        "op",
        on("2024-03-12"),
    )
    .unwrap();
    assert_eq!(got.len(), 2, "several at once");
    assert_eq!(got[0].name, "permesso ZQDOCNAME.PDF");
    assert_eq!(
        (got[0].kind, got[0].size, got[0].added_on),
        (DocumentKind::Permit, 19, day("2024-03-12"))
    );
    let folder = documents::folder(store.conn()).unwrap();
    assert!(folder.starts_with(dir.path()), "beside the database");
    let copy = documents::path_of(store.conn(), &got[0].id).unwrap();
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        b"%PDF-1.4 ZQDOCBYTES",
        "a copy of the file"
    );
    assert!(
        copy.to_string_lossy().ends_with(".pdf") && !copy.to_string_lossy().contains("ZQDOCNAME"),
        "named by id and extension, not by the person's file name"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&folder), 0o700, "the folder is the user's only");
        assert_eq!(mode(&copy), 0o600, "the copy is the user's only");
    }

    // refused: too large, not a scan/photo/PDF; a batch with one refused file keeps nothing
    let big = inbox.path().join("big.pdf");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(MAX_BYTES + 1)
        .unwrap();
    let err = documents::attach(
        store.conn_mut(),
        &case.id,
        &[permit.clone(), big],
        DocumentKind::Other,
        "op",
        on("2024-03-12"),
    )
    .unwrap_err();
    assert_eq!(err.code(), "invalid");
    assert!(
        err.to_string().contains("big.pdf") && err.to_string().contains("20 MB"),
        "{err}"
    );
    assert!(
        matches!(&err, sportello::Error::Refused { reason: sportello::error::Refusal::TooLarge, detail: Some(d), .. } if d == "big.pdf"),
        "a stable reason and the file's name for the interface: {err:?}"
    );
    let exe = scan(inbox.path(), "programma.exe", b"MZ");
    let err = documents::attach(
        store.conn_mut(),
        &case.id,
        &[exe],
        DocumentKind::Other,
        "op",
        on("2024-03-12"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("programma.exe"), "{err}");
    assert_eq!(
        documents::list(store.conn(), &case.id).unwrap().len(),
        2,
        "nothing more kept"
    );
    assert_eq!(
        std::fs::read_dir(&folder).unwrap().count(),
        2,
        "no stray copy"
    );

    // nothing of a copy reaches an export: no name, no kind, no id
    let outbox = tempfile::tempdir().unwrap();
    let summary = export_to(&mut store, Selection::SinceLast, outbox.path());
    let text = std::fs::read_to_string(&summary.path).unwrap();
    assert!(
        !text.contains("ZQDOC") && !text.contains(&got[0].id) && !text.contains("permit"),
        "{text}"
    );

    documents::remove(store.conn_mut(), &got[1].id, "op", on("2024-03-12")).unwrap();
    assert_eq!(
        std::fs::read_dir(&folder).unwrap().count(),
        1,
        "the removed copy's file is gone"
    );
    // a file no row names (an interrupted write) goes at the next purge
    let stray = folder.join("stray.pdf");
    std::fs::write(&stray, b"x").unwrap();
    let long_ago = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_600_000_000);
    std::fs::File::options()
        .write(true)
        .open(&stray)
        .unwrap()
        .set_modified(long_ago)
        .unwrap();

    retention::erase(store.conn_mut(), &case.id, "op", on("2024-03-12")).unwrap();
    assert!(documents::list(store.conn(), &case.id).unwrap().is_empty());
    assert!(!copy.exists(), "the copy goes with the personal file");
    retention::purge(store.conn_mut(), "op", on("2024-03-12")).unwrap();
    assert_eq!(
        std::fs::read_dir(&folder).unwrap().count(),
        0,
        "the stray file is swept"
    );
    let bytes = file_bytes(&db);
    assert!(
        !holds(&bytes, "ZQDOCNAME"),
        "the file name is gone from the database file"
    );
    let log = sportello::store::audit::history(store.conn(), "case", &case.id).unwrap();
    assert!(
        log.iter().all(|e| !e.detail.contains("ZQDOC")),
        "the audit log names no file"
    );
}

#[test]
fn a_case_opened_from_an_access_keeps_only_the_link() {
    use sportello::register::accesses;
    let dir = tempfile::tempdir().unwrap();
    let mut store = desk_store("GRO");
    let mut input = crate::export_import::access_on("2024-03-11");
    input.accompaniment = true;
    let access = accesses::record(store.conn_mut(), &input, "op", on("2024-03-11")).unwrap();
    let mut new = case_on("2024-03-11", None, CaseType::Full);
    new.access_id = Some(access.id.clone());
    let case = opened(&mut store, new.clone(), "2024-03-11");
    assert_eq!(case.access_id.as_deref(), Some(access.id.as_str()));
    assert_eq!(
        accesses::get(store.conn(), &access.id).unwrap(),
        access,
        "the access is not changed"
    );
    new.access_id = Some("no-such-access".into());
    let err = cases::open(store.conn_mut(), &new, "op", on("2024-03-11")).unwrap_err();
    assert_eq!(err.code(), "invalid");
    assert!(err.to_string().starts_with("access_id"), "{err}");
    assert_eq!(
        cases::list(store.conn(), "GRO", cases::Filter::All)
            .unwrap()
            .len(),
        1,
        "nothing written"
    );
    // a correction keeps the link; the export carries none of it
    let mut corrected = case_on("2024-03-11", None, CaseType::Fast);
    corrected.access_id = None;
    let c = cases::correct(
        store.conn_mut(),
        &case.id,
        1,
        &corrected,
        "op",
        on("2024-03-12"),
    )
    .unwrap();
    assert_eq!(c.access_id.as_deref(), Some(access.id.as_str()));
    let summary = export_to(&mut store, Selection::SinceLast, dir.path());
    let text = std::fs::read_to_string(&summary.path).unwrap();
    let case_line = text
        .lines()
        .find(|l| l.contains(r#""record":"case""#))
        .unwrap();
    assert!(!case_line.contains(&access.id), "{case_line}");
}
