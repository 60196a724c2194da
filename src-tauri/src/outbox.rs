//! The outbox while the app runs: a delivery attempt at start and every few minutes,
//! one delivery at a time, and the question asked when the window closes with records
//! not exported. The rules are the core's (`sportello::exchange::outbox`): this only
//! schedules them and holds the database no longer than a read or a log write.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use sportello::Now;
use sportello::exchange::outbox::{self, DeliveryReport, Outbox, RealDisk};
use tauri::{AppHandle, Emitter, Manager, Runtime, Window, WindowEvent};

use crate::AppState;
use crate::error::{IpcError, IpcResult};

/// How often the app tries to deliver what waits.
const INTERVAL: Duration = Duration::from_secs(5 * 60);

/// The event the window hears when a delivery in the background changed the outbox.
pub const CHANGED_EVENT: &str = "outbox-changed";
/// The event the window hears when it is asked to close with records not exported;
/// its payload is their number.
pub const CLOSE_EVENT: &str = "close-requested";

/// One delivery at a time, and whether the operator was already asked about closing.
#[derive(Default)]
pub struct Courier {
    delivering: Mutex<()>,
    asked_to_close: AtomicBool,
}

/// Delivers what waits: the plan read under the database's lock, the copies without
/// it (a slow share never blocks the register), the outcome logged under it again.
/// A delivery already running (the timer, or the button pressed twice) is refused
/// with `delivery_in_progress`.
pub fn deliver(state: &AppState, courier: &Courier) -> IpcResult<DeliveryReport> {
    let Ok(_one_at_a_time) = courier.delivering.try_lock() else {
        return Err(IpcError::new(
            "delivery_in_progress",
            "a delivery is already running".into(),
        ));
    };
    let plan = state.with_open(|s| outbox::plan(s.conn(), &Outbox::beside(s)?))?;
    let report = plan.run(&RealDisk);
    state.with_open(|s| outbox::log::record(s.conn_mut(), &report, Now::read()))?;
    Ok(report)
}

/// Starts the background deliveries: one now, then one every [`INTERVAL`]. The
/// window hears [`CHANGED_EVENT`] after an attempt that did something.
pub fn start_background<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    std::thread::spawn(move || {
        loop {
            if let (Some(state), Some(courier)) =
                (app.try_state::<AppState>(), app.try_state::<Courier>())
            {
                match deliver(&state, &courier) {
                    Ok(report) if !report.delivered.is_empty() || report.failure.is_some() => {
                        let _ = app.emit(CHANGED_EVENT, ());
                    }
                    Ok(_) => {}
                    Err(e) if e.code == "delivery_in_progress" => {}
                    Err(e) => eprintln!("sportello: delivery failed: {}", e.message),
                }
            }
            std::thread::sleep(INTERVAL);
        }
    });
}

/// Closing the window with own records not exported asks first: the close is held
/// and the window hears [`CLOSE_EVENT`]; it closes through [`close_window`] or stays
/// through [`keep_window_open`]. A second close request while asking goes through,
/// so a window that cannot answer never keeps the app open.
pub fn on_window_event<R: Runtime>(window: &Window<R>, event: &WindowEvent) {
    let WindowEvent::CloseRequested { api, .. } = event else {
        return;
    };
    let (Some(state), Some(courier)) = (
        window.try_state::<AppState>(),
        window.try_state::<Courier>(),
    ) else {
        return;
    };
    if courier.asked_to_close.swap(true, Ordering::SeqCst) {
        return;
    }
    let today = Now::read().today();
    let records = state
        .with(|s| outbox::unexported_on_close(s.conn(), today))
        .unwrap_or(0);
    if records > 0 {
        api.prevent_close();
        let _ = window.emit(CLOSE_EVENT, records);
    }
}

/// The operator chose to close (after exporting, or without).
#[tauri::command(async)]
pub fn close_window(window: tauri::WebviewWindow) -> IpcResult<()> {
    window
        .destroy()
        .map_err(|e| IpcError::internal(e.to_string()))
}

/// The operator chose to stay: the next close asks again.
#[tauri::command(async)]
pub fn keep_window_open(courier: tauri::State<'_, Courier>) {
    courier.asked_to_close.store(false, Ordering::SeqCst);
}
