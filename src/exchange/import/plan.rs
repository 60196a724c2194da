//! The import plan: what importing a batch of files would do, computed without writing.
//!
//! Each file is parsed and checked, then each of its records is compared with the stored
//! copy: new, updated (a higher revision), unchanged (a lower revision, or the same one
//! with the same content) or conflicting (the same revision with different content, or
//! an id of another desk). The files of one desk are planned in export order, and a
//! later file of the batch compares its records with what the earlier ones would write,
//! held in an in-memory overlay over the database: the plan of a batch is exactly what
//! applying it will do, and planning stores nothing. A file's report also names the
//! closed years its records would change, and how many of them.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::basis::{self, Basis};
use super::check::{Checked, check};
use super::closed;
use super::decrypt::{self, Decryption};
use super::{
    ConflictReport, ExportFile, FileReport, Outcome, Rejection, RejectionKind, err, expand_paths,
};
use crate::exchange::wire::{AccessLine, CaseLine, Record, sha256_hex};
use crate::register::stored::Replaced;
use crate::{Result, codebook, yearbook};

mod found;

use found::{Found, stored, stored_accesses};

/// What importing one record would do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// No record with this id is stored: it is added.
    New,
    /// The line has a higher revision: it replaces the stored record.
    Updated,
    /// The stored record is the same, or newer: nothing changes.
    Unchanged,
    /// The same revision with different content (or an id of another desk): the stored
    /// record is kept and the conflict logged.
    Conflict,
}

/// One record line of a planned file and what importing it would do.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PlannedRecord {
    /// `access` or `case`.
    pub record: String,
    pub id: String,
    pub revision: i64,
    /// The line number in the file (1-based, header included).
    pub line: usize,
    pub action: Action,
    /// For a conflict, the fields that differ from the stored copy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
}

/// One file of a plan: the report the preview shows (its fields at the top level, as the
/// interface reads them), the file it was made of, and what each record would do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedFile {
    #[serde(flatten)]
    pub report: FileReport,
    /// Where the file is read from again when the plan is applied.
    pub path: PathBuf,
    /// SHA-256 of the planned bytes; empty when the file could not be read.
    pub sha256: String,
    /// Every record line, in file order; empty unless the outcome is `imported`.
    pub records: Vec<PlannedRecord>,
}

/// What importing a batch of files would do, file by file, in the order they will be
/// applied (each desk's files by export sequence; unreadable files last). It serialises
/// as the list of its files.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ImportPlan {
    pub files: Vec<PlannedFile>,
}

impl ImportPlan {
    /// The per-file reports of the plan: what a dry run prints.
    pub fn reports(&self) -> Vec<FileReport> {
        self.files.iter().map(|f| f.report.clone()).collect()
    }
}

/// A stored record as the plan sees it: its desk, revision and fields.
#[derive(Clone)]
struct Stored {
    desk: String,
    revision: i64,
    fields: Fields,
}

/// What the files planned so far would write: records by (kind, id), and the export
/// ids they would log as imported, with their file's SHA-256.
#[derive(Default)]
pub(super) struct Overlay {
    records: HashMap<(&'static str, String), Stored>,
    pub(super) imported: HashMap<String, String>,
    /// The closed years, whose changes the plan notes.
    pub(super) closed: BTreeSet<i32>,
    /// Whether the records planned are kept for the files planned after (false for an
    /// overlay used once, by one file, as applying does).
    pub(super) remember: bool,
}

impl Overlay {
    /// An empty overlay that notes the changes of the `closed` years.
    pub(super) fn protecting(closed: BTreeSet<i32>) -> Overlay {
        Overlay {
            closed,
            remember: true,
            ..Overlay::default()
        }
    }

    /// [`Overlay::protecting`], for one file only: what it would write is not kept.
    pub(super) fn once(closed: BTreeSet<i32>) -> Overlay {
        Overlay {
            remember: false,
            ..Overlay::protecting(closed)
        }
    }
}

/// The stored copy of a record, field by field, for comparison with a line.
pub(super) type Fields = Vec<(&'static str, Option<String>)>;

fn access_fields(a: &AccessLine) -> Fields {
    let list = |v: &Option<Vec<String>>| {
        v.as_ref().map(|v| {
            let set: BTreeSet<&String> = v.iter().collect();
            set.into_iter().cloned().collect::<Vec<_>>().join(",")
        })
    };
    vec![
        ("deleted", Some(a.deleted.to_string())),
        ("date", Some(a.date.to_string())),
        ("hour", a.hour.map(|h| h.to_string())),
        ("channel", a.channel.clone()),
        ("nationality", a.nationality.clone()),
        ("sex", a.sex.clone()),
        ("age_band", a.age_band.clone()),
        ("first_access", a.first_access.map(|b| b.to_string())),
        ("referred_by", a.referred_by.clone()),
        ("reasons", list(&a.reasons)),
        ("permit", a.permit.clone()),
        ("actions", list(&a.actions)),
        ("accompaniment", a.accompaniment.map(|b| b.to_string())),
        ("mediation", a.mediation.map(|b| b.to_string())),
    ]
}

fn case_fields(c: &CaseLine) -> Fields {
    vec![
        ("deleted", Some(c.deleted.to_string())),
        ("case_type", c.case_type.map(|t| t.as_str().to_string())),
        ("opened_on", Some(c.opened_on.to_string())),
        ("closed_on", c.closed().map(|d| d.to_string())),
        ("reason", c.reason.clone()),
    ]
}

/// The fields that differ. A tombstone line compares only what it carries.
pub(super) fn differing(stored: &Fields, line: &Fields, line_deleted: bool) -> Vec<String> {
    stored
        .iter()
        .zip(line)
        .filter(|((_, s), (_, l))| !(line_deleted && l.is_none()) && s != l)
        .map(|((name, _), _)| name.to_string())
        .collect()
}

/// The fields of a record line.
fn line_fields(record: &Record) -> Fields {
    match record {
        Record::Access(a) => access_fields(a),
        Record::Case(c) => case_fields(c),
    }
}

/// What importing `record` (of `desk`) over the stored copy `stored` does, and for a
/// conflict the fields that differ. The fields are compared only at the same revision.
fn decide(stored: Option<&Found>, desk: &str, record: &Record) -> (Action, Vec<String>) {
    let (revision, deleted) = match record {
        Record::Access(a) => (a.revision, a.deleted),
        Record::Case(c) => (c.revision, c.deleted),
    };
    match stored {
        None => (Action::New, vec![]),
        // an id is one record of one desk: a clash across desks is never overwritten
        Some(s) if s.desk() != desk => (Action::Conflict, vec!["desk".into()]),
        Some(s) if s.revision() < revision => (Action::Updated, vec![]),
        Some(s) if s.revision() > revision => (Action::Unchanged, vec![]),
        Some(s) if s.is(record) => (Action::Unchanged, vec![]),
        Some(s) => {
            let diff = differing(&s.fields(), &line_fields(record), deleted);
            if diff.is_empty() {
                (Action::Unchanged, vec![])
            } else {
                (Action::Conflict, diff)
            }
        }
    }
}

/// The largest step a record's revision may take over the copy stored (or over 0 for a
/// new record): each correction adds 1, so a thousand more is a damaged or forged line,
/// and accepting it would make every later real revision of that record look old.
pub const MAX_REVISION_STEP: i64 = 1000;

/// The records of one planned file, and per closed year how many of them change it.
/// The planned records of a file, the closed years they change (how many records
/// each), and the stored versions of the accesses they update
/// ([`register::stored::Replaced`]) when every one of them was read in full.
pub(super) type PlannedRecords = (
    Vec<PlannedRecord>,
    BTreeMap<i32, usize>,
    Option<Vec<Replaced>>,
);

/// What importing each record of `file` would do over the database and `overlay`; the
/// records it would write are added to `overlay`. Also returns, per closed year of
/// `overlay`, how many of the records written would change it. A record whose revision
/// is more than [`MAX_REVISION_STEP`] above the stored one rejects the file, and then
/// nothing of it is added to `overlay`.
pub(super) fn plan_records(
    conn: &Connection,
    overlay: &mut Overlay,
    file: &ExportFile,
) -> Result<Result<PlannedRecords, Rejection>> {
    let desk = &file.header.desk;
    let mut out = Vec::with_capacity(file.records.len());
    let mut touched = BTreeMap::new();
    // written to the overlay once the whole file is planned (ids are unique in a file,
    // so no line of it reads another's entry)
    let mut writes = Vec::new();
    let mut accesses = stored_accesses(conn, file, overlay.closed.is_empty())?;
    let mut replaced = Some(Vec::new());
    for (place, (line, record)) in file.records.iter().enumerate() {
        let revision = match record {
            Record::Access(a) => a.revision,
            Record::Case(c) => c.revision,
        };
        let old = stored(conn, overlay, &mut accesses, (place, record))?;
        let base = old.as_ref().map_or(0, Found::revision);
        if revision - base > MAX_REVISION_STEP {
            let message = format!(
                "revision {revision} of {} {} is {} above the {} ({base}): a damaged or \
                 altered line; ask the desk to send the file again",
                record.kind(),
                record.id(),
                revision - base,
                if old.is_some() {
                    "copy stored here"
                } else {
                    "first one"
                },
            );
            return Ok(Err(err(
                RejectionKind::RevisionTooFar,
                Some(*line),
                Some("revision"),
                message,
            )));
        }
        let (action, differ) = decide(old.as_ref(), desk, record);
        if matches!(action, Action::New | Action::Updated) {
            // the fields are made only for what needs them: the closed years, and the
            // overlay that later files of the batch are planned over
            let fields =
                (!overlay.closed.is_empty() || overlay.remember).then(|| line_fields(record));
            if let Some(fields) = &fields
                && !overlay.closed.is_empty()
            {
                let old = old.as_ref().map(Found::fields);
                for year in closed::years_touched(record, old.as_ref(), fields, &overlay.closed) {
                    *touched.entry(year).or_default() += 1;
                }
            }
            if let Some(fields) = fields
                && overlay.remember
            {
                writes.push((
                    (record.kind(), record.id().to_string()),
                    Stored {
                        desk: desk.clone(),
                        revision,
                        fields,
                    },
                ));
            }
        }
        if action == Action::Updated && matches!(record, Record::Access(_)) {
            match (old, replaced.as_mut()) {
                (
                    Some(Found::Known {
                        replaced: Some(r), ..
                    }),
                    Some(all),
                ) => all.push(*r),
                _ => replaced = None,
            }
        }
        out.push(PlannedRecord {
            record: record.kind().to_string(),
            id: record.id().to_string(),
            revision,
            line: *line,
            action,
            fields: differ,
        });
    }
    overlay.records.extend(writes);
    Ok(Ok((out, touched, replaced)))
}

/// [`plan_records`] with a page cache sized for the file (`bytes`), so that the stored
/// copies of a large file's records are read from the database file once each.
fn plan_records_cached(
    conn: &Connection,
    overlay: &mut Overlay,
    file: &ExportFile,
    bytes: &[u8],
) -> Result<Result<PlannedRecords, Rejection>> {
    let before = super::large_cache(conn, bytes.len())?;
    let planned = plan_records(conn, overlay, file);
    let _ = conn.pragma_update(None, "cache_size", before);
    planned
}

/// The report of an imported file with these planned records.
pub(super) fn imported_report(
    name: &str,
    file: &ExportFile,
    records: &[PlannedRecord],
) -> FileReport {
    let h = &file.header;
    let count = |a: Action| records.iter().filter(|r| r.action == a).count();
    FileReport {
        file: name.to_string(),
        outcome: Outcome::Imported,
        message: String::new(),
        rejection: None,
        export_id: Some(h.export_id.clone()),
        desk: Some(h.desk.clone()),
        sequence: Some(h.sequence),
        new: count(Action::New),
        updated: count(Action::Updated),
        unchanged: count(Action::Unchanged),
        conflicts: records
            .iter()
            .filter(|r| r.action == Action::Conflict)
            .map(|r| ConflictReport {
                record: r.record.clone(),
                id: r.id.clone(),
                revision: r.revision,
                line: r.line,
                fields: r.fields.clone(),
            })
            .collect(),
        closed_years: vec![],
        sequence_taken_by: None,
        encrypted: false,
        new_desk: false,
    }
}

/// The plan of `files` (display name, bytes), stored nowhere, opening encrypted files
/// with the coordinator's own key ([`Decryption::of_database`]).
pub fn plan_files(conn: &Connection, files: &[(String, Vec<u8>)]) -> Result<ImportPlan> {
    plan_files_with(conn, files, &Decryption::of_database(conn)?)
}

/// A file's plain bytes (borrowed when it is plain), or why it cannot be opened.
type Opening<'a> = std::result::Result<Cow<'a, [u8]>, Rejection>;

/// The plan of `files` (display name, bytes), stored nowhere. An encrypted file is
/// decrypted with `keys` first ([`decrypt::open`]), and planned as the plain file it
/// holds; one that cannot be opened is rejected. Each desk's files are planned in export
/// order, whatever order they were picked or listed in: a folder sorts by name, and two
/// exports of one day share their period, so name order can put export 2 before export
/// 1. Files whose header cannot be read keep their place after the others.
pub fn plan_files_with(
    conn: &Connection,
    files: &[(String, Vec<u8>)],
    keys: &Decryption,
) -> Result<ImportPlan> {
    crate::demo::refuse_in_demo(conn, "import")?;
    let start = Basis::of(conn)?;
    let codebook = codebook::load(conn)?;
    // (name, the file as read, its plain bytes or why it cannot be opened)
    let mut ordered: Vec<(&str, &[u8], Opening<'_>)> = files
        .iter()
        .map(|(name, bytes)| {
            (
                name.as_str(),
                bytes.as_slice(),
                decrypt::open_slice(bytes, keys),
            )
        })
        .collect();
    ordered.sort_by_cached_key(|(_, _, opened)| {
        match opened.as_ref().ok().and_then(|plain| export_order(plain)) {
            Some(key) => (false, key),
            None => (true, (String::new(), 0)),
        }
    });
    let mut overlay = Overlay::protecting(yearbook::closed_years(conn)?);
    // the export id of each (desk, sequence) planned in this batch
    let mut sequences: HashMap<(String, i64), String> = HashMap::new();
    let mut plan = ImportPlan::default();
    // the files planned over the database alone (before any other of the batch would
    // be imported), with their per-year counts: their plan may be kept ([`basis`])
    let mut alone = Vec::new();
    let count = ordered.len();
    for (index, (name, read, opened)) in ordered.into_iter().enumerate() {
        // what a file would write is kept for the files planned after it: the last
        // one's is kept for none
        overlay.remember = index + 1 < count;
        let opened = match opened {
            Ok(opened) => opened,
            Err(rejection) => {
                let sha256 = sha256_hex(read);
                let mut report = FileReport::rejected(name, rejection, None);
                report.message = format!("{name}: {}", report.message);
                plan.files.push(PlannedFile {
                    report,
                    path: PathBuf::from(name),
                    sha256,
                    records: vec![],
                });
                continue;
            }
        };
        let encrypted = matches!(opened, Cow::Owned(_));
        let bytes: &[u8] = &opened;
        let first = overlay.records.is_empty() && overlay.imported.is_empty();
        let checked = check(conn, name, bytes, &codebook, &overlay.imported)?;
        // the SHA-256 of the file as read: of a plain file parsed, the parse's own
        let sha256 = match &checked {
            Checked::Apply(file) if !encrypted => file.file_sha256.clone(),
            _ => sha256_hex(read),
        };
        let (mut report, records) = match checked {
            Checked::Done(report) => (*report, vec![]),
            Checked::Apply(file) => match plan_records_cached(conn, &mut overlay, &file, bytes)? {
                Ok((records, touched, replaced)) => {
                    if first {
                        alone.push((plan.files.len(), touched.clone(), replaced));
                    }
                    overlay
                        .imported
                        .insert(file.header.export_id.clone(), file.file_sha256.clone());
                    let mut report = imported_report(name, &file, &records);
                    report.closed_years = closed::changes(&touched, &[]);
                    let h = &file.header;
                    let place = (h.desk.clone(), h.sequence);
                    report.sequence_taken_by = match sequences.get(&place) {
                        Some(other) if *other != h.export_id => Some(other.clone()),
                        _ => super::log::sequence_taken(conn, &h.desk, h.sequence, &h.export_id)?,
                    };
                    sequences.entry(place).or_insert(h.export_id.clone());
                    report.new_desk = crate::desk::get(conn, &h.desk)?.is_none();
                    (report, records)
                }
                Err(rejection) => (
                    FileReport::rejected(name, rejection, Some(&file.header)),
                    vec![],
                ),
            },
        };
        report.encrypted = encrypted;
        if report.outcome == Outcome::Rejected {
            report.message = format!("{name}: {}", report.message);
        }
        plan.files.push(PlannedFile {
            report,
            path: PathBuf::from(name),
            sha256,
            records,
        });
    }
    if let (Some(start), Some(end)) = (start, Basis::of(conn)?)
        && start.same_data(&end)
    {
        for (index, touched, replaced) in alone {
            let file = &plan.files[index];
            basis::keep(end, &file.sha256, &file.records, &touched, replaced);
        }
    }
    Ok(plan)
}

/// The (desk, sequence) a file's header line names, if it can be read at all.
fn export_order(bytes: &[u8]) -> Option<(String, i64)> {
    let first = bytes.split(|b| *b == b'\n').next()?;
    let header: serde_json::Value = serde_json::from_slice(first).ok()?;
    Some((
        header.get("desk")?.as_str()?.to_owned(),
        header.get("sequence")?.as_i64()?,
    ))
}

/// The plan of importing `paths` with the coordinator's own key: see [`plan_with`].
pub fn plan(conn: &Connection, paths: &[PathBuf]) -> Result<ImportPlan> {
    plan_with(conn, paths, &Decryption::of_database(conn)?)
}

/// The plan of importing `paths`: files as given, folders expanded to their `*.jsonl`
/// and `*.jsonl.age` files; encrypted files are opened with `keys`. A file that cannot
/// be read is planned as rejected, after the others. The size limit holds for the file
/// as read and for what it decrypts to.
pub fn plan_with(conn: &Connection, paths: &[PathBuf], keys: &Decryption) -> Result<ImportPlan> {
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    for path in expand_paths(paths)? {
        let name = path.display().to_string();
        match super::read_limited(&path) {
            Ok(bytes) => files.push((name, bytes)),
            Err(e) => unreadable.push(PlannedFile {
                report: FileReport::rejected(
                    &name,
                    if e.kind() == std::io::ErrorKind::FileTooLarge {
                        let mut rejection = super::too_large();
                        rejection.message = format!("{name}: {}", rejection.message);
                        rejection
                    } else {
                        err(
                            RejectionKind::Unreadable,
                            None,
                            None,
                            format!("{name}: cannot be read ({e})"),
                        )
                    },
                    None,
                ),
                path,
                sha256: String::new(),
                records: vec![],
            }),
        }
    }
    let mut plan = plan_files_with(conn, &files, keys)?;
    plan.files.extend(unreadable);
    Ok(plan)
}
