//! The coordinator's inbox while the app runs: a look at the inbox folders at start and
//! every few minutes, and on demand. The rules (what is new, the plan, the
//! confirmation) are the core's (`sportello::exchange::inbox`): this only schedules the
//! scans and tells the window when the new files changed.

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use sportello::exchange::import::{Decryption, ImportPlan};
use sportello::exchange::inbox::{self, Confirmation, Confirmed, Scan};
use sportello::report::closing;
use sportello::{Now, ids};
use tauri::{AppHandle, Emitter, Manager, Runtime, State};

use crate::AppState;
use crate::error::IpcResult;

/// How often the app looks at the inbox folders.
const INTERVAL: Duration = Duration::from_secs(5 * 60);

/// The event the window hears when a scan in the background found other new files;
/// its payload is their number.
pub const CHANGED_EVENT: &str = "inbox-changed";

/// The new files of the last scan (path and SHA-256), to tell whether the next one
/// found something else.
#[derive(Default)]
pub struct Watch {
    last: Mutex<Vec<(PathBuf, String)>>,
}

impl Watch {
    /// Remembers `scan`; whether its new files differ from the last scan's.
    fn changed(&self, scan: &Scan) -> bool {
        let now: Vec<_> = scan
            .plan
            .files
            .iter()
            .map(|f| (f.path.clone(), f.sha256.clone()))
            .collect();
        let mut last = self.last.lock().expect("inbox watch lock");
        let changed = *last != now;
        *last = now;
        changed
    }
}

/// Looks at the inbox folders: the plan of the files not seen before, weighed. The
/// database is held for the scan (reading a few new files; the files seen before are
/// only hashed).
fn scan(state: &AppState) -> IpcResult<Scan> {
    state.with(|s| {
        let keys = Decryption::of_database(s.conn())?;
        closing::plan_inbox(s.conn_mut(), &keys)
    })
}

/// Starts the background scans: one now, then one every [`INTERVAL`], when inbox
/// folders are set. The window hears [`CHANGED_EVENT`] when the new files changed.
pub fn start_background<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    std::thread::spawn(move || {
        loop {
            if let (Some(state), Some(watch)) =
                (app.try_state::<AppState>(), app.try_state::<Watch>())
            {
                let set = state.with(|s| inbox::folders(s.conn()));
                if set.is_ok_and(|f| !f.is_empty()) {
                    match scan(&state) {
                        Ok(found) if watch.changed(&found) => {
                            let _ = app.emit(CHANGED_EVENT, found.plan.files.len());
                        }
                        Ok(_) => {}
                        Err(e) => eprintln!("sportello: inbox scan failed: {}", e.message),
                    }
                }
            }
            std::thread::sleep(INTERVAL);
        }
    });
}

/// "Cerca nuovi file": the inbox now.
#[tauri::command(async)]
pub fn get_inbox(state: State<'_, AppState>, watch: State<'_, Watch>) -> IpcResult<Scan> {
    state.coordinator("importare i file degli sportelli")?;
    let found = scan(&state)?;
    watch.changed(&found);
    Ok(found)
}

/// The inbox folders set.
#[tauri::command(async)]
pub fn get_inbox_folders(state: State<'_, AppState>) -> IpcResult<Vec<PathBuf>> {
    state.with(|s| inbox::folders(s.conn()))
}

/// Chooses the inbox folders (one for all desks, or one per desk; none clears them).
#[tauri::command(async)]
pub fn set_inbox_folders(state: State<'_, AppState>, dirs: Vec<String>) -> IpcResult<Vec<PathBuf>> {
    let dirs: Vec<PathBuf> = dirs.into_iter().map(PathBuf::from).collect();
    state.with_coordinator("scegliere le cartelle dei file in arrivo", |s| {
        inbox::set_folders(s.conn(), &dirs)?;
        inbox::folders(s.conn())
    })
}

/// Imports the files of `plan` the coordinator confirmed (one, or all those without
/// conflicts or rejections), each atomically; a new desk only when confirmed; then
/// the receipts.
#[tauri::command(async)]
pub fn confirm_inbox(
    state: State<'_, AppState>,
    plan: ImportPlan,
    confirmation: Confirmation,
) -> IpcResult<Confirmed> {
    let now = Now::read().utc();
    state.with_coordinator("importare i file degli sportelli", |s| {
        let keys = Decryption::of_database(s.conn())?;
        inbox::confirm(s.conn_mut(), &plan, &confirmation, &keys, now, ids::new_id)
    })
}
