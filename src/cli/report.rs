//! `sportello report`: the yearly report over every record in the database. Argument
//! handling and printing only; every rule is in `sportello::report`.

use std::path::{Path, PathBuf};

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

#[derive(clap::Args)]
pub struct Args {
    /// The year, e.g. 2023.
    #[arg(long)]
    year: i32,
    /// Only this desk (code).
    #[arg(long)]
    desk: Option<String>,
    /// Output format (json only, for now).
    #[arg(long, value_enum, default_value_t = ReportFormat::Json)]
    format: ReportFormat,
    /// Write to FILE instead of the standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Prints the report of the year (or writes it to `--out`).
pub fn run(store: &Store, args: Args) -> Result<(), Error> {
    let Args {
        year,
        desk,
        format,
        out,
    } = args;
    let (desk, out): (Option<&str>, Option<&Path>) = (desk.as_deref(), out.as_deref());
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
