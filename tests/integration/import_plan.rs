//! The import as plan, then apply: the plan stores nothing, sees a batch as the import
//! will, and is applied only over the files and records it was made of.

use std::path::{Path, PathBuf};

use sportello::Store;
use sportello::exchange::export::{self, Selection};
use sportello::exchange::import::{self, Action, Outcome, RejectionKind};
use sportello::register::accesses;

use crate::export_import::{access_on, clock, day, desk_store, now};

fn count(store: &Store, table: &str) -> i64 {
    store
        .conn()
        .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// Rows of every table an import writes.
fn stored(store: &Store) -> [i64; 5] {
    [
        "accesses",
        "access_reasons",
        "cases",
        "imports",
        "import_conflicts",
    ]
    .map(|t| count(store, t))
}

fn export_since_last(store: &mut Store, dir: &Path) -> PathBuf {
    export::export(store.conn_mut(), Selection::SinceLast, dir, clock())
        .unwrap()
        .path
}

/// A FOL desk with two accesses, exported into `dir`.
fn fol_export(dir: &Path) -> (Store, PathBuf) {
    let mut fol = desk_store("FOL");
    for d in ["2024-03-10", "2024-03-11"] {
        accesses::record(fol.conn_mut(), &access_on(d), "op", clock()).unwrap();
    }
    let path = export_since_last(&mut fol, dir);
    (fol, path)
}

#[test]
fn a_file_replaced_between_plan_and_apply_is_refused_with_nothing_stored() {
    let dir = tempfile::tempdir().unwrap();
    let (mut fol, first) = fol_export(dir.path());
    let mut gro = desk_store("GRO");
    let plan = import::plan(gro.conn(), std::slice::from_ref(&first)).unwrap();
    assert_eq!(
        plan.files[0].report.new, 2,
        "the plan would add both accesses"
    );

    // the desk sends a new export under the same name: a valid file, but not the planned one
    accesses::record(fol.conn_mut(), &access_on("2024-03-12"), "op", clock()).unwrap();
    let other = tempfile::tempdir().unwrap();
    let second = export_since_last(&mut fol, other.path());
    std::fs::copy(&second, &first).unwrap();

    let before = stored(&gro);
    let reports = import::apply(gro.conn_mut(), &plan, now()).unwrap();
    let r = &reports[0];
    assert_eq!(r.outcome, Outcome::Rejected, "{r:?}");
    assert_eq!(
        r.rejection.as_ref().map(|x| x.kind),
        Some(RejectionKind::ChangedSincePlan),
        "{r:?}"
    );
    assert!(
        r.message.contains("preview"),
        "the message says what to do: {}",
        r.message
    );
    let after = stored(&gro);
    assert_eq!(
        (after[0], after[2], after[4]),
        (before[0], before[2], before[4]),
        "no record stored from a file that is not the planned one"
    );
    assert_eq!(after[3], before[3] + 1, "the refusal is logged");
    let log = import::log(gro.conn(), 1).unwrap();
    assert_eq!(log[0].outcome, "rejected");
}

#[test]
fn a_plan_over_records_that_changed_since_is_refused_on_apply() {
    let dir = tempfile::tempdir().unwrap();
    let (mut fol, path) = fol_export(dir.path());
    // a second export of the same days (another export id) overlaps the first one
    let range = tempfile::tempdir().unwrap();
    let overlapping = export::export(
        fol.conn_mut(),
        Selection::Range {
            from: day("2024-03-10"),
            to: day("2024-03-11"),
        },
        range.path(),
        clock(),
    )
    .unwrap()
    .path;

    let mut gro = desk_store("GRO");
    let plan = import::plan(gro.conn(), &[path]).unwrap();
    assert_eq!(plan.files[0].report.new, 2);
    // meanwhile the overlapping file is imported: the planned "new" records exist now
    let meanwhile = import::import_paths(gro.conn_mut(), &[overlapping], false, now()).unwrap();
    assert_eq!(meanwhile[0].outcome, Outcome::Imported, "{meanwhile:?}");

    let before = stored(&gro);
    let reports = import::apply(gro.conn_mut(), &plan, now()).unwrap();
    let r = &reports[0];
    assert_eq!(
        r.rejection.as_ref().map(|x| x.kind),
        Some(RejectionKind::StalePlan),
        "{r:?}"
    );
    assert!(
        r.message.contains("preview the files again"),
        "{}",
        r.message
    );
    let after = stored(&gro);
    assert_eq!(
        (after[0], after[1], after[4]),
        (before[0], before[1], before[4]),
        "a stale plan changes no record"
    );
    let imported: i64 = gro
        .conn()
        .query_row(
            "SELECT COUNT(*) FROM imports WHERE outcome = 'imported'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(imported, 1, "only the overlapping file counts as imported");
}

#[test]
fn the_plan_of_a_batch_sees_a_correction_in_a_later_file_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut fol = desk_store("FOL");
    let a = accesses::record(fol.conn_mut(), &access_on("2024-03-11"), "op", clock()).unwrap();
    let first = export_since_last(&mut fol, dir.path());
    let mut corrected = access_on("2024-03-11");
    corrected.nationality = "SN".into();
    accesses::correct(fol.conn_mut(), &a.id, a.revision, &corrected, "op", clock()).unwrap();
    let second = export_since_last(&mut fol, dir.path());

    let gro = desk_store("GRO");
    let before = stored(&gro);
    // given in reverse order: the plan still takes FOL's exports in sequence order
    let plan = import::plan(gro.conn(), &[second, first]).unwrap();
    assert_eq!(stored(&gro), before, "planning writes nothing");
    let actions: Vec<(Option<i64>, Vec<Action>)> = plan
        .files
        .iter()
        .map(|f| {
            (
                f.report.sequence,
                f.records.iter().map(|r| r.action).collect(),
            )
        })
        .collect();
    assert_eq!(
        actions,
        [
            (Some(1), vec![Action::New]),
            (Some(2), vec![Action::Updated])
        ],
        "file 2 corrects what file 1 would add"
    );
    assert_eq!(
        (plan.files[1].report.new, plan.files[1].report.updated),
        (0, 1)
    );
    // the plan crosses the interface as data and comes back unchanged
    let json = serde_json::to_string(&plan).unwrap();
    let back: import::ImportPlan = serde_json::from_str(&json).unwrap();
    assert_eq!(back, plan, "the plan survives a round trip through JSON");
    let listed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        listed[0]["outcome"], "imported",
        "the preview is a list of file reports, as the interface reads it"
    );
}
