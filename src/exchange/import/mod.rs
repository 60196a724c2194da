//! The coordinator's import of desk export files (format version 1), in two steps.
//!
//! 1. [`plan`]: read each file, [`parse`] it (bytes to a checked [`ExportFile`], or a
//!    [`Rejection`] naming the line and the field), check its codes against this
//!    codebook ([`check_codes`]: active or retired entries, since a desk may still use a
//!    code the coordinator retired yesterday), and decide, record by record, what
//!    importing it would do: new, updated, unchanged or conflicting. Nothing is written:
//!    the files of one batch are planned in export order per desk, and a later file sees
//!    what an earlier one would write through an in-memory overlay. The plan is a value
//!    ([`ImportPlan`]): the dry run prints it, the app shows it and hands it back.
//! 2. [`apply`]: re-read each planned file, refuse it if its SHA-256 is no longer the
//!    planned one ([`RejectionKind::ChangedSincePlan`]), and apply exactly the plan, each
//!    file in its own immediate transaction, after checking that the stored records are
//!    still what the plan assumed ([`RejectionKind::StalePlan`] when the database moved
//!    on: nothing is stored, preview again).
//!
//! Rules (the contract's): a stored record is replaced only by a higher revision; the
//! same revision with the same content is unchanged; with different content it is a
//! conflict: the stored record is kept, the conflict reported and logged in
//! `import_conflicts`, and the rest of the file still imported. A file whose export id
//! was imported already changes nothing ("already imported"). A file of this
//! installation's own desk is rejected: its records are here already, and taking them
//! back as imported would strip them of their `change_seq`.
//!
//! Closed years ([`crate::yearbook`]): a year whose report is published is protected.
//! The plan notes, per file, the closed years its records would change (an access of
//! the year added, corrected or deleted, or moved into or out of it; a case whose
//! counts in the year change), and the report weighs the figures that would change
//! (the report's `closing::weigh`, over a [`rehearse`]al of the plan). Applying
//! refuses such a file ([`RejectionKind::ClosedYear`]) unless the caller confirms
//! reopening those years ([`apply_reopening`]): the years are then reopened, with their
//! audit rows, in the file's own transaction, and the coordinator closes them again
//! after republishing. A closed year is never changed while it stays closed.
//!
//! Logging ([`log`]): every applied plan writes one `imports` row per file, for rejected
//! and already imported files too (so the coordinator can see what arrived and why it
//! was refused); a rejected file stores nothing else. A file held back for a closed
//! year is not a bad file and is not logged: the database stays exactly as it was until
//! the coordinator confirms. A plan writes nothing at all.

use std::borrow::Cow;
use std::fmt;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::exchange::wire::{Header, Record};
use crate::yearbook::ClosedYearChange;
use crate::{Error, Result};

mod apply;
mod basis;
mod check;
mod closed;
pub mod decrypt;
pub(crate) mod fields;
pub(crate) mod frame;
pub(crate) mod json;
mod log;
mod parse;
mod plan;

pub use apply::{apply, apply_decrypting, apply_reopening};
pub(crate) use basis::Basis;
pub use basis::plans_reused;
pub use check::check_codes;
pub use closed::rehearse;
pub use decrypt::{Decryption, Opened, open};
pub use log::{
    DeskSequences, FileOutcome, LogEntry, LoggedConflict, Status, conflicts_of, files_of, log,
    sequences, status,
};
pub use parse::parse;
pub use plan::{
    Action, ImportPlan, PlannedFile, PlannedRecord, plan, plan_files, plan_files_with, plan_with,
};

/// Why a file is refused, as a stable code the interface translates (the CLI prints the
/// English `message`). The codes are part of the IPC contract: add, never rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectionKind {
    /// The file cannot be read from disk.
    Unreadable,
    NotUtf8,
    Empty,
    NotJson,
    NotObject,
    /// The first line is not a Sportello header.
    NotHeader,
    /// `format` is not the contract's name.
    WrongFormat,
    /// A `format_version` this program does not know (a newer Sportello wrote it).
    UnknownVersion,
    UnknownField,
    Missing,
    WrongType,
    OutOfRange,
    BadDate,
    BadUuid,
    BadDesk,
    BadTime,
    /// A period that starts after it ends.
    BadPeriod,
    /// A code that is empty or longer than 32 characters.
    BadCode,
    DuplicateCode,
    NoReasons,
    BadCaseType,
    ClosedBeforeOpened,
    /// The end of the file is missing (no final newline or no trailer).
    Truncated,
    ChecksumMismatch,
    CountMismatch,
    UnknownRecord,
    DuplicateId,
    /// Codes the coordinator's codebook does not know: see `codes`.
    UnknownCodes,
    /// The file comes from this installation's own desk.
    OwnDesk,
    /// An export imported before, from a different file: this copy was altered.
    AlteredCopy,
    /// The file was valid but could not be stored (a database error); nothing stored.
    NotStored,
    /// The file on disk is no longer the one the plan was made of (its SHA-256
    /// differs): nothing stored; preview again.
    ChangedSincePlan,
    /// The database changed since the plan was made (another import, a correction), so
    /// the plan no longer says what importing this file would do: nothing stored;
    /// preview again.
    StalePlan,
    /// A JSON object repeats a key (`field` names it): a hand-edited or damaged file.
    DuplicateKey,
    /// The file is larger than [`MAX_FILE_BYTES`]: nothing of it is read past the limit.
    TooLarge,
    /// The file would change the figures of a closed year (its report is published)
    /// and reopening that year was not confirmed: nothing stored, nothing logged; the
    /// report's `closed_years` says which years and figures.
    ClosedYear,
    /// A record's revision is more than 1,000 above the copy stored (or above 0 for a
    /// new record): a damaged or altered line.
    RevisionTooFar,
    /// An encrypted file for another key than the one it is opened with (or encrypted
    /// to a passphrase): nothing stored.
    WrongKey,
    /// An encrypted file, and no key here to open it (not the coordinator's computer,
    /// or its keys not created yet): nothing stored.
    NoKey,
    /// An encrypted file whose header or content does not decrypt: damaged in transit
    /// or altered. Nothing stored.
    EncryptedDamaged,
    /// An encrypted file cut short (an incomplete copy): nothing stored.
    EncryptedTruncated,
    /// A plain file while the coordinator requires encrypted ones: nothing stored.
    PlainRefused,
    /// Receipts: a label or document text that is empty, too long or holds control
    /// characters.
    BadText,
    /// Receipts: a string that is not one of the values the format lists for its field
    /// (an outcome, a list name, a channel group, a rejection kind).
    UnknownValue,
    /// Receipts: a second `sequences` or `codebook` line.
    DuplicateRecord,
    /// The inbox: a file of a desk never seen here, whose registration the coordinator
    /// has not confirmed: nothing stored, nothing logged; offered again.
    NewDesk,
    /// Receipts (version 2): a `recipient` that is not a public age key.
    BadRecipient,
}

impl RejectionKind {
    /// The stable code (`checksum_mismatch`), as serialised and logged.
    pub fn code(self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(s)) => s,
            _ => unreachable!("a unit variant serialises as its name"),
        }
    }

    /// The kind of a stable code, if it is one.
    pub fn from_code(code: &str) -> Option<RejectionKind> {
        serde_json::from_value(serde_json::Value::String(code.to_string())).ok()
    }
}

/// The largest export file read: 256 MiB, about 700,000 records, far more than a desk
/// writes in years (a year of Grosseto is about 4 MiB). A larger file is refused before
/// it is read, so a wrong file chosen by mistake (a video, a disk image) cannot fill
/// the memory.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Reads the file at `path`, refusing one larger than [`MAX_FILE_BYTES`] with an error
/// of kind `FileTooLarge`, having read no more than the limit and one byte.
pub(crate) fn read_limited(path: &std::path::Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    // the whole file at once: no copy of what was read each time the buffer grows
    let size = file
        .metadata()
        .map_or(0, |m| m.len().min(MAX_FILE_BYTES + 1));
    let mut bytes = Vec::with_capacity(size as usize + 1);
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(std::io::Error::from(std::io::ErrorKind::FileTooLarge));
    }
    Ok(bytes)
}

/// The rejection of a file over the size limit.
pub(crate) fn too_large() -> Rejection {
    err(
        RejectionKind::TooLarge,
        None,
        None,
        format!(
            "the file is larger than {} MiB: it is not a desk's export (check the file chosen)",
            MAX_FILE_BYTES / (1024 * 1024)
        ),
    )
}

/// A code of a file that the codebook does not know, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownCode {
    pub line: usize,
    pub field: String,
    pub code: String,
}

/// Why a file is refused: a stable `kind`, the line (1-based) and field when they
/// apply, the unknown codes for [`RejectionKind::UnknownCodes`], and an English
/// `message` for the command line and the import log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    pub kind: RejectionKind,
    pub line: Option<usize>,
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<UnknownCode>,
    pub message: String,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.line, &self.field) {
            (Some(l), Some(field)) => write!(f, "line {l}, field '{field}': {}", self.message),
            (Some(l), None) => write!(f, "line {l}: {}", self.message),
            (None, Some(field)) => write!(f, "field '{field}': {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Rejection {}

pub(crate) fn err(
    kind: RejectionKind,
    line: Option<usize>,
    field: Option<&str>,
    message: impl Into<String>,
) -> Rejection {
    Rejection {
        kind,
        line,
        field: field.map(str::to_string),
        codes: vec![],
        message: message.into(),
    }
}

/// A parsed, checked file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportFile {
    pub header: Header,
    /// `(line number, record)`, in file order.
    pub records: Vec<(usize, Record)>,
    /// SHA-256 of the whole file: tells two files with one export id apart.
    pub file_sha256: String,
}

/// What happened to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Imported,
    AlreadyImported,
    Rejected,
}

impl Outcome {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Outcome::Imported => "imported",
            Outcome::AlreadyImported => "already_imported",
            Outcome::Rejected => "rejected",
        }
    }
}

/// A record kept against a different copy of the same revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictReport {
    pub record: String,
    pub id: String,
    pub revision: i64,
    pub line: usize,
    pub fields: Vec<String>,
}

/// The result of one file, for the dry-run preview and the import log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileReport {
    pub file: String,
    pub outcome: Outcome,
    /// Why it was rejected, or a short note, in English (the command line, the log).
    pub message: String,
    /// Why it was rejected, for the interface to put in its own words.
    pub rejection: Option<Rejection>,
    pub export_id: Option<String>,
    pub desk: Option<String>,
    pub sequence: Option<i64>,
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub conflicts: Vec<ConflictReport>,
    /// The closed years importing the file would change (or, once imported, changed
    /// and reopened), with the figures that change; absent when it touches none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub closed_years: Vec<ClosedYearChange>,
    /// Another export of the same desk already imported with this file's sequence
    /// number (its export id): both are imported, and the preview and the desk's
    /// sequence status flag it (`DeskSequences::reused`); absent when none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sequence_taken_by: Option<String>,
    /// The file was encrypted (an age file), and decrypted to be read.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub encrypted: bool,
    /// The plan: the file's desk is not known here yet (never imported from, not this
    /// installation's): importing it registers the desk. The preview names it ("new
    /// desk"); the inbox imports it only once the coordinator confirms the desk
    /// ([`crate::exchange::inbox`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub new_desk: bool,
}

impl FileReport {
    pub(crate) fn rejected(
        file: &str,
        rejection: Rejection,
        header: Option<&Header>,
    ) -> FileReport {
        FileReport {
            file: file.to_string(),
            outcome: Outcome::Rejected,
            message: rejection.to_string(),
            rejection: Some(rejection),
            export_id: header.map(|h| h.export_id.clone()),
            desk: header.map(|h| h.desk.clone()),
            sequence: header.map(|h| h.sequence),
            new: 0,
            updated: 0,
            unchanged: 0,
            conflicts: vec![],
            closed_years: vec![],
            sequence_taken_by: None,
            encrypted: false,
            new_desk: false,
        }
    }
}

/// Imports `files` (display name, bytes): plans them and applies the plan, each file in
/// its own transaction; with `dry_run`, returns what the plan says and stores nothing.
/// For bytes already in memory (the tests, the benchmarks); [`import_paths`] reads files.
pub fn import_files(
    conn: &mut Connection,
    files: &[(String, Vec<u8>)],
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<Vec<FileReport>> {
    let keys = Decryption::of_database(conn)?;
    let planned = plan_files_with(conn, files, &keys)?;
    if dry_run {
        return Ok(planned.reports());
    }
    // the bytes planned are the ones applied: borrowed, not copied
    apply::apply_with(conn, &planned, &[], now, &keys, |path| {
        let name = path.to_string_lossy();
        files
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, bytes)| Cow::Borrowed(bytes.as_slice()))
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
    })
}

/// Reads and imports files and folders ([`plan`], then [`apply`]); with `dry_run`,
/// returns what the plan says and stores nothing. An unreadable file is reported as
/// rejected, not as an error of the whole batch.
pub fn import_paths(
    conn: &mut Connection,
    paths: &[PathBuf],
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<Vec<FileReport>> {
    let planned = plan(conn, paths)?;
    if dry_run {
        return Ok(planned.reports());
    }
    apply(conn, &planned, now)
}

/// Whether a file found in a folder is an export: `*.jsonl`, or encrypted `*.jsonl.age`.
fn is_export_file_name(path: &std::path::Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name.ends_with(".jsonl") || name.ends_with(".jsonl.age")
}

/// The files to import for `paths`: files as given, folders expanded to their
/// `*.jsonl` and `*.jsonl.age` files in name order, receipts (`sportello-receipt-*`) left
/// out.
pub fn expand_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| Error::io(p, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| is_export_file_name(f) && f.is_file())
                // the coordinator's own receipts may share the folder: not desk exports
                .filter(|f| {
                    !f.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with("sportello-receipt-"))
                })
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Sets a page cache sized for importing a file of `size` bytes, returning the
/// connection's own setting to put back after. SQLite's default cache (2 MiB) is far
/// smaller than what an import of a large file reads and changes: the plan would read
/// the stored copies' pages from the file again and again, and the import's transaction
/// would spill pages to the write-ahead log and read them back while it writes. About
/// four times the file's size, never less than the cache set, at most 1 GiB (a file is
/// at most 256 MiB).
fn large_cache(conn: &Connection, size: usize) -> Result<i64> {
    let before: i64 = conn.query_row("PRAGMA cache_size", [], |r| r.get(0))?;
    // negative: KiB; positive: pages
    let before_kib = if before < 0 {
        -before
    } else {
        let page: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        before * page / 1024
    };
    let wanted_kib = (size as i64 * 4 / 1024).clamp(2048, 1024 * 1024);
    if wanted_kib > before_kib {
        conn.pragma_update(None, "cache_size", -wanted_kib)?;
    }
    Ok(before)
}
