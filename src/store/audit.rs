//! The audit log: every change to a record, with when, which revision and which operator.
//!
//! Rows are written inside the transaction of the change they describe, so the log and
//! the data can never disagree. The log stays on this machine.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use serde::Serialize;

use crate::{Result, ids};

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub at: String,
    pub operator: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub revision: Option<i64>,
    pub detail: String,
}

/// Appends a row. `action` is a verb (`record`, `correct`, `delete`, ...), `entity` the
/// table's singular (`access`, `case`, ...).
#[allow(clippy::too_many_arguments)]
pub fn log(
    conn: &Connection,
    now: DateTime<Utc>,
    operator: &str,
    action: &str,
    entity: &str,
    entity_id: &str,
    revision: Option<i64>,
    detail: &str,
) -> Result<()> {
    conn.execute(
        "INSERT INTO audit_log (at, operator, action, entity, entity_id, revision, detail)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            ids::timestamp(now),
            operator,
            action,
            entity,
            entity_id,
            revision,
            detail
        ],
    )?;
    Ok(())
}

/// The history of one record, oldest first.
pub fn history(conn: &Connection, entity: &str, entity_id: &str) -> Result<Vec<AuditEntry>> {
    let mut stmt = conn.prepare(
        "SELECT at, operator, action, entity, entity_id, revision, detail FROM audit_log
         WHERE entity = ?1 AND entity_id = ?2 ORDER BY id",
    )?;
    let rows = stmt.query_map(params![entity, entity_id], |r| {
        Ok(AuditEntry {
            at: r.get(0)?,
            operator: r.get(1)?,
            action: r.get(2)?,
            entity: r.get(3)?,
            entity_id: r.get(4)?,
            revision: r.get(5)?,
            detail: r.get(6)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Takes the next value of the local change counter: every local write of a record
/// that travels stores it, so an export can find everything changed since the last.
pub fn next_change(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "UPDATE change_counter SET value = value + 1 WHERE id = 1 RETURNING value",
        [],
        |r| r.get(0),
    )?)
}
