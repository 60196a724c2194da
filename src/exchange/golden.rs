//! The golden file: a desk's export of a fixed set of records, at a fixed moment and
//! under a fixed export id, must equal `tests/fixtures/golden/fol-export.jsonl` byte for
//! byte, and importing that file into a fresh database must give the records back.
//!
//! Any change to the bytes of an export (key order, spelling, tombstones, the trailer)
//! fails here. When a change is intended, rewrite the fixture on purpose with
//! `UPDATE_GOLDEN=1 cargo test -p sportello golden` and review its diff: the test never
//! writes it otherwise.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};

use super::export::{Selection, export_as};
use super::import::{Outcome, import_files, parse};
use crate::cases::{self, CaseType, NewCase, PersonalFile};
use crate::register::accesses::{self, NewAccess};
use crate::{Now, Store, desk};

const EXPORT_ID: &str = "01900000-0000-7000-8000-00000000e001";

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/golden/fol-export.jsonl")
}

fn day(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// 10:30 in Italy on 12 March 2024 (09:30 UTC).
fn now() -> Now {
    Now::at(day("2024-03-12").and_hms_opt(10, 30, 0).unwrap(), 1)
}

fn utc() -> DateTime<Utc> {
    now().utc()
}

fn access(date: &str, nationality: &str, reasons: &[&str]) -> NewAccess {
    NewAccess {
        date: day(date),
        hour: 10,
        channel: "sportello".into(),
        nationality: nationality.into(),
        sex: "femmina".into(),
        age_band: "30-39".into(),
        first_access: true,
        referred_by: "iniziativa_propria".into(),
        reasons: reasons.iter().map(|r| r.to_string()).collect(),
        permit: "in_rinnovo".into(),
        actions: vec!["informazione".into()],
        accompaniment: false,
        mediation: true,
    }
}

fn case(opened: &str, closed: Option<&str>, case_type: CaseType) -> NewCase {
    NewCase {
        case_type,
        opened_on: day(opened),
        closed_on: closed.map(day),
        reason: "cittadinanza".into(),
        personal: Some(PersonalFile {
            person_name: "Fatima Zahra El Amrani".into(),
            phone: "+39 333 765 4321".into(),
            documents: "passaporto MA1234567".into(),
            description: "domanda di cittadinanza".into(),
        }),
        access_id: None,
    }
}

/// Gives every record a fixed id (`...a1`, `...a2` for accesses, `...c1` for cases, in
/// the order they were recorded): the only other random part of a file.
fn fix_ids(store: &Store) {
    let conn = store.conn();
    conn.execute_batch("PRAGMA foreign_keys = OFF").unwrap();
    for (table, prefix, children) in [
        ("accesses", "a", &["access_reasons", "access_actions"][..]),
        ("cases", "c", &[][..]),
    ] {
        let ids: Vec<String> = conn
            .prepare(&format!("SELECT id FROM {table} ORDER BY rowid"))
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        for (i, old) in ids.iter().enumerate() {
            let new = format!("01900000-0000-7000-8000-0000000000{prefix}{}", i + 1);
            conn.execute(
                &format!("UPDATE {table} SET id = ?2 WHERE id = ?1"),
                [old, &new],
            )
            .unwrap();
            for child in children {
                conn.execute(
                    &format!("UPDATE {child} SET access_id = ?2 WHERE access_id = ?1"),
                    [old, &new],
                )
                .unwrap();
            }
        }
    }
    conn.execute_batch("PRAGMA foreign_keys = ON").unwrap();
}

/// A FOL desk with a live access, a corrected one, a deleted one, an open full case, a
/// closed fast case and a deleted case.
fn fol_desk() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    let fol = desk::presets()
        .into_iter()
        .find(|d| d.code == "FOL")
        .expect("FOL preset");
    desk::set_own(store.conn_mut(), &fol, utc()).unwrap();
    let conn = store.conn_mut();
    accesses::record(conn, &access("2024-03-11", "MA", &["lavoro"]), "op", now()).unwrap();
    let corrected =
        accesses::record(conn, &access("2024-03-11", "SN", &["lavoro"]), "op", now()).unwrap();
    let deleted =
        accesses::record(conn, &access("2024-03-10", "UA", &["casa"]), "op", now()).unwrap();
    accesses::correct(
        conn,
        &corrected.id,
        corrected.revision,
        &access("2024-03-11", "SN", &["rinnovo_permesso", "lavoro"]),
        "op",
        now(),
    )
    .unwrap();
    accesses::delete(conn, &deleted.id, deleted.revision, "op", now()).unwrap();
    cases::open(conn, &case("2024-03-04", None, CaseType::Full), "op", now()).unwrap();
    cases::open(
        conn,
        &case("2024-03-05", Some("2024-03-11"), CaseType::Fast),
        "op",
        now(),
    )
    .unwrap();
    let gone = cases::open(conn, &case("2024-03-06", None, CaseType::Full), "op", now()).unwrap();
    cases::delete(conn, &gone.id, gone.revision, "op", now()).unwrap();
    fix_ids(&store);
    store
}

/// The travelling content of every record: a tombstone only by what its line carries.
fn records(store: &Store) -> Vec<String> {
    let mut out = Vec::new();
    for sql in [
        "SELECT id || '|' || revision || '|' || deleted || '|' || date || '|' ||
                CASE WHEN deleted THEN '' ELSE
                  hour || channel || nationality || sex || age_band || first_access ||
                  referred_by || permit || accompaniment || mediation ||
                  (SELECT group_concat(code, ',') FROM
                     (SELECT code FROM access_reasons WHERE access_id = id ORDER BY code)) ||
                  (SELECT group_concat(code, ',') FROM
                     (SELECT code FROM access_actions WHERE access_id = id ORDER BY code))
                END
         FROM accesses ORDER BY id",
        "SELECT id || '|' || revision || '|' || deleted || '|' || opened_on || '|' ||
                CASE WHEN deleted THEN '' ELSE
                  case_type || COALESCE(closed_on, 'open') || reason END
         FROM cases ORDER BY id",
    ] {
        let mut stmt = store.conn().prepare(sql).unwrap();
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).unwrap();
        out.extend(rows.map(Result::unwrap));
    }
    out
}

#[test]
fn the_export_equals_the_golden_file_and_imports_back() {
    let mut fol = fol_desk();
    let dir = tempfile::tempdir().unwrap();
    let summary = export_as(
        fol.conn_mut(),
        Selection::SinceLast,
        dir.path(),
        now(),
        EXPORT_ID.into(),
        None,
    )
    .unwrap();
    let bytes = std::fs::read(&summary.path).unwrap();
    let golden = fixture();
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
        std::fs::write(&golden, &bytes).unwrap();
    }
    let expected = std::fs::read(&golden)
        .expect("the golden file exists (write it with UPDATE_GOLDEN=1 and review it)");
    assert_eq!(
        String::from_utf8_lossy(&bytes),
        String::from_utf8_lossy(&expected),
        "the export differs from {}: a format change must be deliberate",
        golden.display()
    );
    assert_eq!(bytes, expected, "byte for byte");
    let file = parse(&expected).expect("the golden file is a valid export: trailer included");
    assert_eq!(file.records.len(), 6, "three accesses and three cases");
    assert_eq!(summary.record_count, 6);

    let mut coordinator = Store::open_in_memory().unwrap();
    let reports = import_files(
        coordinator.conn_mut(),
        &[("fol-export.jsonl".into(), expected)],
        false,
        utc(),
    )
    .unwrap();
    assert_eq!(
        (reports[0].outcome, reports[0].new),
        (Outcome::Imported, 6),
        "{reports:?}"
    );
    assert_eq!(
        records(&coordinator),
        records(&fol),
        "the coordinator holds what the desk sent"
    );
}
