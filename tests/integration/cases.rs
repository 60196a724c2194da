//! Accompaniment cases: the view's figures are the report's, and the command line
//! (`sportello cases ...`) lists, counts, opens and closes cases without ever printing
//! the personal file.

use serde_json::Value;
use sportello::cases::{self, CaseType};
use sportello::{Store, desk, report};

use crate::cli::sportello;
use crate::export_import::{case_on, day, desk_store, now};
use crate::report::{follonica, grosseto};

fn json(out: &std::process::Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}, stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

/// A database file of desk `code` filled by `fill`.
fn file_db(dir: &std::path::Path, code: &str, fill: fn(&mut Store)) -> std::path::PathBuf {
    let path = dir.join(format!("{code}.db"));
    let mut store = Store::open(&path, now()).unwrap();
    let d = desk::presets()
        .into_iter()
        .find(|d| d.code == code)
        .unwrap();
    desk::set_own(store.conn_mut(), &d, now()).unwrap();
    fill(&mut store);
    path
}

#[test]
fn the_view_counts_the_2023_figures_exactly_as_the_report() {
    let today = day("2024-03-01");
    for (code, fill, expected) in [
        ("GRO", grosseto as fn(&mut Store), (10, 2, 8, 2, 70)),
        ("FOL", follonica as fn(&mut Store), (17, 6, 15, 2, 65)),
    ] {
        let mut store = desk_store(code);
        fill(&mut store);
        let view = cases::overview(store.conn(), 2023, today).unwrap();
        let c = &view.counts;
        assert_eq!(
            (c.total, c.carried_in, c.archived, c.carried_out, c.fast),
            expected,
            "{code}: the activity report's 2023 accompaniment figures"
        );
        let rep = report::yearly(store.conn(), 2023, Some(code)).unwrap();
        assert_eq!(
            view.counts, rep.desks[0].cases,
            "{code}: the view shows the report's cases block"
        );
        assert_eq!(
            view.archived.len() as i64,
            c.archived,
            "{code}: the archived list holds the archived count"
        );
        assert_eq!(
            view.fast.len() as i64,
            c.fast,
            "{code}: the fast list holds the fast count"
        );
        let open_full = cases::list(store.conn(), code, cases::Filter::Open)
            .unwrap()
            .into_iter()
            .filter(|c| c.case_type == Some(CaseType::Full))
            .count();
        assert_eq!(view.open.len(), open_full, "{code}: every open full case");
        assert!(
            view.open
                .windows(2)
                .all(|w| w[0].case.opened_on <= w[1].case.opened_on),
            "{code}: open cases come oldest first"
        );
    }
}

#[test]
fn cli_counts_equal_the_report_block_for_the_same_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = file_db(dir.path(), "GRO", grosseto);
    let counts = json(&sportello(
        &db,
        &["cases", "counts", "--year", "2023", "--format", "json"],
    ));
    let rep = json(&sportello(
        &db,
        &[
            "report", "--year", "2023", "--desk", "GRO", "--format", "json",
        ],
    ));
    assert_eq!(
        counts, rep["desks"][0]["cases"],
        "same figures as the report"
    );
    assert_eq!(counts["total"], 10);
    assert_eq!(counts["fast"], 70);
    let text = sportello(&db, &["cases", "counts", "--year", "2023"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("total 10, from earlier years 2, archived 8, pending into 2024 2, fast 70"),
        "{text}"
    );
}

#[test]
fn cli_list_prints_anonymous_fields_only_and_filters() {
    let dir = tempfile::tempdir().unwrap();
    let db = file_db(dir.path(), "GRO", |store| {
        for (opened, closed, t) in [
            ("2022-05-10", Some("2023-02-01"), CaseType::Full),
            ("2021-11-03", None, CaseType::Full),
            ("2023-06-15", Some("2023-06-20"), CaseType::Fast),
            ("2021-01-10", Some("2022-12-31"), CaseType::Full),
            ("2024-01-02", None, CaseType::Full),
        ] {
            cases::open(
                store.conn_mut(),
                &case_on(opened, closed, t),
                "op",
                now().into(),
            )
            .unwrap();
        }
    });
    let all = json(&sportello(&db, &["cases", "list", "--format", "json"]));
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 5, "every live case");
    let raw = serde_json::to_string(all).unwrap();
    for personal in [
        "Fatima",
        // The whole phone: a bare "333" can occur in a random hex id.
        "333 765",
        "MA1234567",
        "decreto",
        "person_name",
        "personal",
    ] {
        assert!(
            !raw.contains(personal),
            "no personal data ({personal}): {raw}"
        );
    }
    let opened: Vec<&str> = all
        .iter()
        .map(|c| c["opened_on"].as_str().unwrap())
        .collect();
    assert!(
        opened.windows(2).all(|w| w[0] <= w[1]),
        "oldest first: {opened:?}"
    );

    let of_2023 = json(&sportello(
        &db,
        &["cases", "list", "--year", "2023", "--format", "json"],
    ));
    let of_2023: Vec<&str> = of_2023
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["opened_on"].as_str().unwrap())
        .collect();
    assert_eq!(
        of_2023,
        ["2021-11-03", "2022-05-10", "2023-06-15"],
        "the cases open at some point of 2023"
    );
    let open = json(&sportello(
        &db,
        &["cases", "list", "--open", "--format", "json"],
    ));
    let open: Vec<&str> = open
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["opened_on"].as_str().unwrap())
        .collect();
    assert_eq!(open, ["2021-11-03", "2024-01-02"], "the cases not closed");

    let text = sportello(&db, &["cases", "list", "--open"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("03/11/2021") && text.contains("open"),
        "{text}"
    );
    assert!(!text.contains("Fatima"), "{text}");
}

#[test]
fn cli_opens_and_closes_a_case_and_refuses_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let db = file_db(dir.path(), "GRO", |_| {});
    let out = sportello(
        &db,
        &[
            "cases",
            "open",
            "--reason",
            "cittadinanza",
            "--on",
            "10/01/2024",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let id = String::from_utf8(out.stdout).unwrap().trim().to_string();
    let no_outcome = sportello(&db, &["cases", "close", &id, "--on", "2024-02-01"]);
    assert!(!no_outcome.status.success(), "closing asks for the outcome");
    let out = sportello(
        &db,
        &[
            "cases",
            "close",
            &id,
            "--on",
            "2024-02-01",
            "--outcome",
            "referred",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = sportello(&db, &["cases", "close", &id, "--outcome", "solved"]);
    assert!(!again.status.success(), "a closed case is not closed twice");
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already closed"),
        "the message says why"
    );
    let fast = sportello(
        &db,
        &[
            "cases",
            "open",
            "--fast",
            "--reason",
            "lavoro",
            "--on",
            "2024-01-11",
        ],
    );
    assert!(fast.status.success());

    let store = Store::open(&db, now()).unwrap();
    let case = cases::get(store.conn(), &id).unwrap();
    assert_eq!(case.closed_on, Some(day("2024-02-01")));
    assert_eq!(case.revision, 2, "closing is a new revision");
    assert_eq!(
        case.personal, None,
        "the command line stores no personal file"
    );
    let c = sportello::cases::counts(store.conn(), 2024, Some("GRO")).unwrap();
    assert_eq!((c.total, c.archived, c.fast), (1, 1, 1));

    let bad = sportello(&db, &["cases", "open", "--reason", "nessuna"]);
    assert!(!bad.status.success(), "an unknown reason is refused");
    let bad_day = sportello(
        &db,
        &["cases", "open", "--reason", "casa", "--on", "31/02/2024"],
    );
    assert!(
        !bad_day.status.success(),
        "a day that does not exist is refused"
    );
    assert!(String::from_utf8_lossy(&bad_day.stderr).contains("dd/mm/yyyy"));
}
