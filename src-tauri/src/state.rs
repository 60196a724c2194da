//! The open database as the commands share it.
//!
//! The app runs on its real database, or, after "Prova con dati dimostrativi", on the
//! demo database beside it: [`AppState::replace`] swaps the open store; `home` is
//! always the real one, where "Esci dalla demo" returns.
//!
//! Every command reaches the store through [`AppState::with`]: it takes the lock, runs
//! one core call and converts its error for IPC. A panic inside the call becomes an
//! `internal` error the window can show, and never a poisoned lock that would fail every
//! later command until the app restarts. The connection is sound after such a panic:
//! an open rusqlite transaction rolls back when unwinding drops it.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use sportello::Store;

use crate::error::{IpcError, IpcResult};

/// The open database, shared by every command.
pub struct AppState {
    pub(crate) store: Mutex<Store>,
    /// The database the app was started on.
    home: PathBuf,
}

impl AppState {
    pub fn new(store: Store) -> AppState {
        let home = store.path().map(Path::to_path_buf).unwrap_or_default();
        AppState {
            store: Mutex::new(store),
            home,
        }
    }

    /// The database the app was started on (the real one).
    pub fn home(&self) -> &Path {
        &self.home
    }

    /// Puts `store` in place of the open one, which is closed.
    pub fn replace(&self, store: Store) {
        *self.lock() = store;
    }

    /// Closes the open database file, runs `f` on its path (a restore swaps the file),
    /// then opens the file again, whatever `f` returned: the commands never see a
    /// closed store. Refused for a store in memory.
    pub fn while_closed<T>(&self, f: impl FnOnce(&Path) -> sportello::Result<T>) -> IpcResult<T> {
        let mut store = self.lock();
        let path = store
            .path()
            .map(Path::to_path_buf)
            .ok_or_else(|| sportello::Error::invalid("database", "a database in memory"))?;
        // the real connection closes here, so its WAL is checkpointed and removed
        *store = Store::open_in_memory()?;
        let result = f(&path);
        *store = Store::open(&path, sportello::Now::read().utc())?;
        result.map_err(Into::into)
    }

    /// Runs `f` on the store, holding the lock only for its duration.
    pub fn with<T, E: Into<IpcError>>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, E>,
    ) -> IpcResult<T> {
        let mut store = self.lock();
        match catch_unwind(AssertUnwindSafe(|| f(&mut store))) {
            Ok(result) => result.map_err(Into::into),
            Err(payload) => {
                let what = payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".into());
                eprintln!("sportello: a command failed unexpectedly: {what}");
                Err(IpcError::internal(what))
            }
        }
    }

    /// The lock, taken back from a poisoned mutex: the store stays usable.
    fn lock(&self) -> MutexGuard<'_, Store> {
        self.store.lock().unwrap_or_else(|poisoned| {
            self.store.clear_poison();
            poisoned.into_inner()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_command_reports_an_error_and_the_next_one_works() {
        let state = AppState::new(Store::open_in_memory().unwrap());
        let failed = state.with(|store| -> sportello::Result<()> {
            let tx = store.conn_mut().transaction()?;
            tx.execute("INSERT INTO settings (key, value) VALUES ('k', 'v')", [])?;
            panic!("boom in the middle of a transaction");
        });
        let err = failed.unwrap_err();
        assert_eq!(err.code, "internal");
        assert!(err.message.contains("boom"), "{}", err.message);
        let value = state
            .with(|store| sportello::store::settings::get(store.conn(), "k"))
            .expect("the store still answers after a panic");
        assert_eq!(value, None, "the interrupted transaction was rolled back");
    }

    #[test]
    fn a_poisoned_lock_is_recovered() {
        let state = std::sync::Arc::new(AppState::new(Store::open_in_memory().unwrap()));
        let poisoner = std::sync::Arc::clone(&state);
        let _ = std::thread::spawn(move || {
            let _guard = poisoner.store.lock().unwrap();
            panic!("poison the lock");
        })
        .join();
        assert!(state.store.is_poisoned());
        let version = state.with(|store| store.schema_version()).unwrap();
        assert_eq!(version, sportello::store::latest_version());
        assert!(!state.store.is_poisoned(), "the poison is cleared");
    }
}
