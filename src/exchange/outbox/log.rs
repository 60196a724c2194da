//! The `deliveries` table: what happened to each outbox file. The only SQL on it.
//!
//! A file delivered gets a row `delivered` (or `already_there`); a delivery that stops
//! gets a row `failed` with its code. The same failure again on the same file (the
//! stick still out at the next attempt) counts on the latest row instead of adding one.

use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::deliver::DeliveryReport;
use crate::{Now, Result, ids};

/// One row of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Logged {
    pub file: String,
    pub sha256: String,
    pub destination: String,
    /// `delivered`, `already_there` or `failed`.
    pub outcome: String,
    /// The failure's code (a [`super::DeliveryFailure`]) when `failed`.
    pub failure: Option<String>,
    pub message: String,
    pub first_at: String,
    pub last_at: String,
    pub attempts: i64,
}

const COLUMNS: &str =
    "file, sha256, destination, outcome, failure, message, first_at, last_at, attempts";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Logged> {
    Ok(Logged {
        file: r.get(0)?,
        sha256: r.get(1)?,
        destination: r.get(2)?,
        outcome: r.get(3)?,
        failure: r.get(4)?,
        message: r.get(5)?,
        first_at: r.get(6)?,
        last_at: r.get(7)?,
        attempts: r.get(8)?,
    })
}

/// Logs what `report` says happened, in one transaction.
pub fn record(conn: &mut Connection, report: &DeliveryReport, now: Now) -> Result<()> {
    if report.delivered.is_empty() && report.failure.is_none() {
        return Ok(());
    }
    let at = ids::timestamp(now.utc());
    let destination = report
        .destination
        .as_ref()
        .map(|d| d.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tx = conn.transaction()?;
    for d in &report.delivered {
        let outcome = if d.already_there {
            "already_there"
        } else {
            "delivered"
        };
        tx.execute(
            "INSERT INTO deliveries (file, sha256, destination, outcome, first_at, last_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
            params![d.file, d.sha256, destination, outcome, at],
        )?;
    }
    if let Some(f) = &report.failure {
        let repeated = tx.execute(
            "UPDATE deliveries SET attempts = attempts + 1, last_at = ?1, message = ?2
             WHERE id = (SELECT MAX(id) FROM deliveries)
               AND file = ?3 AND outcome = 'failed' AND failure = ?4 AND destination = ?5",
            params![at, f.message, f.file, f.code.as_str(), destination],
        )?;
        if repeated == 0 {
            tx.execute(
                "INSERT INTO deliveries (file, sha256, destination, outcome, failure, message,
                                         first_at, last_at)
                 VALUES (?1, ?2, ?3, 'failed', ?4, ?5, ?6, ?6)",
                params![
                    f.file,
                    f.sha256,
                    destination,
                    f.code.as_str(),
                    f.message,
                    at
                ],
            )?;
        }
    }
    tx.commit()?;
    Ok(())
}

/// The latest row: the last thing that happened to a file.
pub fn last(conn: &Connection) -> Result<Option<Logged>> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM deliveries ORDER BY id DESC LIMIT 1"),
            [],
            from_row,
        )
        .optional()?)
}

/// The last file delivered (or found already there).
pub fn last_delivered(conn: &Connection) -> Result<Option<Logged>> {
    Ok(conn
        .query_row(
            &format!(
                "SELECT {COLUMNS} FROM deliveries WHERE outcome <> 'failed'
                 ORDER BY id DESC LIMIT 1"
            ),
            [],
            from_row,
        )
        .optional()?)
}

/// The log, newest first.
pub fn history(conn: &Connection, limit: usize) -> Result<Vec<Logged>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM deliveries ORDER BY id DESC LIMIT ?1"
    ))?;
    let rows = stmt.query_map([limit as i64], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
