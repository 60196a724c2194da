//! `sportello report`: the yearly report over every record in the database. Argument
//! handling and printing only; every rule is in `sportello::report`.

use std::path::Path;

use clap::ValueEnum;
use sportello::{Error, Store, report};

use super::print_json;

/// Formats of `report`; only JSON exists so far.
#[derive(Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Json,
    Csv,
    Xlsx,
    Html,
}

/// Prints the report of `year` (or writes it to `out`).
pub fn run(
    store: &Store,
    year: i32,
    desk: Option<&str>,
    format: ReportFormat,
    out: Option<&Path>,
) -> Result<(), Error> {
    if !matches!(format, ReportFormat::Json) {
        return Err(Error::invalid(
            "format",
            "only --format json is available in this version",
        ));
    }
    let r = report::yearly(store.conn(), year, desk)?;
    match out {
        Some(path) => {
            let mut bytes = serde_json::to_vec_pretty(&r)?;
            bytes.push(b'\n');
            std::fs::write(path, bytes).map_err(|e| Error::io(path, e))
        }
        None => print_json(&r),
    }
}
