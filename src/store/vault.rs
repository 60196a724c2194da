//! The data key that seals personal data at rest, and the SQL functions that use it.
//!
//! Personal data (appointment names and phones, case files, follow-ups, closing notes,
//! the names and the bytes of copies of documents) is stored **sealed**: encrypted and
//! authenticated with XChaCha20-Poly1305 under one random 256-bit data key, with a fresh
//! random nonce per value, and bound to its place (column and record) as associated
//! data, so a sealed value moved to another record or column does not open. The format
//! is specified in docs/operators.md ("Sealed values").
//!
//! The key is never written anywhere: it lives in this process's memory while an
//! operator is signed in and the personal areas are open, and is dropped (zeroed) when
//! they lock, at "Cambia operatore" and when the app closes. `operators::keys` keeps it
//! wrapped under each operator's PIN and under the recovery key.
//!
//! Every connection gets four SQL functions, so the modules that own personal columns
//! seal and open them in their own SQL:
//!
//! | function | gives |
//! | --- | --- |
//! | `seal(place, id, text)` | the sealed text (`NULL` and `''` stay as they are) |
//! | `unseal(place, id, sealed)` | the text; while locked `''` for any non-`NULL` value |
//! | `seal_bytes(place, id, blob)` | the sealed bytes |
//! | `unseal_bytes(place, id, blob)` | the bytes, or an error while locked |
//!
//! A write while locked fails ([`LOCKED`]), so nothing is ever stored in clear or lost;
//! a read while locked gives empty text, so the anonymous half of a record (a case's
//! type, dates, outcome) stays readable by the command line, which never has the key.
//!
//! An installation whose personal data is not encrypted yet (no key was ever made: the
//! data key is made at the first run, or at a coordinator's first sign-in after the
//! update) is [`KeyState::Plain`]: the functions pass values through unchanged.

use std::sync::{Arc, Mutex, MutexGuard};

use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rusqlite::Connection;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value, ValueRef};
use zeroize::Zeroizing;

use crate::Result;
use crate::store::settings;

/// The setting that says this installation's personal data is sealed ("1").
pub const SETTING: &str = "personal_data.sealed";

/// The message of a write (or a read of bytes) while the personal areas are locked.
pub const LOCKED: &str = crate::error::PERSONAL_DATA_LOCKED;

/// The prefix of a sealed text value: format version 1.
pub const TEXT_PREFIX: &str = "s1:";

/// The first bytes of sealed bytes (a copy of a document): format version 1.
pub const BYTES_MAGIC: &[u8; 8] = b"SPSEAL1\n";

/// The length of a nonce (XChaCha20: 192 bits) and of the authentication tag.
pub const NONCE_LEN: usize = 24;
pub const TAG_LEN: usize = 16;

/// A data key: 32 random bytes, zeroed when dropped.
#[derive(Clone)]
pub struct DataKey(Zeroizing<[u8; 32]>);

impl DataKey {
    /// A new random key from the operating system.
    pub fn generate() -> DataKey {
        let key = XChaCha20Poly1305::generate_key(&mut OsRng);
        DataKey::from_bytes(key.into())
    }

    pub fn from_bytes(bytes: [u8; 32]) -> DataKey {
        DataKey(Zeroizing::new(bytes))
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(self.0.as_ref()))
    }
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DataKey(…)")
    }
}

/// Encrypts `plain` under `key`, bound to `aad`: nonce, then ciphertext and tag.
pub fn encrypt(key: &DataKey, aad: &[u8], plain: &[u8]) -> Vec<u8> {
    let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
    let sealed = key
        .cipher()
        .encrypt(&nonce, Payload { msg: plain, aad })
        .expect("XChaCha20-Poly1305 encrypts any message under 256 GiB");
    let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    out
}

/// Why sealed data did not open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenError {
    #[error("{LOCKED}")]
    Locked,
    #[error("sealed value is malformed (too short, or not written by this program)")]
    Malformed,
    #[error("sealed value does not open with this key here (wrong key, or moved or altered)")]
    Forged,
}

/// Decrypts what [`encrypt`] gave for the same `key` and `aad`.
pub fn decrypt(
    key: &DataKey,
    aad: &[u8],
    sealed: &[u8],
) -> std::result::Result<Vec<u8>, OpenError> {
    if sealed.len() < NONCE_LEN + TAG_LEN {
        return Err(OpenError::Malformed);
    }
    let (nonce, body) = sealed.split_at(NONCE_LEN);
    key.cipher()
        .decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad })
        .map_err(|_| OpenError::Forged)
}

/// The associated data of a value: where it belongs.
pub fn place(place: &str, id: &str) -> Vec<u8> {
    format!("sportello/v1/{place}/{id}").into_bytes()
}

/// Seals a text value: `s1:` and the hex of nonce, ciphertext and tag. Empty text
/// stays empty (the file shows that a field is empty, never what a field holds).
pub fn seal_text(key: &DataKey, place_: &str, id: &str, text: &str) -> String {
    if text.is_empty() {
        return String::new();
    }
    format!(
        "{TEXT_PREFIX}{}",
        hex::encode(encrypt(key, &place(place_, id), text.as_bytes()))
    )
}

/// Opens a text value sealed by [`seal_text`] for the same place.
pub fn open_text(
    key: &DataKey,
    place_: &str,
    id: &str,
    sealed: &str,
) -> std::result::Result<String, OpenError> {
    if sealed.is_empty() {
        return Ok(String::new());
    }
    let body = sealed
        .strip_prefix(TEXT_PREFIX)
        .ok_or(OpenError::Malformed)?;
    let bytes = hex::decode(body).map_err(|_| OpenError::Malformed)?;
    let plain = decrypt(key, &place(place_, id), &bytes)?;
    String::from_utf8(plain).map_err(|_| OpenError::Malformed)
}

/// Seals bytes (a copy of a document): the magic line, nonce, ciphertext and tag.
pub fn seal_bytes(key: &DataKey, place_: &str, id: &str, plain: &[u8]) -> Vec<u8> {
    let mut out = BYTES_MAGIC.to_vec();
    out.extend(encrypt(key, &place(place_, id), plain));
    out
}

/// Opens bytes sealed by [`seal_bytes`] for the same place.
pub fn open_bytes(
    key: &DataKey,
    place_: &str,
    id: &str,
    sealed: &[u8],
) -> std::result::Result<Vec<u8>, OpenError> {
    let body = sealed
        .strip_prefix(BYTES_MAGIC.as_slice())
        .ok_or(OpenError::Malformed)?;
    decrypt(key, &place(place_, id), body)
}

/// See [`Vault::open_until_committed`].
pub(crate) struct Sealing {
    vault: Vault,
    committed: bool,
}

impl Sealing {
    pub(crate) fn committed(mut self) {
        self.committed = true;
    }
}

impl Drop for Sealing {
    fn drop(&mut self) {
        if !self.committed {
            *self.vault.state() = KeyState::Plain;
        }
    }
}

/// Whether personal data is sealed on this installation, and whether the key is here.
#[derive(Debug, Clone)]
pub enum KeyState {
    /// No data key was ever made: values are stored as they are.
    Plain,
    /// Sealed, and the key is not in memory: nothing personal opens or is written.
    Locked,
    /// Sealed, and the key is in memory.
    Open(DataKey),
}

/// The data key of one open database, shared by its connection's SQL functions and
/// by whoever opens and locks it (the app's session).
#[derive(Clone)]
pub struct Vault(Arc<Mutex<KeyState>>);

impl std::fmt::Debug for Vault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match &*self.state() {
            KeyState::Plain => "plain",
            KeyState::Locked => "locked",
            KeyState::Open(_) => "open",
        };
        write!(f, "Vault({state})")
    }
}

impl Vault {
    /// A vault of an installation whose data is not sealed (for tests).
    #[cfg(test)]
    pub(crate) fn new() -> Vault {
        Vault(Arc::new(Mutex::new(KeyState::Plain)))
    }

    /// A vault that opens nothing until [`Vault::load`] has read the database: a
    /// connection never writes in clear before it knows.
    pub(crate) fn new_locked() -> Vault {
        Vault(Arc::new(Mutex::new(KeyState::Locked)))
    }

    /// Puts the key in memory while the transaction that seals the data runs: unless
    /// [`Sealing::committed`] is called, the vault goes back to plain when the guard is
    /// dropped (an error, or a panic unwinding), as the database does.
    pub(crate) fn open_until_committed(&self, key: DataKey) -> Sealing {
        self.open(key);
        Sealing {
            vault: self.clone(),
            committed: false,
        }
    }

    fn state(&self) -> MutexGuard<'_, KeyState> {
        // a panic elsewhere cannot leave a key half-written: the state is one enum
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sets the state from the database: locked when its personal data is sealed.
    pub(crate) fn load(&self, conn: &Connection) -> Result<()> {
        let sealed = settings::get(conn, SETTING)?.as_deref() == Some("1");
        let mut state = self.state();
        *state = match (&*state, sealed) {
            (_, false) => KeyState::Plain,
            (KeyState::Open(k), true) => KeyState::Open(k.clone()),
            (_, true) => KeyState::Locked,
        };
        Ok(())
    }

    /// Whether this installation's personal data is sealed.
    pub fn is_sealed(&self) -> bool {
        !matches!(*self.state(), KeyState::Plain)
    }

    /// Whether personal data can be read and written now (plain, or the key is here).
    pub fn is_open(&self) -> bool {
        !matches!(*self.state(), KeyState::Locked)
    }

    /// The key, when it is in memory.
    pub fn key(&self) -> Option<DataKey> {
        match &*self.state() {
            KeyState::Open(k) => Some(k.clone()),
            _ => None,
        }
    }

    /// Puts the key in memory: personal data opens.
    pub fn open(&self, key: DataKey) {
        *self.state() = KeyState::Open(key);
    }

    /// Drops the key from memory (zeroing it), if personal data is sealed.
    pub fn lock(&self) {
        let mut state = self.state();
        if !matches!(*state, KeyState::Plain) {
            *state = KeyState::Locked;
        }
    }

    /// Seals a text value for its place, or passes it through on a plain installation.
    pub fn seal_text(&self, place_: &str, id: &str, text: &str) -> Result<String> {
        match &*self.state() {
            KeyState::Plain => Ok(text.to_string()),
            KeyState::Locked if text.is_empty() => Ok(String::new()),
            KeyState::Locked => Err(crate::Error::PersonalDataLocked),
            KeyState::Open(k) => Ok(seal_text(k, place_, id, text)),
        }
    }

    /// Seals bytes for their place, or passes them through on a plain installation.
    pub fn seal_bytes(&self, place_: &str, id: &str, plain: &[u8]) -> Result<Vec<u8>> {
        match &*self.state() {
            KeyState::Plain => Ok(plain.to_vec()),
            KeyState::Locked => Err(crate::Error::PersonalDataLocked),
            KeyState::Open(k) => Ok(seal_bytes(k, place_, id, plain)),
        }
    }

    /// Opens bytes sealed for their place (plain bytes on a plain installation).
    pub fn open_bytes(&self, place_: &str, id: &str, stored: &[u8]) -> Result<Vec<u8>> {
        match &*self.state() {
            KeyState::Plain => Ok(stored.to_vec()),
            KeyState::Locked => Err(crate::Error::PersonalDataLocked),
            KeyState::Open(k) => open_bytes(k, place_, id, stored).map_err(|e| opened(place_, e)),
        }
    }

    /// Registers the connection's four functions (see the module's documentation).
    pub(crate) fn register(&self, conn: &Connection) -> Result<()> {
        // not deterministic (a fresh nonce each time), and never callable from a
        // trigger or view a file could carry
        let flags = FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DIRECTONLY;
        let v = self.clone();
        conn.create_scalar_function("seal", 3, flags, move |ctx| v.sql_seal(ctx))?;
        let v = self.clone();
        conn.create_scalar_function("unseal", 3, flags, move |ctx| v.sql_unseal(ctx))?;
        let v = self.clone();
        conn.create_scalar_function("seal_bytes", 3, flags, move |ctx| {
            let (place_, id) = where_(ctx)?;
            match ctx.get_raw(2) {
                ValueRef::Null => Ok(Value::Null),
                ValueRef::Blob(b) => v.seal_bytes(&place_, &id, b).map(Value::Blob).map_err(user),
                _ => Err(user("seal_bytes takes a blob")),
            }
        })?;
        let v = self.clone();
        conn.create_scalar_function("unseal_bytes", 3, flags, move |ctx| {
            let (place_, id) = where_(ctx)?;
            match ctx.get_raw(2) {
                ValueRef::Null => Ok(Value::Null),
                ValueRef::Blob(b) => v.open_bytes(&place_, &id, b).map(Value::Blob).map_err(user),
                _ => Err(user("unseal_bytes takes a blob")),
            }
        })?;
        Ok(())
    }

    fn sql_seal(&self, ctx: &Context<'_>) -> rusqlite::Result<Value> {
        let (place_, id) = where_(ctx)?;
        match ctx.get_raw(2) {
            ValueRef::Null => Ok(Value::Null),
            ValueRef::Text(t) => {
                let text = std::str::from_utf8(t).map_err(user)?;
                self.seal_text(&place_, &id, text)
                    .map(Value::Text)
                    .map_err(user)
            }
            _ => Err(user("seal takes text")),
        }
    }

    fn sql_unseal(&self, ctx: &Context<'_>) -> rusqlite::Result<Value> {
        let (place_, id) = where_(ctx)?;
        let text = match ctx.get_raw(2) {
            ValueRef::Null => return Ok(Value::Null),
            ValueRef::Text(t) => std::str::from_utf8(t).map_err(user)?,
            _ => return Err(user("unseal takes text")),
        };
        match &*self.state() {
            KeyState::Plain => Ok(Value::Text(text.to_string())),
            // the anonymous half of the record stays readable; its personal text is
            // empty until the key is here
            KeyState::Locked => Ok(Value::Text(String::new())),
            KeyState::Open(k) => open_text(k, &place_, &id, text)
                .map(Value::Text)
                .map_err(|e| user(opened(&place_, e))),
        }
    }
}

fn opened(place_: &str, e: OpenError) -> crate::Error {
    match e {
        OpenError::Locked => crate::Error::PersonalDataLocked,
        other => crate::Error::Sealed {
            place: place_.to_string(),
            message: other.to_string(),
        },
    }
}

fn where_(ctx: &Context<'_>) -> rusqlite::Result<(String, String)> {
    let place_: String = ctx.get(0)?;
    let id = match ctx.get_raw(1) {
        ValueRef::Integer(i) => i.to_string(),
        ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
        _ => {
            return Err(user(
                "the record of a sealed value is named by text or an integer",
            ));
        }
    };
    Ok((place_, id))
}

fn user(e: impl std::fmt::Display) -> rusqlite::Error {
    rusqlite::Error::UserFunctionError(e.to_string().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    #[test]
    fn a_sealed_text_opens_only_with_its_key_and_place() {
        let k = DataKey::generate();
        let s = seal_text(&k, "appointments.person_name", "a1", "Amina Diallo");
        assert!(s.starts_with(TEXT_PREFIX), "{s}");
        assert!(!s.contains("Amina"));
        assert_ne!(
            s,
            seal_text(&k, "appointments.person_name", "a1", "Amina Diallo")
        );
        assert_eq!(
            open_text(&k, "appointments.person_name", "a1", &s).unwrap(),
            "Amina Diallo"
        );
        // another record, another column, another key: it does not open
        assert_eq!(
            open_text(&k, "appointments.person_name", "a2", &s),
            Err(OpenError::Forged)
        );
        assert_eq!(
            open_text(&k, "appointments.phone", "a1", &s),
            Err(OpenError::Forged)
        );
        assert_eq!(
            open_text(&DataKey::generate(), "appointments.person_name", "a1", &s),
            Err(OpenError::Forged)
        );
        // altered, cut, not ours
        let mut altered = s.clone().into_bytes();
        let last = altered.len() - 1;
        altered[last] = if altered[last] == b'0' { b'1' } else { b'0' };
        let altered = String::from_utf8(altered).unwrap();
        assert_eq!(
            open_text(&k, "appointments.person_name", "a1", &altered),
            Err(OpenError::Forged)
        );
        assert_eq!(
            open_text(&k, "appointments.person_name", "a1", &s[..20]),
            Err(OpenError::Malformed)
        );
        assert_eq!(
            open_text(&k, "appointments.person_name", "a1", "Amina"),
            Err(OpenError::Malformed)
        );
        assert_eq!(seal_text(&k, "x", "1", ""), "");
        assert_eq!(open_text(&k, "x", "1", "").unwrap(), "");
    }

    #[test]
    fn sealed_bytes_open_only_with_their_key_and_place() {
        let k = DataKey::generate();
        let plain = b"%PDF-1.7 permesso di soggiorno".to_vec();
        let s = seal_bytes(&k, "case_documents.file", "d1", &plain);
        assert!(s.starts_with(BYTES_MAGIC));
        assert!(!s.windows(8).any(|w| w == b"permesso"));
        assert_eq!(
            open_bytes(&k, "case_documents.file", "d1", &s).unwrap(),
            plain
        );
        assert_eq!(
            open_bytes(&k, "case_documents.file", "d2", &s),
            Err(OpenError::Forged)
        );
        assert_eq!(
            open_bytes(&k, "case_documents.file", "d1", &plain),
            Err(OpenError::Malformed)
        );
    }

    fn sealed_store() -> (Store, DataKey) {
        let store = Store::open_in_memory().unwrap();
        settings::set(store.conn(), SETTING, "1").unwrap();
        store.vault().load(store.conn()).unwrap();
        let key = DataKey::generate();
        store.vault().open(key.clone());
        (store, key)
    }

    fn sql_text(store: &Store, sql: &str, args: &[&dyn rusqlite::ToSql]) -> Result<Option<String>> {
        Ok(store.conn().query_row(sql, args, |r| r.get(0))?)
    }

    #[test]
    fn the_sql_functions_seal_and_open_and_refuse_to_write_while_locked() {
        let (store, key) = sealed_store();
        let sealed = sql_text(&store, "SELECT seal('t.c', ?1, ?2)", &[&"r1", &"Nome"])
            .unwrap()
            .unwrap();
        assert_eq!(open_text(&key, "t.c", "r1", &sealed).unwrap(), "Nome");
        let back = sql_text(&store, "SELECT unseal('t.c', ?1, ?2)", &[&"r1", &sealed]).unwrap();
        assert_eq!(back.as_deref(), Some("Nome"));
        // an integer record id is its decimal text
        let n = sql_text(&store, "SELECT seal('t.c', 7, 'x')", &[])
            .unwrap()
            .unwrap();
        assert_eq!(open_text(&key, "t.c", "7", &n).unwrap(), "x");
        assert_eq!(
            sql_text(&store, "SELECT seal('t.c', 1, NULL)", &[]).unwrap(),
            None
        );
        assert_eq!(
            sql_text(&store, "SELECT seal('t.c', 1, '')", &[])
                .unwrap()
                .as_deref(),
            Some("")
        );
        // a value moved to another record is refused, naming the place
        let err = sql_text(&store, "SELECT unseal('t.c', 'r2', ?1)", &[&sealed]).unwrap_err();
        assert_eq!(err.code(), "sealed", "{err}");

        store.vault().lock();
        assert!(store.vault().key().is_none());
        let err = sql_text(&store, "SELECT seal('t.c', 'r1', 'Nome')", &[]).unwrap_err();
        assert_eq!(err.code(), "personal_locked", "{err}");
        let hidden = sql_text(&store, "SELECT unseal('t.c', ?1, ?2)", &[&"r1", &sealed]).unwrap();
        assert_eq!(
            hidden.as_deref(),
            Some(""),
            "read while locked: empty, no error"
        );
        let err = store
            .conn()
            .query_row("SELECT unseal_bytes('d', 'x', x'00')", [], |r| {
                r.get::<_, Vec<u8>>(0)
            })
            .map_err(crate::Error::from)
            .unwrap_err();
        assert_eq!(err.code(), "personal_locked");
    }

    #[test]
    fn a_plain_installation_passes_values_through() {
        let store = Store::open_in_memory().unwrap();
        assert!(!store.vault().is_sealed());
        assert!(store.vault().is_open());
        let v = sql_text(
            &store,
            "SELECT unseal('t.c', 1, seal('t.c', 1, 'Nome'))",
            &[],
        )
        .unwrap();
        assert_eq!(v.as_deref(), Some("Nome"));
        // locking a plain installation changes nothing
        store.vault().lock();
        assert!(store.vault().is_open());
    }

    #[test]
    fn a_trigger_cannot_call_the_functions() {
        let (store, _) = sealed_store();
        store
            .conn()
            .execute_batch(
                "CREATE TEMP TABLE t (v TEXT);
                 CREATE TEMP TRIGGER t_leak AFTER INSERT ON t
                 BEGIN UPDATE t SET v = unseal('x', 1, NEW.v); END;",
            )
            .unwrap();
        assert!(
            store
                .conn()
                .execute("INSERT INTO t VALUES ('s1:00')", [])
                .is_err()
        );
    }
}
