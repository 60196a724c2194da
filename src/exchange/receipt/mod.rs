//! The coordinator's receipt for a desk (format version 2, version 1 still read;
//! `docs/receipt.md`): what it
//! received from that desk (sequence numbers, each file's outcome, the conflicts) and
//! the shared lists it keeps (the codebook, the appointment kinds with their
//! documents, the case services) and its public key. The desk reads it to see what is missing and to bring its lists up to
//! the coordinator's.
//!
//! - [`wire`]: the lines as Rust types and the key lists, the one definition.
//! - [`parse`]: bytes to a checked [`Receipt`], as strict as the export's reader.
//! - [`encode`]: a [`Receipt`] to bytes, with the trailer's count and SHA-256.
//! - [`build`], [`write_to_folder`], [`write_after_import`]: the coordinator writes a
//!   desk's receipt from its import log, codebook and appointment kinds.
//! - [`take`]: the desk takes a receipt: its codebook and appointment kinds brought up
//!   to the coordinator's, what the coordinator received remembered ([`standing`]).
//!
//! A receipt never carries personal data: the records it names carry none, and it
//! names them only by id, revision and the names of the fields in conflict.

mod build;
mod folder;
mod parse;
mod take;
pub mod wire;

pub use build::{FOLDER_SETTING, build, folder, set_folder, write_after_import, write_to_folder};
pub use folder::{ReadReceipt, read_paths, receipt_files};
pub use parse::parse;
pub use take::{Standing, Taken, standing, take};
pub use wire::{FORMAT, FORMAT_VERSION, MAX_RECEIPT_BYTES, READ_VERSIONS};

use serde::{Deserialize, Serialize};

use crate::exchange::wire::{sha256_hex, write_line};
use wire::{
    CodeLine, CodebookLine, ConflictLine, FileLine, Header, KindLine, Sequences, ServiceLine,
    Trailer,
};

/// A checked receipt, or one about to be written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub header: Header,
    pub sequences: Sequences,
    pub files: Vec<FileLine>,
    pub conflicts: Vec<ConflictLine>,
    /// The coordinator's codebook version the `codes` are a snapshot of.
    pub codebook_version: i64,
    pub codes: Vec<CodeLine>,
    pub kinds: Vec<KindLine>,
    /// Version 2: the list of case services (empty in version 1).
    #[serde(default)]
    pub services: Vec<ServiceLine>,
    /// SHA-256 of the whole file as read (empty for one built to be written).
    #[serde(default)]
    pub file_sha256: String,
}

/// The bytes of `receipt`: header, sequences, files, conflicts, codebook, codes,
/// kinds, services (version 2), trailer; every line compact JSON ended by `\n`.
pub fn encode(receipt: &Receipt) -> Vec<u8> {
    // Serialising these plain structs cannot fail: every key is a string.
    fn put<T: Serialize>(out: &mut Vec<u8>, count: &mut i64, line: &T) {
        write_line(out, line).expect("a plain struct serialises");
        *count += 1;
    }
    let mut out = Vec::new();
    let mut count = -1i64; // the header is not counted
    put(&mut out, &mut count, &receipt.header);
    put(&mut out, &mut count, &receipt.sequences);
    for f in &receipt.files {
        put(&mut out, &mut count, f);
    }
    for c in &receipt.conflicts {
        put(&mut out, &mut count, c);
    }
    let codebook = CodebookLine {
        version: receipt.codebook_version,
    };
    put(&mut out, &mut count, &codebook);
    for c in &receipt.codes {
        put(&mut out, &mut count, c);
    }
    for k in &receipt.kinds {
        put(&mut out, &mut count, k);
    }
    for s in &receipt.services {
        put(&mut out, &mut count, s);
    }
    let trailer = Trailer {
        count,
        sha256: sha256_hex(&out),
    };
    write_line(&mut out, &trailer).expect("a plain struct serialises");
    out
}

/// The suggested file name of a receipt: `sportello-receipt-<DESK>-<8 hex>.jsonl`, the
/// last 8 hex digits of the receipt id.
pub fn file_name(receipt: &Receipt) -> String {
    let id = receipt.header.receipt_id.replace('-', "");
    let tail = &id[id.len().saturating_sub(8)..];
    format!("sportello-receipt-{}-{tail}.jsonl", receipt.header.desk)
}

#[cfg(test)]
mod tests;
