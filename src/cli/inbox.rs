//! `sportello inbox`: the coordinator's inbox folders, looked at for desk files not
//! seen before, planned, and imported (or only shown: `--dry-run`); `sportello inbox
//! folder DIR...` chooses the folders. Argument handling and printing only; every rule
//! is in `sportello::exchange::inbox`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use serde_json::json;
use sportello::exchange::import::{self, Decryption, Outcome, RejectionKind};
use sportello::exchange::inbox::{self, Confirmation};
use sportello::{Error, Now, Store, ids, report};

use super::import::{print_report, print_sequences};
use super::{Format, print_json};

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    action: Option<Action>,
    /// Show the plan of the new files and store nothing.
    #[arg(long)]
    dry_run: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Register the desk CODE, never seen here, and import its files (repeatable).
    /// Without it a file of a new desk waits, with nothing stored.
    #[arg(long = "accept-new-desk", value_name = "CODE")]
    accept_new_desks: Vec<String>,
    /// Confirm reopening the closed year YYYY if a file would change its figures
    /// (repeatable). Without it such a file waits, with nothing stored.
    #[arg(long = "reopen-year", value_name = "YYYY")]
    reopen_years: Vec<i32>,
    /// Open encrypted files with the age private key in FILE, instead of the
    /// coordinator's own key.
    #[arg(long, value_name = "FILE")]
    identity: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum Action {
    /// Show the inbox folders, or choose them: one for all desks, or one per desk.
    Folder {
        /// Existing folders (the shared folders the desks deliver to).
        dirs: Vec<PathBuf>,
        /// Forget the inbox folders.
        #[arg(long, conflicts_with = "dirs")]
        clear: bool,
    },
}

fn folder(store: &Store, dirs: Vec<PathBuf>, clear: bool) -> Result<ExitCode, Error> {
    if clear || !dirs.is_empty() {
        let dirs: Vec<PathBuf> = dirs
            .into_iter()
            .map(|d| std::path::absolute(&d).unwrap_or(d))
            .collect();
        inbox::set_folders(store.conn(), &dirs)?;
    }
    let set = inbox::folders(store.conn())?;
    if set.is_empty() {
        println!("no inbox folder chosen: sportello inbox folder DIR...");
    }
    for d in set {
        println!("inbox folder: {}", d.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Whether a report is a file that waits for a confirmation (a new desk, a closed
/// year), not a bad file.
fn waits(r: &import::FileReport) -> bool {
    matches!(
        r.rejection.as_ref().map(|r| r.kind),
        Some(RejectionKind::NewDesk | RejectionKind::ClosedYear)
    )
}

pub fn run(store: &mut Store, args: Args) -> Result<ExitCode, Error> {
    let Args {
        action,
        dry_run,
        format,
        accept_new_desks,
        reopen_years,
        identity,
    } = args;
    if let Some(Action::Folder { dirs, clear }) = action {
        return folder(store, dirs, clear);
    }
    if inbox::folders(store.conn())?.is_empty() {
        eprintln!("sportello: no inbox folder chosen: sportello inbox folder DIR...");
        return Ok(ExitCode::from(2));
    }
    let json_out = matches!(format, Format::Json);
    let now = Now::read();
    let keys = match &identity {
        Some(path) => Decryption::from_identity_file(store.conn(), path)?,
        None => Decryption::of_database(store.conn())?,
    };
    let scan = report::closing::plan_inbox(store.conn_mut(), &keys)?;
    let (reports, receipts) = if dry_run {
        (scan.plan.reports(), vec![])
    } else {
        let confirmation = Confirmation {
            files: scan.plan.files.iter().map(|f| f.path.clone()).collect(),
            new_desks: accept_new_desks,
            reopen_years,
        };
        let done = inbox::confirm(
            store.conn_mut(),
            &scan.plan,
            &confirmation,
            &keys,
            now.utc(),
            ids::new_id,
        )?;
        if let Some(e) = &done.receipt_error {
            eprintln!("sportello: receipts not written: {e}");
        }
        (done.reports, done.receipts)
    };
    let seqs = import::sequences(store.conn())?;
    if json_out {
        print_json(&json!({
            "dry_run": dry_run, "folders": scan.folders, "known": scan.known,
            "files": reports, "desks": seqs, "receipts": receipts,
        }))?;
    } else {
        for f in &scan.folders {
            match &f.error {
                Some(e) => println!("inbox folder {}: cannot be read ({e})", f.folder.display()),
                None => println!("inbox folder {}: {} file(s)", f.folder.display(), f.files),
            }
        }
        if dry_run {
            println!("dry run: nothing is stored");
        }
        if reports.is_empty() {
            println!("no new file ({} seen before)", scan.known);
        }
        for r in &reports {
            if waits(r) {
                println!("waiting: {}", r.message);
            } else {
                print_report(r, dry_run);
            }
        }
        if !dry_run && !reports.is_empty() {
            print_sequences(&seqs);
        }
        for path in &receipts {
            println!("receipt written: {}", path.display());
        }
    }
    let rejected = reports
        .iter()
        .any(|r| r.outcome == Outcome::Rejected && !waits(r));
    Ok(if rejected {
        ExitCode::from(1)
    } else if reports.iter().any(waits) {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}
