//! The coordinator's import of desk export files (format version 1).
//!
//! Three steps, each its own function:
//! 1. [`parse`]: bytes to a checked [`ExportFile`], or a [`Rejection`] naming the line
//!    and the field. Pure (no database), so a fuzzer can hammer it.
//! 2. [`check_codes`]: every code must be in this codebook, active or retired (a desk may
//!    still use a code the coordinator retired yesterday); unknown codes reject the file,
//!    all of them named.
//! 3. [`import_paths`] / [`import_files`]: per file, a plan (new, updated, unchanged,
//!    conflict) applied in one transaction. A dry run applies every file inside one
//!    outer transaction and rolls it back, so the preview is exactly what the import
//!    would do, files of one batch included, and stores nothing.
//!
//! Rules (the contract's): a stored record is replaced only by a higher revision; the
//! same revision with the same content is unchanged; with different content it is a
//! conflict: the stored record is kept, the conflict reported and logged in
//! `import_conflicts`, and the rest of the file still imported. A file whose export id
//! was imported already changes nothing ("already imported"). A file of this
//! installation's own desk is rejected: its records are here already, and taking them
//! back as imported would strip them of their `change_seq`.
//!
//! Logging: every real import writes one `imports` row, for rejected and already
//! imported files too (so the coordinator can see what arrived and why it was refused);
//! a rejected file stores nothing else. A dry run writes nothing at all.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::cases::CaseType;
use crate::codebook::{self, Codebook, List};
use crate::export::{FORMAT, FORMAT_VERSION, sha256_hex};
use crate::{Error, Result, desk, ids};

/// Why a file is refused, as a stable code the interface translates (the CLI prints the
/// English `message`). The codes are part of the IPC contract: add, never rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectionKind {
    /// The file cannot be read from disk.
    Unreadable,
    NotUtf8,
    Empty,
    NotJson,
    NotObject,
    /// The first line is not a Sportello header.
    NotHeader,
    /// `format` is not the contract's name.
    WrongFormat,
    /// A `format_version` this program does not know (a newer Sportello wrote it).
    UnknownVersion,
    UnknownField,
    Missing,
    WrongType,
    OutOfRange,
    BadDate,
    BadUuid,
    BadDesk,
    BadTime,
    /// A period that starts after it ends.
    BadPeriod,
    /// A code that is empty or longer than 32 characters.
    BadCode,
    DuplicateCode,
    NoReasons,
    BadCaseType,
    ClosedBeforeOpened,
    /// The end of the file is missing (no final newline or no trailer).
    Truncated,
    ChecksumMismatch,
    CountMismatch,
    UnknownRecord,
    DuplicateId,
    /// Codes the coordinator's codebook does not know: see `codes`.
    UnknownCodes,
    /// The file comes from this installation's own desk.
    OwnDesk,
    /// An export imported before, from a different file: this copy was altered.
    AlteredCopy,
    /// The file was valid but could not be stored (a database error); nothing stored.
    NotStored,
}

use RejectionKind as K;

/// A code of a file that the codebook does not know, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownCode {
    pub line: usize,
    pub field: String,
    pub code: String,
}

/// Why a file is refused: a stable `kind`, the line (1-based) and field when they
/// apply, the unknown codes for [`RejectionKind::UnknownCodes`], and an English
/// `message` for the command line and the import log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    pub kind: RejectionKind,
    pub line: Option<usize>,
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub codes: Vec<UnknownCode>,
    pub message: String,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.line, &self.field) {
            (Some(l), Some(field)) => write!(f, "line {l}, field '{field}': {}", self.message),
            (Some(l), None) => write!(f, "line {l}: {}", self.message),
            (None, Some(field)) => write!(f, "field '{field}': {}", self.message),
            (None, None) => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Rejection {}

fn err(
    kind: RejectionKind,
    line: Option<usize>,
    field: Option<&str>,
    message: impl Into<String>,
) -> Rejection {
    Rejection {
        kind,
        line,
        field: field.map(str::to_string),
        codes: vec![],
        message: message.into(),
    }
}

/// The header of a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub export_id: String,
    pub desk: String,
    pub sequence: i64,
    pub created_at: String,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub codebook_version: i64,
}

/// An access line. Characteristics are `None` only on tombstones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessLine {
    pub id: String,
    pub revision: i64,
    pub deleted: bool,
    pub date: NaiveDate,
    pub hour: Option<i64>,
    pub channel: Option<String>,
    pub nationality: Option<String>,
    pub sex: Option<String>,
    pub age_band: Option<String>,
    pub first_access: Option<bool>,
    pub referred_by: Option<String>,
    pub reasons: Option<Vec<String>>,
    pub permit: Option<String>,
    pub actions: Option<Vec<String>>,
    pub accompaniment: Option<bool>,
    pub mediation: Option<bool>,
}

/// A case line. `case_type` and `reason` are `None` only on tombstones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseLine {
    pub id: String,
    pub revision: i64,
    pub deleted: bool,
    pub case_type: Option<CaseType>,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub reason: Option<String>,
}

/// One record line with its line number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub enum Record {
    Access(AccessLine),
    Case(CaseLine),
}

impl Record {
    fn id(&self) -> &str {
        match self {
            Record::Access(a) => &a.id,
            Record::Case(c) => &c.id,
        }
    }
}

/// A parsed, checked file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportFile {
    pub header: Header,
    /// `(line number, record)`, in file order.
    pub records: Vec<(usize, Record)>,
    /// SHA-256 of the whole file: tells two files with one export id apart.
    pub file_sha256: String,
}

const HEADER_KEYS: &[&str] = &[
    "record",
    "format",
    "format_version",
    "export_id",
    "desk",
    "sequence",
    "created_at",
    "period",
    "codebook_version",
];
const ACCESS_KEYS: &[&str] = &[
    "record",
    "id",
    "revision",
    "deleted",
    "date",
    "hour",
    "channel",
    "nationality",
    "sex",
    "age_band",
    "first_access",
    "referred_by",
    "reasons",
    "permit",
    "actions",
    "accompaniment",
    "mediation",
];
const CASE_KEYS: &[&str] = &[
    "record",
    "id",
    "revision",
    "deleted",
    "case_type",
    "opened_on",
    "closed_on",
    "reason",
];
const TRAILER_KEYS: &[&str] = &["record", "count", "sha256"];

/// Field access on one JSON object, with errors naming the line and field.
struct Obj<'a> {
    line: usize,
    map: &'a Map<String, Value>,
}

impl<'a> Obj<'a> {
    fn new(line: usize, value: &'a Value) -> Result<Obj<'a>, Rejection> {
        match value {
            Value::Object(map) => Ok(Obj { line, map }),
            _ => Err(err(K::NotObject, Some(line), None, "not a JSON object")),
        }
    }

    fn e(&self, kind: RejectionKind, field: &str, message: impl Into<String>) -> Rejection {
        err(kind, Some(self.line), Some(field), message)
    }

    fn only(&self, allowed: &[&str]) -> Result<(), Rejection> {
        match self.map.keys().find(|k| !allowed.contains(&k.as_str())) {
            Some(k) => Err(self.e(
                K::UnknownField,
                k,
                "unknown field (format version 1 has no such field)",
            )),
            None => Ok(()),
        }
    }

    fn opt(&self, field: &str) -> Option<&'a Value> {
        self.map.get(field).filter(|v| !v.is_null())
    }

    fn req(&self, field: &str) -> Result<&'a Value, Rejection> {
        self.map
            .get(field)
            .ok_or_else(|| self.e(K::Missing, field, "missing"))
    }

    fn str_of(&self, field: &str, v: &'a Value) -> Result<&'a str, Rejection> {
        v.as_str().ok_or_else(|| {
            self.e(
                K::WrongType,
                field,
                format!("expected a string, found {}", kind(v)),
            )
        })
    }

    fn string(&self, field: &str) -> Result<&'a str, Rejection> {
        let v = self.req(field)?;
        self.str_of(field, v)
    }

    fn int(&self, field: &str, v: &Value, min: i64, max: i64) -> Result<i64, Rejection> {
        let n = match v {
            Value::Number(n) => n.as_i64().ok_or_else(|| {
                self.e(
                    K::WrongType,
                    field,
                    format!("expected an integer from {min} to {max}, found {n}"),
                )
            })?,
            _ => {
                return Err(self.e(
                    K::WrongType,
                    field,
                    format!("expected an integer, found {}", kind(v)),
                ));
            }
        };
        if n < min || n > max {
            return Err(self.e(
                K::OutOfRange,
                field,
                format!("{n} is out of range ({min} to {max})"),
            ));
        }
        Ok(n)
    }

    fn bool_of(&self, field: &str, v: &Value) -> Result<bool, Rejection> {
        v.as_bool().ok_or_else(|| {
            self.e(
                K::WrongType,
                field,
                format!("expected true or false, found {}", kind(v)),
            )
        })
    }

    fn date_of(&self, field: &str, v: &Value) -> Result<NaiveDate, Rejection> {
        let s = self.str_of(field, v)?;
        parse_date(s)
            .ok_or_else(|| self.e(K::BadDate, field, format!("'{s}' is not a YYYY-MM-DD date")))
    }

    fn code_of(&self, field: &str, v: &Value) -> Result<String, Rejection> {
        let s = self.str_of(field, v)?;
        if s.is_empty() || s.len() > 32 {
            return Err(self.e(K::BadCode, field, "a code is 1 to 32 characters"));
        }
        Ok(s.to_string())
    }

    fn codes_of(&self, field: &str, v: &Value) -> Result<Vec<String>, Rejection> {
        let Value::Array(items) = v else {
            return Err(self.e(
                K::WrongType,
                field,
                format!("expected a list of codes, found {}", kind(v)),
            ));
        };
        let mut seen = HashSet::new();
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let code = self.code_of(field, item)?;
            if !seen.insert(code.clone()) {
                return Err(self.e(K::DuplicateCode, field, format!("'{code}' is listed twice")));
            }
            out.push(code);
        }
        Ok(out)
    }

    fn uuid(&self, field: &str) -> Result<String, Rejection> {
        let s = self.string(field)?;
        uuid::Uuid::parse_str(s)
            .map(|u| u.hyphenated().to_string())
            .map_err(|_| self.e(K::BadUuid, field, format!("'{s}' is not a UUID")))
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// A strict `YYYY-MM-DD` calendar date (chrono alone would take `2024-1-5`).
fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn json_line(line: usize, bytes: &[u8]) -> Result<Value, Rejection> {
    serde_json::from_slice(bytes).map_err(|e| {
        err(
            K::NotJson,
            Some(line),
            None,
            format!("not valid JSON ({e})"),
        )
    })
}

fn record_kind<'a>(obj: &Obj<'a>) -> Result<&'a str, Rejection> {
    obj.string("record")
}

fn parse_header(obj: &Obj<'_>) -> Result<Header, Rejection> {
    let format = obj.string("format")?;
    if format != FORMAT {
        return Err(obj.e(
            K::WrongFormat,
            "format",
            format!("'{format}' is not '{FORMAT}'"),
        ));
    }
    let version = obj.req("format_version")?;
    if version.as_i64() != Some(FORMAT_VERSION) {
        return Err(obj.e(
            K::UnknownVersion,
            "format_version",
            format!(
                "format version {version} is not known: this program reads version {FORMAT_VERSION}; \
                 update Sportello to import this file"
            ),
        ));
    }
    obj.only(HEADER_KEYS)?;
    let export_id = obj.uuid("export_id")?;
    let desk = obj.string("desk")?;
    desk::validate_code(desk).map_err(|_| {
        obj.e(
            K::BadDesk,
            "desk",
            format!("'{desk}' is not a desk code (2 to 8 upper-case letters)"),
        )
    })?;
    let sequence = obj.int("sequence", obj.req("sequence")?, 1, i64::MAX)?;
    let created_at = obj.string("created_at")?;
    DateTime::parse_from_rfc3339(created_at).map_err(|_| {
        obj.e(
            K::BadTime,
            "created_at",
            format!("'{created_at}' is not an RFC 3339 time with offset"),
        )
    })?;
    let period = obj.req("period")?;
    let p = Obj::new(obj.line, period)
        .map_err(|_| obj.e(K::WrongType, "period", "expected an object"))?;
    p.only(&["from", "to"])
        .map_err(|e| obj.e(e.kind, "period", e.message))?;
    let from = p.date_of(
        "period.from",
        p.req("from")
            .map_err(|_| obj.e(K::Missing, "period.from", "missing"))?,
    )?;
    let to = p.date_of(
        "period.to",
        p.req("to")
            .map_err(|_| obj.e(K::Missing, "period.to", "missing"))?,
    )?;
    if from > to {
        return Err(obj.e(
            K::BadPeriod,
            "period",
            format!("starts ({from}) after it ends ({to})"),
        ));
    }
    let codebook_version = obj.int(
        "codebook_version",
        obj.req("codebook_version")?,
        1,
        i64::MAX,
    )?;
    Ok(Header {
        export_id,
        desk: desk.to_string(),
        sequence,
        created_at: created_at.to_string(),
        period_from: from,
        period_to: to,
        codebook_version,
    })
}

fn parse_access(obj: &Obj<'_>) -> Result<AccessLine, Rejection> {
    obj.only(ACCESS_KEYS)?;
    let id = obj.uuid("id")?;
    let revision = obj.int("revision", obj.req("revision")?, 1, i64::MAX)?;
    let deleted = obj.bool_of("deleted", obj.req("deleted")?)?;
    let date = obj.date_of("date", obj.req("date")?)?;
    // Live records need every field; a tombstone may drop all but id, revision, deleted
    // and date, and whatever it keeps must still be well formed.
    let get = |field: &str| -> Result<Option<&Value>, Rejection> {
        match obj.opt(field) {
            Some(v) => Ok(Some(v)),
            None if deleted => Ok(None),
            None => Err(obj.e(K::Missing, field, "missing")),
        }
    };
    let code = |field: &str| -> Result<Option<String>, Rejection> {
        get(field)?.map(|v| obj.code_of(field, v)).transpose()
    };
    let flag = |field: &str| -> Result<Option<bool>, Rejection> {
        get(field)?.map(|v| obj.bool_of(field, v)).transpose()
    };
    let hour = get("hour")?
        .map(|v| obj.int("hour", v, 0, 23))
        .transpose()?;
    let channel = code("channel")?;
    let nationality = code("nationality")?;
    let sex = code("sex")?;
    let age_band = code("age_band")?;
    let first_access = flag("first_access")?;
    let referred_by = code("referred_by")?;
    let reasons = get("reasons")?
        .map(|v| obj.codes_of("reasons", v))
        .transpose()?;
    if !deleted && reasons.as_ref().is_some_and(Vec::is_empty) {
        return Err(obj.e(K::NoReasons, "reasons", "at least one reason is required"));
    }
    let permit = code("permit")?;
    let actions = get("actions")?
        .map(|v| obj.codes_of("actions", v))
        .transpose()?;
    let accompaniment = flag("accompaniment")?;
    let mediation = flag("mediation")?;
    Ok(AccessLine {
        id,
        revision,
        deleted,
        date,
        hour,
        channel,
        nationality,
        sex,
        age_band,
        first_access,
        referred_by,
        reasons,
        permit,
        actions,
        accompaniment,
        mediation,
    })
}

fn parse_case(obj: &Obj<'_>) -> Result<CaseLine, Rejection> {
    obj.only(CASE_KEYS)?;
    let id = obj.uuid("id")?;
    let revision = obj.int("revision", obj.req("revision")?, 1, i64::MAX)?;
    let deleted = obj.bool_of("deleted", obj.req("deleted")?)?;
    let opened_on = obj.date_of("opened_on", obj.req("opened_on")?)?;
    let case_type = match obj.opt("case_type") {
        Some(v) => {
            let s = obj.str_of("case_type", v)?;
            Some(CaseType::parse(s).ok_or_else(|| {
                obj.e(
                    K::BadCaseType,
                    "case_type",
                    format!("'{s}' is not full or fast"),
                )
            })?)
        }
        None if deleted => None,
        None => return Err(obj.e(K::Missing, "case_type", "missing")),
    };
    // closed_on is required on a live case, as a date or null (still open)
    if !deleted && !obj.map.contains_key("closed_on") {
        return Err(obj.e(
            K::Missing,
            "closed_on",
            "missing (null when the case is open)",
        ));
    }
    let closed_on = obj
        .opt("closed_on")
        .map(|v| obj.date_of("closed_on", v))
        .transpose()?;
    if let Some(c) = closed_on
        && c < opened_on
    {
        return Err(obj.e(
            K::ClosedBeforeOpened,
            "closed_on",
            format!("{c} is before the opening date {opened_on}"),
        ));
    }
    let reason = match obj.opt("reason") {
        Some(v) => Some(obj.code_of("reason", v)?),
        None if deleted => None,
        None => return Err(obj.e(K::Missing, "reason", "missing")),
    };
    Ok(CaseLine {
        id,
        revision,
        deleted,
        case_type,
        opened_on,
        closed_on,
        reason,
    })
}

/// Reads and checks a whole file (format version 1). Pure: no database, no codebook.
pub fn parse(bytes: &[u8]) -> Result<ExportFile, Rejection> {
    if let Err(e) = std::str::from_utf8(bytes) {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        return Err(err(K::NotUtf8, Some(line), None, "not valid UTF-8 text"));
    }
    if bytes.is_empty() {
        return Err(err(
            K::Empty,
            None,
            None,
            "the file is empty: no header line",
        ));
    }
    // Line 1: the header. Its format_version is read before anything else, so a file of
    // a future version is named as such rather than as a pile of unknown fields.
    let first_end = bytes.iter().position(|&b| b == b'\n');
    let header_bytes = &bytes[..first_end.unwrap_or(bytes.len())];
    let header_value = json_line(1, header_bytes)?;
    let header_obj = Obj::new(1, &header_value)?;
    if record_kind(&header_obj).ok() != Some("header") {
        return Err(err(
            K::NotHeader,
            Some(1),
            Some("record"),
            "the first line is not the header: this is not a Sportello export file",
        ));
    }
    let header = parse_header(&header_obj)?;
    if !bytes.ends_with(b"\n") {
        return Err(err(
            K::Truncated,
            None,
            None,
            "the last line is cut off (no final newline): the file is incomplete, a truncated copy? \
             ask the desk to send it again",
        ));
    }
    let body = &bytes[..bytes.len() - 1];
    let lines: Vec<&[u8]> = body.split(|&b| b == b'\n').collect();
    let last = lines.len();
    let trailer_start = body
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(body.len(), |p| p + 1);
    let missing_trailer = || {
        err(
            K::Truncated,
            Some(last),
            None,
            "no trailer line at the end: the file is incomplete, a truncated copy? \
             ask the desk to send it again",
        )
    };
    if last < 2 {
        return Err(missing_trailer());
    }
    let trailer_value =
        serde_json::from_slice::<Value>(lines[last - 1]).map_err(|_| missing_trailer())?;
    let trailer = Obj::new(last, &trailer_value).map_err(|_| missing_trailer())?;
    if record_kind(&trailer).ok() != Some("trailer") {
        return Err(missing_trailer());
    }
    trailer.only(TRAILER_KEYS)?;
    let count = trailer.int("count", trailer.req("count")?, 0, i64::MAX)?;
    let sha = trailer.string("sha256")?;
    let actual = sha256_hex(&bytes[..trailer_start]);
    if sha != actual {
        return Err(trailer.e(
            K::ChecksumMismatch,
            "sha256",
            "does not match the content: the file was changed or damaged on the way; \
             ask the desk to send it again",
        ));
    }
    let record_lines = &lines[1..last - 1];
    if count != record_lines.len() as i64 {
        return Err(trailer.e(
            K::CountMismatch,
            "count",
            format!("says {count} records, the file has {}", record_lines.len()),
        ));
    }
    let mut records = Vec::with_capacity(record_lines.len());
    let mut ids: HashMap<String, usize> = HashMap::new();
    for (i, raw) in record_lines.iter().enumerate() {
        let n = i + 2;
        let value = json_line(n, raw)?;
        let obj = Obj::new(n, &value)?;
        let record = match record_kind(&obj)? {
            "access" => Record::Access(parse_access(&obj)?),
            "case" => Record::Case(parse_case(&obj)?),
            other => {
                return Err(obj.e(
                    K::UnknownRecord,
                    "record",
                    format!("'{other}' is not a record line (access or case)"),
                ));
            }
        };
        if let Some(first) = ids.insert(record.id().to_string(), n) {
            return Err(obj.e(
                K::DuplicateId,
                "id",
                format!("{} appears twice (also on line {first})", record.id()),
            ));
        }
        records.push((n, record));
    }
    Ok(ExportFile {
        header,
        records,
        file_sha256: sha256_hex(bytes),
    })
}

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

/// What happened to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Imported,
    AlreadyImported,
    Rejected,
}

impl Outcome {
    fn as_str(self) -> &'static str {
        match self {
            Outcome::Imported => "imported",
            Outcome::AlreadyImported => "already_imported",
            Outcome::Rejected => "rejected",
        }
    }
}

/// A record kept against a different copy of the same revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictReport {
    pub record: String,
    pub id: String,
    pub revision: i64,
    pub line: usize,
    pub fields: Vec<String>,
}

/// The result of one file, for the dry-run preview and the import log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileReport {
    pub file: String,
    pub outcome: Outcome,
    /// Why it was rejected, or a short note, in English (the command line, the log).
    pub message: String,
    /// Why it was rejected, for the interface to put in its own words.
    pub rejection: Option<Rejection>,
    pub export_id: Option<String>,
    pub desk: Option<String>,
    pub sequence: Option<i64>,
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub conflicts: Vec<ConflictReport>,
}

impl FileReport {
    fn rejected(file: &str, rejection: Rejection, header: Option<&Header>) -> FileReport {
        FileReport {
            file: file.to_string(),
            outcome: Outcome::Rejected,
            message: rejection.to_string(),
            rejection: Some(rejection),
            export_id: header.map(|h| h.export_id.clone()),
            desk: header.map(|h| h.desk.clone()),
            sequence: header.map(|h| h.sequence),
            new: 0,
            updated: 0,
            unchanged: 0,
            conflicts: vec![],
        }
    }
}

/// The stored copy of a record, field by field, for comparison with a line.
type Fields = Vec<(&'static str, Option<String>)>;

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
        ("closed_on", c.closed_on.map(|d| d.to_string())),
        ("reason", c.reason.clone()),
    ]
}

/// The fields that differ. A tombstone line compares only what it carries.
fn differing(stored: &Fields, line: &Fields, line_deleted: bool) -> Vec<String> {
    stored
        .iter()
        .zip(line)
        .filter(|((_, s), (_, l))| !(line_deleted && l.is_none()) && s != l)
        .map(|((name, _), _)| name.to_string())
        .collect()
}

fn codes_of(conn: &Connection, table: &str, id: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT code FROM {table} WHERE access_id = ?1 ORDER BY code"
    ))?;
    let rows = stmt.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The stored access `id` as a line (desk and revision apart), if any.
fn stored_access(conn: &Connection, id: &str) -> Result<Option<(String, AccessLine)>> {
    let row = conn
        .query_row(
            "SELECT desk, revision, deleted, date, hour, channel, nationality, sex, age_band,
                    first_access, referred_by, permit, accompaniment, mediation
             FROM accesses WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, Option<i64>>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                    r.get::<_, Option<String>>(7)?,
                    r.get::<_, Option<String>>(8)?,
                    r.get::<_, Option<bool>>(9)?,
                    r.get::<_, Option<String>>(10)?,
                    r.get::<_, Option<String>>(11)?,
                    r.get::<_, Option<bool>>(12)?,
                    r.get::<_, Option<bool>>(13)?,
                ))
            },
        )
        .optional()?;
    let Some((
        desk,
        revision,
        deleted,
        date,
        hour,
        channel,
        nationality,
        sex,
        age_band,
        first,
        referred,
        permit,
        accomp,
        mediation,
    )) = row
    else {
        return Ok(None);
    };
    let reasons = codes_of(conn, "access_reasons", id)?;
    let actions = codes_of(conn, "access_actions", id)?;
    let live = !deleted;
    Ok(Some((
        desk,
        AccessLine {
            id: id.to_string(),
            revision,
            deleted,
            date: parse_date(&date).unwrap_or_default(),
            hour,
            channel,
            nationality,
            sex,
            age_band,
            first_access: first,
            referred_by: referred,
            reasons: (live || !reasons.is_empty()).then_some(reasons),
            permit,
            actions: (live || !actions.is_empty()).then_some(actions),
            accompaniment: accomp,
            mediation,
        },
    )))
}

fn stored_case(conn: &Connection, id: &str) -> Result<Option<(String, CaseLine)>> {
    let row = conn
        .query_row(
            "SELECT desk, revision, deleted, case_type, opened_on, closed_on, reason
             FROM cases WHERE id = ?1",
            [id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, bool>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, Option<String>>(5)?,
                    r.get::<_, Option<String>>(6)?,
                ))
            },
        )
        .optional()?;
    Ok(row.map(
        |(desk, revision, deleted, case_type, opened_on, closed_on, reason)| {
            (
                desk,
                CaseLine {
                    id: id.to_string(),
                    revision,
                    deleted,
                    case_type: case_type.as_deref().and_then(CaseType::parse),
                    opened_on: parse_date(&opened_on).unwrap_or_default(),
                    closed_on: closed_on.as_deref().and_then(parse_date),
                    reason,
                },
            )
        },
    ))
}

fn write_access(
    conn: &Connection,
    desk: &str,
    a: &AccessLine,
    ts: &str,
    exists: bool,
) -> Result<()> {
    if exists {
        conn.execute(
            "UPDATE accesses SET desk = ?2, revision = ?3, deleted = ?4, date = ?5, hour = ?6,
                    channel = ?7, nationality = ?8, sex = ?9, age_band = ?10, first_access = ?11,
                    referred_by = ?12, permit = ?13, accompaniment = ?14, mediation = ?15,
                    updated_at = ?16, change_seq = NULL
             WHERE id = ?1",
            params![
                a.id,
                desk,
                a.revision,
                a.deleted,
                a.date.to_string(),
                a.hour,
                a.channel,
                a.nationality,
                a.sex,
                a.age_band,
                a.first_access,
                a.referred_by,
                a.permit,
                a.accompaniment,
                a.mediation,
                ts
            ],
        )?;
        conn.execute("DELETE FROM access_reasons WHERE access_id = ?1", [&a.id])?;
        conn.execute("DELETE FROM access_actions WHERE access_id = ?1", [&a.id])?;
    } else {
        conn.execute(
            "INSERT INTO accesses (id, desk, revision, deleted, date, hour, channel, nationality,
                    sex, age_band, first_access, referred_by, permit, accompaniment, mediation,
                    created_at, updated_at, change_seq)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16, NULL)",
            params![
                a.id, desk, a.revision, a.deleted, a.date.to_string(), a.hour, a.channel,
                a.nationality, a.sex, a.age_band, a.first_access, a.referred_by, a.permit,
                a.accompaniment, a.mediation, ts
            ],
        )?;
    }
    for code in a.reasons.iter().flatten() {
        conn.execute(
            "INSERT INTO access_reasons (access_id, code) VALUES (?1, ?2)",
            params![a.id, code],
        )?;
    }
    for code in a.actions.iter().flatten() {
        conn.execute(
            "INSERT INTO access_actions (access_id, code) VALUES (?1, ?2)",
            params![a.id, code],
        )?;
    }
    Ok(())
}

fn write_case(conn: &Connection, desk: &str, c: &CaseLine, ts: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO cases (id, desk, revision, deleted, case_type, opened_on, closed_on, reason,
                            created_at, updated_at, change_seq)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9, NULL)
         ON CONFLICT (id) DO UPDATE SET desk = excluded.desk, revision = excluded.revision,
             deleted = excluded.deleted, case_type = excluded.case_type,
             opened_on = excluded.opened_on, closed_on = excluded.closed_on,
             reason = excluded.reason, updated_at = excluded.updated_at, change_seq = NULL",
        params![
            c.id,
            desk,
            c.revision,
            c.deleted,
            c.case_type.map(CaseType::as_str),
            c.opened_on.to_string(),
            c.closed_on.map(|d| d.to_string()),
            c.reason,
            ts
        ],
    )?;
    Ok(())
}

enum Step {
    New,
    Updated,
    Unchanged,
    Conflict(Vec<String>),
}

fn decide(
    stored: Option<(&str, i64, Fields)>,
    desk: &str,
    revision: i64,
    line: &Fields,
    deleted: bool,
) -> Step {
    match stored {
        None => Step::New,
        // an id is one record of one desk: a clash across desks is never overwritten
        Some((stored_desk, _, _)) if stored_desk != desk => Step::Conflict(vec!["desk".into()]),
        Some((_, r, _)) if r < revision => Step::Updated,
        Some((_, r, _)) if r > revision => Step::Unchanged,
        Some((_, _, fields)) => {
            let diff = differing(&fields, line, deleted);
            if diff.is_empty() {
                Step::Unchanged
            } else {
                Step::Conflict(diff)
            }
        }
    }
}

/// Applies one parsed file on `conn` (the caller owns the transaction).
fn apply(
    conn: &Connection,
    name: &str,
    file: &ExportFile,
    now: DateTime<Utc>,
) -> Result<FileReport> {
    let h = &file.header;
    let ts = ids::timestamp(now);
    desk::ensure_known(conn, &h.desk, now)?;
    conn.execute(
        "INSERT INTO imports (imported_at, file_name, file_sha256, export_id, desk, sequence, outcome)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'imported')",
        params![ts, name, file.file_sha256, h.export_id, h.desk, h.sequence],
    )?;
    let import_id = conn.last_insert_rowid();
    let mut report = FileReport {
        file: name.to_string(),
        outcome: Outcome::Imported,
        message: String::new(),
        rejection: None,
        export_id: Some(h.export_id.clone()),
        desk: Some(h.desk.clone()),
        sequence: Some(h.sequence),
        new: 0,
        updated: 0,
        unchanged: 0,
        conflicts: vec![],
    };
    for (line, record) in &file.records {
        let (kind, id, revision, step) = match record {
            Record::Access(a) => {
                let stored = stored_access(conn, &a.id)?;
                let step = decide(
                    stored
                        .as_ref()
                        .map(|(d, s)| (d.as_str(), s.revision, access_fields(s))),
                    &h.desk,
                    a.revision,
                    &access_fields(a),
                    a.deleted,
                );
                if matches!(step, Step::New | Step::Updated) {
                    write_access(conn, &h.desk, a, &ts, stored.is_some())?;
                }
                ("access", &a.id, a.revision, step)
            }
            Record::Case(c) => {
                let stored = stored_case(conn, &c.id)?;
                let step = decide(
                    stored
                        .as_ref()
                        .map(|(d, s)| (d.as_str(), s.revision, case_fields(s))),
                    &h.desk,
                    c.revision,
                    &case_fields(c),
                    c.deleted,
                );
                if matches!(step, Step::New | Step::Updated) {
                    write_case(conn, &h.desk, c, &ts)?;
                }
                ("case", &c.id, c.revision, step)
            }
        };
        match step {
            Step::New => report.new += 1,
            Step::Updated => report.updated += 1,
            Step::Unchanged => report.unchanged += 1,
            Step::Conflict(fields) => {
                conn.execute(
                    "INSERT INTO import_conflicts (import_id, record, record_id, revision, fields)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![
                        import_id,
                        kind,
                        id,
                        revision,
                        serde_json::to_string(&fields)?
                    ],
                )?;
                report.conflicts.push(ConflictReport {
                    record: kind.into(),
                    id: id.clone(),
                    revision,
                    line: *line,
                    fields,
                });
            }
        }
    }
    conn.execute(
        "UPDATE imports SET new_records = ?2, updated = ?3, unchanged = ?4, conflicts = ?5 WHERE id = ?1",
        params![
            import_id,
            report.new as i64,
            report.updated as i64,
            report.unchanged as i64,
            report.conflicts.len() as i64
        ],
    )?;
    Ok(report)
}

/// Everything decided before the transaction: parsed file, or the report to give.
enum Checked {
    Apply(Box<ExportFile>),
    Done(Box<FileReport>),
}

fn check(conn: &Connection, name: &str, bytes: &[u8], codebook: &Codebook) -> Result<Checked> {
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
    let earlier: Option<String> = conn
        .query_row(
            "SELECT file_sha256 FROM imports WHERE export_id = ?1 AND outcome = 'imported'",
            [&h.export_id],
            |r| r.get(0),
        )
        .optional()?;
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

fn log_outcome(
    conn: &Connection,
    report: &FileReport,
    sha: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    conn.execute(
        "INSERT INTO imports (imported_at, file_name, file_sha256, export_id, desk, sequence, outcome,
                              message, unchanged)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            ids::timestamp(now),
            report.file,
            sha,
            report.export_id,
            report.desk,
            report.sequence,
            report.outcome.as_str(),
            report.message,
            report.unchanged as i64
        ],
    )?;
    Ok(())
}

/// Imports `files` (display name, bytes), each in its own transaction; with `dry_run`,
/// computes the same reports and stores nothing.
pub fn import_files(
    conn: &mut Connection,
    files: &[(String, Vec<u8>)],
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<Vec<FileReport>> {
    let codebook = codebook::load(conn)?;
    // Each desk's files are applied in export order, whatever order they were picked or
    // listed in: a folder sorts by name, and two exports of one day share their period,
    // so name order can put export 2 before export 1 and make the preview confusing.
    // Files whose header cannot be read keep their place after the others.
    let mut ordered: Vec<&(String, Vec<u8>)> = files.iter().collect();
    ordered.sort_by_cached_key(|(_, bytes)| match export_order(bytes) {
        Some(key) => (false, key),
        None => (true, (String::new(), 0)),
    });
    let files: Vec<(String, Vec<u8>)> = ordered.into_iter().cloned().collect();
    let files = files.as_slice();
    if !dry_run {
        return run_batch(conn, files, false, now, &codebook);
    }
    // A dry run runs inside one outer transaction rolled back at the end, so later files
    // of the batch see the earlier ones exactly as a real import would.
    conn.execute_batch("BEGIN")?;
    let result = run_batch(conn, files, true, now, &codebook);
    conn.execute_batch("ROLLBACK")?;
    result
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

fn run_batch(
    conn: &mut Connection,
    files: &[(String, Vec<u8>)],
    dry_run: bool,
    now: DateTime<Utc>,
    codebook: &Codebook,
) -> Result<Vec<FileReport>> {
    let mut reports = Vec::with_capacity(files.len());
    for (name, bytes) in files {
        let mut report = match check(conn, name, bytes, codebook)? {
            Checked::Done(report) => *report,
            Checked::Apply(file) => {
                let applied = if dry_run {
                    conn.execute_batch("SAVEPOINT import_file")?;
                    let r = apply(conn, name, &file, now);
                    if r.is_err() {
                        conn.execute_batch("ROLLBACK TO import_file")?;
                    }
                    conn.execute_batch("RELEASE import_file")?;
                    r
                } else {
                    let tx = conn.transaction()?;
                    // on error the transaction is dropped, hence rolled back: nothing stored
                    apply(&tx, name, &file, now).and_then(|r| {
                        tx.commit()?;
                        Ok(r)
                    })
                };
                applied.unwrap_or_else(|e| {
                    FileReport::rejected(
                        name,
                        err(K::NotStored, None, None, e.to_string()),
                        Some(&file.header),
                    )
                })
            }
        };
        if report.outcome == Outcome::Rejected {
            report.message = format!("{name}: {}", report.message);
        }
        if report.outcome != Outcome::Imported && !dry_run {
            log_outcome(conn, &report, &sha256_hex(bytes), now)?;
        }
        reports.push(report);
    }
    Ok(reports)
}

/// The files to import for `paths`: files as given, folders expanded to their
/// `*.jsonl` files in name order.
pub fn expand_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| Error::io(p, e))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "jsonl") && f.is_file())
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Reads and imports files and folders (see [`import_files`]); an unreadable file is
/// reported as rejected, not as an error of the whole batch.
pub fn import_paths(
    conn: &mut Connection,
    paths: &[PathBuf],
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<Vec<FileReport>> {
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    for path in expand_paths(paths)? {
        let name = path.display().to_string();
        match std::fs::read(&path) {
            Ok(bytes) => files.push((name, bytes)),
            Err(e) => unreadable.push(FileReport::rejected(
                &name,
                err(
                    K::Unreadable,
                    None,
                    None,
                    format!("{name}: cannot be read ({e})"),
                ),
                None,
            )),
        }
    }
    let mut reports = import_files(conn, &files, dry_run, now)?;
    if !dry_run {
        for r in &unreadable {
            log_outcome(conn, r, "", now)?;
        }
    }
    reports.extend(unreadable);
    Ok(reports)
}

/// Per desk: the export sequence numbers received and missing, and the last file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskSequences {
    pub desk: String,
    /// Received numbers as inclusive ranges, e.g. `[[1, 40], [42, 57]]`.
    pub received: Vec<(i64, i64)>,
    /// Numbers below the highest received one that never arrived.
    pub missing: Vec<i64>,
    /// When the last file of this desk was imported (RFC 3339, UTC).
    pub last_imported_at: Option<String>,
    /// Sequence number of the highest file received.
    pub last_sequence: Option<i64>,
}

/// The sequence status of every desk files were imported from, by desk code.
pub fn sequences(conn: &Connection) -> Result<Vec<DeskSequences>> {
    let mut stmt = conn.prepare(
        "SELECT desk, sequence, MAX(imported_at) FROM imports
         WHERE outcome = 'imported' AND desk IS NOT NULL
         GROUP BY desk, sequence ORDER BY desk, sequence",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out: Vec<DeskSequences> = Vec::new();
    for (desk, seq, at) in rows {
        if out.last().is_none_or(|d| d.desk != desk) {
            out.push(DeskSequences {
                desk: desk.clone(),
                received: vec![],
                missing: vec![],
                last_imported_at: None,
                last_sequence: None,
            });
        }
        let d = out.last_mut().expect("pushed above");
        let expected = d.last_sequence.map_or(1, |s| s + 1);
        d.missing.extend(expected..seq);
        match d.received.last_mut() {
            Some((_, to)) if *to + 1 == seq => *to = seq,
            _ => d.received.push((seq, seq)),
        }
        d.last_sequence = Some(seq);
        if d.last_imported_at
            .as_deref()
            .is_none_or(|l| l < at.as_str())
        {
            d.last_imported_at = Some(at);
        }
    }
    Ok(out)
}

/// One row of the import log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub imported_at: String,
    pub file_name: String,
    pub desk: Option<String>,
    pub sequence: Option<i64>,
    pub outcome: String,
    pub message: String,
    pub new: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub conflicts: i64,
}

/// The import log, newest first.
pub fn log(conn: &Connection, limit: usize) -> Result<Vec<LogEntry>> {
    let mut stmt = conn.prepare(
        "SELECT imported_at, file_name, desk, sequence, outcome, message, new_records, updated,
                unchanged, conflicts
         FROM imports ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit as i64], |r| {
        Ok(LogEntry {
            imported_at: r.get(0)?,
            file_name: r.get(1)?,
            desk: r.get(2)?,
            sequence: r.get(3)?,
            outcome: r.get(4)?,
            message: r.get(5)?,
            new: r.get(6)?,
            updated: r.get(7)?,
            unchanged: r.get(8)?,
            conflicts: r.get(9)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// What the import screen shows: per-desk sequences and the latest log rows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    pub desks: Vec<DeskSequences>,
    pub log: Vec<LogEntry>,
}

/// The import screen's status (the last `limit` log rows).
pub fn status(conn: &Connection, limit: usize) -> Result<Status> {
    Ok(Status {
        desks: sequences(conn)?,
        log: log(conn, limit)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = r#"{"record":"header","format":"sportello-export","format_version":1,"export_id":"01900000-0000-7000-8000-000000000001","desk":"FOL","sequence":3,"created_at":"2024-11-26T18:00:00+01:00","period":{"from":"2024-11-26","to":"2024-11-26"},"codebook_version":1}"#;

    /// A file of `records` with a correct trailer.
    fn file(records: &[&str]) -> Vec<u8> {
        let mut out = format!("{HEADER}\n");
        for r in records {
            out.push_str(r);
            out.push('\n');
        }
        let sha = sha256_hex(out.as_bytes());
        out.push_str(&format!(
            r#"{{"record":"trailer","count":{},"sha256":"{sha}"}}"#,
            records.len()
        ));
        out.push('\n');
        out.into_bytes()
    }

    #[test]
    fn an_empty_export_and_minimal_tombstones_parse() {
        let f = parse(&file(&[])).unwrap();
        assert_eq!((f.header.desk.as_str(), f.header.sequence), ("FOL", 3));
        let f = parse(&file(&[
            r#"{"record":"access","id":"01900000-0000-7000-8000-0000000000a1","revision":2,"deleted":true,"date":"2024-11-25"}"#,
            r#"{"record":"case","id":"01900000-0000-7000-8000-0000000000c1","revision":4,"deleted":true,"opened_on":"2023-01-02"}"#,
        ]))
        .unwrap();
        assert_eq!(f.records.len(), 2);
        assert_eq!(
            f.records[1].0, 3,
            "line numbers are 1-based, header included"
        );
    }

    #[test]
    fn dates_are_strict_and_live_cases_need_closed_on() {
        let loose = file(&[
            r#"{"record":"case","id":"01900000-0000-7000-8000-0000000000c1","revision":1,"deleted":false,"case_type":"full","opened_on":"2024-1-02","closed_on":null,"reason":"altro"}"#,
        ]);
        let e = parse(&loose).unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (Some(2), Some("opened_on")));
        let no_closed = file(&[
            r#"{"record":"case","id":"01900000-0000-7000-8000-0000000000c1","revision":1,"deleted":false,"case_type":"full","opened_on":"2024-01-02","reason":"altro"}"#,
        ]);
        let e = parse(&no_closed).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("closed_on"));
        assert!(
            e.to_string().starts_with("line 2, field 'closed_on'"),
            "{e}"
        );
    }

    #[test]
    fn a_second_header_or_a_float_revision_is_refused() {
        let e = parse(&file(&[HEADER])).unwrap_err();
        assert_eq!((e.line, e.field.as_deref()), (Some(2), Some("record")));
        let e = parse(&file(&[
            r#"{"record":"access","id":"01900000-0000-7000-8000-0000000000a1","revision":1.5,"deleted":true,"date":"2024-11-25"}"#,
        ]))
        .unwrap_err();
        assert_eq!(e.field.as_deref(), Some("revision"));
    }
}
