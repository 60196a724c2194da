//! The coordinator's side: a desk's receipt made from the import log, the codebook and
//! the appointment kinds, and written atomically into the return folder.

use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Timelike, Utc};
use rusqlite::Connection;

use super::wire::{
    CodeLine, ConflictLine, FORMAT, FORMAT_VERSION, FileLine, Header, KindLine, Sequences,
    ServiceLine,
};
use super::{Receipt, encode, file_name};
use crate::codebook::{self, List};
use crate::exchange::encryption::keys;
use crate::exchange::import::{self, Outcome, RejectionKind};
use crate::store::settings;
use crate::{Error, Result, appointments, cases, desk, files};

/// The setting that holds the coordinator's return folder: after each import, one
/// receipt per desk touched is written there.
pub const FOLDER_SETTING: &str = "receipts.folder";

/// The coordinator's public key, when its key pair is beside the database `conn` is
/// open on (none for a database in memory, or before `keys init`).
fn own_recipient(conn: &Connection) -> Result<Option<String>> {
    match conn.path().filter(|p| !p.is_empty()) {
        Some(db) => Ok(keys::show(Path::new(db))?.map(|pair| pair.recipient)),
        None => Ok(None),
    }
}

/// The receipt for `desk` as of now (format version 2): every file of it the
/// coordinator logged, the conflicts, the codebook, the appointment kinds and the case
/// services as they stand, and the coordinator's public key.
pub fn build(
    conn: &Connection,
    desk: &str,
    now: DateTime<Utc>,
    receipt_id: &str,
) -> Result<Receipt> {
    desk::validate_code(desk)?;
    let seq = import::sequences(conn)?
        .into_iter()
        .find(|d| d.desk == desk);
    let sequences = Sequences {
        received: seq.as_ref().map(|d| d.received.clone()).unwrap_or_default(),
        missing: seq.map(|d| d.missing).unwrap_or_default(),
    };
    let files = import::files_of(conn, desk)?
        .into_iter()
        .map(|f| {
            let outcome = match f.outcome.as_str() {
                "imported" => Outcome::Imported,
                "already_imported" => Outcome::AlreadyImported,
                _ => Outcome::Rejected,
            };
            let rejection = match outcome {
                Outcome::Rejected => f.rejection.as_deref().and_then(RejectionKind::from_code),
                _ => None,
            };
            FileLine {
                export_id: f.export_id,
                sequence: f.sequence,
                outcome,
                rejection,
            }
        })
        .collect();
    let mut conflicts = Vec::new();
    for (export_id, entity, id, revision, fields) in import::conflicts_of(conn, desk)? {
        conflicts.push(ConflictLine {
            export_id,
            entity,
            id,
            revision,
            fields: serde_json::from_str(&fields)?,
        });
    }
    let book = codebook::load(conn)?;
    let mut codes = Vec::new();
    for list in List::ALL {
        for e in book.lists.get(list) {
            codes.push(CodeLine {
                list: list.name().to_string(),
                code: e.code.clone(),
                label: e.label.clone(),
                label_en: e.label_en.clone(),
                active: e.active,
                group: e.group,
            });
        }
    }
    let kinds = appointments::kinds(conn)?
        .into_iter()
        .map(|k| KindLine {
            code: k.code,
            label: k.label_it,
            label_en: k.label_en,
            slot_minutes: i64::from(k.slot_minutes),
            active: k.active,
            documents: k.documents,
        })
        .collect();
    Ok(Receipt {
        header: Header {
            format: FORMAT.to_string(),
            format_version: FORMAT_VERSION,
            receipt_id: receipt_id.to_string(),
            desk: desk.to_string(),
            created_at: now.to_rfc3339_opts(SecondsFormat::Secs, false),
            coordinator: desk::own_code(conn)?,
            recipient: Some(own_recipient(conn)?),
        },
        sequences,
        files,
        conflicts,
        codebook_version: book.version,
        codes,
        kinds,
        services: cases::services::kinds(conn)?
            .into_iter()
            .map(|k| ServiceLine {
                code: k.code,
                label: k.label,
                label_en: k.label_en,
                active: k.active,
            })
            .collect(),
        file_sha256: String::new(),
    })
}

/// Writes the receipt for `desk` into `dir`, atomically, and returns its path.
pub fn write_to_folder(
    conn: &Connection,
    desk: &str,
    dir: &Path,
    now: DateTime<Utc>,
    receipt_id: &str,
) -> Result<PathBuf> {
    let receipt = build(conn, desk, stamp(conn, desk, now)?, receipt_id)?;
    files::write_atomically(dir, &file_name(&receipt), &encode(&receipt))
}

/// The time a new receipt for `desk` is written at: `now` in whole seconds, the spec's
/// precision, but always past the last one written for that desk. Two imports within
/// one second would otherwise give two receipts of the same time, and the desk takes a
/// receipt only when it is newer than the last it took.
fn stamp(conn: &Connection, desk: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let key = format!("receipt_written_at:{desk}");
    let now = now.with_nanosecond(0).unwrap_or(now);
    let last = settings::get(conn, &key)?
        .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
        .map(|t| t.with_timezone(&Utc));
    let at = match last {
        Some(last) if last >= now => last + chrono::TimeDelta::seconds(1),
        _ => now,
    };
    settings::set(conn, &key, &at.to_rfc3339_opts(SecondsFormat::Secs, false))?;
    Ok(at)
}

/// The return folder set for receipts, if any.
pub fn folder(conn: &Connection) -> Result<Option<PathBuf>> {
    Ok(settings::get(conn, FOLDER_SETTING)?
        .filter(|s| !s.is_empty())
        .map(PathBuf::from))
}

/// Sets the return folder (it must exist).
pub fn set_folder(conn: &Connection, dir: &Path) -> Result<()> {
    if !dir.is_dir() {
        return Err(Error::invalid(
            "folder",
            format!("{} is not a folder: create it first", dir.display()),
        ));
    }
    settings::set(conn, FOLDER_SETTING, &dir.to_string_lossy())
}

/// After an import: one receipt per desk the reports name into the return folder, when
/// one is set; the paths written. Files of no readable desk get no receipt.
pub fn write_after_import(
    conn: &Connection,
    reports: &[import::FileReport],
    now: DateTime<Utc>,
    new_id: impl Fn() -> String,
) -> Result<Vec<PathBuf>> {
    let Some(dir) = folder(conn)? else {
        return Ok(vec![]);
    };
    let mut desks: Vec<&str> = reports.iter().filter_map(|r| r.desk.as_deref()).collect();
    desks.sort_unstable();
    desks.dedup();
    desks
        .into_iter()
        .map(|d| write_to_folder(conn, d, &dir, now, &new_id()))
        .collect()
}
