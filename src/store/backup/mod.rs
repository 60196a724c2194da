//! Verified online backups of the database, their rotation, and restoring one.
//!
//! A backup is a page-level copy made with SQLite's online backup API while the app
//! keeps working: the copy is written under a temporary name in the backup folder,
//! checked (`PRAGMA integrity_check`, and that it is a Sportello database of a schema
//! this program opens), flushed to the disk and only then renamed onto its name. So a
//! file carrying a backup's name passed that check when it was written; a crash or a
//! full disk leaves at most a hidden temporary file, swept by the next backup.
//! Being a copy of the pages, a backup holds exactly what the database holds, encrypted
//! fields included: it is as private as the database, and written 0600.
//!
//! Names: `<db stem>-<UTC time>.db` (`sportello-20261130T023500Z.db`), with `-v<N>`
//! for the copy taken before migrating a database of schema version N, and
//! `-before-restore` for the database a restore set aside.
//!
//! Rotation ([`keep`]), after every backup: of the backups, the newest of each of the
//! 7 most recent days that have one, of the 4 most recent ISO weeks, of the 12 most
//! recent months (UTC calendar) are kept, every other is deleted; the sets overlap, so
//! at most 23 files. The copies taken before a migration and the databases set aside by
//! a restore are kept [`WINDOW_DAYS`] days, then deleted by the same rotation: they are
//! the only copies of their kind (an older schema, what a restore replaced), which a
//! later backup of the same day must not replace. Either way no copy lives more than
//! about 13 months while backups run: the rotation window that docs/backup.md states.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use rusqlite::Connection;
use serde::Serialize;

mod check;
mod restore;
mod rotation;

pub use check::check_file;
pub use restore::{AppLock, restore};
pub use rotation::{keep, replace_after_sealing, rotate};

use crate::store::private::{create_dir as create_private_dir, sibling};
use crate::store::{audit, settings};
use crate::{Error, Result};
use check::check_open;

/// The setting holding the backup folder chosen by the desk (absent: the default).
pub const FOLDER_SETTING: &str = "backup_folder";
/// The default backup folder's name, inside the data folder beside the database.
pub const DEFAULT_FOLDER: &str = "backups";
/// A pre-migration copy or a database set aside by a restore is kept this many days,
/// then deleted: the age of the oldest monthly backup, and a month more.
pub const WINDOW_DAYS: i64 = 400;
/// How old the last good backup may be before the daily one is due.
pub const DUE_AFTER: Duration = Duration::days(1);
/// How old the last good backup may be before the window warns.
pub const WARN_AFTER: Duration = Duration::days(2);

const TIME_FORMAT: &str = "%Y%m%dT%H%M%SZ";
const SUFFIX: &str = ".db";

/// How many copies the rotation keeps per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Retention {
    pub daily: usize,
    pub weekly: usize,
    pub monthly: usize,
}

/// 7 daily, 4 weekly, 12 monthly.
pub const RETENTION: Retention = Retention {
    daily: 7,
    weekly: 4,
    monthly: 12,
};

/// What a backup file is a copy of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Kind {
    /// A backup, daily or asked for.
    Backup,
    /// The database as it was before migrating from schema `from_version`.
    BeforeMigration { from_version: i64 },
    /// The database a restore replaced.
    BeforeRestore,
}

/// A backup file in a backup folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Backup {
    pub path: PathBuf,
    /// When it was taken (from its name).
    pub taken_at: DateTime<Utc>,
    pub size: u64,
    #[serde(flatten)]
    pub kind: Kind,
    /// It passed the integrity check when written (every file under a backup's name
    /// did: the check runs before the rename).
    pub verified: bool,
}

/// The backup state the window shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Status {
    pub folder: PathBuf,
    /// The folder was chosen (not the default one).
    pub chosen: bool,
    /// The folder can be written to (a USB stick that is plugged in).
    pub reachable: bool,
    /// The newest good backup (any kind but a set-aside database), if any.
    pub last: Option<Backup>,
    /// No backup, or the last one is older than [`WARN_AFTER`].
    pub stale: bool,
    /// Every backup in the folder, newest first.
    pub backups: Vec<Backup>,
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Restored {
    /// Where the database that was replaced is kept (none when there was none).
    pub set_aside: Option<PathBuf>,
    /// The schema version of the restored file (older ones are migrated at open).
    pub version: i64,
}

/// The default backup folder of the database at `db`: `backups/` beside it.
pub fn default_folder(db: &Path) -> PathBuf {
    db.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join(DEFAULT_FOLDER)
}

/// The backup folder of the database at `db` open on `conn`: the chosen one, or the
/// default.
pub fn folder(conn: &Connection, db: &Path) -> Result<PathBuf> {
    Ok(match settings::get(conn, FOLDER_SETTING)? {
        Some(dir) if !dir.trim().is_empty() => PathBuf::from(dir),
        _ => default_folder(db),
    })
}

/// Chooses the backup folder (`None`: back to the default one), audited. The folder
/// must exist: a USB stick or a share is chosen while it is there.
pub fn set_folder(
    conn: &mut Connection,
    dir: Option<&Path>,
    operator: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let value = match dir {
        Some(d) => {
            if !d.is_absolute() {
                return Err(Error::invalid(
                    "backup_folder",
                    format!("{}: choose a folder by its full path", d.display()),
                ));
            }
            if !d.is_dir() {
                return Err(Error::invalid(
                    "backup_folder",
                    format!(
                        "{} is not a folder that can be reached: plug in the drive or choose another folder",
                        d.display()
                    ),
                ));
            }
            d.to_string_lossy().into_owned()
        }
        None => String::new(),
    };
    settings::set_audited(
        conn,
        FOLDER_SETTING,
        &value,
        "set_backup_folder",
        operator,
        now,
    )
}

pub(super) fn stem(db: &Path) -> String {
    db.file_stem()
        .map_or_else(|| "sportello".into(), |s| s.to_string_lossy().into_owned())
}

pub(super) fn file_name(db: &Path, kind: Kind, at: DateTime<Utc>) -> String {
    let time = at.format(TIME_FORMAT);
    let stem = stem(db);
    match kind {
        Kind::Backup => format!("{stem}-{time}{SUFFIX}"),
        Kind::BeforeMigration { from_version } => {
            format!("{stem}-{time}-v{from_version}{SUFFIX}")
        }
        Kind::BeforeRestore => format!("{stem}-{time}-before-restore{SUFFIX}"),
    }
}

/// Reads a backup's name back: its time and kind, or `None` for any other file
/// (another database's backups, a temporary file).
pub(super) fn parse_name(db: &Path, name: &str) -> Option<(DateTime<Utc>, Kind)> {
    let rest = name
        .strip_prefix(&format!("{}-", stem(db)))?
        .strip_suffix(SUFFIX)?;
    let time = rest.get(..16)?;
    let at = NaiveDateTime::parse_from_str(time, TIME_FORMAT)
        .ok()?
        .and_utc();
    let kind = match &rest[16..] {
        "" => Kind::Backup,
        "-before-restore" => Kind::BeforeRestore,
        tail => Kind::BeforeMigration {
            from_version: tail.strip_prefix("-v")?.parse().ok()?,
        },
    };
    Some((at, kind))
}

/// The folder to write into: the default one is created (0700) when missing; a chosen
/// one must be there.
pub(super) fn ready(dir: &Path, db: &Path) -> Result<()> {
    if dir == default_folder(db) {
        return create_private_dir(dir);
    }
    if !dir.is_dir() {
        return Err(Error::invalid(
            "backup_folder",
            format!(
                "the backup folder {} cannot be reached: plug in the drive (or reconnect the share), or choose another folder",
                dir.display()
            ),
        ));
    }
    Ok(())
}

/// Takes a verified backup of the database open on `conn` (a file at `db`) into `dir`
/// (default: its backup folder), then rotates that folder. Returns the new backup.
pub fn take(
    conn: &Connection,
    db: &Path,
    dir: Option<&Path>,
    now: DateTime<Utc>,
) -> Result<Backup> {
    let dir = match dir {
        Some(d) => d.to_path_buf(),
        None => folder(conn, db)?,
    };
    ready(&dir, db)?;
    let path = copy_verified(conn, &dir, &file_name(db, Kind::Backup, now))?;
    if let Err(e) = copy_documents(db, &path) {
        let _ = fs::remove_file(&path);
        return Err(e);
    }
    rotate(&dir, db, now)?;
    if dir != default_folder(db) && default_folder(db).is_dir() {
        // pre-migration copies and set-aside databases live in the default folder
        rotate(&default_folder(db), db, now)?;
    }
    describe(&path, Kind::Backup, now)
}

/// The copy taken before migrating the database at `db` from schema `from_version`,
/// into the default backup folder (always local, so a migration never waits for a
/// USB stick), kept [`WINDOW_DAYS`] days by the rotation.
pub(crate) fn take_before_migration(
    conn: &Connection,
    db: &Path,
    from_version: i64,
    now: DateTime<Utc>,
) -> Result<PathBuf> {
    let dir = default_folder(db);
    create_private_dir(&dir)?;
    let path = copy_verified(
        conn,
        &dir,
        &file_name(db, Kind::BeforeMigration { from_version }, now),
    )?;
    rotate(&dir, db, now)?;
    Ok(path)
}

/// Moves the pre-migration copies an older release wrote beside the database
/// (`sportello.db.v<N>-<time>.bak`) into the default backup folder under a backup's
/// name, where the rotation keeps them for its window.
pub(crate) fn adopt_legacy_copies(db: &Path) -> Result<()> {
    let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) else {
        return Ok(());
    };
    let prefix = format!("{}.v", db.file_name().unwrap_or_default().to_string_lossy());
    let Ok(entries) = fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name
            .strip_prefix(&prefix)
            .and_then(|r| r.strip_suffix(".bak"))
        else {
            continue;
        };
        let Some((version, time)) = rest.split_once('-') else {
            continue;
        };
        let (Ok(from_version), Ok(at)) = (
            version.parse::<i64>(),
            NaiveDateTime::parse_from_str(time, TIME_FORMAT),
        ) else {
            continue;
        };
        let target_dir = default_folder(db);
        create_private_dir(&target_dir)?;
        let target = target_dir.join(file_name(
            db,
            Kind::BeforeMigration { from_version },
            at.and_utc(),
        ));
        fs::rename(entry.path(), &target).map_err(|e| Error::io(entry.path(), e))?;
        super::private::set_mode(&target, super::private::FILE_MODE)?;
    }
    Ok(())
}

/// The case documents' folder of the database at `db` (`<db>.documents/`).
pub(super) fn documents_of(db: &Path) -> PathBuf {
    sibling(db, ".documents")
}

/// The copy of the case documents that goes with the backup file `backup`:
/// `<backup>.documents/` beside it. A backup taken when there were none has no copy.
pub fn documents_copy(backup: &Path) -> PathBuf {
    sibling(backup, ".documents")
}

/// Copies the case documents of `db` beside the backup file `backup`
/// ([`documents_copy`]); nothing when there are none.
pub(super) fn copy_documents(db: &Path, backup: &Path) -> Result<()> {
    // a second backup within the same second replaced the first one's file: its
    // documents' copy goes with it
    let target = documents_copy(backup);
    if target.is_dir() {
        fs::remove_dir_all(&target).map_err(|e| Error::io(&target, e))?;
    }
    copy_folder(&documents_of(db), &target)
}

/// Copies the files of the folder `from` into a new folder `target`, as private as
/// the originals: into a hidden temporary folder beside `target`, each file flushed,
/// then renamed onto it. Nothing is written when `from` has no file (or is missing).
pub(super) fn copy_folder(from: &Path, target: &Path) -> Result<()> {
    let files: Vec<PathBuf> = match fs::read_dir(from) {
        Ok(entries) => entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.path())
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(from, e)),
    };
    if files.is_empty() {
        return Ok(());
    }
    let dir = target.parent().unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        target.file_name().unwrap_or_default().to_string_lossy(),
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&tmp);
    let done = (|| -> Result<()> {
        create_private_dir(&tmp)?;
        for file in &files {
            let to = tmp.join(file.file_name().unwrap_or_default());
            create_private_file(&to).map_err(|e| Error::io(&to, e))?;
            let mut out = File::options()
                .write(true)
                .open(&to)
                .map_err(|e| Error::io(&to, e))?;
            let mut input = File::open(file).map_err(|e| Error::io(file, e))?;
            std::io::copy(&mut input, &mut out).map_err(|e| Error::io(&to, e))?;
            out.sync_all().map_err(|e| Error::io(&to, e))?;
        }
        sync_dir(&tmp);
        fs::rename(&tmp, target).map_err(|e| Error::io(target, e))?;
        sync_dir(dir);
        Ok(())
    })();
    if done.is_err() {
        let _ = fs::remove_dir_all(&tmp);
    }
    done
}

fn describe(path: &Path, kind: Kind, at: DateTime<Utc>) -> Result<Backup> {
    Ok(Backup {
        path: path.to_path_buf(),
        taken_at: at,
        size: fs::metadata(path).map_err(|e| Error::io(path, e))?.len(),
        kind,
        verified: true,
    })
}

/// A new private (0600) empty file at `path`, for SQLite to write into.
pub(super) fn create_private_file(path: &Path) -> std::io::Result<()> {
    let mut options = File::options();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map(drop)
}

/// Copies the database open on `conn` to `dir/name`: a temporary file, the backup
/// API, the checks, fsync, rename, fsync of the folder. Nothing is left under `name`
/// unless every step passed.
pub(super) fn copy_verified(conn: &Connection, dir: &Path, name: &str) -> Result<PathBuf> {
    let target = dir.join(name);
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let _ = fs::remove_file(&tmp);
    let done = (|| -> Result<()> {
        create_private_file(&tmp).map_err(|e| Error::io(&tmp, e))?;
        {
            let mut copy = Connection::open(&tmp)?;
            copy_pages(conn, &mut copy)?;
            // a standalone file: no -wal or -shm beside it in the backup folder
            let _mode: String = copy.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
            check_open(&copy, &target)?;
        }
        let f = File::open(&tmp).map_err(|e| Error::io(&tmp, e))?;
        f.sync_all().map_err(|e| Error::io(&tmp, e))?;
        fs::rename(&tmp, &target).map_err(|e| Error::io(&target, e))?;
        sync_dir(dir);
        Ok(())
    })();
    if let Err(e) = done {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(target)
}

/// Copies every page of `from` into `to` in one step of the backup API: the copy is
/// of one consistent moment, and the app waits only the few milliseconds it takes. A
/// writer holding the database (busy) is waited for, as long as the busy timeout.
pub(super) fn copy_pages(from: &Connection, to: &mut Connection) -> Result<()> {
    use rusqlite::backup::StepResult;
    let backup = rusqlite::backup::Backup::new(from, to)?;
    for _ in 0..500 {
        match backup.step(-1)? {
            StepResult::Done => return Ok(()),
            StepResult::More => {}
            _ => std::thread::sleep(std::time::Duration::from_millis(10)),
        }
    }
    Err(Error::Conflict(
        "the database stayed busy: the backup could not be taken, try again".into(),
    ))
}

/// Flushes a folder's entries (the rename) to the disk; best effort, as some file
/// systems (a FAT stick) cannot.
pub(super) fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// The backups of the database at `db` in `dir`, newest first. A missing folder has
/// none.
pub fn list(dir: &Path, db: &Path) -> Result<Vec<Backup>> {
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(Error::io(dir, e)),
    };
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some((taken_at, kind)) = parse_name(db, &name) else {
            continue;
        };
        let Ok(meta) = entry.metadata() else { continue };
        if !meta.is_file() {
            continue;
        }
        found.push(Backup {
            path: entry.path(),
            taken_at,
            size: meta.len(),
            kind,
            verified: true,
        });
    }
    found.sort_by(|a, b| b.taken_at.cmp(&a.taken_at).then(b.path.cmp(&a.path)));
    Ok(found)
}

/// The backup state of the database open on `conn` (a file at `db`) at `now`.
pub fn status(conn: &Connection, db: &Path, now: DateTime<Utc>) -> Result<Status> {
    let dir = folder(conn, db)?;
    let chosen = dir != default_folder(db);
    let reachable = dir.is_dir() || !chosen;
    let mut backups = list(&dir, db)?;
    if chosen {
        // the pre-migration copies and set-aside databases stay in the default folder
        backups.extend(list(&default_folder(db), db)?);
        backups.sort_by_key(|b| std::cmp::Reverse(b.taken_at));
    }
    let last = backups
        .iter()
        .find(|b| b.kind != Kind::BeforeRestore && b.path.starts_with(&dir))
        .cloned();
    let stale = last.as_ref().is_none_or(|b| now - b.taken_at > WARN_AFTER);
    Ok(Status {
        folder: dir,
        chosen,
        reachable,
        last,
        stale,
        backups,
    })
}

/// Whether the daily backup is due: no good backup in the folder, or the last one is
/// older than [`DUE_AFTER`].
pub fn due(status: &Status, now: DateTime<Utc>) -> bool {
    status
        .last
        .as_ref()
        .is_none_or(|b| now - b.taken_at >= DUE_AFTER)
}

/// Writes the audit line of a backup or a restore.
pub fn log(
    conn: &Connection,
    now: DateTime<Utc>,
    operator: &str,
    action: &str,
    file: &Path,
) -> Result<()> {
    audit::log(
        conn,
        now,
        operator,
        action,
        "database",
        "",
        None,
        &file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    )
}

#[cfg(test)]
mod tests;
