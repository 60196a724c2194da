//! Sportello: the core of the front-desk register of the Sportello Info Immigrati desks.
//!
//! Everything the desktop app and the `sportello` command line do lives here: the
//! domain types and their validation, the SQLite store and its migrations, the shared
//! codebook, the desk settings, and (in their own modules) export/import, reports and
//! slips. This crate never depends on Tauri: the shell in `src-tauri` only adapts these
//! functions to IPC commands, so the app and the CLI can never disagree.
//!
//! Time and identity are passed in (`now`, `today`, the desk), never read inside the
//! logic, so every function is deterministic under test.

pub mod appointments;
pub mod cases;
pub mod clock;
pub mod codebook;
pub mod context;
pub mod demo;
pub mod desk;
pub mod error;
pub mod exchange;
mod files;
pub mod ids;
pub mod limits;
pub mod operators;
pub mod preferences;
pub mod print;
pub mod register;
pub mod report;
pub mod store;
pub mod yearbook;

pub use clock::Now;
pub use error::{Error, Result};
pub use store::Store;

/// The application identifier shared with the desktop shell: it names the app-data
/// folder that holds the default database.
pub const APP_IDENTIFIER: &str = "it.coeso.sportello";
