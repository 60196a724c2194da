//! The import log and what it tells: per desk, the export sequence numbers received and
//! missing, and the last files imported, refused ones included.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use super::FileReport;
use crate::{Result, ids};

/// Logs a file that stored nothing (rejected or already imported).
pub(super) fn log_outcome(
    conn: &Connection,
    report: &FileReport,
    sha: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO imports (imported_at, file_name, file_sha256, export_id, desk, sequence, outcome,
                              message, unchanged, rejection)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            ids::timestamp(now),
            report.file,
            sha,
            report.export_id,
            report.desk,
            report.sequence,
            report.outcome.as_str(),
            report.message,
            report.unchanged as i64,
            report.rejection.as_ref().map(|r| r.kind.code())
        ],
    )?;
    Ok(())
}

/// Per desk: the export sequence numbers received and missing, and the last file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskSequences {
    pub desk: String,
    /// Received numbers as inclusive ranges, e.g. `[[1, 40], [42, 57]]`.
    pub received: Vec<(i64, i64)>,
    /// Numbers below the highest received one that never arrived.
    pub missing: Vec<i64>,
    /// When the last file of this desk was imported (RFC 3339, UTC).
    pub last_imported_at: Option<String>,
    /// Sequence number of the highest file received.
    pub last_sequence: Option<i64>,
    /// Numbers received more than once, under different export ids: two different
    /// files claim the same place in the desk's sequence (a restored backup that
    /// exported again, a second installation with the same desk code).
    #[serde(default)]
    pub reused: Vec<i64>,
    /// When the desk made its highest-numbered file (its header's `created_at`), and
    /// the period it covers: the date to show for the desk's last file. `None` for a
    /// file imported before the log kept them.
    #[serde(default)]
    pub last_file_created_at: Option<String>,
    #[serde(default)]
    pub last_file_period: Option<(String, String)>,
}

/// The export id of a file of `desk` imported with number `sequence` other than
/// `export_id`, if any: the same place in the sequence taken by another export.
pub(super) fn sequence_taken(
    conn: &Connection,
    desk: &str,
    sequence: i64,
    export_id: &str,
) -> Result<Option<String>> {
    let mut stmt = conn.prepare_cached(
        "SELECT export_id FROM imports
         WHERE outcome = 'imported' AND desk = ?1 AND sequence = ?2 AND export_id <> ?3
         LIMIT 1",
    )?;
    let mut rows = stmt.query(params![desk, sequence, export_id])?;
    Ok(match rows.next()? {
        Some(row) => Some(row.get(0)?),
        None => None,
    })
}

/// The sequence status of every desk files were imported from, by desk code.
pub fn sequences(conn: &Connection) -> Result<Vec<DeskSequences>> {
    let mut stmt = conn.prepare(
        "SELECT desk, sequence, MAX(imported_at), COUNT(DISTINCT export_id) FROM imports
         WHERE outcome = 'imported' AND desk IS NOT NULL
         GROUP BY desk, sequence ORDER BY desk, sequence",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out: Vec<DeskSequences> = Vec::new();
    for (desk, seq, at, exports) in rows {
        if out.last().is_none_or(|d| d.desk != desk) {
            out.push(DeskSequences {
                desk: desk.clone(),
                received: vec![],
                missing: vec![],
                last_imported_at: None,
                last_sequence: None,
                reused: vec![],
                last_file_created_at: None,
                last_file_period: None,
            });
        }
        let d = out.last_mut().expect("pushed above");
        if exports > 1 {
            d.reused.push(seq);
        }
        let expected = d.last_sequence.map_or(1, |s| s + 1);
        d.missing.extend(expected..seq);
        match d.received.last_mut() {
            Some((_, to)) if *to + 1 == seq => *to = seq,
            _ => d.received.push((seq, seq)),
        }
        d.last_sequence = Some(seq);
        if d.last_imported_at
            .as_deref()
            .is_none_or(|l| l < at.as_str())
        {
            d.last_imported_at = Some(at);
        }
    }
    for d in &mut out {
        let (created, from, to) = last_file_dates(conn, &d.desk)?;
        d.last_file_created_at = created;
        d.last_file_period = from.zip(to);
    }
    Ok(out)
}

/// The header dates of the highest-numbered file imported from `desk`.
fn last_file_dates(
    conn: &Connection,
    desk: &str,
) -> Result<(Option<String>, Option<String>, Option<String>)> {
    Ok(conn.query_row(
        "SELECT file_created_at, period_from, period_to FROM imports
         WHERE outcome = 'imported' AND desk = ?1 ORDER BY sequence DESC, id DESC LIMIT 1",
        [desk],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?)
}

/// What became of one file of a desk, for its receipt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileOutcome {
    pub export_id: Option<String>,
    pub sequence: Option<i64>,
    pub outcome: String,
    pub rejection: Option<String>,
}

/// Every file logged for `desk`, oldest first.
pub fn files_of(conn: &Connection, desk: &str) -> Result<Vec<FileOutcome>> {
    let mut stmt = conn.prepare(
        "SELECT export_id, sequence, outcome, rejection FROM imports
         WHERE desk = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([desk], |r| {
        Ok(FileOutcome {
            export_id: r.get(0)?,
            sequence: r.get(1)?,
            outcome: r.get(2)?,
            rejection: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A conflict logged for a file of a desk: export id, record kind, id, revision and the
/// JSON list of the fields that differ.
pub type LoggedConflict = (String, String, String, i64, String);

/// Every conflict logged for `desk`'s files, oldest first.
pub fn conflicts_of(conn: &Connection, desk: &str) -> Result<Vec<LoggedConflict>> {
    let mut stmt = conn.prepare(
        "SELECT i.export_id, c.record, c.record_id, c.revision, c.fields
         FROM import_conflicts c JOIN imports i ON i.id = c.import_id
         WHERE i.desk = ?1 AND i.export_id IS NOT NULL ORDER BY c.rowid",
    )?;
    let rows = stmt.query_map([desk], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// One row of the import log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub imported_at: String,
    pub file_name: String,
    pub desk: Option<String>,
    pub sequence: Option<i64>,
    pub outcome: String,
    pub message: String,
    pub new: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub conflicts: i64,
}

/// The import log, newest first.
pub fn log(conn: &Connection, limit: usize) -> Result<Vec<LogEntry>> {
    let mut stmt = conn.prepare(
        "SELECT imported_at, file_name, desk, sequence, outcome, message, new_records, updated,
                unchanged, conflicts
         FROM imports ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit as i64], |r| {
        Ok(LogEntry {
            imported_at: r.get(0)?,
            file_name: r.get(1)?,
            desk: r.get(2)?,
            sequence: r.get(3)?,
            outcome: r.get(4)?,
            message: r.get(5)?,
            new: r.get(6)?,
            updated: r.get(7)?,
            unchanged: r.get(8)?,
            conflicts: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What the import screen shows: per-desk sequences and the latest log rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    pub desks: Vec<DeskSequences>,
    pub log: Vec<LogEntry>,
}

/// The import screen's status (the last `limit` log rows).
pub fn status(conn: &Connection, limit: usize) -> Result<Status> {
    Ok(Status {
        desks: sequences(conn)?,
        log: log(conn, limit)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    #[test]
    fn files_imported_before_the_file_dates_were_kept_still_count() {
        let store = Store::open_in_memory().unwrap();
        let conn = store.conn();
        // a row as written before migration 0010, and one after it
        conn.execute_batch(
            "INSERT INTO imports (imported_at, file_name, file_sha256, export_id, desk, sequence, outcome)
             VALUES ('2024-11-01T08:00:00.000Z', 'a', 'x', 'e1', 'FOL', 1, 'imported');
             INSERT INTO imports (imported_at, file_name, file_sha256, export_id, desk, sequence, outcome)
             VALUES ('2024-11-02T08:00:00.000Z', 'b', 'y', 'e2', 'SCA', 1, 'imported');
             UPDATE imports SET file_created_at = '2024-11-01T17:00:00+00:00',
                 period_from = '2024-10-30', period_to = '2024-11-01' WHERE desk = 'SCA';
             INSERT INTO imports (imported_at, file_name, file_sha256, outcome, rejection)
             VALUES ('2024-11-03T08:00:00.000Z', 'c', 'z', 'rejected', 'not_json');",
        )
        .unwrap();
        let seqs = sequences(conn).unwrap();
        assert_eq!(seqs[0].desk, "FOL");
        assert_eq!(
            (&seqs[0].last_file_created_at, &seqs[0].last_file_period),
            (&None, &None),
            "an old row has no file dates, and is still counted"
        );
        assert_eq!(seqs[0].received, vec![(1, 1)]);
        assert_eq!(
            seqs[1].last_file_period,
            Some(("2024-10-30".to_string(), "2024-11-01".to_string()))
        );
        assert_eq!(files_of(conn, "SCA").unwrap()[0].outcome, "imported");
    }
}
