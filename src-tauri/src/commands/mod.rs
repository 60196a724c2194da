//! IPC commands, one module per area; each command is a few lines over a core call.

pub mod accesses;
pub mod appointments;
pub mod backup;
pub mod case_papers;
pub mod cases;
pub mod codebook;
pub mod context;
pub mod desk;
pub mod keys;
pub mod operators;
pub mod outbox;
pub mod receipts;
pub mod report;
pub mod sync;
pub mod years;
