//! Export and import between two databases: the contract of the desk export file.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use serde_json::{Value, json};
use sportello::cases::{self, CaseType, NewCase, PersonalFile};
use sportello::exchange::export::{self, Selection};
use sportello::exchange::import::{self, FileReport, Outcome, RejectionKind};
use sportello::exchange::sha256_hex;
use sportello::register::accesses::{self, NewAccess};
use sportello::{Now, Store, codebook, desk};

use crate::cli::sportello;

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 3, 12, 9, 30, 0).unwrap()
}

/// [`now`] as the one clock reading the export takes (UTC: the local day is 2024-03-12).
pub fn clock() -> Now {
    Now::new(now().fixed_offset())
}

pub fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// A desk database in memory, its own desk `code` (a preset when there is one).
pub fn desk_store(code: &str) -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let mut d = desk::presets().remove(0);
    if let Some(p) = desk::presets().into_iter().find(|p| p.code == code) {
        d = p;
    } else {
        d.code = code.into();
        d.name = format!("Sportello {code}");
    }
    desk::set_own(store.conn_mut(), &d, now()).unwrap();
    store
}

pub fn access_on(date: &str) -> NewAccess {
    NewAccess {
        date: day(date),
        hour: 10,
        channel: "sportello".into(),
        nationality: "MA".into(),
        sex: "maschio".into(),
        age_band: "30-39".into(),
        first_access: true,
        referred_by: "iniziativa_propria".into(),
        reasons: vec!["rinnovo_permesso".into(), "lavoro".into()],
        permit: "in_rinnovo".into(),
        actions: vec!["informazione".into()],
        accompaniment: false,
        mediation: false,
    }
}

pub fn case_on(opened: &str, closed: Option<&str>, case_type: CaseType) -> NewCase {
    NewCase {
        case_type,
        opened_on: day(opened),
        closed_on: closed.map(day),
        reason: "cittadinanza".into(),
        personal: Some(PersonalFile {
            person_name: "Fatima Zahra El Amrani".into(),
            phone: "+39 333 765 4321".into(),
            documents: "passaporto MA1234567".into(),
            description: "domanda di cittadinanza, attende il decreto".into(),
        }),
        access_id: None,
    }
}

pub fn export_to(store: &mut Store, selection: Selection, dir: &Path) -> export::ExportSummary {
    export::export(store.conn_mut(), selection, dir, clock()).unwrap()
}

fn import_bytes(store: &mut Store, name: &str, bytes: &[u8], dry_run: bool) -> FileReport {
    let files = vec![(name.to_string(), bytes.to_vec())];
    import::import_files(store.conn_mut(), &files, dry_run, now())
        .unwrap()
        .remove(0)
}

fn import_path(store: &mut Store, path: &Path) -> FileReport {
    import::import_paths(store.conn_mut(), &[path.to_path_buf()], false, now())
        .unwrap()
        .remove(0)
}

/// Every travelling record of a database, as text: equal snapshots, equal data.
pub fn snapshot(store: &Store) -> String {
    let mut out = String::new();
    for sql in [
        "SELECT id || '|' || desk || '|' || revision || '|' || deleted || '|' || date || '|' ||
                COALESCE(hour, '') || '|' || COALESCE(channel, '') || '|' || COALESCE(nationality, '')
                || '|' || COALESCE(change_seq, 'null') FROM accesses ORDER BY id",
        "SELECT access_id || ':' || code FROM access_reasons ORDER BY 1",
        "SELECT access_id || ':' || code FROM access_actions ORDER BY 1",
        "SELECT id || '|' || desk || '|' || revision || '|' || deleted || '|' || opened_on || '|' ||
                COALESCE(closed_on, '') || '|' || COALESCE(case_type, '') FROM cases ORDER BY id",
        "SELECT code FROM desks ORDER BY code",
        "SELECT record_id || fields FROM import_conflicts ORDER BY 1",
        "SELECT COALESCE(export_id, '') || outcome FROM imports WHERE outcome = 'imported' ORDER BY 1",
    ] {
        let mut stmt = store.conn().prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
        for row in rows {
            out.push_str(&row.unwrap());
            out.push('\n');
        }
        out.push_str("--\n");
    }
    out
}

/// A FOL desk with three accesses and two cases, exported once.
fn fol_with_records(dir: &Path) -> (Store, export::ExportSummary) {
    let mut fol = desk_store("FOL");
    for d in ["2024-03-10", "2024-03-11", "2024-03-11"] {
        accesses::record(fol.conn_mut(), &access_on(d), "op", now().into()).unwrap();
    }
    cases::open(
        fol.conn_mut(),
        &case_on("2024-03-11", None, CaseType::Full),
        "op",
        now().into(),
    )
    .unwrap();
    cases::open(
        fol.conn_mut(),
        &case_on("2024-03-09", Some("2024-03-11"), CaseType::Fast),
        "op",
        now().into(),
    )
    .unwrap();
    let summary = export_to(&mut fol, Selection::SinceLast, dir);
    (fol, summary)
}

fn lines_of(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Rebuilds a file from header and record values with a correct trailer.
fn rebuild(header: &Value, records: &[Value]) -> Vec<u8> {
    let mut out = serde_json::to_vec(header).unwrap();
    out.push(b'\n');
    for r in records {
        out.extend(serde_json::to_vec(r).unwrap());
        out.push(b'\n');
    }
    let trailer = json!({"record": "trailer", "count": records.len(),
                         "sha256": sha256_hex(&out)});
    out.extend(serde_json::to_vec(&trailer).unwrap());
    out.push(b'\n');
    out
}

#[test]
fn round_trip_from_a_desk_to_the_coordinator() {
    let dir = tempfile::tempdir().unwrap();
    let (fol, summary) = fol_with_records(dir.path());
    assert_eq!(summary.sequence, 1, "the first export is number 1");
    assert_eq!(summary.record_count, 5);
    assert_eq!(
        (summary.period_from, summary.period_to),
        (day("2024-03-09"), day("2024-03-11")),
        "a since-last period runs from the earliest to the latest record date"
    );
    let name = summary.path.file_name().unwrap().to_str().unwrap();
    assert!(
        name.starts_with("sportello-FOL-2024-03-09_2024-03-11-") && name.ends_with(".jsonl"),
        "file name of the contract: {name}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file is left behind");

    let lines = lines_of(&summary.path);
    assert_eq!(lines[0]["record"], "header");
    assert_eq!(lines[0]["format_version"], 1);
    assert_eq!(lines[0]["desk"], "FOL");
    assert_eq!(lines.last().unwrap()["count"], 5);

    let mut gro = desk_store("GRO");
    let report = import_path(&mut gro, &summary.path);
    assert_eq!(report.outcome, Outcome::Imported, "{report:?}");
    assert_eq!((report.new, report.updated, report.unchanged), (5, 0, 0));
    for a in accesses::list_for_day(fol.conn(), "FOL", day("2024-03-11")).unwrap() {
        let copy = accesses::get(gro.conn(), &a.id).unwrap();
        assert_eq!(
            (copy.desk.as_str(), copy.revision, &copy.reasons, copy.hour),
            ("FOL", 1, &a.reasons, a.hour)
        );
    }
    let imported_cases = cases::list(gro.conn(), "FOL", cases::Filter::All).unwrap();
    assert_eq!(imported_cases.len(), 2);
    assert!(
        imported_cases.iter().all(|c| c.personal.is_none()),
        "no personal file travels"
    );
    let seq: Option<i64> = gro
        .conn()
        .query_row("SELECT MAX(change_seq) FROM accesses", [], |r| r.get(0))
        .unwrap();
    assert_eq!(seq, None, "imported records carry no change_seq");
    assert!(
        desk::get(gro.conn(), "FOL").unwrap().is_some(),
        "the desk is registered"
    );
    // the coordinator's own export takes none of the imported records
    let out = tempfile::tempdir().unwrap();
    let own = export_to(&mut gro, Selection::SinceLast, out.path());
    assert_eq!(own.record_count, 0, "only the desk's own records leave");
}

#[test]
fn the_same_file_twice_and_overlapping_exports_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (mut fol, first) = fol_with_records(dir.path());
    let range = export_to(
        &mut fol,
        Selection::Range {
            from: day("2024-03-01"),
            to: day("2024-03-31"),
        },
        dir.path(),
    );
    assert_eq!(range.sequence, 2);
    assert_eq!(
        range.record_count, 5,
        "a range export takes every record in it"
    );
    let mut gro = desk_store("GRO");
    assert_eq!(import_path(&mut gro, &first.path).new, 5);
    let before = snapshot(&gro);
    let again = import_path(&mut gro, &first.path);
    assert_eq!(again.outcome, Outcome::AlreadyImported, "{again:?}");
    let overlap = import_path(&mut gro, &range.path);
    assert_eq!(overlap.outcome, Outcome::Imported);
    assert_eq!(
        (overlap.new, overlap.updated, overlap.unchanged),
        (0, 0, 5),
        "an overlapping export is all unchanged"
    );
    let after = snapshot(&gro);
    assert_eq!(
        before.split("--").take(5).collect::<Vec<_>>(),
        after.split("--").take(5).collect::<Vec<_>>(),
        "no record changed the second time"
    );
    let log = import::log(gro.conn(), 10).unwrap();
    assert_eq!(
        log.iter()
            .filter(|e| e.outcome == "already_imported")
            .count(),
        1,
        "the repeat is logged as already imported"
    );
}

#[test]
fn corrections_and_deletions_propagate_and_a_range_export_keeps_the_mark() {
    let dir = tempfile::tempdir().unwrap();
    let (mut fol, first) = fol_with_records(dir.path());
    let mut gro = desk_store("GRO");
    import_path(&mut gro, &first.path);

    let day11 = accesses::list_for_day(fol.conn(), "FOL", day("2024-03-11")).unwrap();
    let mut changed = access_on("2024-03-11");
    changed.hour = 16;
    changed.reasons = vec!["cittadinanza".into()];
    accesses::correct(
        fol.conn_mut(),
        &day11[0].id,
        1,
        &changed,
        "op",
        now().into(),
    )
    .unwrap();
    accesses::delete(fol.conn_mut(), &day11[1].id, 1, "op", now().into()).unwrap();
    let open_cases = cases::list(fol.conn(), "FOL", cases::Filter::Open).unwrap();
    cases::close(
        fol.conn_mut(),
        &open_cases[0].id,
        1,
        &cases::Closing {
            closed_on: day("2024-03-12"),
            outcome: cases::Outcome::Solved,
            note: String::new(),
        },
        "op",
        now().into(),
    )
    .unwrap();
    let fast: Vec<_> = cases::list(fol.conn(), "FOL", cases::Filter::Closed)
        .unwrap()
        .into_iter()
        .filter(|c| c.case_type == Some(CaseType::Fast))
        .collect();
    cases::delete(fol.conn_mut(), &fast[0].id, 1, "op", now().into()).unwrap();

    // a one-day export in between must not hide the changes from the next default export
    export_to(
        &mut fol,
        Selection::Range {
            from: day("2024-03-10"),
            to: day("2024-03-10"),
        },
        dir.path(),
    );
    let pending = export::pending(fol.conn(), day("2024-03-12")).unwrap();
    assert_eq!(
        pending.records, 4,
        "four records changed since the last export"
    );
    assert_eq!(
        pending.older_than_today, 4,
        "all dated before today: the status line warns"
    );
    let second = export_to(&mut fol, Selection::SinceLast, dir.path());
    assert_eq!(second.sequence, 3);
    assert_eq!(second.record_count, 4, "only what changed since the last");
    let lines = lines_of(&second.path);
    let tomb = lines
        .iter()
        .find(|l| l["id"] == day11[1].id.as_str())
        .unwrap();
    assert_eq!(
        tomb,
        &json!({"record": "access", "id": day11[1].id, "revision": 2, "deleted": true, "date": "2024-03-11"}),
        "a tombstone carries only what the contract requires"
    );

    let report = import_path(&mut gro, &second.path);
    assert_eq!((report.new, report.updated), (0, 4), "{report:?}");
    let corrected = accesses::get(gro.conn(), &day11[0].id).unwrap();
    assert_eq!(
        (corrected.revision, corrected.hour, corrected.reasons),
        (2, 16, vec!["cittadinanza".to_string()])
    );
    let deleted: bool = gro
        .conn()
        .query_row(
            "SELECT deleted FROM accesses WHERE id = ?1",
            [&day11[1].id],
            |r| r.get(0),
        )
        .unwrap();
    assert!(deleted, "the deletion reached the coordinator");
    let closed = cases::get(gro.conn(), &open_cases[0].id).unwrap();
    assert_eq!(closed.closed_on, Some(day("2024-03-12")));
    assert!(cases::get(gro.conn(), &fast[0].id).unwrap().deleted);

    // the older file again (an overlapping copy) cannot undo the newer revisions
    let old = import_bytes(
        &mut gro,
        "old-copy.jsonl",
        &rebuild_with_new_id(&first.path),
        false,
    );
    assert_eq!(
        (old.new, old.updated, old.unchanged, old.conflicts.len()),
        (0, 0, 5, 0),
        "lower revisions change nothing: {old:?}"
    );
    assert_eq!(accesses::get(gro.conn(), &day11[0].id).unwrap().hour, 16);

    // nothing new: the file is still written, empty, so the sequence has no hole
    let empty = export_to(&mut fol, Selection::SinceLast, dir.path());
    assert_eq!((empty.sequence, empty.record_count), (4, 0));
    assert_eq!(
        (empty.period_from, empty.period_to),
        (day("2024-03-12"), day("2024-03-12")),
        "an empty since-last export covers today"
    );
    assert_eq!(
        import_path(&mut gro, &empty.path).outcome,
        Outcome::Imported
    );
}

/// The same records under a new export id (another copy of an overlapping export).
fn rebuild_with_new_id(path: &Path) -> Vec<u8> {
    let mut lines = lines_of(path);
    lines.pop();
    let mut header = lines.remove(0);
    header["export_id"] = json!("01900000-0000-7000-8000-000000000abc");
    header["sequence"] = json!(99);
    rebuild(&header, &lines)
}

#[test]
fn same_revision_different_content_is_a_logged_conflict_and_the_rest_imports() {
    let dir = tempfile::tempdir().unwrap();
    let (_fol, first) = fol_with_records(dir.path());
    let mut gro = desk_store("GRO");
    import_path(&mut gro, &first.path);
    let mut lines = lines_of(&first.path);
    lines.pop();
    let mut header = lines.remove(0);
    header["export_id"] = json!("01900000-0000-7000-8000-000000000001");
    header["sequence"] = json!(2);
    let access = lines.iter_mut().find(|l| l["record"] == "access").unwrap();
    access["hour"] = json!(17);
    access["channel"] = json!("telefono");
    let conflict_id = access["id"].as_str().unwrap().to_string();
    let stored_hour = accesses::get(gro.conn(), &conflict_id).unwrap().hour;
    let mut new_one = lines[0].clone();
    new_one["id"] = json!("01900000-0000-7000-8000-0000000000ff");
    lines.push(new_one);
    let report = import_bytes(&mut gro, "conflict.jsonl", &rebuild(&header, &lines), false);
    assert_eq!(report.outcome, Outcome::Imported, "{report:?}");
    assert_eq!(report.new, 1, "the rest of the file is imported");
    assert_eq!(report.conflicts.len(), 1);
    assert_eq!(report.conflicts[0].id, conflict_id);
    assert_eq!(report.conflicts[0].fields, ["hour", "channel"]);
    assert_eq!(
        accesses::get(gro.conn(), &conflict_id).unwrap().hour,
        stored_hour,
        "the stored record is kept"
    );
    let logged: String = gro
        .conn()
        .query_row(
            "SELECT fields FROM import_conflicts WHERE record_id = ?1",
            [&conflict_id],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(logged, r#"["hour","channel"]"#);
}

/// Every rejection class of the contract: the message names file, line and field, and
/// the database is left exactly as it was.
#[test]
fn every_bad_file_is_rejected_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_fol, first) = fol_with_records(dir.path());
    let good = std::fs::read(&first.path).unwrap();
    let mut lines = lines_of(&first.path);
    lines.pop();
    let header = lines.remove(0);
    let records = lines;
    let access_at = records
        .iter()
        .position(|l| l["record"] == "access")
        .unwrap();
    let case_at = records.iter().position(|l| l["record"] == "case").unwrap();
    let edit = |at: usize, f: &dyn Fn(&mut Value)| {
        let mut r = records.clone();
        f(&mut r[at]);
        rebuild(&header, &r)
    };
    let edit_header = |f: &dyn Fn(&mut Value)| {
        let mut h = header.clone();
        f(&mut h);
        rebuild(&h, &records)
    };
    let a_line = format!("line {}", access_at + 2);
    let at: &str = &a_line;
    let text = String::from_utf8(good.clone()).unwrap();
    let trailer_at = text[..text.len() - 1].rfind('\n').unwrap() + 1;

    let mut bad_utf8 = good.clone();
    bad_utf8.splice(10..10, [0xff, 0xfe]);
    let mut bad_json = serde_json::to_vec(&header).unwrap();
    bad_json.extend(b"\n{\"record\":\"access\",\"id\":\n");
    let trailer = json!({"record": "trailer", "count": 1, "sha256": sha256_hex(&bad_json)});
    bad_json.extend(serde_json::to_vec(&trailer).unwrap());
    bad_json.push(b'\n');
    let mut wrong_sha = good.clone();
    let pos = trailer_at - 5;
    wrong_sha[pos] = if wrong_sha[pos] == b'1' { b'2' } else { b'1' };
    let mut dup = records.clone();
    dup.push(records[access_at].clone());
    let mut removed_one = records.clone();
    removed_one.pop();
    let mut wrong_count = rebuild(&header, &removed_one);
    let cut = wrong_count.len() - 1;
    wrong_count.truncate(cut);
    let count_line = String::from_utf8(wrong_count.clone()).unwrap();
    let fixed = count_line.replace(
        &format!("\"count\":{}", removed_one.len()),
        &format!("\"count\":{}", records.len()),
    );
    let wrong_count = format!("{fixed}\n").into_bytes();

    // what, the file, words of the English message, the stable code, the field
    type Case<'a> = (
        &'a str,
        Vec<u8>,
        Vec<&'a str>,
        RejectionKind,
        Option<&'a str>,
    );
    let cases: Vec<Case> = vec![
        (
            "not UTF-8",
            bad_utf8,
            vec!["line 1", "UTF-8"],
            RejectionKind::NotUtf8,
            None,
        ),
        (
            "not JSON",
            bad_json,
            vec!["line 2", "JSON"],
            RejectionKind::NotJson,
            None,
        ),
        ("empty", vec![], vec!["empty"], RejectionKind::Empty, None),
        (
            "no header",
            good[good.iter().position(|&b| b == b'\n').unwrap() + 1..].to_vec(),
            vec!["line 1", "header"],
            RejectionKind::NotHeader,
            Some("record"),
        ),
        (
            "truncated copy",
            good[..good.len() / 2].to_vec(),
            vec!["truncated"],
            RejectionKind::Truncated,
            None,
        ),
        (
            "cut before the trailer",
            good[..trailer_at].to_vec(),
            vec!["trailer", "truncated"],
            RejectionKind::Truncated,
            None,
        ),
        (
            "wrong sha256",
            wrong_sha,
            vec!["sha256"],
            RejectionKind::ChecksumMismatch,
            Some("sha256"),
        ),
        (
            "wrong count",
            wrong_count,
            vec!["count"],
            RejectionKind::CountMismatch,
            Some("count"),
        ),
        (
            "future version",
            edit_header(&|h| h["format_version"] = json!(2)),
            vec!["line 1", "format_version", "version 2"],
            RejectionKind::UnknownVersion,
            Some("format_version"),
        ),
        (
            "missing field",
            edit(access_at, &|r| {
                r.as_object_mut().unwrap().remove("sex");
            }),
            vec![at, "'sex'", "missing"],
            RejectionKind::Missing,
            Some("sex"),
        ),
        (
            "unknown field",
            edit(access_at, &|r| r["name"] = json!("Mario Rossi")),
            vec![at, "'name'", "unknown"],
            RejectionKind::UnknownField,
            Some("name"),
        ),
        (
            "wrong type",
            edit(access_at, &|r| r["first_access"] = json!("yes")),
            vec!["'first_access'", "true or false"],
            RejectionKind::WrongType,
            Some("first_access"),
        ),
        (
            "out of range",
            edit(access_at, &|r| r["hour"] = json!(24)),
            vec!["'hour'", "out of range"],
            RejectionKind::OutOfRange,
            Some("hour"),
        ),
        (
            "bad date",
            edit(case_at, &|r| r["opened_on"] = json!("2024-02-30")),
            vec!["'opened_on'"],
            RejectionKind::BadDate,
            Some("opened_on"),
        ),
        (
            "unknown code",
            edit(access_at, &|r| r["reasons"] = json!(["lavoro", "bonus_x"])),
            vec!["reasons 'bonus_x'", at, "codebook"],
            RejectionKind::UnknownCodes,
            None,
        ),
        (
            "duplicate id",
            rebuild(&header, &dup),
            vec!["'id'", "twice"],
            RejectionKind::DuplicateId,
            Some("id"),
        ),
        (
            "bad desk",
            edit_header(&|h| h["desk"] = json!("fol")),
            vec!["'desk'"],
            RejectionKind::BadDesk,
            Some("desk"),
        ),
        (
            "no reasons",
            edit(access_at, &|r| r["reasons"] = json!([])),
            vec!["'reasons'", "at least one"],
            RejectionKind::NoReasons,
            Some("reasons"),
        ),
    ];
    let mut gro = desk_store("GRO");
    let before = snapshot(&gro);
    for (what, bytes, expected, kind, field) in cases {
        let name = format!("bad-{}.jsonl", what.replace(' ', "-"));
        for dry_run in [true, false] {
            let report = import_bytes(&mut gro, &name, &bytes, dry_run);
            assert_eq!(report.outcome, Outcome::Rejected, "{what}: {report:?}");
            let rejection = report
                .rejection
                .as_ref()
                .expect("a rejection for the interface");
            assert_eq!(
                (rejection.kind, rejection.field.as_deref()),
                (kind, field),
                "{what}: the interface gets a stable code and the field: {rejection:?}"
            );
            if kind == RejectionKind::UnknownCodes {
                assert_eq!(
                    rejection.codes,
                    [import::UnknownCode {
                        line: access_at + 2,
                        field: "reasons".into(),
                        code: "bonus_x".into()
                    }],
                    "{what}: each unknown code with its line and field"
                );
            }
            if expected.contains(&at) && kind != RejectionKind::UnknownCodes {
                assert_eq!(
                    rejection.line,
                    Some(access_at + 2),
                    "{what}: the line of the access"
                );
            }
            assert!(
                report.message.starts_with(&name),
                "{what}: the message names the file: {}",
                report.message
            );
            for e in &expected {
                assert!(
                    report.message.contains(e),
                    "{what}: the message should mention {e:?}: {}",
                    report.message
                );
            }
        }
        assert_eq!(snapshot(&gro), before, "{what}: nothing is stored");
    }
    let rejected: i64 = gro
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM imports WHERE outcome = 'rejected'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        rejected, 18,
        "each real rejection is logged, dry runs are not"
    );
    // and the good file still imports afterwards
    assert_eq!(
        import_bytes(&mut gro, "good.jsonl", &good, false).outcome,
        Outcome::Imported
    );
}

#[test]
fn retired_codes_are_accepted_and_own_files_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (mut fol, first) = fol_with_records(dir.path());
    let mut gro = desk_store("GRO");
    codebook::set_active(gro.conn(), codebook::List::Reason, "lavoro", false).unwrap();
    let report = import_path(&mut gro, &first.path);
    assert_eq!(
        report.outcome,
        Outcome::Imported,
        "a retired code is still a known code: {report:?}"
    );
    let own = import_path(&mut fol, &first.path);
    assert_eq!(own.outcome, Outcome::Rejected);
    assert!(own.message.contains("own desk"), "{}", own.message);
    assert_eq!(
        own.rejection.map(|r| r.kind),
        Some(RejectionKind::OwnDesk),
        "the interface is told why in a stable code"
    );
}

#[test]
fn a_dry_run_previews_exactly_and_stores_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_fol, first) = fol_with_records(dir.path());
    let mut gro = desk_store("GRO");
    let before = snapshot(&gro);
    let files = vec![
        first.path.clone(),
        first.path.clone(),
        dir.path().join("missing.jsonl"),
    ];
    let preview = import::import_paths(gro.conn_mut(), &files, true, now()).unwrap();
    assert_eq!(snapshot(&gro), before, "a dry run stores nothing");
    let log: i64 = gro
        .conn()
        .query_row("SELECT COUNT(*) FROM imports", [], |r| r.get(0))
        .unwrap();
    assert_eq!(log, 0, "a dry run does not even log");
    assert_eq!(preview[0].outcome, Outcome::Imported);
    assert_eq!(preview[0].new, 5);
    assert_eq!(
        preview[1].outcome,
        Outcome::AlreadyImported,
        "the preview sees the earlier file of the batch"
    );
    assert_eq!(preview[2].outcome, Outcome::Rejected);
    let real = import::import_paths(gro.conn_mut(), &files, false, now()).unwrap();
    assert_eq!(real, preview, "the import does what the preview said");
}

#[test]
fn missing_sequence_numbers_are_detected_per_desk() {
    let dir = tempfile::tempdir().unwrap();
    let mut fol = desk_store("FOL");
    let mut sca = desk_store("SCA");
    let mut paths: Vec<PathBuf> = Vec::new();
    for d in [
        "2024-03-01",
        "2024-03-02",
        "2024-03-03",
        "2024-03-04",
        "2024-03-05",
    ] {
        accesses::record(fol.conn_mut(), &access_on(d), "op", now().into()).unwrap();
        paths.push(export_to(&mut fol, Selection::SinceLast, dir.path()).path);
    }
    let sca_file = export_to(&mut sca, Selection::SinceLast, dir.path()).path;
    let mut gro = desk_store("GRO");
    for i in [0, 1, 3] {
        import_path(&mut gro, &paths[i]);
    }
    import_path(&mut gro, &sca_file);
    let seqs = import::sequences(gro.conn()).unwrap();
    assert_eq!(seqs.len(), 2);
    assert_eq!(seqs[0].desk, "FOL");
    assert_eq!(seqs[0].received, [(1, 2), (4, 4)]);
    assert_eq!(seqs[0].missing, [3], "file 3 never arrived");
    assert_eq!(seqs[0].last_sequence, Some(4));
    assert!(seqs[0].last_imported_at.is_some());
    assert_eq!((seqs[1].desk.as_str(), seqs[1].missing.len()), ("SCA", 0));
    // a whole folder: the missing file and the rest arrive, the repeats are no-ops
    let all =
        import::import_paths(gro.conn_mut(), &[dir.path().to_path_buf()], false, now()).unwrap();
    assert_eq!(all.len(), 6);
    let seqs = import::sequences(gro.conn()).unwrap();
    assert_eq!(seqs[0].received, [(1, 5)]);
    assert!(seqs[0].missing.is_empty());
}

#[test]
fn the_command_line_exports_and_imports_with_the_contract_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("outbox");
    std::fs::create_dir(&out).unwrap();
    let desk_db = dir.path().join("fol.db");
    let coord_db = dir.path().join("gro.db");
    {
        let mut fol = Store::open(&desk_db, now()).unwrap();
        let p = desk::presets()
            .into_iter()
            .find(|d| d.code == "FOL")
            .unwrap();
        desk::set_own(fol.conn_mut(), &p, now()).unwrap();
        accesses::record(fol.conn_mut(), &access_on("2024-03-11"), "op", now().into()).unwrap();
    }
    assert!(
        sportello(&coord_db, &["desk", "set", "GRO"])
            .status
            .success()
    );

    let exported = sportello(&desk_db, &["export", "--out", out.to_str().unwrap()]);
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    let path = String::from_utf8(exported.stdout)
        .unwrap()
        .trim()
        .to_string();
    assert!(Path::new(&path).is_file(), "export prints the path: {path}");
    let by_day = sportello(
        &desk_db,
        &[
            "export",
            "--date",
            "2024-03-11",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(by_day.status.success());

    let dry = sportello(
        &coord_db,
        &["import", "--dry-run", "--format", "json", &path],
    );
    assert_eq!(dry.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&dry.stdout).unwrap();
    assert_eq!(v["dry_run"], true);
    assert_eq!(v["files"][0]["outcome"], "imported");
    assert_eq!(v["files"][0]["new"], 1);

    let real = sportello(&coord_db, &["import", &path]);
    assert_eq!(real.status.code(), Some(0));
    let text = String::from_utf8_lossy(&real.stdout);
    assert!(
        text.contains("imported") && text.contains("1 new"),
        "{text}"
    );
    assert!(
        text.contains("desk FOL: received 1; missing none"),
        "{text}"
    );
    let again = sportello(&coord_db, &["import", &path]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("already imported"));

    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, b"{}\n").unwrap();
    let rejected = sportello(&coord_db, &["import", &path, bad.to_str().unwrap()]);
    assert_eq!(rejected.status.code(), Some(1), "any rejected file: exit 1");
    assert!(String::from_utf8_lossy(&rejected.stdout).contains("rejected: "));
    assert_eq!(
        sportello(&coord_db, &["import"]).status.code(),
        Some(2),
        "no file: bad usage"
    );
    assert_eq!(
        sportello(
            &desk_db,
            &[
                "export",
                "--date",
                "2024-03-11",
                "--from",
                "2024-03-01",
                "--to",
                "2024-03-02",
                "--out",
                "x"
            ]
        )
        .status
        .code(),
        Some(2),
        "conflicting selections: bad usage"
    );
    let status = sportello(&coord_db, &["imports", "--format", "json"]);
    let v: Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(v["desks"][0]["desk"], "FOL");
    assert_eq!(v["desks"][0]["missing"], json!([]));
}

fn personal_text() -> impl Strategy<Value = String> {
    // long enough and marked so it cannot occur by chance in a code, id or date
    "[A-Za-z0-9 ]{3,24}".prop_map(|s| format!("PII{s}PII"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Whatever personal data fills the appointments and the case files (the file, the
    /// follow-ups with whom and their next steps, the closing notes of cases closed,
    /// reopened and closed again, the names of the copies of documents), none of it
    /// appears in any export file.
    #[test]
    fn no_personal_data_reaches_an_export_file(
        names in proptest::collection::vec(personal_text(), 1..4),
        phones in proptest::collection::vec("\\+39 3[0-9]{2} [0-9]{7}", 1..4),
        documents in proptest::collection::vec("[A-Z]{2}[0-9]{7}", 1..4),
        notes in proptest::collection::vec(personal_text(), 1..4),
        range in any::<bool>(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let files = tempfile::tempdir().unwrap();
        // a database file, so that the cases can hold copies of documents
        let mut store = Store::open(&files.path().join("desk.db"), now()).unwrap();
        let fol = desk::presets().into_iter().find(|d| d.code == "FOL").unwrap();
        desk::set_own(store.conn_mut(), &fol, now()).unwrap();
        let kind: String = store.conn().query_row(
            "SELECT code FROM appointment_kinds LIMIT 1", [], |r| r.get(0)).unwrap_or_else(|_| {
            store.conn().execute(
                "INSERT INTO appointment_kinds (code, label_it, label_en, slot_minutes, sort_order)
                 VALUES ('rinnovo', 'Rinnovo', 'Renewal', 30, 10)", []).unwrap();
            "rinnovo".into()
        });
        for (i, name) in names.iter().enumerate() {
            let phone = &phones[i % phones.len()];
            let doc = &documents[i % documents.len()];
            let note = &notes[i % notes.len()];
            let access = accesses::record(store.conn_mut(), &access_on("2024-03-11"), "op", now().into()).unwrap();
            store.conn().execute(
                "INSERT INTO appointments (id, desk, kind, day, starts, ends, booking_code, person_name,
                                           phone, access_id, created_at, updated_at)
                 VALUES (?1, 'FOL', ?2, '2024-03-11', ?3, ?4, ?5, ?6, ?7, ?8, 'x', 'x')",
                rusqlite::params![format!("appt-{i}"), kind, format!("{:02}:00", 8 + i),
                    format!("{:02}:30", 8 + i), format!("B{i}{doc}"), name, phone, access.id],
            ).unwrap();
            let mut case = case_on("2024-03-10", None, CaseType::Full);
            case.personal = Some(PersonalFile {
                person_name: name.clone(),
                phone: phone.clone(),
                documents: doc.clone(),
                description: note.clone(),
            });
            let c = cases::open(store.conn_mut(), &case, "op", now().into()).unwrap();
            cases::add_note(store.conn(), &c.id, note, "op", now().into()).unwrap();
            let step = cases::follow_ups::NewFollowUp {
                done_on: Some(day("2024-03-11")),
                what: note.clone(),
                with_whom: name.clone(),
                next_step: format!("{note} {doc}"),
                due_on: Some(day("2024-03-20")),
            };
            cases::follow_ups::add(store.conn(), &c.id, &step, "op", now().into()).unwrap();
            let scan = files.path().join(format!("{} {}.pdf", name.trim(), doc));
            std::fs::write(&scan, format!("%PDF {name}")).unwrap();
            cases::documents::attach(store.conn_mut(), &c.id, &[scan], cases::documents::DocumentKind::Passport, "op", now().into()).unwrap();
            if i % 2 == 0 {
                let closing = cases::Closing {
                    closed_on: day("2024-03-12"),
                    outcome: cases::Outcome::Referred,
                    note: format!("{note} {phone}"),
                };
                let closed = cases::close(store.conn_mut(), &c.id, 1, &closing, "op", now().into()).unwrap();
                cases::reopen(store.conn_mut(), &c.id, closed.revision, "op", now().into()).unwrap();
                cases::close(store.conn_mut(), &c.id, closed.revision + 1, &closing, "op", now().into()).unwrap();
            }
        }
        let selection = if range {
            Selection::Range { from: day("2024-01-01"), to: day("2024-12-31") }
        } else {
            Selection::SinceLast
        };
        let summary = export_to(&mut store, selection, dir.path());
        prop_assert_eq!(summary.record_count as usize, names.len() * 2);
        let text = std::fs::read_to_string(&summary.path).unwrap();
        for secret in names.iter().chain(&phones).chain(&documents).chain(&notes) {
            prop_assert!(!text.contains(secret.trim()), "{} leaked into the export", secret);
        }
        prop_assert!(!text.contains("PII"), "no marked personal text in the file");
    }
}

#[test]
fn the_documented_example_file_imports() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sportello-FOL-2024-10-02_2024-11-26-a906a35e.jsonl");
    let bytes = std::fs::read(&path).unwrap();
    let file = import::parse(&bytes).expect("the example of docs/export-format.md is valid");
    assert_eq!(file.header.desk, "FOL");
    assert_eq!(file.records.len(), 5);
    let mut gro = desk_store("GRO");
    let report = import_path(&mut gro, &path);
    assert_eq!(
        (report.outcome, report.new, report.conflicts.len()),
        (Outcome::Imported, 5, 0),
        "{report:?}"
    );
    let docs = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/export-format.md"),
    )
    .unwrap();
    let example = String::from_utf8(bytes).unwrap();
    assert!(
        docs.contains(example.trim_end()),
        "docs/export-format.md shows this very file"
    );
}

#[test]
fn an_altered_copy_of_an_imported_file_and_a_foreign_id_clash_are_caught() {
    let dir = tempfile::tempdir().unwrap();
    let (_fol, first) = fol_with_records(dir.path());
    let mut gro = desk_store("GRO");
    import_path(&mut gro, &first.path);
    // same export id, one record changed, trailer recomputed: not the file imported before
    let mut lines = lines_of(&first.path);
    lines.pop();
    let header = lines.remove(0);
    let at = lines.iter().position(|l| l["record"] == "access").unwrap();
    lines[at]["hour"] = json!(8);
    let altered = import_bytes(&mut gro, "altered.jsonl", &rebuild(&header, &lines), false);
    assert_eq!(altered.outcome, Outcome::Rejected, "{altered:?}");
    assert_eq!(
        altered.rejection.as_ref().map(|r| r.kind),
        Some(RejectionKind::AlteredCopy),
        "a stable code for the interface"
    );
    assert!(
        altered.message.contains("different file"),
        "{}",
        altered.message
    );

    // another desk claiming an id stored for FOL: kept, reported as a conflict on desk
    let mut sca_header = header.clone();
    sca_header["desk"] = json!("SCA");
    sca_header["export_id"] = json!("01900000-0000-7000-8000-000000005ca1");
    lines[at]["revision"] = json!(9);
    let clash = import_bytes(
        &mut gro,
        "clash.jsonl",
        &rebuild(&sca_header, &lines[at..=at]),
        false,
    );
    assert_eq!(clash.conflicts.len(), 1, "{clash:?}");
    assert_eq!(clash.conflicts[0].fields, ["desk"]);
    let id = lines[at]["id"].as_str().unwrap();
    let stored = accesses::get(gro.conn(), id).unwrap();
    assert_eq!(
        (stored.desk.as_str(), stored.revision),
        ("FOL", 1),
        "the FOL record is kept"
    );
}

#[test]
fn pending_counts_changes_since_the_last_export_and_flags_earlier_days() {
    let dir = tempfile::tempdir().unwrap();
    let mut fol = desk_store("FOL");
    let empty = export::pending(fol.conn(), day("2024-03-12")).unwrap();
    assert_eq!(
        (empty.records, empty.older_than_today, empty.oldest),
        (0, 0, None),
        "a fresh desk has nothing to export"
    );
    assert!(empty.last_export.is_none(), "and no export yet");

    let a = accesses::record(fol.conn_mut(), &access_on("2024-03-11"), "op", now().into()).unwrap();
    accesses::record(fol.conn_mut(), &access_on("2024-03-12"), "op", now().into()).unwrap();
    let p = export::pending(fol.conn(), day("2024-03-12")).unwrap();
    assert_eq!(
        (p.records, p.older_than_today, p.oldest),
        (2, 1, Some(day("2024-03-11"))),
        "today's access is pending but only yesterday's warrants the warning"
    );

    let first = export_to(&mut fol, Selection::SinceLast, dir.path());
    let p = export::pending(fol.conn(), day("2024-03-12")).unwrap();
    assert_eq!(p.records, 0, "an export clears what is pending");
    assert_eq!(
        p.last_export.map(|e| e.sequence),
        Some(first.sequence),
        "the last export is named"
    );

    accesses::delete(fol.conn_mut(), &a.id, 1, "op", now().into()).unwrap();
    let p = export::pending(fol.conn(), day("2024-03-12")).unwrap();
    assert_eq!(
        (p.records, p.older_than_today),
        (1, 1),
        "a deletion must travel too, and it is of an earlier day"
    );
}

#[test]
fn a_desks_files_are_applied_in_export_order_whatever_order_they_come_in() {
    let dir = tempfile::tempdir().unwrap();
    let (mut fol, first) = fol_with_records(dir.path());
    let today = accesses::list_for_day(fol.conn(), "FOL", day("2024-03-10")).unwrap();
    accesses::delete(fol.conn_mut(), &today[0].id, 1, "op", now().into()).unwrap();
    let second = export_to(&mut fol, Selection::SinceLast, dir.path());
    let mut gro = desk_store("GRO");
    // the second export first, as a folder listing sorted by name may give them
    let files = vec![second.path.clone(), first.path.clone()];
    for dry_run in [true, false] {
        let reports = import::import_paths(gro.conn_mut(), &files, dry_run, now()).unwrap();
        let order: Vec<_> = reports.iter().map(|r| r.sequence).collect();
        assert_eq!(
            order,
            vec![Some(1), Some(2)],
            "export 1 is applied before export 2"
        );
        assert_eq!(
            (reports[0].new, reports[1].new, reports[1].updated),
            (5, 0, 1),
            "the deletion in export 2 updates a record export 1 brought (dry run: {dry_run})"
        );
    }
}

#[test]
fn a_repeated_key_or_an_oversized_file_is_rejected_and_stores_nothing() {
    let mut desk = desk_store("FOL");
    accesses::record(desk.conn_mut(), &access_on("2024-03-01"), "op", clock()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = export::export(desk.conn_mut(), Selection::SinceLast, dir.path(), clock())
        .unwrap()
        .path;
    let text = std::fs::read_to_string(&path).unwrap();
    // the access line with its date repeated, the checksum made right again: only the
    // repeated key is wrong
    let lines: Vec<&str> = text.lines().collect();
    let access = lines[1].replacen(
        "\"date\":\"2024-03-01\"",
        "\"date\":\"2024-03-01\",\"date\":\"2023-03-01\"",
        1,
    );
    assert_ne!(access, lines[1]);
    let body = format!("{}\n{access}\n", lines[0]);
    let sha = sha256_hex(body.as_bytes());
    let doubled = format!("{body}{{\"record\":\"trailer\",\"count\":1,\"sha256\":\"{sha}\"}}\n");

    let mut coordinator = desk_store("GRO");
    let reports = import::import_files(
        coordinator.conn_mut(),
        &[("doubled.jsonl".into(), doubled.into_bytes())],
        false,
        now(),
    )
    .unwrap();
    let rejection = reports[0].rejection.as_ref().expect("rejected");
    assert_eq!(rejection.kind, RejectionKind::DuplicateKey);
    assert_eq!(
        (rejection.line, rejection.field.as_deref()),
        (Some(2), Some("date"))
    );
    assert_eq!(
        sportello::register::stored::count_all(coordinator.conn()).unwrap(),
        0
    );

    // a file over the limit: refused by its size, as a sparse file of 256 MiB + 1 byte
    let big = dir.path().join("big.jsonl");
    let f = std::fs::File::create(&big).unwrap();
    f.set_len(import::MAX_FILE_BYTES + 1).unwrap();
    let reports = import::import_paths(
        coordinator.conn_mut(),
        std::slice::from_ref(&big),
        false,
        now(),
    )
    .unwrap();
    let rejection = reports[0].rejection.as_ref().expect("rejected");
    assert_eq!(
        rejection.kind,
        RejectionKind::TooLarge,
        "{}",
        rejection.message
    );
    assert!(
        rejection.message.contains("big.jsonl"),
        "{}",
        rejection.message
    );
    assert_eq!(
        sportello::register::stored::count_all(coordinator.conn()).unwrap(),
        0
    );
}

#[test]
fn a_revision_a_thousand_ahead_is_rejected_and_a_reused_sequence_is_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let (_fol, summary) = fol_with_records(dir.path());
    let mut lines = lines_of(&summary.path);
    lines.pop();
    let header = lines.remove(0);

    // a new record at revision 1001: more than 1,000 above none stored
    let mut forged = lines.clone();
    forged[0]["revision"] = json!(1001);
    let mut gro = desk_store("GRO");
    let r = import_bytes(&mut gro, "forged.jsonl", &rebuild(&header, &forged), false);
    let rejection = r.rejection.expect("rejected");
    assert_eq!(rejection.kind, RejectionKind::RevisionTooFar);
    assert_eq!(
        (rejection.line, rejection.field.as_deref()),
        (Some(2), Some("revision"))
    );
    assert_eq!(
        sportello::register::stored::count_all(gro.conn()).unwrap(),
        0,
        "nothing stored"
    );
    // exactly 1,000 ahead is a long life of corrections, not a forgery
    forged[0]["revision"] = json!(1000);
    let r = import_bytes(&mut gro, "busy.jsonl", &rebuild(&header, &forged), false);
    assert_eq!(r.outcome, Outcome::Imported, "{}", r.message);

    // another export claiming number 1 of FOL: imported, but flagged in the preview,
    // the report and the desk's sequence status
    let first = header["export_id"].as_str().unwrap().to_string();
    let mut again = header.clone();
    again["export_id"] = json!("4b0f3a52-9d7e-4c1a-8f3e-2a6d5c7b9e10");
    let bytes = rebuild(&again, &lines);
    let preview = import_bytes(&mut gro, "again.jsonl", &bytes, true);
    assert_eq!(preview.sequence_taken_by.as_deref(), Some(first.as_str()));
    let r = import_bytes(&mut gro, "again.jsonl", &bytes, false);
    assert_eq!(r.outcome, Outcome::Imported);
    assert_eq!(r.sequence_taken_by.as_deref(), Some(first.as_str()));
    let seqs = import::sequences(gro.conn()).unwrap();
    assert_eq!(seqs[0].reused, [1], "number 1 came from two exports");
    assert_eq!(seqs[0].received, [(1, 1)]);
}
