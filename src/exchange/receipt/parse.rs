//! Bytes to a checked [`Receipt`], or a [`Rejection`] naming the line and the field.
//!
//! As strict as the export's reader, and built from the same parts: the strict JSON
//! reader (a repeated key is refused) and the field access of
//! [`crate::exchange::import`], so a receipt is refused with the same stable kinds.
//! Pure (no database), so a fuzzer can hammer it.

use std::collections::HashSet;

use serde_json::Value;

use super::Receipt;
use super::wire::{
    CODE_KEYS, CODEBOOK_KEYS, CONFLICT_KEYS, CodeLine, ConflictLine, FILE_KEYS, FORMAT, FileLine,
    HEADER_KEYS, HEADER_KEYS_V1, Header, KIND_KEYS, KindLine, MAX_RECEIPT_BYTES, MAX_TEXT_CHARS,
    READ_VERSIONS, SEQUENCES_KEYS, SERVICE_KEYS, Sequences, ServiceLine,
};
use crate::codebook::{ChannelGroup, List};
use crate::exchange::import::fields::{Obj, json_line, kind};
use crate::exchange::import::frame::{self, Words};
use crate::exchange::import::{Outcome, Rejection, RejectionKind, err};
use crate::exchange::wire::sha256_hex;

use RejectionKind as K;

impl Obj<'_> {
    fn text(&self, field: &str) -> Result<String, Rejection> {
        self.text_of(field, self.req(field)?)
    }

    fn text_of(&self, field: &str, v: &Value) -> Result<String, Rejection> {
        let s = self.str_of(field, v)?;
        let chars = s.chars().count();
        if chars == 0 || chars > MAX_TEXT_CHARS || s.chars().any(char::is_control) {
            return Err(self.e(
                K::BadText,
                field,
                format!("a text is 1 to {MAX_TEXT_CHARS} characters, without control characters"),
            ));
        }
        Ok(s.to_string())
    }

    fn boolean(&self, field: &str) -> Result<bool, Rejection> {
        self.bool_of(field, self.req(field)?)
    }

    fn list(&self, field: &str) -> Result<&Vec<Value>, Rejection> {
        match self.req(field)? {
            Value::Array(items) => Ok(items),
            v => Err(self.e(
                K::WrongType,
                field,
                format!("expected a list, found {}", kind(v)),
            )),
        }
    }

    fn optional_uuid(&self, field: &str) -> Result<Option<String>, Rejection> {
        match self.req(field)? {
            Value::Null => Ok(None),
            _ => self.uuid(field).map(Some),
        }
    }

    /// A string that must be one of the values the format lists for `field`.
    fn value_of<T>(
        &self,
        field: &str,
        read: impl Fn(&str) -> Option<T>,
        allowed: &str,
    ) -> Result<T, Rejection> {
        let s = self.string(field)?;
        read(s).ok_or_else(|| {
            self.e(
                K::UnknownValue,
                field,
                format!("'{s}' is not one of {allowed}"),
            )
        })
    }
}

/// The header's format and version, read before every other key: the versions of
/// [`READ_VERSIONS`].
fn version(obj: &Obj<'_>) -> Result<i64, Rejection> {
    let found = obj.string("format")?;
    if found != FORMAT {
        return Err(obj.e(
            K::WrongFormat,
            "format",
            format!("'{found}' is not '{FORMAT}'"),
        ));
    }
    let v = obj.req("format_version")?;
    match v.as_i64() {
        Some(n) if READ_VERSIONS.contains(&n) => Ok(n),
        _ => Err(obj.e(
            K::UnknownVersion,
            "format_version",
            format!(
                "format version {v} is not known: this program reads versions 1 and 2; \
                 update Sportello to read this receipt"
            ),
        )),
    }
}

fn parse_header(obj: &Obj<'_>) -> Result<Header, Rejection> {
    let format_version = version(obj)?;
    obj.only(if format_version == 1 {
        HEADER_KEYS_V1
    } else {
        HEADER_KEYS
    })?;
    let receipt_id = obj.uuid("receipt_id")?;
    let desk = obj.desk_code("desk")?;
    let created_at = obj.time("created_at")?;
    let coordinator = obj.desk_code("coordinator")?;
    let recipient = match format_version {
        1 => None,
        _ => Some(match obj.req("recipient")? {
            Value::Null => None,
            v => {
                let text = obj.str_of("recipient", v)?;
                match crate::exchange::encryption::parse_recipient(text) {
                    Ok(r) if r.to_string() == text => Some(text.to_string()),
                    _ => {
                        return Err(obj.e(
                            K::BadRecipient,
                            "recipient",
                            "not a public age key (age1...)",
                        ));
                    }
                }
            }
        }),
    };
    Ok(Header {
        format: FORMAT.into(),
        format_version,
        receipt_id,
        desk,
        created_at,
        coordinator,
        recipient,
    })
}

fn parse_sequences(obj: &Obj<'_>) -> Result<Sequences, Rejection> {
    obj.only(SEQUENCES_KEYS)?;
    let mut received: Vec<(i64, i64)> = Vec::new();
    for item in obj.list("received")? {
        let pair = match item {
            Value::Array(pair) if pair.len() == 2 => pair,
            _ => {
                return Err(obj.e(
                    K::WrongType,
                    "received",
                    "expected a list of [from, to] pairs of integers",
                ));
            }
        };
        let from = obj.int("received", &pair[0], 1, i64::MAX)?;
        let to = obj.int("received", &pair[1], 1, i64::MAX)?;
        // Ranges ascend and neither touch nor overlap: one way to write each set.
        if from > to || received.last().is_some_and(|&(_, last)| from <= last + 1) {
            return Err(obj.e(
                K::OutOfRange,
                "received",
                format!("the range [{from}, {to}] is not after the one before it, or is reversed"),
            ));
        }
        received.push((from, to));
    }
    let mut missing: Vec<i64> = Vec::new();
    for item in obj.list("missing")? {
        let n = obj.int("missing", item, 1, i64::MAX)?;
        let received_n = received.iter().any(|&(a, b)| (a..=b).contains(&n));
        let below_top = received.last().is_some_and(|&(_, top)| n < top);
        if missing.last().is_some_and(|&m| n <= m) || received_n || !below_top {
            return Err(obj.e(
                K::OutOfRange,
                "missing",
                format!(
                    "{n} is not an ascending number below the highest received and not received"
                ),
            ));
        }
        missing.push(n);
    }
    Ok(Sequences { received, missing })
}

fn parse_file(obj: &Obj<'_>) -> Result<FileLine, Rejection> {
    obj.only(FILE_KEYS)?;
    let export_id = obj.optional_uuid("export_id")?;
    let sequence = match obj.req("sequence")? {
        Value::Null => None,
        v => Some(obj.int("sequence", v, 1, i64::MAX)?),
    };
    let outcome = obj.value_of(
        "outcome",
        |s| serde_json::from_value::<Outcome>(Value::String(s.into())).ok(),
        "imported, already_imported, rejected",
    )?;
    let rejection = match obj.req("rejection")? {
        Value::Null => None,
        _ => Some(obj.value_of(
            "rejection",
            RejectionKind::from_code,
            "the rejection kinds of docs/export-format.md",
        )?),
    };
    if rejection.is_some() && outcome != Outcome::Rejected {
        return Err(obj.e(
            K::UnknownValue,
            "rejection",
            "only a rejected file has a rejection kind",
        ));
    }
    if outcome != Outcome::Rejected && (export_id.is_none() || sequence.is_none()) {
        return Err(obj.e(
            K::Missing,
            if export_id.is_none() {
                "export_id"
            } else {
                "sequence"
            },
            "a file that was not rejected has its export id and sequence",
        ));
    }
    Ok(FileLine {
        export_id,
        sequence,
        outcome,
        rejection,
    })
}

fn parse_conflict(obj: &Obj<'_>) -> Result<ConflictLine, Rejection> {
    obj.only(CONFLICT_KEYS)?;
    let export_id = obj.uuid("export_id")?;
    let entity = obj.value_of(
        "entity",
        |s| ["access", "case"].contains(&s).then(|| s.to_string()),
        "access, case",
    )?;
    let id = obj.uuid("id")?;
    let revision = obj.int("revision", obj.req("revision")?, 1, i64::MAX)?;
    let fields = obj.codes_of("fields", obj.req("fields")?)?;
    if fields.is_empty() {
        return Err(obj.e(K::Missing, "fields", "a conflict names at least one field"));
    }
    Ok(ConflictLine {
        export_id,
        entity,
        id,
        revision,
        fields,
    })
}

fn parse_code(obj: &Obj<'_>) -> Result<(List, CodeLine), Rejection> {
    obj.only(CODE_KEYS)?;
    let list = obj.value_of(
        "list",
        |s| s.parse::<List>().ok(),
        "channel, sex, age_band, nationality, referred_by, reason, permit, action",
    )?;
    let code = obj.code_of("code", obj.req("code")?)?;
    let label = obj.text("label")?;
    let label_en = obj.text("label_en")?;
    let active = obj.boolean("active")?;
    let group = match (list, obj.map.get("group")) {
        (List::Channel, None) => return Err(obj.e(K::Missing, "group", "a channel has a group")),
        (List::Channel, Some(_)) => {
            Some(obj.value_of("group", ChannelGroup::parse, "front_desk, phone_mail")?)
        }
        (_, None) => None,
        (_, Some(_)) => {
            return Err(obj.e(K::UnknownField, "group", "only a channel entry has a group"));
        }
    };
    Ok((
        list,
        CodeLine {
            list: list.name().into(),
            code,
            label,
            label_en,
            active,
            group,
        },
    ))
}

fn parse_kind(obj: &Obj<'_>) -> Result<KindLine, Rejection> {
    obj.only(KIND_KEYS)?;
    let code = obj.code_of("code", obj.req("code")?)?;
    let label = obj.text("label")?;
    let label_en = obj.text("label_en")?;
    let slot_minutes = obj.int("slot_minutes", obj.req("slot_minutes")?, 5, 480)?;
    let active = obj.boolean("active")?;
    let mut documents = Vec::new();
    for item in obj.list("documents")? {
        documents.push(obj.text_of("documents", item)?);
    }
    Ok(KindLine {
        code,
        label,
        label_en,
        slot_minutes,
        active,
        documents,
    })
}

fn parse_service(obj: &Obj<'_>) -> Result<ServiceLine, Rejection> {
    obj.only(SERVICE_KEYS)?;
    let code = obj.code_of("code", obj.req("code")?)?;
    if code
        .chars()
        .any(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
    {
        return Err(obj.e(
            K::BadCode,
            "code",
            format!("'{code}' is not a service code (lower-case letters, digits and _)"),
        ));
    }
    let label = obj.text("label")?;
    let label_en = obj.text("label_en")?;
    let active = obj.boolean("active")?;
    Ok(ServiceLine {
        code,
        label,
        label_en,
        active,
    })
}

const WORDS: Words = Words {
    not_this: "this is not a Sportello receipt",
    again: "write it again at the coordinator",
    lines: "lines",
};

/// Reads and checks a whole receipt (format version 1 or 2). Pure: no database.
pub fn parse(bytes: &[u8]) -> Result<Receipt, Rejection> {
    if bytes.len() as u64 > MAX_RECEIPT_BYTES {
        return Err(err(
            K::TooLarge,
            None,
            None,
            format!(
                "the file is larger than {} MiB: it is not a receipt (check the file chosen)",
                MAX_RECEIPT_BYTES / (1024 * 1024)
            ),
        ));
    }
    let header_value = frame::header_line(bytes, &WORDS)?;
    let header = parse_header(&Obj::new(1, &header_value)?)?;
    let body_lines = frame::body_lines(bytes, &WORDS)?;
    let mut sequences = None;
    let mut codebook_version = None;
    let mut files = Vec::new();
    let mut conflicts = Vec::new();
    let mut codes = Vec::new();
    let mut kinds = Vec::new();
    let mut services = Vec::new();
    let mut seen_services = HashSet::new();
    let mut seen_codes = HashSet::new();
    let mut seen_kinds = HashSet::new();
    for (i, raw) in body_lines.iter().enumerate() {
        let n = i + 2;
        let value = json_line(n, raw)?;
        let obj = Obj::new(n, &value)?;
        let once = |found: bool, what: &str| {
            if found {
                Err(obj.e(
                    K::DuplicateRecord,
                    "record",
                    format!("a second '{what}' line: a receipt has exactly one"),
                ))
            } else {
                Ok(())
            }
        };
        match obj.string("record")? {
            "sequences" => {
                once(sequences.is_some(), "sequences")?;
                sequences = Some(parse_sequences(&obj)?);
            }
            "file" => files.push(parse_file(&obj)?),
            "conflict" => conflicts.push(parse_conflict(&obj)?),
            "codebook" => {
                once(codebook_version.is_some(), "codebook")?;
                obj.only(CODEBOOK_KEYS)?;
                codebook_version = Some(obj.int("version", obj.req("version")?, 1, i64::MAX)?);
            }
            "code" => {
                let (list, line) = parse_code(&obj)?;
                if !seen_codes.insert((list, line.code.clone())) {
                    return Err(obj.e(
                        K::DuplicateCode,
                        "code",
                        format!("'{}' is listed twice in the {list} list", line.code),
                    ));
                }
                codes.push(line);
            }
            "appointment_kind" => {
                let line = parse_kind(&obj)?;
                if !seen_kinds.insert(line.code.clone()) {
                    return Err(obj.e(
                        K::DuplicateCode,
                        "code",
                        format!("the appointment kind '{}' is listed twice", line.code),
                    ));
                }
                kinds.push(line);
            }
            "service" if header.format_version >= 2 => {
                let line = parse_service(&obj)?;
                if !seen_services.insert(line.code.clone()) {
                    return Err(obj.e(
                        K::DuplicateCode,
                        "code",
                        format!("the service '{}' is listed twice", line.code),
                    ));
                }
                services.push(line);
            }
            other => {
                return Err(obj.e(
                    K::UnknownRecord,
                    "record",
                    format!(
                        "'{other}' is not a receipt line of version {} (sequences, file, \
                         conflict, codebook, code, appointment_kind{})",
                        header.format_version,
                        if header.format_version >= 2 {
                            ", service"
                        } else {
                            ""
                        }
                    ),
                ));
            }
        }
    }
    let Some(sequences) = sequences else {
        return Err(err(
            K::Missing,
            None,
            Some("sequences"),
            "no 'sequences' line",
        ));
    };
    let Some(codebook_version) = codebook_version else {
        return Err(err(
            K::Missing,
            None,
            Some("codebook"),
            "no 'codebook' line",
        ));
    };
    Ok(Receipt {
        header,
        sequences,
        files,
        conflicts,
        codebook_version,
        codes,
        kinds,
        services,
        file_sha256: sha256_hex(bytes),
    })
}
