//! The demo database (`sportello demo`): the 2023 report equals the activity report's
//! tables, a database with records is refused and left as it was, and the same command
//! gives the same records.

use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use serde_json::Value;
use sportello::demo::{self, Options};
use sportello::exchange::export;
use sportello::register::accesses;
use sportello::register::stored::{self, StoredAccess};
use sportello::{Now, Store, desk, report};

use crate::cli::sportello;
use crate::export_import::{access_on, desk_store};

/// A reading of the clock well after 2023.
fn now() -> Now {
    Now::new(
        Utc.with_ymd_and_hms(2026, 11, 29, 9, 0, 0)
            .unwrap()
            .fixed_offset(),
    )
}

const Y2023: Options = Options {
    year: 2023,
    scale: 1,
};

fn demo_store() -> Store {
    let mut store = Store::open_in_memory().unwrap();
    demo::fill(store.conn_mut(), Y2023, now()).expect("an empty database takes the demo");
    store
}

fn block<'a>(report: &'a Value, desk: &str) -> &'a Value {
    report["desks"]
        .as_array()
        .expect("desks is an array")
        .iter()
        .find(|b| b["desk"] == desk)
        .unwrap_or_else(|| panic!("no block for {desk} in {report}"))
}

/// Every figure of the 2023 activity report, checked on the contract's JSON.
fn assert_seed_tables(report: &Value) {
    let expected = [
        ("GRO", [4603, 5054, 9657], [10, 2, 8, 2, 70]),
        ("FOL", [976, 451, 1427], [17, 6, 15, 2, 65]),
    ];
    for (desk, [front, phone, total], [cases, carried_in, archived, carried_out, fast]) in expected
    {
        let b = block(report, desk);
        let a = &b["accesses"];
        assert_eq!(
            (&a["front_desk"], &a["phone_mail"], &a["total"]),
            (&front.into(), &phone.into(), &total.into()),
            "{desk}: accesses front desk / telefono-mail / total as in the seed"
        );
        let c = &b["cases"];
        let got: Vec<&Value> = ["total", "carried_in", "archived", "carried_out", "fast"]
            .iter()
            .map(|k| &c[*k])
            .collect();
        let want: Vec<Value> = [cases, carried_in, archived, carried_out, fast]
            .into_iter()
            .map(Value::from)
            .collect();
        assert_eq!(
            got,
            want.iter().collect::<Vec<_>>(),
            "{desk}: cases as in the seed"
        );
    }
    let fol = block(report, "FOL");
    assert_eq!(
        fol["prevalent_sex"], "maschio",
        "Follonica: prevalent sex male"
    );
    let top: Vec<&str> = fol["top_nationalities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["code"].as_str().unwrap())
        .collect();
    for code in ["SN", "UA", "AL"] {
        assert!(
            top.contains(&code),
            "Follonica's top 5 {top:?} lacks {code}"
        );
    }
    let gro = block(report, "GRO");
    assert!(
        gro["accesses"]["phone_mail"].as_i64() > gro["accesses"]["front_desk"].as_i64(),
        "Grosseto answers more by phone and mail than at the desk"
    );
    let sca = block(report, "SCA");
    let video = sca["accesses"]["front_desk"].as_i64().unwrap();
    assert!(
        (12..=60).contains(&video) && sca["accesses"]["phone_mail"] == 0,
        "Scansano: a few dozen video calls, got {sca}"
    );
}

#[test]
fn the_2023_demo_reproduces_the_seed_tables() {
    let store = demo_store();
    let r = report::yearly(store.conn(), 2023, None).unwrap();
    assert_seed_tables(&serde_json::to_value(&r).unwrap());
    assert_eq!(
        desk::own_code(store.conn()).unwrap(),
        "GRO",
        "the coordinator's desk"
    );
}

#[test]
fn demo_accesses_fall_in_opening_hours_and_are_never_exported() {
    let store = demo_store();
    let (from, to) = (
        NaiveDate::from_ymd_opt(2023, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2023, 12, 31).unwrap(),
    );
    for preset in desk::presets().into_iter().filter(|d| d.code != "SCA") {
        let all: Vec<StoredAccess> = stored::dated(store.conn(), &preset.code, from, to).unwrap();
        assert!(!all.is_empty());
        for a in &all {
            let weekday = a.date.weekday().number_from_monday() as u8;
            let hour = a.hour.unwrap();
            let open = preset.front_office.iter().any(|h| {
                let opens: i64 = h.opens[..2].parse().unwrap();
                let closes: i64 = h.closes[..2].parse().unwrap();
                h.weekday == weekday && (opens..closes).contains(&hour)
            });
            assert!(
                open,
                "{} access on {} at {hour}: closed",
                preset.code, a.date
            );
            assert!(
                a.change_seq.is_none(),
                "demo records carry no change number"
            );
            assert!(!a.reasons.is_empty() && !a.actions.is_empty());
        }
    }
    let pending = export::pending(store.conn(), now().today()).unwrap();
    assert_eq!(pending.records, 0, "a demo database has nothing to export");
}

#[test]
fn the_cli_demo_then_report_give_the_seed_figures_and_a_second_run_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    let out = sportello(&db, &["demo", "--year", "2023"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 3, "one line per desk: {text}");
    assert!(text.starts_with("GRO (own desk): 9657 accesses"), "{text}");

    let report = |db| {
        let out = sportello(db, &["report", "--year", "2023", "--format", "json"]);
        assert!(out.status.success());
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let first = report(&db);
    assert_seed_tables(&first);

    let again = sportello(&db, &["demo", "--year", "2023"]);
    assert!(!again.status.success(), "a second run is refused");
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("already holds 11120 access"), "{err}");
    assert_eq!(report(&db), first, "the refused run changed nothing");
}

#[test]
fn a_database_with_a_real_access_is_refused_and_left_as_it_was() {
    let mut store = desk_store("FOL");
    accesses::record(store.conn_mut(), &access_on("2023-05-09"), "op", now()).unwrap();
    let before = report::yearly(store.conn(), 2023, None).unwrap();
    let err = demo::fill(store.conn_mut(), Y2023, now()).unwrap_err();
    assert!(
        err.to_string().contains("1 access(es) and 0 case(s)"),
        "the message names what was found: {err}"
    );
    assert_eq!(stored::count_all(store.conn()).unwrap(), 1);
    assert_eq!(report::yearly(store.conn(), 2023, None).unwrap(), before);
    assert_eq!(
        desk::own_code(store.conn()).unwrap(),
        "FOL",
        "own desk untouched"
    );
}

#[test]
fn two_fresh_databases_get_the_same_records() {
    let (a, b) = (demo_store(), demo_store());
    assert_eq!(
        report::yearly(a.conn(), 2023, None).unwrap(),
        report::yearly(b.conn(), 2023, None).unwrap()
    );
    let (from, to) = (
        NaiveDate::from_ymd_opt(2023, 3, 1).unwrap(),
        NaiveDate::from_ymd_opt(2023, 3, 31).unwrap(),
    );
    for code in ["GRO", "FOL", "SCA"] {
        assert_eq!(
            stored::dated(a.conn(), code, from, to).unwrap(),
            stored::dated(b.conn(), code, from, to).unwrap(),
            "{code}: the same ids and characteristics"
        );
    }
}

#[test]
fn a_demo_database_neither_exports_nor_imports_files() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db");
    assert!(sportello(&db, &["demo", "--year", "2023"]).status.success());
    let before = sportello(&db, &["report", "--year", "2023", "--format", "json"]).stdout;

    // a real file from Follonica, made on a real database
    let mut real = desk_store("FOL");
    accesses::record(real.conn_mut(), &access_on("2023-05-09"), "op", now()).unwrap();
    let outbox = dir.path().join("outbox");
    std::fs::create_dir(&outbox).unwrap();
    let file = export::export(
        real.conn_mut(),
        export::Selection::SinceLast,
        &outbox,
        now(),
    )
    .unwrap()
    .path;

    let import = sportello(&db, &["import", file.to_str().unwrap()]);
    assert!(
        !import.status.success(),
        "a real file does not enter the demo"
    );
    let err = String::from_utf8_lossy(&import.stderr);
    assert!(err.contains("demo database"), "{err}");

    let export = sportello(
        &db,
        &["export", "--since-last", "--out", outbox.to_str().unwrap()],
    );
    assert!(!export.status.success(), "made-up records never travel");
    let err = String::from_utf8_lossy(&export.stderr);
    assert!(err.contains("demo database"), "{err}");
    assert_eq!(
        std::fs::read_dir(&outbox).unwrap().count(),
        1,
        "only the real desk's file is in the folder"
    );
    let after = sportello(&db, &["report", "--year", "2023", "--format", "json"]).stdout;
    assert_eq!(after, before, "nothing changed");
}
