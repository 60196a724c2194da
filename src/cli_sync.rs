//! The `export`, `import`, `imports` and `report` commands: argument handling and
//! printing only; every rule is in the core (`sportello::{export, import, report}`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::{Local, NaiveDate, Utc};
use clap::ValueEnum;
use serde_json::json;
use sportello::import::{self, DeskSequences, FileReport, Outcome};
use sportello::{Error, Store, export, report};

use super::print_json;

/// Formats of `report`; only JSON exists so far.
#[derive(Clone, Copy, ValueEnum)]
pub enum ReportFormat {
    Json,
    Csv,
    Xlsx,
    Html,
}

pub fn export(
    store: &mut Store,
    date: Option<NaiveDate>,
    range: Option<(NaiveDate, NaiveDate)>,
    out: &Path,
) -> Result<(), Error> {
    let selection = match (date, range) {
        (Some(d), _) => export::Selection::Range { from: d, to: d },
        (None, Some((from, to))) => export::Selection::Range { from, to },
        (None, None) => export::Selection::SinceLast,
    };
    let today = Local::now().date_naive();
    let summary = export::export(store.conn_mut(), selection, out, today, Utc::now())?;
    eprintln!(
        "sportello: export no. {} of {}: {} records, {} to {}",
        summary.sequence,
        summary.desk,
        summary.record_count,
        summary.period_from,
        summary.period_to
    );
    println!("{}", summary.path.display());
    Ok(())
}

fn ranges(r: &[(i64, i64)]) -> String {
    r.iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn print_sequences(seqs: &[DeskSequences]) {
    for d in seqs {
        let missing = if d.missing.is_empty() {
            "none".to_string()
        } else {
            d.missing
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        println!(
            "desk {}: received {}; missing {}; last file imported {}",
            d.desk,
            ranges(&d.received),
            missing,
            d.last_imported_at.as_deref().unwrap_or("-")
        );
    }
}

fn print_report(r: &FileReport, dry_run: bool) {
    let origin = match (&r.desk, r.sequence) {
        (Some(d), Some(s)) => format!(" ({d} no. {s})"),
        _ => String::new(),
    };
    match r.outcome {
        Outcome::Imported => {
            let verb = if dry_run { "would import" } else { "imported" };
            println!(
                "{verb}: {}{origin}: {} new, {} updated, {} unchanged, {} conflicts",
                r.file,
                r.new,
                r.updated,
                r.unchanged,
                r.conflicts.len()
            );
            for c in &r.conflicts {
                println!(
                    "  conflict: {} {} revision {} (line {}): the stored copy differs in {}; kept the stored one",
                    c.record,
                    c.id,
                    c.revision,
                    c.line,
                    c.fields.join(", ")
                );
            }
        }
        Outcome::AlreadyImported => println!("already imported: {}{origin}", r.file),
        Outcome::Rejected => println!("rejected: {}", r.message),
    }
}

pub fn import(
    store: &mut Store,
    dry_run: bool,
    json_out: bool,
    files: &[PathBuf],
) -> Result<ExitCode, Error> {
    let reports = import::import_paths(store.conn_mut(), files, dry_run, Utc::now())?;
    if reports.is_empty() {
        return Err(Error::invalid(
            "FILE",
            "no export file found (a folder is searched for *.jsonl files)",
        ));
    }
    let seqs = import::sequences(store.conn())?;
    if json_out {
        print_json(&json!({"dry_run": dry_run, "files": reports, "desks": seqs}))?;
    } else {
        if dry_run {
            println!("dry run: nothing is stored");
        }
        for r in &reports {
            print_report(r, dry_run);
        }
        if !dry_run {
            print_sequences(&seqs);
        }
    }
    let rejected = reports.iter().any(|r| r.outcome == Outcome::Rejected);
    Ok(if rejected {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub fn imports(store: &Store, json_out: bool) -> Result<(), Error> {
    let seqs = import::sequences(store.conn())?;
    let log = import::log(store.conn(), 50)?;
    if json_out {
        return print_json(&json!({"desks": seqs, "log": log}));
    }
    if seqs.is_empty() {
        println!("no file imported yet");
    }
    print_sequences(&seqs);
    if !log.is_empty() {
        println!("\nlast imports:");
    }
    for e in &log {
        let origin = match (&e.desk, e.sequence) {
            (Some(d), Some(s)) => format!("{d} no. {s}"),
            _ => "-".into(),
        };
        println!(
            "  {}  {:<16} {:<10} {}  {}",
            e.imported_at, e.outcome, origin, e.file_name, e.message
        );
    }
    Ok(())
}

pub fn report(
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
