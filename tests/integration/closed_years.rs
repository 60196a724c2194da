//! A closed year is protected: an import that would change its figures says which and
//! by how much, and is refused with nothing stored unless reopening the year is
//! confirmed; the desk's own writes in it are refused; an import of open years only
//! goes through as before.

use std::path::{Path, PathBuf};

use sportello::cases::{self, CaseType};
use sportello::error::Refusal;
use sportello::exchange::export::{self, Selection};
use sportello::exchange::import::{self, ImportPlan, Outcome, RejectionKind};
use sportello::register::accesses::{self, Access};
use sportello::report::closing;
use sportello::store::audit;
use sportello::yearbook::{self, ClosedYearChange, Figure, FigureValue};
use sportello::{Error, Store};

use crate::cli::sportello;
use crate::export_import::{access_on, case_on, clock, day, desk_store, now};

/// Every row of every table, as text: equal dumps, equal databases.
pub fn dump(store: &Store) -> String {
    let conn = store.conn();
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = String::new();
    for t in tables {
        let mut stmt = conn.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows: Vec<String> = stmt
            .query_map([], |r| {
                Ok((0..n)
                    .map(|i| format!("{:?}", r.get_ref(i).unwrap()))
                    .collect::<Vec<_>>()
                    .join("|"))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        rows.sort();
        out.push_str(&format!("{t}\n{}\n", rows.join("\n")));
    }
    out
}

/// A FOL desk and the coordinator GRO, in `dir`: FOL recorded three accesses in 2023
/// and one in 2024, a full case carried from 2022 and archived in 2023, and a full case
/// of 2023 still open; GRO imported them and closed 2023.
struct Desks {
    dir: tempfile::TempDir,
    fol: Store,
    gro: Store,
    accesses: Vec<Access>,
    archived_case: cases::Case,
}

fn export_fol(fol: &mut Store, dir: &Path) -> PathBuf {
    export::export(fol.conn_mut(), Selection::SinceLast, dir, clock())
        .unwrap()
        .path
}

fn desks() -> Desks {
    let dir = tempfile::tempdir().unwrap();
    let mut fol = desk_store("FOL");
    let accesses = ["2023-03-01", "2023-06-15", "2023-12-30", "2024-01-10"]
        .map(|d| accesses::record(fol.conn_mut(), &access_on(d), "op", clock()).unwrap())
        .to_vec();
    let archived_case = cases::open(
        fol.conn_mut(),
        &case_on("2022-05-02", Some("2023-06-01"), CaseType::Full),
        "op",
        clock(),
    )
    .unwrap();
    cases::open(
        fol.conn_mut(),
        &case_on("2023-02-01", None, CaseType::Full),
        "op",
        clock(),
    )
    .unwrap();
    let first = export_fol(&mut fol, dir.path());
    let mut gro = desk_store("GRO");
    let plan = closing::plan_import(gro.conn_mut(), &[first]).unwrap();
    assert!(
        plan.files[0].report.closed_years.is_empty(),
        "nothing closed yet"
    );
    let reports = import::apply(gro.conn_mut(), &plan, now()).unwrap();
    assert_eq!(reports[0].outcome, Outcome::Imported, "{reports:?}");
    closing::close_year(gro.conn_mut(), 2023, "M.R.", clock()).unwrap();
    Desks {
        dir,
        fol,
        gro,
        accesses,
        archived_case,
    }
}

impl Desks {
    /// FOL's next export, planned and weighed by GRO: what the preview shows.
    fn preview(&mut self) -> (PathBuf, ImportPlan) {
        let path = export_fol(&mut self.fol, self.dir.path());
        let plan = closing::plan_import(self.gro.conn_mut(), std::slice::from_ref(&path)).unwrap();
        (path, plan)
    }
}

fn only_change(plan: &ImportPlan) -> &ClosedYearChange {
    let years = &plan.files[0].report.closed_years;
    assert_eq!(years.len(), 1, "one closed year touched: {years:?}");
    &years[0]
}

/// The changed figures of FOL as (figure, before, after, difference).
fn counts(c: &ClosedYearChange) -> Vec<(Figure, i64, i64, i64)> {
    c.figures
        .iter()
        .filter(|f| f.desk == "FOL")
        .filter_map(|f| match (&f.before, &f.after) {
            (FigureValue::Count(b), FigureValue::Count(a)) => {
                Some((f.figure, *b, *a, f.difference.unwrap()))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn a_closed_year_is_protected() {
    let mut d = desks();
    accesses::record(d.fol.conn_mut(), &access_on("2023-11-20"), "op", clock()).unwrap();
    let (path, plan) = d.preview();
    let change = only_change(&plan);
    assert_eq!((change.year, change.records), (2023, 1));
    assert_eq!(
        counts(change),
        [
            (Figure::AccessesFrontDesk, 3, 4, 1),
            (Figure::AccessesTotal, 3, 4, 1),
            (Figure::FirstAccesses, 3, 4, 1),
        ],
        "an access added to 2023: the figures it counts in, each +1"
    );
    let json = serde_json::to_value(&plan).unwrap();
    assert_eq!(
        json[0]["closed_years"][0]["figures"][0]["figure"],
        "accesses_front_desk"
    );
    let back: ImportPlan = serde_json::from_value(json).unwrap();
    assert_eq!(back, plan, "the plan the app shows comes back as it was");
    let before = dump(&d.gro);
    let reports = import::apply(d.gro.conn_mut(), &plan, now()).unwrap();
    let r = &reports[0];
    assert_eq!(r.outcome, Outcome::Rejected, "{r:?}");
    assert_eq!(
        r.rejection.as_ref().unwrap().kind,
        RejectionKind::ClosedYear
    );
    for part in [
        "2023",
        "FOL accesses total 3 -> 4 (+1)",
        "--reopen-year 2023",
        "nothing imported",
    ] {
        assert!(
            r.message.contains(part),
            "the message names {part:?}: {}",
            r.message
        );
    }
    assert_eq!(
        r.closed_years, plan.files[0].report.closed_years,
        "the figures travel with the refusal"
    );
    assert_eq!(dump(&d.gro), before, "nothing stored, nothing logged");

    // confirming another year confirms nothing
    let reports = import::apply_reopening(d.gro.conn_mut(), &plan, &[2022], now()).unwrap();
    assert_eq!(reports[0].outcome, Outcome::Rejected);
    assert_eq!(dump(&d.gro), before);

    let reports = import::apply_reopening(d.gro.conn_mut(), &plan, &[2023], now()).unwrap();
    let r = &reports[0];
    assert_eq!(r.outcome, Outcome::Imported, "{r:?}");
    assert_eq!(
        r.closed_years, plan.files[0].report.closed_years,
        "says what it changed"
    );
    let status = yearbook::status(d.gro.conn(), 2023).unwrap();
    assert!(!status.closed, "confirming reopens the year");
    assert!(status.reason.contains("FOL export no. 2"), "{status:?}");
    let history = audit::history(d.gro.conn(), "report_year", "2023").unwrap();
    let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(
        actions,
        ["close", "reopen"],
        "closing and reopening are audited"
    );
    let state = closing::state(d.gro.conn(), 2023, day("2024-03-12")).unwrap();
    assert!(
        state
            .since_published
            .iter()
            .any(|c| c.to_string() == "FOL accesses total 3 -> 4 (+1)"),
        "the year knows it no longer matches what was published: {:?}",
        state.since_published
    );
    let again = import::import_paths(d.gro.conn_mut(), &[path], false, now()).unwrap();
    assert_eq!(again[0].outcome, Outcome::AlreadyImported);
}

#[test]
fn a_correction_from_2023_into_2024_and_a_deletion_are_named() {
    let mut d = desks();
    let moved = &d.accesses[0];
    accesses::correct(
        d.fol.conn_mut(),
        &moved.id,
        1,
        &access_on("2024-02-01"),
        "op",
        clock(),
    )
    .unwrap();
    let (_, plan) = d.preview();
    assert_eq!(
        counts(only_change(&plan)),
        [
            (Figure::AccessesFrontDesk, 3, 2, -1),
            (Figure::AccessesTotal, 3, 2, -1),
            (Figure::FirstAccesses, 3, 2, -1),
        ],
        "the access leaves 2023"
    );
    import::apply_reopening(d.gro.conn_mut(), &plan, &[2023], now()).unwrap();
    closing::close_year(d.gro.conn_mut(), 2023, "M.R.", clock()).unwrap();

    let deleted = &d.accesses[1];
    accesses::delete(d.fol.conn_mut(), &deleted.id, 1, "op", clock()).unwrap();
    let (_, plan) = d.preview();
    let change = only_change(&plan);
    assert_eq!(change.records, 1);
    assert_eq!(
        counts(change).iter().find(|c| c.0 == Figure::AccessesTotal),
        Some(&(Figure::AccessesTotal, 2, 1, -1)),
        "a deletion takes the access out of 2023"
    );
    let top = change
        .figures
        .iter()
        .find(|f| f.figure == Figure::TopReasons)
        .expect("the top reasons change with their counts");
    assert_eq!(top.difference, None, "a ranking has no difference");
}

#[test]
fn a_case_archived_later_changes_archived_and_carried_out() {
    let mut d = desks();
    let case = d.archived_case.clone();
    let mut later = case_on("2022-05-02", Some("2024-02-01"), CaseType::Full);
    later.personal = None;
    cases::correct(
        d.fol.conn_mut(),
        &case.id,
        case.revision,
        &later,
        "op",
        clock(),
    )
    .unwrap();
    let (_, plan) = d.preview();
    assert_eq!(
        counts(only_change(&plan)),
        [
            (Figure::CasesArchived, 1, 0, -1),
            (Figure::CasesCarriedOut, 1, 2, 1),
        ],
        "archived in 2024 instead: carried out of 2023"
    );
}

#[test]
fn an_import_of_open_years_only_is_unaffected() {
    let mut d = desks();
    accesses::record(d.fol.conn_mut(), &access_on("2024-03-11"), "op", clock()).unwrap();
    // a 2023 case closed in 2024 was carried out of 2023 either way
    let open = cases::list(d.fol.conn(), "FOL", cases::Filter::Open).unwrap();
    cases::close(
        d.fol.conn_mut(),
        &open[0].id,
        open[0].revision,
        &closing("2024-03-01"),
        "op",
        clock(),
    )
    .unwrap();
    let (_, plan) = d.preview();
    assert!(
        plan.files[0].report.closed_years.is_empty(),
        "{:?}",
        plan.files[0].report
    );
    let reports = import::apply(d.gro.conn_mut(), &plan, now()).unwrap();
    assert_eq!(reports[0].outcome, Outcome::Imported, "{reports:?}");
    assert_eq!((reports[0].new, reports[0].updated), (1, 1));
    assert!(
        yearbook::status(d.gro.conn(), 2023).unwrap().closed,
        "2023 stays closed"
    );
}

fn refused_for_2023(err: Error) {
    match err {
        Error::Refused {
            reason: Refusal::ClosedYear,
            detail,
            ..
        } => assert_eq!(detail.as_deref(), Some("2023")),
        other => panic!("not refused for the closed year: {other:?}"),
    }
}

#[test]
fn the_coordinators_own_writes_in_a_closed_year_are_refused() {
    let mut gro = desk_store("GRO");
    let old = accesses::record(gro.conn_mut(), &access_on("2023-05-05"), "op", clock()).unwrap();
    let carried = cases::open(
        gro.conn_mut(),
        &case_on("2022-04-04", None, CaseType::Full),
        "op",
        clock(),
    )
    .unwrap();
    closing::close_year(gro.conn_mut(), 2023, "M.R.", clock()).unwrap();
    let before = dump(&gro);
    let c = gro.conn_mut();
    refused_for_2023(accesses::record(c, &access_on("2023-12-01"), "op", clock()).unwrap_err());
    refused_for_2023(
        accesses::correct(c, &old.id, 1, &access_on("2024-01-03"), "op", clock()).unwrap_err(),
    );
    refused_for_2023(accesses::delete(c, &old.id, 1, "op", clock()).unwrap_err());
    refused_for_2023(
        cases::open(
            c,
            &case_on("2023-01-09", None, CaseType::Fast),
            "op",
            clock(),
        )
        .unwrap_err(),
    );
    refused_for_2023(
        cases::close(
            c,
            &carried.id,
            carried.revision,
            &closing("2023-10-10"),
            "op",
            clock(),
        )
        .unwrap_err(),
    );
    assert_eq!(dump(&gro), before, "nothing written");

    // closing in 2024 a case carried through 2023 leaves 2023's figures as they were
    cases::close(
        gro.conn_mut(),
        &carried.id,
        carried.revision,
        &closing("2024-02-02"),
        "op",
        clock(),
    )
    .expect("allowed: carried out of 2023 either way");
    accesses::record(gro.conn_mut(), &access_on("2024-01-03"), "op", clock())
        .expect("an open year is written as usual");
}

#[test]
fn the_command_line_refuses_without_reopen_year_and_accepts_with_it() {
    let mut d = desks();
    let db = d.dir.path().join("gro.db");
    {
        // the coordinator's database on file, as the command line opens it
        let mut gro = Store::open(&db, now()).unwrap();
        let mut preset = sportello::desk::presets().remove(0);
        preset.code = "GRO".into();
        sportello::desk::set_own(gro.conn_mut(), &preset, now()).unwrap();
        let files = d.dir.path().read_dir().unwrap().map(|e| e.unwrap().path());
        let first: Vec<PathBuf> = files
            .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .collect();
        import::import_paths(gro.conn_mut(), &first, false, now()).unwrap();
    }
    let out = sportello(&db, &["year", "close", "--year", "2023"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("2023: closed on"));

    accesses::record(d.fol.conn_mut(), &access_on("2023-11-20"), "op", clock()).unwrap();
    let later = tempfile::tempdir().unwrap();
    let file = export_fol(&mut d.fol, later.path());
    let file = file.to_str().unwrap();

    let dry = sportello(&db, &["import", "--dry-run", file]);
    let text = String::from_utf8_lossy(&dry.stdout);
    assert!(
        text.contains("closed year 2023 (1 record: FOL accesses front desk 3 -> 4 (+1), ")
            && text.contains("FOL accesses total 3 -> 4 (+1)")
            && text.contains("FOL top nationalities [MA 3] -> [MA 4]")
            && text.contains("--reopen-year 2023"),
        "the preview names the year, the figures and the changes: {text}"
    );

    let bytes = std::fs::read(&db).unwrap();
    let refused = sportello(&db, &["import", file]);
    let text = String::from_utf8_lossy(&refused.stdout);
    assert_eq!(
        refused.status.code(),
        Some(1),
        "a held file counts as rejected: {text}"
    );
    assert!(
        text.contains("rejected:") && text.contains("FOL accesses total 3 -> 4 (+1)"),
        "{text}"
    );
    assert_eq!(
        std::fs::read(&db).unwrap(),
        bytes,
        "the database file is as it was"
    );

    let json = sportello(&db, &["import", "--dry-run", "--format", "json", file]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let year = &v["files"][0]["closed_years"][0];
    assert_eq!(year["year"], 2023);
    assert!(
        year["figures"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["figure"] == "accesses_total"
                && f["before"] == 3
                && f["after"] == 4
                && f["difference"] == 1),
        "{year}"
    );

    let accepted = sportello(&db, &["import", "--reopen-year", "2023", file]);
    let text = String::from_utf8_lossy(&accepted.stdout);
    assert!(accepted.status.success(), "{text}");
    assert!(text.contains("reopened year 2023"), "{text}");
    let status = sportello(&db, &["year", "status", "--year", "2023"]);
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(
        text.contains("2023: open, reopened on")
            && text.contains("changed since published: FOL accesses total 3 -> 4 (+1)"),
        "{text}"
    );
}

#[test]
fn the_report_texts_round_trip_through_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gro.db");
    let text = dir.path().join("attivita.txt");
    std::fs::write(
        &text,
        "Nel 2023 lo sportello ha accolto 9.657 accessi.\r\n\r\nSecondo paragrafo.\r\n",
    )
    .unwrap();
    let set = sportello(
        &db,
        &[
            "report-text",
            "--year",
            "2023",
            "--section",
            "activities",
            "--set-from",
            text.to_str().unwrap(),
        ],
    );
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    let shown = sportello(&db, &["report-text", "--year", "2023", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&shown.stdout).unwrap();
    assert_eq!(v[0]["id"], "activities");
    assert_eq!(v[0]["title"], "Attività");
    assert_eq!(
        v[0]["text"],
        "Nel 2023 lo sportello ha accolto 9.657 accessi.\n\nSecondo paragrafo."
    );
    assert_eq!(v[1]["text"], "", "a section never written is empty");

    std::fs::write(&text, "x".repeat(20_001)).unwrap();
    let long = sportello(
        &db,
        &[
            "report-text",
            "--year",
            "2023",
            "--section",
            "projects",
            "--set-from",
            text.to_str().unwrap(),
        ],
    );
    assert!(!long.status.success());
    assert!(
        String::from_utf8_lossy(&long.stderr).contains("at most 20000"),
        "{}",
        String::from_utf8_lossy(&long.stderr)
    );
}

#[test]
fn a_year_not_over_cannot_be_closed() {
    let mut gro = desk_store("GRO");
    let err = closing::close_year(gro.conn_mut(), 2024, "M.R.", clock()).unwrap_err();
    assert_eq!(err.code(), "invalid");
    assert!(err.to_string().contains("not over"), "{err}");
    assert!(!yearbook::status(gro.conn(), 2024).unwrap().closed);
    let state = closing::close_year(gro.conn_mut(), 2023, "M.R.", clock()).unwrap();
    assert!(
        state.status.closed && state.since_published.is_empty(),
        "{state:?}"
    );
}

/// Closing a case on `on` with the outcome "solved".
fn closing(on: &str) -> cases::Closing {
    cases::Closing {
        closed_on: day(on),
        outcome: cases::Outcome::Solved,
        note: String::new(),
    }
}

#[test]
fn the_same_export_twice_in_a_batch_held_back_for_a_closed_year_stays_importable() {
    let mut d = desks();
    accesses::record(d.fol.conn_mut(), &access_on("2023-11-20"), "op", clock()).unwrap();
    let (path, _) = d.preview();
    let twin = d.dir.path().join("copia.jsonl");
    std::fs::copy(&path, &twin).unwrap();
    let plan = closing::plan_import(d.gro.conn_mut(), &[path.clone(), twin.clone()]).unwrap();
    let before = dump(&d.gro);
    let reports = import::apply(d.gro.conn_mut(), &plan, now()).unwrap();
    assert_eq!(reports[0].outcome, Outcome::Rejected, "{:?}", reports[0]);
    assert_eq!(
        (
            reports[1].outcome,
            reports[1].rejection.as_ref().map(|r| r.kind)
        ),
        (Outcome::Rejected, Some(RejectionKind::ClosedYear)),
        "the copy is held back with the file it copies, not called imported: {:?}",
        reports[1]
    );
    assert!(
        reports[1]
            .message
            .contains("copia.jsonl: it would change the closed year 2023"),
        "{}",
        reports[1].message
    );
    assert_eq!(dump(&d.gro), before, "nothing stored, nothing logged");
    // confirmed later, the file goes in
    let plan = closing::plan_import(d.gro.conn_mut(), &[path]).unwrap();
    let reports = import::apply_reopening(d.gro.conn_mut(), &plan, &[2023], now()).unwrap();
    assert_eq!(reports[0].outcome, Outcome::Imported, "{:?}", reports[0]);
}
