//! The report's tables ([`super::tables::Tables`]) laid out as publishable tables
//! ([`super::publish::Table`]): one per table and desk, with stable ids, dimension
//! names and codes, in the order the published formats write them.
//!
//! Which tables are about people's characteristics (and so protected): the typology
//! (first accesses, Italians, prevalent age band and sex, top reasons and
//! nationalities) and age band by sex. The volumes of activity (accesses by channel
//! group and month, the comparison, the cases) count contacts and files, not
//! characteristics, and are published exact, as in the activity report.

use super::Accesses;
use super::publish::{self, Header, Heading, Published, Table};
use super::tables::{Share, Tables};

/// The table ids, in the order they are written.
pub const TABLE_IDS: [&str; 10] = [
    "accesses",
    "typology",
    "prevalent_age_band",
    "prevalent_sex",
    "top_reasons",
    "top_nationalities",
    "cases",
    "months",
    "comparison",
    "age_by_sex",
];

/// The tables whose counts each have a share of the desk's accesses beside them.
pub const SHARE_TABLES: [&str; 5] = [
    "typology",
    "prevalent_age_band",
    "prevalent_sex",
    "top_reasons",
    "top_nationalities",
];

/// The share of the desk's accesses (in per cent, one decimal) of the count written in
/// the share table `id` (see [`SHARE_TABLES`]) for `desk` under the column `code`, or
/// `None` for any other value. A published format writes it only beside a count it
/// shows: beside a protected count the share would give the count back.
pub fn share(t: &Tables, id: &str, desk: &str, code: &str) -> Option<f64> {
    let ty = t.typology.iter().find(|ty| ty.desk == desk)?;
    // the typology's columns are named by indicator, not by the share's own code
    let list: &[Share] = match (id, code) {
        ("typology", "first_accesses") => return Some(ty.first_accesses.percent),
        ("typology", "italians") => return Some(ty.italians.percent),
        ("prevalent_age_band", _) => ty.prevalent_age_band.as_slice(),
        ("prevalent_sex", _) => ty.prevalent_sex.as_slice(),
        ("top_reasons", _) => &ty.top_reasons,
        ("top_nationalities", _) => &ty.top_nationalities,
        _ => return None,
    };
    list.iter().find(|s| s.code == code).map(|s| s.percent)
}

/// Which copy a published report is, in Italian: its name and its rule in one sentence
/// (every published format says it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copy {
    /// `protetta (k = 5)` or `esatta (uso interno)`.
    pub name: String,
    pub rule: String,
}

/// The copy published with threshold `k`, or the exact one (`None`).
pub fn copy(k: Option<i64>) -> Copy {
    match k {
        Some(k) => Copy {
            name: format!("protetta (k = {k})"),
            rule: format!(
                "Nelle tabelle sulle caratteristiche delle persone un numero inferiore a {k} \
                 è scritto <{k}, e un altro valore è scritto x dove un totale permetterebbe \
                 di ricavare il primo; i volumi di attività sono esatti."
            ),
        },
        None => Copy {
            name: "esatta (uso interno)".to_string(),
            rule: "Copia interna con tutti i numeri esatti, senza protezione dei piccoli \
                   numeri: non va pubblicata."
                .to_string(),
        },
    }
}

/// The context tables' ids, written after the tables of [`TABLE_IDS`] when the year
/// has context data (see [`super::context_tables`]).
pub const CONTEXT_TABLE_IDS: [&str; 3] = super::context_tables::IDS;

pub(super) fn header(code: &str, label: &str) -> Header {
    Header {
        code: code.to_string(),
        label: label.to_string(),
    }
}

const GROUPS: [(&str, &str); 2] = [
    ("front_desk", "Front desk"),
    ("phone_mail", "Telefono/mail"),
];

/// A one-row table.
fn one_row(
    id: &str,
    title: &str,
    desk: &str,
    dimension: &str,
    columns: Vec<(Header, i64)>,
) -> Table {
    let (columns, counts): (Vec<Header>, Vec<i64>) = columns.into_iter().unzip();
    Table {
        heading: Heading {
            id: id.to_string(),
            title: title.to_string(),
            desk: desk.to_string(),
            row_dimension: None,
            column_dimension: dimension.to_string(),
            rows: vec![header("", "")],
            columns,
        },
        counts: vec![counts],
        about_people: false,
        row_totals: false,
        column_totals: false,
    }
}

fn shares(shares: &[Share]) -> Vec<(Header, i64)> {
    shares
        .iter()
        .map(|s| (header(&s.code, &s.label), s.count))
        .collect()
}

fn by_group(a: &Accesses) -> Vec<i64> {
    vec![a.front_desk, a.phone_mail, a.total]
}

/// Every table of `t`, published: small cells protected by threshold `k`, or every
/// count exact when `k` is `None`. What every published format writes.
pub fn published(t: &Tables, k: Option<i64>) -> Vec<Published> {
    tables(t)
        .iter()
        .map(|t| match k {
            Some(k) => publish::suppress(t, k),
            None => publish::exact(t),
        })
        .collect()
}

/// Every table of `t`, laid out for publishing (exact counts).
pub fn tables(t: &Tables) -> Vec<Table> {
    let year = t.year;
    let mut out = Vec::new();
    for a in &t.accesses {
        let columns = GROUPS
            .iter()
            .map(|(c, l)| header(c, l))
            .zip([a.accesses.front_desk, a.accesses.phone_mail])
            .collect();
        out.push(Table {
            row_totals: true,
            ..one_row(
                "accesses",
                &format!("Numero di accessi da Gennaio a Dicembre {year}"),
                &a.desk,
                "channel_group",
                columns,
            )
        });
    }
    let people = |t: Table| Table {
        about_people: true,
        ..t
    };
    let typology = format!("Tipologia degli accessi {year}");
    for ty in &t.typology {
        let d = ty.desk.as_str();
        out.push(people(one_row(
            "typology",
            &typology,
            d,
            "indicator",
            vec![
                (
                    header("first_accesses", "Primi accessi"),
                    ty.first_accesses.count,
                ),
                (header("italians", "Italiani"), ty.italians.count),
            ],
        )));
        let prevalent = |s: &Option<Share>| shares(s.as_slice());
        for (id, title, dimension, columns) in [
            (
                "prevalent_age_band",
                "Fascia di età prevalente",
                "age_band",
                prevalent(&ty.prevalent_age_band),
            ),
            (
                "prevalent_sex",
                "Genere prevalente",
                "sex",
                prevalent(&ty.prevalent_sex),
            ),
            (
                "top_reasons",
                "Richieste principali (prime 5)",
                "reason",
                shares(&ty.top_reasons),
            ),
            (
                "top_nationalities",
                "Principali nazionalità (prime 5)",
                "nationality",
                shares(&ty.top_nationalities),
            ),
        ] {
            out.push(people(one_row(
                id,
                &format!("{title} {year}"),
                d,
                dimension,
                columns,
            )));
        }
    }
    for c in &t.cases {
        let n = &c.cases;
        out.push(one_row(
            "cases",
            &format!("Accompagnamenti {year}"),
            &c.desk,
            "case_count",
            vec![
                (header("total", "Totale pratiche"), n.total),
                (header("carried_in", "Da anni precedenti"), n.carried_in),
                (header("archived", "Archiviate nell'anno"), n.archived),
                (
                    header("carried_out", "In corso all'anno successivo"),
                    n.carried_out,
                ),
                (header("fast", "Accompagnamenti veloci"), n.fast),
            ],
        ));
    }
    for m in &t.months {
        out.push(Table {
            heading: Heading {
                id: "months".into(),
                title: format!("Accessi per mese e canale {year}"),
                desk: m.desk.clone(),
                row_dimension: Some("month".into()),
                column_dimension: "channel_group".into(),
                rows: m
                    .months
                    .iter()
                    .map(|x| header(&format!("{:02}", x.month), &x.label))
                    .collect(),
                columns: GROUPS.iter().map(|(c, l)| header(c, l)).collect(),
            },
            counts: m
                .months
                .iter()
                .map(|x| vec![x.front_desk, x.phone_mail])
                .collect(),
            about_people: false,
            row_totals: true,
            column_totals: true,
        });
    }
    for c in &t.comparison {
        let (prev, this) = ((year - 1).to_string(), year.to_string());
        out.push(Table {
            heading: Heading {
                id: "comparison".into(),
                title: format!("Accessi {year} rispetto al {}", year - 1),
                desk: c.desk.clone(),
                row_dimension: Some("year".into()),
                column_dimension: "channel_group".into(),
                rows: vec![
                    header(&prev, &prev),
                    header(&this, &this),
                    header("difference", "Differenza"),
                ],
                columns: GROUPS
                    .iter()
                    .map(|(c, l)| header(c, l))
                    .chain([header("total", "Totale")])
                    .collect(),
            },
            counts: vec![
                by_group(&c.previous),
                by_group(&c.current),
                by_group(&c.difference),
            ],
            about_people: false,
            row_totals: false,
            column_totals: false,
        });
    }
    for a in &t.age_by_sex {
        let h = |l: &super::tables::Labelled| header(&l.code, &l.label);
        out.push(Table {
            heading: Heading {
                id: "age_by_sex".into(),
                title: format!("Accessi per fascia di età e genere {year}"),
                desk: a.desk.clone(),
                row_dimension: Some("age_band".into()),
                column_dimension: "sex".into(),
                rows: a.age_bands.iter().map(h).collect(),
                columns: a.sexes.iter().map(h).collect(),
            },
            counts: a.counts.clone(),
            about_people: true,
            row_totals: true,
            column_totals: true,
        });
    }
    // the typology's tables were made desk by desk: put every table's desks together,
    // keeping the desks' order (a stable sort)
    out.sort_by_key(|t| TABLE_IDS.iter().position(|id| *id == t.heading.id));
    if let Some(c) = &t.context {
        out.extend(super::context_tables::tables(c));
    }
    out
}
