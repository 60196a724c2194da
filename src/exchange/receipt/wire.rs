//! The lines of a receipt file (format versions 1 and 2) as Rust types: the one definition of
//! the format, serialised by the writer in the order of their fields, and the key lists
//! the strict reader accepts (`docs/receipt.md`).

use serde::{Deserialize, Serialize};

use crate::codebook::ChannelGroup;
use crate::exchange::import::{Outcome, RejectionKind};

/// The `format` of a receipt's header.
pub const FORMAT: &str = "sportello-receipt";
/// The receipt format version this program writes. Version 2 adds the coordinator's
/// public key (`recipient`) to the header and the `service` lines; the reader reads
/// versions 1 and 2 ([`READ_VERSIONS`]).
pub const FORMAT_VERSION: i64 = 2;
/// The receipt format versions this program reads.
pub const READ_VERSIONS: &[i64] = &[1, 2];
/// The largest receipt read: 16 MiB. A receipt of a desk with years of files and
/// conflicts is well under 1 MiB; a larger file is not a receipt.
pub const MAX_RECEIPT_BYTES: u64 = 16 * 1024 * 1024;
/// The longest label, document text or list of conflicting fields item accepted.
pub const MAX_TEXT_CHARS: usize = 200;

/// Line 1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename = "header")]
pub struct Header {
    pub format: String,
    pub format_version: i64,
    /// A UUID, new for every receipt.
    pub receipt_id: String,
    /// The desk the receipt is for.
    pub desk: String,
    /// RFC 3339 with offset: when the coordinator wrote it. Orders the receipts of one
    /// desk: an older one changes nothing on the desk.
    pub created_at: String,
    /// The coordinator's own desk code.
    pub coordinator: String,
    /// Version 2: the coordinator's public age key (`age1...`), `Some(None)` (written
    /// `null`) when it has none yet. `None` in a version 1 receipt, where the key is
    /// not written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<Option<String>>,
}

/// The sequence numbers of the desk's files received (inclusive ranges) and missing
/// (below the highest received). Exactly one per receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename = "sequences")]
pub struct Sequences {
    pub received: Vec<(i64, i64)>,
    pub missing: Vec<i64>,
}

/// What became of one file the coordinator received from the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename = "file")]
pub struct FileLine {
    /// `None` for a file rejected before its header could be read.
    pub export_id: Option<String>,
    pub sequence: Option<i64>,
    pub outcome: Outcome,
    /// The rejection's kind when `outcome` is `rejected` (`None` for a file rejected
    /// before the kind was logged); always `None` otherwise.
    pub rejection: Option<RejectionKind>,
}

/// A record the coordinator kept against a different copy of the same revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename = "conflict")]
pub struct ConflictLine {
    /// The export the differing copy came in.
    pub export_id: String,
    /// `access` or `case`.
    pub entity: String,
    pub id: String,
    pub revision: i64,
    /// The names of the fields that differ (never their values).
    pub fields: Vec<String>,
}

/// The coordinator's codebook version. Exactly one per receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename = "codebook")]
pub struct CodebookLine {
    pub version: i64,
}

/// One entry of the coordinator's codebook: every entry of every list is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename = "code")]
pub struct CodeLine {
    pub list: String,
    pub code: String,
    pub label: String,
    pub label_en: String,
    pub active: bool,
    /// Present (and required) on channel entries only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<ChannelGroup>,
}

/// One appointment kind with its documents to bring, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename = "appointment_kind")]
pub struct KindLine {
    pub code: String,
    pub label: String,
    pub label_en: String,
    pub slot_minutes: i64,
    pub active: bool,
    pub documents: Vec<String>,
}

/// Version 2: one service of the list of case services the coordinator keeps
/// (`cases::services`), active or retired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename = "service")]
pub struct ServiceLine {
    pub code: String,
    pub label: String,
    pub label_en: String,
    pub active: bool,
}

/// The last line: the export's trailer, `count` being the lines between header and
/// trailer.
pub use crate::exchange::wire::Trailer;

/// The header's keys in version 1.
pub const HEADER_KEYS_V1: &[&str] = &[
    "record",
    "format",
    "format_version",
    "receipt_id",
    "desk",
    "created_at",
    "coordinator",
];
/// The header's keys in version 2.
pub const HEADER_KEYS: &[&str] = &[
    "record",
    "format",
    "format_version",
    "receipt_id",
    "desk",
    "created_at",
    "coordinator",
    "recipient",
];
pub const SERVICE_KEYS: &[&str] = &["record", "code", "label", "label_en", "active"];
pub const SEQUENCES_KEYS: &[&str] = &["record", "received", "missing"];
pub const FILE_KEYS: &[&str] = &["record", "export_id", "sequence", "outcome", "rejection"];
pub const CONFLICT_KEYS: &[&str] = &["record", "export_id", "entity", "id", "revision", "fields"];
pub const CODEBOOK_KEYS: &[&str] = &["record", "version"];
pub const CODE_KEYS: &[&str] = &[
    "record", "list", "code", "label", "label_en", "active", "group",
];
pub const KIND_KEYS: &[&str] = &[
    "record",
    "code",
    "label",
    "label_en",
    "slot_minutes",
    "active",
    "documents",
];

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

    #[test]
    fn the_key_lists_are_the_fields_of_the_types() {
        let code = CodeLine {
            list: "channel".into(),
            code: "sportello".into(),
            label: "Sportello".into(),
            label_en: "Desk".into(),
            active: true,
            group: Some(ChannelGroup::FrontDesk),
        };
        assert_eq!(keys(&code), CODE_KEYS, "a channel entry writes every key");
        let file = FileLine {
            export_id: None,
            sequence: None,
            outcome: Outcome::Rejected,
            rejection: None,
        };
        assert_eq!(keys(&file), FILE_KEYS, "null keys are written, not dropped");
        let kind = KindLine {
            code: "altro".into(),
            label: "Altro".into(),
            label_en: "Other".into(),
            slot_minutes: 30,
            active: true,
            documents: vec![],
        };
        assert_eq!(keys(&kind), KIND_KEYS);
        let conflict = ConflictLine {
            export_id: String::new(),
            entity: "access".into(),
            id: String::new(),
            revision: 1,
            fields: vec![],
        };
        assert_eq!(keys(&conflict), CONFLICT_KEYS);
        let service = ServiceLine {
            code: "asl".into(),
            label: "ASL".into(),
            label_en: "Health".into(),
            active: true,
        };
        assert_eq!(keys(&service), SERVICE_KEYS);
        let mut header = Header {
            format: FORMAT.into(),
            format_version: 1,
            receipt_id: String::new(),
            desk: "FOL".into(),
            created_at: String::new(),
            coordinator: "GRO".into(),
            recipient: None,
        };
        assert_eq!(keys(&header), HEADER_KEYS_V1, "version 1 has no recipient");
        header.recipient = Some(None);
        assert_eq!(keys(&header), HEADER_KEYS, "version 2 writes it, null too");
    }
}
