//! The report as an XLSX workbook (`sportello report --format xlsx`): read back, every
//! sheet holds the CSV's values for the same data (exact and protected), the sheets
//! and charts are the documented ones, and a failed write leaves nothing behind.

use std::collections::BTreeMap;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use sportello::report::{tables, xlsx};

use crate::cli::sportello;
use crate::export_import::desk_store;
use crate::report_csv::{known, parse, two_desks};

/// The documented sheets: the note, a sheet per table id (2023 has context data: its
/// tables too), the codebook.
fn sheets() -> Vec<&'static str> {
    std::iter::once("Note")
        .chain(sportello::report::layout::TABLE_IDS)
        .chain(sportello::report::layout::CONTEXT_TABLE_IDS)
        .chain(["Codebook"])
        .collect()
}

fn run(db: &Path, args: &[&str]) -> Vec<u8> {
    let out = sportello(db, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// A cell as the CSV writes it: a whole number in digits, or the text (`<5`, `x`).
fn text(d: &Data) -> Option<String> {
    match d {
        Data::Float(f) => Some(format!("{}", *f as i64)),
        Data::Int(n) => Some(n.to_string()),
        Data::String(s) => Some(s.clone()),
        Data::Empty => None,
        other => Some(format!("{other:?}")),
    }
}

/// Every value of the table sheets, keyed as the CSV can be: (table, desk, label) with
/// the CSV's label (a two-way table's row and column labels joined by ` / `).
type Values = BTreeMap<(String, String, String), String>;

fn sheet_values(wb: &mut Xlsx<std::io::BufReader<std::fs::File>>) -> Values {
    let mut out = Values::new();
    for name in sportello::report::layout::TABLE_IDS {
        let range = wb.worksheet_range(name).expect("the sheet is there");
        let rows: Vec<&[Data]> = range.rows().collect();
        let header: Vec<String> = rows[1]
            .iter()
            .map(|d| text(d).unwrap_or_default())
            .collect();
        let share = header.get(4).is_some_and(|h| h == "% degli accessi");
        let two_way = header.get(1).is_some_and(|h| h == "Codice") && !share;
        for row in &rows[2..] {
            let desk = text(&row[0]).unwrap();
            if share {
                let label = text(&row[2]).unwrap();
                out.insert((name.to_string(), desk, label), text(&row[3]).unwrap());
                continue;
            }
            let lead = if two_way { 3 } else { 1 };
            for (c, cell) in row.iter().enumerate().skip(lead) {
                let Some(v) = text(cell) else { continue };
                if header[c] == "Variazione % del totale" {
                    continue;
                }
                let label = if two_way {
                    format!("{} / {}", text(&row[2]).unwrap(), header[c])
                } else {
                    header[c].clone()
                };
                let key = (name.to_string(), desk.clone(), label);
                assert!(out.insert(key.clone(), v).is_none(), "{key:?} twice");
            }
        }
    }
    out
}

/// The CSV's values of the activity tables (the context sheets are checked in
/// `context.rs`).
fn csv_values(csv: &[u8]) -> Values {
    parse(std::str::from_utf8(csv).unwrap())[1..]
        .iter()
        .filter(|r| !r[0].starts_with("context_"))
        .map(|r| ((r[0].clone(), r[1].clone(), r[4].clone()), r[5].clone()))
        .collect()
}

fn open(path: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    open_workbook(path).expect("a workbook calamine reads")
}

/// Whether the zip holds an entry of that name (the central directory stores names
/// uncompressed).
fn has_entry(bytes: &[u8], name: &str) -> bool {
    bytes.windows(name.len()).any(|w| w == name.as_bytes())
}

#[test]
fn every_sheet_holds_the_csv_values_exact_and_protected() {
    let dir = tempfile::tempdir().unwrap();
    let db = two_desks(dir.path());
    for exact in [true, false] {
        let path = dir.path().join(format!("report-{exact}.xlsx"));
        let mut args = vec!["report", "--year", "2023", "--format", "xlsx"];
        let mut csv_args = vec!["report", "--year", "2023", "--format", "csv"];
        if exact {
            args.push("--exact");
            csv_args.push("--exact");
        }
        args.extend(["--out", path.to_str().unwrap()]);
        assert!(run(&db, &args).is_empty(), "nothing on the terminal");
        let csv = csv_values(&run(&db, &csv_args));
        let mut wb = open(&path);
        assert_eq!(
            wb.sheet_names(),
            sheets(),
            "the documented sheets, in order"
        );
        let sheets = sheet_values(&mut wb);
        assert_eq!(sheets, csv, "exact {exact}: the same values as the CSV");
        let markers = sheets.values().filter(|v| v.starts_with('<') || *v == "x");
        assert_eq!(markers.count() > 0, !exact, "exact {exact}");

        // a share is shown only beside a shown count
        let range = wb.worksheet_range("typology").unwrap();
        for row in range.rows().skip(2) {
            match (&row[3], &row[4]) {
                (Data::Float(n), Data::Float(p)) => {
                    let base = sheets
                        [&("accesses".into(), text(&row[0]).unwrap(), "Totale".into())]
                        .parse::<f64>()
                        .unwrap();
                    assert!((p - n / base).abs() < 0.0006, "{row:?}");
                }
                (Data::String(m), Data::String(p)) => assert_eq!(m, p, "{row:?}"),
                other => panic!("a share beside {other:?}"),
            }
        }
        let note = wb.worksheet_range("Note").unwrap();
        let lines: Vec<String> = note
            .rows()
            .map(|r| r.iter().filter_map(text).collect::<Vec<_>>().join(": "))
            .collect();
        assert!(lines.contains(&"Sedi: FOL, GRO".to_string()), "{lines:?}");
        let copy = if exact {
            "Copia: esatta (uso interno)"
        } else {
            "Copia: protetta (k = 5)"
        };
        assert!(lines.contains(&copy.to_string()), "{lines:?}");

        let bytes = std::fs::read(&path).unwrap();
        for n in 1..=4 {
            assert!(
                has_entry(&bytes, &format!("xl/charts/chart{n}.xml")),
                "chart {n}"
            );
        }
        assert!(!has_entry(&bytes, "xl/charts/chart5.xml"), "four charts");
    }
    // the exact copy against the contract's JSON, for the figures both hold
    let json: serde_json::Value =
        serde_json::from_slice(&run(&db, &["report", "--year", "2023"])).unwrap();
    let mut wb = open(&dir.path().join("report-true.xlsx"));
    let sheets = sheet_values(&mut wb);
    for b in json["desks"]
        .as_array()
        .unwrap()
        .iter()
        .chain([&json["total"]])
    {
        let desk = b["desk"].as_str().unwrap();
        let at =
            |t: &str, l: &str| sheets[&(t.to_string(), desk.to_string(), l.to_string())].clone();
        assert_eq!(
            at("accesses", "Totale"),
            b["accesses"]["total"].to_string(),
            "{desk}"
        );
        assert_eq!(
            at("typology", "Primi accessi"),
            b["first_accesses"].to_string()
        );
        assert_eq!(
            at("cases", "Accompagnamenti veloci"),
            b["cases"]["fast"].to_string()
        );
    }
}

#[test]
fn the_codebook_sheet_lists_every_entry() {
    let dir = tempfile::tempdir().unwrap();
    let mut gro = desk_store("GRO");
    known(&mut gro);
    let t = tables::build(gro.conn(), 2023, Some("GRO")).unwrap();
    let cb = sportello::codebook::load(gro.conn()).unwrap();
    let path = dir.path().join("gro.xlsx");
    xlsx::write(&path, &t, &cb, Some(5)).unwrap();
    assert_eq!(
        xlsx::sheet_names(&t),
        sheets(),
        "2022 has accesses: the comparison is there"
    );
    let mut wb = open(&path);
    let range = wb.worksheet_range("Codebook").unwrap();
    let rows: Vec<&[Data]> = range.rows().skip(2).collect();
    let entries: usize = sportello::codebook::List::ALL
        .iter()
        .map(|l| cb.lists.get(*l).len())
        .sum();
    assert_eq!(rows.len(), entries);
    let casa = rows
        .iter()
        .find(|r| {
            text(&r[0]).as_deref() == Some("reason") && text(&r[1]).as_deref() == Some("casa")
        })
        .expect("the reason casa");
    assert_eq!(text(&casa[2]).as_deref(), Some("Casa"));
    assert_eq!(casa[4], Data::Bool(true));
}

#[test]
fn a_failed_write_leaves_nothing_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let mut gro = desk_store("GRO");
    known(&mut gro);
    let t = tables::build(gro.conn(), 2023, None).unwrap();
    let cb = sportello::codebook::load(gro.conn()).unwrap();

    let missing = dir.path().join("no-such-folder").join("r.xlsx");
    let e = xlsx::write(&missing, &t, &cb, None).unwrap_err();
    assert_eq!(e.code(), "io", "{e}");
    assert!(
        e.to_string().contains("no-such-folder"),
        "names the path: {e}"
    );

    // the rename fails (a folder holds the name): the temporary file goes too
    let taken = dir.path().join("taken.xlsx");
    std::fs::create_dir(&taken).unwrap();
    assert!(xlsx::write(&taken, &t, &cb, None).is_err());
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["taken.xlsx"], "no temporary file left");

    // through the command line: --out is required, and the message says so
    let db = dir.path().join("x.db");
    let out = sportello(&db, &["report", "--year", "2023", "--format", "xlsx"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--out"), "{err}");
    assert!(out.stdout.is_empty(), "no binary on the terminal");
    let missing = missing.to_str().unwrap();
    let out = sportello(
        &db,
        &[
            "report", "--year", "2023", "--format", "xlsx", "--out", missing,
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-folder"));
}

#[test]
fn a_save_answers_with_the_file_it_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let mut gro = desk_store("GRO");
    known(&mut gro);
    let t = tables::build(gro.conn(), 2023, None).unwrap();
    let cb = sportello::codebook::load(gro.conn()).unwrap();
    let path = dir.path().join("rapporto.xlsx");
    assert_eq!(xlsx::save(&path, &t, &cb, Some(5)).unwrap(), path);
    assert!(std::fs::read(&path).unwrap().starts_with(b"PK"));
    // a path without a file name is the save dialog's field
    let e = xlsx::save(std::path::Path::new("/"), &t, &cb, None).unwrap_err();
    assert!(
        matches!(&e, sportello::Error::Invalid { field, .. } if field == "path"),
        "{e}"
    );
}
