//! The report as an Excel workbook (`sportello report --format xlsx`), specified in
//! `docs/report.md`: a "Note" sheet (year, desks, exact or protected copy, the rule),
//! one sheet per table id of [`layout::TABLE_IDS`] that has tables, and a "Codebook"
//! sheet; native Excel charts beside four of the tables.
//!
//! The workbook holds exactly the values of the CSV ([`super::csv`]): both write the
//! same [`Published`] tables. A count is a number (format `#,##0`, which Excel shows
//! with the reader's own thousands separator, `9.657` in Italy); a protected value is
//! the text `<k` or `x`, right-aligned like the numbers. A percentage is a number
//! (`0.0%`) and is written only beside a count that is shown: beside a protected count
//! it carries the same marker, since the share would give the count away.
//!
//! The file is written whole or not at all (a temporary file renamed onto its name).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Chart, ChartType, Format, FormatAlign, Workbook, Worksheet, XlsxError};

use super::layout;
use super::publish::{Cell, Header, Published};
use super::tables::Tables;
use crate::codebook::{Codebook, List};
use crate::{Error, Result, files};

mod context;

/// The first sheet: what the copy is.
pub const NOTE_SHEET: &str = "Note";
/// The last sheet: every codebook entry.
pub const CODEBOOK_SHEET: &str = "Codebook";

/// The column of the comparison's change in per cent (on its `difference` row).
const CHANGE_HEADER: &str = "Variazione % del totale";

/// The rows of a sheet, title and header, above the data; both stay in view.
const TOP: u32 = 2;

/// The workbook of `tables` as bytes: small cells protected by threshold `k`, or every
/// count exact when `k` is `None`.
pub fn render(tables: &Tables, codebook: &Codebook, k: Option<i64>) -> Result<Vec<u8>> {
    build(tables, codebook, k)
        .and_then(|mut w| w.save_to_buffer())
        .map_err(|e| Error::invalid("xlsx", format!("the workbook could not be built: {e}")))
}

/// Writes the workbook of `tables` (see [`render`]) to `path`, atomically: a file at
/// `path` is whole, and on an error nothing is left beside it.
pub fn write(path: &Path, tables: &Tables, codebook: &Codebook, k: Option<i64>) -> Result<()> {
    write_to(path, "out", tables, codebook, k).map(|_| ())
}

/// As [`write`], for a path chosen in a save dialog (a bad name is the `path` field's
/// error): returns the path written, as [`super::csv::save`] does.
pub fn save(path: &Path, tables: &Tables, codebook: &Codebook, k: Option<i64>) -> Result<PathBuf> {
    write_to(path, "path", tables, codebook, k)
}

fn write_to(
    path: &Path,
    field: &str,
    tables: &Tables,
    codebook: &Codebook,
    k: Option<i64>,
) -> Result<PathBuf> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::invalid(field, format!("{} is not a file name", path.display())))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let bytes = render(tables, codebook, k)?;
    files::write_atomically(dir, name, &bytes)
}

/// The sheet names of the workbook of `tables`, in order: "Note", the table ids that
/// have tables, "Codebook".
pub fn sheet_names(tables: &Tables) -> Vec<String> {
    let laid = layout::tables(tables);
    std::iter::once(NOTE_SHEET.to_string())
        .chain(
            layout::TABLE_IDS
                .iter()
                .chain(&layout::CONTEXT_TABLE_IDS)
                .filter(|id| laid.iter().any(|t| t.heading.id == **id))
                .map(|id| id.to_string()),
        )
        .chain([CODEBOOK_SHEET.to_string()])
        .collect()
}

/// The cell formats, made once per workbook.
struct Styles {
    title: Format,
    header: Format,
    count: Format,
    percent: Format,
    /// `<5` and `x`: text, right-aligned under the numbers.
    marker: Format,
}

impl Styles {
    fn new() -> Styles {
        Styles {
            title: Format::new().set_bold().set_font_size(13),
            header: Format::new().set_bold(),
            count: Format::new().set_num_format("#,##0"),
            percent: Format::new().set_num_format("0.0%"),
            marker: Format::new().set_align(FormatAlign::Right),
        }
    }
}

/// The data rows (first to last, header and totals excluded) of one desk's table in a
/// sheet: what a chart draws.
struct Span {
    desk: String,
    first: u32,
    last: u32,
}

fn build(tables: &Tables, codebook: &Codebook, k: Option<i64>) -> Result<Workbook, XlsxError> {
    let published = layout::published(tables, k);
    let s = Styles::new();
    let change: HashMap<&str, f64> = tables
        .comparison
        .iter()
        .map(|c| (c.desk.as_str(), c.percent))
        .collect();
    let mut book = Workbook::new();
    note(book.add_worksheet(), tables, k, &s)?;
    for id in layout::TABLE_IDS
        .into_iter()
        .chain(layout::CONTEXT_TABLE_IDS)
    {
        let group: Vec<&Published> = published.iter().filter(|t| t.heading.id == id).collect();
        let Some(first) = group.first() else {
            continue;
        };
        let ws = book.add_worksheet();
        ws.set_name(id)?;
        ws.write_string_with_format(0, 0, &first.heading.title, &s.title)?;
        ws.set_freeze_panes(TOP, 0)?;
        if let Some(c) = tables
            .context
            .as_ref()
            .filter(|_| id.starts_with("context_"))
        {
            context::sheet(ws, id, &group, c, &s)?;
        } else if layout::SHARE_TABLES.contains(&id) {
            let spans = share_sheet(ws, &group, tables, &s)?;
            let chart_title = match id {
                "top_reasons" => Some("Richieste principali"),
                "top_nationalities" => Some("Principali nazionalità"),
                _ => None,
            };
            if let (Some(title), Some(span)) = (chart_title, spans.last()) {
                let mut chart = chart(ChartType::Bar, title, span);
                series(&mut chart, id, span, 2, 3);
                ws.insert_chart(1, 6, &chart)?;
            }
        } else {
            let change = (id == "comparison").then_some(&change);
            let (spans, columns) = grid_sheet(ws, &group, change, &s)?;
            let kind = match id {
                "months" => Some((ChartType::Column, "Accessi per mese e canale")),
                "age_by_sex" => Some((
                    ChartType::ColumnStacked,
                    "Accessi per fascia di età e genere",
                )),
                _ => None,
            };
            if let (Some((kind, title)), Some(span)) = (kind, spans.last()) {
                let mut chart = chart(kind, title, span);
                for c in 0..columns {
                    series(&mut chart, id, span, 2, 3 + c);
                }
                ws.insert_chart(1, 3 + columns + 2, &chart)?;
            }
        }
    }
    codebook_sheet(book.add_worksheet(), codebook, &s)?;
    Ok(book)
}

fn headers(ws: &mut Worksheet, names: &[&str], s: &Styles) -> Result<(), XlsxError> {
    for (c, name) in (0u16..).zip(names) {
        ws.write_string_with_format(1, c, *name, &s.header)?;
    }
    Ok(())
}

fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: Cell,
    s: &Styles,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Count(n) => ws.write_number_with_format(row, col, n as f64, &s.count)?,
        marker => ws.write_string_with_format(row, col, marker.to_string(), &s.marker)?,
    };
    Ok(())
}

/// A share table: one line per entry (desk, code, label, count, share).
fn share_sheet(
    ws: &mut Worksheet,
    group: &[&Published],
    tables: &Tables,
    s: &Styles,
) -> Result<Vec<Span>, XlsxError> {
    headers(
        ws,
        &["Sede", "Codice", "Voce", "Accessi", "% degli accessi"],
        s,
    )?;
    widths(ws, &[8.0, 18.0, 34.0, 10.0, 16.0])?;
    let mut row = TOP;
    let mut spans = Vec::new();
    for t in group {
        let h = &t.heading;
        let first = row;
        for (j, col) in h.columns.iter().enumerate() {
            ws.write_string(row, 0, &h.desk)?;
            ws.write_string(row, 1, &col.code)?;
            ws.write_string(row, 2, &col.label)?;
            let cell = t.cells[0][j];
            write_cell(ws, row, 3, cell, s)?;
            let share = layout::share(tables, &h.id, &h.desk, &col.code);
            match (cell, share) {
                (Cell::Count(_), Some(p)) => {
                    ws.write_number_with_format(row, 4, p / 100.0, &s.percent)?;
                }
                (Cell::Count(_), None) => {}
                (marker, _) => write_cell(ws, row, 4, marker, s)?,
            }
            row += 1;
        }
        if row > first {
            spans.push(Span {
                desk: h.desk.clone(),
                first,
                last: row - 1,
            });
        }
    }
    Ok(spans)
}

/// A table laid out as in the report: a line per desk (one-row tables) or per desk and
/// row, the columns across, a row's total last, a desk's column totals under its rows.
/// Returns the desks' spans and the number of (non-total) columns.
fn grid_sheet(
    ws: &mut Worksheet,
    group: &[&Published],
    change: Option<&HashMap<&str, f64>>,
    s: &Styles,
) -> Result<(Vec<Span>, u16), XlsxError> {
    let two_way = group[0].heading.row_dimension.is_some();
    // the desks share their columns but for a retired code in use at one desk: the
    // sheet's columns are the union, in order of first appearance
    let mut columns: Vec<&Header> = Vec::new();
    for t in group {
        for c in &t.heading.columns {
            if !columns.iter().any(|x| x.code == c.code) {
                columns.push(c);
            }
        }
    }
    let lead: u16 = if two_way { 3 } else { 1 };
    let n = columns.len() as u16;
    let row_totals = group[0].row_totals.is_some();
    let mut names: Vec<&str> = vec!["Sede"];
    if two_way {
        names.extend(["Codice", "Voce"]);
    }
    names.extend(columns.iter().map(|c| c.label.as_str()));
    if row_totals {
        names.push("Totale");
    }
    if change.is_some() {
        names.push(CHANGE_HEADER);
    }
    headers(ws, &names, s)?;
    ws.set_column_width(0, 8.0)?;
    if two_way {
        widths(ws, &[8.0, 10.0, 16.0])?;
    }
    let mut row = TOP;
    let mut spans = Vec::new();
    for t in group {
        let h = &t.heading;
        let at = |j: usize| {
            lead + columns
                .iter()
                .position(|c| c.code == h.columns[j].code)
                .expect("a column of the union") as u16
        };
        let line = |ws: &mut Worksheet, row: u32, code: &str, label: &str| {
            ws.write_string(row, 0, &h.desk)?;
            if two_way {
                ws.write_string(row, 1, code)?;
                ws.write_string(row, 2, label)?;
            }
            Ok::<(), XlsxError>(())
        };
        let first = row;
        for (i, r) in h.rows.iter().enumerate() {
            line(ws, row, &r.code, &r.label)?;
            for (j, cell) in t.cells[i].iter().enumerate() {
                write_cell(ws, row, at(j), *cell, s)?;
            }
            if let Some(totals) = &t.row_totals {
                write_cell(ws, row, lead + n, totals[i], s)?;
            }
            if let Some(p) = change.and_then(|c| c.get(h.desk.as_str())) {
                if r.code == "difference" {
                    let col = lead + n + u16::from(row_totals);
                    ws.write_number_with_format(row, col, p / 100.0, &s.percent)?;
                }
            }
            row += 1;
        }
        spans.push(Span {
            desk: h.desk.clone(),
            first,
            last: row - 1,
        });
        if let Some(totals) = &t.column_totals {
            line(ws, row, "total", "Totale")?;
            for (j, cell) in totals.iter().enumerate() {
                write_cell(ws, row, at(j), *cell, s)?;
            }
            if let Some(g) = t.grand_total {
                write_cell(ws, row, lead + n, g, s)?;
            }
            row += 1;
        }
    }
    for c in 0..n + u16::from(row_totals) {
        ws.set_column_width(lead + c, 14.0)?;
    }
    Ok((spans, n))
}

fn widths(ws: &mut Worksheet, widths: &[f64]) -> Result<(), XlsxError> {
    for (c, w) in (0u16..).zip(widths) {
        ws.set_column_width(c, *w)?;
    }
    Ok(())
}

/// A chart of one desk's span (the last one written: `ALL`, or the desk asked for).
fn chart(kind: ChartType, title: &str, span: &Span) -> Chart {
    let mut chart = Chart::new(kind);
    chart.title().set_name(&format!("{title} ({})", span.desk));
    chart.set_width(640).set_height(360);
    chart
}

/// A series of `sheet`: categories from column `labels`, values from column `values`,
/// named by the values' header.
fn series(chart: &mut Chart, sheet: &str, span: &Span, labels: u16, values: u16) {
    chart
        .add_series()
        .set_name((sheet, 1, values))
        .set_categories((sheet, span.first, labels, span.last, labels))
        .set_values((sheet, span.first, values, span.last, values));
}

/// The "Note" sheet: year, desks, which copy this is, the rule.
fn note(ws: &mut Worksheet, t: &Tables, k: Option<i64>, s: &Styles) -> Result<(), XlsxError> {
    ws.set_name(NOTE_SHEET)?;
    let desks: Vec<&str> = t
        .accesses
        .iter()
        .map(|a| a.desk.as_str())
        .filter(|d| *d != "ALL")
        .collect();
    let desks = match (&t.desk, desks.is_empty()) {
        (Some(d), true) => d.clone(),
        (None, true) => "nessuna sede con dati".to_string(),
        _ => desks.join(", "),
    };
    let layout::Copy { name: copy, rule } = layout::copy(k);
    ws.write_string_with_format(0, 0, format!("Rapporto annuale {}", t.year), &s.title)?;
    let lines = [
        ("Anno", t.year.to_string()),
        ("Sedi", desks),
        ("Copia", copy),
        ("Regola", rule),
        ("Contesto", context::note(t)),
    ];
    for (r, (key, value)) in (TOP..).zip(lines) {
        ws.write_string_with_format(r, 0, key, &s.header)?;
        ws.write_string(r, 1, value)?;
    }
    widths(ws, &[10.0, 120.0])?;
    Ok(())
}

/// The "Codebook" sheet: every entry of every list, in codebook order.
fn codebook_sheet(ws: &mut Worksheet, cb: &Codebook, s: &Styles) -> Result<(), XlsxError> {
    ws.set_name(CODEBOOK_SHEET)?;
    let title = format!("Codebook, versione {}", cb.version);
    ws.write_string_with_format(0, 0, title, &s.title)?;
    headers(
        ws,
        &[
            "Lista",
            "Codice",
            "Etichetta",
            "Etichetta (inglese)",
            "Attivo",
        ],
        s,
    )?;
    ws.set_freeze_panes(TOP, 0)?;
    widths(ws, &[14.0, 20.0, 40.0, 40.0, 8.0])?;
    let entries = List::ALL
        .iter()
        .flat_map(|l| cb.lists.get(*l).iter().map(move |e| (l.name(), e)));
    for (row, (list, e)) in (TOP..).zip(entries) {
        ws.write_string(row, 0, list)?;
        ws.write_string(row, 1, &e.code)?;
        ws.write_string(row, 2, &e.label)?;
        ws.write_string(row, 3, &e.label_en)?;
        ws.write_boolean(row, 4, e.active)?;
    }
    Ok(())
}
