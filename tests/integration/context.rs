//! The report's context tables: the 2023 figures shipped as the 2023 report printed
//! them, a year loaded from ISTAT's files (each layout of docs/context.md), and every
//! malformed file refused with its file, line and column, nothing stored.
//!
//! The files here are made up in ISTAT's layouts: the figures and the codes (900xxx for
//! municipalities, invented three-digit country codes but 100, Italy) are test values.

use std::io::Write;

use sportello::Store;
use sportello::context::{self, Source};

use crate::cli::sportello;
use crate::export_import::now;

/// The 2023 report's "Incidenza percentuale dei residenti stranieri": per municipality,
/// the share of foreigners among males, females and all residents.
const SEED_SHARES: [(&str, [f64; 3]); 20] = [
    ("Arcidosso", [19.6, 15.7, 17.7]),
    ("Campagnatico", [13.6, 8.6, 11.2]),
    ("Castel del Piano", [19.7, 17.2, 18.5]),
    ("Castell'Azzara", [11.3, 11.9, 11.6]),
    ("Castiglione della Pescaia", [8.5, 8.7, 8.6]),
    ("Cinigiano", [21.2, 16.7, 19.0]),
    ("Civitella Paganico", [16.0, 13.3, 14.7]),
    ("Follonica", [6.3, 7.8, 7.1]),
    ("Gavorrano", [11.7, 11.2, 11.5]),
    ("Grosseto", [9.1, 9.2, 9.2]),
    ("Massa Marittima", [14.0, 12.7, 13.3]),
    ("Monterotondo Marittimo", [28.5, 23.8, 26.3]),
    ("Montieri", [30.1, 29.8, 30.0]),
    ("Roccalbegna", [9.6, 11.5, 10.6]),
    ("Roccastrada", [14.0, 13.4, 13.7]),
    ("Santa Fiora", [14.1, 13.3, 13.7]),
    ("Scansano", [21.5, 17.5, 19.5]),
    ("Scarlino", [7.1, 8.2, 7.6]),
    ("Seggiano", [23.1, 20.9, 22.0]),
    ("Semproniano", [9.6, 10.1, 9.8]),
];

fn store() -> Store {
    Store::open_in_memory().unwrap()
}

fn zone(store: &Store) -> Vec<String> {
    context::zone(store.conn()).unwrap()
}

#[test]
fn the_2023_figures_add_up_to_the_reports_totals_and_shares() {
    let s = store();
    let c = context::show(s.conn(), 2023)
        .unwrap()
        .expect("2023 is shipped");
    let sum = |f: fn(&context::Residents) -> i64| c.municipalities.iter().map(f).sum::<i64>();
    let t = &c.total;
    assert_eq!(
        (t.males, t.females, t.total),
        (81_851, 86_410, 168_261),
        "residents: the report's Totale complessivo"
    );
    assert_eq!(
        (t.foreign_males, t.foreign_females, t.foreign_total),
        (9_107, 9_174, 18_281),
        "foreign residents: the report's Totale complessivo"
    );
    assert_eq!(
        (sum(|r| r.males), sum(|r| r.foreign_total)),
        (t.males, t.foreign_total),
        "the total is the sum of the rows"
    );
    let s3 = t.foreign_share;
    assert_eq!((s3.males, s3.females, s3.total), (11.1, 10.6, 10.9));
    let names: Vec<&str> = c
        .municipalities
        .iter()
        .map(|m| m.municipality.as_str())
        .collect();
    let seed: Vec<&str> = SEED_SHARES.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, seed, "the 20 municipalities, in the report's order");
    for (m, (name, shares)) in c.municipalities.iter().zip(SEED_SHARES) {
        let got = [
            m.foreign_share.males,
            m.foreign_share.females,
            m.foreign_share.total,
        ];
        assert_eq!(got, shares, "{name}: the report's percentages");
        assert_eq!(m.total, m.males + m.females, "{name}");
        assert!(m.istat_code.is_none(), "the report prints no ISTAT code");
    }
    let follonica = &c.municipalities[7];
    assert_eq!(
        (follonica.total, follonica.foreign_share.total),
        (20_457, 7.1)
    );

    let desks: Vec<(&str, &str)> = c
        .desks
        .iter()
        .map(|d| (d.desk.as_str(), d.municipality.as_str()))
        .collect();
    assert_eq!(desks, [("FOL", "Follonica"), ("GRO", "Grosseto")]);
    let top = |i: usize| -> Vec<(String, i64)> {
        c.desks[i]
            .nationalities
            .iter()
            .map(|n| (n.name.clone(), n.residents))
            .collect()
    };
    let expect = |v: &[(&str, i64)]| -> Vec<(String, i64)> {
        v.iter().map(|(n, r)| (n.to_string(), *r)).collect()
    };
    assert_eq!(
        top(1),
        expect(&[
            ("Romania", 1767),
            ("Albania", 1000),
            ("Ucraina", 626),
            ("Moldova", 446),
            ("Marocco", 423),
            ("Pakistan", 277)
        ]),
        "Grosseto, Ukraine as reconstructed"
    );
    assert_eq!(
        top(0),
        expect(&[
            ("Ucraina", 362),
            ("Romania", 293),
            ("Albania", 175),
            ("Senegal", 125),
            ("Cina", 70),
            ("Polonia", 59)
        ])
    );
    assert_eq!(c.desks[1].foreign_residents, 7477);
    assert!(
        c.note.contains("626") && c.note.contains("\"26\""),
        "the reconstruction is said: {}",
        c.note
    );
    assert_eq!(c.loaded_at, None, "shipped with the program");
    assert!(
        context::show(s.conn(), 2024).unwrap().is_none(),
        "no other year stands in"
    );
}

/// A residents-by-citizenship file (RCS) of `year` for `municipalities`: Italians,
/// Romanians, Albanians and a citizenship with nobody, per municipality, plus the rows
/// of the province and of a municipality outside the zone.
pub(crate) fn rcs(year: i32, municipalities: &[String]) -> String {
    let mut out = String::from(
        "Anno;Codice Istat;Denominazione;Codice stato di cittadinanza;Stato di cittadinanza;\
         Zona;Continente;Maschi;Femmine;Totale\r\n",
    );
    let mut row = |code: &str, name: &str, country: (&str, &str), m: u64, f: u64| {
        out.push_str(&format!(
            "{year};{code};{name};{};{};Zona;Continente;{m};{f};{}\r\n",
            country.0,
            country.1,
            m + f
        ));
    };
    row(
        "900",
        "Provincia inventata",
        ("100", "Italia"),
        99_999,
        99_999,
    );
    row("900999", "Comune fuori zona", ("100", "Italia"), 5, 5);
    for (i, name) in municipalities.iter().enumerate() {
        let i = i as u64;
        let code = format!("900{:03}", i + 1);
        row(&code, name, ("100", "Italia"), 1000 + i, 1100 + i);
        row(&code, name, ("235", "Romania"), 10 + i, 20 + i);
        row(&code, name, ("201", "Albania"), 5, 7);
        row(&code, name, ("777", "Nessuno"), 0, 0);
    }
    out
}

/// The age files of `year` (POSAS and STRASA): a title, three ages and the total row
/// per municipality, a note at the end; as demo.istat.it writes them (BOM, CRLF).
pub(crate) fn age_files(year: i32, municipalities: &[String]) -> (String, String) {
    let mut posas = format!(
        "\u{feff}\"Popolazione residente per età e sesso al 1° gennaio {year}\"\r\n\
         \"Codice comune\";\"Comune\";\"Età\";\"Totale maschi\";\"Totale femmine\";\"Totale\"\r\n"
    );
    let mut strasa = format!(
        "\u{feff}\"Popolazione straniera residente per età e sesso al 1° gennaio {year}\"\r\n\
         \"Codice comune\";\"Comune\";\"Età\";\"Maschi\";\"Femmine\"\r\n"
    );
    for (i, name) in municipalities.iter().enumerate() {
        let code = format!("900{:03}", i + 1);
        for (age, m, f) in [(0, 10, 12), (50, 300, 320), (100, 1, 3), (999, 311, 335)] {
            posas.push_str(&format!(
                "\"{code}\";\"{name}\";{age};{m};{f};{}\r\n",
                m + f
            ));
        }
        for (age, m, f) in [(0, 1, 2), (50, 30, 20), (999, 31, 22)] {
            strasa.push_str(&format!("\"{code}\";\"{name}\";{age};{m};{f}\r\n"));
        }
    }
    posas.push_str("\"Nota: dati provvisori.\"\r\n");
    (posas, strasa)
}

fn source(name: &str, text: &str) -> Source {
    Source {
        name: name.into(),
        bytes: text.as_bytes().to_vec(),
    }
}

#[test]
fn a_citizenship_file_gives_residents_foreigners_and_nationalities() {
    let mut s = store();
    let z = zone(&s);
    let loaded = context::load_sources(
        s.conn_mut(),
        2024,
        &[source("rcs.csv", &rcs(2024, &z))],
        now(),
    )
    .unwrap();
    assert_eq!(loaded.municipalities, 20);
    assert_eq!(
        loaded.nationalities, 40,
        "two nationalities with residents each"
    );
    assert_eq!(
        loaded.files[0].others, 1,
        "the municipality outside the zone"
    );
    let c = context::show(s.conn(), 2024).unwrap().unwrap();
    let grosseto = c
        .municipalities
        .iter()
        .find(|m| m.municipality == "Grosseto")
        .unwrap();
    // Grosseto is the tenth: i = 9
    assert_eq!(
        (
            grosseto.males,
            grosseto.females,
            grosseto.foreign_males,
            grosseto.foreign_females
        ),
        (1009 + 19 + 5, 1109 + 29 + 7, 19 + 5, 29 + 7)
    );
    assert_eq!(grosseto.istat_code.as_deref(), Some("900010"));
    let gro = c.desks.iter().find(|d| d.desk == "GRO").unwrap();
    let names: Vec<(&str, i64, Option<&str>)> = gro
        .nationalities
        .iter()
        .map(|n| (n.name.as_str(), n.residents, n.istat_code.as_deref()))
        .collect();
    assert_eq!(
        names,
        [("Romania", 48, Some("235")), ("Albania", 12, Some("201"))]
    );
    assert_eq!(
        gro.nationalities[0].percent, 80.0,
        "48 of 60 foreign residents"
    );
    assert!(c.source.contains("rcs.csv"), "{}", c.source);
    assert!(c.loaded_at.is_some());
    // the shipped year is untouched
    assert_eq!(
        context::show(s.conn(), 2023).unwrap().unwrap().total.total,
        168_261
    );
    let years: Vec<i32> = context::years(s.conn())
        .unwrap()
        .iter()
        .map(|y| y.year)
        .collect();
    assert_eq!(years, [2023, 2024]);
}

#[test]
fn the_age_files_give_residents_and_foreigners_without_nationalities() {
    let mut s = store();
    let z = zone(&s);
    let (posas, strasa) = age_files(2024, &z);
    let sources = [source("POSAS.csv", &posas), source("STRASA.csv", &strasa)];
    let loaded = context::load_sources(s.conn_mut(), 2024, &sources, now()).unwrap();
    assert_eq!((loaded.municipalities, loaded.nationalities), (20, 0));
    let c = context::show(s.conn(), 2024).unwrap().unwrap();
    let m = &c.municipalities[0];
    assert_eq!(
        (m.males, m.females, m.foreign_males, m.foreign_females),
        (311, 335, 31, 22)
    );
    assert_eq!(c.total.total, 20 * 646);
    assert!(c.desks.iter().all(|d| d.nationalities.is_empty()));
    assert!(
        c.source.contains("1° gennaio 2024"),
        "the titles: {}",
        c.source
    );
}

#[test]
fn latin1_and_utf8_read_the_same_and_the_zip_as_downloaded_too() {
    let mut s = store();
    let z = zone(&s);
    let (posas, strasa) = age_files(2024, &z);
    let latin1: Vec<u8> = posas
        .trim_start_matches('\u{feff}')
        .chars()
        .map(|c| u8::try_from(u32::from(c)).expect("Latin-1 text"))
        .collect();
    let sources = [
        Source {
            name: "latin1.csv".into(),
            bytes: latin1,
        },
        source("STRASA.csv", &strasa),
    ];
    let loaded = context::load_sources(s.conn_mut(), 2024, &sources, now()).unwrap();
    assert!(loaded.files[0].latin1 && !loaded.files[1].latin1);
    let a = context::show(s.conn(), 2024).unwrap().unwrap();

    let dir = tempfile::tempdir().unwrap();
    let zip_path = dir.path().join("POSAS_2024_it_Comuni.zip");
    let mut w = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    w.start_file(
        "POSAS_2024_it_Comuni.csv",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    w.write_all(posas.as_bytes()).unwrap();
    w.finish().unwrap();
    let csv_path = dir.path().join("STRASA_2024_it_Comuni.csv");
    std::fs::write(&csv_path, &strasa).unwrap();
    context::load(s.conn_mut(), 2024, &[zip_path, csv_path], now()).unwrap();
    let b = context::show(s.conn(), 2024).unwrap().unwrap();
    assert_eq!(a.municipalities, b.municipalities, "the same figures");
    assert!(
        b.source
            .contains("POSAS_2024_it_Comuni.zip (POSAS_2024_it_Comuni.csv)"),
        "{}",
        b.source
    );
}

/// A malformed file: what the load says (problem, line, column) and that the year is
/// left as it was.
struct Bad {
    what: &'static str,
    files: Vec<(&'static str, Vec<u8>)>,
    problem: &'static str,
    line: Option<usize>,
    column: Option<&'static str>,
}

fn bad(
    what: &'static str,
    files: Vec<(&'static str, String)>,
    problem: &'static str,
    line: Option<usize>,
    column: Option<&'static str>,
) -> Bad {
    Bad {
        what,
        files: files
            .into_iter()
            .map(|(n, t)| (n, t.into_bytes()))
            .collect(),
        problem,
        line,
        column,
    }
}

/// `text` with line `n` (from 1) replaced by `f(line)`.
fn edit(text: &str, n: usize, f: impl Fn(&str) -> String) -> String {
    text.split("\r\n")
        .enumerate()
        .map(|(i, l)| if i + 1 == n { f(l) } else { l.to_string() })
        .collect::<Vec<_>>()
        .join("\r\n")
}

#[test]
fn a_malformed_file_changes_nothing_and_names_file_line_and_column() {
    let mut s = store();
    let z = zone(&s);
    let good = rcs(2024, &z);
    context::load_sources(s.conn_mut(), 2024, &[source("good.csv", &good)], now()).unwrap();
    let before = context::show(s.conn(), 2024).unwrap();
    let (posas, strasa) = age_files(2024, &z);
    // line 2: the province; 3: outside the zone; 4 to 7: the first municipality
    let cases = vec![
        bad("empty", vec![("a.csv", String::new())], "empty", None, None),
        bad(
            "blanks only",
            vec![("a.csv", " \r\n\r\n".into())],
            "empty",
            None,
            None,
        ),
        bad(
            "a wrong header",
            vec![(
                "a.csv",
                edit(&good, 1, |_| "Comune;Residenti;Stranieri".into()),
            )],
            "header",
            Some(1),
            None,
        ),
        bad(
            "a missing column",
            vec![(
                "a.csv",
                edit(&good, 1, |l| l.replace("Stato di cittadinanza;", "Stato;")),
            )],
            "missing_column",
            Some(1),
            Some("Stato di cittadinanza"),
        ),
        bad(
            "a column twice",
            vec![("a.csv", edit(&good, 1, |l| l.replace("Zona;", "Maschi;")))],
            "duplicate_column",
            Some(1),
            Some("Maschi"),
        ),
        bad(
            "not a number",
            vec![("a.csv", edit(&good, 4, |l| l.replace(";1000;", ";1.000;")))],
            "number",
            Some(4),
            Some("Maschi"),
        ),
        bad(
            "negative",
            vec![("a.csv", edit(&good, 6, |l| l.replace(";5;7;12", ";-5;7;2")))],
            "negative",
            Some(6),
            Some("Maschi"),
        ),
        bad(
            "an empty count",
            vec![("a.csv", edit(&good, 4, |l| l.replace(";1100;", ";;")))],
            "number",
            Some(4),
            Some("Femmine"),
        ),
        bad(
            "a total that is not the sum",
            vec![(
                "a.csv",
                edit(&good, 5, |l| l.replace(";10;20;30", ";10;20;31")),
            )],
            "totals",
            Some(5),
            Some("Totale"),
        ),
        bad(
            "a row twice (a municipality and citizenship)",
            vec![(
                "a.csv",
                format!("{good}{}\r\n", good.split("\r\n").nth(5).unwrap()),
            )],
            "duplicate_row",
            Some(z.len() * 4 + 4),
            Some("Codice stato di cittadinanza"),
        ),
        bad(
            "another year",
            vec![("a.csv", edit(&good, 4, |l| l.replacen("2024", "2023", 1)))],
            "year",
            Some(4),
            Some("Anno"),
        ),
        bad(
            "a code without its leading zeros",
            vec![("a.csv", good.replace(";900001;", ";90001;"))],
            "code",
            Some(4),
            Some("Codice Istat"),
        ),
        bad(
            "one code under two names",
            vec![(
                "a.csv",
                edit(&good, 5, |l| l.replace(";900001;", ";900002;")),
            )],
            "name",
            Some(5),
            Some("Codice Istat"),
        ),
        bad(
            "a line cut in a quote",
            vec![("a.csv", edit(&good, 6, |l| format!("{};\"Rom", &l[..20])))],
            "quote",
            Some(6),
            Some("Codice stato di cittadinanza"),
        ),
        bad(
            "a line cut short",
            vec![("a.csv", edit(&good, 6, |l| l[..20].to_string()))],
            "field_count",
            Some(6),
            None,
        ),
        bad(
            "cut at a row: a municipality missing",
            vec![(
                "a.csv",
                good.split("\r\n").take(40).collect::<Vec<_>>().join("\r\n"),
            )],
            "missing_municipality",
            None,
            None,
        ),
        bad(
            "a binary file",
            vec![("a.csv", "PK\u{3}\u{4}\u{0}\u{0}".into())],
            "encoding",
            Some(1),
            None,
        ),
        bad(
            "a stray carriage return",
            vec![("a.csv", good.replacen("Italia;", "Ita\rlia;", 1))],
            "encoding",
            Some(2),
            None,
        ),
        bad(
            "the age files: the year of the title",
            vec![
                ("p.csv", posas.replace("gennaio 2024", "gennaio 2023")),
                ("s.csv", strasa.clone()),
            ],
            "year",
            Some(1),
            None,
        ),
        bad(
            "the age files: no total row",
            vec![
                ("p.csv", edit(&posas, 6, |_| String::new())),
                ("s.csv", strasa.clone()),
            ],
            "missing_total",
            None,
            None,
        ),
        bad(
            "the age files: an age missing",
            vec![
                ("p.csv", edit(&posas, 4, |_| String::new())),
                ("s.csv", strasa.clone()),
            ],
            "totals",
            Some(6),
            None,
        ),
        bad(
            "the age files: an age out of range",
            vec![
                ("p.csv", edit(&posas, 3, |l| l.replacen(";0;", ";101;", 1))),
                ("s.csv", strasa.clone()),
            ],
            "age",
            Some(3),
            Some("Età"),
        ),
        bad(
            "the age files: a row after the note",
            vec![
                (
                    "p.csv",
                    format!("{posas}\"900001\";\"Arcidosso\";7;1;1;2\r\n"),
                ),
                ("s.csv", strasa.clone()),
            ],
            "after_notes",
            Some(z.len() * 4 + 4),
            None,
        ),
        bad(
            "the age files: more foreigners than residents",
            vec![
                ("p.csv", posas.clone()),
                (
                    "s.csv",
                    edit(
                        &edit(&strasa, 5, |l| l.replace(";31;22", ";400;22")),
                        4,
                        |l| l.replace(";30;20", ";399;20"),
                    ),
                ),
            ],
            "foreigners",
            Some(3),
            None,
        ),
        bad(
            "the age files: the residents' title over foreigners' columns",
            vec![
                (
                    "p.csv",
                    posas.replace("Popolazione residente", "Popolazione straniera residente"),
                ),
                ("s.csv", strasa.clone()),
            ],
            "header",
            Some(1),
            None,
        ),
        bad(
            "the residents alone",
            vec![("p.csv", posas.clone())],
            "files",
            None,
            None,
        ),
        bad(
            "a citizenship file with an age file",
            vec![("a.csv", good.clone()), ("p.csv", posas.clone())],
            "files",
            None,
            None,
        ),
    ];
    for case in cases {
        let sources: Vec<Source> = case
            .files
            .iter()
            .map(|(n, b)| Source {
                name: n.to_string(),
                bytes: b.clone(),
            })
            .collect();
        let e = context::load_sources(s.conn_mut(), 2024, &sources, now()).expect_err(case.what);
        let sportello::Error::BadFile(p) = &e else {
            panic!("{}: {e:?}", case.what);
        };
        let (file, line, column, problem) = (&p.file, &p.line, &p.column, &p.problem);
        assert_eq!(*problem, case.problem, "{}: {e}", case.what);
        assert_eq!(*line, case.line, "{}: {e}", case.what);
        assert_eq!(column.as_deref(), case.column, "{}: {e}", case.what);
        assert!(
            case.files.iter().any(|(n, _)| file.contains(n)),
            "{}: names the file: {e}",
            case.what
        );
        assert_eq!(e.code(), "bad_file");
        assert_eq!(
            context::show(s.conn(), 2024).unwrap(),
            before,
            "{}: nothing changed",
            case.what
        );
    }
}

#[test]
fn the_header_may_be_comma_separated_a_bom_dropped_and_blank_lines_skipped() {
    let mut s = store();
    let z = zone(&s);
    let semicolons = rcs(2024, &z);
    // a spreadsheet's lines of separators only are blank lines, before the header too
    let commas = semicolons
        .replace(';', ",")
        .replacen("\r\n", "\r\n,,,\r\n", 2);
    let commas = format!("\u{feff},,,,\r\n{commas}");
    context::load_sources(s.conn_mut(), 2024, &[source("a.csv", &commas)], now()).unwrap();
    let a = context::show(s.conn(), 2024).unwrap().unwrap();
    assert_eq!(
        a.source, "ISTAT, demo.istat.it: a.csv",
        "no title: the blanks are skipped"
    );
    context::load_sources(s.conn_mut(), 2024, &[source("b.csv", &semicolons)], now()).unwrap();
    let b = context::show(s.conn(), 2024).unwrap().unwrap();
    assert_eq!(a.municipalities, b.municipalities);
}

#[test]
fn a_desk_is_mapped_to_a_municipality_of_the_zone() {
    let s = store();
    context::set_desk_municipality(s.conn(), "SCA", Some("scansano")).unwrap();
    let c = context::show(s.conn(), 2023).unwrap().unwrap();
    let sca = c.desks.iter().find(|d| d.desk == "SCA").unwrap();
    assert_eq!(sca.municipality, "Scansano", "the zone's spelling");
    assert!(
        sca.nationalities.is_empty(),
        "the report printed none for Scansano"
    );
    assert_eq!(sca.foreign_residents, 846);
    let e = context::set_desk_municipality(s.conn(), "SCA", Some("Siena")).unwrap_err();
    assert_eq!(e.code(), "invalid");
    assert!(context::set_desk_municipality(s.conn(), "sca", Some("Scansano")).is_err());
    context::set_desk_municipality(s.conn(), "SCA", None).unwrap();
    let c = context::for_report(s.conn(), 2023, Some("FOL"))
        .unwrap()
        .unwrap();
    let desks: Vec<&str> = c.desks.iter().map(|d| d.desk.as_str()).collect();
    assert_eq!(
        desks,
        ["FOL"],
        "the report of one desk: its municipality only"
    );
}

#[test]
fn the_command_line_loads_and_shows_a_year_and_refuses_a_bad_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db");
    let z: Vec<String> = {
        let s = Store::open(&db, now()).unwrap();
        zone(&s)
    };
    let file = dir.path().join("Dati_cittadinanza_2024.csv");
    std::fs::write(&file, rcs(2024, &z)).unwrap();
    let f = file.to_str().unwrap();
    let out = sportello(&db, &["context", "load", "--year", "2024", f]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("2024: 20 municipalities and 40 nationality rows stored"),
        "{text}"
    );

    let out = sportello(
        &db,
        &["context", "show", "--year", "2024", "--format", "json"],
    );
    assert!(out.status.success());
    let shown = out.stdout;
    let json: serde_json::Value = serde_json::from_slice(&shown).unwrap();
    assert_eq!(json["year"], 2024);
    assert_eq!(json["municipalities"].as_array().unwrap().len(), 20);

    let broken = dir.path().join("broken.csv");
    std::fs::write(&broken, rcs(2024, &z).replace(";1000;", ";mille;")).unwrap();
    let out = sportello(
        &db,
        &[
            "context",
            "load",
            "--year",
            "2024",
            broken.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("broken.csv, line 4, column \"Maschi\"") && err.contains("'mille'"),
        "file, line, column and value: {err}"
    );
    let again = sportello(
        &db,
        &["context", "show", "--year", "2024", "--format", "json"],
    );
    assert_eq!(again.stdout, shown, "nothing stored");
    let text = sportello(&db, &["context", "show", "--year", "2023"]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Totale complessivo") && text.contains("168.261") && text.contains("10,9%"),
        "{text}"
    );
    let none = sportello(&db, &["context", "show", "--year", "2022"]);
    assert!(!none.status.success());
    assert!(String::from_utf8_lossy(&none.stderr).contains("context load --year 2022"));
}

/// A database with one access at Grosseto in 2023 and one in 2024 (2024 has no context
/// data), and the workbook of `year` written from it.
fn report_db(dir: &std::path::Path) -> std::path::PathBuf {
    let db = dir.join("r.db");
    let mut store = Store::open(&db, now()).unwrap();
    let gro = sportello::desk::presets().remove(0);
    sportello::desk::set_own(store.conn_mut(), &gro, now()).unwrap();
    for day in ["2023-03-06", "2024-03-05"] {
        let a = crate::export_import::access_on(day);
        sportello::register::accesses::record(store.conn_mut(), &a, "op", now().into()).unwrap();
    }
    db
}

fn run(db: &std::path::Path, args: &[&str]) -> String {
    let out = sportello(db, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_report_publishes_the_context_exact_and_the_json_stays_the_contracts() {
    let dir = tempfile::tempdir().unwrap();
    let db = report_db(dir.path());
    // protected (the default): the context is public data, published exact
    let csv = run(
        &db,
        &["report", "--year", "2023", "--format", "csv", "--k", "1000"],
    );
    for line in [
        "context_residents,ALL,municipality/sex,Grosseto/maschio,Grosseto / Maschi,39228",
        "context_residents,ALL,municipality/sex,Grosseto/total,Grosseto / Totale,81608",
        "context_residents,ALL,municipality/sex,total/total,Totale / Totale,168261",
        "context_foreign_residents,ALL,municipality/sex,total/femmina,Totale / Femmine,9174",
        "context_foreign_residents,ALL,municipality/sex,Castell'Azzara/maschio,Castell'Azzara / Maschi,72",
        "context_nationalities,FOL,municipality/nationality,Follonica/Polonia,Follonica / Polonia,59",
        "context_nationalities,GRO,municipality/nationality,Grosseto/Ucraina,Grosseto / Ucraina,626",
    ] {
        assert!(csv.contains(&format!("{line}\r\n")), "{line}");
    }
    let one = run(
        &db,
        &[
            "report", "--year", "2023", "--desk", "FOL", "--format", "csv",
        ],
    );
    assert!(
        one.contains("context_residents,ALL,"),
        "the zone for every desk"
    );
    assert!(
        !one.contains("context_nationalities,GRO"),
        "only FOL's municipality"
    );
    let later = run(&db, &["report", "--year", "2024", "--format", "csv"]);
    assert!(
        !later.contains("context_"),
        "2024 has no context: no lines, no other year"
    );

    let json: serde_json::Value =
        serde_json::from_str(&run(&db, &["report", "--year", "2023"])).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        ["period", "desks", "total"],
        "the contract's JSON, unchanged"
    );

    use calamine::{Data, Reader, Xlsx, open_workbook};
    let path = dir.path().join("r.xlsx");
    let p = path.to_str().unwrap();
    run(
        &db,
        &["report", "--year", "2023", "--format", "xlsx", "--out", p],
    );
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    let names = wb.sheet_names();
    assert!(
        names.iter().any(|n| n == "context_nationalities"),
        "{names:?}"
    );
    let foreign = wb.worksheet_range("context_foreign_residents").unwrap();
    let rows: Vec<&[Data]> = foreign.rows().collect();
    let header: Vec<String> = rows[1].iter().map(|d| d.to_string()).collect();
    assert_eq!(
        header,
        [
            "Sede",
            "Codice",
            "Voce",
            "Maschi",
            "Femmine",
            "Totale",
            "% stranieri (maschi)",
            "% stranieri (femmine)",
            "% stranieri (totale)"
        ]
    );
    let follonica = rows
        .iter()
        .find(|r| r[2] == Data::String("Follonica".into()))
        .unwrap();
    assert_eq!(follonica[5], Data::Float(1453.0));
    assert_eq!(follonica[8], Data::Float(0.071), "7,1%");
    let total = rows.last().unwrap();
    assert_eq!(
        (&total[1], &total[5], &total[8]),
        (
            &Data::String("total".into()),
            &Data::Float(18281.0),
            &Data::Float(0.109)
        )
    );
    let nat = wb.worksheet_range("context_nationalities").unwrap();
    let gro: Vec<Vec<String>> = nat
        .rows()
        .filter(|r| r[0] == Data::String("GRO".into()))
        .map(|r| r.iter().take(4).map(|d| d.to_string()).collect())
        .collect();
    assert_eq!(gro.len(), 6);
    assert_eq!(gro[2], ["GRO", "Grosseto", "Ucraina", "626"]);
    let note = |wb: &mut Xlsx<_>| -> String {
        let r = wb.worksheet_range("Note").unwrap();
        r.rows()
            .find(|row| row[0] == Data::String("Contesto".into()))
            .map(|row| row[1].to_string())
            .expect("a Contesto line")
    };
    assert!(
        note(&mut wb).starts_with("2023 (Rapporto di attività 2023"),
        "{}",
        note(&mut wb)
    );

    let path = dir.path().join("r2024.xlsx");
    let p = path.to_str().unwrap();
    run(
        &db,
        &["report", "--year", "2024", "--format", "xlsx", "--out", p],
    );
    let mut wb: Xlsx<_> = open_workbook(&path).unwrap();
    assert!(!wb.sheet_names().iter().any(|n| n.starts_with("context_")));
    assert!(
        note(&mut wb).contains("nessun dato di contesto"),
        "{}",
        note(&mut wb)
    );
}
