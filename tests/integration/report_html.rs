//! The printable report (`sportello report --format html`): over the 2023 demo it holds
//! the contract's JSON figures (the seed's tables), a published copy prints no count
//! below k in the tables about people nor draws one in their charts, labels are
//! escaped, and every desk shown has its four charts.

use std::path::{Path, PathBuf};

use serde_json::Value;
use sportello::codebook::{self, List, NewEntry};
use sportello::register::accesses;
use sportello::report::html;

use crate::cli::sportello;
use crate::export_import::{access_on, desk_store, now};
use crate::report_csv::two_desks;

fn run(db: &Path, args: &[&str]) -> String {
    let out = sportello(db, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn demo_2023(dir: &Path) -> PathBuf {
    let db = dir.join("demo.db");
    run(&db, &["demo", "--year", "2023"]);
    db
}

/// The text of an HTML fragment: tags dropped, the engine's entities read back.
fn text(fragment: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in fragment.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
        .trim()
        .to_string()
}

/// A printed table: its caption, its column headers, its rows (row header first).
#[derive(Debug)]
struct Printed {
    caption: String,
    columns: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// Every `<table>` of the page (the charts' SVG holds none).
fn tables(page: &str) -> Vec<Printed> {
    page.split("<table>")
        .skip(1)
        .map(|t| {
            let t = &t[..t.find("</table>").expect("a closed table")];
            let caption = t
                .find("<caption>")
                .map(|i| text(&t[i..t.find("</caption>").unwrap()]))
                .unwrap_or_default();
            let cells = |row: &str| -> Vec<String> {
                row.split("<t")
                    .skip(1)
                    .filter(|c| ["h ", "h>", "d ", "d>"].iter().any(|p| c.starts_with(p)))
                    .map(|c| text(&format!("<t{c}")))
                    .collect()
            };
            let head = &t[t.find("<thead>").unwrap()..t.find("</thead>").unwrap()];
            let body = &t[t.find("<tbody>").unwrap()..];
            Printed {
                caption,
                columns: cells(head),
                rows: body.split("<tr").skip(1).map(cells).collect(),
            }
        })
        .collect()
}

fn row<'a>(tables: &'a [Printed], head: &str, first_column: &str) -> Vec<&'a Vec<String>> {
    tables
        .iter()
        .filter(|t| t.columns.first().is_some_and(|c| c == first_column))
        .flat_map(|t| t.rows.iter())
        .filter(|r| r[0] == head)
        .collect()
}

/// Italian thousands: 9657 -> 9.657.
fn it(n: &Value) -> String {
    sportello::report::italian::number(n.as_i64().expect("a count"))
}

/// The SVG of each chart, by its caption, in page order.
fn charts(page: &str) -> Vec<(String, String)> {
    page.split("<figure class=\"chart")
        .skip(1)
        .map(|f| {
            let f = &f[..f.find("</figure>").unwrap()];
            let caption =
                text(&f[f.find("<figcaption>").unwrap()..f.find("</figcaption>").unwrap()]);
            let svg = &f[f.find("<svg").unwrap()..];
            (caption, svg.to_string())
        })
        .collect()
}

#[test]
fn the_html_of_the_2023_demo_holds_the_json_figures() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_2023(dir.path());
    let json: Value = serde_json::from_str(&run(&db, &["report", "--year", "2023"])).unwrap();
    for exact in [true, false] {
        let mut args = vec!["report", "--year", "2023", "--format", "html"];
        if exact {
            args.push("--exact");
        }
        let page = run(&db, &args);
        assert!(
            page.starts_with("<!doctype html>"),
            "a whole page on stdout"
        );
        assert!(page.contains("Sportello Info Immigrati — Rapporto attività 2023"));
        let printed = tables(&page);
        for b in json["desks"].as_array().unwrap() {
            let desk = b["desk"].as_str().unwrap();
            let name = sportello::desk::presets()
                .into_iter()
                .find(|d| d.code == desk)
                .map(|d| d.name)
                .unwrap();
            let a = &b["accesses"];
            let accesses = row(&printed, &name, "Sportello");
            assert!(
                accesses.contains(&&vec![
                    name.clone(),
                    it(&a["front_desk"]),
                    it(&a["phone_mail"]),
                    it(&a["total"])
                ]),
                "exact {exact}, {desk}: the accesses row in {accesses:?}"
            );
            let c = &b["cases"];
            let cases: Vec<String> = ["total", "carried_in", "archived", "carried_out", "fast"]
                .iter()
                .map(|k| it(&c[*k]))
                .collect();
            assert!(
                accesses.iter().any(|r| r[1..] == cases[..]),
                "exact {exact}, {desk}: the cases row {cases:?} in {accesses:?}"
            );
            // the typology of the desk, in its own table
            let typology = printed
                .iter()
                .find(|t| t.caption.starts_with(&format!("{name}:")))
                .unwrap_or_else(|| panic!("{desk}'s typology"));
            let first = typology
                .rows
                .iter()
                .find(|r| r[0] == "Primi accessi")
                .unwrap();
            if b["first_accesses"].as_i64().unwrap() >= 5 || exact {
                assert_eq!(first[2], it(&b["first_accesses"]), "{desk}");
            }
            if exact {
                for (i, n) in b["top_nationalities"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .enumerate()
                {
                    let r = typology
                        .rows
                        .iter()
                        .find(|r| r[0] == format!("Nazionalità {}", i + 1))
                        .unwrap();
                    assert_eq!(
                        (r[1].as_str(), r[2].clone()),
                        (n["label"].as_str().unwrap(), it(&n["count"])),
                        "{desk}: the nationalities in the JSON's order"
                    );
                }
            }
        }
        // the seed's figures, as the report prints them
        for figure in ["4.603", "5.054", "9.657", "976", "451", "1.427"] {
            assert!(page.contains(&format!(">{figure}<")), "{figure}");
        }
        let charts = charts(&page);
        assert_eq!(
            charts.len(),
            4 * 4,
            "four charts for GRO, FOL, SCA and the total"
        );
        assert!(charts.iter().all(|(_, svg)| svg.contains("</svg>")));
        assert!(
            page.contains(if exact {
                "Copia esatta (uso interno)."
            } else {
                "Copia protetta (k = 5)."
            }),
            "the colophon says which copy this is"
        );
    }
    // one desk: its tables and its four charts, no total repeating it
    let page = run(
        &db,
        &[
            "report", "--year", "2023", "--desk", "FOL", "--format", "html",
        ],
    );
    assert_eq!(charts(&page).len(), 4);
    assert!(!page.contains("Grafici 2023: Totale"));
    assert!(page.contains("Grafici 2023: Sportello Info Immigrati Follonica"));
    // a year without records: said, no chart
    let page = run(&db, &["report", "--year", "2019", "--format", "html"]);
    assert!(page.contains("Nessun accesso né accompagnamento registrato nel 2019"));
    assert!(!page.contains("<svg"));
}

#[test]
fn a_published_html_prints_and_draws_no_count_below_k_about_people() {
    let dir = tempfile::tempdir().unwrap();
    let db = two_desks(dir.path());
    let out = dir.path().join("report.html");
    run(
        &db,
        &[
            "report",
            "--year",
            "2023",
            "--format",
            "html",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let page = std::fs::read_to_string(&out).unwrap();
    let exact = run(
        &db,
        &["report", "--year", "2023", "--format", "html", "--exact"],
    );
    let people = |page: &str| -> Vec<Vec<String>> {
        tables(page)
            .into_iter()
            .filter(|t| {
                t.columns.last().is_some_and(|c| c == "% sugli accessi")
                    || t.columns.first().is_some_and(|c| c == "Fascia di età")
            })
            .flat_map(|t| t.rows)
            .collect()
    };
    let published = people(&page);
    assert!(!published.is_empty());
    let mut markers = 0;
    for r in &published {
        for cell in &r[1..] {
            if cell == "<5" || cell == "x" {
                markers += 1;
            } else if let Ok(n) = cell.replace('.', "").parse::<i64>() {
                assert!(n >= 5, "a count below 5 printed: {r:?}");
            }
        }
    }
    assert!(markers > 0, "the two desks have small cells");
    // the same places hold small counts in the exact copy
    let small = people(&exact)
        .iter()
        .flat_map(|r| r[1..].to_vec())
        .filter(|c| c.parse::<i64>().is_ok_and(|n| n < 5))
        .count();
    assert!(small > 0, "the exact copy prints them");
    // Grosseto's 2 Italians: a marker, and no share beside it
    let italians = row(&tables(&page), "Italiani", "Indicatore")[0].clone();
    assert_eq!(italians[2..], ["<5", "<5"], "{italians:?}");
    // Grosseto's nationalities' chart: MA 6 and RO 6 have bars, IT 2 and SN 1 markers
    let gro = |page: &str| -> String {
        let start = page
            .find("Grafici 2023: Sportello Info Immigrati Grosseto")
            .expect("Grosseto's charts");
        let section = &page[start..];
        charts(&section[..section.find("</section>").unwrap()])
            .into_iter()
            .find(|(c, _)| c == "Principali nazionalità")
            .unwrap()
            .1
    };
    let nationalities = gro(&page);
    let bars = nationalities.matches("fill=\"#1F4E79\"").count();
    assert_eq!(bars, 2, "a bar per shown count only");
    assert_eq!(nationalities.matches(">\n&lt;5\n<").count(), 2);
    assert_eq!(gro(&exact).matches("fill=\"#1F4E79\"").count(), 4);
}

#[test]
fn labels_are_escaped_in_tables_and_charts() {
    let mut store = desk_store("GRO");
    let conn = store.conn_mut();
    codebook::add_entry(
        conn,
        List::Reason,
        &NewEntry {
            code: "prova".into(),
            label: "<script>alert(1)</script> & «co»".into(),
            label_en: "test".into(),
            group: None,
        },
    )
    .unwrap();
    let mut a = access_on("2023-04-04");
    a.reasons = vec!["prova".into()];
    for _ in 0..7 {
        accesses::record(conn, &a, "op", now().into()).unwrap();
    }
    let page = html::report(store.conn(), 2023, None, Some(5)).unwrap();
    assert!(!page.contains("<script>"), "never markup from a label");
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;"),
        "escaped in the tables"
    );
    let reasons = &charts(&page)
        .into_iter()
        .find(|(c, _)| c == "Richieste principali")
        .unwrap()
        .1;
    assert!(reasons.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; «co»"));
}

#[test]
fn the_years_texts_and_its_context_tables_are_printed() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_2023(dir.path());
    let texts = dir.path().join("attivita.txt");
    std::fs::write(
        &texts,
        "Riunioni del Tavolo P.A.L. con la Prefettura.\n\nPrima < dopo & \"virgolette\".\n",
    )
    .unwrap();
    let path = texts.to_str().unwrap();
    run(
        &db,
        &[
            "report-text",
            "--year",
            "2023",
            "--section",
            "activities",
            "--set-from",
            path,
        ],
    );
    let page = run(&db, &["report", "--year", "2023", "--format", "html"]);

    // the text, escaped, one paragraph per block, under its Italian title
    assert!(page.contains("<h2>Attività</h2>"), "the section's title");
    assert!(page.contains("<p>Riunioni del Tavolo P.A.L. con la Prefettura.</p>"));
    assert!(
        page.contains("<p>Prima &lt; dopo &amp; &quot;virgolette&quot;.</p>"),
        "plain text, escaped"
    );

    // the seed's context tables, shipped for 2023
    let printed = tables(&page);
    let zone = printed
        .iter()
        .find(|t| t.caption.starts_with("Residenti e residenti stranieri"))
        .expect("the zone's residents");
    let total = zone.rows.last().expect("the total row");
    assert_eq!(
        total,
        &[
            "Totale complessivo",
            "81.851",
            "86.410",
            "168.261",
            "9.107",
            "9.174",
            "18.281"
        ]
        .map(String::from)
        .to_vec()
    );
    assert_eq!(zone.rows.len(), 21, "20 municipalities and the total");
    let shares = printed
        .iter()
        .find(|t| t.caption.starts_with("Incidenza percentuale"))
        .and_then(|t| t.rows.iter().find(|r| r[0] == "Follonica"))
        .expect("Follonica's share of foreigners");
    assert_eq!(shares[1..], ["6,3%", "7,8%", "7,1%"].map(String::from));
    let follonica = printed
        .iter()
        .find(|t| t.caption.contains("nazionalità") && t.caption.contains("Follonica"))
        .expect("Follonica's nationalities");
    assert_eq!(follonica.rows[0][..2], ["Ucraina", "362"].map(String::from));

    // a year with no context loaded prints none
    let empty = run(&db, &["report", "--year", "2022", "--format", "html"]);
    assert!(!empty.contains("Dati di contesto"));
    assert!(
        !empty.contains("<h2>Attività</h2>"),
        "texts belong to their year"
    );
}
