//! Helpers of the end-to-end test: start tauri-driver, and stop it cleanly.
