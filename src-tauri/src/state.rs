//! The open database as the commands share it.
//!
//! The app runs on its real database, or, after "Prova con dati dimostrativi", on the
//! demo database beside it: [`AppState::replace`] swaps the open store; `home` is
//! always the real one, where "Esci dalla demo" returns.
//!
//! Every command reaches the store through [`AppState::with`] (a signed-in operator),
//! [`AppState::with_personal`] (signed in, and the personal areas not locked),
//! [`AppState::with_coordinator`] (a coordinator) or, for the few that come before a
//! sign-in, [`AppState::with_open`]: each checks the session, takes the lock, runs
//! one core call and converts its error for IPC. A panic inside the call becomes an
//! `internal` error the window can show, and never a poisoned lock that would fail every
//! later command until the app restarts. The connection is sound after such a panic:
//! an open rusqlite transaction rolls back when unwinding drops it.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use sportello::Store;
use sportello::operators::PinHasher;

use crate::error::{IpcError, IpcResult};
use crate::session::{Session, Signed};

/// The open database, shared by every command.
pub struct AppState {
    pub(crate) store: Mutex<Store>,
    /// The database the app was started on.
    home: PathBuf,
    /// Who is signed in, and the lock of the personal areas.
    pub(crate) session: Mutex<Session>,
    /// Hashes and checks the PINs (the standard Argon2id parameters).
    pub(crate) hasher: PinHasher,
}

impl AppState {
    pub fn new(store: Store) -> AppState {
        let home = store.path().map(Path::to_path_buf).unwrap_or_default();
        let session = Session::start(&store);
        AppState {
            store: Mutex::new(store),
            home,
            session: Mutex::new(session),
            hasher: PinHasher::standard(),
        }
    }

    /// The session, taken back from a poisoned mutex.
    pub(crate) fn session(&self) -> MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(|poisoned| {
            self.session.clear_poison();
            poisoned.into_inner()
        })
    }

    /// Runs `f` for the signed-in operator; refused (`signed_out`) when nobody is.
    pub fn with<T, E: Into<IpcError>>(
        &self,
        f: impl FnOnce(&mut Store) -> Result<T, E>,
    ) -> IpcResult<T> {
        self.signed()?;
        self.with_open(f)
    }

    /// Runs `f` on personal data: refused (`locked`) while the personal areas are
    /// locked.
    pub fn with_personal<T, E: Into<IpcError>>(
        &self,
        f: impl FnOnce(&mut Store, &Signed) -> Result<T, E>,
    ) -> IpcResult<T> {
        let who = self.session().personal()?;
        self.with_open(|s| f(s, &who))
    }

    /// Runs `f` for a coordinator only (`what`: the action, in Italian, for the
    /// message).
    pub fn with_coordinator<T, E: Into<IpcError>>(
        &self,
        what: &str,
        f: impl FnOnce(&mut Store) -> Result<T, E>,
    ) -> IpcResult<T> {
        self.coordinator(what)?;
        self.with_open(f)
    }

    /// The signed-in operator if a coordinator, or `coordinator_only`.
    pub fn coordinator(&self, what: &str) -> IpcResult<Signed> {
        let who = self.signed()?;
        if !who.is_coordinator() {
            return Err(crate::session::coordinator_only(what));
        }
        Ok(who)
    }

    /// The signed-in operator, or `signed_out`.
    pub fn signed(&self) -> IpcResult<Signed> {
        self.session().signed()
    }

    /// The database the app was started on (the real one).
    pub fn home(&self) -> &Path {
        &self.home
    }

    /// Puts `store` in place of the open one, which is closed.
    /// Nobody is signed in on the new store (but the demo's own coordinator on the
    /// demo database).
    pub fn replace(&self, store: Store) {
        let session = Session::start(&store);
        *self.lock() = store;
        *self.session() = session;
    }

    /// Closes the open database file, runs `f` on its path (a restore swaps the file),
    /// then opens the file again, whatever `f` returned: the commands never see a
    /// closed store. Refused for a store in memory. Nobody is signed in afterwards: the
    /// accounts may now be another copy's.
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
        // store, then session: the order every other path takes them in
        *self.session() = Session::start(&store);
        result.map_err(Into::into)
    }

    /// Runs `f` on the store, holding the lock only for its duration, whoever is
    /// signed in (the sign-in itself, the first-run setup).
    pub fn with_open<T, E: Into<IpcError>>(
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
        let failed = state.with_open(|store| -> sportello::Result<()> {
            let tx = store.conn_mut().transaction()?;
            tx.execute("INSERT INTO settings (key, value) VALUES ('k', 'v')", [])?;
            panic!("boom in the middle of a transaction");
        });
        let err = failed.unwrap_err();
        assert_eq!(err.code, "internal");
        assert!(err.message.contains("boom"), "{}", err.message);
        let value = state
            .with_open(|store| sportello::store::settings::get(store.conn(), "k"))
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
        let version = state.with_open(|store| store.schema_version()).unwrap();
        assert_eq!(version, sportello::store::latest_version());
        assert!(!state.store.is_poisoned(), "the poison is cleared");
    }

    /// An account made in the core, signed in on `state`.
    fn signed_in(state: &AppState, role: sportello::operators::Role) -> Signed {
        use sportello::operators::{self, NewOperator};
        let hasher = PinHasher::light();
        state
            .with_open(|s| {
                let vault = s.vault().clone();
                let first = operators::create_first(
                    s.conn_mut(),
                    &hasher,
                    &vault,
                    &NewOperator {
                        name: "Maria Rossi".into(),
                        initials: "MR".into(),
                        role: operators::Role::Coordinator,
                        pin: "246810".into(),
                    },
                    chrono::Utc::now(),
                )?;
                let op = if role == operators::Role::Coordinator {
                    first
                } else {
                    operators::create(
                        s.conn_mut(),
                        &hasher,
                        &vault,
                        &first,
                        &NewOperator {
                            name: "Luca Bianchi".into(),
                            initials: "LB".into(),
                            role,
                            pin: "135790".into(),
                        },
                        chrono::Utc::now(),
                    )?
                };
                state.session().sign_in(s, &op)
            })
            .unwrap()
    }

    #[test]
    fn nothing_but_the_door_before_a_sign_in() {
        let state = AppState::new(Store::open_in_memory().unwrap());
        let err = state.with(|s| s.schema_version()).unwrap_err();
        assert_eq!(err.code, "signed_out");
        let err = state.with_personal(|s, _| s.schema_version()).unwrap_err();
        assert_eq!(err.code, "signed_out");
        assert!(state.with_open(|s| s.schema_version()).is_ok());
    }

    #[test]
    fn an_operator_is_refused_a_coordinators_action_in_italian() {
        let state = AppState::new(Store::open_in_memory().unwrap());
        let who = signed_in(&state, sportello::operators::Role::Operator);
        assert_eq!(who.name, "Luca Bianchi");
        assert!(state.with(|s| s.schema_version()).is_ok());
        let err = state
            .with_coordinator("consultare il rapporto", |s| s.schema_version())
            .unwrap_err();
        assert_eq!(err.code, "coordinator_only");
        assert!(
            err.message
                .starts_with("Solo un coordinatore può consultare il rapporto")
        );
    }

    #[test]
    fn the_signed_in_operator_signs_and_the_lock_refuses_personal_data() {
        let state = AppState::new(Store::open_in_memory().unwrap());
        signed_in(&state, sportello::operators::Role::Coordinator);
        let signer = state
            .with(|s| sportello::preferences::signing_operator(s.conn()))
            .unwrap();
        assert_eq!(signer, "Maria Rossi");
        assert!(state.with_personal(|s, _| s.schema_version()).is_ok());
        state.session().lock_now();
        let err = state.with_personal(|s, _| s.schema_version()).unwrap_err();
        assert_eq!(err.code, "locked");
        assert!(
            state.with(|s| s.schema_version()).is_ok(),
            "the register stays usable"
        );
        state.session().unlock();
        assert!(state.with_personal(|s, _| s.schema_version()).is_ok());
        // "Cambia operatore": nobody signs any more
        state.with_open(|s| state.session().sign_out(s)).unwrap();
        assert_eq!(
            state.with(|s| s.schema_version()).unwrap_err().code,
            "signed_out"
        );
        let signer = state
            .with_open(|s| sportello::preferences::signing_operator(s.conn()))
            .unwrap();
        assert_eq!(signer, "");
    }
}
