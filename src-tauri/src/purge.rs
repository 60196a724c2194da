//! The scheduled erasure of personal data past its retention: the appointments' names
//! and phones, and the personal files of cases closed too long ago. It runs at start
//! and then once a day while the app stays open (desks leave it open for weeks).

use std::time::Duration;

use sportello::{Now, Store};
use tauri::{AppHandle, Manager};

use crate::AppState;

/// How often the purge runs while the app is open.
const EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// Runs both purges on `store`; a failure is reported and never stops the app.
pub fn run(store: &mut Store, now: Now) {
    if let Err(e) = sportello::appointments::purge(store.conn_mut(), "", now) {
        eprintln!("sportello: appointment purge failed: {e}");
    }
    if let Err(e) = sportello::cases::retention::purge(store.conn_mut(), "", now) {
        eprintln!("sportello: case purge failed: {e}");
    }
}

/// Runs the purges once a day on the open store (the demo one too, after a switch).
pub fn every_day(app: AppHandle) {
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(EVERY);
            let state = app.state::<AppState>();
            let _ = state.with_open(|s| {
                run(s, Now::read());
                Ok::<(), sportello::Error>(())
            });
        }
    });
}
