//! Who is signed in at the window, and the lock of the personal areas.
//!
//! Nobody is signed in when the app starts: the window asks for an operator and a PIN
//! (`commands::operators`). A sign-in names the operator on the database connection
//! (`sportello::operators::signer`), so every audit row the app writes is signed by
//! them. The personal areas (case files, names in appointments and the agenda) lock
//! after the idle time set by a coordinator (`lock_minutes`, 5 by default;
//! `SPORTELLO_LOCK_SECONDS`, read at start, shortens it for the end-to-end tests) and
//! reopen with the PIN; the register, which holds nothing personal, stays usable.
//!
//! Where personal data is sealed (`sportello::store::vault`), the data key is in memory
//! only while the personal areas are open: the lock, "Cambia operatore" and a new
//! database drop it, and empty the folder where copies of documents were opened for the
//! system's viewer ([`views_of`]). A sign-in or an unlock puts it back
//! (`commands::operators`).
//!
//! The demo database holds made-up people only: the app signs in its built-in demo
//! coordinator ([`DEMO_NAME`]) there by itself, with no PIN and no lock, so "Prova con
//! dati dimostrativi" needs no account.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::Serialize;
use sportello::Store;
use sportello::operators::lock::{self, IdleLock};
use sportello::operators::{Operator, Role, signer};
use sportello::store::vault::Vault;

use crate::error::{IpcError, IpcResult};

/// The name of the demo database's built-in coordinator, who signs its changes.
pub const DEMO_NAME: &str = "Demo (coordinatore dimostrativo)";

/// The signed-in operator as the window sees it.
#[derive(Debug, Clone, Serialize)]
pub struct Signed {
    /// The account (`None` for the demo's built-in coordinator).
    pub id: Option<i64>,
    pub name: String,
    pub initials: String,
    pub role: Role,
    /// The demo's built-in coordinator: no PIN, no lock.
    pub demo: bool,
}

impl Signed {
    pub fn is_coordinator(&self) -> bool {
        self.role == Role::Coordinator
    }

    fn of(op: &Operator) -> Signed {
        Signed {
            id: Some(op.id),
            name: op.name.clone(),
            initials: op.initials.clone(),
            role: op.role,
            demo: false,
        }
    }

    fn demo() -> Signed {
        Signed {
            id: None,
            name: DEMO_NAME.into(),
            initials: "DEMO".into(),
            role: Role::Coordinator,
            demo: true,
        }
    }

    /// The account as the core's checks take it.
    pub fn as_operator(&self) -> Operator {
        Operator {
            id: self.id.unwrap_or(0),
            name: self.name.clone(),
            initials: self.initials.clone(),
            role: self.role,
            active: true,
            created_at: String::new(),
            retired_at: None,
        }
    }
}

/// The session of the window.
pub struct Session {
    who: Option<Signed>,
    lock: IdleLock,
    /// The data key of the open database's personal data.
    vault: Vault,
    /// Where copies of documents are opened in clear for the viewer.
    views: Option<PathBuf>,
}

impl Drop for Session {
    /// Another database, or the app closing: the key and the opened copies go.
    fn drop(&mut self) {
        self.drop_key();
    }
}

/// The folder where the copies of documents of database `db` are written in clear for
/// the system's viewer while a case is open: beside the database, in its private data
/// folder, emptied whenever the key is dropped and at every start.
pub fn views_of(db: &Path) -> PathBuf {
    let name = db.file_name().unwrap_or_default().to_string_lossy();
    db.with_file_name(format!("{name}.views"))
}

/// The idle time before the lock: `SPORTELLO_LOCK_SECONDS` when set (tests), else the
/// coordinator's setting in minutes, else 5 minutes.
pub fn idle_time(store: &Store) -> Duration {
    if let Some(secs) = std::env::var("SPORTELLO_LOCK_SECONDS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|s| *s > 0)
    {
        return Duration::from_secs(secs);
    }
    let minutes = sportello::store::settings::get(store.conn(), lock::SETTING)
        .ok()
        .flatten()
        .and_then(|v| v.parse().ok());
    Duration::from_secs(60 * u64::from(lock::minutes_or_default(minutes)))
}

impl Session {
    /// Nobody signed in on `store`, or the demo's coordinator on the demo database.
    pub fn start(store: &Store) -> Session {
        let mut session = Session {
            who: None,
            lock: IdleLock::new(idle_time(store), Instant::now()),
            vault: store.vault().clone(),
            views: store.path().map(views_of),
        };
        session.drop_key();
        if sportello::demo::is_demo(store.conn()).unwrap_or(false) {
            let demo = Signed::demo();
            let _ = signer::sign_as(store.conn(), &demo.name);
            session.who = Some(demo);
        } else {
            let _ = signer::clear(store.conn());
        }
        session
    }

    /// The signed-in operator, or `signed_out`.
    pub fn signed(&self) -> IpcResult<Signed> {
        self.who.clone().ok_or_else(|| {
            IpcError::new(
                "signed_out",
                "Nessun operatore collegato: scegli il tuo nome e scrivi il PIN.".into(),
            )
        })
    }

    /// The signed-in operator if the personal areas are open, or `locked`; `no_key`
    /// when this account cannot open sealed personal data yet.
    pub fn personal(&mut self) -> IpcResult<Signed> {
        let who = self.signed()?;
        if self.is_locked() {
            return Err(IpcError::new(
                "locked",
                "L'area dei dati personali è bloccata: scrivi il PIN per riaprirla.".into(),
            ));
        }
        if !self.vault.is_open() {
            return Err(no_key());
        }
        Ok(who)
    }

    /// Whether the personal areas are locked now; the key is dropped once they are.
    pub fn is_locked(&mut self) -> bool {
        let locked =
            self.who.as_ref().is_some_and(|w| !w.demo) && self.lock.is_locked(Instant::now());
        if locked {
            self.drop_key();
        }
        locked
    }

    /// Whether the signed-in account holds no key to the sealed personal data.
    pub fn has_no_key(&mut self) -> bool {
        self.who.is_some() && !self.is_locked() && !self.vault.is_open()
    }

    /// Drops the data key from memory and erases the documents opened for viewing.
    fn drop_key(&mut self) {
        self.vault.lock();
        if let Some(views) = &self.views {
            let _ = sportello::cases::documents::clear_views(views);
        }
    }

    /// The folder for copies opened for viewing (`None` for a database in memory).
    pub fn views(&self) -> Option<&Path> {
        self.views.as_deref()
    }

    /// The idle time before the lock.
    pub fn idle(&self) -> Duration {
        self.lock.after()
    }

    pub fn who(&self) -> Option<&Signed> {
        self.who.as_ref()
    }

    /// `op` signed in on `store`: it signs the changes, the lock starts open.
    pub fn sign_in(&mut self, store: &Store, op: &Operator) -> sportello::Result<Signed> {
        // whoever was signed in before leaves their key behind: the new account opens
        // its own, or none
        self.drop_key();
        signer::sign_as(store.conn(), &op.name)?;
        let signed = Signed::of(op);
        self.who = Some(signed.clone());
        self.lock = IdleLock::new(idle_time(store), Instant::now());
        Ok(signed)
    }

    /// "Cambia operatore": nobody signs any more.
    pub fn sign_out(&mut self, store: &Store) -> sportello::Result<()> {
        signer::clear(store.conn())?;
        self.who = None;
        self.drop_key();
        Ok(())
    }

    /// The app closes: the key and the copies opened for viewing go.
    pub fn sign_out_at_exit(&mut self) {
        self.drop_key();
    }

    /// Input at the window.
    pub fn touch(&mut self) {
        self.lock.touch(Instant::now());
    }

    /// Locks at once.
    pub fn lock_now(&mut self) {
        self.lock.lock();
        self.drop_key();
    }

    /// Reopens (the PIN was checked).
    pub fn unlock(&mut self) {
        self.lock.unlock(Instant::now());
    }

    /// A new idle time, from now.
    pub fn set_idle(&mut self, after: Duration) {
        let locked = self.is_locked();
        self.lock = IdleLock::new(after, Instant::now());
        if locked {
            self.lock.lock();
        }
    }
}

/// Looks every few seconds whether the idle time is over, so that the data key leaves
/// memory when the personal areas lock even if nothing at the window asks anything.
pub fn watch_idle(app: tauri::AppHandle) {
    use tauri::Manager;
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(Duration::from_secs(5));
            let state = app.state::<crate::AppState>();
            state.session().is_locked();
        }
    });
}

/// The signed-in account has no key to the sealed personal data: its wrap was made
/// before the data was sealed, or removed.
pub fn no_key() -> IpcError {
    IpcError::new(
        "no_key",
        "Il tuo account non ha ancora la chiave dei dati personali: chiedi a un coordinatore \
         di reimpostarti il PIN (Operatori → Nuovo PIN)."
            .into(),
    )
}

/// A coordinator-only action refused: `what` says which, in Italian.
pub fn coordinator_only(what: &str) -> IpcError {
    let mut e = IpcError::new(
        "coordinator_only",
        format!("Solo un coordinatore può {what}: chiedi a un coordinatore di farlo."),
    );
    e.detail = Some(what.to_string());
    e
}
