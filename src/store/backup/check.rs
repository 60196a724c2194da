//! The checks a backup passes after it is written and a file to restore passes before
//! anything changes: SQLite's integrity check, then a Sportello database of a schema
//! this program opens. Each failure is a bad file naming its problem.

use std::fs::{self};
use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::error::FileProblem;
use crate::store::latest_version;
use crate::{Error, Result};

pub(super) fn bad(file: &Path, problem: &'static str, message: String) -> Error {
    Error::BadFile(Box::new(FileProblem {
        file: file.display().to_string(),
        line: None,
        column: None,
        problem,
        detail: None,
        message,
    }))
}

/// The checks a backup passes and a file to restore must pass, on a connection open
/// on it: SQLite's integrity check, then a Sportello database (its tables) of a schema
/// this program opens. Returns the schema version. `file` names it in the messages.
pub(super) fn check_open(conn: &Connection, file: &Path) -> Result<i64> {
    let not_db = |e: rusqlite::Error| match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseCorrupt) => {
            bad(file, "damaged", format!("the database is damaged ({e})"))
        }
        _ => bad(
            file,
            "not_a_database",
            format!("this is not a SQLite database ({e})"),
        ),
    };
    let mut stmt = conn.prepare("PRAGMA integrity_check").map_err(not_db)?;
    let problems: Vec<String> = stmt
        .query_map([], |r| r.get(0))
        .map_err(not_db)?
        .collect::<rusqlite::Result<_>>()
        .map_err(not_db)?;
    if problems != ["ok"] {
        return Err(bad(
            file,
            "damaged",
            format!(
                "the database is damaged (integrity check: {})",
                problems
                    .iter()
                    .take(3)
                    .cloned()
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
        ));
    }
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(not_db)?;
    let tables: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table'
             AND name IN ('desks', 'accesses', 'settings', 'codebook_entries')",
            [],
            |r| r.get(0),
        )
        .map_err(not_db)?;
    if version < 1 || tables < 3 {
        return Err(bad(
            file,
            "not_sportello",
            "this SQLite database is not a Sportello database (none of its tables)".into(),
        ));
    }
    if version > latest_version() {
        return Err(bad(
            file,
            "newer_schema",
            format!(
                "the database has schema version {version}, newer than this program knows ({}): update Sportello first",
                latest_version()
            ),
        ));
    }
    Ok(version)
}

/// Checks the file at `path` as a restore would (without changing it): returns its
/// schema version, or the problem naming what is wrong.
pub fn check_file(path: &Path) -> Result<i64> {
    let meta = fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Err(bad(path, "not_a_database", "this is not a file".into()));
    }
    // read-only and immutable: nothing (no -wal, no -shm) is written beside the file
    let uri = format!(
        "file:{}?immutable=1",
        uri_path(&fs::canonicalize(path).map_err(|e| Error::io(path, e))?)
    );
    let conn = Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI,
    )
    .map_err(|e| {
        bad(
            path,
            "not_a_database",
            format!("this is not a SQLite database ({e})"),
        )
    })?;
    check_open(&conn, path)
}

/// A path as a `file:` URI's path: `?`, `#` and `%` escaped.
pub(super) fn uri_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3f"),
            '#' => out.push_str("%23"),
            c => out.push(c),
        }
    }
    out
}
