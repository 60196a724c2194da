//! Delivering the outbox: a plan read from the store, then the copies, with no store
//! and no clock in between.
//!
//! [`plan`] reads in one short step what waits and where it goes; [`Plan::run`] copies
//! the files, in export order, through a [`Disk`]; the caller logs the report
//! ([`super::log::record`]). The desktop shell holds the database only for the first
//! and last steps, so a slow network share never blocks the register.
//!
//! One file's delivery, each step a point where a failure leaves it in the outbox:
//! 1. If the destination already holds a file of that name: the same bytes (SHA-256)
//!    mean an earlier run copied it and stopped before archiving it, so it counts as
//!    delivered and is not copied again; other bytes are a conflict, left untouched.
//! 2. Otherwise the bytes go to a hidden temporary name in the destination, flushed,
//!    read back and compared; only then renamed onto the file's name and the folder
//!    flushed, and the file is read back once more under its name. So the name only
//!    ever holds the whole file, and a copy that fails is removed.
//! 3. The outbox copy moves to `sent/`.
//!
//! Delivery stops at the first file that cannot be delivered: the coordinator receives
//! the files in sequence, and a missing stick is reported once, not once per file.
//! Two deliveries at once (the app's timer and a scheduled `sportello sync`) do no
//! harm: their temporary names differ, both renames put the same bytes under the name,
//! and the second move to `sent/` finds the work done.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::disk::Disk;
use super::{Destination, Outbox, OutboxFile, destination};
use crate::Result;
use crate::exchange::sha256_hex;

/// Why a file stays in the outbox: a stable code the interface words (the codes are
/// part of the IPC contract: add, never rename).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryFailure {
    /// No destination folder is chosen yet.
    DestinationNotSet,
    /// The destination is not there: the stick is out, the share is not connected, or
    /// it went away during the copy.
    DestinationMissing,
    /// The destination has no room left (or the quota is reached).
    DestinationFull,
    /// The destination cannot be written: read-only, write-protected, no permission.
    DestinationReadOnly,
    /// The copy read back differs from the outbox's file.
    DeliveryMismatch,
    /// The destination holds another file with the same name; it is left as it is.
    DeliveryConflict,
    /// Another error of the destination.
    DeliveryFailed,
    /// The outbox's own file could not be read or archived (on this machine).
    OutboxFailed,
}

impl DeliveryFailure {
    /// The stable code, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryFailure::DestinationNotSet => "destination_not_set",
            DeliveryFailure::DestinationMissing => "destination_missing",
            DeliveryFailure::DestinationFull => "destination_full",
            DeliveryFailure::DestinationReadOnly => "destination_read_only",
            DeliveryFailure::DeliveryMismatch => "delivery_mismatch",
            DeliveryFailure::DeliveryConflict => "delivery_conflict",
            DeliveryFailure::DeliveryFailed => "delivery_failed",
            DeliveryFailure::OutboxFailed => "outbox_failed",
        }
    }

    /// What an error of the destination's file system means for the operator.
    pub fn of_io(e: &io::Error) -> DeliveryFailure {
        use io::ErrorKind as K;
        match e.kind() {
            K::StorageFull | K::QuotaExceeded | K::FileTooLarge => DeliveryFailure::DestinationFull,
            K::ReadOnlyFilesystem | K::PermissionDenied => DeliveryFailure::DestinationReadOnly,
            K::NotFound
            | K::NotADirectory
            | K::StaleNetworkFileHandle
            | K::NotConnected
            | K::HostUnreachable
            | K::NetworkUnreachable
            | K::NetworkDown
            | K::ConnectionReset
            | K::ConnectionAborted
            | K::TimedOut => DeliveryFailure::DestinationMissing,
            _ if gone_device(e) => DeliveryFailure::DestinationMissing,
            _ => DeliveryFailure::DeliveryFailed,
        }
    }
}

/// Errors a pulled-out stick gives that have no kind of their own: EIO, ENXIO, ENODEV
/// (and ENOMEDIUM on Linux).
fn gone_device(e: &io::Error) -> bool {
    if cfg!(unix) {
        let linux_no_medium = cfg!(target_os = "linux") && e.raw_os_error() == Some(123);
        matches!(e.raw_os_error(), Some(5 | 6 | 19)) || linux_no_medium
    } else {
        false
    }
}

impl fmt::Display for DeliveryFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The file a delivery stopped at, and why. Serialised as `{code, file, message}`, the
/// shape of an IPC error, so the interface words it by `code` like any error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub code: DeliveryFailure,
    pub file: String,
    /// What happened and what to do, in English (the command line, the log).
    pub message: String,
    /// The SHA-256 of the outbox's file ('' when it could not be read), for the log.
    #[serde(skip)]
    pub sha256: String,
}

/// A file that reached the destination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivered {
    pub file: String,
    pub sha256: String,
    /// Found at the destination with the same bytes, so not copied again.
    pub already_there: bool,
}

/// What a delivery did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryReport {
    pub destination: Option<PathBuf>,
    /// The files delivered, in order.
    pub delivered: Vec<Delivered>,
    /// The file the delivery stopped at, if it did.
    pub failure: Option<Failure>,
    /// What still waits in the outbox, in delivery order.
    pub waiting: Vec<OutboxFile>,
}

/// What a delivery is going to do: the files waiting and where they go.
#[derive(Debug, Clone)]
pub struct Plan {
    pub outbox: Outbox,
    pub destination: Option<Destination>,
    /// The files waiting, in delivery order.
    pub files: Vec<OutboxFile>,
}

/// Reads what waits in `outbox` and the destination setting; copies nothing.
pub fn plan(conn: &Connection, outbox: &Outbox) -> Result<Plan> {
    Ok(Plan {
        outbox: outbox.clone(),
        destination: destination(conn)?,
        files: outbox.files(conn)?,
    })
}

impl Plan {
    /// Delivers the files in order through `disk`, stopping at the first that fails.
    pub fn run(&self, disk: &dyn Disk) -> DeliveryReport {
        let mut report = DeliveryReport {
            destination: self.destination.as_ref().map(|d| d.path.clone()),
            delivered: Vec::new(),
            failure: None,
            waiting: Vec::new(),
        };
        let Some(first) = self.files.first() else {
            return report;
        };
        let checked = match &self.destination {
            None => Err(failure(
                DeliveryFailure::DestinationNotSet,
                &first.name,
                "no destination folder is chosen: choose one in the app, or run \
                 `sportello sync destination DIR`; the files wait in the outbox"
                    .into(),
            )),
            Some(dest) => check_destination(disk, dest, &first.name),
        };
        if let Err(f) = checked {
            report.failure = Some(f);
            report.waiting = self.files.clone();
            return report;
        }
        let dest = &self.destination.as_ref().expect("checked above").path;
        for (i, file) in self.files.iter().enumerate() {
            match deliver_one(&self.outbox, dest, &file.name, disk) {
                Ok(Some(done)) => report.delivered.push(done),
                Ok(None) => {}
                Err(f) => {
                    report.failure = Some(f);
                    report.waiting = self.files[i..].to_vec();
                    break;
                }
            }
        }
        report
    }
}

fn failure(code: DeliveryFailure, file: &str, message: String) -> Failure {
    Failure {
        code,
        file: file.to_string(),
        message,
        sha256: String::new(),
    }
}

/// The failure of an I/O error at the destination `dest`, with what to do.
fn io_failure(e: &io::Error, dest: &Path, file: &str) -> Failure {
    let code = DeliveryFailure::of_io(e);
    let dest = dest.display();
    let message = match code {
        DeliveryFailure::DestinationMissing => format!(
            "{dest} is not reachable ({e}): plug in the stick or connect the share, then \
             deliver again; {file} stays in the outbox"
        ),
        DeliveryFailure::DestinationFull => format!(
            "{dest} is full ({e}): free some space there or choose another destination; \
             {file} stays in the outbox"
        ),
        DeliveryFailure::DestinationReadOnly => format!(
            "{dest} cannot be written ({e}): remove the stick's write protection or choose \
             a folder you may write to; {file} stays in the outbox"
        ),
        _ => format!("{file} could not be copied to {dest} ({e}); it stays in the outbox"),
    };
    failure(code, file, message)
}

/// The destination is a folder, and a stick or share chosen where it is mounted is
/// still mounted there (else the files would land on this machine's own disk, in the
/// empty folder the stick leaves behind).
fn check_destination(disk: &dyn Disk, dest: &Destination, file: &str) -> Result<(), Failure> {
    let missing = |why: String| {
        failure(
            DeliveryFailure::DestinationMissing,
            file,
            format!(
                "{} {why}: plug in the stick or connect the share, then deliver again; \
                 the files wait in the outbox",
                dest.path.display()
            ),
        )
    };
    match disk.is_dir(&dest.path) {
        Ok(true) => {}
        Ok(false) => return Err(missing("is not there".into())),
        Err(e) => return Err(io_failure(&e, &dest.path, file)),
    }
    if dest.mount_point {
        match disk.is_mount_point(&dest.path) {
            Ok(true) => {}
            Ok(false) => return Err(missing("has nothing mounted on it".into())),
            Err(e) => return Err(io_failure(&e, &dest.path, file)),
        }
    }
    Ok(())
}

/// A hidden temporary name beside the target, unique to this process and this copy.
/// Cloud clients skip `.part` files, and the importer reads only `*.jsonl`.
fn temp_name(name: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!(".{name}.{}-{n}.part", std::process::id())
}

fn mismatch(dest: &Path, file: &str) -> Failure {
    failure(
        DeliveryFailure::DeliveryMismatch,
        file,
        format!(
            "the copy of {file} in {} read back different from the outbox's: the stick or \
             the share may be failing; the copy was removed and the file stays in the outbox",
            dest.display()
        ),
    )
}

/// Delivers one file of the outbox to `dest`; `None` when another delivery, running
/// at the same time, archived it since the plan was read.
fn deliver_one(
    outbox: &Outbox,
    dest: &Path,
    name: &str,
    disk: &dyn Disk,
) -> Result<Option<Delivered>, Failure> {
    let source = outbox.dir().join(name);
    let outbox_failed = |e: &dyn fmt::Display, sha256: &str| Failure {
        sha256: sha256.to_string(),
        ..failure(
            DeliveryFailure::OutboxFailed,
            name,
            format!(
                "the outbox file {}: {e}; it stays in the outbox",
                source.display()
            ),
        )
    };
    let bytes = match std::fs::read(&source) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound && outbox.is_archived(name) => {
            return Ok(None);
        }
        Err(e) => return Err(outbox_failed(&e, "")),
    };
    let sha256 = sha256_hex(&bytes);
    let with_sha = |f: Failure| Failure {
        sha256: sha256.clone(),
        ..f
    };
    let target = dest.join(name);
    let already_there = match disk.read(&target) {
        Ok(found) if sha256_hex(&found) == sha256 => true,
        Ok(_) => {
            return Err(with_sha(failure(
                DeliveryFailure::DeliveryConflict,
                name,
                format!(
                    "{} already holds a different file named {name}: it was left as it is; \
                     check it, move it away and deliver again",
                    dest.display()
                ),
            )));
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => false,
        Err(e) => return Err(with_sha(io_failure(&e, dest, name))),
    };
    if !already_there {
        copy(disk, dest, &target, &bytes, &sha256).map_err(with_sha)?;
    }
    outbox
        .archive(name)
        .map_err(|e| outbox_failed(&e, &sha256))?;
    Ok(Some(Delivered {
        file: name.to_string(),
        sha256,
        already_there,
    }))
}

/// Copies `bytes` to `target` in `dest` through a temporary name, verified twice.
fn copy(
    disk: &dyn Disk,
    dest: &Path,
    target: &Path,
    bytes: &[u8],
    sha256: &str,
) -> Result<(), Failure> {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dest.join(temp_name(&name));
    let io = |e: io::Error| io_failure(&e, dest, &name);
    let placed = (|| {
        disk.write_new(&tmp, bytes).map_err(io)?;
        let back = disk.read(&tmp).map_err(io)?;
        if sha256_hex(&back) != sha256 {
            return Err(mismatch(dest, &name));
        }
        disk.rename(&tmp, target).map_err(io)
    })();
    if let Err(f) = placed {
        // best effort: a folder that is gone takes its temporary file with it
        let _ = disk.remove(&tmp);
        return Err(f);
    }
    // From here the name holds the whole, verified file: on a failure it stays, and the
    // next run finds it with the same bytes and counts it delivered.
    disk.sync_dir(dest).map_err(io)?;
    let back = disk.read(target).map_err(io)?;
    if sha256_hex(&back) != sha256 {
        let _ = disk.remove(target);
        return Err(mismatch(dest, &name));
    }
    Ok(())
}
