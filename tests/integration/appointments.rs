//! Back-office appointments across connections and through the command line.

use std::sync::{Arc, Barrier};

use chrono::{NaiveDate, Utc};
use sportello::appointments::{self, NewAppointment, Outcome};
use sportello::{Now, Store, desk};

use crate::cli::sportello;

fn local(y: i32, m: u32, d: u32, h: u32) -> Now {
    let at = NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, 0, 0)
        .unwrap();
    Now::at(at, 1)
}

fn booking(starts: &str) -> NewAppointment {
    NewAppointment {
        kind: "rinnovo_permesso".into(),
        day: NaiveDate::from_ymd_opt(2025, 3, 4).unwrap(),
        starts: starts.into(),
        person_name: Some("Persona".into()),
        phone: None,
        language: "fr".into(),
        access_id: None,
    }
}

#[test]
fn two_desks_booking_the_same_slot_at_once_get_one_booking() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    {
        let mut store = Store::open(&db, Utc::now()).unwrap();
        let gro = desk::presets()
            .into_iter()
            .find(|d| d.code == "GRO")
            .unwrap();
        desk::set_own(store.conn_mut(), &gro, Utc::now()).unwrap();
    }
    // Several rounds: each time two connections on the same file race for one slot.
    for (round, starts) in ["14:00", "14:30", "15:00", "15:30", "16:00"]
        .iter()
        .enumerate()
    {
        let barrier = Arc::new(Barrier::new(2));
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let db = db.clone();
                let barrier = barrier.clone();
                let input = booking(starts);
                std::thread::spawn(move || {
                    let mut store = Store::open(&db, Utc::now()).unwrap();
                    barrier.wait();
                    appointments::book(store.conn_mut(), &input, "op", local(2025, 3, 3, 9))
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let booked = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(
            booked, 1,
            "round {round}: exactly one of two concurrent bookings wins"
        );
        let loser = results.iter().find_map(|r| r.as_ref().err()).unwrap();
        assert_eq!(
            loser.code(),
            "conflict",
            "round {round}: the other is told the slot is taken: {loser}"
        );
    }
    let store = Store::open(&db, Utc::now()).unwrap();
    let day =
        appointments::agenda(store.conn(), NaiveDate::from_ymd_opt(2025, 3, 4).unwrap()).unwrap();
    assert_eq!(day.len(), 5, "one appointment per slot, no double booking");
}

#[test]
fn cli_manages_closures_retention_and_purge() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let ok = |args: &[&str]| {
        let out = sportello(&db, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    ok(&["desk", "set", "GRO"]);
    let kinds: serde_json::Value =
        serde_json::from_str(&ok(&["appointments", "kinds", "--json"])).unwrap();
    assert_eq!(kinds.as_array().unwrap().len(), 5, "five seeded kinds");
    assert_eq!(kinds[2]["code"], "cittadinanza");
    assert_eq!(kinds[2]["slot_minutes"], 60);

    // A closure removes a day's slots; reopening brings them back.
    ok(&[
        "appointments",
        "close",
        "05/03/2025",
        "--reason",
        "formazione",
    ]);
    let mut store = Store::open(&db, Utc::now()).unwrap();
    let day = NaiveDate::from_ymd_opt(2025, 3, 5).unwrap();
    assert!(
        appointments::free_slots_on(store.conn(), "altro", day, local(2025, 3, 3, 9))
            .unwrap()
            .is_empty()
    );
    ok(&["appointments", "reopen", "2025-03-05"]);
    assert_eq!(
        appointments::free_slots_on(store.conn(), "altro", day, local(2025, 3, 3, 9))
            .unwrap()
            .len(),
        8
    );

    // Book, mark, then purge through the CLI with a 30-day retention.
    let a = appointments::book(
        store.conn_mut(),
        &booking("14:00"),
        "op",
        local(2025, 3, 3, 9),
    )
    .unwrap();
    appointments::mark(
        store.conn_mut(),
        &a.id,
        Outcome::Attended,
        "op",
        local(2025, 3, 4, 15),
    )
    .unwrap();
    drop(store);
    assert!(ok(&["appointments", "retention", "30"]).contains("30 days"));
    let out = ok(&["appointments", "purge", "--today", "2025-04-03"]);
    assert!(
        out.contains("of 0 appointments"),
        "30 days after 4 March is 3 April: kept. {out}"
    );
    let out = ok(&["appointments", "purge", "--today", "04/04/2025"]);
    assert!(out.contains("of 1 appointments"), "{out}");
    let store = Store::open(&db, Utc::now()).unwrap();
    let purged = appointments::get(store.conn(), &a.id).unwrap();
    assert_eq!(purged.person_name, None, "the name is gone after the purge");
    let counts: serde_json::Value = serde_json::from_str(&ok(&[
        "appointments",
        "counts",
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        "--json",
    ]))
    .unwrap();
    assert_eq!(
        counts,
        serde_json::json!([{"kind": "rinnovo_permesso", "status": "attended", "count": 1}]),
        "the anonymous count survives the purge"
    );
    let bad = sportello(&db, &["appointments", "close", "31/02/2025"]);
    assert_eq!(
        bad.status.code(),
        Some(2),
        "a day that does not exist is bad usage"
    );
}

#[test]
fn a_purged_name_is_gone_from_the_database_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let mut store = Store::open(&db, Utc::now()).unwrap();
    let gro = desk::presets()
        .into_iter()
        .find(|d| d.code == "GRO")
        .unwrap();
    desk::set_own(store.conn_mut(), &gro, Utc::now()).unwrap();
    let marked = NewAppointment {
        person_name: Some("ZQMARKAPPNAME".into()),
        phone: Some("+39 347 918 2736".into()),
        ..booking("14:00")
    };
    appointments::book(store.conn_mut(), &marked, "op", local(2025, 3, 3, 9)).unwrap();
    let file_bytes = || {
        let mut bytes = std::fs::read(&db).unwrap();
        bytes.extend(std::fs::read(dir.path().join("s.db-wal")).unwrap_or_default());
        bytes
    };
    let holds = |bytes: &[u8], m: &str| bytes.windows(m.len()).any(|w| w == m.as_bytes());
    let before = file_bytes();
    assert!(holds(&before, "ZQMARKAPPNAME") && holds(&before, "347 918 2736"));

    let report = appointments::purge(store.conn_mut(), "op", local(2025, 7, 1, 9)).unwrap();
    assert_eq!(report.erased, 1);
    assert!(report.log_emptied);
    let after = file_bytes();
    for marker in ["ZQMARKAPPNAME", "347 918 2736"] {
        assert!(
            !holds(&after, marker),
            "{marker} is still in the file's bytes"
        );
    }
}
