//! The yearly report (`sportello report --format json`): the contract's definitions,
//! checked against the 2023 accompaniment figures of the activity report.

use serde_json::Value;
use sportello::cases::{self, CaseType};
use sportello::exchange::export::{self, Selection};
use sportello::exchange::import;
use sportello::register::accesses::{self, NewAccess};
use sportello::{Store, report};

use crate::cli::sportello;
use crate::export_import::{access_on, case_on, clock, desk_store, now};

/// Opens `n` cases of `case_type` on `opened`, closed on `closed` (if any).
fn cases_of(store: &mut Store, n: usize, opened: &str, closed: Option<&str>, t: CaseType) {
    for _ in 0..n {
        cases::open(
            store.conn_mut(),
            &case_on(opened, closed, t),
            "op",
            now().into(),
        )
        .unwrap();
    }
}

/// Grosseto 2023: 10 cases (2 from earlier years), 8 archived, 2 pending, 70 fast;
/// plus cases that must not count.
pub fn grosseto(store: &mut Store) {
    // carried in: opened before 2023, not closed before it
    cases_of(store, 1, "2022-05-10", Some("2023-02-01"), CaseType::Full);
    cases_of(store, 1, "2021-11-03", None, CaseType::Full);
    // opened in 2023: 7 archived in the year, 1 still open
    cases_of(store, 7, "2023-03-01", Some("2023-09-30"), CaseType::Full);
    cases_of(store, 1, "2023-12-20", None, CaseType::Full);
    cases_of(store, 70, "2023-06-15", Some("2023-06-20"), CaseType::Fast);
    // not counted: closed before 2023, opened after, fast of another year, deleted
    cases_of(store, 1, "2021-01-10", Some("2022-12-31"), CaseType::Full);
    cases_of(store, 1, "2024-01-02", None, CaseType::Full);
    cases_of(store, 1, "2022-06-15", None, CaseType::Fast);
    let gone = cases::open(
        store.conn_mut(),
        &case_on("2023-04-01", None, CaseType::Full),
        "op",
        now().into(),
    )
    .unwrap();
    cases::delete(store.conn_mut(), &gone.id, 1, "op", now().into()).unwrap();
}

/// Follonica 2023: 17 cases (6 from earlier years), 15 archived, 2 pending, 65 fast.
pub fn follonica(store: &mut Store) {
    cases_of(store, 5, "2022-02-01", Some("2023-05-05"), CaseType::Full);
    cases_of(store, 1, "2020-02-01", None, CaseType::Full);
    cases_of(store, 10, "2023-01-20", Some("2023-12-31"), CaseType::Full);
    cases_of(store, 1, "2023-07-07", Some("2024-01-15"), CaseType::Full);
    cases_of(store, 65, "2023-10-10", None, CaseType::Fast);
}

fn record(store: &mut Store, a: NewAccess, n: usize) {
    for _ in 0..n {
        accesses::record(store.conn_mut(), &a, "op", now().into()).unwrap();
    }
}

fn with(f: impl FnOnce(&mut NewAccess)) -> NewAccess {
    let mut a = access_on("2023-05-02");
    f(&mut a);
    a
}

#[test]
fn the_2023_accompaniment_figures_are_reproduced_across_desks() {
    let dir = tempfile::tempdir().unwrap();
    let mut fol = desk_store("FOL");
    follonica(&mut fol);
    record(&mut fol, with(|a| a.channel = "telefono".into()), 3);
    let file = export::export(fol.conn_mut(), Selection::SinceLast, dir.path(), clock()).unwrap();

    let mut gro = desk_store("GRO");
    grosseto(&mut gro);
    let reports = import::import_paths(gro.conn_mut(), &[file.path], false, now()).unwrap();
    assert_eq!(reports[0].outcome, import::Outcome::Imported);

    let r = report::yearly(gro.conn(), 2023, None).unwrap();
    assert_eq!(
        (r.period.from.as_str(), r.period.to.as_str()),
        ("2023-01-01", "2023-12-31")
    );
    let desks: Vec<&str> = r.desks.iter().map(|b| b.desk.as_str()).collect();
    assert_eq!(desks, ["FOL", "GRO"], "one block per desk, by code");
    let fig = |c: &report::Cases| (c.total, c.carried_in, c.archived, c.carried_out, c.fast);
    assert_eq!(fig(&r.desks[1].cases), (10, 2, 8, 2, 70), "Grosseto 2023");
    assert_eq!(fig(&r.desks[0].cases), (17, 6, 15, 2, 65), "Follonica 2023");
    assert_eq!(fig(&r.total.cases), (27, 8, 23, 4, 135), "both desks");
    assert_eq!(r.total.desk, "ALL");

    let only = report::yearly(gro.conn(), 2023, Some("GRO")).unwrap();
    assert_eq!(only.desks.len(), 1);
    assert_eq!(
        fig(&only.total.cases),
        (10, 2, 8, 2, 70),
        "--desk limits the total too"
    );
    let earlier = report::yearly(gro.conn(), 2022, None).unwrap();
    assert_eq!(
        earlier.total.cases.fast, 1,
        "only the fast case opened in 2022"
    );
}

#[test]
fn access_figures_follow_the_contract_definitions() {
    let mut gro = desk_store("GRO");
    // 4 in person (front desk), 1 video call (front desk), 3 phone, 2 email
    record(
        &mut gro,
        with(|a| {
            a.nationality = "RO".into();
            a.age_band = "40-49".into();
            a.sex = "femmina".into();
        }),
        2,
    );
    record(
        &mut gro,
        with(|a| {
            a.nationality = "AL".into();
            a.age_band = "18-29".into();
            a.sex = "femmina".into();
            a.first_access = false;
        }),
        2,
    );
    record(
        &mut gro,
        with(|a| {
            a.channel = "videochiamata".into();
            a.nationality = "IT".into();
            a.age_band = "18-29".into();
            a.sex = "maschio".into();
            a.reasons = vec!["casa".into()];
        }),
        1,
    );
    record(
        &mut gro,
        with(|a| {
            a.channel = "telefono".into();
            a.nationality = "MA".into();
            a.age_band = "40-49".into();
            a.sex = "maschio".into();
            a.reasons = vec!["casa".into(), "lavoro".into()];
        }),
        3,
    );
    record(
        &mut gro,
        with(|a| {
            a.channel = "email".into();
            a.nationality = "UA".into();
            a.reasons = vec!["sanita".into()];
            a.first_access = false;
        }),
        2,
    );
    // not in 2023, or deleted: never counted
    record(&mut gro, access_on("2024-01-02"), 1);
    let gone = accesses::record(
        gro.conn_mut(),
        &with(|a| a.nationality = "CN".into()),
        "op",
        now().into(),
    )
    .unwrap();
    accesses::delete(gro.conn_mut(), &gone.id, 1, "op", now().into()).unwrap();

    let r = report::yearly(gro.conn(), 2023, None).unwrap();
    let b = &r.desks[0];
    assert_eq!(
        (
            b.accesses.front_desk,
            b.accesses.phone_mail,
            b.accesses.total
        ),
        (5, 5, 10)
    );
    assert_eq!(b.first_accesses, 6);
    assert_eq!(b.italians, 1);
    // age bands: 40-49 has 5 (2 RO + 3 MA), 18-29 has 3, 30-39 has 2
    assert_eq!(b.prevalent_age_band.as_deref(), Some("40-49"));
    // sex: femmina 4, maschio 6 (1 IT + 3 MA + 2 UA)
    assert_eq!(b.prevalent_sex.as_deref(), Some("maschio"));
    let reasons: Vec<(&str, i64)> = b
        .top_reasons
        .iter()
        .map(|x| (x.code.as_str(), x.count))
        .collect();
    // lavoro: 4 (RO, AL) + 3 (MA) = 7; rinnovo_permesso: 4; casa 1 + 3 = 4; sanita 2
    assert_eq!(
        reasons,
        [
            ("lavoro", 7),
            ("casa", 4),
            ("rinnovo_permesso", 4),
            ("sanita", 2)
        ],
        "count first, then code in byte order"
    );
    let nats: Vec<(&str, i64)> = b
        .top_nationalities
        .iter()
        .map(|x| (x.code.as_str(), x.count))
        .collect();
    assert_eq!(
        nats,
        [("MA", 3), ("AL", 2), ("RO", 2), ("UA", 2), ("IT", 1)],
        "at most five, ties by code"
    );
    assert_eq!(b.top_nationalities[0].label, "Marocco", "Italian labels");
    assert_eq!(r.total.accesses.total, 10);
    assert_eq!(r.total.top_reasons.len(), 4);

    let empty = report::yearly(gro.conn(), 2019, None).unwrap();
    assert!(
        empty.desks.is_empty(),
        "no desk without records in the year"
    );
    assert_eq!(empty.total.prevalent_sex, None);
}

#[test]
fn the_report_command_prints_the_contract_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gro.db");
    {
        let mut store = Store::open(&db, now()).unwrap();
        let gro = sportello::desk::presets().remove(0);
        sportello::desk::set_own(store.conn_mut(), &gro, now()).unwrap();
        grosseto(&mut store);
        record(&mut store, access_on("2023-02-02"), 2);
    }
    let out = sportello(&db, &["report", "--year", "2023", "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&v), ["period", "desks", "total"]);
    assert_eq!(
        keys(&v["total"]),
        [
            "desk",
            "accesses",
            "first_accesses",
            "italians",
            "prevalent_age_band",
            "prevalent_sex",
            "top_reasons",
            "top_nationalities",
            "cases"
        ]
    );
    assert_eq!(
        keys(&v["total"]["accesses"]),
        ["front_desk", "phone_mail", "total"]
    );
    assert_eq!(
        keys(&v["total"]["cases"]),
        ["total", "carried_in", "archived", "carried_out", "fast"]
    );
    assert_eq!(
        keys(&v["total"]["top_reasons"][0]),
        ["code", "label", "count"]
    );
    assert_eq!(v["desks"][0]["cases"]["total"], 10);
    assert_eq!(v["desks"][0]["cases"]["fast"], 70);
}
