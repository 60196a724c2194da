//! IPC commands, one module per area; each command is a few lines over a core call.

pub mod appointments;
pub mod desk;
pub mod sync;
