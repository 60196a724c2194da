//! The installation's files are private to the user who runs Sportello (Unix modes).
//!
//! The database holds case files about people's permits, health and legal troubles:
//! nobody else on the machine may read it or anything derived from it. A data folder
//! Sportello creates is 0700; the database, its -wal and -shm, the app's lock and port
//! files, the coordinator's key file, the backups and the copies of case documents are
//! 0600 (their folders 0700). Files are created with these modes; an installation made
//! by an older release (a 0755 folder, a 0644 database) is set right at every open.
//!
//! A folder Sportello did not create is changed only when it is the app's own data
//! folder: `--db /tmp/x.db` must never make `/tmp` private.

use std::fs;
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// Mode of a private folder.
pub const DIR_MODE: u32 = 0o700;
/// Mode of a private file.
pub const FILE_MODE: u32 = 0o600;

/// Before SQLite opens `db`: its folder exists (created 0700; the app's own data folder
/// set 0700), and a database to be created is created empty and 0600, so that SQLite's
/// -wal and -shm, which take the database's mode, are private from the start.
pub fn prepare(db: &Path) -> Result<()> {
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            create_dir(dir)?;
        } else if is_app_data_folder(dir) {
            set_mode(dir, DIR_MODE)?;
        }
    }
    if !db.exists() {
        let mut options = fs::File::options();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, FILE_MODE);
        match options.open(db) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(Error::io(db, e)),
        }
    }
    Ok(())
}

/// Creates `dir` (and missing parents) with mode 0700.
pub fn create_dir(dir: &Path) -> Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, DIR_MODE);
    builder.create(dir).map_err(|e| Error::io(dir, e))
}

fn is_app_data_folder(dir: &Path) -> bool {
    let Ok(default) = super::default_db_path() else {
        return false;
    };
    let same = |a: &Path, b: &Path| match (fs::canonicalize(a), fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    default.parent().is_some_and(|d| same(d, dir))
}

/// `db`'s file with `suffix` appended to its name (`-wal`, `.lock`).
pub(crate) fn sibling(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    db.with_file_name(name)
}

/// Sets every file of the installation at `db` private, those that exist: the
/// database, -wal, -shm, the app's lock and port files, the key file, the copies of
/// case documents and the default backup folder with its backups.
pub fn secure_files(db: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm", "-journal", ".lock", ".instance"] {
        set_mode_if_present(&sibling(db, suffix), FILE_MODE)?;
    }
    set_mode_if_present(&key_file(db), FILE_MODE)?;
    set_tree_private(&sibling(db, ".documents"))?;
    set_tree_private(&super::backup::default_folder(db))?;
    Ok(())
}

/// A folder 0700 and the files directly in it 0600, when the folder exists.
fn set_tree_private(dir: &Path) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    set_mode(dir, DIR_MODE)?;
    for entry in fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        if entry.file_type().is_ok_and(|t| t.is_file()) {
            set_mode(&entry.path(), FILE_MODE)?;
        }
    }
    Ok(())
}

fn set_mode_if_present(path: &Path, mode: u32) -> Result<()> {
    if path.exists() {
        set_mode(path, mode)?;
    }
    Ok(())
}

/// Sets `path`'s permission bits to `mode` when they differ (Unix; elsewhere nothing).
pub fn set_mode(path: &Path, mode: u32) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = fs::metadata(path).map_err(|e| Error::io(path, e))?;
        if meta.permissions().mode() & 0o777 != mode {
            fs::set_permissions(path, fs::Permissions::from_mode(mode))
                .map_err(|e| Error::io(path, e))?;
        }
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
    Ok(())
}

/// The coordinator's key file of the database at `db`: `<name>-coordinator-key.txt`
/// beside it (the encryption of export files keeps its private identity there).
pub fn key_file(db: &Path) -> PathBuf {
    let stem = db
        .file_stem()
        .map_or_else(|| "sportello".into(), |s| s.to_string_lossy().into_owned());
    db.with_file_name(format!("{stem}-coordinator-key.txt"))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::Store;
    use std::os::unix::fs::PermissionsExt;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_new_installation_is_private() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("data");
        let db = dir.join("sportello.db");
        let store = Store::open(&db, chrono::Utc::now()).unwrap();
        store.set_setting("x", "1").unwrap();
        assert_eq!(mode(&dir), 0o700, "the data folder Sportello created");
        for suffix in ["", "-wal", "-shm"] {
            let f = sibling(&db, suffix);
            assert!(f.exists(), "{} exists while open", f.display());
            assert_eq!(mode(&f), 0o600, "{}", f.display());
        }
    }

    #[test]
    fn an_older_installation_is_set_private_at_open() {
        let tmp = tempfile::tempdir().unwrap();
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(0o755)).unwrap();
        let db = tmp.path().join("sportello.db");
        drop(Store::open(&db, chrono::Utc::now()).unwrap());
        let docs = sibling(&db, ".documents");
        fs::create_dir(&docs).unwrap();
        fs::write(docs.join("a.pdf"), b"%PDF").unwrap();
        let key = key_file(&db);
        fs::write(&key, b"AGE-SECRET-KEY-1").unwrap();
        let lock = sibling(&db, ".lock");
        fs::write(&lock, b"").unwrap();
        let backups = super::super::backup::default_folder(&db);
        fs::create_dir(&backups).unwrap();
        fs::write(backups.join("sportello-20240101T000000Z.db"), b"x").unwrap();
        for f in [&db, &docs.join("a.pdf"), &key, &lock] {
            fs::set_permissions(f, fs::Permissions::from_mode(0o644)).unwrap();
        }
        for d in [&docs, &backups] {
            fs::set_permissions(d, fs::Permissions::from_mode(0o755)).unwrap();
        }
        drop(Store::open(&db, chrono::Utc::now()).unwrap());
        for f in [
            db.clone(),
            docs.join("a.pdf"),
            key,
            lock,
            backups.join("sportello-20240101T000000Z.db"),
        ] {
            assert_eq!(mode(&f), 0o600, "{}", f.display());
        }
        assert_eq!(mode(&docs), 0o700);
        assert_eq!(mode(&backups), 0o700);
        assert_ne!(
            mode(tmp.path()),
            0o700,
            "a folder Sportello did not create (and not its data folder) is left alone"
        );
    }
}
