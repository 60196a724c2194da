//! Checks of a parsed file against this database: every code in the codebook, not this
//! installation's own desk, not an export imported before (or an altered copy of one).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension};

use super::{ExportFile, FileReport, Outcome, Rejection, RejectionKind, UnknownCode, err, parse};
use foldhash::fast::RandomState;

use crate::codebook::{Codebook, List};
use crate::exchange::wire::Record;
use crate::{Result, desk};

use RejectionKind as K;

/// Checks every code of `file` against `codebook` (active or retired entries); the
/// error names every unknown code with its line.
pub fn check_codes(file: &ExportFile, codebook: &Codebook) -> Result<(), Rejection> {
    // every (list, code) of the codebook, for a lookup per code of the file
    let known: HashSet<(List, &str), RandomState> = List::ALL
        .iter()
        .flat_map(|&list| {
            codebook
                .lists
                .get(list)
                .iter()
                .map(move |e| (list, e.code.as_str()))
        })
        .collect();
    let mut unknown: Vec<UnknownCode> = Vec::new();
    let mut check = |line: usize, list: List, field: &str, code: Option<&String>| {
        if let Some(code) = code
            && !known.contains(&(list, code.as_str()))
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
                check(*line, List::Channel, "channel", a.channel.as_ref());
                check(
                    *line,
                    List::Nationality,
                    "nationality",
                    a.nationality.as_ref(),
                );
                check(*line, List::Sex, "sex", a.sex.as_ref());
                check(*line, List::AgeBand, "age_band", a.age_band.as_ref());
                check(
                    *line,
                    List::ReferredBy,
                    "referred_by",
                    a.referred_by.as_ref(),
                );
                check(*line, List::Permit, "permit", a.permit.as_ref());
                for code in a.reasons.iter().flatten() {
                    check(*line, List::Reason, "reasons", Some(code));
                }
                for code in a.actions.iter().flatten() {
                    check(*line, List::Action, "actions", Some(code));
                }
            }
            Record::Case(c) => check(*line, List::Reason, "reason", c.reason.as_ref()),
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
    Apply(Arc<ExportFile>),
    Done(Box<FileReport>),
}

/// The files the plan parsed and found good, by the SHA-256 of their (plain) bytes, for
/// applying the plan without parsing them again: parsing is a function of the bytes
/// alone, so the same bytes read the same. Bounded: [`PARSED_RECORDS`] records at most
/// (the older files dropped first), and applying takes its file out.
static PARSED: Mutex<Vec<(String, Arc<ExportFile>)>> = Mutex::new(Vec::new());

/// The most records [`PARSED`] holds, over all its files: a file of this size is about
/// 150 MB in memory, held from its preview until it is applied or another is planned.
const PARSED_RECORDS: usize = 250_000;

/// Keeps `file` (of bytes whose SHA-256 is `sha`) for [`check_again`].
fn keep_parsed(sha: String, file: &Arc<ExportFile>) {
    let Ok(mut parsed) = PARSED.lock() else {
        return;
    };
    parsed.retain(|(s, _)| *s != sha);
    parsed.push((sha, Arc::clone(file)));
    while parsed.iter().map(|(_, f)| f.records.len()).sum::<usize>() > PARSED_RECORDS {
        parsed.remove(0);
    }
}

/// The file kept by the plan for these bytes (of SHA-256 `sha`), taken out.
fn take_parsed(sha: &str) -> Option<Arc<ExportFile>> {
    let mut parsed = PARSED.lock().ok()?;
    let at = parsed.iter().position(|(s, _)| s == sha)?;
    Some(parsed.remove(at).1)
}

/// Parses `bytes` and checks the file as a whole. `batch` maps the export ids planned
/// for import earlier in the same batch to their file's SHA-256: the plan sees them as
/// imported already, as the import itself will. A file found good is kept for
/// [`check_again`].
pub(super) fn check(
    conn: &Connection,
    name: &str,
    bytes: &[u8],
    codebook: &Codebook,
    batch: &HashMap<String, String>,
) -> Result<Checked> {
    let checked = check_parsed(conn, name, parse(bytes), codebook, batch)?;
    if let Checked::Apply(file) = &checked {
        // the SHA-256 of the file as parsed is that of `bytes`
        keep_parsed(file.file_sha256.clone(), file);
    }
    Ok(checked)
}

/// [`check`], when applying a plan: the same checks, over the file the plan parsed
/// from these very bytes (of SHA-256 `sha`) when it kept it, else parsed again.
pub(super) fn check_again(
    conn: &Connection,
    name: &str,
    (bytes, sha): (&[u8], &str),
    codebook: &Codebook,
    batch: &HashMap<String, String>,
) -> Result<Checked> {
    let parsed = match take_parsed(sha) {
        Some(file) => Ok(file),
        None => parse(bytes).map(Arc::new),
    };
    check_parsed(conn, name, parsed, codebook, batch)
}

fn check_parsed(
    conn: &Connection,
    name: &str,
    parsed: std::result::Result<impl Into<Arc<ExportFile>>, Rejection>,
    codebook: &Codebook,
    batch: &HashMap<String, String>,
) -> Result<Checked> {
    let file: Arc<ExportFile> = match parsed {
        Ok(f) => f.into(),
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
    Ok(Checked::Apply(file))
}
