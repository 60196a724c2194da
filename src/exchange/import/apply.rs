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
//! what was shown. A file that would change a closed year is refused
//! ([`RejectionKind::ClosedYear`], nothing stored or logged) unless the caller confirmed
//! reopening that year; then the year is reopened in the file's transaction.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, TransactionBehavior, params};

use super::basis;
use super::check::{Checked, check_again};
use super::closed;
use super::decrypt::{self, Decryption};
use super::log::log_outcome;
use super::plan::{
    Action, ImportPlan, Overlay, PlannedFile, PlannedRecord, imported_report, plan_records,
};
use super::{ExportFile, FileReport, Outcome, RejectionKind, err};
use crate::codebook::{self, Codebook};
use crate::exchange::records;
use crate::exchange::wire::{Record, sha256_hex};
use crate::register::stored::Replaced;
use crate::yearbook::{self, ClosedYearChange};
use crate::{Result, cases, desk, ids, preferences, register};

use RejectionKind as K;

/// Applies `plan` (made by [`super::plan`]): each file read again from its path and
/// stored in its own transaction, or refused with nothing stored. Every file gets a row
/// in the import log, refused ones included, except a file held back because it would
/// change a closed year ([`RejectionKind::ClosedYear`]). Returns one report per planned
/// file, in the plan's order.
pub fn apply(
    conn: &mut Connection,
    plan: &ImportPlan,
    now: DateTime<Utc>,
) -> Result<Vec<FileReport>> {
    apply_reopening(conn, plan, &[], now)
}

/// [`apply`], confirming the reopening of the closed years in `reopen`: a file that
/// would change them is imported, and each such year is reopened (with its audit row)
/// in that file's transaction. A file that would change a closed year not in `reopen`
/// is still refused.
pub fn apply_reopening(
    conn: &mut Connection,
    plan: &ImportPlan,
    reopen: &[i32],
    now: DateTime<Utc>,
) -> Result<Vec<FileReport>> {
    let keys = Decryption::of_database(conn)?;
    apply_decrypting(conn, plan, reopen, now, &keys)
}

/// [`apply_reopening`], opening encrypted files with `keys` (the ones the plan was
/// made with).
pub fn apply_decrypting(
    conn: &mut Connection,
    plan: &ImportPlan,
    reopen: &[i32],
    now: DateTime<Utc>,
    keys: &Decryption,
) -> Result<Vec<FileReport>> {
    apply_with(conn, plan, reopen, now, keys, |path| {
        super::read_limited(path).map(Cow::Owned)
    })
}

/// What applying one file needs besides the file: the codebook, the time, the years
/// the caller confirmed reopening, and those reopened so far by this batch.
struct Batch<'a> {
    codebook: Codebook,
    now: DateTime<Utc>,
    reopen: &'a [i32],
    reopened: BTreeSet<i32>,
    keys: &'a Decryption,
}

/// [`apply_reopening`], reading each file's bytes with `read` (borrowed when the caller
/// holds them already).
pub(super) fn apply_with<'f>(
    conn: &mut Connection,
    plan: &ImportPlan,
    reopen: &[i32],
    now: DateTime<Utc>,
    keys: &Decryption,
    read: impl Fn(&Path) -> std::io::Result<Cow<'f, [u8]>>,
) -> Result<Vec<FileReport>> {
    crate::demo::refuse_in_demo(conn, "import")?;
    let mut batch = Batch {
        codebook: codebook::load(conn)?,
        now,
        reopen,
        reopened: BTreeSet::new(),
        keys,
    };
    let mut reports = Vec::with_capacity(plan.files.len());
    // the files held back for a closed year, by export id: a copy of one later in the
    // batch was planned as "already imported" on the assumption that it would go in
    let mut held_back: HashMap<String, FileReport> = HashMap::new();
    for planned in &plan.files {
        let (report, sha) = if planned.report.outcome == Outcome::Imported {
            apply_file(conn, planned, &mut batch, &read)?
        } else if planned.report.outcome == Outcome::AlreadyImported
            && let Some(first) = planned
                .report
                .export_id
                .as_ref()
                .and_then(|id| held_back.get(id))
        {
            (held_like(planned, first), planned.sha256.clone())
        } else {
            // rejected or already imported when planned: nothing to store, only the log
            (planned.report.clone(), planned.sha256.clone())
        };
        let held = report.rejection.as_ref().map(|r| r.kind) == Some(K::ClosedYear);
        if held && let Some(id) = &report.export_id {
            held_back
                .entry(id.clone())
                .or_insert_with(|| report.clone());
        }
        if report.outcome != Outcome::Imported && !held {
            log_outcome(conn, &report, &sha, now)?;
        }
        reports.push(report);
    }
    Ok(reports)
}

/// A copy of the export `first` held back for a closed year: held back as it was, under
/// its own file name (nothing of it is logged, so it stays importable).
fn held_like(planned: &PlannedFile, first: &FileReport) -> FileReport {
    let mut report = first.clone();
    let name = &planned.report.file;
    let reason = first
        .message
        .strip_prefix(&format!("{}: ", first.file))
        .unwrap_or(&first.message);
    report.message = format!("{name}: {reason}");
    report.file = name.clone();
    report
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

fn apply_file<'f>(
    conn: &mut Connection,
    planned: &PlannedFile,
    batch: &mut Batch<'_>,
    read: &impl Fn(&Path) -> std::io::Result<Cow<'f, [u8]>>,
) -> Result<(FileReport, String)> {
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
    let opened = match decrypt::open(bytes, batch.keys) {
        Ok(opened) => opened,
        Err(rejection) => {
            // the plan opened this very file: the keys differ from the plan's
            let mut report = refused(planned, rejection.kind, rejection.message);
            report.encrypted = true;
            return Ok((report, sha));
        }
    };
    let before = super::large_cache(conn, opened.plain.len())?;
    let applied = apply_opened(conn, planned, batch, opened, sha);
    // a failure leaves a larger cache, which only costs memory
    let _ = conn.pragma_update(None, "cache_size", before);
    applied
}

/// [`apply_file`] once the file is read and opened, with `sha` its SHA-256 as read.
fn apply_opened(
    conn: &mut Connection,
    planned: &PlannedFile,
    batch: &mut Batch<'_>,
    opened: decrypt::Opened<'_>,
    sha: String,
) -> Result<(FileReport, String)> {
    let now = batch.now;
    let name = planned.report.file.as_str();
    let bytes = opened.plain;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // the database provably as the plan found it: its comparison holds as it is
    let reused = basis::reuse(&tx, &sha, &planned.records)?;
    // on error or refusal the transaction is dropped, hence rolled back: nothing stored
    // the SHA-256 of the plain bytes: of the file as read, unless it was decrypted
    let plain_sha = if opened.encrypted {
        sha256_hex(&bytes)
    } else {
        sha.clone()
    };
    let read = (&bytes[..], plain_sha.as_str());
    let file = match check_again(&tx, name, read, &batch.codebook, &Default::default())? {
        Checked::Apply(file) => file,
        Checked::Done(_) => return Ok((stale(planned), sha)),
    };
    // the file is parsed: its bytes are not needed any more
    drop(bytes);
    let (records, touched, replaced) = match reused {
        Some((touched, replaced)) => (Cow::Borrowed(planned.records.as_slice()), touched, replaced),
        None => {
            // a year this batch reopened still counts as closed for its later files, as
            // it did in the plan: their changes of it need the same confirmation
            let mut closed = yearbook::closed_years(&tx)?;
            closed.extend(&batch.reopened);
            let Ok((records, touched, replaced)) =
                plan_records(&tx, &mut Overlay::once(closed), &file)?
            else {
                // the plan found the file fine: the database moved on since
                return Ok((stale(planned), sha));
            };
            if records != planned.records {
                return Ok((stale(planned), sha));
            }
            (Cow::Owned(records), touched, replaced)
        }
    };
    let closed_years = closed::changes(&touched, &planned.report.closed_years);
    if touched.keys().any(|y| !batch.reopen.contains(y)) {
        return Ok((held_back(planned, closed_years), sha));
    }
    let imported = imported_report(name, &file, &records);
    // the file is this import's alone once the plan let go of it: its records are
    // moved into the rows
    let file = match Arc::try_unwrap(file) {
        Ok(owned) => Cow::Owned(owned),
        Err(shared) => Cow::Owned(ExportFile::clone(&shared)),
    };
    let stored = reopen_years(&tx, planned, &touched, batch)
        .and_then(|()| store_file(&tx, name, file, (&records, replaced), now))
        .and_then(|()| Ok(tx.commit()?));
    let report = match stored {
        Ok(()) => {
            batch.reopened.extend(touched.keys());
            let mut report = imported;
            report.closed_years = closed_years;
            report.sequence_taken_by = planned.report.sequence_taken_by.clone();
            report.new_desk = planned.report.new_desk;
            report.encrypted = opened.encrypted;
            report
        }
        Err(e) => refused(planned, K::NotStored, e.to_string()),
    };
    Ok((report, sha))
}

/// Reopens the years of `touched` that are still closed, for the import of `planned`.
fn reopen_years(
    tx: &Connection,
    planned: &PlannedFile,
    touched: &BTreeMap<i32, usize>,
    batch: &Batch<'_>,
) -> Result<()> {
    let operator = preferences::signing_operator(tx)?;
    let r = &planned.report;
    let reason = match (&r.desk, r.sequence) {
        (Some(desk), Some(seq)) => format!("import of {desk} export no. {seq}"),
        _ => "import of a desk export".to_string(),
    };
    for year in touched.keys().filter(|y| !batch.reopened.contains(y)) {
        yearbook::reopen_in(tx, *year, &reason, &operator, batch.now)?;
    }
    Ok(())
}

/// The refusal of a file that would change closed years whose reopening was not
/// confirmed: the years and their figures, and what to do.
fn held_back(planned: &PlannedFile, closed_years: Vec<ClosedYearChange>) -> FileReport {
    let what: Vec<String> = closed_years.iter().map(ToString::to_string).collect();
    let flags: Vec<String> = closed_years
        .iter()
        .map(|c| format!("--reopen-year {}", c.year))
        .collect();
    let years = if closed_years.len() == 1 {
        "year"
    } else {
        "years"
    };
    let message = format!(
        "it would change the closed {years} {} whose report is published: nothing imported; \
         to import it, confirm reopening (sportello import {} ...) and close the year again \
         after republishing",
        what.join(", "),
        flags.join(" ")
    );
    let mut report = refused(planned, K::ClosedYear, message);
    report.closed_years = closed_years;
    report
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

/// Writes the new and updated records of `file` as `records` plans them (inside the
/// caller's transaction), adding its desk if it is new here. The accesses are written
/// together through the register's bulk path ([`register::stored::write_received`]:
/// many rows a statement, the report's counts kept set-wise), each as
/// [`register::stored::write_imported`] would write it alone; cases one by one. The
/// records of a file have distinct ids, so the order they are written in does not
/// change what is stored, nor the report's counts.
pub(super) fn write_records(
    conn: &Connection,
    file: Cow<'_, ExportFile>,
    (records, replaced): (&[PlannedRecord], Option<Vec<Replaced>>),
    now: DateTime<Utc>,
) -> Result<()> {
    let desk = file.header.desk.clone();
    let ts = ids::timestamp(now);
    desk::ensure_known(conn, &desk, now)?;
    let mut new_accesses = Vec::new();
    let mut updated_accesses = Vec::new();
    let mut write = |planned: &PlannedRecord, record: Cow<'_, Record>| -> Result<()> {
        let into = match planned.action {
            Action::New => &mut new_accesses,
            Action::Updated => &mut updated_accesses,
            Action::Unchanged | Action::Conflict => return Ok(()),
        };
        match record {
            Cow::Owned(Record::Access(a)) => into.push(records::received_access(a, &desk)),
            Cow::Borrowed(Record::Access(a)) => {
                into.push(records::received_access(a.clone(), &desk))
            }
            record => {
                if let Record::Case(c) = record.as_ref() {
                    cases::stored::write_imported(conn, &records::received_case(c, &desk), &ts)?
                }
            }
        }
        Ok(())
    };
    // the records of a file this import owns are moved into the rows, not copied
    match file {
        Cow::Owned(file) => {
            for ((_, record), planned) in file.records.into_iter().zip(records) {
                write(planned, Cow::Owned(record))?;
            }
        }
        Cow::Borrowed(file) => {
            for ((_, record), planned) in file.records.iter().zip(records) {
                write(planned, Cow::Borrowed(record))?;
            }
        }
    }
    register::stored::write_received(conn, &new_accesses, &updated_accesses, &ts, replaced)
}

/// Writes `file`'s records as `records` plans them, with its log row and conflicts.
fn store_file(
    conn: &Connection,
    name: &str,
    file: Cow<'_, ExportFile>,
    (records, replaced): (&[PlannedRecord], Option<Vec<Replaced>>),
    now: DateTime<Utc>,
) -> Result<()> {
    let h = &file.header;
    let ts = ids::timestamp(now);
    conn.execute(
        "INSERT INTO imports (imported_at, file_name, file_sha256, export_id, desk, sequence, outcome,
                              file_created_at, period_from, period_to)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'imported', ?7, ?8, ?9)",
        params![
            ts,
            name,
            file.file_sha256,
            h.export_id,
            h.desk,
            h.sequence,
            h.created_at,
            h.period.from.to_string(),
            h.period.to.to_string()
        ],
    )?;
    let import_id = conn.last_insert_rowid();
    let count = |a: Action| records.iter().filter(|r| r.action == a).count() as i64;
    write_records(conn, file, (records, replaced), now)?;
    for planned in records {
        match planned.action {
            Action::New | Action::Updated | Action::Unchanged => {}
            Action::Conflict => {
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
