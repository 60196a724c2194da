//! The one error type of the core.
//!
//! Every variant has a stable `code()` that crosses IPC and the CLI unchanged, so the
//! UI branches on the code (and shows its own Italian text) and never parses messages.
//! Messages say what happened and, where it helps, what to do next.
//!
//! The module also owns [`Refusal`], the reasons the appointment calendar (and the
//! closed years of the report) give, so the error type depends on no domain module and
//! every domain module can use it.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Result of every fallible core function.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the core.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that breaks a rule: `field` names what is wrong.
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },

    /// A record that was asked for does not exist.
    #[error("{entity} {id} not found")]
    NotFound { entity: &'static str, id: String },

    /// A write that clashes with what is stored (e.g. a slot already booked).
    #[error("{0}")]
    Conflict(String),

    /// A booking, move or outcome the appointment calendar refuses. `reason` is stable
    /// for the interface to translate, `field` names the input it concerns, `detail` is
    /// what the reason refers to (the holiday or closure of a closed day).
    #[error("{field}: {message}")]
    Refused {
        reason: Refusal,
        field: &'static str,
        detail: Option<String>,
        message: String,
    },

    /// The database was written by a newer version of Sportello.
    #[error(
        "the database {path} has schema version {found}, newer than this program knows ({known}): \
         update Sportello before opening it"
    )]
    DatabaseTooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },

    /// A migration failed; the database was left as it was.
    #[error("migration {name} failed: {source}")]
    Migration {
        name: &'static str,
        #[source]
        source: rusqlite::Error,
    },

    /// This installation has no desk yet: the first-run setup must run first.
    #[error("no desk is configured yet: run the first-run setup (or `sportello desk set`)")]
    NoDesk,

    /// The demo database holds made-up records: they never travel, and real files
    /// never enter it. `what` names what was refused (`export`, `import`).
    #[error(
        "this is the demo database: its records are made up, so it does not {what} files \
         (leave the demo to work on the real database)"
    )]
    DemoDatabase { what: &'static str },

    /// A wrong PIN: the next attempt waits `retry_after` seconds (0: at once).
    #[error("wrong PIN (next attempt in {retry_after} s)")]
    WrongPin { retry_after: u64 },

    /// Too many wrong PINs: no attempt is checked for `retry_after` more seconds.
    #[error("too many wrong PINs: try again in {retry_after} s")]
    RetryLater { retry_after: u64 },

    /// An action only a coordinator may do (`what` names it).
    #[error("only a coordinator can {what}")]
    CoordinatorOnly { what: String },

    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A file that is not what its format says (an ISTAT CSV): nothing was stored.
    #[error("{0}")]
    BadFile(Box<FileProblem>),

    /// Personal data is sealed and its key is not in memory: the personal areas are
    /// locked, or this account has no key yet, or this is the command line.
    #[error("{PERSONAL_DATA_LOCKED}")]
    PersonalDataLocked,

    /// A sealed value (`place`: its column) did not open: altered, moved to another
    /// record, or sealed under another key. Nothing was changed.
    #[error("{place}: {message}")]
    Sealed { place: String, message: String },

    /// SQLite reported an error.
    #[error("database error: {0}")]
    Sqlite(rusqlite::Error),

    /// JSON could not be produced or read.
    #[error("JSON error: {0}")]
    Json(#[from] serde_json::Error),
}

/// The message of [`Error::PersonalDataLocked`], also what the sealing functions raise
/// inside a statement (`store::vault`), by which it is recognised again.
pub const PERSONAL_DATA_LOCKED: &str = "personal data is locked: sign in with a PIN to open it";

impl From<rusqlite::Error> for Error {
    /// SQLite's errors, except the two that the sealing functions raise inside a
    /// statement (`store::vault`), which keep their own codes.
    fn from(e: rusqlite::Error) -> Error {
        if let rusqlite::Error::SqliteFailure(_, Some(message)) = &e {
            if message == PERSONAL_DATA_LOCKED {
                return Error::PersonalDataLocked;
            }
            if let Some((place, rest)) = message.split_once(": sealed value ") {
                return Error::Sealed {
                    place: place.to_string(),
                    message: format!("sealed value {rest}"),
                };
            }
        }
        Error::Sqlite(e)
    }
}

impl Error {
    /// A stable, machine-readable code for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid { .. } => "invalid",
            Error::NotFound { .. } => "not_found",
            Error::Conflict(_) => "conflict",
            Error::Refused { reason, .. } => reason.code(),
            Error::DatabaseTooNew { .. } => "database_too_new",
            Error::Migration { .. } => "migration_failed",
            Error::NoDesk => "no_desk",
            Error::DemoDatabase { .. } => "demo_database",
            Error::WrongPin { .. } => "wrong_pin",
            Error::RetryLater { .. } => "retry_later",
            Error::CoordinatorOnly { .. } => "coordinator_only",
            Error::Io { .. } => "io",
            Error::BadFile(_) => "bad_file",
            Error::PersonalDataLocked => "personal_locked",
            Error::Sealed { .. } => "sealed",
            Error::Sqlite(_) => "database",
            Error::Json(_) => "json",
        }
    }

    /// Shorthand for an [`Error::Invalid`].
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Shorthand for an [`Error::Refused`] without detail.
    pub fn refused(reason: Refusal, field: &'static str, message: impl Into<String>) -> Self {
        Error::Refused {
            reason,
            field,
            detail: None,
            message: message.into(),
        }
    }

    /// Shorthand for an [`Error::Io`] on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// Where and why a file was refused ([`Error::BadFile`]). `problem` is a stable word
/// for the interface to translate (add, never rename); `line` (from 1) and `column`
/// (the column's name in the file) say where, when the problem has a place; `detail`
/// is the value or name it is about; `message` says it in English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileProblem {
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<String>,
    pub problem: &'static str,
    pub detail: Option<String>,
    pub message: String,
}

impl std::fmt::Display for FileProblem {
    /// "FILE, line N, column "C": message", with the parts the problem has.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column \"{column}\"")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Why the calendar refuses a booking, a move or an outcome, a case a copy of a
/// document, or a write is refused because its year is closed ([`Error::Refused`]): a
/// stable code the interface translates (the CLI prints the English message). The codes
/// are part of the IPC contract: add, never rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// The time is not written HH:MM.
    BadTime,
    /// The desk is closed that day: the holiday or closure is the error's `detail`.
    Closed,
    /// The slot has already begun.
    Past,
    /// The day is beyond the booking horizon, a year ahead (a typo in the year).
    TooFar,
    /// Not a back-office slot of this kind on that day.
    NotASlot,
    /// Another booking holds (part of) the slot.
    Taken,
    /// Attended or no-show before the appointment's day.
    NotYetDay,
    /// The appointment was cancelled: nothing more can be done with it.
    WasCancelled,
    /// An appointment marked attended or no-show cannot be cancelled.
    AlreadyMarked,
    /// Only a booked appointment can be moved.
    NotBooked,
    /// The write would change a year whose report is published (closed): the year is
    /// the error's `detail`; reopen it first.
    ClosedYear,
    /// A copy of a document over the size limit: the file's name is the `detail`.
    TooLarge,
    /// A file that is not a scan, a photo or a PDF: the file's name is the `detail`.
    NotADocument,
    /// A file to write whose name does not end as its kind must (`.pdf` for a PDF): the
    /// expected extension is the `detail`.
    WrongFileType,
    /// A file to write inside the app's own data folder, where the database, its backups
    /// and keys live: only the app itself writes there.
    PrivateFolder,
}

impl Refusal {
    /// The stable code, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            Refusal::BadTime => "bad_time",
            Refusal::Closed => "closed",
            Refusal::Past => "past",
            Refusal::TooFar => "too_far",
            Refusal::NotASlot => "not_a_slot",
            Refusal::Taken => "taken",
            Refusal::NotYetDay => "not_yet_day",
            Refusal::WasCancelled => "was_cancelled",
            Refusal::AlreadyMarked => "already_marked",
            Refusal::NotBooked => "not_booked",
            Refusal::ClosedYear => "closed_year",
            Refusal::TooLarge => "too_large",
            Refusal::NotADocument => "not_a_document",
            Refusal::WrongFileType => "wrong_file_type",
            Refusal::PrivateFolder => "private_folder",
        }
    }

    /// The [`Error::code`] of the refusal: a slot taken meanwhile is a `conflict` (the
    /// interface reloads the slots), everything else an `invalid` input.
    pub fn code(self) -> &'static str {
        match self {
            Refusal::Taken => "conflict",
            _ => "invalid",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusal_codes_are_what_serde_writes() {
        use Refusal::*;
        for r in [
            BadTime,
            Closed,
            Past,
            TooFar,
            NotASlot,
            Taken,
            NotYetDay,
            WasCancelled,
            AlreadyMarked,
            NotBooked,
            ClosedYear,
            TooLarge,
            NotADocument,
            WrongFileType,
            PrivateFolder,
        ] {
            assert_eq!(
                serde_json::to_value(r).unwrap(),
                serde_json::json!(r.as_str()),
                "{r:?}"
            );
        }
    }
}
