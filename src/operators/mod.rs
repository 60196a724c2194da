//! Operators: the people who sign in at the desk, their roles and PINs.
//!
//! Each operator has an account (name, initials, role, a PIN kept only as an Argon2id
//! hash, see [`pin`]). The first account, made at the first-run setup, is a
//! coordinator; coordinators create accounts, reset another operator's PIN and retire
//! accounts. Accounts are never deleted: the audit log is signed with their names.
//!
//! Wrong PINs slow down: after [`FREE_FAILURES`] consecutive failures each further
//! attempt must wait [`delay_after`] seconds (1, 2, 4... capped at [`MAX_DELAY_S`]).
//! The core answers "retry after N s" ([`Error::RetryLater`]) instead of sleeping, with
//! the time passed in, and logs each failure (never the PIN). A right PIN, or a
//! coordinator's reset, clears the count.
//!
//! Listing never returns a hash; only this module reads the `pin_hash` column.

pub mod keys;
pub mod lock;
pub mod pin;
/// Who signs a connection's changes: kept by the store, which prepares it on every
/// connection; named here too, where the accounts are.
pub use crate::store::signer;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::store::audit;
use crate::store::vault::Vault;
use crate::{Error, Result, ids};

pub use pin::PinHasher;

/// Consecutive wrong PINs allowed without waiting.
pub const FREE_FAILURES: u32 = 2;
/// The longest wait between two attempts, in seconds.
pub const MAX_DELAY_S: u64 = 300;
/// The longest name accepted (it signs the audit log).
pub const NAME_MAX_CHARS: usize = 40;
/// The longest initials accepted.
pub const INITIALS_MAX_CHARS: usize = 4;

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The desk's daily work: the register, appointments, cases.
    Operator,
    /// Besides, the codebook, imports, the report, the settings, and the accounts.
    Coordinator,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Operator => "operator",
            Role::Coordinator => "coordinator",
        }
    }

    fn parse(s: &str) -> Role {
        if s == "coordinator" {
            Role::Coordinator
        } else {
            Role::Operator
        }
    }
}

/// An account as everyone may see it: never its hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Operator {
    pub id: i64,
    pub name: String,
    pub initials: String,
    pub role: Role,
    pub active: bool,
    pub created_at: String,
    pub retired_at: Option<String>,
}

impl Operator {
    pub fn is_coordinator(&self) -> bool {
        self.role == Role::Coordinator
    }
}

/// A new account as typed.
#[derive(Debug, Clone, Deserialize)]
pub struct NewOperator {
    pub name: String,
    pub initials: String,
    pub role: Role,
    pub pin: String,
}

/// The wait, in seconds, before the next attempt after `failures` consecutive wrong
/// PINs: 0, 0, then 1, 2, 4, 8... up to [`MAX_DELAY_S`].
pub fn delay_after(failures: u32) -> u64 {
    if failures <= FREE_FAILURES {
        return 0;
    }
    let exp = (failures - FREE_FAILURES - 1).min(16);
    (1u64 << exp).min(MAX_DELAY_S)
}

/// Refuses `by` unless a coordinator: `what` names the action (English, for the
/// message; the interface says it by the code `coordinator_only`).
pub fn require_coordinator(by: &Operator, what: &str) -> Result<()> {
    if by.is_coordinator() {
        Ok(())
    } else {
        Err(Error::CoordinatorOnly { what: what.into() })
    }
}

const COLUMNS: &str = "id, name, initials, role, active, created_at, retired_at";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Operator> {
    Ok(Operator {
        id: r.get(0)?,
        name: r.get(1)?,
        initials: r.get(2)?,
        role: Role::parse(&r.get::<_, String>(3)?),
        active: r.get(4)?,
        created_at: r.get(5)?,
        retired_at: r.get(6)?,
    })
}

/// Every account, the active ones first, each group by name.
pub fn list(conn: &Connection) -> Result<Vec<Operator>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM operators ORDER BY active DESC, name COLLATE NOCASE, id"
    ))?;
    let rows = stmt.query_map([], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The accounts that can sign in, by name.
pub fn active(conn: &Connection) -> Result<Vec<Operator>> {
    Ok(list(conn)?.into_iter().filter(|o| o.active).collect())
}

/// Whether any account exists (before the first, the app asks to create one).
pub fn any(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM operators)", [], |r| r.get(0))?)
}

/// One account.
pub fn get(conn: &Connection, id: i64) -> Result<Operator> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM operators WHERE id = ?1"),
        [id],
        from_row,
    )
    .optional()?
    .ok_or_else(|| Error::NotFound {
        entity: "operator",
        id: id.to_string(),
    })
}

fn check_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid("name", "enter the operator's name"));
    }
    if name.chars().count() > NAME_MAX_CHARS {
        return Err(Error::invalid(
            "name",
            format!("the name is too long: at most {NAME_MAX_CHARS} characters"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::invalid(
            "name",
            "the name cannot contain tabs or line breaks",
        ));
    }
    Ok(name.to_string())
}

fn check_initials(initials: &str) -> Result<String> {
    let initials = initials.trim().to_uppercase();
    let n = initials.chars().count();
    if n == 0 || n > INITIALS_MAX_CHARS || !initials.chars().all(char::is_alphabetic) {
        return Err(Error::invalid(
            "initials",
            format!("initials are 1 to {INITIALS_MAX_CHARS} letters, e.g. MR"),
        ));
    }
    Ok(initials)
}

/// Checks a new account as typed (name, initials, PIN) without storing anything: the
/// first-run setup checks it before it writes the desk.
pub fn check_new(new: &NewOperator) -> Result<()> {
    check_name(&new.name)?;
    check_initials(&new.initials)?;
    pin::check(&new.pin, "pin")
}

/// Creates an account; `by` signs it in the audit log (a coordinator, checked by the
/// caller with [`require_coordinator`], or the account itself at the first run).
fn insert(
    conn: &mut Connection,
    hasher: &PinHasher,
    vault: &Vault,
    new: &NewOperator,
    by: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Operator> {
    let name = check_name(&new.name)?;
    let initials = check_initials(&new.initials)?;
    pin::check(&new.pin, "pin")?;
    let taken: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM operators WHERE lower(name) = lower(?1))",
        [&name],
        |r| r.get(0),
    )?;
    if taken
        || list(conn)?
            .iter()
            .any(|o| o.name.to_lowercase() == name.to_lowercase())
    {
        return Err(Error::invalid(
            "name",
            "an account with this name exists already (names sign the audit log: add a surname or an initial)",
        ));
    }
    let hash = hasher.hash(&new.pin)?;
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO operators (name, initials, role, pin_hash, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![name, initials, new.role.as_str(), hash, ids::timestamp(now)],
    )?;
    let id = tx.last_insert_rowid();
    keys::rewrap(&tx, hasher, vault, id, &new.pin, None)?;
    audit::log(
        &tx,
        now,
        by.unwrap_or(&name),
        "create",
        "operator",
        &id.to_string(),
        None,
        &format!("{name} ({initials}), {}", new.role.as_str()),
    )?;
    let created = get(&tx, id)?;
    tx.commit()?;
    Ok(created)
}

/// The first account of an installation, at the first-run setup: always a
/// coordinator, signed by itself. Refused once any account exists.
pub fn create_first(
    conn: &mut Connection,
    hasher: &PinHasher,
    vault: &Vault,
    new: &NewOperator,
    now: DateTime<Utc>,
) -> Result<Operator> {
    if any(conn)? {
        return Err(Error::Conflict(
            "the first account exists already: a coordinator creates the others".into(),
        ));
    }
    let first = NewOperator {
        role: Role::Coordinator,
        ..new.clone()
    };
    insert(conn, hasher, vault, &first, None, now)
}

/// A coordinator creates an account.
pub fn create(
    conn: &mut Connection,
    hasher: &PinHasher,
    vault: &Vault,
    by: &Operator,
    new: &NewOperator,
    now: DateTime<Utc>,
) -> Result<Operator> {
    require_coordinator(by, "create an account")?;
    insert(conn, hasher, vault, new, Some(&by.name), now)
}

/// Checks `pin` against account `id`'s. A wrong PIN counts, is logged (not the PIN)
/// and answers how long to wait before the next attempt; an attempt before that wait
/// is over is refused unchecked ([`Error::RetryLater`]). A right PIN clears the count
/// and returns the account. Retired accounts cannot sign in.
pub fn verify(
    conn: &Connection,
    hasher: &PinHasher,
    id: i64,
    pin: &str,
    now: DateTime<Utc>,
) -> Result<Operator> {
    let (operator, hash, failures, last) = stored(conn, id)?;
    if !operator.active {
        return Err(Error::invalid(
            "operator",
            "this account was retired: a coordinator can create a new one",
        ));
    }
    let wait = remaining_wait(failures, last.as_deref(), now);
    if wait > 0 {
        return Err(Error::RetryLater { retry_after: wait });
    }
    if hasher.verify(&hash, pin) {
        if failures > 0 {
            conn.execute(
                "UPDATE operators SET failures = 0, last_failure_at = NULL WHERE id = ?1",
                [id],
            )?;
        }
        return Ok(operator);
    }
    let failures = failures + 1;
    let retry_after = delay_after(failures);
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "UPDATE operators SET failures = ?2, last_failure_at = ?3 WHERE id = ?1",
        params![id, failures, ids::timestamp(now)],
    )?;
    audit::log(
        &tx,
        now,
        &operator.name,
        "wrong_pin",
        "operator",
        &id.to_string(),
        None,
        &format!("wrong PIN no. {failures} in a row; next attempt in {retry_after} s"),
    )?;
    tx.commit()?;
    Err(Error::WrongPin { retry_after })
}

/// Seconds still to wait before an attempt, after `failures` with the last at `last`.
fn remaining_wait(failures: u32, last: Option<&str>, now: DateTime<Utc>) -> u64 {
    let delay = delay_after(failures);
    let Some(last) = last.and_then(|l| DateTime::parse_from_rfc3339(l).ok()) else {
        return 0;
    };
    let elapsed = (now - last.with_timezone(&Utc)).num_milliseconds().max(0) as u64;
    let delay_ms = delay * 1000;
    if elapsed >= delay_ms {
        0
    } else {
        (delay_ms - elapsed).div_ceil(1000)
    }
}

/// The account with its hash and its failures: for this module only.
fn stored(conn: &Connection, id: i64) -> Result<(Operator, String, u32, Option<String>)> {
    let operator = get(conn, id)?;
    let (hash, failures, last) = conn.query_row(
        "SELECT pin_hash, failures, last_failure_at FROM operators WHERE id = ?1",
        [id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok((operator, hash, failures, last))
}

/// Stores the hash of account `id`'s new PIN and forgets its wrong attempts, inside
/// the caller's transaction.
fn store_pin(conn: &Connection, hasher: &PinHasher, id: i64, new_pin: &str) -> Result<()> {
    let hash = hasher.hash(new_pin)?;
    conn.execute(
        "UPDATE operators SET pin_hash = ?2, failures = 0, last_failure_at = NULL WHERE id = ?1",
        params![id, hash],
    )?;
    Ok(())
}

/// Who sets a new PIN: the account itself (with its current PIN) or a coordinator.
enum Setter<'a> {
    Own { name: &'a str, current: &'a str },
    Coordinator(&'a str),
}

fn set_pin(
    conn: &Connection,
    hasher: &PinHasher,
    vault: &Vault,
    id: i64,
    new_pin: &str,
    setter: Setter<'_>,
    now: DateTime<Utc>,
) -> Result<()> {
    pin::check(new_pin, "new_pin")?;
    let (by, action, current) = match setter {
        Setter::Own { name, current } => (name, "change_pin", Some(current)),
        Setter::Coordinator(name) => (name, "reset_pin", None),
    };
    let tx = conn.unchecked_transaction()?;
    store_pin(&tx, hasher, id, new_pin)?;
    keys::rewrap(&tx, hasher, vault, id, new_pin, current)?;
    audit::log(&tx, now, by, action, "operator", &id.to_string(), None, "")?;
    tx.commit()?;
    Ok(())
}

/// An operator changes their own PIN, giving the current one (checked like a
/// sign-in: a wrong one counts and slows down).
pub fn change_own_pin(
    conn: &Connection,
    hasher: &PinHasher,
    vault: &Vault,
    id: i64,
    current: &str,
    new_pin: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    pin::check(new_pin, "new_pin")?;
    let me = verify(conn, hasher, id, current, now)?;
    let own = Setter::Own {
        name: &me.name,
        current,
    };
    set_pin(conn, hasher, vault, id, new_pin, own, now)
}

/// A coordinator sets a new PIN for another operator (who forgot theirs); the wrong
/// attempts are forgotten.
pub fn reset_pin(
    conn: &Connection,
    hasher: &PinHasher,
    vault: &Vault,
    by: &Operator,
    id: i64,
    new_pin: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    require_coordinator(by, "reset another operator's PIN")?;
    let target = get(conn, id)?;
    if !target.active {
        return Err(Error::invalid("operator", "this account was retired"));
    }
    set_pin(
        conn,
        hasher,
        vault,
        id,
        new_pin,
        Setter::Coordinator(&by.name),
        now,
    )
}

/// A coordinator retires an account: it can no longer sign in, and stays in the list
/// of retired accounts (its name still signs its past changes). The last active
/// coordinator cannot be retired.
pub fn retire(conn: &Connection, by: &Operator, id: i64, now: DateTime<Utc>) -> Result<Operator> {
    require_coordinator(by, "retire an account")?;
    let target = get(conn, id)?;
    if !target.active {
        return Ok(target);
    }
    if target.is_coordinator() {
        let coordinators = active(conn)?.iter().filter(|o| o.is_coordinator()).count();
        if coordinators <= 1 {
            return Err(Error::invalid(
                "operator",
                "the last coordinator cannot be retired: make another coordinator first",
            ));
        }
    }
    let tx = conn.unchecked_transaction()?;
    tx.execute(
        "UPDATE operators SET active = 0, retired_at = ?2 WHERE id = ?1",
        params![id, ids::timestamp(now)],
    )?;
    keys::drop_wrap(&tx, id)?;
    audit::log(
        &tx,
        now,
        &by.name,
        "retire",
        "operator",
        &id.to_string(),
        None,
        &target.name,
    )?;
    tx.commit()?;
    get(conn, id)
}

/// Notes in the audit log that `by` signed in or out (`action`: `sign_in`,
/// `sign_out`, `unlock`).
pub fn note(conn: &Connection, by: &Operator, action: &str, now: DateTime<Utc>) -> Result<()> {
    audit::log(
        conn,
        now,
        &by.name,
        action,
        "operator",
        &by.id.to_string(),
        None,
        "",
    )
}

/// Notes in the audit log that `by` opened the personal file of case `case_id`: who,
/// which case, when; nothing of the file itself. The entity is `case_file` (the
/// personal file), so the case's own history lists only its changes.
pub fn note_case_file_opened(
    conn: &Connection,
    by: &str,
    case_id: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    audit::log(
        conn,
        now,
        by,
        "open_personal_file",
        "case_file",
        case_id,
        None,
        "",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;
    use chrono::{Duration, TimeZone};

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap()
    }

    fn new(name: &str, role: Role, pin: &str) -> NewOperator {
        NewOperator {
            name: name.into(),
            initials: name
                .split_whitespace()
                .filter_map(|w| w.chars().next())
                .collect(),
            role,
            pin: pin.into(),
        }
    }

    fn setup() -> (Store, PinHasher, Operator) {
        let mut store = Store::open_in_memory().unwrap();
        let h = PinHasher::light();
        let first = create_first(
            store.conn_mut(),
            &h,
            &Vault::new(),
            &new("Maria Rossi", Role::Operator, "246810"),
            t0(),
        )
        .unwrap();
        (store, h, first)
    }

    /// Luca, an operator (PIN 135790) created by `boss`.
    fn luca(store: &mut Store, h: &PinHasher, boss: &Operator) -> Operator {
        create(
            store.conn_mut(),
            h,
            &Vault::new(),
            boss,
            &new("Luca Bianchi", Role::Operator, "135790"),
            t0(),
        )
        .unwrap()
    }

    fn audit_rows(store: &Store) -> Vec<(String, String, String)> {
        let mut stmt = store
            .conn()
            .prepare("SELECT operator, action, detail FROM audit_log WHERE entity = 'operator' ORDER BY id")
            .unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn opening_a_personal_file_is_logged_apart_from_the_cases_history() {
        let store = Store::open_in_memory().unwrap();
        note_case_file_opened(store.conn(), "Maria Rossi", "c-1", t0()).unwrap();
        let row: (String, String, String, String, String) = store
            .conn()
            .query_row(
                "SELECT at, operator, action, entity_id, detail FROM audit_log WHERE entity = 'case_file'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .unwrap();
        assert_eq!(
            row,
            (
                "2026-03-02T09:00:00.000Z".into(),
                "Maria Rossi".into(),
                "open_personal_file".into(),
                "c-1".into(),
                String::new()
            ),
            "who, which case, when; nothing of the file"
        );
        assert!(
            audit::history(store.conn(), "case", "c-1")
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn the_delay_grows_from_the_third_failure_and_is_capped() {
        let delays: Vec<u64> = (0..=6).map(delay_after).collect();
        assert_eq!(delays, [0, 0, 0, 1, 2, 4, 8]);
        assert_eq!(delay_after(40), MAX_DELAY_S);
        assert_eq!(delay_after(u32::MAX), MAX_DELAY_S);
    }

    #[test]
    fn the_first_account_is_a_coordinator_and_only_once() {
        let (mut store, h, first) = setup();
        assert_eq!(first.role, Role::Coordinator, "whatever was asked");
        assert_eq!(first.initials, "MR");
        let again = create_first(
            store.conn_mut(),
            &h,
            &Vault::new(),
            &new("Luca Bianchi", Role::Coordinator, "135790"),
            t0(),
        );
        assert_eq!(again.unwrap_err().code(), "conflict");
        assert_eq!(
            audit_rows(&store),
            [(
                "Maria Rossi".into(),
                "create".into(),
                "Maria Rossi (MR), coordinator".into()
            )]
        );
    }

    #[test]
    fn the_hash_is_stored_and_the_list_never_shows_it() {
        let (store, _, first) = setup();
        let hash: String = store
            .conn()
            .query_row("SELECT pin_hash FROM operators", [], |r| r.get(0))
            .unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(!hash.contains("246810"));
        let listed = serde_json::to_string(&list(store.conn()).unwrap()).unwrap();
        assert!(!listed.contains("argon2"), "{listed}");
        assert_eq!(list(store.conn()).unwrap(), [first]);
    }

    #[test]
    fn accounts_are_checked() {
        let (mut store, h, boss) = setup();
        let bad = [
            new("", Role::Operator, "123456"),
            new("Luca Bianchi", Role::Operator, "12345"),
            new("maria rossi", Role::Operator, "123456"),
            NewOperator {
                initials: "L1".into(),
                ..new("Luca Bianchi", Role::Operator, "123456")
            },
        ];
        for b in bad {
            let err = create(store.conn_mut(), &h, &Vault::new(), &boss, &b, t0()).unwrap_err();
            assert_eq!(err.code(), "invalid", "{b:?}");
        }
        let luca = create(
            store.conn_mut(),
            &h,
            &Vault::new(),
            &boss,
            &new(" Luca Bianchi ", Role::Operator, "135790"),
            t0(),
        )
        .unwrap();
        assert_eq!(
            (luca.name.as_str(), luca.role),
            ("Luca Bianchi", Role::Operator)
        );
        let err = create(
            store.conn_mut(),
            &h,
            &Vault::new(),
            &luca,
            &new("Anna Verdi", Role::Operator, "111111"),
            t0(),
        )
        .unwrap_err();
        assert_eq!(err.code(), "coordinator_only");
    }

    #[test]
    fn wrong_pins_slow_down_are_logged_and_a_right_one_clears_them() {
        let (store, h, boss) = setup();
        let c = store.conn();
        let mut now = t0();
        // two free failures, then 1 s, 2 s...
        for (n, wait) in [(1, 0), (2, 0), (3, 1), (4, 2)] {
            match verify(c, &h, boss.id, "000000", now) {
                Err(Error::WrongPin { retry_after }) => {
                    assert_eq!(retry_after, wait, "failure {n}")
                }
                other => panic!("failure {n}: {other:?}"),
            }
            // an attempt before the wait is over is refused unchecked, even the right PIN
            if wait > 0 {
                match verify(c, &h, boss.id, "246810", now + Duration::milliseconds(300)) {
                    Err(Error::RetryLater { retry_after }) => assert_eq!(retry_after, wait),
                    other => panic!("too soon after {n}: {other:?}"),
                }
            }
            now += Duration::seconds(wait as i64);
        }
        let logged = audit_rows(&store);
        let failures: Vec<_> = logged.iter().filter(|r| r.1 == "wrong_pin").collect();
        assert_eq!(
            failures.len(),
            4,
            "each failure is logged, the early tries are not"
        );
        assert!(
            logged
                .iter()
                .all(|r| !r.2.contains("000000") && !r.2.contains("246810"))
        );
        assert_eq!(
            failures[3].2,
            "wrong PIN no. 4 in a row; next attempt in 2 s"
        );
        // the right PIN after the wait signs in and clears the count
        assert_eq!(verify(c, &h, boss.id, "246810", now).unwrap(), boss);
        assert!(matches!(
            verify(c, &h, boss.id, "000000", now),
            Err(Error::WrongPin { retry_after: 0 })
        ));
    }

    #[test]
    fn the_delay_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("op.db");
        let h = PinHasher::light();
        let id = {
            let mut store = Store::open(&path, t0()).unwrap();
            let boss = create_first(
                store.conn_mut(),
                &h,
                &Vault::new(),
                &new("Maria Rossi", Role::Coordinator, "246810"),
                t0(),
            )
            .unwrap();
            // three counted failures (the third asks for 1 s), two refused unchecked
            for _ in 0..5 {
                let _ = verify(store.conn(), &h, boss.id, "999999", t0());
            }
            boss.id
        };
        let store = Store::open(&path, t0()).unwrap();
        let soon = t0() + Duration::milliseconds(500);
        let err = verify(store.conn(), &h, id, "246810", soon).unwrap_err();
        assert!(
            matches!(err, Error::RetryLater { retry_after: 1 }),
            "{err:?}"
        );
        assert_eq!(err.code(), "retry_later");
    }

    #[test]
    fn own_pin_change_and_coordinator_reset() {
        let (mut store, h, boss) = setup();
        let luca = luca(&mut store, &h, &boss);
        let c = store.conn();
        // a wrong current PIN is a failed attempt
        assert_eq!(
            change_own_pin(c, &h, &Vault::new(), luca.id, "000000", "222222", t0())
                .unwrap_err()
                .code(),
            "wrong_pin"
        );
        assert_eq!(
            change_own_pin(c, &h, &Vault::new(), luca.id, "135790", "22", t0())
                .unwrap_err()
                .code(),
            "invalid"
        );
        change_own_pin(c, &h, &Vault::new(), luca.id, "135790", "222222", t0()).unwrap();
        assert!(verify(c, &h, luca.id, "222222", t0()).is_ok());
        assert!(verify(c, &h, luca.id, "135790", t0()).is_err());
        // an operator cannot reset anyone's PIN; a coordinator can, and clears the delay
        assert_eq!(
            reset_pin(c, &h, &Vault::new(), &luca, boss.id, "333333", t0())
                .unwrap_err()
                .code(),
            "coordinator_only"
        );
        for _ in 0..6 {
            let _ = verify(c, &h, luca.id, "999999", t0());
        }
        reset_pin(c, &h, &Vault::new(), &boss, luca.id, "444444", t0()).unwrap();
        assert!(
            verify(c, &h, luca.id, "444444", t0()).is_ok(),
            "no wait after a reset"
        );
        let actions: Vec<String> = audit_rows(&store).into_iter().map(|r| r.1).collect();
        assert!(actions.contains(&"change_pin".to_string()));
        assert!(actions.contains(&"reset_pin".to_string()));
    }

    #[test]
    fn retired_accounts_stay_listed_and_cannot_sign_in() {
        let (mut store, h, boss) = setup();
        let luca = luca(&mut store, &h, &boss);
        let c = store.conn();
        assert_eq!(
            retire(c, &luca, boss.id, t0()).unwrap_err().code(),
            "coordinator_only"
        );
        assert_eq!(
            retire(c, &boss, boss.id, t0()).unwrap_err().code(),
            "invalid",
            "the last coordinator stays"
        );
        let retired = retire(c, &boss, luca.id, t0()).unwrap();
        assert!(!retired.active && retired.retired_at.is_some());
        assert_eq!(list(c).unwrap().len(), 2, "never deleted");
        assert_eq!(active(c).unwrap(), std::slice::from_ref(&boss));
        assert_eq!(
            verify(c, &h, luca.id, "135790", t0()).unwrap_err().code(),
            "invalid"
        );
        // the name stays taken
        let again = create(
            store.conn_mut(),
            &h,
            &Vault::new(),
            &boss,
            &new("Luca Bianchi", Role::Operator, "135790"),
            t0(),
        );
        assert_eq!(again.unwrap_err().code(), "invalid");
    }
}
