//! Restoring a backup: the file is checked first, the current database is set aside
//! (verified), then the two are swapped, only while no app holds the database.

use std::fs::{self, File};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OpenFlags};

use super::check::{check_file, check_open, uri_path};
use super::{
    Kind, Restored, copy_folder, copy_pages, copy_verified, create_private_file, default_folder,
    documents_copy, documents_of, file_name, sync_dir,
};
use crate::store::checkpoint_wal;
use crate::store::private::{create_dir as create_private_dir, sibling};
use crate::{Error, Result};

/// Who else may hold the database while it is restored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AppLock {
    /// The caller is the app and holds the instance lock: it closed its own store.
    HeldByCaller,
    /// Take the app's instance lock (`<db>.lock`) for the swap: refused while the app
    /// is open on this database.
    Take,
}

/// Replaces the database at `db` (closed by the caller) with the backup `file`.
///
/// The file is first copied beside the database and checked (integrity, a Sportello
/// database of a schema this program opens): a bad file is refused with what is wrong
/// and nothing changes. The current database is then copied, verified, into the
/// default backup folder as `<stem>-<time>-before-restore.db`, and the checked copy
/// renamed onto `db` (its WAL emptied and removed first, so no page of the old
/// database can be replayed onto the new one). An older schema is migrated at the
/// next open.
pub fn restore(db: &Path, file: &Path, lock: AppLock, now: DateTime<Utc>) -> Result<Restored> {
    let dir = db
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let _guard = match lock {
        AppLock::HeldByCaller => None,
        AppLock::Take => Some(take_app_lock(db)?),
    };
    if fs::canonicalize(file).ok() == fs::canonicalize(db).ok() && db.exists() {
        return Err(Error::invalid(
            "file",
            format!("{} is the database itself: choose a backup", file.display()),
        ));
    }
    let version = check_file(file)?;
    let name = db.file_name().unwrap_or_default().to_string_lossy();
    let candidate = dir.join(format!(".{name}.restore.{}.tmp", std::process::id()));
    let _ = fs::remove_file(&candidate);
    let prepared = (|| -> Result<()> {
        create_private_file(&candidate).map_err(|e| Error::io(&candidate, e))?;
        {
            let source = Connection::open_with_flags(
                format!(
                    "file:{}?immutable=1",
                    uri_path(&fs::canonicalize(file).map_err(|e| Error::io(file, e))?)
                ),
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
            )?;
            let mut copy = Connection::open(&candidate)?;
            copy_pages(&source, &mut copy)?;
            let _mode: String = copy.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get(0))?;
            check_open(&copy, file)?;
        }
        File::open(&candidate)
            .and_then(|f| f.sync_all())
            .map_err(|e| Error::io(&candidate, e))
    })();
    if let Err(e) = prepared {
        let _ = fs::remove_file(&candidate);
        return Err(e);
    }
    let swapped = (|| -> Result<Option<PathBuf>> {
        let set_aside = if db.exists() {
            let current = Connection::open(db)?;
            current.busy_timeout(std::time::Duration::from_secs(5))?;
            // everything committed is in the file itself
            checkpoint_wal(&current)?;
            let aside_dir = default_folder(db);
            create_private_dir(&aside_dir)?;
            let path = copy_verified(
                &current,
                &aside_dir,
                &file_name(db, Kind::BeforeRestore, now),
            )?;
            drop(current);
            Some(path)
        } else {
            None
        };
        for suffix in ["-wal", "-shm"] {
            let f = sibling(db, suffix);
            if f.exists() {
                fs::remove_file(&f).map_err(|e| Error::io(&f, e))?;
            }
        }
        fs::rename(&candidate, db).map_err(|e| Error::io(db, e))?;
        sync_dir(dir);
        Ok(set_aside)
    })();
    match swapped {
        Ok(set_aside) => {
            restore_documents(db, file, set_aside.as_deref())?;
            Ok(Restored { set_aside, version })
        }
        Err(e) => {
            let _ = fs::remove_file(&candidate);
            Err(e)
        }
    }
}

/// After the database was swapped: when the backup `file` has a copy of the case
/// documents, the current documents go aside with the database set aside (or beside
/// the database when there was none) and the backup's are copied into place. A backup
/// without a copy leaves the documents as they are.
fn restore_documents(db: &Path, file: &Path, set_aside: Option<&Path>) -> Result<()> {
    let copy = documents_copy(file);
    if !copy.is_dir() {
        return Ok(());
    }
    let current = documents_of(db);
    if current.exists() {
        let aside = match set_aside {
            Some(path) => documents_copy(path),
            None => sibling(db, ".documents.before-restore"),
        };
        let _ = fs::remove_dir_all(&aside);
        fs::rename(&current, &aside).map_err(|e| Error::io(&current, e))?;
    }
    copy_folder(&copy, &current)
}

/// The app's instance lock on `db`, or a refusal while the app is open on it.
pub(super) fn take_app_lock(db: &Path) -> Result<File> {
    let path = sibling(db, ".lock");
    let mut options = File::options();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let lock = options.open(&path).map_err(|e| Error::io(&path, e))?;
    // the same lock as the app's (std's File::try_lock is flock on Unix)
    #[cfg(unix)]
    {
        use std::os::fd::AsRawFd;
        // SAFETY: flock on a descriptor this function owns; no memory is passed.
        let taken = unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
        if taken != 0 {
            let e = std::io::Error::last_os_error();
            if e.kind() == std::io::ErrorKind::WouldBlock {
                return Err(Error::Conflict(format!(
                    "Sportello is open on {}: close the app, then restore (or restore from the app's settings)",
                    db.display()
                )));
            }
            return Err(Error::io(&path, e));
        }
    }
    Ok(lock)
}
