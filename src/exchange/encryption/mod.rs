//! Encrypted export files for the coordinator: the age format (age-encryption.org/v1).
//!
//! The coordinator holds an X25519 key pair ([`keys`]): the private identity stays in
//! its data folder, the public recipient (`age1...`) is given to the desks. A desk with
//! a recipient set encrypts every export to it ([`AgeSeal`], the outbox's seal, and
//! [`encrypt`] for an export written to a folder): the file is named `<name>.jsonl.age`
//! and is a standard age file whose plaintext is exactly a version 1 export file, so
//! the reference `age` tool opens it. A desk can encrypt but never decrypt.
//!
//! The importer (`import::decrypt`) recognises an age file by its first line, decrypts it with
//! the coordinator's identity (or one given), and hands the plaintext to the ordinary
//! parser: every rule of the contract applies to it. A file for another key, a damaged
//! or truncated one, is refused with its own rejection; with encryption required
//! ([`set_required`]), so is a plain file. Decrypting never panics on bad
//! input, and the plaintext is held to the same size limit as a plain file.

use std::path::{Path, PathBuf};

pub use age::x25519;
use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::outbox::Seal;
use crate::store::{audit, settings};
use crate::{Error, Result, files};

pub mod keys;

/// The first line of a binary age file.
pub const AGE_HEADER: &[u8] = b"age-encryption.org/v1\n";
/// The first line of an ASCII-armored age file (`age -a`).
const ARMOR_HEADER: &[u8] = b"-----BEGIN AGE ENCRYPTED FILE-----";
/// The suffix an encrypted export's name takes after `.jsonl`.
pub const SUFFIX: &str = ".age";

/// The setting that holds the coordinator's recipient on a desk.
pub const RECIPIENT_SETTING: &str = "encryption_recipient";
/// The setting that makes the coordinator refuse plain files ("1").
pub const REQUIRED_SETTING: &str = "encryption_required";

/// Whether `bytes` are an age file (binary or armored), by their first line.
pub fn is_encrypted(bytes: &[u8]) -> bool {
    bytes.starts_with(AGE_HEADER) || bytes.starts_with(ARMOR_HEADER)
}

/// Parses a recipient as typed: `age1...`, spaces around it ignored.
pub fn parse_recipient(text: &str) -> Result<x25519::Recipient> {
    let text = text.trim();
    let invalid = |message: String| Error::invalid("recipient", message);
    if text.is_empty() {
        return Err(invalid(
            "write the coordinator's public key (it starts with age1)".into(),
        ));
    }
    // anywhere in the text: a private key is never echoed back in a message
    if text.to_ascii_uppercase().contains("AGE-SECRET-KEY-") {
        return Err(invalid(
            "this is a private key: it never leaves the coordinator's computer; write the \
             public key (it starts with age1)"
                .into(),
        ));
    }
    // bech32 is case-insensitive, but age reads only the lower-case form
    text.to_ascii_lowercase()
        .parse::<x25519::Recipient>()
        .map_err(|e| {
            invalid(format!(
                "'{text}' is not an age public key ({e}): copy the coordinator's key again, \
                 it starts with age1"
            ))
        })
}

/// The recipient this desk encrypts its exports to, if one is set.
pub fn recipient(conn: &Connection) -> Result<Option<String>> {
    settings::get(conn, RECIPIENT_SETTING).map(|r| r.filter(|r| !r.is_empty()))
}

/// Sets (or, with `None` or an empty text, clears) the recipient every export of this
/// desk is encrypted to, at `now`, with an audit row naming the public key. The text is
/// checked before it is stored; returns the stored form. Typed in the settings today;
/// the coordinator's receipts call it too.
pub fn set_recipient(
    conn: &Connection,
    recipient: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<String>> {
    let stored = match recipient.map(str::trim).filter(|r| !r.is_empty()) {
        None => None,
        Some(text) => Some(parse_recipient(text)?.to_string()),
    };
    let value = stored.clone().unwrap_or_default();
    if recipient_value(conn)? != value {
        audited(conn, RECIPIENT_SETTING, &value, now)?;
    }
    Ok(stored)
}

fn recipient_value(conn: &Connection) -> Result<String> {
    Ok(settings::get(conn, RECIPIENT_SETTING)?.unwrap_or_default())
}

/// Stores a setting of this module with its audit row (`detail`: the value, which is
/// never a private key), in one transaction: its own, or the caller's when one is open
/// (a receipt taken sets the recipient inside the receipt's transaction).
fn audited(conn: &Connection, key: &str, value: &str, now: DateTime<Utc>) -> Result<()> {
    let write = |conn: &Connection| -> Result<()> {
        settings::set(conn, key, value)?;
        let operator = crate::preferences::signing_operator(conn)?;
        let detail = if value.is_empty() { "cleared" } else { value };
        audit::log(conn, now, &operator, "set", "setting", key, None, detail)
    };
    if !conn.is_autocommit() {
        return write(conn);
    }
    let tx = conn.unchecked_transaction()?;
    write(&tx)?;
    tx.commit()?;
    Ok(())
}

/// Notes in the audit log that the coordinator's key pair was created or restored
/// (`action`: `create`, `restore`), by its public key only.
pub fn note_key_pair(
    conn: &Connection,
    pair: &keys::KeyPair,
    action: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let operator = crate::preferences::signing_operator(conn)?;
    audit::log(
        conn,
        now,
        &operator,
        action,
        "key_pair",
        &pair.recipient,
        None,
        "",
    )
}

/// Whether the coordinator refuses plain files.
pub fn required(conn: &Connection) -> Result<bool> {
    Ok(settings::get(conn, REQUIRED_SETTING)?.as_deref() == Some("1"))
}

/// Makes the coordinator refuse plain files (or accept them again), at `now`, with an
/// audit row when it changes.
pub fn set_required(conn: &Connection, on: bool, now: DateTime<Utc>) -> Result<()> {
    if required(conn)? == on {
        return Ok(());
    }
    audited(conn, REQUIRED_SETTING, if on { "1" } else { "0" }, now)
}

/// The encryption as the settings page shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Status {
    /// (desk) The coordinator's public key the exports are encrypted to.
    pub recipient: Option<String>,
    /// (coordinator) Plain files are refused on import.
    pub required: bool,
    /// (coordinator) Its key pair, once created: the public key and where the private
    /// one is kept.
    pub key_pair: Option<keys::KeyPair>,
}

/// The encryption settings of the database at `db` (`None`: in memory) on `conn`.
pub fn status(conn: &Connection, db: Option<&Path>) -> Result<Status> {
    Ok(Status {
        recipient: recipient(conn)?,
        required: required(conn)?,
        key_pair: match db {
            Some(db) => keys::show(db)?,
            None => None,
        },
    })
}

/// Encrypts `plain` to `recipient`: a binary age file.
pub fn encrypt(recipient: &x25519::Recipient, plain: &[u8]) -> Result<Vec<u8>> {
    age::encrypt(recipient, plain)
        .map_err(|e| Error::invalid("recipient", format!("cannot encrypt: {e}")))
}

/// The outbox's seal for a desk with a recipient: each file entering the outbox is
/// encrypted to it, once.
pub struct AgeSeal {
    recipient: x25519::Recipient,
}

impl AgeSeal {
    /// A seal to `recipient`.
    pub fn to(recipient: x25519::Recipient) -> AgeSeal {
        AgeSeal { recipient }
    }
}

impl Seal for AgeSeal {
    fn suffix(&self) -> &str {
        SUFFIX
    }

    fn seal(&self, plain: &[u8]) -> Result<Vec<u8>> {
        encrypt(&self.recipient, plain)
    }
}

/// The seal for this desk: to its recipient when one is set, else none.
pub fn desk_seal(conn: &Connection) -> Result<Box<dyn Seal>> {
    Ok(match recipient(conn)? {
        Some(r) => Box::new(AgeSeal::to(parse_recipient(&r)?)),
        None => Box::new(super::outbox::Unsealed),
    })
}

/// Encrypts the export file at `path` to `recipient`: writes `<name>.age` beside it
/// (atomically) and removes the plain file; returns the new path.
pub fn encrypt_file(path: &Path, recipient: &x25519::Recipient) -> Result<PathBuf> {
    let plain = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let sealed = encrypt(recipient, &plain)?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let out = files::write_atomically(dir, &format!("{name}{SUFFIX}"), &sealed)?;
    std::fs::remove_file(path).map_err(|e| Error::io(path, e))?;
    Ok(out)
}

#[cfg(test)]
mod tests;
