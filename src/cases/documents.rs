//! Copies of documents attached to a case: scans, photos and PDFs of a permit, a
//! passport, a receipt, a certificate.
//!
//! A copy is copied into a folder beside the database, private to the user (0700, the
//! files 0600 on Unix), and named by a random id and its extension only: the original
//! name, which often names the person, is kept in the database with the personal file.
//! A file over [`MAX_BYTES`] or of a type other than a scan, a photo or a PDF is refused
//! with a message naming it, and nothing is kept of a batch that had one.
//!
//! The copy is written before its row, so a row never points at a missing file; a crash
//! in between leaves a file no row names, which [`sweep`] erases. Removing a copy (or
//! erasing the personal file) deletes the row first, then overwrites the file with
//! zeros and removes it.

use std::fs::{self, File};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use super::get;
use crate::error::Refusal;
use crate::store::audit;
use crate::{Error, Now, Result, desk, ids};

/// The largest copy accepted, in bytes (20 MiB: a many-page scan in PDF).
pub const MAX_BYTES: u64 = 20 * 1024 * 1024;

/// The extensions of the types accepted: PDFs and pictures.
pub const EXTENSIONS: [&str; 10] = [
    "pdf", "jpg", "jpeg", "png", "tif", "tiff", "webp", "heic", "heif", "gif",
];

/// What a copy is a copy of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    Permit,
    Passport,
    Receipt,
    Certificate,
    Other,
}

impl DocumentKind {
    fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Permit => "permit",
            DocumentKind::Passport => "passport",
            DocumentKind::Receipt => "receipt",
            DocumentKind::Certificate => "certificate",
            DocumentKind::Other => "other",
        }
    }

    fn parse(s: &str) -> DocumentKind {
        match s {
            "permit" => DocumentKind::Permit,
            "passport" => DocumentKind::Passport,
            "receipt" => DocumentKind::Receipt,
            "certificate" => DocumentKind::Certificate,
            _ => DocumentKind::Other,
        }
    }
}

/// A copy attached to a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub id: String,
    pub case_id: String,
    /// The original file name.
    pub name: String,
    pub kind: DocumentKind,
    pub size: u64,
    pub added_on: chrono::NaiveDate,
}

/// The private folder of the copies of the database `conn` is open on; `None` for a
/// database in memory, which cannot hold copies.
pub fn folder(conn: &Connection) -> Option<PathBuf> {
    let db = Path::new(conn.path().filter(|p| !p.is_empty())?);
    let name = db.file_name()?.to_string_lossy().into_owned();
    Some(db.with_file_name(format!("{name}.documents")))
}

fn require_folder(conn: &Connection) -> Result<PathBuf> {
    let dir = folder(conn).ok_or_else(|| {
        Error::invalid(
            "documents",
            "a database in memory cannot hold copies of documents",
        )
    })?;
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(&dir).map_err(|e| Error::io(&dir, e))?;
    Ok(dir)
}

fn file_name(id: &str, extension: &str) -> String {
    format!("{id}.{extension}")
}

/// The extension of an accepted file, lower-case, or an error naming the file.
fn extension_of(path: &Path) -> Result<String> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    if EXTENSIONS.contains(&ext.as_str()) {
        return Ok(ext);
    }
    Err(refused(
        Refusal::NotADocument,
        path,
        format!(
            "{} is not a scan, a photo or a PDF (accepted: {})",
            display_name(path),
            EXTENSIONS.join(", ")
        ),
    ))
}

/// A refused file, named in the message and as the error's `detail`.
fn refused(reason: Refusal, path: &Path, message: String) -> Error {
    Error::Refused {
        reason,
        field: "documents",
        detail: Some(display_name(path)),
        message,
    }
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Checks a file before anything is copied: readable, an accepted type, within the limit.
fn check(path: &Path) -> Result<(String, u64)> {
    let ext = extension_of(path)?;
    let size = fs::metadata(path).map_err(|e| Error::io(path, e))?.len();
    if size > MAX_BYTES {
        return Err(refused(
            Refusal::TooLarge,
            path,
            format!(
                "{} is {:.1} MB: a copy can be at most {} MB",
                display_name(path),
                size as f64 / 1_048_576.0,
                MAX_BYTES / 1_048_576
            ),
        ));
    }
    Ok((ext, size))
}

/// Copies `from` to `to` (a new file, 0600), at most [`MAX_BYTES`] (a file that grew
/// meanwhile is refused), and flushes it; returns the bytes copied.
fn copy_private(from: &Path, to: &Path) -> Result<u64> {
    let mut options = File::options();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let copied = (|| -> std::io::Result<u64> {
        let mut out = options.open(to)?;
        let n = std::io::copy(&mut File::open(from)?.take(MAX_BYTES + 1), &mut out)?;
        out.sync_all()?;
        Ok(n)
    })()
    .map_err(|e| Error::io(from, e))?;
    if copied > MAX_BYTES {
        return Err(refused(
            Refusal::TooLarge,
            from,
            format!(
                "{} grew past {} MB while copied",
                display_name(from),
                MAX_BYTES / 1_048_576
            ),
        ));
    }
    Ok(copied)
}

/// Attaches copies of the files `paths` to the own, live case `case_id`, all of kind
/// `kind`: every file is checked first, and nothing is kept unless all are copied.
pub fn attach(
    conn: &mut Connection,
    case_id: &str,
    paths: &[PathBuf],
    kind: DocumentKind,
    operator: &str,
    now: Now,
) -> Result<Vec<Document>> {
    if paths.is_empty() {
        return Err(Error::invalid("documents", "choose at least one file"));
    }
    let checked = paths.iter().map(|p| check(p)).collect::<Result<Vec<_>>>()?;
    let dir = require_folder(conn)?;
    let tx = conn.transaction()?;
    let case = get(&tx, case_id)?;
    if case.deleted || case.desk != desk::own_code(&tx)? {
        return Err(Error::Conflict(format!(
            "case {case_id} cannot take documents here"
        )));
    }
    let mut written = Vec::new();
    let result = (|| -> Result<()> {
        for (path, (ext, _)) in paths.iter().zip(&checked) {
            let id = ids::new_id();
            let target = dir.join(file_name(&id, ext));
            written.push(target.clone());
            let size = copy_private(path, &target)?;
            tx.execute(
                "INSERT INTO case_documents (id, case_id, name, kind, extension, size, added_on, added_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    id,
                    case_id,
                    display_name(path),
                    kind.as_str(),
                    ext,
                    size as i64,
                    now.today().to_string(),
                    ids::timestamp(now.utc())
                ],
            )?;
            audit::log(
                &tx,
                now.utc(),
                operator,
                "attach",
                "case",
                case_id,
                None,
                kind.as_str(),
            )?;
        }
        Ok(())
    })();
    match result.and_then(|()| Ok(tx.commit()?)) {
        Ok(()) => {
            #[cfg(unix)]
            File::open(&dir)
                .and_then(|d| d.sync_all())
                .map_err(|e| Error::io(&dir, e))?;
            let mut all = list(conn, case_id)?;
            all.retain(|d| written.iter().any(|w| w.file_stem() == Some(d.id.as_ref())));
            Ok(all)
        }
        Err(e) => {
            for w in &written {
                let _ = fs::remove_file(w);
            }
            Err(e)
        }
    }
}

/// The copies attached to a case, oldest first.
pub fn list(conn: &Connection, case_id: &str) -> Result<Vec<Document>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, case_id, name, kind, size, added_on FROM case_documents
         WHERE case_id = ?1 ORDER BY added_at, rowid",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        Ok(Document {
            id: r.get(0)?,
            case_id: r.get(1)?,
            name: r.get(2)?,
            kind: DocumentKind::parse(&r.get::<_, String>(3)?),
            size: r.get::<_, i64>(4)? as u64,
            added_on: super::read::parse_date(&r.get::<_, String>(5)?)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The file of copy `id`, to open with the system's viewer.
pub fn path_of(conn: &Connection, id: &str) -> Result<PathBuf> {
    let ext: String = conn
        .query_row(
            "SELECT extension FROM case_documents WHERE id = ?1",
            [id],
            |r| r.get(0),
        )
        .map_err(|e| match e {
            rusqlite::Error::QueryReturnedNoRows => Error::NotFound {
                entity: "document",
                id: id.into(),
            },
            e => e.into(),
        })?;
    let dir = require_folder(conn)?;
    let path = dir.join(file_name(id, &ext));
    if !path.exists() {
        return Err(Error::io(&path, std::io::ErrorKind::NotFound.into()));
    }
    Ok(path)
}

/// Removes copy `id` from its case: the row, then the file overwritten and removed.
pub fn remove(conn: &mut Connection, id: &str, operator: &str, now: Now) -> Result<()> {
    let tx = conn.transaction()?;
    let row: Option<(String, String, String)> = {
        let mut stmt = tx.prepare(
            "DELETE FROM case_documents WHERE id = ?1 RETURNING case_id, kind, extension",
        )?;
        let mut rows = stmt.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        rows.next().transpose()?
    };
    let Some((case_id, kind, ext)) = row else {
        return Err(Error::NotFound {
            entity: "document",
            id: id.into(),
        });
    };
    audit::log(
        &tx,
        now.utc(),
        operator,
        "detach",
        "case",
        &case_id,
        None,
        &kind,
    )?;
    tx.commit()?;
    shred(conn, &[file_name(id, &ext)])
}

/// Deletes the rows of every copy of case `case_id` inside the caller's transaction
/// and returns their file names, to [`shred`] once it is committed.
pub(super) fn delete_rows_of_case(conn: &Connection, case_id: &str) -> Result<Vec<String>> {
    let mut stmt =
        conn.prepare("DELETE FROM case_documents WHERE case_id = ?1 RETURNING id, extension")?;
    let rows = stmt.query_map([case_id], |r| {
        Ok(file_name(&r.get::<_, String>(0)?, &r.get::<_, String>(1)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Overwrites each named file of the folder with zeros, flushes it and removes it. A
/// file already gone is fine.
pub(super) fn shred(conn: &Connection, names: &[String]) -> Result<()> {
    let Some(dir) = folder(conn) else {
        return Ok(());
    };
    for name in names {
        let path = dir.join(name);
        let done = (|| -> std::io::Result<()> {
            let len = fs::metadata(&path)?.len();
            let mut f = File::options().write(true).open(&path)?;
            let zeros = vec![0u8; 64 * 1024];
            let mut left = len;
            while left > 0 {
                let n = left.min(zeros.len() as u64) as usize;
                f.write_all(&zeros[..n])?;
                left -= n as u64;
            }
            f.sync_all()?;
            drop(f);
            fs::remove_file(&path)
        })();
        match done {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io(&path, e)),
        }
    }
    Ok(())
}

/// Erases the files of the folder that no row names (left by a crash between a copy
/// and its row, or between a row's deletion and its file's); returns how many. A file
/// written in the last ten minutes before `now` is left alone: another program on the
/// same database may be about to commit its row.
pub fn sweep(conn: &Connection, now: Now) -> Result<usize> {
    let Some(dir) = folder(conn) else {
        return Ok(0);
    };
    let entries = match fs::read_dir(&dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(Error::io(&dir, e)),
    };
    let mut known = conn.prepare_cached("SELECT 1 FROM case_documents WHERE id = ?1")?;
    let mut orphans = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(&dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let id = name.split('.').next().unwrap_or_default();
        let written = entry
            .metadata()
            .and_then(|m| m.modified())
            .map(chrono::DateTime::<chrono::Utc>::from)
            .map_err(|e| Error::io(entry.path(), e))?;
        if written > now.utc() - chrono::Duration::minutes(10) {
            continue;
        }
        if !known.exists([id])? {
            orphans.push(name);
        }
    }
    shred(conn, &orphans)?;
    Ok(orphans.len())
}
