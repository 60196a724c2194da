//! `sportello import` and `sportello imports`: plan the import of desk export files and
//! apply the plan (or print it: `--dry-run`), and show the import log. Argument handling
//! and printing only; every rule is in `sportello::exchange::import`. The printed text
//! and the JSON are part of the command-line contract.

use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;
use sportello::exchange::import::{self, Decryption, DeskSequences, FileReport, Outcome};
use sportello::exchange::receipt;
use sportello::{Error, Now, Store, ids, report};

use super::{Format, print_json};

// The command's help is the doc comment of its variant in main.rs.
#[derive(clap::Args)]
pub struct Args {
    /// Show what would happen and store nothing.
    #[arg(long)]
    dry_run: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Confirm reopening the closed year YYYY if a file would change its figures
    /// (repeatable). Without it such a file is refused, with nothing stored.
    #[arg(long = "reopen-year", value_name = "YYYY")]
    reopen_years: Vec<i32>,
    /// Open encrypted files (*.jsonl.age) with the age private key in FILE, instead of
    /// the coordinator's own key.
    #[arg(long, value_name = "FILE")]
    identity: Option<PathBuf>,
    /// Export files, or folders holding them (*.jsonl, *.jsonl.age).
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
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

pub(super) fn print_sequences(seqs: &[DeskSequences]) {
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
        if let (Some(made), Some((from, to))) = (&d.last_file_created_at, &d.last_file_period) {
            println!(
                "desk {}: last file no. {} made {made}, period {from} to {to}",
                d.desk,
                d.last_sequence.unwrap_or_default()
            );
        }
        if !d.reused.is_empty() {
            let numbers: Vec<String> = d.reused.iter().map(i64::to_string).collect();
            println!(
                "desk {}: WARNING number(s) {} received twice, from different exports \
                 (a restored backup, or two installations with the same desk code?)",
                d.desk,
                numbers.join(", ")
            );
        }
    }
}

pub(super) fn print_report(r: &FileReport, dry_run: bool) {
    let lock = if r.encrypted { ", encrypted" } else { "" };
    let new_desk = match (&r.desk, r.new_desk) {
        (Some(d), true) => format!(", new desk {d}"),
        _ => String::new(),
    };
    let origin = match (&r.desk, r.sequence) {
        (Some(d), Some(s)) => format!(" ({d} no. {s}{lock}{new_desk})"),
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
            if let Some(other) = &r.sequence_taken_by {
                println!(
                    "  warning: number {} of this desk was already imported from another export \
                     ({other}): two files claim the same place in the sequence",
                    r.sequence.unwrap_or_default()
                );
            }
            for c in &r.closed_years {
                if dry_run {
                    println!("  closed year {c}: import it with --reopen-year {}", c.year);
                } else {
                    println!("  reopened year {c}: close it again after republishing its report");
                }
            }
        }
        Outcome::AlreadyImported => println!("already imported: {}{origin}", r.file),
        Outcome::Rejected => println!("rejected: {}", r.message),
    }
}

/// Plans the import of the files, then applies the plan (or, with `--dry-run`, prints
/// it). A file that would change a closed year's figures is refused unless its year is
/// given with `--reopen-year`. Exit status 1 when any file was rejected.
pub fn run(store: &mut Store, args: Args) -> Result<ExitCode, Error> {
    let Args {
        dry_run,
        format,
        reopen_years,
        identity,
        files,
    } = args;
    let json_out = matches!(format, Format::Json);
    let now = Now::read();
    let keys = match &identity {
        Some(path) => Decryption::from_identity_file(store.conn(), path)?,
        None => Decryption::of_database(store.conn())?,
    };
    let plan = report::closing::plan_import_with(store.conn_mut(), &files, &keys)?;
    let reports = if dry_run {
        plan.reports()
    } else {
        import::apply_decrypting(store.conn_mut(), &plan, &reopen_years, now.utc(), &keys)?
    };
    if reports.is_empty() {
        return Err(Error::invalid(
            "FILE",
            "no export file found (a folder is searched for *.jsonl and *.jsonl.age files)",
        ));
    }
    let seqs = import::sequences(store.conn())?;
    // The files are stored by now: a receipt that cannot be written (the return folder
    // is gone) is said, not an error of the import.
    let receipts = if dry_run {
        vec![]
    } else {
        match receipt::write_after_import(store.conn(), &reports, now.utc(), ids::new_id) {
            Ok(paths) => paths,
            Err(e) => {
                eprintln!("sportello: receipts not written: {e}");
                vec![]
            }
        }
    };
    if json_out {
        print_json(
            &json!({"dry_run": dry_run, "files": reports, "desks": seqs, "receipts": receipts}),
        )?;
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
        for path in &receipts {
            println!("receipt written: {}", path.display());
        }
    }
    let rejected = reports.iter().any(|r| r.outcome == Outcome::Rejected);
    Ok(if rejected {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `sportello imports`: per desk, the sequence numbers received and missing, and the log.
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
