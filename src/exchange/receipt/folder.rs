//! Receipts read from files: one chosen by hand, or those of this desk in a folder (the
//! destination the desk delivers to, where the coordinator leaves them).

use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::wire::MAX_RECEIPT_BYTES;
use super::{Receipt, Taken, parse, take};
use crate::exchange::import::{Rejection, RejectionKind, err};
use crate::{Error, Result, desk};

/// What became of one receipt file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadReceipt {
    pub file: String,
    /// When the coordinator wrote it, if it could be read.
    pub created_at: Option<String>,
    /// What taking it did (`newer` false: an older or the same receipt, nothing changed).
    pub taken: Option<Taken>,
    /// Why it was refused: nothing of it was taken.
    pub rejection: Option<Rejection>,
}

/// The receipts of `desk` in `dir`: `sportello-receipt-<DESK>-*.jsonl`, in name order.
pub fn receipt_files(dir: &Path, desk: &str) -> Result<Vec<PathBuf>> {
    let prefix = format!("sportello-receipt-{desk}-");
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_file()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with(&prefix) && n.ends_with(".jsonl"))
        })
        .collect();
    found.sort();
    Ok(found)
}

fn read(path: &Path) -> std::result::Result<Receipt, Rejection> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_RECEIPT_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| {
            err(
                RejectionKind::Unreadable,
                None,
                None,
                format!("cannot be read: {e}"),
            )
        })?;
    parse(&bytes)
}

/// Reads and takes receipts: files as given, folders expanded to this desk's receipts.
/// The readable ones are taken oldest first (by `created_at`), so the newest wins; a
/// receipt for another desk is refused (`bad_desk`). One entry per file.
pub fn read_paths(
    conn: &mut Connection,
    paths: &[PathBuf],
    operator: &str,
    now: DateTime<Utc>,
) -> Result<Vec<ReadReceipt>> {
    let own = desk::own_code(conn)?;
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            files.extend(receipt_files(p, &own)?);
        } else {
            files.push(p.clone());
        }
    }
    let mut read_ok = Vec::new();
    let mut out = Vec::new();
    for path in files {
        let file = path.display().to_string();
        match read(&path) {
            Ok(r) if r.header.desk != own => out.push(ReadReceipt {
                file,
                created_at: Some(r.header.created_at.clone()),
                taken: None,
                rejection: Some(err(
                    RejectionKind::BadDesk,
                    Some(1),
                    Some("desk"),
                    format!(
                        "this receipt is for desk {}, this is desk {own}",
                        r.header.desk
                    ),
                )),
            }),
            Ok(r) => read_ok.push((file, r)),
            Err(rejection) => out.push(ReadReceipt {
                file,
                created_at: None,
                taken: None,
                rejection: Some(rejection),
            }),
        }
    }
    read_ok.sort_by_key(|(_, r)| DateTime::parse_from_rfc3339(&r.header.created_at).ok());
    for (file, r) in read_ok {
        // a receipt the database refuses (a code this codebook cannot take) is rolled
        // back whole and named; the others are still taken
        let (taken, rejection) = match take(conn, &r, operator, now) {
            Ok(t) => (Some(t), None),
            Err(e) => (
                None,
                Some(err(
                    RejectionKind::NotStored,
                    None,
                    None,
                    format!("not taken: {e}"),
                )),
            ),
        };
        out.push(ReadReceipt {
            file,
            created_at: Some(r.header.created_at),
            taken,
            rejection,
        });
    }
    Ok(out)
}
