//! `sportello report`: the yearly report over every record in the database. Argument
//! handling and printing only; every rule is in `sportello::report`.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::ValueEnum;
use sportello::report::publish::DEFAULT_K;
use sportello::{Error, Now, Store, report};

use super::print_json;

/// Formats of `report`: JSON (the contract's, always exact), CSV, XLSX and HTML
/// (published, small cells protected unless `--exact`).
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
    /// Output format: json (exact, the contract's), csv (one tidy table), xlsx (a
    /// workbook with a sheet per table and charts; needs --out) or html (the printable
    /// A4 report with its charts).
    #[arg(long, value_enum, default_value_t = ReportFormat::Json)]
    format: ReportFormat,
    /// Exact counts in the published formats (the coordinator's internal copy): no
    /// small-cell protection.
    #[arg(long)]
    exact: bool,
    /// Counts below K in tables about people's characteristics are published as `<K`.
    #[arg(long, value_name = "K", default_value_t = DEFAULT_K,
          value_parser = clap::value_parser!(i64).range(1..=1000))]
    k: i64,
    /// Write to FILE instead of the standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Prints the report of the year (or writes it to `--out`), then, on the standard
/// error, one line per desk whose figures have gaps (missing files, opening days
/// without records): the output itself stays exactly the report.
pub fn run(store: &Store, args: Args) -> Result<(), Error> {
    let (year, desk) = (args.year, args.desk.clone());
    write(store, args)?;
    let today = Now::read().today();
    for c in report::completeness::completeness(store.conn(), year, today)? {
        if desk.as_deref().is_some_and(|d| d != c.desk) {
            continue;
        }
        if let Some(gaps) = c.gaps() {
            eprintln!("sportello: {} {year}: {gaps}", c.desk);
        }
    }
    Ok(())
}

fn write(store: &Store, args: Args) -> Result<(), Error> {
    let Args {
        year,
        desk,
        format,
        exact,
        k,
        out,
    } = args;
    let (desk, out): (Option<&str>, Option<&Path>) = (desk.as_deref(), out.as_deref());
    match format {
        ReportFormat::Json => {
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
        ReportFormat::Csv => {
            let tables = report::tables::build(store.conn(), year, desk)?;
            let text = report::csv::render(&tables, (!exact).then_some(k));
            write_text(out, &text)
        }
        ReportFormat::Xlsx => {
            // a binary file would garble the terminal: it goes to a file only
            let path = out.ok_or_else(|| {
                Error::invalid(
                    "out",
                    "--format xlsx writes a binary file: give its name with --out FILE",
                )
            })?;
            let tables = report::tables::build(store.conn(), year, desk)?;
            let codebook = sportello::codebook::load(store.conn())?;
            report::xlsx::write(path, &tables, &codebook, (!exact).then_some(k))
        }
        ReportFormat::Html => {
            let text = report::html::report(store.conn(), year, desk, (!exact).then_some(k))?;
            write_text(out, &text)
        }
    }
}

/// Writes `text` to `out`, or to the standard output when there is none.
fn write_text(out: Option<&Path>, text: &str) -> Result<(), Error> {
    match out {
        Some(path) => std::fs::write(path, text).map_err(|e| Error::io(path, e)),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(text.as_bytes()) {
                // a reader that stops early (`| head`) is not an error of ours
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.map_err(|e| Error::io("stdout", e)),
            }
        }
    }
}
