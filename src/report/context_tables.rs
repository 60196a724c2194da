//! The context tables of a year ([`crate::context::Context`]) laid out as publishable
//! tables, after the activity tables (`docs/report.md`):
//!
//! - `context_residents`: residents of the zone's municipalities by sex, with row and
//!   column totals (the zone's "Totale complessivo");
//! - `context_foreign_residents`: the same for the foreign residents;
//! - `context_nationalities`: per desk, the largest nationalities of the foreign
//!   residents of its municipality (no totals: the rest are not listed).
//!
//! ISTAT's public figures, not about the desks' users: published exact, never
//! suppressed. The zone's tables carry the desk `ALL` (the zone is every desk's).

use super::layout::header;
use super::publish::{Heading, Table};
use crate::context::{Context, Residents};

/// The ids, in the order they are written.
pub const IDS: [&str; 3] = [
    "context_residents",
    "context_foreign_residents",
    "context_nationalities",
];

/// The sexes, as the codebook codes them, and the columns' labels.
const SEXES: [(&str, &str); 2] = [("maschio", "Maschi"), ("femmina", "Femmine")];

/// A nationality's code in a published table: its name, with `/` (which splits a
/// two-way code) written `-`.
pub fn nationality_code(name: &str) -> String {
    name.replace('/', "-")
}

fn zone_table(
    c: &Context,
    id: &str,
    title: &str,
    figures: impl Fn(&Residents) -> Vec<i64>,
) -> Table {
    Table {
        heading: Heading {
            id: id.to_string(),
            title: title.to_string(),
            desk: "ALL".to_string(),
            row_dimension: Some("municipality".into()),
            column_dimension: "sex".into(),
            rows: c
                .municipalities
                .iter()
                .map(|m| header(&m.municipality, &m.municipality))
                .collect(),
            columns: SEXES.iter().map(|(code, l)| header(code, l)).collect(),
        },
        counts: c.municipalities.iter().map(figures).collect(),
        about_people: false,
        row_totals: true,
        column_totals: true,
    }
}

/// The context tables of `c`, in the order of [`IDS`]; a desk whose municipality has
/// no nationalities that year has no `context_nationalities` table.
pub fn tables(c: &Context) -> Vec<Table> {
    let year = c.year;
    let mut out = vec![
        zone_table(
            c,
            IDS[0],
            &format!("Residenti dei Comuni della zona al 1° gennaio {year}"),
            |m| vec![m.males, m.females],
        ),
        zone_table(
            c,
            IDS[1],
            &format!("Stranieri residenti dei Comuni della zona al 1° gennaio {year}"),
            |m| vec![m.foreign_males, m.foreign_females],
        ),
    ];
    for d in c.desks.iter().filter(|d| !d.nationalities.is_empty()) {
        out.push(Table {
            heading: Heading {
                id: IDS[2].to_string(),
                title: format!(
                    "Prime {} nazionalità dei residenti stranieri, {} {year}",
                    crate::context::TOP_NATIONALITIES,
                    d.municipality
                ),
                desk: d.desk.clone(),
                row_dimension: Some("municipality".into()),
                column_dimension: "nationality".into(),
                rows: vec![header(&d.municipality, &d.municipality)],
                columns: d
                    .nationalities
                    .iter()
                    .map(|n| header(&nationality_code(&n.name), &n.name))
                    .collect(),
            },
            counts: vec![d.nationalities.iter().map(|n| n.residents).collect()],
            about_people: false,
            row_totals: false,
            column_totals: false,
        });
    }
    out
}

/// The context tables of `c` as the printable report shows them, laid out like the
/// 2023 activity report: the zone's residents and foreign residents by sex, the share
/// of foreigners, and each desk's municipality's largest nationalities.
pub fn printed(c: &Context) -> Vec<super::html::ContextTable> {
    use super::html::ContextTable;
    use super::italian::{number, percent};
    let year = c.year;
    let source = c.source.clone();
    let zone = || c.municipalities.iter().chain(std::iter::once(&c.total));
    let mut out = vec![
        ContextTable {
            caption: format!("Residenti e residenti stranieri dei Comuni della zona, {year}"),
            columns: [
                "Comune",
                "Maschi",
                "Femmine",
                "Totale",
                "Stranieri maschi",
                "Stranieri femmine",
                "Stranieri totale",
            ]
            .map(String::from)
            .to_vec(),
            rows: zone()
                .map(|m| {
                    let figures = [
                        m.males,
                        m.females,
                        m.total,
                        m.foreign_males,
                        m.foreign_females,
                        m.foreign_total,
                    ];
                    std::iter::once(m.municipality.clone())
                        .chain(figures.map(number))
                        .collect()
                })
                .collect(),
            source: source.clone(),
        },
        ContextTable {
            caption: format!("Incidenza percentuale dei residenti stranieri, {year}"),
            columns: ["Comune", "Maschi", "Femmine", "Totale"]
                .map(String::from)
                .to_vec(),
            rows: zone()
                .map(|m| {
                    let s = &m.foreign_share;
                    vec![
                        m.municipality.clone(),
                        percent(s.males),
                        percent(s.females),
                        percent(s.total),
                    ]
                })
                .collect(),
            source: source.clone(),
        },
    ];
    for d in c.desks.iter().filter(|d| !d.nationalities.is_empty()) {
        out.push(ContextTable {
            caption: format!(
                "Prime nazionalità dei residenti stranieri, {} {year} ({} residenti stranieri)",
                d.municipality,
                number(d.foreign_residents)
            ),
            columns: ["Nazionalità", "Residenti", "%"].map(String::from).to_vec(),
            rows: d
                .nationalities
                .iter()
                .map(|n| vec![n.name.clone(), number(n.residents), percent(n.percent)])
                .collect(),
            source: source.clone(),
        });
    }
    // what a reader must know about the year's figures, once, under the last table
    if let Some(last) = out.last_mut().filter(|_| !c.note.is_empty()) {
        last.source = format!("{} {}", last.source, c.note);
    }
    out
}
