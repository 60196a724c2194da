//! The completeness check beside the report (`sportello report`): one line per desk
//! with gaps on the standard error, the report on the standard output exactly as the
//! core renders it.

use sportello::Store;
use sportello::exchange::export::{self, Selection};
use sportello::exchange::import;
use sportello::register::accesses;
use sportello::report::{self, tables};

use crate::cli::sportello;
use crate::export_import::{access_on, clock, desk_store, now};
use crate::report_csv::known;

/// A database file in `dir`: Grosseto's known answers and Follonica's export files 1
/// and 3 (file 2, with an access of 13/09/2023, never arrives).
fn with_a_missing_file(dir: &std::path::Path) -> std::path::PathBuf {
    let mut fol = desk_store("FOL");
    let mut files = Vec::new();
    for date in ["2023-09-12", "2023-09-13", "2023-09-14"] {
        accesses::record(fol.conn_mut(), &access_on(date), "op", now().into()).unwrap();
        let file = export::export(fol.conn_mut(), Selection::SinceLast, dir, clock()).unwrap();
        files.push(file.path);
    }
    files.remove(1);
    let db = dir.join("gro.db");
    let mut store = Store::open(&db, now()).unwrap();
    let gro = sportello::desk::presets().remove(0);
    sportello::desk::set_own(store.conn_mut(), &gro, now()).unwrap();
    known(&mut store);
    import::import_paths(store.conn_mut(), &files, false, now()).unwrap();
    db
}

#[test]
fn the_report_names_the_gaps_on_stderr_and_leaves_stdout_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = with_a_missing_file(dir.path());
    let (json, csv) = {
        let store = Store::open(&db, now()).unwrap();
        let mut json =
            serde_json::to_string_pretty(&report::yearly(store.conn(), 2023, None).unwrap())
                .unwrap();
        json.push('\n');
        let t = tables::build(store.conn(), 2023, None).unwrap();
        (json, report::csv::render(&t, Some(5)))
    };
    let expected = [
        // Follonica opens Tuesday and Thursday: 101 days; records on 12 and 14 September
        "sportello: FOL 2023: file 2 missing; 99 opening days without records \
         (03/01/2023, 05/01/2023, 10/01/2023, 12/01/2023, 17/01/2023, ...)",
        // Grosseto opens Monday to Thursday: 201 days in 2023 without the holidays; it
        // has records on 4 of them (8 March holds withdrawn accesses only)
        "sportello: GRO 2023: 197 opening days without records \
         (02/01/2023, 03/01/2023, 04/01/2023, 05/01/2023, 09/01/2023, ...)",
    ];
    for (args, stdout) in [
        (&["report", "--year", "2023"][..], &json),
        (&["report", "--year", "2023", "--format", "csv"][..], &csv),
    ] {
        let out = sportello(&db, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {stderr}");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            stdout.as_str(),
            "{args:?}: the standard output is the report alone, byte for byte"
        );
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(
            lines, expected,
            "{args:?}: one line per desk with gaps, by code"
        );
    }

    let one = sportello(&db, &["report", "--year", "2023", "--desk", "FOL"]);
    let stderr = String::from_utf8_lossy(&one.stderr);
    assert_eq!(
        stderr.lines().collect::<Vec<_>>(),
        [expected[0]],
        "--desk: that desk's line alone"
    );
}
