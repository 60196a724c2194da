//! The desk export: format version 1 of the contract ([`super::wire`]), written
//! atomically and logged.
//!
//! A file is a header line, zero or more record lines (accesses and cases), and a
//! trailer line with the record count and the SHA-256 of every byte before it. Only this
//! desk's own records leave, and only the fields of the contract: the lines are built
//! field by field ([`super::records`]) from the anonymous rows the register and the
//! cases hand out, never from appointments, personal files or notes, so personal data
//! has no path into a file.
//!
//! Three selections:
//! - [`Selection::SinceLast`] (the default): every own record whose `change_seq` is above
//!   the highest `up_to_change` of earlier exports, so a missed day is never lost. Its
//!   `period` runs from the earliest to the latest date of the records it holds (an
//!   access's `date`, a case's `opened_on` and `closed_on`); with nothing to export the
//!   file is still written, empty, with the period `today..today`: the coordinator then
//!   sees that the desk sent its daily file and had nothing new, and the sequence has no
//!   hole to explain.
//! - [`Selection::Range`] (one day or a range): the current state of every own record
//!   dated in the range (cases opened or closed in it). It does not move the
//!   since-last mark, so the next default export still covers every change.
//!
//! Tombstones carry only what the contract requires (`id`, `revision`, `deleted` and
//! `date` or `opened_on`). The file is written to a temporary file in the target folder,
//! synced, renamed into place and the folder synced, so a USB stick pulled out mid-write
//! leaves either no file or a whole one. The `exports` table logs every file.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::{NaiveDate, SecondsFormat};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use age::x25519::Recipient;

use super::encryption;
use super::records;
use super::wire::{self, FORMAT, FORMAT_VERSION, Header, Period, Record, Trailer, sha256_hex};
use crate::store::settings;
use crate::{Error, Now, Result, Store, cases, codebook, desk, files, ids, register};

/// Which records an export takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Selection {
    /// Everything changed since the last export (the default).
    SinceLast,
    /// Every record dated from `from` to `to`, both included.
    Range { from: NaiveDate, to: NaiveDate },
}

/// What an export wrote, as logged in `exports`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportSummary {
    pub export_id: String,
    pub desk: String,
    pub sequence: i64,
    pub created_at: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub record_count: i64,
    pub sha256: String,
    pub path: PathBuf,
}

/// Own records not exported yet, for the status line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pending {
    /// Own records changed since the last export.
    pub records: i64,
    /// Of those, the ones dated before `today`: the warning of the status line.
    pub older_than_today: i64,
    /// The earliest date among them.
    pub oldest: Option<NaiveDate>,
    /// The last export, if any.
    pub last_export: Option<ExportSummary>,
}

/// One record line with what the export needs to know about it.
struct Line {
    record: Record,
    dates: Vec<NaiveDate>,
    change_seq: Option<i64>,
}

impl Line {
    /// The dates a line adds to a since-last period: an access's `date`, a case's
    /// `opened_on` and, once closed, its `closed_on`.
    fn new(record: Record, change_seq: Option<i64>) -> Line {
        let dates = match &record {
            Record::Access(a) => vec![a.date],
            Record::Case(c) => [Some(c.opened_on), c.closed()]
                .into_iter()
                .flatten()
                .collect(),
        };
        Line {
            record,
            dates,
            change_seq,
        }
    }
}

fn date(s: &str) -> Result<NaiveDate> {
    s.parse()
        .map_err(|_| Error::invalid("date", format!("'{s}' is not a YYYY-MM-DD date")))
}

/// The highest `change_seq` covered by an earlier export of `desk` (0 when none).
fn last_mark(conn: &Connection, desk: &str) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT COALESCE(MAX(up_to_change), 0) FROM exports WHERE desk = ?1",
        [desk],
        |r| r.get(0),
    )?)
}

/// The record lines `selection` takes from this desk's records, accesses first, each
/// as it leaves (a tombstone reduced to the contract's fields).
fn record_lines(
    conn: &Connection,
    desk: &str,
    selection: Selection,
    mark: i64,
) -> Result<Vec<Line>> {
    let (accesses, cases) = match selection {
        Selection::SinceLast => (
            register::stored::changed_since(conn, desk, mark)?,
            cases::stored::changed_since(conn, desk, mark)?,
        ),
        Selection::Range { from, to } => (
            register::stored::dated(conn, desk, from, to)?,
            cases::stored::dated(conn, desk, from, to)?,
        ),
    };
    let mut lines = Vec::with_capacity(accesses.len() + cases.len());
    for a in accesses {
        let change_seq = a.change_seq;
        let record = records::exported(Record::Access(records::access_line(a)));
        lines.push(Line::new(record, change_seq));
    }
    for c in cases {
        let change_seq = c.change_seq;
        let record = records::exported(Record::Case(records::case_line(c)));
        lines.push(Line::new(record, change_seq));
    }
    Ok(lines)
}

/// The file name of the contract: `sportello-<DESK>-<FROM>_<TO>-<8 hex>.jsonl`.
///
/// The 8 hex digits are the last ones of the export id, which are random (UUIDv4, and
/// the random part of the UUIDv7s older versions wrote), so two exports of the same
/// period never share a name.
pub fn file_name(desk: &str, from: NaiveDate, to: NaiveDate, export_id: &str) -> String {
    let hex: String = export_id.chars().filter(char::is_ascii_hexdigit).collect();
    let tail = &hex[hex.len().saturating_sub(8)..];
    format!("sportello-{desk}-{from}_{to}-{tail}.jsonl")
}

/// Builds the bytes of an export file: header, `lines`, trailer; and the SHA-256 the
/// trailer carries (of every byte before it).
fn render(header: &Header, lines: &[Line]) -> Result<(Vec<u8>, String)> {
    let mut out = Vec::new();
    wire::write_line(&mut out, header)?;
    for line in lines {
        wire::write_line(&mut out, &line.record)?;
    }
    let sha256 = sha256_hex(&out);
    let trailer = Trailer {
        count: lines.len() as i64,
        sha256: sha256.clone(),
    };
    wire::write_line(&mut out, &trailer)?;
    Ok((out, sha256))
}

/// Writes one export file of this desk's records into `dir`, logs it in `exports` and
/// returns what was written. `now` stamps the header (its UTC instant) and gives the
/// period of an empty since-last export (its local day).
pub fn export(
    conn: &mut Connection,
    selection: Selection,
    dir: &Path,
    now: Now,
) -> Result<ExportSummary> {
    export_as(conn, selection, dir, now, ids::new_id(), None)
}

/// [`export`], encrypted to `recipient` (the coordinator's public key): the file is
/// written as `<name>.jsonl.age`, a standard age file whose plaintext is the export
/// file; no plain copy is ever written. The log and the summary describe the plain
/// file (its trailer's SHA-256), with the encrypted file's path.
pub fn export_encrypted(
    conn: &mut Connection,
    selection: Selection,
    dir: &Path,
    now: Now,
    recipient: &Recipient,
) -> Result<ExportSummary> {
    export_as(conn, selection, dir, now, ids::new_id(), Some(recipient))
}

/// [`export`] as this desk sends it: encrypted to `recipient` when one is given, else
/// to the recipient set in the settings ([`encryption::recipient`]), else plain.
pub fn export_for_coordinator(
    conn: &mut Connection,
    selection: Selection,
    dir: &Path,
    now: Now,
    recipient: Option<&Recipient>,
) -> Result<ExportSummary> {
    let set = match recipient {
        Some(_) => None,
        None => encryption::recipient(conn)?
            .map(|r| encryption::parse_recipient(&r))
            .transpose()?,
    };
    match recipient.or(set.as_ref()) {
        Some(r) => export_encrypted(conn, selection, dir, now, r),
        None => export(conn, selection, dir, now),
    }
}

/// [`export`] under a given export id: the id is the only random part of a file, so a
/// test that pins a file byte for byte chooses it.
pub(crate) fn export_as(
    conn: &mut Connection,
    selection: Selection,
    dir: &Path,
    now: Now,
    export_id: String,
    recipient: Option<&Recipient>,
) -> Result<ExportSummary> {
    crate::demo::refuse_in_demo(conn, "export")?;
    let today = now.today();
    if let Selection::Range { from, to } = selection
        && from > to
    {
        return Err(Error::invalid(
            "period",
            format!("the period starts ({from}) after it ends ({to})"),
        ));
    }
    if !dir.is_dir() {
        return Err(Error::invalid(
            "out",
            format!(
                "{} is not a folder: choose an existing folder (a USB stick or a synced folder)",
                dir.display()
            ),
        ));
    }
    let desk = desk::own_code(conn)?;
    // One immediate (write) transaction: the records read, the sequence taken and the
    // log row agree even if the app writes an access meanwhile, and a concurrent writer
    // makes this wait (busy timeout) instead of failing on a stale read snapshot.
    let tx = conn.transaction()?;
    let mark = last_mark(&tx, &desk)?;
    let lines = record_lines(&tx, &desk, selection, mark)?;
    let (from, to) = match selection {
        Selection::Range { from, to } => (from, to),
        Selection::SinceLast => {
            let all = lines.iter().flat_map(|l| l.dates.iter().copied());
            let min = all.clone().min().unwrap_or(today);
            let max = all.max().unwrap_or(today);
            (min, max)
        }
    };
    let up_to_change = match selection {
        Selection::SinceLast => lines
            .iter()
            .filter_map(|l| l.change_seq)
            .max()
            .unwrap_or(mark)
            .max(mark),
        Selection::Range { .. } => mark,
    };
    let sequence: i64 = tx.query_row(
        "SELECT COALESCE(MAX(sequence), 0) + 1 FROM exports WHERE desk = ?1",
        [&desk],
        |r| r.get(0),
    )?;
    let created_at = now.utc().to_rfc3339_opts(SecondsFormat::Secs, false);
    let header = Header {
        format: FORMAT.to_string(),
        format_version: FORMAT_VERSION,
        export_id: export_id.clone(),
        desk: desk.clone(),
        sequence,
        created_at: created_at.clone(),
        period: Period { from, to },
        codebook_version: codebook::version(&tx)?,
    };
    let (bytes, sha) = render(&header, &lines)?;
    let name = file_name(&desk, from, to, &export_id);
    let path = match recipient {
        Some(r) => {
            let sealed = encryption::encrypt(r, &bytes)?;
            files::write_atomically(dir, &format!("{name}{}", encryption::SUFFIX), &sealed)?
        }
        None => files::write_atomically(dir, &name, &bytes)?,
    };
    let logged = tx.execute(
        "INSERT INTO exports (export_id, desk, sequence, created_at, period_from, period_to,
                              record_count, sha256, path, up_to_change)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            export_id,
            desk,
            sequence,
            created_at,
            from.to_string(),
            to.to_string(),
            lines.len() as i64,
            sha,
            path.to_string_lossy(),
            up_to_change
        ],
    );
    if let Err(e) = logged.map_err(Error::from).and_then(|_| Ok(tx.commit()?)) {
        // an unlogged file would reuse its sequence number next time: take it back
        let _ = fs::remove_file(&path);
        return Err(e);
    }
    Ok(ExportSummary {
        export_id,
        desk,
        sequence,
        created_at,
        period_from: from,
        period_to: to,
        record_count: lines.len() as i64,
        sha256: sha,
        path,
    })
}

fn summary_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<ExportSummaryRow> {
    Ok(ExportSummaryRow {
        export_id: r.get(0)?,
        desk: r.get(1)?,
        sequence: r.get(2)?,
        created_at: r.get(3)?,
        period_from: r.get(4)?,
        period_to: r.get(5)?,
        record_count: r.get(6)?,
        sha256: r.get(7)?,
        path: r.get(8)?,
    })
}

struct ExportSummaryRow {
    export_id: String,
    desk: String,
    sequence: i64,
    created_at: String,
    period_from: String,
    period_to: String,
    record_count: i64,
    sha256: String,
    path: String,
}

impl ExportSummaryRow {
    fn into_summary(self) -> Result<ExportSummary> {
        Ok(ExportSummary {
            period_from: date(&self.period_from)?,
            period_to: date(&self.period_to)?,
            export_id: self.export_id,
            desk: self.desk,
            sequence: self.sequence,
            created_at: self.created_at,
            record_count: self.record_count,
            sha256: self.sha256,
            path: PathBuf::from(self.path),
        })
    }
}

/// This desk's exports, newest first.
pub fn history(conn: &Connection, limit: usize) -> Result<Vec<ExportSummary>> {
    let desk = desk::own_code(conn)?;
    let mut stmt = conn.prepare(
        "SELECT export_id, desk, sequence, created_at, period_from, period_to, record_count,
                sha256, path
         FROM exports WHERE desk = ?1 ORDER BY sequence DESC LIMIT ?2",
    )?;
    let rows = stmt
        .query_map(params![desk, limit as i64], summary_from_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(ExportSummaryRow::into_summary)
        .collect()
}

/// The sequence number of every logged export, by its file's name: the outbox delivers
/// its files in this order, whatever their names.
pub fn sequences_by_file_name(conn: &Connection) -> Result<BTreeMap<String, i64>> {
    let mut stmt = conn.prepare("SELECT path, sequence FROM exports")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let mut by_name = BTreeMap::new();
    for row in rows {
        let (path, sequence) = row?;
        if let Some(name) = Path::new(&path).file_name() {
            by_name.insert(name.to_string_lossy().into_owned(), sequence);
        }
    }
    Ok(by_name)
}

/// Own records not exported yet: how many, how many dated before `today`, the oldest.
pub fn pending(conn: &Connection, today: NaiveDate) -> Result<Pending> {
    let desk = desk::own_code(conn)?;
    let mark = last_mark(conn, &desk)?;
    let mut dates: BTreeMap<NaiveDate, i64> = BTreeMap::new();
    let accesses = register::stored::count_changed_since(conn, &desk, mark)?;
    let cases = cases::stored::count_changed_since(conn, &desk, mark)?;
    for (day, n) in accesses.into_iter().chain(cases) {
        *dates.entry(day).or_default() += n;
    }
    Ok(Pending {
        records: dates.values().sum(),
        older_than_today: dates.range(..today).map(|(_, n)| n).sum(),
        oldest: dates.keys().next().copied(),
        last_export: history(conn, 1)?.into_iter().next(),
    })
}

/// The setting that remembers the export folder (a USB stick, a synced folder).
pub const FOLDER_SETTING: &str = "export_folder";

/// [`export`] into `dir`, remembering `dir` as the export folder for next time;
/// encrypted when this desk has the coordinator's recipient set.
pub fn export_to_folder(
    store: &mut Store,
    selection: Selection,
    dir: &Path,
    now: Now,
) -> Result<ExportSummary> {
    let summary = export_for_coordinator(store.conn_mut(), selection, dir, now, None)?;
    settings::set(store.conn(), FOLDER_SETTING, &dir.to_string_lossy())?;
    Ok(summary)
}

/// What the export screen shows: the remembered folder and what is not exported yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    pub folder: Option<String>,
    pub pending: Pending,
}

/// The export screen's status on `today`.
pub fn status(store: &Store, today: NaiveDate) -> Result<Status> {
    Ok(Status {
        folder: settings::get(store.conn(), FOLDER_SETTING)?,
        pending: pending(store.conn(), today)?,
    })
}
