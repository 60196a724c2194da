//! Applying a plan over a database that provably did not change since the plan takes
//! the plan's comparison of the records as it is; any write in between (by another
//! connection or by the same one) sends the import back to comparing every record
//! again, and the result is always the one the full comparison gives.

use std::path::{Path, PathBuf};

use proptest::prelude::*;
use sportello::exchange::export::{self, Selection};
use sportello::exchange::import::{self, Action, FileReport, ImportPlan, Outcome, RejectionKind};
use sportello::register::accesses;
use sportello::store::settings;
use sportello::{Store, desk};

use crate::export_import::{access_on, clock, day, desk_store, now, snapshot};

/// The coordinator's database GRO in a file at `path` (so that a second connection can
/// write to it).
fn coordinator_at(path: &Path) -> Store {
    let mut store = Store::open(path, now()).unwrap();
    let gro = desk::presets()
        .into_iter()
        .find(|p| p.code == "GRO")
        .unwrap_or_else(|| desk::presets().remove(0));
    desk::set_own(store.conn_mut(), &gro, now()).unwrap();
    store
}

fn export(store: &mut Store, selection: Selection, dir: &Path) -> PathBuf {
    export::export(store.conn_mut(), selection, dir, clock())
        .unwrap()
        .path
}

/// The whole of March 2024: an export of everything FOL holds.
fn march() -> Selection {
    Selection::Range {
        from: day("2024-03-01"),
        to: day("2024-03-31"),
    }
}

/// Applies `plan` on `store`, returning the reports and whether the plan's comparison
/// was taken as it is.
fn apply(store: &mut Store, plan: &ImportPlan) -> (Vec<FileReport>, bool) {
    let before = import::plans_reused();
    let reports = import::apply(store.conn_mut(), plan, now()).unwrap();
    (reports, import::plans_reused() > before)
}

/// A desk FOL with `n` accesses exported (file 1), then `corrected` of them corrected
/// and one more recorded, exported again (file 2).
fn fol_files(dir: &Path, n: usize, corrected: &[bool]) -> (Store, PathBuf, PathBuf) {
    let mut fol = desk_store("FOL");
    let mut ids = Vec::new();
    for i in 0..n {
        let date = format!("2024-03-{:02}", 5 + i % 5);
        ids.push(accesses::record(fol.conn_mut(), &access_on(&date), "op", clock()).unwrap());
    }
    let first = export(&mut fol, Selection::SinceLast, dir);
    for (a, _) in ids.iter().zip(corrected).filter(|(_, c)| **c) {
        let mut changed = access_on(&a.date.to_string());
        changed.nationality = "SN".into();
        accesses::correct(fol.conn_mut(), &a.id, a.revision, &changed, "op", clock()).unwrap();
    }
    accesses::record(fol.conn_mut(), &access_on("2024-03-11"), "op", clock()).unwrap();
    let second = export(&mut fol, Selection::SinceLast, dir);
    (fol, first, second)
}

#[test]
fn a_plan_applied_over_an_unchanged_database_keeps_its_comparison() {
    let dir = tempfile::tempdir().unwrap();
    let (_fol, first, second) = fol_files(dir.path(), 3, &[true, false, true]);
    let mut gro = coordinator_at(&dir.path().join("gro.db"));
    let mut twin = coordinator_at(&dir.path().join("twin.db"));
    for store in [&mut gro, &mut twin] {
        import::import_paths(store.conn_mut(), std::slice::from_ref(&first), false, now()).unwrap();
    }
    let plan = import::plan(gro.conn(), std::slice::from_ref(&second)).unwrap();
    assert_eq!(
        (plan.files[0].report.new, plan.files[0].report.updated),
        (1, 2)
    );
    let (reports, reused) = apply(&mut gro, &plan);
    assert!(reused, "nothing was written since the plan: {reports:?}");
    assert_eq!(reports[0].outcome, Outcome::Imported, "{reports:?}");
    // the same plan on another database of the same content: compared again there
    let (twin_reports, twin_reused) = apply(&mut twin, &plan);
    assert!(
        !twin_reused,
        "another connection never takes this plan as it is"
    );
    assert_eq!(reports, twin_reports);
    assert_eq!(snapshot(&gro), snapshot(&twin));
}

#[test]
fn a_write_between_plan_and_apply_makes_the_import_compare_again() {
    let dir = tempfile::tempdir().unwrap();
    let (_fol, _first, second) = fol_files(dir.path(), 2, &[false, false]);
    let db = dir.path().join("gro.db");
    let mut gro = coordinator_at(&db);

    // the same connection writes a setting: no record of the file, yet a write
    let plan = import::plan(gro.conn(), std::slice::from_ref(&second)).unwrap();
    settings::set(gro.conn(), "test.note", "one").unwrap();
    let (reports, reused) = apply(&mut gro, &plan);
    assert!(!reused, "a write of this connection since the plan");
    assert_eq!(reports[0].outcome, Outcome::Imported, "{reports:?}");

    // another connection writes: the plan is compared again
    let more = dir.path().join("more");
    std::fs::create_dir(&more).unwrap();
    let (_fol, _first, third) = fol_files(&more, 2, &[]);
    let plan = import::plan(gro.conn(), std::slice::from_ref(&third)).unwrap();
    let other = Store::open(&db, now()).unwrap();
    settings::set(other.conn(), "test.note", "two").unwrap();
    let (reports, reused) = apply(&mut gro, &plan);
    assert!(!reused, "another connection committed since the plan");
    assert_eq!(reports[0].outcome, Outcome::Imported, "{reports:?}");
}

#[test]
fn an_edited_plan_is_compared_again_and_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (_fol, first, _second) = fol_files(dir.path(), 2, &[]);
    let mut gro = coordinator_at(&dir.path().join("gro.db"));
    let mut plan = import::plan(gro.conn(), std::slice::from_ref(&first)).unwrap();
    assert_eq!(plan.files[0].records[0].action, Action::New);
    plan.files[0].records[0].action = Action::Unchanged;
    let (reports, reused) = apply(&mut gro, &plan);
    assert!(!reused, "the records are not the ones planned");
    assert_eq!(
        reports[0].rejection.as_ref().map(|r| r.kind),
        Some(RejectionKind::StalePlan),
        "{reports:?}"
    );
}

#[test]
fn a_plan_that_crossed_the_interface_as_data_still_applies() {
    let dir = tempfile::tempdir().unwrap();
    let (_fol, first, _second) = fol_files(dir.path(), 2, &[]);
    let mut gro = coordinator_at(&dir.path().join("gro.db"));
    let plan = import::plan(gro.conn(), std::slice::from_ref(&first)).unwrap();
    let back: ImportPlan = serde_json::from_str(&serde_json::to_string(&plan).unwrap()).unwrap();
    let (reports, reused) = apply(&mut gro, &back);
    assert!(reused, "the same file and records over the same database");
    assert_eq!(reports[0].new, 2);
}

/// What happens between the plan and its application.
#[derive(Debug, Clone, Copy)]
enum Meanwhile {
    Nothing,
    /// The same connection imports an export of the whole month.
    ImportHere,
    /// Another connection imports it.
    ImportElsewhere,
    /// The same connection writes a setting.
    SettingHere,
    /// Another connection writes a setting.
    SettingElsewhere,
}

fn meanwhile() -> impl Strategy<Value = Meanwhile> {
    prop_oneof![
        Just(Meanwhile::Nothing),
        Just(Meanwhile::ImportHere),
        Just(Meanwhile::ImportElsewhere),
        Just(Meanwhile::SettingHere),
        Just(Meanwhile::SettingElsewhere),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// Whatever happens between the plan and its application, applying it gives what
    /// comparing every record again gives (a twin database, whose connection never
    /// takes the plan as it is, is the measure); the plan's comparison is taken as it is
    /// exactly when nothing was written.
    #[test]
    fn applying_a_plan_gives_what_the_full_comparison_gives(
        n in 1usize..6,
        corrected in proptest::collection::vec(any::<bool>(), 0..6),
        first_imported in any::<bool>(),
        later in proptest::collection::vec(any::<bool>(), 0..6),
        what in meanwhile(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let (mut fol, first, second) = fol_files(dir.path(), n, &corrected);
        // the month exported again after more corrections: overlaps both files
        let stored: Vec<(String, i64, String)> = {
            let mut stmt = fol
                .conn()
                .prepare("SELECT id, revision, date FROM accesses ORDER BY id")
                .unwrap();
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect()
        };
        for ((id, revision, date), _) in stored.iter().zip(&later).filter(|(_, c)| **c) {
            let mut changed = access_on(date);
            changed.sex = "femmina".into();
            accesses::correct(fol.conn_mut(), id, *revision, &changed, "op", clock()).unwrap();
        }
        let month_dir = dir.path().join("month");
        std::fs::create_dir(&month_dir).unwrap();
        let month = export(&mut fol, march(), &month_dir);

        let db = dir.path().join("gro.db");
        let mut gro = coordinator_at(&db);
        let mut twin = coordinator_at(&dir.path().join("twin.db"));
        if first_imported {
            for store in [&mut gro, &mut twin] {
                import::import_paths(store.conn_mut(), std::slice::from_ref(&first), false, now())
                    .unwrap();
            }
        }
        let plan = import::plan(gro.conn(), std::slice::from_ref(&second)).unwrap();
        let month = std::slice::from_ref(&month);
        match what {
            Meanwhile::Nothing => {}
            Meanwhile::ImportHere | Meanwhile::ImportElsewhere => {
                let mut other = Store::open(&db, now()).unwrap();
                let here = matches!(what, Meanwhile::ImportHere);
                let conn = if here { gro.conn_mut() } else { other.conn_mut() };
                import::import_paths(conn, month, false, now()).unwrap();
                import::import_paths(twin.conn_mut(), month, false, now()).unwrap();
            }
            Meanwhile::SettingHere | Meanwhile::SettingElsewhere => {
                let other = Store::open(&db, now()).unwrap();
                let here = matches!(what, Meanwhile::SettingHere);
                let conn = if here { gro.conn() } else { other.conn() };
                settings::set(conn, "test.note", "x").unwrap();
                settings::set(twin.conn(), "test.note", "x").unwrap();
            }
        }
        let (reports, reused) = apply(&mut gro, &plan);
        let (twin_reports, twin_reused) = apply(&mut twin, &plan);
        prop_assert!(!twin_reused);
        prop_assert_eq!(reused, matches!(what, Meanwhile::Nothing), "{:?}", reports);
        prop_assert_eq!(reports, twin_reports);
        prop_assert_eq!(snapshot(&gro), snapshot(&twin));
    }
}
