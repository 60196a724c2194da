//! Operators at the window: the sign-in, "Cambia operatore", the lock of the personal
//! areas, and the accounts (a coordinator's).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use sportello::operators::keys::{self, Opened};
use sportello::operators::{self, NewOperator, Operator, lock};
use sportello::store::settings;
use sportello::{Now, Store};
use tauri::State;

use crate::AppState;
use crate::error::IpcResult;
use crate::session::Signed;

/// What the window needs to open: whether any account exists, the accounts to choose
/// from (never a hash), who is signed in, and the lock.
#[derive(Serialize)]
pub struct SessionView {
    accounts: bool,
    operators: Vec<Operator>,
    signed_in: Option<Signed>,
    locked: bool,
    /// Signed in, but this account cannot open the sealed personal data yet.
    no_key: bool,
    /// Seconds without input before the personal areas lock.
    lock_seconds: u64,
}

#[tauri::command(async)]
pub fn session_state(state: State<'_, AppState>) -> IpcResult<SessionView> {
    let (accounts, operators) = state.with_open(|s| {
        Ok::<_, sportello::Error>((operators::any(s.conn())?, operators::active(s.conn())?))
    })?;
    let mut session = state.session();
    Ok(SessionView {
        accounts,
        operators,
        signed_in: session.who().cloned(),
        locked: session.is_locked(),
        no_key: session.has_no_key(),
        lock_seconds: session.idle().as_secs(),
    })
}

/// A sign-in as the window sees it: the operator, what became of the data key, and the
/// recovery key when this sign-in sealed the personal data (shown once).
#[derive(Serialize)]
pub struct SignedIn {
    #[serde(flatten)]
    signed: Signed,
    key: Opened,
    pub(crate) recovery_key: Option<String>,
}

/// Signs `op` in on `s` (checked already) and opens the data key with `pin`.
pub(crate) fn signed_in(
    state: &AppState,
    s: &mut Store,
    op: &Operator,
    pin: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> sportello::Result<SignedIn> {
    let signed = state.session().sign_in(s, op)?;
    operators::note(s.conn(), op, "sign_in", now)?;
    let vault = s.vault().clone();
    let (key, recovery) = keys::sign_in(s.conn_mut(), &state.hasher, &vault, op, pin, now)?;
    let recovery_key = recovery.map(|r| r.to_string());
    Ok(SignedIn {
        signed,
        key,
        recovery_key,
    })
}

/// Signs operator `id` in with `pin`: from now on they sign every change.
#[tauri::command(async)]
pub fn sign_in(state: State<'_, AppState>, id: i64, pin: String) -> IpcResult<SignedIn> {
    let now = Now::read().utc();
    let op = state.with_open(|s| operators::verify(s.conn(), &state.hasher, id, &pin, now))?;
    state.with_open(|s| signed_in(&state, s, &op, &pin, now))
}

/// "Ho dimenticato il PIN": the recovery key opens the installation and sets a new PIN
/// for account `id`, who is then signed in.
#[tauri::command(async)]
pub fn recover_with_key(
    state: State<'_, AppState>,
    id: i64,
    recovery_key: String,
    new_pin: String,
) -> IpcResult<SignedIn> {
    let now = Now::read().utc();
    state.with_open(|s| {
        let vault = s.vault().clone();
        let op = keys::recover(
            s.conn(),
            &state.hasher,
            &vault,
            &recovery_key,
            id,
            &new_pin,
            now,
        )?;
        signed_in(&state, s, &op, &new_pin, now)
    })
}

/// A coordinator makes a new recovery key (the old one stops opening anything); shown
/// once.
#[tauri::command(async)]
pub fn new_recovery_key(state: State<'_, AppState>) -> IpcResult<String> {
    let who = state.coordinator("creare una nuova chiave di recupero")?;
    let now = Now::read().utc();
    state.with_personal(|s, _| {
        let vault = s.vault().clone();
        keys::new_recovery_key(s.conn(), &vault, &who.as_operator(), now).map(|k| k.to_string())
    })
}

/// The first account, when none exists (an installation set up before the accounts):
/// a coordinator, signed in at once.
#[tauri::command(async)]
pub fn create_first_operator(
    state: State<'_, AppState>,
    operator: NewOperator,
) -> IpcResult<SignedIn> {
    let now = Now::read().utc();
    state.with_open(|s| {
        let vault = s.vault().clone();
        let op = operators::create_first(s.conn_mut(), &state.hasher, &vault, &operator, now)?;
        signed_in(&state, s, &op, &operator.pin, now)
    })
}

/// "Cambia operatore": the signed-in operator leaves; the window asks for the next.
#[tauri::command(async)]
pub fn sign_out(state: State<'_, AppState>) -> IpcResult<()> {
    let who = state.signed()?;
    let now = Now::read().utc();
    state.with_open(|s| {
        if !who.demo {
            operators::note(s.conn(), &who.as_operator(), "sign_out", now)?;
        }
        state.session().sign_out(s)
    })
}

/// Input at the window (sent at most every few seconds): the idle time starts again.
/// Answers whether the personal areas are locked.
#[tauri::command(async)]
pub fn note_activity(state: State<'_, AppState>) -> IpcResult<bool> {
    let mut session = state.session();
    session.touch();
    Ok(session.is_locked())
}

/// "Blocca ora": the personal areas lock at once.
#[tauri::command(async)]
pub fn lock_now(state: State<'_, AppState>) -> IpcResult<()> {
    state.signed()?;
    state.session().lock_now();
    Ok(())
}

/// Reopens the personal areas with the signed-in operator's PIN (wrong ones count
/// and slow down like at the sign-in).
#[tauri::command(async)]
pub fn unlock(state: State<'_, AppState>, pin: String) -> IpcResult<()> {
    let who = state.signed()?;
    let Some(id) = who.id else {
        state.session().unlock();
        return Ok(());
    };
    let now = Now::read().utc();
    state.with_open(|s| {
        let op = operators::verify(s.conn(), &state.hasher, id, &pin, now)?;
        operators::note(s.conn(), &op, "unlock", now)?;
        let vault = s.vault().clone();
        keys::unlock(s.conn(), &vault, op.id, &pin, now)?;
        state.session().unlock();
        Ok::<_, sportello::Error>(())
    })
}

/// The signed-in operator changes their own PIN.
#[tauri::command(async)]
pub fn change_own_pin(
    state: State<'_, AppState>,
    current: String,
    new_pin: String,
) -> IpcResult<()> {
    let who = state.signed()?;
    let Some(id) = who.id else {
        return Err(crate::session::coordinator_only(
            "cambiare il PIN della demo",
        ));
    };
    let now = Now::read().utc();
    state.with(|s| {
        let vault = s.vault().clone();
        operators::change_own_pin(s.conn(), &state.hasher, &vault, id, &current, &new_pin, now)
    })
}

/// Every account, retired ones too (a coordinator's list).
#[tauri::command(async)]
pub fn list_operators(state: State<'_, AppState>) -> IpcResult<Vec<Operator>> {
    state.with_coordinator("gestire gli operatori", |s| operators::list(s.conn()))
}

/// A coordinator creates an account.
#[tauri::command(async)]
pub fn create_operator(state: State<'_, AppState>, operator: NewOperator) -> IpcResult<Operator> {
    // the new account's key is the signed-in one's: not while their areas are locked
    let who = state.session().personal()?;
    let now = Now::read().utc();
    state.with_coordinator("creare un operatore", |s| {
        let vault = s.vault().clone();
        operators::create(
            s.conn_mut(),
            &state.hasher,
            &vault,
            &who.as_operator(),
            &operator,
            now,
        )
    })
}

/// A coordinator sets a new PIN for another operator.
#[tauri::command(async)]
pub fn reset_operator_pin(state: State<'_, AppState>, id: i64, new_pin: String) -> IpcResult<()> {
    // the new PIN gets the signed-in one's key: not while their areas are locked
    let who = state.session().personal()?;
    let now = Now::read().utc();
    state.with_coordinator("reimpostare il PIN di un altro operatore", |s| {
        let vault = s.vault().clone();
        operators::reset_pin(
            s.conn(),
            &state.hasher,
            &vault,
            &who.as_operator(),
            id,
            &new_pin,
            now,
        )
    })
}

/// A coordinator retires an account (never deleted).
#[tauri::command(async)]
pub fn retire_operator(state: State<'_, AppState>, id: i64) -> IpcResult<Operator> {
    let who = state.signed()?;
    let now = Now::read().utc();
    state.with_coordinator("ritirare un operatore", |s| {
        operators::retire(s.conn(), &who.as_operator(), id, now)
    })
}

/// The lock's idle time in minutes (1 to 60), a coordinator's setting.
#[derive(Deserialize)]
pub struct LockMinutes {
    minutes: u32,
}

#[tauri::command(async)]
pub fn set_lock_minutes(state: State<'_, AppState>, setting: LockMinutes) -> IpcResult<()> {
    let who = state.signed()?;
    let minutes = setting.minutes;
    if lock::minutes_or_default(Some(minutes)) != minutes {
        return Err(sportello::Error::invalid(
            "minutes",
            format!("from 1 to {} minutes", lock::MAX_MINUTES),
        )
        .into());
    }
    let now = Now::read().utc();
    state.with_coordinator("cambiare le impostazioni", |s| {
        settings::set_audited(
            s.conn_mut(),
            lock::SETTING,
            &minutes.to_string(),
            "set",
            &who.name,
            now,
        )
    })?;
    state
        .session()
        .set_idle(Duration::from_secs(60 * u64::from(minutes)));
    Ok(())
}
