//! The report's tables and their CSV (`sportello report --format csv`): known answers
//! on a hand-made data set, the exact copy equal to the contract's JSON, and small
//! cells that cannot be worked out from what is published.

use serde_json::Value;
use sportello::Store;
use sportello::exchange::export::{self, Selection};
use sportello::exchange::import;
use sportello::register::accesses::{self, NewAccess};
use sportello::report::tables;

use crate::cli::sportello;
use crate::export_import::{access_on, clock, desk_store, now};
use crate::report::grosseto;

fn record(store: &mut Store, a: &NewAccess, n: usize) -> Vec<String> {
    (0..n)
        .map(|_| {
            accesses::record(store.conn_mut(), a, "op", now().into())
                .unwrap()
                .id
        })
        .collect()
}

fn access(date: &str, f: impl FnOnce(&mut NewAccess)) -> NewAccess {
    let mut a = access_on(date);
    f(&mut a);
    a
}

/// Grosseto, with known answers for 2023 (see the assertions); `access_on` is a
/// first access in person of a Moroccan man aged 30-39, reasons rinnovo_permesso and
/// lavoro.
pub(crate) fn known(store: &mut Store) {
    grosseto(store);
    record(store, &access("2023-03-06", |_| {}), 6);
    let ro = access("2023-03-07", |a| {
        a.channel = "telefono".into();
        a.nationality = "RO".into();
        a.sex = "femmina".into();
        a.age_band = "40-49".into();
        a.first_access = false;
        a.reasons = vec!["casa".into()];
    });
    record(store, &ro, 6);
    let it = access("2023-07-10", |a| {
        a.channel = "email".into();
        a.nationality = "IT".into();
        a.sex = "femmina".into();
        a.age_band = "18-29".into();
        a.reasons = vec!["casa".into()];
    });
    record(store, &it, 2);
    // withdrawn: never counted
    for id in record(store, &access("2023-03-08", |_| {}), 3) {
        accesses::delete(store.conn_mut(), &id, 1, "op", now().into()).unwrap();
    }
    // corrected: counts as its last revision (a Senegalese man, by phone, in May)
    let id = record(store, &access("2023-05-02", |_| {}), 1).remove(0);
    let sn = access("2023-05-02", |a| {
        a.channel = "telefono".into();
        a.nationality = "SN".into();
    });
    accesses::correct(store.conn_mut(), &id, 1, &sn, "op", now().into()).unwrap();
    // other years
    record(store, &access("2022-12-30", |_| {}), 4);
    record(store, &access("2024-01-02", |_| {}), 1);
}

#[test]
fn the_tables_give_the_known_answers() {
    let mut gro = desk_store("GRO");
    known(&mut gro);
    let t = tables::build(gro.conn(), 2023, None).unwrap();
    let desks: Vec<&str> = t.accesses.iter().map(|a| a.desk.as_str()).collect();
    assert_eq!(desks, ["GRO", "ALL"], "each desk, then the sum");
    let a = &t.accesses[0].accesses;
    assert_eq!(
        (a.front_desk, a.phone_mail, a.total),
        (6, 9, 15),
        "no tombstone, no other year"
    );

    let ty = &t.typology[0];
    assert_eq!(
        (ty.accesses, ty.first_accesses.count, ty.italians.count),
        (15, 9, 2)
    );
    assert_eq!(ty.italians.percent, 13.3, "2 of 15, one decimal");
    assert_eq!(
        ty.prevalent_sex.as_ref().unwrap().code,
        "femmina",
        "8 women, 7 men"
    );
    let codes = |v: &[tables::Share]| -> Vec<(String, i64)> {
        v.iter().map(|s| (s.code.clone(), s.count)).collect()
    };
    assert_eq!(
        codes(&ty.top_nationalities),
        [
            ("MA".into(), 6),
            ("RO".into(), 6),
            ("IT".into(), 2),
            ("SN".into(), 1)
        ],
        "a tie by code in byte order; the corrected access counts as SN"
    );
    assert_eq!(
        codes(&ty.top_reasons),
        [
            ("casa".into(), 8),
            ("lavoro".into(), 7),
            ("rinnovo_permesso".into(), 7)
        ]
    );
    assert_eq!(
        ty.top_reasons[0].label, "Casa",
        "Italian labels from the codebook"
    );

    let c = &t.cases[0].cases;
    assert_eq!(
        (c.total, c.carried_in, c.archived, c.carried_out, c.fast),
        (10, 2, 8, 2, 70)
    );

    let m = &t.months[0].months;
    assert_eq!(
        (m[2].label.as_str(), m[2].front_desk, m[2].phone_mail),
        ("Marzo", 6, 6)
    );
    assert_eq!((m[4].phone_mail, m[6].phone_mail, m[6].total), (1, 2, 2));
    assert_eq!(m.iter().map(|x| x.total).sum::<i64>(), 15);

    let cmp = &t.comparison[0];
    assert_eq!(cmp.desk, "GRO");
    assert_eq!((cmp.previous.front_desk, cmp.previous.total), (4, 4));
    assert_eq!(
        (cmp.difference.front_desk, cmp.difference.phone_mail),
        (2, 9)
    );
    assert_eq!(cmp.percent, 275.0, "from 4 to 15");
    assert!(
        tables::build(gro.conn(), 2022, None)
            .unwrap()
            .comparison
            .is_empty(),
        "2021 has no records: no comparison"
    );

    let s = &t.age_by_sex[0];
    let at = |age: &str, sex: &str| {
        let i = s.age_bands.iter().position(|l| l.code == age).unwrap();
        let j = s.sexes.iter().position(|l| l.code == sex).unwrap();
        s.counts[i][j]
    };
    assert_eq!(
        (
            at("30-39", "maschio"),
            at("40-49", "femmina"),
            at("18-29", "femmina")
        ),
        (7, 6, 2)
    );
    assert_eq!(s.counts.iter().flatten().sum::<i64>(), 15);
    assert_eq!(s.sexes[0].label, "Maschio", "codebook order");
}

/// A minimal RFC 4180 reader for the tests: records of fields.
pub(crate) fn parse(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    for line in text.split_terminator("\r\n") {
        let (mut fields, mut field, mut quoted, mut chars) =
            (Vec::new(), String::new(), false, line.chars().peekable());
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                ('"', _) => quoted = !quoted,
                (',', false) => fields.push(std::mem::take(&mut field)),
                _ => field.push(c),
            }
        }
        fields.push(field);
        records.push(fields);
    }
    records
}

/// The count of a table's line: (table, desk, code) -> count as written.
fn count<'a>(rows: &'a [Vec<String>], table: &str, desk: &str, code: &str) -> Option<&'a str> {
    rows.iter()
        .find(|r| r[0] == table && r[1] == desk && r[3] == code)
        .map(|r| r[5].as_str())
}

/// A database file in `dir`: Grosseto's known answers ([`known`]) and three accesses
/// imported from Follonica in September 2023.
pub(crate) fn two_desks(dir: &std::path::Path) -> std::path::PathBuf {
    let mut fol = desk_store("FOL");
    record(
        &mut fol,
        &access("2023-09-12", |a| a.nationality = "UA".into()),
        3,
    );
    let file = export::export(fol.conn_mut(), Selection::SinceLast, dir, clock()).unwrap();
    let db = dir.join("gro.db");
    let mut store = Store::open(&db, now()).unwrap();
    let gro = sportello::desk::presets().remove(0);
    sportello::desk::set_own(store.conn_mut(), &gro, now()).unwrap();
    known(&mut store);
    import::import_paths(store.conn_mut(), &[file.path], false, now()).unwrap();
    db
}

#[test]
fn the_exact_csv_holds_the_json_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let db = two_desks(dir.path());
    let run = |args: &[&str]| {
        let out = sportello(&db, args);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8")
    };
    let json: Value = serde_json::from_str(&run(&["report", "--year", "2023"])).unwrap();
    let text = run(&["report", "--year", "2023", "--format", "csv", "--exact"]);
    assert!(text.starts_with("table,desk,dimension,code,label,count\r\n"));
    let rows = parse(&text);
    assert!(
        rows.iter().all(|r| r.len() == 6),
        "six fields on every line"
    );
    let blocks = json["desks"]
        .as_array()
        .unwrap()
        .iter()
        .chain([&json["total"]]);
    for b in blocks {
        let desk = b["desk"].as_str().unwrap();
        let n = |table, code| -> i64 {
            count(&rows, table, desk, code)
                .unwrap_or_else(|| panic!("{table} {desk} {code}"))
                .parse()
                .unwrap()
        };
        for group in ["front_desk", "phone_mail", "total"] {
            assert_eq!(n("accesses", group), b["accesses"][group], "{desk} {group}");
        }
        assert_eq!(n("typology", "first_accesses"), b["first_accesses"]);
        assert_eq!(n("typology", "italians"), b["italians"]);
        for key in ["total", "carried_in", "archived", "carried_out", "fast"] {
            assert_eq!(n("cases", key), b["cases"][key], "{desk} cases {key}");
        }
        for (table, key) in [
            ("top_reasons", "top_reasons"),
            ("top_nationalities", "top_nationalities"),
        ] {
            let csv: Vec<(String, i64)> = rows
                .iter()
                .filter(|r| r[0] == table && r[1] == desk)
                .map(|r| (r[3].clone(), r[5].parse().unwrap()))
                .collect();
            let json: Vec<(String, i64)> = b[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    (
                        r["code"].as_str().unwrap().into(),
                        r["count"].as_i64().unwrap(),
                    )
                })
                .collect();
            assert_eq!(csv, json, "{desk} {table}, in the same order");
        }
        for (table, key) in [
            ("prevalent_age_band", "prevalent_age_band"),
            ("prevalent_sex", "prevalent_sex"),
        ] {
            let code = rows
                .iter()
                .find(|r| r[0] == table && r[1] == desk)
                .map(|r| r[3].as_str());
            assert_eq!(code, b[key].as_str(), "{desk} {table}");
        }
    }
    let desks: Vec<&str> = json["desks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["desk"].as_str().unwrap())
        .collect();
    assert_eq!(desks, ["FOL", "GRO"]);
    assert_eq!(count(&rows, "age_by_sex", "ALL", "total/total"), Some("18"));
    let order: Vec<(&str, &str)> = rows[1..]
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    let mut sorted = order.clone();
    sorted.dedup();
    let ids: Vec<&str> = sorted.iter().map(|(t, _)| *t).collect();
    let mut grouped = ids.clone();
    grouped.dedup();
    let ids: Vec<&str> = sportello::report::layout::TABLE_IDS
        .into_iter()
        .chain(sportello::report::layout::CONTEXT_TABLE_IDS)
        .collect();
    assert_eq!(
        grouped, ids,
        "each table's lines together, in the documented order; 2023's context last"
    );
    assert_eq!(
        &sorted[..3],
        [
            ("accesses", "FOL"),
            ("accesses", "GRO"),
            ("accesses", "ALL")
        ]
    );
    // the excerpt in docs/report.md
    for line in [
        "accesses,GRO,channel_group,front_desk,Front desk,6",
        "accesses,GRO,channel_group,phone_mail,Telefono/mail,9",
        "accesses,GRO,channel_group,total,Totale,15",
        "typology,GRO,indicator,first_accesses,Primi accessi,9",
        "typology,GRO,indicator,italians,Italiani,2",
        "top_reasons,GRO,reason,lavoro,Lavoro / ricerca lavoro,7",
        "months,GRO,month/channel_group,03/front_desk,Marzo / Front desk,6",
        "age_by_sex,GRO,age_band/sex,40-49/femmina,40-49 / Femmina,6",
        "age_by_sex,GRO,age_band/sex,total/total,Totale / Totale,15",
    ] {
        assert!(text.contains(&format!("{line}\r\n")), "{line}");
    }
    assert_eq!(count(&rows, "months", "GRO", "03/front_desk"), Some("6"));
}

#[test]
fn a_suppressed_count_cannot_be_worked_out_from_the_published_csv() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("gro.db");
    {
        let mut store = Store::open(&db, now()).unwrap();
        let gro = sportello::desk::presets().remove(0);
        sportello::desk::set_own(store.conn_mut(), &gro, now()).unwrap();
        known(&mut store);
    }
    let out = sportello(&db, &["report", "--year", "2023", "--format", "csv"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = parse(std::str::from_utf8(&out.stdout).unwrap());
    assert_eq!(
        count(&rows, "typology", "GRO", "italians"),
        Some("<5"),
        "2 Italians"
    );
    assert_eq!(count(&rows, "top_nationalities", "GRO", "SN"), Some("<5"));
    assert_eq!(
        count(&rows, "accesses", "GRO", "total"),
        Some("15"),
        "volumes stay exact"
    );

    // age by sex at Grosseto: every row and column whose total is shown has no
    // suppressed count, or at least two, so none is the total minus the others
    let cells: Vec<(&str, &str, &str)> = rows
        .iter()
        .filter(|r| r[0] == "age_by_sex" && r[1] == "GRO")
        .map(|r| {
            let (age, sex) = r[3].split_once('/').unwrap();
            (age, sex, r[5].as_str())
        })
        .collect();
    assert_eq!(
        cells
            .iter()
            .find(|c| c.0 == "40-49" && c.1 == "femmina")
            .unwrap()
            .2,
        "6"
    );
    assert!(cells.iter().any(|c| c.2 == "<5"));
    for by_age in [true, false] {
        let mut lines: std::collections::BTreeMap<&str, (usize, bool)> = Default::default();
        for (age, sex, v) in &cells {
            let key = if by_age { age } else { sex };
            let entry = lines.entry(key).or_default();
            // `<5` is small, `x` withheld to protect it: both are gaps
            let gap = *v == "<5" || *v == "x";
            entry.0 += usize::from(gap);
            entry.1 |= (if by_age { *sex } else { *age }) == "total" && !gap;
        }
        for (line, (gaps, total_shown)) in lines {
            assert!(
                !total_shown || gaps != 1,
                "{line}: one suppressed cell beside its total"
            );
        }
    }
    let k3 = sportello(
        &db,
        &["report", "--year", "2023", "--format", "csv", "--k", "3"],
    );
    let rows = parse(std::str::from_utf8(&k3.stdout).unwrap());
    assert_eq!(
        count(&rows, "typology", "GRO", "italians"),
        Some("<3"),
        "--k sets the threshold"
    );
}

#[test]
fn the_years_with_accesses_span_the_first_to_the_last_live_one() {
    let mut gro = desk_store("GRO");
    assert_eq!(
        tables::years(gro.conn()).unwrap(),
        None,
        "an empty register has no year to offer"
    );
    known(&mut gro);
    let y = tables::years(gro.conn()).unwrap().unwrap();
    assert_eq!((y.first, y.last), (2022, 2024));
}

#[test]
fn the_saved_csv_is_the_rendered_one_and_replaces_an_older_file_whole() {
    let mut gro = desk_store("GRO");
    known(&mut gro);
    let t = tables::build(gro.conn(), 2023, None).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rapporto-2023.csv");
    std::fs::write(&path, "an older, longer file that must not survive in part").unwrap();
    let written = sportello::report::csv::save(&t, Some(5), &path).unwrap();
    assert_eq!(written, path);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text, sportello::report::csv::render(&t, Some(5)));
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 1, "no temporary file is left behind");
    let err = sportello::report::csv::save(&t, None, dir.path().join("missing/x.csv").as_path());
    assert!(
        err.is_err(),
        "a folder that does not exist is an error, not a panic"
    );
}
