//! The coordinator's key pair: created once, kept beside the database, backed up under a
//! passphrase.
//!
//! The private identity is written, readable by its owner only (mode 0600), into
//! `<database>-coordinator-key.txt` beside the database (`sportello.db` has
//! `sportello-coordinator-key.txt`), in the layout `age-keygen` writes, so that
//! `age -d -i` opens an export with it too. It is never overwritten: a new key would
//! make every file already encrypted to the old one unreadable. The backup is that file
//! encrypted to a passphrase (age's scrypt recipient), ASCII-armored so that it can be
//! printed, written where the coordinator chooses; `age -d` opens it with the
//! passphrase. The private key is never printed, logged or exported.

use std::io::Read;
use std::path::{Path, PathBuf};

use age::secrecy::{ExposeSecret, SecretString};
use age::x25519;
use chrono::{DateTime, SecondsFormat, Utc};

use crate::{Error, Result, files};

/// The scrypt work factor of a backup (`N = 2^18`, as the reference `age` writes).
const BACKUP_WORK_FACTOR: u8 = 18;
/// The shortest passphrase a backup accepts.
pub const MIN_PASSPHRASE_CHARS: usize = 12;
/// The largest key or backup file read (a key file is about 200 bytes).
const MAX_KEY_FILE_BYTES: u64 = 64 * 1024;

/// The identity file of the database at `db`: `<name>-coordinator-key.txt` beside it,
/// one of the private files the store keeps 0600.
pub fn identity_path(db: &Path) -> PathBuf {
    crate::store::private::key_file(db)
}

/// The coordinator's key pair as it may be shown: the public recipient and where the
/// private identity is kept. Never the private key itself.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeyPair {
    /// The public recipient, `age1...`: the desks encrypt to it.
    pub recipient: String,
    /// The identity file.
    pub path: PathBuf,
}

/// The text of an identity file, as `age-keygen` writes it.
fn identity_file_text(identity: &x25519::Identity, created: DateTime<Utc>) -> SecretString {
    SecretString::from(format!(
        "# created: {}\n# public key: {}\n{}\n",
        created.to_rfc3339_opts(SecondsFormat::Secs, true),
        identity.to_public(),
        identity.to_string().expose_secret()
    ))
}

/// Writes the key file at `path` (mode 0600) with `text`, the file of `identity`.
fn write_key_file(
    path: PathBuf,
    identity: &x25519::Identity,
    text: &SecretString,
) -> Result<KeyPair> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    files::write_private(dir, &name, text.expose_secret().as_bytes())?;
    Ok(KeyPair {
        recipient: identity.to_public().to_string(),
        path,
    })
}

/// Creates the coordinator's key pair for the database at `db`, at `now`: the identity
/// file beside it (mode 0600). Refuses when one exists already, leaving it untouched.
pub fn init(db: &Path, now: DateTime<Utc>) -> Result<KeyPair> {
    let path = identity_path(db);
    if path.exists() {
        return Err(Error::Conflict(format!(
            "a key pair exists already ({}): a new one would make every file encrypted to \
             it unreadable; its public key: sportello keys show",
            path.display()
        )));
    }
    let identity = x25519::Identity::generate();
    let text = identity_file_text(&identity, now);
    write_key_file(path, &identity, &text)
}

/// [`init`] and [`write_backup`] at once, as the app's "Crea chiavi" does: the
/// passphrase and the backup's place are checked before the key exists, so a refused
/// one leaves no key without a backup.
pub fn init_with_backup(
    db: &Path,
    backup: &Path,
    passphrase: SecretString,
    now: DateTime<Utc>,
) -> Result<KeyPair> {
    check_passphrase(&passphrase)?;
    if backup.exists() {
        return Err(Error::invalid(
            "backup",
            format!("{} exists already: choose another name", backup.display()),
        ));
    }
    let pair = init(db, now)?;
    write_backup(db, backup, passphrase, now)?;
    Ok(pair)
}

/// The coordinator's key pair of the database at `db`, if created.
pub fn show(db: &Path) -> Result<Option<KeyPair>> {
    let path = identity_path(db);
    Ok(load_identity_if_present(&path)?.map(|identity| KeyPair {
        recipient: identity.to_public().to_string(),
        path,
    }))
}

fn read_small(path: &Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?
        .take(MAX_KEY_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_KEY_FILE_BYTES {
        return Err(std::io::Error::from(std::io::ErrorKind::FileTooLarge));
    }
    Ok(bytes)
}

/// Reads an identity from the text of a key file: the first line that is neither
/// empty nor a `#` comment.
fn parse_identity(text: &str, path: &Path) -> Result<x25519::Identity> {
    let line = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .unwrap_or_default();
    line.parse::<x25519::Identity>().map_err(|_| {
        Error::invalid(
            "identity",
            format!(
                "{} holds no age private key (a line AGE-SECRET-KEY-1...): choose the \
                 coordinator's key file",
                path.display()
            ),
        )
    })
}

/// The identity in the key file at `path` (`age-keygen`'s layout).
pub fn load_identity(path: &Path) -> Result<x25519::Identity> {
    let bytes = read_small(path).map_err(|e| Error::io(path, e))?;
    let text = SecretString::from(String::from_utf8_lossy(&bytes).into_owned());
    parse_identity(text.expose_secret(), path)
}

/// [`load_identity`], or `None` when the file does not exist.
pub fn load_identity_if_present(path: &Path) -> Result<Option<x25519::Identity>> {
    if !path.exists() {
        return Ok(None);
    }
    load_identity(path).map(Some)
}

/// Refuses a passphrase too short to protect the key.
pub fn check_passphrase(passphrase: &SecretString) -> Result<()> {
    if passphrase.expose_secret().chars().count() < MIN_PASSPHRASE_CHARS {
        return Err(Error::invalid(
            "passphrase",
            format!(
                "the backup's passphrase needs at least {MIN_PASSPHRASE_CHARS} characters \
                 (a few words are easy to remember)"
            ),
        ));
    }
    Ok(())
}

/// Writes the backup of the coordinator's identity (of the database at `db`) to `out`:
/// the key file encrypted to `passphrase`, ASCII-armored. Refuses to overwrite a file.
pub fn write_backup(
    db: &Path,
    out: &Path,
    passphrase: SecretString,
    now: DateTime<Utc>,
) -> Result<PathBuf> {
    check_passphrase(&passphrase)?;
    let key_path = identity_path(db);
    let Some(identity) = load_identity_if_present(&key_path)? else {
        return Err(Error::invalid(
            "identity",
            "no key pair yet: create it first (sportello keys init)",
        ));
    };
    if out.exists() {
        return Err(Error::invalid(
            "backup",
            format!("{} exists already: choose another name", out.display()),
        ));
    }
    let text = identity_file_text(&identity, now);
    let mut recipient = age::scrypt::Recipient::new(passphrase);
    recipient.set_work_factor(BACKUP_WORK_FACTOR);
    let armored = age::encrypt_and_armor(&recipient, text.expose_secret().as_bytes())
        .map_err(|e| Error::invalid("backup", format!("cannot encrypt the backup: {e}")))?;
    let dir = match out.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| Error::invalid("backup", "choose a file name for the backup"))?;
    files::write_private(dir, &name, armored.as_bytes())
}

/// Restores the coordinator's identity from the backup at `backup`, opened with
/// `passphrase`, as the key file of the database at `db`. Refuses when that database
/// has a key file already.
pub fn restore_backup(db: &Path, backup: &Path, passphrase: SecretString) -> Result<KeyPair> {
    let path = identity_path(db);
    if path.exists() {
        return Err(Error::Conflict(format!(
            "a key pair exists already ({}): move it away first if the backup must \
             replace it",
            path.display()
        )));
    }
    let bytes = read_small(backup).map_err(|e| Error::io(backup, e))?;
    let mut identity = age::scrypt::Identity::new(passphrase);
    identity.set_max_work_factor(BACKUP_WORK_FACTOR + 2);
    let plain = age::decrypt(&identity, &bytes).map_err(|e| {
        Error::invalid(
            "passphrase",
            format!(
                "the backup {} cannot be opened ({e}): check the passphrase and the file",
                backup.display()
            ),
        )
    })?;
    let text = SecretString::from(String::from_utf8_lossy(&plain).into_owned());
    let identity = parse_identity(text.expose_secret(), backup)?;
    write_key_file(path, &identity, &text)
}
