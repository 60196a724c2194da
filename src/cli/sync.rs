//! `sportello sync`: export what changed into the outbox, deliver what waits, read the
//! coordinator's receipts found at the destination; and `sync destination`, `sync status`. Argument handling and
//! printing only; every rule is in `sportello::exchange::outbox`.
//!
//! One line per action on the standard output. Exit status: 0 when nothing waits in
//! the outbox at the end, [`WAITING`] when files stay there (the line before says why:
//! a scheduled job simply tries again later), 1 on an error, 2 on bad usage.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use sportello::exchange::encryption;
use sportello::exchange::outbox::{self, DeliveryReport, Outbox, RealDisk, Status};
use sportello::{Error, Now, Store};

use super::{Format, print_json};

/// The exit status of a sync after which files still wait in the outbox.
pub const WAITING: u8 = 3;

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    action: Option<Action>,
    /// Deliver to DIR and remember it as the destination (as `sync destination DIR`).
    #[arg(long, value_name = "DIR")]
    destination: Option<PathBuf>,
    /// Only deliver what already waits: no new export.
    #[arg(long)]
    no_export: bool,
}

#[derive(Subcommand)]
enum Action {
    /// Show the destination folder, or choose DIR (an existing folder: a USB stick, a
    /// network share, a folder a cloud client keeps in sync).
    Destination {
        /// The folder the export files are delivered to.
        dir: Option<PathBuf>,
    },
    /// Put the delivered file of export number N back into the outbox (from its sent
    /// archive), to be delivered again: the coordinator's receipt says it is missing
    /// or was rejected.
    Resend {
        /// The export's sequence number.
        sequence: i64,
    },
    /// What waits in the outbox, the destination, and the last delivery.
    Status {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

/// Runs `sync`.
pub fn run(store: &mut Store, args: Args) -> Result<ExitCode, Error> {
    let outbox = Outbox::beside(store)?;
    match args.action {
        Some(Action::Destination { dir: Some(dir) }) => {
            set_destination(store, &outbox, dir)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Action::Destination { dir: None }) => {
            match outbox::destination(store.conn())? {
                Some(d) => println!("{}", d.path.display()),
                None => println!("no destination chosen: sportello sync destination DIR"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Some(Action::Resend { sequence }) => {
            let name = outbox::redeliver(store.conn(), &outbox, sequence)?;
            println!("back in the outbox, delivered with the next sync: {name}");
            Ok(ExitCode::SUCCESS)
        }
        Some(Action::Status { format }) => {
            let status = outbox::status(store.conn(), &outbox, Now::read())?;
            match format {
                Format::Json => print_json(&status)?,
                Format::Text => print_status(&outbox, &status),
            }
            Ok(ExitCode::SUCCESS)
        }
        None => {
            if let Some(dir) = args.destination {
                set_destination(store, &outbox, dir)?;
            }
            sync(store, &outbox, !args.no_export)
        }
    }
}

fn set_destination(store: &Store, outbox: &Outbox, dir: PathBuf) -> Result<(), Error> {
    // a relative path is taken from where the command runs, as a shell user expects
    let dir = std::path::absolute(&dir).unwrap_or(dir);
    let d = outbox::set_destination(store.conn(), outbox, &dir, &RealDisk)?;
    println!("destination: {}", d.path.display());
    Ok(())
}

/// The three steps, one line per action.
fn sync(store: &mut Store, outbox: &Outbox, export: bool) -> Result<ExitCode, Error> {
    let now = Now::read();
    if export {
        let seal = encryption::desk_seal(store.conn())?;
        match outbox::export_changes(store.conn_mut(), outbox, seal.as_ref(), now)? {
            Some(s) => println!(
                "exported no. {} ({} records, {} to {}) into the outbox: {}",
                s.sequence,
                s.record_count,
                s.period_from,
                s.period_to,
                file_name(&s.path)
            ),
            None => println!("nothing changed since the last export: no new file"),
        }
    }
    let report = outbox::deliver(store.conn_mut(), outbox, &RealDisk, now)?;
    print_delivery(&report);
    let destination = outbox::destination(store.conn())?;
    if destination.is_none() {
        println!("receipts: not read (no destination chosen)");
    } else {
        let op = super::year::operator(store)?;
        let read = outbox::read_receipts(store.conn_mut(), destination.as_ref(), &op, now)?;
        if read.is_empty() {
            println!("receipts: none found at the destination");
        }
        super::receipts::print_read(&read);
        if let Some(line) = super::receipts::standing_line(store)? {
            println!("{line}");
        }
    }
    Ok(if report.waiting.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(WAITING)
    })
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn print_delivery(report: &DeliveryReport) {
    let to = report
        .destination
        .as_ref()
        .map(|d| d.display().to_string())
        .unwrap_or_default();
    for d in &report.delivered {
        if d.already_there {
            println!(
                "already delivered (found at {to}, not copied again): {}",
                d.file
            );
        } else {
            println!("delivered to {to}: {}", d.file);
        }
    }
    if let Some(f) = &report.failure {
        println!("not delivered [{}]: {}", f.code, f.message);
    }
    match report.waiting.len() {
        0 => println!("the outbox is empty"),
        1 => println!("1 file waits in the outbox"),
        n => println!("{n} files wait in the outbox"),
    }
}

fn print_status(outbox: &Outbox, s: &Status) {
    println!("outbox: {}", outbox.dir().display());
    match &s.destination {
        Some(d) => println!("destination: {}", d.path.display()),
        None => println!("destination: none chosen (sportello sync destination DIR)"),
    }
    println!("records not exported yet: {}", s.unexported);
    println!("files waiting: {}", s.waiting.len());
    for f in &s.waiting {
        let number = f.sequence.map(|n| format!("no. {n}, ")).unwrap_or_default();
        println!("  {} ({number}{} bytes)", f.name, f.bytes);
    }
    if let Some(l) = &s.last_delivered {
        println!(
            "last delivered: {} at {} to {}",
            l.file, l.last_at, l.destination
        );
    }
    if let Some(l) = s.last.as_ref().filter(|l| l.outcome == "failed") {
        let code = l.failure.as_deref().unwrap_or_default();
        println!(
            "last attempt failed [{code}] at {} ({} times since {}): {}",
            l.last_at, l.attempts, l.first_at, l.message
        );
    }
}
