//! The context sheets of the workbook (`docs/report.md`): the zone's residents and
//! foreign residents laid out as the other two-way tables, the foreign residents' sheet
//! with the share of foreigners beside each line, and the desks' nationalities one line
//! each with their share of the municipality's foreign residents; and the note's line
//! saying which year's context the workbook holds.

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::{Styles, TOP, grid_sheet, headers, widths, write_cell};
use crate::context::{Context, Shares};
use crate::report::publish::Published;
use crate::report::tables::Tables;

/// The headers of the shares of foreigners, after the foreign residents' `Totale`.
const SHARE_HEADERS: [&str; 3] = [
    "% stranieri (maschi)",
    "% stranieri (femmine)",
    "% stranieri (totale)",
];

/// Writes the sheet of the context table `id` (its title is written already).
pub(super) fn sheet(
    ws: &mut Worksheet,
    id: &str,
    group: &[&Published],
    c: &Context,
    s: &Styles,
) -> Result<(), XlsxError> {
    if id == "context_nationalities" {
        return nationalities(ws, group, c, s);
    }
    let (_, columns) = grid_sheet(ws, group, None, s)?;
    if id == "context_foreign_residents" {
        // Sede, Codice, Voce, the sexes, Totale: the shares come next
        let first = 3 + columns + 1;
        for (i, h) in SHARE_HEADERS.iter().enumerate() {
            ws.write_string_with_format(1, first + i as u16, *h, &s.header)?;
            ws.set_column_width(first + i as u16, 20.0)?;
        }
        let lines = c.municipalities.iter().chain([&c.total]);
        for (row, m) in (TOP..).zip(lines) {
            let Shares {
                males,
                females,
                total,
            } = m.foreign_share;
            for (i, p) in [males, females, total].into_iter().enumerate() {
                ws.write_number_with_format(row, first + i as u16, p / 100.0, &s.percent)?;
            }
        }
    }
    ws.set_column_width(1, 26.0)?;
    ws.set_column_width(2, 26.0).map(|_| ())
}

/// One line per desk and nationality: desk, municipality, nationality, foreign
/// residents, share of the municipality's foreign residents.
fn nationalities(
    ws: &mut Worksheet,
    group: &[&Published],
    c: &Context,
    s: &Styles,
) -> Result<(), XlsxError> {
    headers(
        ws,
        &[
            "Sede",
            "Comune",
            "Nazionalità",
            "Stranieri residenti",
            "% degli stranieri residenti",
        ],
        s,
    )?;
    widths(ws, &[8.0, 26.0, 30.0, 18.0, 24.0])?;
    let mut row = TOP;
    for t in group {
        let h = &t.heading;
        let desk = c.desks.iter().find(|d| d.desk == h.desk);
        for (j, col) in h.columns.iter().enumerate() {
            ws.write_string(row, 0, &h.desk)?;
            ws.write_string(row, 1, &h.rows[0].label)?;
            ws.write_string(row, 2, &col.label)?;
            write_cell(ws, row, 3, t.cells[0][j], s)?;
            if let Some(n) = desk.and_then(|d| d.nationalities.get(j)) {
                ws.write_number_with_format(row, 4, n.percent / 100.0, &s.percent)?;
            }
            row += 1;
        }
    }
    Ok(())
}

/// The note's line on the context: the year, its source and note, or that none is
/// loaded for the report's year.
pub(super) fn note(t: &Tables) -> String {
    match &t.context {
        Some(c) if c.note.is_empty() => format!("{} ({})", c.year, c.source),
        Some(c) => format!("{} ({}). {}", c.year, c.source, c.note),
        None => format!(
            "nessun dato di contesto (residenti ISTAT) caricato per il {}: \
             sportello context load --year {}",
            t.year, t.year
        ),
    }
}
