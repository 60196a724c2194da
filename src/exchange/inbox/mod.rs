//! The coordinator's inbox: the folders the desks deliver their export files to (one
//! for all desks, or one per desk), looked at for new files, planned as a dry run, and
//! imported once the coordinator confirms them.
//!
//! - [`scan`]: lists the export files (`*.jsonl`, `*.jsonl.age`) of every inbox folder,
//!   leaves out those seen before (a file whose bytes, or decrypted bytes, were logged
//!   as imported or already imported; a file whose export id was imported; a file
//!   refused before and refused the same way again) and this installation's own files,
//!   and plans the rest as [`import::plan_with`] does: the [`Scan`] is what the
//!   coordinator looks at. It stores nothing.
//! - [`confirm`]: imports the files the coordinator chose, each atomically as
//!   [`import::apply_decrypting`] does, then writes the desks' receipts into the return
//!   folder. A file of a desk never seen here ([`FileReport::new_desk`]) is imported
//!   only when that desk is among the confirmed ones: otherwise it is held back
//!   ([`RejectionKind::NewDesk`]), nothing stored or logged, and offered again.
//!
//! The app scans at start, on demand and every few minutes (`src-tauri/src/inbox.rs`);
//! `sportello inbox` scans and imports from the command line or a scheduled job.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::exchange::import::{
    self, Decryption, FileReport, ImportPlan, Outcome, RejectionKind, err,
};
use crate::exchange::receipt;
use crate::exchange::wire::sha256_hex;
use crate::store::settings;
use crate::{Error, Result, desk};

mod seen;

pub use seen::plans_reused;

/// The setting that holds the inbox folders, as a JSON list of paths.
pub const FOLDERS_SETTING: &str = "inbox.folders";

/// The inbox folders set, in the order set (none when the setting is absent).
pub fn folders(conn: &Connection) -> Result<Vec<PathBuf>> {
    Ok(match settings::get(conn, FOLDERS_SETTING)? {
        Some(json) if !json.is_empty() => serde_json::from_str::<Vec<String>>(&json)?
            .into_iter()
            .map(PathBuf::from)
            .collect(),
        _ => vec![],
    })
}

/// Sets the inbox folders (each must be a folder that exists; none clears the setting).
/// A folder given twice is kept once.
pub fn set_folders(conn: &Connection, dirs: &[PathBuf]) -> Result<()> {
    let mut kept: Vec<String> = Vec::new();
    for dir in dirs {
        if !dir.is_dir() {
            return Err(Error::invalid(
                "folder",
                format!("{} is not a folder: create it first", dir.display()),
            ));
        }
        let dir = dir.to_string_lossy().into_owned();
        if !kept.contains(&dir) {
            kept.push(dir);
        }
    }
    settings::set(conn, FOLDERS_SETTING, &serde_json::to_string(&kept)?)
}

/// One inbox folder as the scan found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FolderState {
    pub folder: PathBuf,
    /// The export files found in it, new or not.
    pub files: usize,
    /// Why it could not be read (unplugged, not shared any more); `None` when read.
    pub error: Option<String>,
}

/// What the inbox holds: the new files' plan, and what was left out.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Scan {
    pub folders: Vec<FolderState>,
    /// The plan of the new files, as a dry run shows it (each desk's files in export
    /// order). The closed years' figures are weighed by the report
    /// (`report::closing::plan_inbox`).
    pub plan: ImportPlan,
    /// Files seen before and not offered again: imported, already imported, or
    /// refused the same way before.
    pub known: usize,
    /// Files of this installation's own desk (its own outbox may deliver to the same
    /// shared folder): never offered.
    pub own: usize,
}

impl Scan {
    /// The files the "import all" key takes: those that would be imported with no
    /// conflict, no closed year changed and no new desk to confirm. A rejected file is
    /// never among them: it is confirmed one by one (its refusal is then logged and
    /// told to the desk in its receipt).
    pub fn clean_files(&self) -> Vec<PathBuf> {
        self.plan
            .files
            .iter()
            .filter(|f| is_clean(&f.report))
            .map(|f| f.path.clone())
            .collect()
    }
}

/// Whether a planned file needs no decision: imported as it is, with nothing to weigh.
pub fn is_clean(r: &FileReport) -> bool {
    r.outcome == Outcome::Imported
        && r.conflicts.is_empty()
        && r.closed_years.is_empty()
        && !r.new_desk
        && r.sequence_taken_by.is_none()
}

/// Whether a file found in a folder may be an export: `*.jsonl` or `*.jsonl.age`, not
/// hidden (a copy in progress: the outbox and cloud clients write hidden temporary
/// files), not a receipt.
fn is_candidate(path: &Path) -> bool {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy()) else {
        return false;
    };
    (name.ends_with(".jsonl") || name.ends_with(".jsonl.age"))
        && !name.starts_with('.')
        && !name.starts_with("sportello-receipt-")
}

/// The export files of `dir`, by name.
fn list(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| is_candidate(p) && p.is_file())
        .collect();
    found.sort();
    Ok(found)
}

/// What the import log says of a file's bytes: outcomes by SHA-256 (the bytes read,
/// or the plain bytes of an imported encrypted file), and the kinds of the refusals.
/// The one query of the inbox on the importer's log: it only reads it.
struct Logged {
    taken: HashSet<String>,
    refused: HashMap<String, HashSet<String>>,
}

fn logged(conn: &Connection) -> Result<Logged> {
    let mut taken = HashSet::new();
    let mut refused: HashMap<String, HashSet<String>> = HashMap::new();
    let mut stmt = conn.prepare("SELECT file_sha256, outcome, rejection FROM imports")?;
    let mut rows = stmt.query([])?;
    while let Some(row) = rows.next()? {
        let sha: String = row.get(0)?;
        let outcome: String = row.get(1)?;
        if outcome == "rejected" {
            let kind: Option<String> = row.get(2)?;
            refused
                .entry(sha)
                .or_default()
                .insert(kind.unwrap_or_default());
        } else {
            taken.insert(sha);
        }
    }
    Ok(Logged { taken, refused })
}

/// Looks at every inbox folder and plans the files not seen before (see the module's
/// documentation). Stores nothing. A folder that cannot be read is named in
/// [`Scan::folders`], not an error.
pub fn scan(conn: &Connection, keys: &Decryption) -> Result<Scan> {
    let logged = logged(conn)?;
    let keys_id = keys.fingerprint();
    let mut out = Scan::default();
    let mut candidates = Vec::new();
    for dir in folders(conn)? {
        let files = match list(&dir) {
            Ok(files) => files,
            Err(e) => {
                out.folders.push(FolderState {
                    folder: dir,
                    files: 0,
                    error: Some(e.to_string()),
                });
                continue;
            }
        };
        out.folders.push(FolderState {
            folder: dir,
            files: files.len(),
            error: None,
        });
        for path in files {
            // unreadable or too large: the plan says so
            let Ok(bytes) = import::read_limited(&path) else {
                candidates.push((path, None));
                continue;
            };
            let sha = sha256_hex(&bytes);
            if logged.taken.contains(&sha) {
                out.known += 1;
                continue;
            }
            // an encrypted file is logged by its plain bytes when imported
            if seen::plain_sha(bytes, &sha, keys, &keys_id)
                .is_some_and(|plain| logged.taken.contains(&plain))
            {
                out.known += 1;
                continue;
            }
            candidates.push((path, Some(sha)));
        }
    }
    if candidates.is_empty() {
        return Ok(out);
    }
    let own = desk::own_code(conn).ok();
    let plan = seen::plan(conn, candidates, keys, &keys_id)?;
    for file in plan.files {
        let r = &file.report;
        let kind = r.rejection.as_ref().map(|r| r.kind);
        if kind == Some(RejectionKind::OwnDesk) || (r.desk.is_some() && r.desk == own) {
            out.own += 1;
            continue;
        }
        let refused_alike = kind.is_some_and(|k| {
            logged
                .refused
                .get(&file.sha256)
                .is_some_and(|kinds| kinds.contains(&k.code()))
        });
        if r.outcome == Outcome::AlreadyImported || refused_alike {
            out.known += 1;
            continue;
        }
        out.plan.files.push(file);
    }
    Ok(out)
}

/// What confirming files did: one report per file chosen (imported, rejected, or held
/// back for a new desk or a closed year not confirmed), and the receipts written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmed {
    pub reports: Vec<FileReport>,
    pub receipts: Vec<PathBuf>,
    /// Why the receipts could not be written (the import stands).
    pub receipt_error: Option<String>,
}

/// What the coordinator confirmed: which files of the plan, the new desks it agrees to
/// register, and the closed years it agrees to reopen.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    /// The files to import (paths as in the plan); the others are left for later.
    pub files: Vec<PathBuf>,
    #[serde(default)]
    pub new_desks: Vec<String>,
    #[serde(default)]
    pub reopen_years: Vec<i32>,
}

/// Imports the files of `plan` that `confirmation` names, in the plan's order, each in
/// its own transaction ([`import::apply_decrypting`]: a file changed since the scan, or
/// planned over records that changed since, is refused with nothing stored), then
/// writes one receipt per desk into the return folder, when one is set. A file of a
/// desk never seen here whose desk is not confirmed is held back, with nothing stored
/// or logged.
pub fn confirm(
    conn: &mut Connection,
    plan: &ImportPlan,
    confirmation: &Confirmation,
    keys: &Decryption,
    now: DateTime<Utc>,
    new_id: impl Fn() -> String,
) -> Result<Confirmed> {
    let chosen: Vec<_> = plan
        .files
        .iter()
        .filter(|f| confirmation.files.contains(&f.path))
        .collect();
    let mut to_apply = ImportPlan::default();
    let mut held = Vec::new();
    for (index, file) in chosen.iter().enumerate() {
        let r = &file.report;
        let unconfirmed_desk = r.new_desk
            && r.outcome == Outcome::Imported
            && !r
                .desk
                .as_ref()
                .is_some_and(|d| confirmation.new_desks.contains(d));
        if unconfirmed_desk {
            held.push((index, held_new_desk(r)));
        } else {
            to_apply.files.push((*file).clone());
        }
    }
    let applied = import::apply_decrypting(conn, &to_apply, &confirmation.reopen_years, now, keys)?;
    let (receipts, receipt_error) = match receipt::write_after_import(conn, &applied, now, new_id) {
        Ok(paths) => (paths, None),
        Err(e) => (vec![], Some(e.to_string())),
    };
    // the reports back in the plan's order
    let mut applied = applied.into_iter();
    let mut reports = Vec::with_capacity(chosen.len());
    let mut held = held.into_iter().peekable();
    for index in 0..chosen.len() {
        match held.peek() {
            Some((i, _)) if *i == index => reports.extend(held.next().map(|(_, r)| r)),
            _ => reports.extend(applied.next()),
        }
    }
    Ok(Confirmed {
        reports,
        receipts,
        receipt_error,
    })
}

/// The report of a file held back because its desk is new here and not confirmed.
fn held_new_desk(planned: &FileReport) -> FileReport {
    let desk = planned.desk.clone().unwrap_or_default();
    let message = format!(
        "{}: desk {desk} was never seen here: nothing imported; confirm the new desk \
         (in the app, or sportello inbox --accept-new-desk {desk})",
        planned.file
    );
    let mut report = FileReport::rejected(
        &planned.file,
        err(
            RejectionKind::NewDesk,
            Some(1),
            Some("desk"),
            message.clone(),
        ),
        None,
    );
    report.message = message;
    report.export_id = planned.export_id.clone();
    report.desk = planned.desk.clone();
    report.sequence = planned.sequence;
    report.encrypted = planned.encrypted;
    report.new_desk = true;
    report
}
