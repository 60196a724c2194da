//! Bytes to a checked [`ExportFile`], or a [`Rejection`] naming the line and the field.
//!
//! Pure (no database, no codebook), so a fuzzer can hammer it. Each field is checked
//! here, one by one, rather than by serde's derive, because a rejection must name the
//! line, the field and a stable [`RejectionKind`] that the interface translates; the
//! checked values are then the [`super::super::wire`] types, the one definition of the
//! format, and the accepted keys are its `*_KEYS` lists.

use std::collections::HashMap;

use serde_json::Value;

use super::fields::{Obj, json_line};
use super::frame::{self, Words};
use super::{ExportFile, MAX_FILE_BYTES, Rejection, RejectionKind, too_large};
use crate::cases::CaseType;
use crate::exchange::wire::{
    ACCESS_KEYS, AccessLine, CASE_KEYS, CaseLine, FORMAT, FORMAT_VERSION, HEADER_KEYS, Header,
    PERIOD_KEYS, Period, Record, sha256_hex,
};

use RejectionKind as K;

const WORDS: Words = Words {
    not_this: "this is not a Sportello export file",
    again: "ask the desk to send it again",
    lines: "records",
};

fn record_kind<'a>(obj: &Obj<'a>) -> Result<&'a str, Rejection> {
    obj.string("record")
}

fn parse_header(obj: &Obj<'_>) -> Result<Header, Rejection> {
    obj.format_version(FORMAT, FORMAT_VERSION, "import this file")?;
    obj.only(HEADER_KEYS)?;
    let export_id = obj.uuid("export_id")?;
    let desk = obj.desk_code("desk")?;
    let sequence = obj.int("sequence", obj.req("sequence")?, 1, i64::MAX)?;
    let created_at = obj.time("created_at")?;
    let period = obj.req("period")?;
    let p = Obj::new(obj.line, period)
        .map_err(|_| obj.e(K::WrongType, "period", "expected an object"))?;
    p.only(PERIOD_KEYS)
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
        format: FORMAT.to_string(),
        format_version: FORMAT_VERSION,
        export_id,
        desk,
        sequence,
        created_at,
        period: Period { from, to },
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
    let closed = obj
        .opt("closed_on")
        .map(|v| obj.date_of("closed_on", v))
        .transpose()?;
    // a live case says `null` while open; a tombstone that leaves it out (or says null)
    // carries no closing date at all
    let closed_on = if deleted {
        closed.map(Some)
    } else {
        Some(closed)
    };
    if let Some(c) = closed
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
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    // Line 1: the header. Its format_version is read before anything else, so a file of
    // a future version is named as such rather than as a pile of unknown fields.
    let header_value = frame::header_line(bytes, &WORDS)?;
    let header = parse_header(&Obj::new(1, &header_value)?)?;
    let record_lines = frame::body_lines(bytes, &WORDS)?;
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
