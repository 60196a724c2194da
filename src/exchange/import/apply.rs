//! Applying an import plan: exactly what the plan says, or nothing for a file whose
//! ground moved.
//!
//! Each planned file is read again; a file whose SHA-256 is not the planned one is
//! refused ([`RejectionKind::ChangedSincePlan`]). Each file is applied in its own
//! transaction (immediate: it reads, then writes, and a concurrent writer must make it
//! wait rather than fail on a stale snapshot), after planning its records again inside
//! that transaction: if the result differs from the plan, the database moved on since
//! the preview (another import, a correction), and the file is refused
//! ([`RejectionKind::StalePlan`]) with nothing stored, so that what is applied is always
//! what was shown.

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, params};

use super::check::{Checked, check};
use super::log::log_outcome;
use super::plan::{
    Action, ImportPlan, Overlay, PlannedFile, PlannedRecord, imported_report, plan_records,
};
use super::{ExportFile, FileReport, Outcome, RejectionKind, err};
use crate::codebook::{self, Codebook};
use crate::exchange::records;
use crate::exchange::wire::{Record, sha256_hex};
use crate::{Result, cases, desk, ids, register};

use RejectionKind as K;

/// Applies `plan` (made by [`super::plan`]): each file read again from its path and
/// stored in its own transaction, or refused with nothing stored. Every file gets a row
/// in the import log, refused ones included. Returns one report per planned file, in
/// the plan's order.
pub fn apply(
    conn: &mut Connection,
    plan: &ImportPlan,
    now: DateTime<Utc>,
) -> Result<Vec<FileReport>> {
    apply_with(conn, plan, now, |path| std::fs::read(path))
}

/// [`apply`], reading each file's bytes with `read`.
pub(super) fn apply_with(
    conn: &mut Connection,
    plan: &ImportPlan,
    now: DateTime<Utc>,
    read: impl Fn(&Path) -> std::io::Result<Vec<u8>>,
) -> Result<Vec<FileReport>> {
    let codebook = codebook::load(conn)?;
    let mut reports = Vec::with_capacity(plan.files.len());
    for planned in &plan.files {
        let (report, sha) = if planned.report.outcome == Outcome::Imported {
            apply_file(conn, planned, &codebook, now, &read)?
        } else {
            // rejected or already imported when planned: nothing to store, only the log
            (planned.report.clone(), planned.sha256.clone())
        };
        if report.outcome != Outcome::Imported {
            log_outcome(conn, &report, &sha, now)?;
        }
        reports.push(report);
    }
    Ok(reports)
}

/// The report of a planned file refused on apply: the planned desk and sequence, and a
/// message that starts with the file, as every rejection of a batch does.
fn refused(planned: &PlannedFile, kind: RejectionKind, message: String) -> FileReport {
    let name = &planned.report.file;
    let mut report = FileReport::rejected(name, err(kind, None, None, message), None);
    report.export_id = planned.report.export_id.clone();
    report.desk = planned.report.desk.clone();
    report.sequence = planned.report.sequence;
    report.message = format!("{name}: {}", report.message);
    report
}

fn apply_file(
    conn: &mut Connection,
    planned: &PlannedFile,
    codebook: &Codebook,
    now: DateTime<Utc>,
    read: &impl Fn(&Path) -> std::io::Result<Vec<u8>>,
) -> Result<(FileReport, String)> {
    let name = planned.report.file.as_str();
    let bytes = match read(&planned.path) {
        Ok(bytes) => bytes,
        Err(e) => {
            let report = refused(planned, K::Unreadable, format!("cannot be read ({e})"));
            return Ok((report, String::new()));
        }
    };
    let sha = sha256_hex(&bytes);
    if sha != planned.sha256 {
        let message = "the file changed since the preview (its content is not the one previewed): \
                       nothing imported; preview it again"
            .to_string();
        return Ok((refused(planned, K::ChangedSincePlan, message), sha));
    }
    let tx = conn.transaction()?;
    // on error or refusal the transaction is dropped, hence rolled back: nothing stored
    let file = match check(&tx, name, &bytes, codebook, &Default::default())? {
        Checked::Apply(file) => file,
        Checked::Done(_) => return Ok((stale(planned), sha)),
    };
    let records = plan_records(&tx, &mut Overlay::default(), &file)?;
    if records != planned.records {
        return Ok((stale(planned), sha));
    }
    let stored = store_file(&tx, name, &file, &records, now).and_then(|()| Ok(tx.commit()?));
    let report = match stored {
        Ok(()) => imported_report(name, &file, &records),
        Err(e) => refused(planned, K::NotStored, e.to_string()),
    };
    Ok((report, sha))
}

fn stale(planned: &PlannedFile) -> FileReport {
    refused(
        planned,
        K::StalePlan,
        "the database changed since the preview (another import or a correction): \
         nothing imported; preview the files again"
            .to_string(),
    )
}

/// How many new accesses of a file are held before they are written.
const NEW_ACCESSES_AT_ONCE: usize = 1024;

/// Writes `file`'s records as `records` plans them, with its log row and conflicts.
fn store_file(
    conn: &Connection,
    name: &str,
    file: &ExportFile,
    records: &[PlannedRecord],
    now: DateTime<Utc>,
) -> Result<()> {
    let h = &file.header;
    let ts = ids::timestamp(now);
    desk::ensure_known(conn, &h.desk, now)?;
    conn.execute(
        "INSERT INTO imports (imported_at, file_name, file_sha256, export_id, desk, sequence, outcome)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'imported')",
        params![ts, name, file.file_sha256, h.export_id, h.desk, h.sequence],
    )?;
    let import_id = conn.last_insert_rowid();
    let count = |a: Action| records.iter().filter(|r| r.action == a).count() as i64;
    // New accesses go through the register's bulk path, many rows a statement (what the
    // report's counting triggers cost is paid per statement); anything else is written
    // in file order, after the new accesses before it.
    let mut new_accesses = Vec::new();
    for ((_, record), planned) in file.records.iter().zip(records) {
        if let (Action::New, Record::Access(a)) = (planned.action, record) {
            new_accesses.push(records::received_access(a, &h.desk));
            if new_accesses.len() < NEW_ACCESSES_AT_ONCE {
                continue;
            }
        }
        register::stored::insert_received(conn, &new_accesses, &ts)?;
        new_accesses.clear();
        match (planned.action, record) {
            (Action::New, Record::Access(_)) => {}
            (Action::Updated, Record::Access(a)) => {
                register::stored::write_imported(conn, &records::received_access(a, &h.desk), &ts)?
            }
            (Action::New | Action::Updated, Record::Case(c)) => {
                cases::stored::write_imported(conn, &records::received_case(c, &h.desk), &ts)?
            }
            (Action::Unchanged, _) => {}
            (Action::Conflict, _) => {
                conn.execute(
                    "INSERT INTO import_conflicts (import_id, record, record_id, revision, fields)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![
                        import_id,
                        planned.record,
                        planned.id,
                        planned.revision,
                        serde_json::to_string(&planned.fields)?
                    ],
                )?;
            }
        }
    }
    register::stored::insert_received(conn, &new_accesses, &ts)?;
    conn.execute(
        "UPDATE imports SET new_records = ?2, updated = ?3, unchanged = ?4, conflicts = ?5 WHERE id = ?1",
        params![
            import_id,
            count(Action::New),
            count(Action::Updated),
            count(Action::Unchanged),
            count(Action::Conflict)
        ],
    )?;
    Ok(())
}
