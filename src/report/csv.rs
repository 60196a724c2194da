//! The report as one tidy CSV table (`sportello report --format csv`), specified in
//! `docs/report.md`: a header `table,desk,dimension,code,label,count`, then one line
//! per published value, UTF-8, fields quoted as RFC 4180 says, lines ended by CRLF.
//!
//! A one-row table writes its column's dimension and code; a two-way table writes
//! `row/column` for both (`age_band/sex`, `18-29/femmina`) and its labels joined by
//! `" / "`; a shown total has the code `total` in place of the row's or column's code.
//! A suppressed count is written `<k` (`<5`).

use std::path::{Path, PathBuf};

use super::layout;
use super::publish::{self, Header, Published};
use super::tables::Tables;
use crate::files::write_atomically;
use crate::{Error, Result};

/// The first line of the file.
pub const HEADER: &str = "table,desk,dimension,code,label,count";

const TOTAL: (&str, &str) = ("total", "Totale");

/// The CSV of `tables`: with small cells protected by threshold `k`, or exact when
/// `k` is `None`.
pub fn render(tables: &Tables, k: Option<i64>) -> String {
    let published = layout::published(tables, k);
    write(&published)
}

/// Writes the CSV of `tables` (see [`render`]) to `path` atomically: a temporary file
/// in the same folder, renamed over `path`, so a spreadsheet never opens half a file
/// and a failed save leaves an older file as it was. Returns the path written.
pub fn save(tables: &Tables, k: Option<i64>, path: &Path) -> Result<PathBuf> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| Error::invalid("path", "the file to save needs a name"))?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    write_atomically(dir, name, render(tables, k).as_bytes())
}

/// The CSV of already published tables, in their order.
pub fn write(tables: &[Published]) -> String {
    let mut out = String::new();
    out.push_str(HEADER);
    out.push_str("\r\n");
    for t in tables {
        let h = &t.heading;
        let dimension = match &h.row_dimension {
            Some(r) => format!("{r}/{}", h.column_dimension),
            None => h.column_dimension.clone(),
        };
        let mut line = |row: Option<(&str, &str)>, col: (&str, &str), value: publish::Cell| {
            let (code, label) = match (h.row_dimension.is_some(), row) {
                (true, Some((rc, rl))) => (format!("{rc}/{}", col.0), format!("{rl} / {}", col.1)),
                _ => (col.0.to_string(), col.1.to_string()),
            };
            let fields = [
                h.id.as_str(),
                h.desk.as_str(),
                dimension.as_str(),
                code.as_str(),
                label.as_str(),
                &value.to_string(),
            ];
            let quoted: Vec<String> = fields.iter().map(|f| quote(f)).collect();
            out.push_str(&quoted.join(","));
            out.push_str("\r\n");
        };
        let pair = |h: &Header| (h.code.clone(), h.label.clone());
        for (i, row) in h.rows.iter().enumerate() {
            let (rc, rl) = pair(row);
            for (j, col) in h.columns.iter().enumerate() {
                line(Some((&rc, &rl)), (&col.code, &col.label), t.cells[i][j]);
            }
            if let Some(totals) = &t.row_totals {
                line(Some((&rc, &rl)), TOTAL, totals[i]);
            }
        }
        if let Some(totals) = &t.column_totals {
            for (j, col) in h.columns.iter().enumerate() {
                line(Some(TOTAL), (&col.code, &col.label), totals[j]);
            }
        }
        if let Some(g) = t.grand_total {
            line(Some(TOTAL), TOTAL, g);
        }
    }
    out
}

/// A field as RFC 4180 writes it: quoted (inner quotes doubled) when it holds a comma,
/// a quote or a line break.
fn quote(field: &str) -> String {
    if field.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_string()
    }
}
