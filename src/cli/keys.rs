//! `sportello keys`: the encryption of the export files. On the coordinator's computer:
//! create the key pair (`init`), show its public key (`show`), write or restore the
//! passphrase-protected backup, refuse plain files (`require`). On a desk: set the
//! coordinator's public key every export is encrypted to (`recipient`). Argument
//! handling and printing only; every rule is in `sportello::exchange::encryption`.
//!
//! The backup's passphrase is read from the environment variable
//! `SPORTELLO_BACKUP_PASSPHRASE` when it is set (a scheduled job, the tests), else as
//! one line from the standard input (typed, or piped from a password manager).

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::Subcommand;
use sportello::exchange::encryption::{self, keys};
use sportello::{Error, Now, Store};

use age::secrecy::SecretString;

/// The environment variable a backup's passphrase may come from.
pub const PASSPHRASE_ENV: &str = "SPORTELLO_BACKUP_PASSPHRASE";

#[derive(Subcommand)]
pub enum Action {
    /// (coordinator) Create the key pair: the private key stays beside the database
    /// (readable by its owner only); prints the public key (age1...) to give to the
    /// desks. With --backup, also writes the passphrase-protected backup.
    Init {
        /// Where to write the backup of the private key (encrypted to a passphrase,
        /// printable): a USB stick kept in a safe, a folder that is backed up.
        #[arg(long, value_name = "FILE")]
        backup: Option<PathBuf>,
    },
    /// (coordinator) Print the public key (age1...) and where the private key is kept.
    Show,
    /// (coordinator) Write the passphrase-protected backup of the private key to FILE.
    Backup {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// (coordinator) Put the private key back from its backup (on a new computer).
    Restore {
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
    /// (desk) Show, set or clear (`--clear`) the coordinator's public key every export
    /// is encrypted to.
    Recipient {
        /// The coordinator's public key, age1...
        #[arg(value_name = "AGE1...", conflicts_with = "clear")]
        recipient: Option<String>,
        /// Export plain files again.
        #[arg(long)]
        clear: bool,
    },
    /// (coordinator) Refuse plain (not encrypted) files on import: `on` or `off`;
    /// without a value, show the setting.
    Require {
        #[arg(value_parser = ["on", "off"])]
        value: Option<String>,
    },
}

fn db_path(store: &Store) -> Result<&Path, Error> {
    store
        .path()
        .ok_or_else(|| Error::invalid("db", "a database in memory has no folder for keys"))
}

/// The passphrase of a backup: the environment variable, else a line of the input.
fn passphrase() -> Result<SecretString, Error> {
    if let Ok(p) = std::env::var(PASSPHRASE_ENV) {
        return Ok(SecretString::from(p));
    }
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!(
            "passphrase of the backup (at least {} characters): ",
            keys::MIN_PASSPHRASE_CHARS
        );
        let _ = std::io::stderr().flush();
    }
    let mut line = String::new();
    stdin
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::io("stdin", e))?;
    let line = line.trim_end_matches(['\n', '\r']).to_string();
    Ok(SecretString::from(line))
}

pub fn run(store: &mut Store, action: Action) -> Result<(), Error> {
    match action {
        Action::Init { backup } => {
            let db = db_path(store)?;
            // the passphrase is checked before the key exists, so a refused one leaves none
            let secret = match &backup {
                Some(_) => {
                    let p = passphrase()?;
                    keys::check_passphrase(&p)?;
                    Some(p)
                }
                None => None,
            };
            let pair = keys::init(db, Now::read().utc())?;
            encryption::note_key_pair(store.conn(), &pair, "create", Now::read().utc())?;
            eprintln!(
                "sportello: key pair created; the private key is in {} (keep it on this computer)",
                pair.path.display()
            );
            match backup.zip(secret) {
                Some((file, secret)) => {
                    let written = keys::write_backup(db, &file, secret, Now::read().utc())?;
                    eprintln!("sportello: backup written to {}", written.display());
                }
                None => eprintln!(
                    "sportello: no backup yet: write one with `sportello keys backup FILE`; \
                     without the key, the encrypted files cannot be read"
                ),
            }
            println!("{}", pair.recipient);
        }
        Action::Show => match keys::show(db_path(store)?)? {
            Some(pair) => {
                println!("{}", pair.recipient);
                eprintln!("sportello: the private key is in {}", pair.path.display());
            }
            None => {
                return Err(Error::invalid(
                    "keys",
                    "no key pair yet: create it with `sportello keys init`",
                ));
            }
        },
        Action::Backup { file } => {
            let written =
                keys::write_backup(db_path(store)?, &file, passphrase()?, Now::read().utc())?;
            println!("{}", written.display());
        }
        Action::Restore { file } => {
            let pair = keys::restore_backup(db_path(store)?, &file, passphrase()?)?;
            encryption::note_key_pair(store.conn(), &pair, "restore", Now::read().utc())?;
            eprintln!("sportello: the private key is in {}", pair.path.display());
            println!("{}", pair.recipient);
        }
        Action::Recipient { recipient, clear } => {
            let conn = store.conn();
            let set = match (recipient, clear) {
                (Some(r), _) => encryption::set_recipient(conn, Some(&r), Now::read().utc())?,
                (None, true) => encryption::set_recipient(conn, None, Now::read().utc())?,
                (None, false) => encryption::recipient(conn)?,
            };
            match set {
                Some(r) => println!("exports are encrypted to {r}"),
                None => println!("exports are not encrypted (no coordinator's key set)"),
            }
        }
        Action::Require { value } => {
            let conn = store.conn();
            if let Some(v) = value {
                encryption::set_required(conn, v == "on", Now::read().utc())?;
            }
            if encryption::required(conn)? {
                println!("encryption required: plain files are refused on import");
            } else {
                println!("encryption not required: plain files are imported too");
            }
        }
    }
    Ok(())
}
