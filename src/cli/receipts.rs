//! `sportello receipts`: the coordinator's return folder and its receipts written by
//! hand; the desk's reading of receipts. Argument handling and printing only; every
//! rule is in `sportello::exchange::receipt`.

use std::path::PathBuf;

use clap::Subcommand;
use sportello::exchange::receipt::{self, ReadReceipt, Taken};
use sportello::{Error, Now, Store, ids};

use super::year::operator;

#[derive(Subcommand)]
pub enum Action {
    /// (coordinator) Show the return folder, or choose DIR: after each import one
    /// receipt per desk is written there.
    Folder {
        /// An existing folder (the shared folder the desks deliver to).
        dir: Option<PathBuf>,
    },
    /// (coordinator) Write a receipt now: for one desk, or for every desk files were
    /// imported from.
    Write {
        /// The desk code; every desk in the import log when left out.
        #[arg(long, value_name = "CODE")]
        desk: Option<String>,
        /// The folder to write into.
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// (desk) Read receipts: files, or folders holding this desk's receipts. The
    /// codebook and appointment kinds are brought up to the coordinator's.
    Read {
        #[arg(required = true, value_name = "FILE|DIR")]
        paths: Vec<PathBuf>,
    },
}

pub fn run(store: &mut Store, action: Action) -> Result<std::process::ExitCode, Error> {
    let now = Now::read();
    match action {
        Action::Folder { dir: Some(dir) } => {
            let dir = std::path::absolute(&dir).unwrap_or(dir);
            receipt::set_folder(store.conn(), &dir)?;
            println!("return folder: {}", dir.display());
        }
        Action::Folder { dir: None } => match receipt::folder(store.conn())? {
            Some(d) => println!("{}", d.display()),
            None => println!("no return folder chosen: sportello receipts folder DIR"),
        },
        Action::Write { desk, out } => {
            let desks = match desk {
                Some(d) => vec![d],
                None => sportello::exchange::import::sequences(store.conn())?
                    .into_iter()
                    .map(|d| d.desk)
                    .collect(),
            };
            if desks.is_empty() {
                println!("no file imported yet: no receipt to write");
            }
            for d in desks {
                let path =
                    receipt::write_to_folder(store.conn(), &d, &out, now.utc(), &ids::new_id())?;
                println!("receipt for {d}: {}", path.display());
            }
        }
        Action::Read { paths } => {
            let op = operator(store)?;
            let read = receipt::read_paths(store.conn_mut(), &paths, &op, now.utc())?;
            if read.is_empty() {
                println!("no receipt found");
            }
            print_read(&read);
            if read.iter().any(|r| r.rejection.is_some()) {
                return Ok(std::process::ExitCode::from(1));
            }
        }
    }
    Ok(std::process::ExitCode::SUCCESS)
}

/// One line per receipt, then what the coordinator has, from the newest taken.
pub fn print_read(read: &[ReadReceipt]) {
    for r in read {
        match (&r.taken, &r.rejection) {
            (_, Some(rej)) => println!("receipt refused: {}: {rej}", r.file),
            (Some(t), None) if t.newer => println!("receipt read: {}: {}", r.file, changes(t)),
            _ => println!(
                "receipt read: {}: not newer than the last one, nothing changed",
                r.file
            ),
        }
    }
}

fn changes(t: &Taken) -> String {
    let mut parts = Vec::new();
    for (what, list) in [
        ("codes added", &t.codes_added),
        ("retired", &t.codes_retired),
        ("restored", &t.codes_restored),
        ("relabelled", &t.codes_relabelled),
        ("appointment kinds updated", &t.kinds_changed),
        ("case services updated", &t.services_changed),
    ] {
        if !list.is_empty() {
            parts.push(format!("{what} {}", list.join(", ")));
        }
    }
    match (&t.recipient, &t.recipient_replaced) {
        (Some(key), Some(old)) => parts.push(format!(
            "the coordinator's public key changed to {key} (was {old}): exports are encrypted to it"
        )),
        (Some(key), None) => parts.push(format!(
            "the coordinator's public key set to {key}: exports are encrypted to it"
        )),
        _ => {}
    }
    if parts.is_empty() {
        "the codebook, the appointment kinds and the case services were up to date".into()
    } else {
        parts.join("; ")
    }
}

/// "GRO has received files 1-36, 38-41; missing 37", from the last receipt taken.
pub fn standing_line(store: &Store) -> Result<Option<String>, Error> {
    let Some(s) = receipt::standing(store.conn())? else {
        return Ok(None);
    };
    let received: Vec<String> = s
        .received
        .iter()
        .map(|(a, b)| {
            if a == b {
                a.to_string()
            } else {
                format!("{a}-{b}")
            }
        })
        .collect();
    let received = if received.is_empty() {
        "no file".to_string()
    } else {
        format!("files {}", received.join(", "))
    };
    let missing = match s.missing.len() {
        0 => "none missing".to_string(),
        _ => format!(
            "missing {}",
            s.missing
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    Ok(Some(format!(
        "{} has received {received}; {missing} (receipt of {})",
        s.coordinator, s.created_at
    )))
}
