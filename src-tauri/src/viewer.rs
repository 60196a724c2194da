//! Opens a file with the system's default viewer (a PDF reader, an image viewer), for
//! the copies of documents of a case.
//!
//! A plain command of the platform (`xdg-open`, `open`, `start`) rather than a plugin:
//! the copies are files of the app's own folder, whose path the core gives, and the
//! window never handles a path or a URL itself.

use std::path::Path;
use std::process::Command;

/// Starts the viewer of `path` and returns without waiting for it.
pub fn open(path: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    let mut command = Command::new("xdg-open");
    #[cfg(target_os = "macos")]
    let mut command = Command::new("open");
    #[cfg(target_os = "windows")]
    let mut command = {
        let mut c = Command::new("cmd");
        // `start` takes its first quoted argument as a window title
        c.args(["/C", "start", ""]);
        c
    };
    let mut child = command.arg(path).spawn()?;
    // reap the launcher when it exits, so no zombie stays behind
    std::thread::spawn(move || child.wait());
    Ok(())
}
