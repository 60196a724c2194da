//! End-to-end tests of the desktop app: the real window driven over WebDriver
//! (tauri-driver and WebKitWebDriver), each scenario on a fresh temporary database with
//! fresh XDG folders, its own tauri-driver on free ports, and the outcome checked
//! through the core and the command line.
//!
//! Needs a display: `make e2e` runs them under `xvfb-run`, one at a time
//! (`--test-threads=1`: they share the display and the two cores). Plain `cargo test`
//! skips them (`#[ignore]`).

mod accessibility;
mod appointments;
mod backup;
mod case_file;
mod cases;
mod inbox;
mod operators;
mod register;
mod report;
mod sync;
