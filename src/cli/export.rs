//! `sportello export`: this desk's export file for the coordinator. Argument handling
//! and printing only; every rule is in `sportello::exchange::export`.

use std::path::PathBuf;

use chrono::NaiveDate;
use sportello::exchange::encryption;
use sportello::exchange::export::{self, Selection};
use sportello::{Error, Now, Store};

// The command's help is the doc comment of its variant in main.rs.
#[derive(clap::Args)]
pub struct Args {
    /// Everything changed since the last export (the default).
    #[arg(long, conflicts_with_all = ["date", "from", "to"])]
    since_last: bool,
    /// The records of one day (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD", conflicts_with_all = ["from", "to"])]
    date: Option<NaiveDate>,
    /// First day of a range (with --to).
    #[arg(long, value_name = "YYYY-MM-DD", requires = "to")]
    from: Option<NaiveDate>,
    /// Last day of a range (with --from).
    #[arg(long, value_name = "YYYY-MM-DD", requires = "from")]
    to: Option<NaiveDate>,
    /// Folder to write the file into (a USB stick, a synced folder...).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Encrypt the file to this public key of the coordinator (age1...), instead of the
    /// one set with `sportello keys recipient`; the file is named *.jsonl.age.
    #[arg(long, value_name = "AGE1...")]
    recipient: Option<String>,
}

/// Writes the export file and prints its path (a summary goes to the standard error).
pub fn run(store: &mut Store, args: Args) -> Result<(), Error> {
    // --since-last is the default: it only documents the choice
    let selection = match (args.date, args.from.zip(args.to)) {
        (Some(d), _) => Selection::Range { from: d, to: d },
        (None, Some((from, to))) => Selection::Range { from, to },
        (None, None) => Selection::SinceLast,
    };
    let recipient = args
        .recipient
        .as_deref()
        .map(encryption::parse_recipient)
        .transpose()?;
    let summary = export::export_for_coordinator(
        store.conn_mut(),
        selection,
        &args.out,
        Now::read(),
        recipient.as_ref(),
    )?;
    let encrypted = summary.path.to_string_lossy().ends_with(encryption::SUFFIX);
    eprintln!(
        "sportello: export no. {} of {}: {} records, {} to {}{}",
        summary.sequence,
        summary.desk,
        summary.record_count,
        summary.period_from,
        summary.period_to,
        if encrypted {
            ", encrypted for the coordinator"
        } else {
            ""
        }
    );
    println!("{}", summary.path.display());
    Ok(())
}
