//! The desk export file, format version 1, as Rust types: the one definition of its
//! lines, used by the writer ([`super::export`]) and the reader ([`super::import`]).
//!
//! Field order in these structs is the order of CONTRACTS.md, and serde writes fields in
//! declaration order, so serialising a value gives the contract's key order. The
//! `*_KEYS` lists are what the reader accepts (an unknown key is an error in version 1);
//! a test pins them to the serialised keys of these types, so the list and the types
//! cannot drift apart. The reader does not deserialise lines with serde directly: it
//! checks each field itself so that a rejection names the line, the field and a stable
//! kind (see `import::parse`), then builds these same types.
//!
//! Tombstones carry only what the contract requires: the optional characteristics are
//! `None` on a deleted record and are then left out of the line. A live case's
//! `closed_on` is written as `null` while the case is open, hence its double option.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};
use sha2::{Digest, Sha256};

use crate::cases::CaseType;

/// The format name written in every header.
pub const FORMAT: &str = "sportello-export";
/// The one format version this program writes and reads.
pub const FORMAT_VERSION: i64 = 1;

/// SHA-256 of `bytes`, lowercase hex (sha2 0.11 digests do not format with `{:x}`).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The period a file covers, both days included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Line 1 of a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename = "header", deny_unknown_fields)]
pub struct Header {
    /// Always [`FORMAT`].
    pub format: String,
    /// Always [`FORMAT_VERSION`] in a file this program reads.
    pub format_version: i64,
    /// A UUID naming this export (a random UUIDv4 when this program wrote it; older files carry UUIDv7s).
    pub export_id: String,
    /// The desk of every record in the file: 2 to 8 upper-case letters.
    pub desk: String,
    /// 1 for a desk's first export, one more for each next one.
    pub sequence: i64,
    /// When the file was written: RFC 3339 with offset.
    pub created_at: String,
    pub period: Period,
    /// The codebook version the desk wrote the file with, 1 or more.
    pub codebook_version: i64,
}

/// An access line. The characteristics are `None` only on tombstones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessLine {
    pub id: String,
    pub revision: i64,
    pub deleted: bool,
    pub date: NaiveDate,
    /// 0 to 23.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hour: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nationality: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age_band: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_access: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub referred_by: Option<String>,
    /// At least one code on a live access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasons: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accompaniment: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mediation: Option<bool>,
}

/// A case line. `case_type` and `reason` are `None` only on tombstones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseLine {
    pub id: String,
    pub revision: i64,
    pub deleted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_type: Option<CaseType>,
    pub opened_on: NaiveDate,
    /// `Some(None)`: written as `null`, the case is open. `None`: left out (a tombstone).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub closed_on: Option<Option<NaiveDate>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl CaseLine {
    /// The closing date, if the line has one.
    pub fn closed(&self) -> Option<NaiveDate> {
        self.closed_on.flatten()
    }
}

/// A key that is present, even as `null`, is `Some`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

/// One record line: an access or a case, told apart by its `record` key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub enum Record {
    Access(AccessLine),
    Case(CaseLine),
}

impl Record {
    /// The record's id.
    pub fn id(&self) -> &str {
        match self {
            Record::Access(a) => &a.id,
            Record::Case(c) => &c.id,
        }
    }

    /// `"access"` or `"case"`, the `record` key of the line.
    pub fn kind(&self) -> &'static str {
        match self {
            Record::Access(_) => "access",
            Record::Case(_) => "case",
        }
    }
}

/// The last line of a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename = "trailer", deny_unknown_fields)]
pub struct Trailer {
    /// The number of record lines.
    pub count: i64,
    /// Lowercase hex SHA-256 of every byte of the file before the trailer line.
    pub sha256: String,
}

/// The keys of a header line, in order.
pub const HEADER_KEYS: &[&str] = &[
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
/// The keys of the header's `period`, in order.
pub const PERIOD_KEYS: &[&str] = &["from", "to"];
/// The keys of an access line, in order.
pub const ACCESS_KEYS: &[&str] = &[
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
/// The keys of a case line, in order.
pub const CASE_KEYS: &[&str] = &[
    "record",
    "id",
    "revision",
    "deleted",
    "case_type",
    "opened_on",
    "closed_on",
    "reason",
];
/// The keys of the trailer line, in order.
pub const TRAILER_KEYS: &[&str] = &["record", "count", "sha256"];

/// One line as written: compact JSON followed by `\n`.
pub fn write_line<T: Serialize>(out: &mut Vec<u8>, line: &T) -> serde_json::Result<()> {
    serde_json::to_writer(&mut *out, line)?;
    out.push(b'\n');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn keys<T: Serialize>(value: &T) -> Vec<String> {
        match serde_json::to_value(value).unwrap() {
            Value::Object(map) => map.keys().cloned().collect(),
            other => panic!("not an object: {other}"),
        }
    }

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn full_access() -> AccessLine {
        AccessLine {
            id: "01900000-0000-7000-8000-0000000000a1".into(),
            revision: 1,
            deleted: false,
            date: day("2024-03-11"),
            hour: Some(10),
            channel: Some("sportello".into()),
            nationality: Some("MA".into()),
            sex: Some("maschio".into()),
            age_band: Some("30-39".into()),
            first_access: Some(true),
            referred_by: Some("iniziativa_propria".into()),
            reasons: Some(vec!["lavoro".into()]),
            permit: Some("in_rinnovo".into()),
            actions: Some(vec![]),
            accompaniment: Some(false),
            mediation: Some(false),
        }
    }

    fn open_case() -> CaseLine {
        CaseLine {
            id: "01900000-0000-7000-8000-0000000000c1".into(),
            revision: 2,
            deleted: false,
            case_type: Some(CaseType::Full),
            opened_on: day("2024-01-02"),
            closed_on: Some(None),
            reason: Some("cittadinanza".into()),
        }
    }

    #[test]
    fn the_key_lists_are_the_serialised_keys_in_contract_order() {
        let header = Header {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            export_id: "01900000-0000-7000-8000-000000000001".into(),
            desk: "FOL".into(),
            sequence: 1,
            created_at: "2024-03-12T09:30:00+00:00".into(),
            period: Period {
                from: day("2024-03-10"),
                to: day("2024-03-11"),
            },
            codebook_version: 1,
        };
        assert_eq!(keys(&header), HEADER_KEYS, "header keys");
        assert_eq!(keys(&header.period), PERIOD_KEYS, "period keys");
        assert_eq!(
            keys(&Record::Access(full_access())),
            ACCESS_KEYS,
            "access keys"
        );
        assert_eq!(keys(&Record::Case(open_case())), CASE_KEYS, "case keys");
        let trailer = Trailer {
            count: 0,
            sha256: String::new(),
        };
        assert_eq!(keys(&trailer), TRAILER_KEYS, "trailer keys");
    }

    #[test]
    fn an_open_case_writes_null_and_a_tombstone_only_what_the_contract_requires() {
        let line = serde_json::to_string(&Record::Case(open_case())).unwrap();
        assert!(line.contains(r#""closed_on":null"#), "{line}");
        let tomb = Record::Case(CaseLine {
            case_type: None,
            closed_on: None,
            reason: None,
            deleted: true,
            ..open_case()
        });
        assert_eq!(
            serde_json::to_string(&tomb).unwrap(),
            r#"{"record":"case","id":"01900000-0000-7000-8000-0000000000c1","revision":2,"deleted":true,"opened_on":"2024-01-02"}"#
        );
        let back: Record = serde_json::from_str(&line).unwrap();
        assert_eq!(
            back,
            Record::Case(open_case()),
            "null reads back as an open case"
        );
    }

    #[test]
    fn serde_also_refuses_unknown_keys() {
        let mut value = serde_json::to_value(Record::Access(full_access())).unwrap();
        value["name"] = Value::from("Fatima");
        assert!(
            serde_json::from_value::<Record>(value).is_err(),
            "a misspelt or personal field never passes silently"
        );
    }
}
