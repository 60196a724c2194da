//! The exchange of files between a desk and the coordinator: the desk export file,
//! format version 1 (CONTRACTS.md, `docs/export-format.md`).
//!
//! - [`wire`]: the lines of the file as Rust types, the one definition of the format,
//!   used by both sides.
//! - [`records`]: the one mapping between the stored rows of the register and the
//!   cases and the lines of the file.
//! - [`export`]: a desk writes its own records into one file, atomically, and logs it.
//! - [`outbox`]: the desk's export files wait beside the database until they are
//!   delivered, verified, to the destination folder (a stick, a share, a synced folder).
//! - [`encryption`]: an export encrypted for the coordinator (the age format), the
//!   coordinator's key pair, and the opening of encrypted files on import.
//! - [`receipt`]: the coordinator's receipt for a desk (what arrived, what is missing,
//!   the shared codebook and appointment kinds), written after an import, read by the
//!   desk.
//! - [`inbox`]: the coordinator's inbox folders, looked at for desk files not seen
//!   before, planned as a dry run, imported once confirmed.
//! - [`import`]: the coordinator plans the import of a batch of files (a value: what
//!   would be new, updated, unchanged, conflicting or rejected, stored nowhere), then
//!   applies exactly that plan, refusing a file changed since it was planned.

pub mod encryption;
pub mod export;
pub mod import;
pub mod inbox;
pub mod outbox;
pub mod receipt;
pub mod records;
pub mod wire;

#[cfg(test)]
mod golden;

pub use export::{ExportSummary, Pending, Selection, export, export_to_folder};
pub use import::{FileReport, ImportPlan, Outcome, Rejection, RejectionKind, apply, plan};
pub use wire::{FORMAT, FORMAT_VERSION, sha256_hex};
