//! The daily backup: at start, and then every hour while the app stays open (desks
//! leave it open for weeks), a verified backup when the last good one is older than a
//! day. The demo database is never backed up. A failure (a USB stick not plugged in)
//! is reported and never stops the app; the window's status line warns when the last
//! good backup is over two days old.

use std::time::Duration;

use sportello::store::backup;
use sportello::{Now, Store};
use tauri::{AppHandle, Manager};

use crate::AppState;

/// How often the app looks whether the daily backup is due.
const EVERY: Duration = Duration::from_secs(60 * 60);

/// Takes the daily backup of `store` when it is due.
pub fn run_if_due(store: &Store, now: Now) {
    let Some(db) = store.path().map(std::path::Path::to_path_buf) else {
        return;
    };
    let due = (|| -> sportello::Result<bool> {
        if sportello::demo::is_demo(store.conn())? {
            return Ok(false);
        }
        Ok(backup::due(
            &backup::status(store.conn(), &db, now.utc())?,
            now.utc(),
        ))
    })();
    match due {
        Ok(false) => {}
        Ok(true) => {
            if let Err(e) = backup::take(store.conn(), &db, None, now.utc()) {
                eprintln!("sportello: the daily backup failed: {e}");
            }
        }
        Err(e) => eprintln!("sportello: the daily backup could not be planned: {e}"),
    }
}

/// Looks every hour whether the daily backup is due, on the open store.
pub fn every_hour(app: AppHandle) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(EVERY);
            let state = app.state::<AppState>();
            // whoever is signed in, or nobody: the backup is the app's own
            let _ = state.with_open(|s| {
                run_if_due(s, Now::read());
                Ok::<(), sportello::Error>(())
            });
        }
    });
}
