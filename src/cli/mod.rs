//! The `sportello` command line: one file per command (its clap arguments and its run
//! function), over the same core functions as the desktop app.
//!
//! Each command prints what it did; errors end the process with a message naming what
//! is wrong. The clock is read by the commands that need it, once each.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use sportello::{Error, Now, Store, store};

mod appointments;
mod backup;
mod cases;
mod codebook;
mod context;
mod demo;
mod desk;
mod export;
mod import;
mod inbox;
mod keys;
mod receipts;
mod report;
mod sync;
mod year;

/// Front-desk register of the Sportello Info Immigrati desks: codebook, desk,
/// export, import and yearly report, on the same database as the desktop app.
#[derive(Parser)]
#[command(name = "sportello", version)]
struct Cli {
    /// Database file (created with every migration when missing). Default: the
    /// desktop app's own database in the platform's app-data folder.
    #[arg(long, global = true, env = "SPORTELLO_DB", value_name = "PATH")]
    db: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the shared codebook, or change it (coordinator).
    Codebook(codebook::Args),
    /// Write this desk's export file for the coordinator into DIR and print its path
    /// (default: everything changed since the last export).
    Export(export::Args),
    /// Import desk export files (each on its own, all or nothing). Exit status 1 when
    /// any file was rejected.
    Import(import::Args),
    /// (Coordinator) The inbox folders the desks deliver to: plan the files not seen
    /// before and import them (`--dry-run`: only show the plan). A file of a desk never
    /// seen here waits until `--accept-new-desk CODE`. Exit status 0, 1 when a file was
    /// rejected, 3 when files wait for a confirmation.
    Inbox(inbox::Args),
    /// Export what changed into the outbox, deliver what waits to the destination
    /// folder, read the coordinator's receipts; one line per action. Exit status 0 when
    /// nothing waits in the outbox at the end, 3 when files stay there.
    Sync(sync::Args),
    /// Encryption of the export files: the coordinator's key pair (init, show, backup,
    /// restore, require) and, on a desk, the coordinator's public key (recipient).
    Keys {
        #[command(subcommand)]
        action: keys::Action,
    },
    /// The coordinator's receipts: the return folder, writing them, reading them at a
    /// desk (docs/receipt.md).
    Receipts {
        #[command(subcommand)]
        action: receipts::Action,
    },
    /// Show, per desk, the export sequence numbers received and missing, and the import log.
    Imports {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// The yearly report over every record here, own desk and imported ones.
    Report(report::Args),
    /// Show this installation's desk, or set it from a preset.
    Desk(desk::Args),
    /// Fill a new database with synthetic demo records of the desks GRO, FOL and SCA
    /// (for 2023, the report equals the 2023 activity report's tables). Refuses a
    /// database that holds any record.
    Demo(demo::Args),
    /// Back-office appointments: kinds, documents to bring, closing days, retention,
    /// purge and anonymous counts (bookings are made in the app).
    Appointments {
        #[command(subcommand)]
        action: appointments::Action,
    },
    /// The report's context tables (ISTAT residents of the zone): load a year from
    /// ISTAT's files, show a year, list the years, the zone and the desks'
    /// municipalities.
    Context {
        #[command(subcommand)]
        action: context::Action,
    },
    /// Accompaniment cases of this desk: list, the year's counts, open, close, reopen,
    /// retention and purge of personal files. Anonymous fields only: the personal file
    /// and the follow-ups never leave the app.
    Cases {
        #[command(subcommand)]
        action: cases::Action,
    },
    /// The years of the activity report: close a year once its report is published
    /// (its figures are then protected), reopen it, show its state.
    Year {
        #[command(subcommand)]
        action: year::Action,
    },
    /// Take a verified online backup of the database now (into the backup folder, or
    /// DIR), rotated: 7 daily, 4 weekly, 12 monthly. `backup list` shows them,
    /// `backup folder DIR` chooses where they go (docs/backup.md).
    Backup(backup::Args),
    /// Replace the database with a backup FILE: the file is checked first (a bad one
    /// is refused, naming what is wrong, and nothing changes), the current database is
    /// kept aside in the backup folder, then the two are swapped. Close the app first.
    Restore(backup::RestoreArgs),
    /// The texts of a year's report (activities, conventions and protocols, projects):
    /// show them, or replace one from a file.
    ReportText(year::TextArgs),
}

/// How a command prints what it shows.
#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

/// Parses the arguments, runs the command, and turns an error into a message and a
/// failing exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("sportello: {e}");
            ExitCode::FAILURE
        }
    }
}

fn open(db: Option<PathBuf>) -> Result<Store, Error> {
    let path = match db {
        Some(p) => p,
        None => store::default_db_path()?,
    };
    let store = Store::open(&path, Now::read().utc())?;
    // Every change made from the command line is signed "command line".
    sportello::operators::signer::sign_as(
        store.conn(),
        sportello::operators::signer::COMMAND_LINE,
    )?;
    if let Some(backup) = store.backup_taken() {
        eprintln!(
            "sportello: database upgraded; the previous version is saved as {}",
            backup.display()
        );
    }
    Ok(store)
}

/// `now` moved to `day`: the same time of day on the day asked for, at the desk's
/// offset (for commands that act "as of" a day).
fn now_on(day: chrono::NaiveDate, now: Now) -> Now {
    Now::new(
        day.and_time(now.local().time())
            .and_local_timezone(now.local().timezone())
            .single()
            .expect("a fixed offset maps every local time once"),
    )
}

/// A day as typed: dd/mm/yyyy (as the operator reads dates) or YYYY-MM-DD.
fn parse_day(s: &str) -> std::result::Result<chrono::NaiveDate, String> {
    chrono::NaiveDate::parse_from_str(s, "%d/%m/%Y")
        .or_else(|_| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d"))
        .map_err(|_| format!("'{s}' is not a day: write dd/mm/yyyy or YYYY-MM-DD"))
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    let written = serde_json::to_writer_pretty(&mut out, value)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out));
    match written {
        // a reader that stops early (`| head`) is not an error of ours
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| Error::io("stdout", e)),
    }
}

fn run(cli: Cli) -> Result<ExitCode, Error> {
    if let Command::Restore(args) = cli.command {
        // the database is swapped while closed: never opened (nor migrated) first
        let path = match cli.db {
            Some(p) => p,
            None => store::default_db_path()?,
        };
        backup::restore(&path, args)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut store = open(cli.db)?;
    match cli.command {
        Command::Codebook(args) => codebook::run(&store, args)?,
        Command::Export(args) => export::run(&mut store, args)?,
        Command::Import(args) => return import::run(&mut store, args),
        Command::Sync(args) => return sync::run(&mut store, args),
        Command::Inbox(args) => return inbox::run(&mut store, args),
        Command::Keys { action } => keys::run(&mut store, action)?,
        Command::Receipts { action } => return receipts::run(&mut store, action),
        Command::Imports { format } => import::imports(&store, matches!(format, Format::Json))?,
        Command::Report(args) => report::run(&store, args)?,
        Command::Desk(args) => desk::run(&mut store, args)?,
        Command::Demo(args) => demo::run(&mut store, args)?,
        Command::Appointments { action } => appointments::run(&mut store, action)?,
        Command::Cases { action } => cases::run(&mut store, action)?,
        Command::Year { action } => year::run(&mut store, action)?,
        Command::ReportText(args) => year::run_text(&mut store, args)?,
        Command::Context { action } => context::run(&mut store, action)?,
        Command::Backup(args) => backup::run(&mut store, args)?,
        Command::Restore(_) => unreachable!("restored above, without opening the store"),
    }
    Ok(ExitCode::SUCCESS)
}
