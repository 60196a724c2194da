//! The stored copies a plan compares its lines with: the accesses of a file read from
//! the database at once, and the records the batch's earlier files would write.

use std::collections::HashMap;

use rusqlite::Connection;

use super::{Fields, Overlay, Stored, access_fields, case_fields};
use crate::exchange::import::ExportFile;
use crate::exchange::records;
use crate::exchange::wire::Record;
use crate::register::stored::StoredAccess;
use crate::{Result, cases, register};

/// The stored accesses of `file`'s access lines, by id, read at once
/// ([`register::stored::by_ids`]): what [`stored`] finds in the database.
pub(super) fn stored_accesses(
    conn: &Connection,
    file: &ExportFile,
) -> Result<HashMap<String, StoredAccess>> {
    let ids: Vec<&str> = file
        .records
        .iter()
        .filter_map(|(_, r)| match r {
            Record::Access(a) => Some(a.id.as_str()),
            Record::Case(_) => None,
        })
        .collect();
    // the id moves into the key, and back when the access is taken ([`stored`])
    Ok(register::stored::by_ids(conn, &ids)?
        .into_iter()
        .map(|mut a| (std::mem::take(&mut a.id), a))
        .collect())
}

/// A stored copy as found: in the overlay (fields ready), or an access of the database
/// whose fields are made only when they are compared.
pub(super) enum Found {
    Stored(Stored),
    Access(Box<StoredAccess>),
}

impl Found {
    pub(super) fn desk(&self) -> &str {
        match self {
            Found::Stored(s) => &s.desk,
            Found::Access(a) => &a.desk,
        }
    }

    pub(super) fn revision(&self) -> i64 {
        match self {
            Found::Stored(s) => s.revision,
            Found::Access(a) => a.revision,
        }
    }

    /// The fields of the copy, for comparison.
    pub(super) fn fields(&self) -> Fields {
        match self {
            Found::Stored(s) => s.fields.clone(),
            Found::Access(a) => access_fields(&records::access_line((**a).clone())),
        }
    }

    /// Whether `line` is this very copy, field for field (then nothing differs).
    pub(super) fn is(&self, line: &Record) -> bool {
        match (self, line) {
            (Found::Access(a), Record::Access(l)) => records::is_access_line(a, l),
            _ => false,
        }
    }
}

/// The stored copy of `record`, as the overlay or else the database has it; the
/// database's accesses are those of `accesses` ([`stored_accesses`] of the file).
pub(super) fn stored(
    conn: &Connection,
    overlay: &Overlay,
    accesses: &mut HashMap<String, StoredAccess>,
    record: &Record,
) -> Result<Option<Found>> {
    if !overlay.records.is_empty()
        && let Some(s) = overlay
            .records
            .get(&(record.kind(), record.id().to_string()))
    {
        return Ok(Some(Found::Stored(s.clone())));
    }
    Ok(match record {
        Record::Access(a) => accesses.remove_entry(&a.id).map(|(id, mut a)| {
            a.id = id;
            Found::Access(Box::new(a))
        }),
        Record::Case(c) => cases::stored::by_id(conn, &c.id)?.map(|s| {
            Found::Stored(Stored {
                desk: s.desk.clone(),
                revision: s.revision,
                fields: case_fields(&records::case_line(s)),
            })
        }),
    })
}
