//! Bytes to a checked [`ExportFile`], or a [`Rejection`] naming the line and the field.
//!
//! Pure (no database, no codebook), so a fuzzer can hammer it. Each field is checked
//! here, one by one, rather than by serde's derive, because a rejection must name the
//! line, the field and a stable [`RejectionKind`] that the interface translates; the
//! checked values are then the [`super::super::wire`] types, the one definition of the
//! format, and the accepted keys are its `*_KEYS` lists.

use std::collections::HashMap;

use serde_json::Value;

use super::fields::{Obj, json_line, parse_date};
use super::frame::{self, Words};
use super::{ExportFile, MAX_FILE_BYTES, Rejection, RejectionKind, err, too_large};
use crate::cases::CaseType;
use crate::exchange::wire::{
    ACCESS_KEYS, AccessLine, CASE_KEYS, CaseLine, FORMAT, FORMAT_VERSION, HEADER_KEYS, Header,
    PERIOD_KEYS, Period, Record,
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
    // the lines read in parts side by side (while the file is hashed); each part stops
    // at its first bad line
    let (record_lines, file_sha256, mut parts) =
        frame::body_lines_hashed(bytes, &WORDS, read_parts)?;
    // the parts after the first with a bad line are never looked at
    let cut = parts.iter().position(|(_, bad)| bad.is_some());
    let first_bad = cut.and_then(|i| parts[i].1.take());
    parts.truncate(cut.map_or(parts.len(), |i| i + 1));
    let mut records = Vec::with_capacity(record_lines.len());
    let mut ids: HashMap<u128, usize, BuildIdHasher> =
        HashMap::with_capacity_and_hasher(record_lines.len(), BuildIdHasher);
    // the lines before the first bad one, in order: a line whose id came before fails
    // there, as when each line is read and its id checked in turn
    for (key, n, record) in parts.into_iter().flat_map(|(read, _)| read) {
        if let Some(first) = ids.insert(key, n) {
            return Err(err(
                K::DuplicateId,
                Some(n),
                Some("id"),
                format!("{} appears twice (also on line {first})", record.id()),
            ));
        }
        records.push((n, record));
    }
    if let Some(bad) = first_bad {
        return Err(bad);
    }
    Ok(ExportFile {
        header,
        records,
        file_sha256,
    })
}

/// The record lines read, with their id's 128 bits and line number, and the first bad
/// line of each part (the lines after it in that part are not read).
type Part = (Vec<(u128, usize, Record)>, Option<Rejection>);

/// Fewer lines than this are read on the calling thread alone.
const LINES_A_THREAD: usize = 8192;

/// Reads `lines` (the first is line 2) in consecutive parts, one a processor (at most
/// four), side by side; the parts come back in file order.
fn read_parts(lines: &[&[u8]]) -> Vec<Part> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4)
        .min(lines.len().div_ceil(LINES_A_THREAD).max(1));
    let size = lines.len().div_ceil(threads).max(1);
    let read = |first: usize, part: &[&[u8]]| -> Part {
        let mut read = Vec::with_capacity(part.len());
        for (i, raw) in part.iter().enumerate() {
            let n = first + i + 2;
            let record = match fast::access(raw) {
                Some(access) => Record::Access(access),
                None => match slow_line(n, raw) {
                    Ok(record) => record,
                    Err(e) => return (read, Some(e)),
                },
            };
            // the id is a canonical UUID (both readers write it so): its 128 bits name it
            let key = uuid::Uuid::parse_str(record.id()).map_or(0, |u| u.as_u128());
            read.push((key, n, record));
        }
        (read, None)
    };
    if threads == 1 {
        return vec![read(0, lines)];
    }
    std::thread::scope(|scope| {
        let mut chunks = lines.chunks(size).enumerate();
        let (_, first) = chunks.next().unwrap_or((0, &[]));
        let others: Vec<_> = chunks
            .map(|(i, part)| scope.spawn(move || read(i * size, part)))
            .collect();
        let mut parts = vec![read(0, first)];
        for other in others {
            // a panic while reading a line is a bug: it goes on as it would on one thread
            parts.push(
                other
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p)),
            );
        }
        parts
    })
}

/// A record line read field by field, every error naming its field: the reader of any
/// line the fast one ([`fast::access`]) does not take.
fn slow_line(n: usize, raw: &[u8]) -> Result<Record, Rejection> {
    let value = json_line(n, raw)?;
    let obj = Obj::new(n, &value)?;
    Ok(match record_kind(&obj)? {
        "access" => Record::Access(parse_access(&obj)?),
        "case" => Record::Case(parse_case(&obj)?),
        other => {
            return Err(obj.e(
                K::UnknownRecord,
                "record",
                format!("'{other}' is not a record line (access or case)"),
            ));
        }
    })
}

/// Hashes a UUID's 128 bits: they are random already (v4) or a time and random bits
/// (v7), so folding them is as good as SipHash here, and much cheaper.
#[derive(Clone, Copy, Default)]
struct BuildIdHasher;

#[derive(Default)]
struct IdHasher(u64);

impl std::hash::BuildHasher for BuildIdHasher {
    type Hasher = IdHasher;
    fn build_hasher(&self) -> IdHasher {
        IdHasher(0)
    }
}

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        // a multiplicative mix, so that ids differing only in high bits spread too
        self.0.wrapping_mul(0x9e37_79b9_7f4a_7c15).rotate_left(29)
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0 ^ u64::from_le_bytes(word)).wrapping_mul(0xff51_afd7_ed55_8ccd);
        }
    }
    fn write_u128(&mut self, n: u128) {
        self.0 ^= (n as u64) ^ ((n >> 64) as u64).rotate_left(32);
    }
}

/// The fast reader of the common line: a live or deleted access written as this
/// program writes it (keys without escapes, a canonical lowercase id). It takes a line
/// only when the field-by-field reader would take it and read the same record; on
/// anything else (a case, an unknown or repeated key, a string with an escape, a value
/// out of range, a missing field...) it gives up, and the field-by-field reader reads
/// the line again and names what is wrong. So it changes how fast a good file is read,
/// never what is accepted, refused or stored.
mod fast {
    use serde::Deserialize;

    use super::parse_date;
    use crate::exchange::wire::AccessLine;

    /// An access line as serde reads it, strings borrowed from the file. serde's derive
    /// refuses an unknown key (`deny_unknown_fields`) and a repeated one (a duplicate
    /// field), as the field-by-field reader does; `null` and a missing key are both
    /// `None` here, and the checks below send a live access missing one to the slow
    /// reader.
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Line<'a> {
        record: &'a str,
        id: &'a str,
        revision: i64,
        deleted: bool,
        date: &'a str,
        hour: Option<i64>,
        #[serde(borrow)]
        channel: Option<&'a str>,
        #[serde(borrow)]
        nationality: Option<&'a str>,
        #[serde(borrow)]
        sex: Option<&'a str>,
        #[serde(borrow)]
        age_band: Option<&'a str>,
        first_access: Option<bool>,
        #[serde(borrow)]
        referred_by: Option<&'a str>,
        #[serde(borrow)]
        reasons: Option<Vec<&'a str>>,
        #[serde(borrow)]
        permit: Option<&'a str>,
        #[serde(borrow)]
        actions: Option<Vec<&'a str>>,
        accompaniment: Option<bool>,
        mediation: Option<bool>,
    }

    /// Whether `s` is a UUID as the slow reader writes it back (lowercase, hyphenated).
    fn canonical_uuid(s: &str) -> bool {
        let b = s.as_bytes();
        b.len() == 36
            && b.iter().enumerate().all(|(i, c)| match i {
                8 | 13 | 18 | 23 => *c == b'-',
                _ => c.is_ascii_digit() || (b'a'..=b'f').contains(c),
            })
    }

    /// A code the slow reader takes: 1 to 32 bytes.
    fn code(s: &str) -> bool {
        !s.is_empty() && s.len() <= 32
    }

    /// A list of codes the slow reader takes: each a code, none twice.
    fn codes(list: &[&str]) -> bool {
        list.iter().all(|c| code(c)) && list.iter().enumerate().all(|(i, c)| !list[..i].contains(c))
    }

    /// The access of line `raw`, if the fast reader takes it (see the module).
    pub(super) fn access(raw: &[u8]) -> Option<AccessLine> {
        // a JSON object, not a list that serde would map onto the fields in order
        if raw.first() != Some(&b'{') {
            return None;
        }
        let l: Line<'_> = serde_json::from_slice(raw).ok()?;
        if l.record != "access" || !canonical_uuid(l.id) || l.revision < 1 {
            return None;
        }
        let date = parse_date(l.date)?;
        // a live access carries every field; a tombstone may leave any out
        let all = l.hour.is_some()
            && l.channel.is_some()
            && l.nationality.is_some()
            && l.sex.is_some()
            && l.age_band.is_some()
            && l.first_access.is_some()
            && l.referred_by.is_some()
            && l.reasons.is_some()
            && l.permit.is_some()
            && l.actions.is_some()
            && l.accompaniment.is_some()
            && l.mediation.is_some();
        if !l.deleted && !all {
            return None;
        }
        if l.hour.is_some_and(|h| !(0..=23).contains(&h)) {
            return None;
        }
        let singles = [
            l.channel,
            l.nationality,
            l.sex,
            l.age_band,
            l.referred_by,
            l.permit,
        ];
        if !singles.iter().flatten().all(|c| code(c)) {
            return None;
        }
        if !l.reasons.as_deref().is_none_or(codes) || !l.actions.as_deref().is_none_or(codes) {
            return None;
        }
        if !l.deleted && l.reasons.as_ref().is_some_and(Vec::is_empty) {
            return None;
        }
        let owned = |s: Option<&str>| s.map(str::to_string);
        let list = |v: Option<Vec<&str>>| v.map(|v| v.into_iter().map(str::to_string).collect());
        Some(AccessLine {
            id: l.id.to_string(),
            revision: l.revision,
            deleted: l.deleted,
            date,
            hour: l.hour,
            channel: owned(l.channel),
            nationality: owned(l.nationality),
            sex: owned(l.sex),
            age_band: owned(l.age_band),
            first_access: l.first_access,
            referred_by: owned(l.referred_by),
            reasons: list(l.reasons),
            permit: owned(l.permit),
            actions: list(l.actions),
            accompaniment: l.accompaniment,
            mediation: l.mediation,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exchange::wire::sha256_hex;

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

    /// A live access line as the desk writes it, with `edit` applied to its keys: each
    /// `(key, Some(raw JSON))` sets (or adds) a key, `(key, None)` drops it.
    fn access_line(edit: &[(&str, Option<&str>)]) -> String {
        let mut fields: Vec<(String, String)> = [
            ("record", r#""access""#),
            ("id", r#""01900000-0000-7000-8000-0000000000a1""#),
            ("revision", "2"),
            ("deleted", "false"),
            ("date", r#""2024-11-25""#),
            ("hour", "9"),
            ("channel", r#""sportello""#),
            ("nationality", r#""MA""#),
            ("sex", r#""maschio""#),
            ("age_band", r#""18-29""#),
            ("first_access", "true"),
            ("referred_by", r#""comune""#),
            ("reasons", r#"["lavoro","casa"]"#),
            ("permit", r#""lavoro_subordinato""#),
            ("actions", r#"["informazione"]"#),
            ("accompaniment", "false"),
            ("mediation", "false"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        for (key, value) in edit {
            let at = fields.iter().position(|(k, _)| k == key);
            match (at, value) {
                (Some(i), Some(v)) => fields[i].1 = v.to_string(),
                (None, Some(v)) => fields.push((key.to_string(), v.to_string())),
                (Some(i), None) => {
                    fields.remove(i);
                }
                (None, None) => {}
            }
        }
        let body: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!(r#""{k}":{v}"#))
            .collect();
        format!("{{{}}}", body.join(","))
    }

    /// A file of `n` distinct access lines, with `edit(i)` replacing line `i + 2` when
    /// it says so: large enough to be read in parts side by side.
    fn many_lines(n: usize, edit: impl Fn(usize) -> Option<String>) -> Vec<u8> {
        let lines: Vec<String> = (0..n)
            .map(|i| edit(i).unwrap_or_else(|| line_with_id_of(i)))
            .collect();
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        file(&refs)
    }

    /// The id of line `i + 2` of [`many_lines`], as a line with that id.
    fn line_with_id_of(i: usize) -> String {
        let id = format!(r#""01900000-0000-4000-8000-{i:012x}""#);
        access_line(&[("id", Some(&id))])
    }

    #[test]
    fn a_large_file_read_in_parts_reads_as_line_by_line() {
        let n = 3 * LINES_A_THREAD + 17;
        let parsed = parse(&many_lines(n, |_| None)).unwrap();
        assert_eq!(parsed.records.len(), n);
        // every line in place, numbered from 2
        for (i, (line, record)) in parsed.records.iter().enumerate() {
            assert_eq!(*line, i + 2);
            assert_eq!(record.id(), format!("01900000-0000-4000-8000-{i:012x}"));
        }
        let bad = access_line(&[("hour", Some("24"))]);
        let late = n - 10;
        // a repeated id far from its first line: named at the later line
        let e = parse(&many_lines(n, |i| (i == late).then(|| line_with_id_of(3)))).unwrap_err();
        assert_eq!((e.kind, e.line), (K::DuplicateId, Some(late + 2)), "{e:?}");
        assert!(e.message.contains("also on line 5"), "{}", e.message);
        // the first fault in the file wins, whichever part it lies in
        let early = 40;
        let e = parse(&many_lines(n, |i| {
            (i == early)
                .then(|| bad.clone())
                .or_else(|| (i == late).then(|| line_with_id_of(3)))
        }))
        .unwrap_err();
        assert_eq!((e.kind, e.line), (K::OutOfRange, Some(early + 2)), "{e:?}");
        let e = parse(&many_lines(n, |i| {
            (i == late)
                .then(|| bad.clone())
                .or_else(|| (i == early).then(|| line_with_id_of(3)))
        }))
        .unwrap_err();
        assert_eq!((e.kind, e.line), (K::DuplicateId, Some(early + 2)), "{e:?}");
        // a bad line in each part: the first one
        let e = parse(&many_lines(n, |i| {
            (i == early || i == late).then(|| bad.clone())
        }))
        .unwrap_err();
        assert_eq!(e.line, Some(early + 2), "{e:?}");
        // a repeated id after a bad line of an earlier part is never reached
        let e = parse(&many_lines(n, |i| {
            (i == LINES_A_THREAD)
                .then(|| bad.clone())
                .or_else(|| (i == late).then(|| line_with_id_of(3)))
        }))
        .unwrap_err();
        assert_eq!(e.line, Some(LINES_A_THREAD + 2), "{e:?}");
        // a damaged file is refused for its frame, its lines read or not
        let mut cut = many_lines(n, |i| (i == late).then(|| bad.clone()));
        let at = cut.len() / 2;
        cut[at] = b'x';
        assert_eq!(parse(&cut).unwrap_err().kind, K::ChecksumMismatch);
    }

    /// The fast reader takes a line only as the field-by-field reader reads it.
    fn agrees(line: &str) {
        let slow = slow_line(2, line.as_bytes());
        if let Some(fast) = fast::access(line.as_bytes()) {
            assert_eq!(slow, Ok(Record::Access(fast)), "{line}");
        }
    }

    #[test]
    fn the_fast_reader_takes_the_common_line_and_leaves_the_rest_to_the_slow_one() {
        let plain = access_line(&[]);
        assert!(fast::access(plain.as_bytes()).is_some(), "{plain}");
        agrees(&plain);
        let tombstone = access_line(&[
            ("deleted", Some("true")),
            ("hour", None),
            ("channel", Some("null")),
            ("reasons", Some("[]")),
        ]);
        assert!(fast::access(tombstone.as_bytes()).is_some());
        agrees(&tombstone);
        let refused: Vec<String> = vec![
            format!("[{}]", &plain[1..plain.len() - 1]),
            format!(" {plain}"),
            plain.replace(r#""hour":9"#, r#""hour":9,"hour":10"#),
            plain.replace(r#""hour":9"#, r#""hour":9,"color":"red""#),
            plain.replace(r#""MA""#, r#""M\u0041""#),
            access_line(&[("record", Some(r#""case""#))]),
            access_line(&[("id", Some(r#""01900000-0000-7000-8000-0000000000A1""#))]),
            access_line(&[("id", Some(r#""{01900000-0000-7000-8000-0000000000a1}""#))]),
            access_line(&[("id", Some(r#""019000000000700080000000000000a1""#))]),
            access_line(&[("revision", Some("0"))]),
            access_line(&[("revision", Some("2.0"))]),
            access_line(&[("revision", Some(r#""2""#))]),
            access_line(&[("hour", Some("24"))]),
            access_line(&[("hour", Some("-1"))]),
            access_line(&[("hour", None)]),
            access_line(&[("sex", Some("null"))]),
            access_line(&[("date", Some(r#""2024-2-30""#))]),
            access_line(&[("date", Some(r#""2024-02-30""#))]),
            access_line(&[("channel", Some(r#""""#))]),
            access_line(&[("channel", Some(&format!(r#""{}""#, "x".repeat(33))))]),
            access_line(&[("reasons", Some("[]"))]),
            access_line(&[("reasons", Some(r#"["casa","casa"]"#))]),
            access_line(&[("reasons", Some(r#""casa""#))]),
            access_line(&[("actions", Some(r#"[{"a":1}]"#))]),
            access_line(&[("mediation", Some("0"))]),
        ];
        for line in &refused {
            assert_eq!(fast::access(line.as_bytes()), None, "{line}");
        }
        // what a whole file of them says is the field-by-field reader's word
        for line in refused.iter().chain([&plain, &tombstone]) {
            agrees(line);
            let via_file = parse(&file(&[line.as_str()]));
            let alone = slow_line(2, line.as_bytes());
            assert_eq!(
                via_file.map(|f| f.records[0].1.clone()).map_err(|e| e.kind),
                alone.map_err(|e| e.kind),
                "{line}"
            );
        }
    }

    proptest::proptest! {
        /// Any mix of edits: whatever the fast reader takes, the slow one reads alike.
        #[test]
        fn the_fast_reader_never_reads_a_line_otherwise(
            edits in proptest::collection::vec(
                (
                    proptest::sample::select(vec![
                        "record", "id", "revision", "deleted", "date", "hour", "channel",
                        "sex", "first_access", "reasons", "actions", "mediation", "extra",
                    ]),
                    proptest::option::of(proptest::sample::select(vec![
                        "null", "true", "false", "0", "1", "23", "24", "-3", "1.5", "[]",
                        r#"["casa"]"#, r#"["casa","casa"]"#, r#"["casa","lavoro"]"#, r#""""#,
                        r#""access""#, r#""case""#, r#""2024-01-31""#, r#""2024-1-31""#,
                        r#""01900000-0000-7000-8000-0000000000b2""#, r#""x\u0079""#, "{}",
                    ])),
                ),
                0..5,
            )
        ) {
            let edits: Vec<(&str, Option<&str>)> = edits.into_iter().collect();
            agrees(&access_line(&edits));
        }
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
