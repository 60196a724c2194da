//! `sportello backup` and `sportello restore`: verified online backups of the database,
//! their list and folder, and putting one back. Argument handling and printing only;
//! every rule is in `sportello::store::backup` (docs/backup.md).

use std::path::{Path, PathBuf};

use clap::Subcommand;
use sportello::store::backup::{self, AppLock, Backup, Kind};
use sportello::{Error, Now, Store};

use super::{Format, print_json};

const OPERATOR: &str = "cli";

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    /// Write the backup into DIR (a USB stick, a share) instead of the backup folder;
    /// DIR is rotated like the backup folder.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    #[command(subcommand)]
    action: Option<Action>,
}

#[derive(Subcommand)]
pub enum Action {
    /// List the backups in the backup folder, newest first: date, size, verified, kind.
    List {
        /// Check every file again (SQLite's integrity check) instead of trusting the
        /// check made when it was written.
        #[arg(long)]
        verify: bool,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Show the backup folder, or choose another one (a USB stick, a network share)
    /// that exists now; --default goes back to `backups/` beside the database.
    Folder {
        #[arg(value_name = "DIR", conflicts_with = "default")]
        dir: Option<PathBuf>,
        #[arg(long)]
        default: bool,
    },
}

#[derive(clap::Args)]
pub struct RestoreArgs {
    /// The backup to put back (`sportello backup list` shows them).
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

pub fn run(store: &mut Store, args: Args) -> Result<(), Error> {
    let db = db_path(store)?;
    let now = Now::read();
    match args.action {
        None => {
            let b = backup::take(store.conn(), &db, args.out.as_deref(), now.utc())?;
            println!(
                "backup written and verified: {} ({})",
                b.path.display(),
                size(b.size)
            );
        }
        Some(Action::List { verify, format }) => list(store, &db, verify, format, now)?,
        Some(Action::Folder { dir, default }) => {
            if dir.is_some() || default {
                let dir = dir.map(|d| std::path::absolute(&d).unwrap_or(d));
                backup::set_folder(store.conn_mut(), dir.as_deref(), OPERATOR, now.utc())?;
            }
            let dir = backup::folder(store.conn(), &db)?;
            println!("{}", dir.display());
        }
    }
    Ok(())
}

fn db_path(store: &Store) -> Result<PathBuf, Error> {
    store
        .path()
        .map(Path::to_path_buf)
        .ok_or_else(|| Error::invalid("database", "a database in memory has no backups"))
}

fn list(store: &Store, db: &Path, verify: bool, format: Format, now: Now) -> Result<(), Error> {
    let mut status = backup::status(store.conn(), db, now.utc())?;
    if verify {
        for b in &mut status.backups {
            b.verified = backup::check_file(&b.path).is_ok();
        }
    }
    if matches!(format, Format::Json) {
        return print_json(&status);
    }
    println!("backup folder: {}", status.folder.display());
    if !status.reachable {
        println!("  the folder cannot be reached now (a drive not plugged in?)");
    }
    if status.backups.is_empty() {
        println!("no backups yet: `sportello backup` takes one");
    } else {
        println!("{:<17}  {:>9}  {:<8}  kind", "date", "size", "verified");
        for b in &status.backups {
            println!(
                "{:<17}  {:>9}  {:<8}  {}  {}",
                local(b, now),
                size(b.size),
                if b.verified { "yes" } else { "DAMAGED" },
                kind(b.kind),
                b.path.display()
            );
        }
    }
    match &status.last {
        Some(b) if status.stale => println!(
            "warning: the last good backup is from {}, over two days ago",
            local(b, now)
        ),
        None => println!("warning: no good backup in the backup folder"),
        Some(_) => {}
    }
    Ok(())
}

fn local(b: &Backup, now: Now) -> String {
    b.taken_at
        .with_timezone(&now.local().timezone())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn kind(k: Kind) -> String {
    match k {
        Kind::Backup => "backup".into(),
        Kind::BeforeMigration { from_version } => {
            format!("before upgrading (schema {from_version})")
        }
        Kind::BeforeRestore => "set aside by a restore".into(),
    }
}

fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / 1_048_576.0)
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// Restores the database at `db` from the backup in `args` (the app must be closed),
/// then opens it (migrating an older one) and records the restore in its audit log.
pub fn restore(db: &Path, args: RestoreArgs) -> Result<(), Error> {
    let now = Now::read();
    let restored = backup::restore(db, &args.file, AppLock::Take, now.utc())?;
    let store = super::open(Some(db.to_path_buf()))?;
    backup::log(store.conn(), now.utc(), OPERATOR, "restore", &args.file)?;
    // printed once the restore is whole, logged included
    if let Some(aside) = &restored.set_aside {
        println!("the replaced database is kept as {}", aside.display());
    }
    println!("restored {} into {}", args.file.display(), db.display());
    Ok(())
}
