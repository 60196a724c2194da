//! Checks of a parsed file against this database: every code in the codebook, not this
//! installation's own desk, not an export imported before (or an altered copy of one).

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};

use super::{ExportFile, FileReport, Outcome, Rejection, RejectionKind, UnknownCode, err, parse};
use crate::codebook::{Codebook, List};
use crate::exchange::wire::Record;
use crate::{Result, desk};

use RejectionKind as K;

/// Checks every code of `file` against `codebook` (active or retired entries); the
/// error names every unknown code with its line.
pub fn check_codes(file: &ExportFile, codebook: &Codebook) -> Result<(), Rejection> {
    let mut unknown: Vec<UnknownCode> = Vec::new();
    let mut check = |line: usize, list: List, field: &str, code: &Option<String>| {
        if let Some(code) = code
            && codebook.entry(list, code).is_none()
        {
            unknown.push(UnknownCode {
                line,
                field: field.to_string(),
                code: code.clone(),
            });
        }
    };
    for (line, record) in &file.records {
        match record {
            Record::Access(a) => {
                check(*line, List::Channel, "channel", &a.channel);
                check(*line, List::Nationality, "nationality", &a.nationality);
                check(*line, List::Sex, "sex", &a.sex);
                check(*line, List::AgeBand, "age_band", &a.age_band);
                check(*line, List::ReferredBy, "referred_by", &a.referred_by);
                check(*line, List::Permit, "permit", &a.permit);
                for code in a.reasons.iter().flatten() {
                    check(*line, List::Reason, "reasons", &Some(code.clone()));
                }
                for code in a.actions.iter().flatten() {
                    check(*line, List::Action, "actions", &Some(code.clone()));
                }
            }
            Record::Case(c) => check(*line, List::Reason, "reason", &c.reason),
        }
    }
    if unknown.is_empty() {
        return Ok(());
    }
    let more = if unknown.len() > 20 {
        format!(" and {} more", unknown.len() - 20)
    } else {
        String::new()
    };
    let listed: Vec<String> = unknown
        .iter()
        .take(20)
        .map(|u| format!("{} '{}' (line {})", u.field, u.code, u.line))
        .collect();
    let mut rejection = err(
        K::UnknownCodes,
        None,
        None,
        format!(
            "codes not in this codebook: {}{more}; add them to the codebook (sportello codebook add) \
             or ask the desk which codes it meant",
            listed.join(", ")
        ),
    );
    rejection.codes = unknown;
    Err(rejection)
}

/// Everything decided before the records: the parsed file to plan, or the report to give.
pub(super) enum Checked {
    Apply(Box<ExportFile>),
    Done(Box<FileReport>),
}

/// Parses `bytes` and checks the file as a whole. `batch` maps the export ids planned
/// for import earlier in the same batch to their file's SHA-256: the plan sees them as
/// imported already, as the import itself will.
pub(super) fn check(
    conn: &Connection,
    name: &str,
    bytes: &[u8],
    codebook: &Codebook,
    batch: &HashMap<String, String>,
) -> Result<Checked> {
    let file = match parse(bytes) {
        Ok(f) => f,
        Err(e) => {
            return Ok(Checked::Done(Box::new(FileReport::rejected(name, e, None))));
        }
    };
    let h = &file.header;
    if let Ok(own) = desk::own_code(conn)
        && own == h.desk
    {
        return Ok(Checked::Done(Box::new(FileReport::rejected(
            name,
            err(
                K::OwnDesk,
                None,
                None,
                format!(
                    "this file was exported by this installation's own desk ({own}): its records are here already"
                ),
            ),
            Some(h),
        ))));
    }
    let earlier: Option<String> = match batch.get(&h.export_id) {
        Some(sha) => Some(sha.clone()),
        None => conn
            .query_row(
                "SELECT file_sha256 FROM imports WHERE export_id = ?1 AND outcome = 'imported'",
                [&h.export_id],
                |r| r.get(0),
            )
            .optional()?,
    };
    if let Some(sha) = earlier {
        if sha != file.file_sha256 {
            return Ok(Checked::Done(Box::new(FileReport::rejected(
                name,
                err(
                    K::AlteredCopy,
                    None,
                    None,
                    format!(
                        "export {} was imported already from a different file: this copy was altered",
                        h.export_id
                    ),
                ),
                Some(h),
            ))));
        }
        let mut report = FileReport::rejected(
            name,
            err(
                K::AlteredCopy,
                None,
                None,
                "already imported: nothing changed",
            ),
            Some(h),
        );
        report.outcome = Outcome::AlreadyImported;
        report.rejection = None;
        report.unchanged = file.records.len();
        return Ok(Checked::Done(Box::new(report)));
    }
    if let Err(e) = check_codes(&file, codebook) {
        return Ok(Checked::Done(Box::new(FileReport::rejected(
            name,
            e,
            Some(h),
        ))));
    }
    Ok(Checked::Apply(Box::new(file)))
}
