//! Opening a file for the parser: an encrypted export (an age file) is decrypted with
//! the coordinator's identity, or one given; a plain one passes, unless the coordinator
//! requires encryption. Every failure is a [`Rejection`] that names why (another key, no
//! key, damaged, truncated, plain refused) and what to do; bad input never panics, and
//! the plaintext is held to the size limit of a plain file ([`MAX_FILE_BYTES`]).

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;

use age::x25519;
use rusqlite::Connection;

use super::{MAX_FILE_BYTES, Rejection, RejectionKind, err};
use crate::Result;
use crate::exchange::encryption::{is_encrypted, keys, required};

/// What the importer decrypts with, and whether it refuses plain files.
pub struct Decryption {
    identities: Vec<x25519::Identity>,
    /// Where the identity comes from, for the messages.
    source: String,
    required: bool,
}

impl Decryption {
    /// No identity, plain files accepted: an encrypted file is refused as unreadable
    /// here ([`RejectionKind::NoKey`]).
    pub fn none() -> Decryption {
        Decryption {
            identities: vec![],
            source: String::new(),
            required: false,
        }
    }

    /// With `identity` (read from `source`, named in the messages).
    pub fn with(identity: x25519::Identity, source: impl Into<String>) -> Decryption {
        Decryption {
            identities: vec![identity],
            source: source.into(),
            required: false,
        }
    }

    /// The coordinator's own: its identity beside the database `conn` is open on (none
    /// for a database in memory, or before `keys init`), and its "require encryption".
    pub fn of_database(conn: &Connection) -> Result<Decryption> {
        let mut d = match conn.path().filter(|p| !p.is_empty()) {
            Some(db) => {
                let path = keys::identity_path(Path::new(db));
                match keys::load_identity_if_present(&path)? {
                    Some(identity) => Decryption::with(identity, "the coordinator's key"),
                    None => Decryption::none(),
                }
            }
            None => Decryption::none(),
        };
        d.required = required(conn)?;
        Ok(d)
    }

    /// With the identity in the file at `path` (`--identity FILE`), and the
    /// "require encryption" of `conn`.
    pub fn from_identity_file(conn: &Connection, path: &Path) -> Result<Decryption> {
        let identity = keys::load_identity(path)?;
        let mut d = Decryption::with(identity, format!("the key in {}", path.display()));
        d.required = required(conn)?;
        Ok(d)
    }

    /// What tells these keys apart from others: their public keys, and whether plain
    /// files are refused. Two [`Decryption`]s of one fingerprint open every file alike.
    pub fn fingerprint(&self) -> String {
        let mut keys: Vec<String> = self
            .identities
            .iter()
            .map(|i| i.to_public().to_string())
            .collect();
        keys.push(self.required.to_string());
        keys.join(" ")
    }

    /// Also refuses plain files.
    pub fn requiring(mut self, required: bool) -> Decryption {
        self.required = required;
        self
    }
}

/// A file's bytes as the parser reads them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opened<'a> {
    /// The plain export file: the bytes given when they were plain.
    pub plain: Cow<'a, [u8]>,
    /// Whether it was encrypted.
    pub encrypted: bool,
}

/// Opens a file's `bytes` for the parser: an age file is decrypted with `keys`, a plain
/// file passes as it is (refused when encryption is required). Never panics; every
/// failure is a [`Rejection`] that says why and what to do.
pub fn open<'a>(
    bytes: impl Into<Cow<'a, [u8]>>,
    keys: &Decryption,
) -> std::result::Result<Opened<'a>, Rejection> {
    let bytes = bytes.into();
    let decrypted = match open_slice(&bytes, keys)? {
        Cow::Owned(plain) => Some(plain),
        Cow::Borrowed(_) => None,
    };
    Ok(match decrypted {
        Some(plain) => Opened {
            plain: Cow::Owned(plain),
            encrypted: true,
        },
        None => Opened {
            plain: bytes,
            encrypted: false,
        },
    })
}

/// [`open`], borrowing a plain file's bytes rather than taking them: the plain bytes,
/// borrowed when the file is plain, owned when it was decrypted.
pub(crate) fn open_slice<'a>(
    bytes: &'a [u8],
    keys: &Decryption,
) -> std::result::Result<Cow<'a, [u8]>, Rejection> {
    if !is_encrypted(bytes) {
        if keys.required {
            return Err(err(
                RejectionKind::PlainRefused,
                None,
                None,
                "the file is not encrypted and this coordinator requires encrypted files: \
                 ask the desk to set the coordinator's public key and export again",
            ));
        }
        return Ok(Cow::Borrowed(bytes));
    }
    if keys.identities.is_empty() {
        return Err(err(
            RejectionKind::NoKey,
            None,
            None,
            "the file is encrypted and this installation has no key to open it: import it \
             on the coordinator's computer, or give the key file (--identity FILE)",
        ));
    }
    decrypt(bytes, keys).map(Cow::Owned)
}

thread_local! {
    static DECRYPTED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How many encrypted files this thread tried to decrypt: for the tests, which see a
/// decryption avoided without timing it.
#[doc(hidden)]
pub fn decryptions() -> usize {
    DECRYPTED.with(std::cell::Cell::get)
}

fn decrypt(bytes: &[u8], keys: &Decryption) -> std::result::Result<Vec<u8>, Rejection> {
    DECRYPTED.with(|d| d.set(d.get() + 1));
    use age::DecryptError as D;
    let damaged = |what: String| {
        err(
            RejectionKind::EncryptedDamaged,
            None,
            None,
            format!(
                "the encrypted file is damaged or incomplete ({what}): nothing imported; copy \
                 it again from the desk's folder, or ask the desk to send it again"
            ),
        )
    };
    let truncated = || {
        err(
            RejectionKind::EncryptedTruncated,
            None,
            None,
            "the encrypted file is cut short (an incomplete copy): nothing imported; copy \
             it again from the desk's folder",
        )
    };
    let reader = age::armor::ArmoredReader::new(bytes);
    let decryptor = match age::Decryptor::new_buffered(reader) {
        Ok(d) => d,
        Err(D::Io(e)) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Err(truncated()),
        Err(D::UnknownFormat) => {
            return Err(damaged("an age version this program does not know".into()));
        }
        Err(e) => return Err(damaged(format!("its header: {e}"))),
    };
    if decryptor.is_scrypt() {
        return Err(err(
            RejectionKind::WrongKey,
            None,
            None,
            "the file is encrypted with a passphrase, not to the coordinator's key: \
             nothing imported; ask the desk to export again",
        ));
    }
    let identities = keys.identities.iter().map(|i| i as &dyn age::Identity);
    let reader = match decryptor.decrypt(identities) {
        Ok(r) => r,
        Err(D::NoMatchingKeys) => {
            return Err(err(
                RejectionKind::WrongKey,
                None,
                None,
                format!(
                    "the file is encrypted for another key, not {}: nothing imported; check \
                     the public key set at the desk (it must be the coordinator's)",
                    keys.source
                ),
            ));
        }
        Err(e) => return Err(damaged(format!("its header: {e}"))),
    };
    let mut plain = Vec::new();
    match reader.take(MAX_FILE_BYTES + 1).read_to_end(&mut plain) {
        Ok(_) if plain.len() as u64 > MAX_FILE_BYTES => Err(super::too_large()),
        Ok(_) => Ok(plain),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Err(truncated()),
        // a cut inside the last chunk fails its authentication like a changed byte
        Err(e) => Err(damaged(format!("its content: {e}"))),
    }
}

#[cfg(test)]
mod tests;
