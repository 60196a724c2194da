//! `sportello`: the command line of the Sportello desks, on the same database as the app.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::Utc;
use clap::{Parser, Subcommand, ValueEnum};
use sportello::codebook::{self, ChannelGroup, List, NewEntry};
use sportello::{Error, Store, desk, store};

#[path = "cli/appointments.rs"]
mod cli_appointments;
#[path = "cli/cases.rs"]
mod cli_cases;
#[path = "cli/export.rs"]
mod cli_export;
#[path = "cli/import.rs"]
mod cli_import;
#[path = "cli/report.rs"]
mod cli_report;

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
    Codebook {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(subcommand)]
        change: Option<CodebookChange>,
    },
    /// Write this desk's export file for the coordinator into DIR and print its path
    /// (default: everything changed since the last export).
    Export(cli_export::Args),
    /// Import desk export files (each on its own, all or nothing). Exit status 1 when
    /// any file was rejected.
    Import(cli_import::Args),
    /// Show, per desk, the export sequence numbers received and missing, and the import log.
    Imports {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// The yearly report over every record here, own desk and imported ones.
    Report {
        /// The year, e.g. 2023.
        #[arg(long)]
        year: i32,
        /// Only this desk (code).
        #[arg(long)]
        desk: Option<String>,
        /// Output format (json only, for now).
        #[arg(long, value_enum, default_value_t = cli_report::ReportFormat::Json)]
        format: cli_report::ReportFormat,
        /// Write to FILE instead of the standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Show this installation's desk, or set it from a preset.
    Desk {
        #[command(subcommand)]
        action: Option<DeskAction>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Back-office appointments: kinds, documents to bring, closing days, retention,
    /// purge and anonymous counts (bookings are made in the app).
    Appointments {
        #[command(subcommand)]
        action: cli_appointments::Action,
    },
    /// Accompaniment cases of this desk: list, the year's counts, open, close.
    /// Anonymous fields only: the personal file and notes never leave the app.
    Cases {
        #[command(subcommand)]
        action: cli_cases::Action,
    },
}

#[derive(Subcommand)]
enum CodebookChange {
    /// Add an entry at the end of a list (the codebook version goes up).
    Add {
        /// channel, sex, age_band, nationality, referred_by, reason, permit or action.
        list: String,
        /// The new, never-used code.
        code: String,
        /// Italian label.
        #[arg(long)]
        label: String,
        /// English label.
        #[arg(long)]
        label_en: String,
        /// Report group, for channels only.
        #[arg(long, value_enum)]
        group: Option<Group>,
    },
    /// Retire an entry: old records keep it, new ones cannot use it.
    Retire { list: String, code: String },
    /// Bring a retired entry back into use.
    Restore { list: String, code: String },
}

#[derive(Subcommand)]
enum DeskAction {
    /// List the ready-made desks (GRO, FOL, SCA).
    Presets,
    /// Make this installation the desk of a preset.
    Set {
        /// GRO, FOL or SCA.
        preset: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Group {
    FrontDesk,
    PhoneMail,
}

fn main() -> ExitCode {
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
    let store = Store::open(&path, Utc::now())?;
    if let Some(backup) = store.backup_taken() {
        eprintln!(
            "sportello: database upgraded; the previous version is saved as {}",
            backup.display()
        );
    }
    Ok(store)
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
    let mut store = open(cli.db)?;
    match cli.command {
        Command::Codebook { format, change } => {
            if let Some(change) = change {
                match change {
                    CodebookChange::Add {
                        list,
                        code,
                        label,
                        label_en,
                        group,
                    } => {
                        let entry = NewEntry {
                            code,
                            label,
                            label_en,
                            group: group.map(|g| match g {
                                Group::FrontDesk => ChannelGroup::FrontDesk,
                                Group::PhoneMail => ChannelGroup::PhoneMail,
                            }),
                        };
                        codebook::add_entry(store.conn(), list.parse()?, &entry)?;
                    }
                    CodebookChange::Retire { list, code } => {
                        codebook::set_active(store.conn(), list.parse()?, &code, false)?
                    }
                    CodebookChange::Restore { list, code } => {
                        codebook::set_active(store.conn(), list.parse()?, &code, true)?
                    }
                }
            }
            let cb = codebook::load(store.conn())?;
            match format {
                Format::Json => print_json(&cb)?,
                Format::Text => {
                    println!("codebook version {}", cb.version);
                    for list in List::ALL {
                        println!("\n[{list}]");
                        for e in cb.lists.get(list) {
                            let retired = if e.active { "" } else { "  (retired)" };
                            println!("  {:<28} {}{retired}", e.code, e.label);
                        }
                    }
                }
            }
        }
        Command::Export(args) => cli_export::run(&mut store, args)?,
        Command::Import(args) => return cli_import::run(&mut store, args),
        Command::Imports { format } => cli_import::imports(&store, matches!(format, Format::Json))?,
        Command::Report {
            year,
            desk,
            format,
            out,
        } => cli_report::run(&store, year, desk.as_deref(), format, out.as_deref())?,
        Command::Desk { action, format } => match action {
            Some(DeskAction::Presets) => match format {
                Format::Json => print_json(&desk::presets())?,
                Format::Text => {
                    for d in desk::presets() {
                        println!("{}  {}, {}", d.code, d.name, d.address);
                    }
                }
            },
            Some(DeskAction::Set { preset }) => {
                let Some(d) = desk::presets().into_iter().find(|d| d.code == preset) else {
                    return Err(Error::invalid(
                        "preset",
                        format!("no preset desk '{preset}' (GRO, FOL or SCA)"),
                    ));
                };
                desk::set_own(store.conn_mut(), &d, Utc::now())?;
                println!("this installation is now desk {} ({})", d.code, d.name);
            }
            None => {
                let own = desk::own(store.conn())?.ok_or(Error::NoDesk)?;
                match format {
                    Format::Json => print_json(&own)?,
                    Format::Text => {
                        println!("{}  {}, {}  {}", own.code, own.name, own.address, own.phone)
                    }
                }
            }
        },
        Command::Appointments { action } => cli_appointments::run(&mut store, action)?,
        Command::Cases { action } => cli_cases::run(&mut store, action)?,
    }
    Ok(ExitCode::SUCCESS)
}
