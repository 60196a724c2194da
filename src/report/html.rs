//! The printable yearly report (`sportello report --format html`, and "Salva PDF" in
//! the app, which prints this page through WebKit): an A4 document laid out like the
//! 2023 activity report, from `templates/report.html.j2`.
//!
//! In order: the title with the colophon under it (which copy this is: exact, or
//! protected with threshold k and what that protects), the coordinator's text sections
//! of the year (title and plain paragraphs, [`crate::yearbook::sections`]), the
//! context tables (the ISTAT residents of the year, [`super::context_tables::printed`]),
//! the tables of the accesses' data (accesses by desk,
//! each desk's typology, the cases, the months by channel group, the comparison with
//! the previous year, age band by sex), then each desk's charts on a page of their own.
//!
//! The figures are the published tables ([`super::layout::published`]), exactly as
//! the CSV and the XLSX write them: small cells `<k`/`x` unless the copy is exact; a
//! share is printed only beside a count that is shown. The charts draw the same
//! published values ([`super::charts`]). Numbers are written the Italian way
//! ([`super::italian`]). Every value is HTML-escaped by the template engine; the
//! charts' SVG is the one thing inserted as markup, and plotters escapes its text.

use std::collections::BTreeMap;

use minijinja::context;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::charts::{self, Chart};
use super::italian;
use super::layout;
use super::publish::{Cell, Published};
use super::tables::{self, Tables};
use crate::{Result, desk, print};

/// Page size of the printed report (A4 portrait), in millimetres.
pub const REPORT_PAGE_MM: (f64, f64) = (210.0, 297.0);
/// Margins of the printed report's pages (top, right, bottom, left), in millimetres:
/// the print engine sets them on every page (`@page` in the style sheet says the same
/// for a browser).
pub const REPORT_MARGINS_MM: (f64, f64, f64, f64) = (14.0, 15.0, 16.0, 15.0);

/// A text section of the year's report, written by the coordinator (activities,
/// conventions and protocols, projects): a title and plain text, paragraphs separated
/// by blank lines. Printed as text, never as markup.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub title: String,
    pub text: String,
}

/// A table of context data as printed (the ISTAT residents of the zone's
/// municipalities): caption, column headers, rows of cells already written as they
/// are to be read (the first cell heads its row), and where the data come from.
/// The context tables' own model turns itself into these.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextTable {
    pub caption: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub source: String,
}

/// Everything the printable report is made of.
#[derive(Debug, Clone)]
pub struct Document<'a> {
    pub tables: &'a Tables,
    /// The small-cell threshold of a published copy; `None` is the exact internal copy.
    pub k: Option<i64>,
    /// Desk names by code; a desk not named here is shown by its code.
    pub desk_names: BTreeMap<String, String>,
    /// The coordinator's text sections, in order (none: no text part).
    pub sections: Vec<Section>,
    /// The context tables, printed after the sections (none: no context part).
    pub context: Vec<ContextTable>,
}

/// The printable report of `year` over every desk or only `desk`, from the database:
/// published with threshold `k`, or exact when `k` is `None`.
pub fn report(conn: &Connection, year: i32, desk: Option<&str>, k: Option<i64>) -> Result<String> {
    let tables = tables::build(conn, year, desk)?;
    let desk_names = desk::list(conn)?
        .into_iter()
        .map(|d| (d.code, d.name))
        .collect();
    let sections = crate::yearbook::sections::sections(conn, year)?
        .into_iter()
        .map(|s| Section {
            title: s.title,
            text: s.text,
        })
        .collect();
    let context = tables
        .context
        .as_ref()
        .map(super::context_tables::printed)
        .unwrap_or_default();
    render(&Document {
        tables: &tables,
        k,
        desk_names,
        sections,
        context,
    })
}

/// The report's HTML (see the module doc).
pub fn render(doc: &Document) -> Result<String> {
    let t = doc.tables;
    let published = layout::published(t, doc.k);
    let desks = shown_desks(t);
    let name = |code: &str| -> String {
        match code {
            "ALL" => "Totale".to_string(),
            _ => doc
                .desk_names
                .get(code)
                .cloned()
                .unwrap_or_else(|| code.to_string()),
        }
    };
    let of = |id: &str| -> Vec<&Published> {
        desks
            .iter()
            .filter_map(|d| {
                published
                    .iter()
                    .find(|p| p.heading.id == id && p.heading.desk == *d)
            })
            .collect()
    };
    let title_of = |id: &str| {
        published
            .iter()
            .find(|p| p.heading.id == id)
            .map(|p| p.heading.title.clone())
    };
    let one_row = |id: &str| {
        title_of(id).map(|title| Part {
            title,
            grid: false,
            tables: vec![by_desk(&of(id), "Sportello", &name)],
            note: None,
        })
    };
    let mut parts = Vec::new();
    if !desks.is_empty() {
        parts.extend(one_row("accesses"));
        parts.extend(title_of("typology").map(|title| {
            Part {
                title,
                // the reasons' labels are long: one desk's typology across the page
                grid: false,
                tables: desks
                    .iter()
                    .map(|d| typology(t, &published, d, &name(d)))
                    .collect(),
                note: None,
            }
        }));
        parts.extend(one_row("cases"));
        for id in ["months", "comparison", "age_by_sex"] {
            let group = of(id);
            let tables = group
                .iter()
                .map(|p| two_way(t, p, &name(&p.heading.desk)))
                .collect();
            match title_of(id) {
                Some(title) => parts.push(Part {
                    title,
                    grid: true,
                    tables,
                    note: None,
                }),
                // the previous year has no accesses: the comparison says so
                None if id == "comparison" => parts.push(Part {
                    title: format!("Accessi {} rispetto al {}", t.year, t.year - 1),
                    grid: false,
                    tables,
                    note: Some(format!(
                        "Nessun accesso registrato nel {}: nessun confronto.",
                        t.year - 1
                    )),
                }),
                None => {}
            }
        }
    }
    let charts = desks
        .iter()
        .map(|d| {
            Ok(DeskCharts {
                desk: name(d),
                charts: charts::for_desk(&published, d)?
                    .into_iter()
                    .map(ChartView::of)
                    .collect(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let sections: Vec<_> = doc
        .sections
        .iter()
        .map(|s| context! { title => s.title, paragraphs => paragraphs(&s.text) })
        .collect();
    let copy = layout::copy(doc.k);
    let (from, to) = (format!("01/01/{}", t.year), format!("31/12/{}", t.year));
    print::render(
        "report.html.j2",
        context! {
            year => t.year,
            period => format!("{from} – {to}"),
            desks => desks.iter().filter(|d| *d != "ALL").map(|d| name(d)).collect::<Vec<_>>(),
            exact => doc.k.is_none(),
            k => doc.k,
            copy => copy.name,
            rule => copy.rule,
            sections => sections,
            context => doc.context,
            parts => parts,
            charts => charts,
        },
    )
}

/// The desks the report shows: each desk with records, then `"ALL"` when there are
/// several; with a desk asked for, that desk alone (its `"ALL"` would repeat it).
fn shown_desks(t: &Tables) -> Vec<String> {
    let desks: Vec<String> = t
        .accesses
        .iter()
        .map(|a| a.desk.clone())
        .filter(|d| d != "ALL")
        .collect();
    if t.desk.is_some() || desks.len() < 2 {
        return desks;
    }
    desks.into_iter().chain(["ALL".to_string()]).collect()
}

/// Plain text cut into paragraphs at blank lines; the line breaks inside a paragraph
/// are kept (the template prints them as they are).
fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(current.join("\n"));
                current.clear();
            }
        } else {
            current.push(line.trim_end());
        }
    }
    if !current.is_empty() {
        out.push(current.join("\n"));
    }
    out
}

/// A heading of the data part and its tables (side by side when `grid`).
#[derive(Serialize)]
struct Part {
    title: String,
    grid: bool,
    tables: Vec<PrintedTable>,
    /// Said under the title (why a table is missing).
    note: Option<String>,
}

/// A table as printed: a caption, the column headers (the first heads the row
/// headers), rows of cells already written.
#[derive(Serialize)]
struct PrintedTable {
    caption: String,
    columns: Vec<Column>,
    rows: Vec<Row>,
}

#[derive(Serialize)]
struct Column {
    label: String,
    /// Figures, aligned right; otherwise words, aligned left.
    num: bool,
}

#[derive(Serialize)]
struct Row {
    head: String,
    cells: Vec<String>,
    total: bool,
}

fn column(label: &str, num: bool) -> Column {
    Column {
        label: label.to_string(),
        num,
    }
}

/// One-row tables, one line per desk (accesses, cases): the columns' labels across,
/// the row's total last when the table has one.
fn by_desk(group: &[&Published], first: &str, name: &dyn Fn(&str) -> String) -> PrintedTable {
    let mut columns = vec![column(first, false)];
    if let Some(p) = group.first() {
        columns.extend(p.heading.columns.iter().map(|c| column(&c.label, true)));
        if p.row_totals.is_some() {
            columns.push(column("Totale", true));
        }
    }
    let rows = group
        .iter()
        .map(|p| Row {
            head: name(&p.heading.desk),
            cells: p.cells[0]
                .iter()
                .chain(p.row_totals.iter().flatten().take(1))
                .map(|c| italian::cell(*c))
                .collect(),
            total: p.heading.desk == "ALL",
        })
        .collect();
    PrintedTable {
        caption: String::new(),
        columns,
        rows,
    }
}

/// A desk's typology: first accesses, Italians, the prevalent age band and sex, the
/// top five reasons and nationalities, each with its count and share.
fn typology(t: &Tables, published: &[Published], desk: &str, name: &str) -> PrintedTable {
    let accesses = t
        .typology
        .iter()
        .find(|ty| ty.desk == desk)
        .map_or(0, |ty| ty.accesses);
    let mut rows = Vec::new();
    for (id, heads) in [
        ("typology", None),
        ("prevalent_age_band", Some("Fascia di età prevalente")),
        ("prevalent_sex", Some("Genere prevalente")),
        ("top_reasons", Some("Richiesta")),
        ("top_nationalities", Some("Nazionalità")),
    ] {
        let Some(p) = published
            .iter()
            .find(|p| p.heading.id == id && p.heading.desk == desk)
        else {
            continue;
        };
        let ranked = matches!(id, "top_reasons" | "top_nationalities");
        for (j, col) in p.heading.columns.iter().enumerate() {
            let cell = p.cells[0][j];
            let share = match (cell, layout::share(t, id, desk, &col.code)) {
                (Cell::Count(_), Some(s)) => italian::percent(s),
                (Cell::Count(_), None) => String::new(),
                (marker, _) => marker.to_string(),
            };
            let (head, value) = match heads {
                None => (col.label.clone(), String::new()),
                Some(h) if ranked => (format!("{h} {}", j + 1), col.label.clone()),
                Some(h) => (h.to_string(), col.label.clone()),
            };
            rows.push(Row {
                head,
                cells: vec![value, italian::cell(cell), share],
                total: false,
            });
        }
        if p.heading.columns.is_empty() && !ranked {
            rows.push(Row {
                head: heads.unwrap_or_default().to_string(),
                cells: vec!["—".into(), String::new(), String::new()],
                total: false,
            });
        }
    }
    PrintedTable {
        caption: format!("{name}: {} accessi", italian::number(accesses)),
        columns: vec![
            column("Indicatore", false),
            column("Voce", false),
            column("Accessi", true),
            column("% sugli accessi", true),
        ],
        rows,
    }
}

/// A desk's two-way table (months, comparison, age by sex): the rows' labels down the
/// left, the columns across, each row's total last and the columns' totals below,
/// where the table has them; the comparison adds the total's change in per cent.
fn two_way(t: &Tables, p: &Published, name: &str) -> PrintedTable {
    let h = &p.heading;
    let first = match h.row_dimension.as_deref() {
        Some("month") => "Mese",
        Some("age_band") => "Fascia di età",
        Some("year") => "Anno",
        _ => "",
    };
    let change = t
        .comparison
        .iter()
        .find(|c| h.id == "comparison" && c.desk == h.desk)
        .map(|c| c.percent);
    let mut columns = vec![column(first, false)];
    columns.extend(h.columns.iter().map(|c| column(&c.label, true)));
    if p.row_totals.is_some() {
        columns.push(column("Totale", true));
    }
    if change.is_some() {
        columns.push(column("Variazione %", true));
    }
    let mut rows: Vec<Row> = h
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let difference = r.code == "difference";
            let write = |c: &Cell| match (difference, c) {
                (true, Cell::Count(n)) => italian::signed(*n),
                _ => italian::cell(*c),
            };
            let mut cells: Vec<String> = p.cells[i].iter().map(write).collect();
            if let Some(totals) = &p.row_totals {
                cells.push(write(&totals[i]));
            }
            if let Some(pct) = change {
                cells.push(if difference {
                    italian::signed_percent(pct)
                } else {
                    String::new()
                });
            }
            Row {
                head: r.label.clone(),
                cells,
                total: difference,
            }
        })
        .collect();
    if let Some(totals) = &p.column_totals {
        rows.push(Row {
            head: "Totale".into(),
            cells: totals
                .iter()
                .chain(p.grand_total.iter())
                .map(|c| italian::cell(*c))
                .collect(),
            total: true,
        });
    }
    PrintedTable {
        caption: name.to_string(),
        columns,
        rows,
    }
}

/// A desk's charts.
#[derive(Serialize)]
struct DeskCharts {
    desk: String,
    charts: Vec<ChartView>,
}

/// A chart as the template places it.
#[derive(Serialize)]
struct ChartView {
    title: String,
    svg: String,
}

impl ChartView {
    fn of(c: Chart) -> ChartView {
        ChartView {
            title: c.title,
            svg: c.svg,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Accesses;
    use crate::report::tables::{
        AgeBySex, Comparison, DeskAccesses, DeskCases, Labelled, Month, Months, Share, Typology,
    };

    fn acc(front_desk: i64, phone_mail: i64) -> Accesses {
        Accesses {
            front_desk,
            phone_mail,
            total: front_desk + phone_mail,
        }
    }

    fn share(code: &str, count: i64, percent: f64) -> Share {
        Share {
            code: code.into(),
            label: code.into(),
            count,
            percent,
        }
    }

    /// One desk, GRO, and its sum: 1200 accesses, 603 more than the year before.
    fn tables() -> Tables {
        let rows = ["GRO", "ALL"];
        let labelled = |c: &str| Labelled {
            code: c.into(),
            label: c.into(),
        };
        Tables {
            year: 2023,
            desk: None,
            context: None,
            accesses: rows
                .iter()
                .map(|d| DeskAccesses {
                    desk: d.to_string(),
                    accesses: acc(700, 500),
                })
                .collect(),
            typology: rows
                .iter()
                .map(|d| Typology {
                    desk: d.to_string(),
                    accesses: 1200,
                    first_accesses: share("first_access", 300, 25.0),
                    italians: share("IT", 3, 0.3),
                    prevalent_age_band: Some(share("30-39", 500, 41.7)),
                    prevalent_sex: Some(share("maschio", 700, 58.3)),
                    top_reasons: vec![share("casa", 400, 33.3)],
                    top_nationalities: vec![share("Marocco", 1196, 99.7), share("Perù", 4, 0.3)],
                })
                .collect(),
            cases: rows
                .iter()
                .map(|d| DeskCases {
                    desk: d.to_string(),
                    cases: Default::default(),
                })
                .collect(),
            months: rows
                .iter()
                .map(|d| Months {
                    desk: d.to_string(),
                    months: (1..=12)
                        .map(|m| Month {
                            month: m,
                            label: tables::MONTHS[m as usize - 1].into(),
                            front_desk: if m == 1 { 700 } else { 0 },
                            phone_mail: if m == 1 { 500 } else { 0 },
                            total: if m == 1 { 1200 } else { 0 },
                        })
                        .collect(),
                })
                .collect(),
            comparison: rows
                .iter()
                .map(|d| Comparison {
                    desk: d.to_string(),
                    previous: acc(97, 500),
                    current: acc(700, 500),
                    difference: acc(603, 0),
                    percent: 101.0,
                })
                .collect(),
            age_by_sex: rows
                .iter()
                .map(|d| AgeBySex {
                    desk: d.to_string(),
                    age_bands: vec![labelled("18-29"), labelled("30-39")],
                    sexes: vec![labelled("maschio"), labelled("femmina")],
                    counts: vec![vec![400, 2], vec![300, 498]],
                })
                .collect(),
        }
    }

    fn document(t: &Tables, k: Option<i64>) -> Document<'_> {
        Document {
            tables: t,
            k,
            desk_names: [("GRO".to_string(), "Grosseto <Via Arno>".to_string())].into(),
            sections: vec![Section {
                title: "Attività & progetti".into(),
                text: "Primo <b>paragrafo</b>,\nsu due righe.\n\n  \nSecondo paragrafo.\n".into(),
            }],
            context: Vec::new(),
        }
    }

    #[test]
    fn sections_are_escaped_paragraphs_split_at_blank_lines() {
        let t = tables();
        let page = render(&document(&t, Some(5))).unwrap();
        assert!(
            page.contains("<h2>Attività &amp; progetti</h2>"),
            "the title"
        );
        assert!(
            page.contains("<p>Primo &lt;b&gt;paragrafo&lt;&#x2f;b&gt;,\nsu due righe.</p>"),
            "one paragraph, its line break kept, its markup printed as text"
        );
        assert!(page.contains("<p>Secondo paragrafo.</p>"));
        assert!(
            page.contains("Grosseto &lt;Via Arno&gt;"),
            "desk names are escaped"
        );
        assert!(
            !page.contains("Dati di contesto"),
            "no context tables: no part"
        );
        assert_eq!(
            paragraphs("a\r\nb\r\n\r\n\r\nc"),
            ["a\nb", "c"],
            "Windows line ends"
        );
        assert!(paragraphs(" \n\n").is_empty());
    }

    #[test]
    fn the_context_slot_prints_the_tables_it_is_given() {
        let t = tables();
        let mut doc = document(&t, Some(5));
        doc.context.push(ContextTable {
            caption: "Residenti 2023".into(),
            columns: vec!["Comune".into(), "Totale".into()],
            rows: vec![vec!["Grosseto".into(), "81.608".into()]],
            source: "ISTAT".into(),
        });
        let page = render(&doc).unwrap();
        let context = page.find("Dati di contesto").expect("the context part");
        assert!(
            context < page.find("Dati accessi sportelli").unwrap(),
            "before the data"
        );
        assert!(page.contains("<th scope=\"row\">Grosseto</th><td class=\"num\">81.608</td>"));
        assert!(page.contains("Fonte: ISTAT"));
    }

    #[test]
    fn figures_are_italian_and_small_counts_are_protected() {
        let t = tables();
        let published = render(&document(&t, Some(5))).unwrap();
        let exact = render(&document(&t, None)).unwrap();
        let row = |head: &str, cells: &[&str]| {
            let cells: String = cells
                .iter()
                .map(|c| format!("<td class=\"num\">{c}</td>"))
                .collect();
            format!("<th scope=\"row\">{head}</th>{cells}")
        };
        // the comparison: signed difference and change in per cent
        let difference = row("Differenza", &["+603", "0", "+603", "+101,0%"]);
        assert!(published.contains(&difference), "{published}");
        // Italian thousands and shares
        assert!(
            published.contains(
                "<td>Marocco</td><td class=\"num\">1.196</td><td class=\"num\">99,7%</td>"
            )
        );
        // 4 Peruvians and 3 Italians: protected, share included; exact in the exact copy
        assert!(
            published
                .contains("<td>Perù</td><td class=\"num\">&lt;5</td><td class=\"num\">&lt;5</td>")
        );
        assert!(exact.contains("<td>Perù</td><td class=\"num\">4</td><td class=\"num\">0,3%</td>"));
        // age by sex: 2 women aged 18-29, protected, and a second value withheld
        assert!(!published.contains(&row("18-29", &["400", "2", "402"])));
        assert!(exact.contains(&row("18-29", &["400", "2", "402"])));
        let ages = &published[published.find("Fascia di età</th>").unwrap()..];
        assert!(ages.contains(">&lt;5<") && ages.contains(">x<"), "{ages}");
        assert!(published.contains("Copia protetta (k = 5)."));
        assert!(exact.contains("Copia esatta (uso interno)"));
        assert!(exact.contains("non va pubblicata"));
    }
}
