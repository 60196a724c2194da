//! The data key of the personal data, wrapped for each operator and for recovery.
//!
//! The data key (`store::vault`) is made once, at the first sign-in of a coordinator on
//! an installation whose personal data is not sealed yet (right after the first-run
//! setup, or after the update that brought sealing): [`setup`] makes it, wraps it for
//! that coordinator and under a new **recovery key** (shown once, to be kept on paper),
//! and seals every personal value already stored. From then on:
//!
//! - a sign-in or an unlock unwraps it with the PIN ([`open`]) and puts it in memory;
//!   the lock and "Cambia operatore" drop it;
//! - creating an account, resetting or changing a PIN wraps it anew for that account
//!   (in the same transaction as the new PIN, so the two never disagree); retiring an
//!   account deletes its wrap;
//! - an account that existed before the setup has no wrap until a coordinator resets
//!   its PIN ([`Opened::NoKey`]);
//! - a forgotten PIN is reset by a coordinator; an installation whose every coordinator
//!   forgot their PIN, or a backup restored on a new PC without them, opens with the
//!   recovery key ([`recover`]), which sets a new PIN for an account.
//!
//! A wrap is XChaCha20-Poly1305 of the 32-byte key under the holder's key-wrapping key,
//! with the holder (`operator:<id>`, `recovery`) as associated data. An operator's
//! wrapping key is Argon2id of the PIN with the wrap's own salt and parameters; the
//! recovery key (128 random bits) is hashed with SHA-256 instead, as it cannot be
//! guessed. See docs/operators.md.

use std::fmt;

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::{Operator, PinHasher, pin, require_coordinator};
use crate::store::vault::{self, DataKey, Vault};
use crate::store::{audit, settings};
use crate::{Error, Result, ids};

/// The largest Argon2id parameters a stored wrap may ask for: 1 GiB, 10 passes, 4 lanes.
const MAX_MEMORY_KIB: u32 = 1024 * 1024;
const MAX_PASSES: u32 = 10;
const MAX_LANES: u32 = 4;

/// The holder of the recovery key's wrap.
pub const RECOVERY: &str = "recovery";

/// The holder of account `id`'s wrap.
pub fn holder(id: i64) -> String {
    format!("operator:{id}")
}

/// The recovery key: 16 random bytes, written as 8 groups of 4 hexadecimal digits.
pub struct RecoveryKey(Zeroizing<[u8; 16]>);

impl RecoveryKey {
    fn generate() -> RecoveryKey {
        let mut bytes = Zeroizing::new([0u8; 16]);
        bytes.copy_from_slice(&DataKey::generate().as_bytes()[..16]);
        RecoveryKey(bytes)
    }

    /// Reads a recovery key as typed: groups, spaces, dashes and case do not matter,
    /// and a letter O is taken for a zero.
    pub fn parse(typed: &str) -> Result<RecoveryKey> {
        let digits: String = typed
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| if c == 'o' || c == 'O' { '0' } else { c })
            .collect();
        let wrong = || {
            Error::invalid(
                "recovery_key",
                "a recovery key is 32 hexadecimal digits (0-9, A-F) in 8 groups of 4",
            )
        };
        if digits.len() != 32 {
            return Err(wrong());
        }
        let mut bytes = Zeroizing::new([0u8; 16]);
        hex::decode_to_slice(&digits, bytes.as_mut()).map_err(|_| wrong())?;
        Ok(RecoveryKey(bytes))
    }

    fn wrapping_key(&self) -> DataKey {
        let mut h = Sha256::new();
        h.update(b"sportello recovery key v1\0");
        h.update(&self.0[..]);
        DataKey::from_bytes(h.finalize().into())
    }
}

impl fmt::Debug for RecoveryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RecoveryKey(…)")
    }
}

impl fmt::Display for RecoveryKey {
    /// `1F3A-9C2B-…`: 8 groups of 4 upper-case hexadecimal digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = Zeroizing::new(hex::encode_upper(&self.0[..]));
        for (i, group) in digits.as_bytes().chunks(4).enumerate() {
            if i > 0 {
                f.write_str("-")?;
            }
            f.write_str(std::str::from_utf8(group).expect("hex digits"))?;
        }
        Ok(())
    }
}

fn aad(holder: &str) -> Vec<u8> {
    vault::place("key_wraps", holder)
}

fn random_salt() -> [u8; 16] {
    let mut salt = [0u8; 16];
    salt.copy_from_slice(&DataKey::generate().as_bytes()[..16]);
    salt
}

/// Wraps `key` for account `id` under `pin` (replacing its wrap), inside the caller's
/// transaction.
fn wrap_for(
    conn: &Connection,
    hasher: &PinHasher,
    id: i64,
    pin: &str,
    key: &DataKey,
) -> Result<()> {
    let salt = random_salt();
    let kwk = DataKey::from_bytes(*hasher.derive_key(pin, &salt)?);
    let holder = holder(id);
    let wrapped = vault::encrypt(&kwk, &aad(&holder), key.as_bytes());
    let (m, t, p) = hasher.params();
    conn.execute(
        "INSERT INTO key_wraps (holder, salt, m_cost, t_cost, p_cost, wrapped, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (holder) DO UPDATE SET salt = excluded.salt, m_cost = excluded.m_cost,
             t_cost = excluded.t_cost, p_cost = excluded.p_cost, wrapped = excluded.wrapped,
             created_at = excluded.created_at",
        params![
            holder,
            &salt[..],
            m,
            t,
            p,
            wrapped,
            ids::timestamp(Utc::now())
        ],
    )?;
    Ok(())
}

fn wrap_recovery(conn: &Connection, recovery: &RecoveryKey, key: &DataKey) -> Result<()> {
    let wrapped = vault::encrypt(&recovery.wrapping_key(), &aad(RECOVERY), key.as_bytes());
    conn.execute(
        "INSERT INTO key_wraps (holder, salt, wrapped, created_at) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (holder) DO UPDATE SET salt = excluded.salt, wrapped = excluded.wrapped,
             created_at = excluded.created_at",
        params![
            RECOVERY,
            &random_salt()[..],
            wrapped,
            ids::timestamp(Utc::now())
        ],
    )?;
    Ok(())
}

/// After a new PIN of account `id` (created, reset, changed), inside the same
/// transaction: wraps the data key for it. Nothing to do while personal data is not
/// sealed; refused while it is and the key is not in memory (the personal areas of the
/// one who acts are locked).
pub(super) fn rewrap(
    conn: &Connection,
    hasher: &PinHasher,
    vault: &Vault,
    id: i64,
    pin: &str,
    current: Option<&str>,
) -> Result<()> {
    if !vault.is_sealed() {
        return Ok(());
    }
    // an operator changing their own PIN while their areas are locked: the current
    // PIN (just verified) opens their own wrap
    let key = match (vault.key(), current) {
        (Some(k), _) => Some(k),
        (None, Some(pin)) => unwrap_own(conn, id, pin)?,
        (None, None) => None,
    };
    match key {
        Some(k) => wrap_for(conn, hasher, id, pin, &k),
        // an account with no wrap (older than the sealing) keeps none
        None if current.is_some() && !has_wrap(conn, id)? => Ok(()),
        None => Err(Error::PersonalDataLocked),
    }
}

fn has_wrap(conn: &Connection, id: i64) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM key_wraps WHERE holder = ?1)",
        [holder(id)],
        |r| r.get(0),
    )?)
}

/// The data key from account `id`'s wrap and `pin`, without putting it in memory
/// for the app; `None` when the account has no wrap.
fn unwrap_own(conn: &Connection, id: i64, pin: &str) -> Result<Option<DataKey>> {
    let probe = Vault::new_locked();
    match open(conn, &probe, id, pin)? {
        Opened::Open => Ok(probe.key()),
        _ => Ok(None),
    }
}

/// Deletes account `id`'s wrap (the account is retired), inside the caller's
/// transaction.
pub(super) fn drop_wrap(conn: &Connection, id: i64) -> Result<()> {
    conn.execute("DELETE FROM key_wraps WHERE holder = ?1", [holder(id)])?;
    Ok(())
}

/// What a sign-in did with the data key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Opened {
    /// Personal data is not sealed on this installation (yet).
    Plain,
    /// The data key is in memory: personal data opens.
    Open,
    /// This account has no wrap (it existed before the setup): a coordinator must
    /// reset its PIN before its personal areas open.
    NoKey,
}

/// A stored wrap: salt, Argon2id memory, passes and lanes, the wrapped key.
type Wrap = (Vec<u8>, u32, u32, u32, Vec<u8>);

fn unwrap_with(kwk: &DataKey, holder: &str, wrapped: &[u8]) -> Option<DataKey> {
    let plain = Zeroizing::new(vault::decrypt(kwk, &aad(holder), wrapped).ok()?);
    let bytes: [u8; 32] = plain.as_slice().try_into().ok()?;
    Some(DataKey::from_bytes(bytes))
}

/// After account `id` signed in (or unlocked) with `pin`, already verified: unwraps the
/// data key into `vault`.
pub fn open(conn: &Connection, vault: &Vault, id: i64, pin: &str) -> Result<Opened> {
    if !vault.is_sealed() {
        return Ok(Opened::Plain);
    }
    let row: Option<Wrap> = conn
        .query_row(
            "SELECT salt, m_cost, t_cost, p_cost, wrapped FROM key_wraps WHERE holder = ?1",
            [holder(id)],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let Some((salt, m, t, p, wrapped)) = row else {
        vault.lock();
        return Ok(Opened::NoKey);
    };
    // parameters read from the file: an altered row must not make the sign-in
    // allocate without bound
    if m > MAX_MEMORY_KIB || t > MAX_PASSES || p > MAX_LANES {
        vault.lock();
        return Err(Error::Sealed {
            place: "key_wraps".into(),
            message: "sealed value is malformed (key derivation parameters out of range)".into(),
        });
    }
    let kwk = DataKey::from_bytes(*PinHasher::with_params(m, t, p).derive_key(pin, &salt)?);
    let Some(key) = unwrap_with(&kwk, &holder(id), &wrapped) else {
        vault.lock();
        return Err(Error::Sealed {
            place: "key_wraps".into(),
            message: "sealed value does not open with this PIN (the wrap was altered)".into(),
        });
    };
    vault.open(key);
    Ok(Opened::Open)
}

/// After `op` signed in with `pin` (verified already): opens the data key, finishing a
/// sealing a failure or a crash left unfinished; on an installation not sealed yet, a
/// coordinator's sign-in seals it and answers the recovery key to show once (the demo's
/// made-up data is never sealed). A sealing that fails before its commit leaves the
/// data plain, to be sealed at the next coordinator's sign-in.
pub fn sign_in(
    conn: &mut Connection,
    hasher: &PinHasher,
    vault: &Vault,
    op: &Operator,
    pin: &str,
    now: DateTime<Utc>,
) -> Result<(Opened, Option<RecoveryKey>)> {
    match unlock(conn, vault, op.id, pin, now)? {
        Opened::Plain if op.is_coordinator() && !crate::demo::is_demo(conn)? => {
            match setup(conn, hasher, vault, op, pin, now) {
                Ok(recovery) => Ok((Opened::Open, Some(recovery))),
                Err(e) => {
                    eprintln!("personal data not sealed yet: {e}");
                    Ok((Opened::Plain, None))
                }
            }
        }
        other => Ok((other, None)),
    }
}

/// After account `id` unlocked with `pin` (verified already): [`open`], then the
/// sealing's last steps if any are left (a failure is logged and tried again later).
pub fn unlock(
    conn: &Connection,
    vault: &Vault,
    id: i64,
    pin: &str,
    now: DateTime<Utc>,
) -> Result<Opened> {
    let opened = open(conn, vault, id, pin)?;
    if opened == Opened::Open
        && let Err(e) = finish_sealing(conn, now)
    {
        eprintln!("the sealing is not finished yet: {e}");
    }
    Ok(opened)
}

/// Seals this installation's personal data: makes the data key, wraps it for
/// coordinator `by` (who signed in with `pin`) and under a new recovery key, seals
/// every personal value and copy already stored, and returns the recovery key to show
/// once. Refused if the data is sealed already.
pub fn setup(
    conn: &mut Connection,
    hasher: &PinHasher,
    vault: &Vault,
    by: &Operator,
    pin: &str,
    now: DateTime<Utc>,
) -> Result<RecoveryKey> {
    require_coordinator(by, "seal the personal data")?;
    if vault.is_sealed() {
        return Err(Error::Conflict("personal data is sealed already".into()));
    }
    let key = DataKey::generate();
    let recovery = RecoveryKey::generate();
    let tx = conn.transaction()?;
    wrap_for(&tx, hasher, by.id, pin, &key)?;
    wrap_recovery(&tx, &recovery, &key)?;
    settings::set(&tx, vault::SETTING, "1")?;
    settings::set(&tx, PENDING, &ids::timestamp(now))?;
    // the connection's functions seal from here on; until the commit, any way out
    // (an error, a panic) puts the vault back to plain
    let guard = vault.open_until_committed(key);
    let n = crate::appointments::seal_stored(&tx)? + crate::cases::seal_stored(&tx)?;
    audit::log(
        &tx,
        now,
        &by.name,
        "seal_personal_data",
        "installation",
        "",
        None,
        &format!("{n} records sealed"),
    )?;
    tx.commit()?;
    guard.committed();
    // From here the sealing holds: what is left is done again at every opening of
    // the key until it is all done, and never takes the recovery key away.
    if let Err(e) = finish_sealing(conn, now) {
        eprintln!("the sealing is not finished yet (done again at the next sign-in): {e}");
    }
    Ok(recovery)
}

/// The setting that says the sealing's last steps are still to do (its time).
pub const PENDING: &str = "personal_data.sealing_pending";

/// The steps of the sealing that come after its commit, done again at every opening
/// of the key until all succeed: the write-ahead log emptied (no clear page may
/// survive there), the copies' files sealed, and one sealed backup in place of every
/// earlier one (they held the data in clear). Returns whether anything was pending.
pub fn finish_sealing(conn: &Connection, now: DateTime<Utc>) -> Result<bool> {
    if settings::get(conn, PENDING)?.is_none() {
        return Ok(false);
    }
    if !crate::store::checkpoint_wal(conn)? {
        return Err(Error::Conflict(
            "another program is reading the database: its log could not be emptied yet".into(),
        ));
    }
    crate::cases::documents::seal_files(conn)?;
    if let Some(db) = conn
        .path()
        .filter(|p| !p.is_empty())
        .map(std::path::PathBuf::from)
    {
        crate::store::backup::replace_after_sealing(conn, &db, now)?;
    }
    conn.execute("DELETE FROM settings WHERE key = ?1", [PENDING])?;
    Ok(true)
}

/// A coordinator makes a new recovery key: the old one no longer opens this database
/// (backups made before keep the old wrap, see docs/operators.md).
pub fn new_recovery_key(
    conn: &Connection,
    vault: &Vault,
    by: &Operator,
    now: DateTime<Utc>,
) -> Result<RecoveryKey> {
    require_coordinator(by, "make a new recovery key")?;
    let key = vault.key().ok_or(Error::PersonalDataLocked)?;
    let recovery = RecoveryKey::generate();
    let tx = conn.unchecked_transaction()?;
    wrap_recovery(&tx, &recovery, &key)?;
    audit::log(
        &tx,
        now,
        &by.name,
        "new_recovery_key",
        "installation",
        "",
        None,
        "",
    )?;
    tx.commit()?;
    Ok(recovery)
}

/// Opens the installation with the recovery key: sets `new_pin` for account `id`,
/// wraps the data key for it and puts the key in `vault`. The account then signs in
/// with the new PIN. A wrong recovery key changes nothing.
pub fn recover(
    conn: &Connection,
    hasher: &PinHasher,
    vault: &Vault,
    recovery: &str,
    id: i64,
    new_pin: &str,
    now: DateTime<Utc>,
) -> Result<Operator> {
    let recovery = RecoveryKey::parse(recovery)?;
    pin::check(new_pin, "new_pin")?;
    let account = super::get(conn, id)?;
    if !account.active {
        return Err(Error::invalid("operator", "this account was retired"));
    }
    let wrapped: Option<Vec<u8>> = conn
        .query_row(
            "SELECT wrapped FROM key_wraps WHERE holder = ?1",
            [RECOVERY],
            |r| r.get(0),
        )
        .optional()?;
    let Some(key) = wrapped.and_then(|w| unwrap_with(&recovery.wrapping_key(), RECOVERY, &w))
    else {
        audit::log(
            conn,
            now,
            &account.name,
            "wrong_recovery_key",
            "operator",
            &id.to_string(),
            None,
            "",
        )?;
        return Err(Error::invalid(
            "recovery_key",
            "this recovery key does not open this installation",
        ));
    };
    let tx = conn.unchecked_transaction()?;
    super::store_pin(&tx, hasher, id, new_pin)?;
    wrap_for(&tx, hasher, id, new_pin, &key)?;
    audit::log(
        &tx,
        now,
        &account.name,
        "recover",
        "operator",
        &id.to_string(),
        None,
        "",
    )?;
    tx.commit()?;
    vault.open(key);
    if let Err(e) = finish_sealing(conn, now) {
        eprintln!("the sealing is not finished yet: {e}");
    }
    Ok(account)
}

#[cfg(test)]
mod tests;
