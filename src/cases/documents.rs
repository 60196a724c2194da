//! Copies of documents attached to a case: scans, photos and PDFs of a permit, a
//! passport, a receipt, a certificate.
//!
//! A copy is copied into a folder beside the database, private to the user (0700, the
//! files 0600 on Unix), and named by a random id and its extension only: the original
//! name, which often names the person, is kept in the database with the personal file.
//! A file over [`MAX_BYTES`] or of a type other than a scan, a photo or a PDF is refused
//! with a message naming it, and nothing is kept of a batch that had one.
//!
//! Where personal data is sealed (`store::vault`), the copy is stored sealed
//! (XChaCha20-Poly1305 under the data key, bound to the copy's id) and its original
//! name too: opening one writes the clear bytes into a viewing folder the app empties
//! when the personal areas lock ([`view_copy`], [`clear_views`]).
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

/// The place a copy's bytes are sealed for (with the copy's id).
const FILE_PLACE: &str = "case_documents.file";

/// Writes `bytes` as a new private file (0600) at `to` and flushes it.
fn write_private(to: &Path, bytes: &[u8]) -> Result<()> {
    let mut options = File::options();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    (|| -> std::io::Result<()> {
        let mut out = options.open(to)?;
        out.write_all(bytes)?;
        out.sync_all()
    })()
    .map_err(|e| Error::io(to, e))
}

/// Bytes sealed for copy `id` (as they are where personal data is not sealed).
fn seal_file(conn: &Connection, id: &str, bytes: &[u8]) -> Result<Vec<u8>> {
    Ok(conn.query_row(
        "SELECT seal_bytes(?1, ?2, ?3)",
        params![FILE_PLACE, id, bytes],
        |r| r.get(0),
    )?)
}

/// Copies `from` to `to` as copy `id` (a new file, 0600, sealed where personal data is),
/// at most [`MAX_BYTES`] (a file that grew meanwhile is refused), and flushes it;
/// returns the size of the original.
fn copy_private(conn: &Connection, id: &str, from: &Path, to: &Path) -> Result<u64> {
    let mut bytes = Vec::new();
    File::open(from)
        .and_then(|f| f.take(MAX_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| Error::io(from, e))?;
    let copied = bytes.len() as u64;
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
    write_private(to, &seal_file(conn, id, &bytes)?)?;
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
            let size = copy_private(&tx, &id, path, &target)?;
            tx.execute(
                "INSERT INTO case_documents (id, case_id, name, kind, extension, size, added_on, added_at)
                 VALUES (?1, ?2, seal('case_documents.name', ?1, ?3), ?4, ?5, ?6, ?7, ?8)",
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
        "SELECT id, case_id, unseal('case_documents.name', id, name), kind, size, added_on
         FROM case_documents
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

/// The stored file of copy `id` (sealed where personal data is).
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

/// The clear bytes of copy `id`: refused while personal data is locked, and if the file
/// was altered or is not this copy's.
pub fn read_copy(conn: &Connection, id: &str) -> Result<Vec<u8>> {
    let path = path_of(conn, id)?;
    let stored = fs::read(&path).map_err(|e| Error::io(&path, e))?;
    Ok(conn.query_row(
        "SELECT unseal_bytes(?1, ?2, ?3)",
        params![FILE_PLACE, id, stored],
        |r| r.get(0),
    )?)
}

/// Writes the clear bytes of copy `id` into the private folder `views` (made 0700),
/// for the system's viewer, and returns the file's path. [`clear_views`] erases them.
pub fn view_copy(conn: &Connection, id: &str, views: &Path) -> Result<PathBuf> {
    let bytes = read_copy(conn, id)?;
    let stored = path_of(conn, id)?;
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(views).map_err(|e| Error::io(views, e))?;
    let name = stored.file_name().expect("a copy's file has a name");
    let path = views.join(name);
    shred_paths(std::slice::from_ref(&path))?;
    write_private(&path, &bytes)?;
    Ok(path)
}

/// Erases (zeros, then removes) every file of the viewing folder `views`.
pub fn clear_views(views: &Path) -> Result<usize> {
    let entries = match fs::read_dir(views) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(Error::io(views, e)),
    };
    let paths = entries
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<Vec<_>>>()
        .map_err(|e| Error::io(views, e))?;
    shred_paths(&paths)?;
    Ok(paths.len())
}

/// Seals the copies stored in clear, when this installation's personal data is first
/// sealed (`operators::keys::finish_sealing`, after the setup's commit and again at
/// every opening of the key until it is done). Each file is replaced atomically: the
/// sealed copy is written beside it (`.sealing`) and renamed over it, and the clear
/// one, kept under a second name (`.clear`, a hard link) until then, is zeroed and
/// removed. After a crash: a `.sealing` holds sealed bytes only and is removed; a
/// `.clear` beside a copy not sealed yet is the same file as the copy (the rename did
/// not happen), so only that second name is removed, never its bytes.
pub fn seal_files(conn: &Connection) -> Result<usize> {
    let Some(dir) = folder(conn) else {
        return Ok(0);
    };
    let leftovers: Vec<PathBuf> = match fs::read_dir(&dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| matches!(p.extension(), Some(e) if e == "clear" || e == "sealing"))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(Error::io(&dir, e)),
    };
    for leftover in leftovers {
        let copy = leftover.with_extension("");
        let sealed_copy = fs::read(&copy)
            .map(|b| b.starts_with(crate::store::vault::BYTES_MAGIC))
            .unwrap_or(false);
        if leftover.extension().is_some_and(|e| e == "clear") && sealed_copy {
            // the rename happened: this name is the last one of the clear bytes
            shred_paths(std::slice::from_ref(&leftover))?;
        } else {
            fs::remove_file(&leftover).map_err(|e| Error::io(&leftover, e))?;
        }
    }
    let rows: Vec<(String, String)> = conn
        .prepare("SELECT id, extension FROM case_documents ORDER BY rowid")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut sealed = 0;
    for (id, ext) in rows {
        let path = dir.join(file_name(&id, &ext));
        let bytes = match fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(Error::io(&path, e)),
        };
        if bytes.starts_with(crate::store::vault::BYTES_MAGIC) {
            continue;
        }
        let next = seal_file(conn, &id, &bytes)?;
        if next == bytes {
            continue; // not sealed on this installation
        }
        let sealing = path.with_extension(format!("{ext}.sealing"));
        let clear = path.with_extension(format!("{ext}.clear"));
        write_private(&sealing, &next)?;
        fs::hard_link(&path, &clear).map_err(|e| Error::io(&clear, e))?;
        fs::rename(&sealing, &path).map_err(|e| Error::io(&path, e))?;
        shred_paths(&[clear])?;
        sealed += 1;
    }
    #[cfg(unix)]
    File::open(&dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(&dir, e))?;
    Ok(sealed)
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
    shred_paths(&names.iter().map(|n| dir.join(n)).collect::<Vec<_>>())
}

/// Overwrites each file with zeros, flushes it and removes it; one already gone is fine.
/// A file that cannot be erased (a viewer holding it open) does not stop the others:
/// the first error is returned once all were tried.
fn shred_paths(paths: &[PathBuf]) -> Result<()> {
    let mut first_error = None;
    for path in paths {
        let path = path.as_path();
        let done = (|| -> std::io::Result<()> {
            let len = fs::metadata(path)?.len();
            let mut f = File::options().write(true).open(path)?;
            let zeros = vec![0u8; 64 * 1024];
            let mut left = len;
            while left > 0 {
                let n = left.min(zeros.len() as u64) as usize;
                f.write_all(&zeros[..n])?;
                left -= n as u64;
            }
            f.sync_all()?;
            drop(f);
            fs::remove_file(path)
        })();
        match done {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                first_error.get_or_insert(Error::io(path, e));
            }
        }
    }
    first_error.map_or(Ok(()), Err)
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
