//! The desk's outbox: export files wait beside the database until they are delivered
//! to the destination the desk chose, which may be away for days.
//!
//! The destination is a folder: a USB stick, a network share, or a folder a cloud
//! client (Nextcloud, OneDrive) keeps in sync with Grosseto. An export is first written
//! atomically into the outbox ([`export_to_outbox`]), a folder of its own beside the
//! database (`sportello.db` has `sportello-outbox/`); [`deliver`] then copies each
//! waiting file to the destination, verifies it, and moves it to the outbox's `sent/`
//! folder. The files are the outbox's state: what is in the outbox waits, what is in
//! `sent/` arrived; the `deliveries` table ([`log`]) only tells what happened.
//!
//! Invariants: a file leaves the outbox only once the destination holds the same
//! bytes under its name; a failure at any step (missing, removed mid-copy, full,
//! read-only, a read-back that differs, another file with that name) leaves it in the
//! outbox with a stable [`DeliveryFailure`] code; a file already at the destination
//! with the same bytes is never copied again, and one with other bytes is never
//! overwritten. Only export files go to the destination, never the database or
//! anything else of this machine.
//!
//! The steps of `sportello sync` are [`export_changes`], [`deliver`] and
//! [`read_receipts`] (the coordinator's receipts, `docs/receipt.md`).

use std::fs;
use std::path::{Path, PathBuf};

use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use super::export::{self, ExportSummary, Selection};
use crate::store::settings;
use crate::{Error, Now, Result, Store, files};

pub mod deliver;
pub mod disk;
pub mod log;
pub mod reminder;

pub use deliver::{Delivered, DeliveryFailure, DeliveryReport, Failure, Plan, plan};
pub use disk::{Disk, RealDisk};
pub use reminder::{ClosingOffer, closing_offer, unexported_on_close};

/// The setting that holds the destination folder.
pub const DESTINATION_SETTING: &str = "outbox_destination";
/// Whether the destination was a mount point when chosen ("1"): see [`Destination`].
const MOUNT_POINT_SETTING: &str = "outbox_destination_mount_point";

/// The outbox folder (and its `sent/` archive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outbox {
    dir: PathBuf,
}

/// A file waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxFile {
    pub name: String,
    /// Its export's sequence number, when the exports log knows the file.
    pub sequence: Option<i64>,
    pub bytes: u64,
}

/// The folder files are delivered to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Destination {
    pub path: PathBuf,
    /// It was where a stick or share is mounted when chosen: a delivery then requires
    /// that something is still mounted there, since the empty folder a stick leaves
    /// behind is on this machine's own disk.
    pub mount_point: bool,
}

/// Whether `name` is an export file: `*.jsonl`, or one sealed for the coordinator
/// (`*.jsonl.age`). Hidden names are temporary files.
fn is_export_name(name: &str) -> bool {
    !name.starts_with('.') && (name.ends_with(".jsonl") || name.ends_with(".jsonl.age"))
}

/// The name an export file had before it was sealed: the one the exports log knows.
fn unsealed_name(name: &str) -> &str {
    name.find(".jsonl")
        .map_or(name, |i| &name[..i + ".jsonl".len()])
}

impl Outbox {
    /// The outbox in `dir` (tests and in-memory stores choose one).
    pub fn at(dir: impl Into<PathBuf>) -> Outbox {
        Outbox { dir: dir.into() }
    }

    /// The outbox of a database file: `<name>-outbox/` beside it, so the demo database
    /// beside the real one never shares its outbox.
    pub fn beside(store: &Store) -> Result<Outbox> {
        let db = store.path().ok_or_else(|| {
            Error::invalid("outbox", "a database in memory has no folder for an outbox")
        })?;
        let stem = db
            .file_stem()
            .map_or_else(|| "sportello".into(), |s| s.to_string_lossy().into_owned());
        Ok(Outbox::at(db.with_file_name(format!("{stem}-outbox"))))
    }

    /// The outbox folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The archive of delivered files.
    pub fn sent_dir(&self) -> PathBuf {
        self.dir.join("sent")
    }

    /// Creates the outbox and its archive when missing.
    fn ensure(&self) -> Result<()> {
        let sent = self.sent_dir();
        fs::create_dir_all(&sent).map_err(|e| Error::io(&sent, e))
    }

    /// The files waiting, in delivery order: by their export's sequence number, then
    /// (files the log does not know, e.g. after a restore) by name.
    pub fn files(&self, conn: &Connection) -> Result<Vec<OutboxFile>> {
        let entries = match fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(Error::io(&self.dir, e)),
        };
        let sequences = export::sequences_by_file_name(conn)?;
        let mut files = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| Error::io(&self.dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let meta = entry.metadata().map_err(|e| Error::io(entry.path(), e))?;
            if !meta.is_file() || !is_export_name(&name) {
                continue;
            }
            files.push(OutboxFile {
                sequence: sequences.get(unsealed_name(&name)).copied(),
                bytes: meta.len(),
                name,
            });
        }
        files.sort_by(|a, b| {
            let key = |f: &OutboxFile| (f.sequence.is_none(), f.sequence, f.name.clone());
            key(a).cmp(&key(b))
        });
        Ok(files)
    }

    /// Whether `name` is in the archive of delivered files.
    fn is_archived(&self, name: &str) -> bool {
        self.sent_dir().join(name).is_file()
    }

    /// Moves a delivered file to `sent/`. A file already gone from the outbox and in
    /// `sent/` was archived by a delivery running at the same time: nothing to do.
    fn archive(&self, name: &str) -> std::io::Result<()> {
        let sent = self.sent_dir();
        fs::create_dir_all(&sent)?;
        match fs::rename(self.dir.join(name), sent.join(name)) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && self.is_archived(name) => {
                return Ok(());
            }
            other => other?,
        }
        sync_dir(&sent)?;
        sync_dir(&self.dir)
    }
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

/// The destination folder, if one is chosen.
pub fn destination(conn: &Connection) -> Result<Option<Destination>> {
    let Some(path) = settings::get(conn, DESTINATION_SETTING)? else {
        return Ok(None);
    };
    Ok(Some(Destination {
        path: PathBuf::from(path),
        mount_point: settings::get(conn, MOUNT_POINT_SETTING)?.as_deref() == Some("1"),
    }))
}

/// Chooses `dir` as the destination: a full path to an existing folder, outside the
/// outbox. Whether it is a mount point is noted now, while the stick is in.
pub fn set_destination(
    conn: &Connection,
    outbox: &Outbox,
    dir: &Path,
    disk: &dyn Disk,
) -> Result<Destination> {
    let invalid = |message: String| Error::invalid("destination", message);
    if dir.as_os_str().is_empty() {
        return Err(invalid("choose the folder the export files go to".into()));
    }
    if !dir.is_absolute() {
        return Err(invalid(format!(
            "'{}' is not a full path: write it from the root, e.g. /media/usb/sportello",
            dir.display()
        )));
    }
    if !disk.is_dir(dir).unwrap_or(false) {
        return Err(invalid(format!(
            "{} is not a folder: plug in the stick or connect the share, or create the \
             folder, then choose it again",
            dir.display()
        )));
    }
    let real = |p: &Path| fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    if real(dir).starts_with(real(outbox.dir())) {
        return Err(invalid(format!(
            "{} is the outbox itself: choose the stick, share or synced folder the files \
             go to",
            dir.display()
        )));
    }
    let mount_point = disk.is_mount_point(dir).unwrap_or(false);
    settings::set(conn, DESTINATION_SETTING, &dir.to_string_lossy())?;
    settings::set(
        conn,
        MOUNT_POINT_SETTING,
        if mount_point { "1" } else { "0" },
    )?;
    Ok(Destination {
        path: dir.to_path_buf(),
        mount_point,
    })
}

/// The hook where an export is sealed (encrypted for the coordinator) as it enters the
/// outbox. Sealing happens once, there, and not at each delivery: a delivery must find
/// the same bytes again to tell "already delivered" from "another file", and an
/// encryption is different bytes every time.
pub trait Seal {
    /// The suffix a sealed file's name takes (`.age`), or "" for a plain file.
    fn suffix(&self) -> &str;
    /// The sealed bytes of a plain export file.
    fn seal(&self, plain: &[u8]) -> Result<Vec<u8>>;
}

/// No sealing: the export file travels as written.
#[derive(Debug, Clone, Copy, Default)]
pub struct Unsealed;

impl Seal for Unsealed {
    fn suffix(&self) -> &str {
        ""
    }

    fn seal(&self, plain: &[u8]) -> Result<Vec<u8>> {
        Ok(plain.to_vec())
    }
}

/// Writes an export of `selection` into the outbox (atomically, logged like any
/// export), sealed by `seal`; returns what was written, `path` the outbox file.
///
/// A sealed export is first written into `staging/`, a folder no delivery reads, so a
/// crash before it is sealed never leaves a plain file waiting to go.
pub fn export_to_outbox(
    conn: &mut Connection,
    outbox: &Outbox,
    selection: Selection,
    seal: &dyn Seal,
    now: Now,
) -> Result<ExportSummary> {
    outbox.ensure()?;
    if seal.suffix().is_empty() {
        return export::export(conn, selection, outbox.dir(), now);
    }
    let staging = outbox.dir().join("staging");
    fs::create_dir_all(&staging).map_err(|e| Error::io(&staging, e))?;
    let mut summary = export::export(conn, selection, &staging, now)?;
    let plain = fs::read(&summary.path).map_err(|e| Error::io(&summary.path, e))?;
    let name = summary
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let sealed = seal.seal(&plain)?;
    let path = files::write_atomically(outbox.dir(), &format!("{name}{}", seal.suffix()), &sealed)?;
    fs::remove_file(&summary.path).map_err(|e| Error::io(&summary.path, e))?;
    summary.path = path;
    Ok(summary)
}

/// The first step of `sync`: everything changed since the last export goes into the
/// outbox, as one file. With nothing changed no file is written (`None`): a scheduled
/// sync every few minutes must not fill the coordinator's folder with empty files. The
/// operator's "Esporta" still writes the daily file, empty or not.
pub fn export_changes(
    conn: &mut Connection,
    outbox: &Outbox,
    seal: &dyn Seal,
    now: Now,
) -> Result<Option<ExportSummary>> {
    if export::pending(conn, now.today())?.records == 0 {
        return Ok(None);
    }
    export_to_outbox(conn, outbox, Selection::SinceLast, seal, now).map(Some)
}

/// The second step: delivers what waits in `outbox` through `disk`, in one go (plan,
/// copies, log), and says what it did. A file that cannot be delivered is a
/// [`Failure`] in the report, not an error: the error is for the store itself.
///
/// The desktop shell runs the three parts itself ([`plan`], [`Plan::run`],
/// [`log::record`]), so it holds the database only to read and to log.
pub fn deliver(
    conn: &mut Connection,
    outbox: &Outbox,
    disk: &dyn Disk,
    now: Now,
) -> Result<DeliveryReport> {
    let report = plan(conn, outbox)?.run(disk);
    log::record(conn, &report, now)?;
    Ok(report)
}

/// The third step of `sync`: this desk's receipts found at the destination, where the
/// coordinator leaves them, read and taken ([`crate::exchange::receipt::read_paths`]);
/// none without a destination.
pub fn read_receipts(
    conn: &mut Connection,
    destination: Option<&Destination>,
    operator: &str,
    now: Now,
) -> Result<Vec<crate::exchange::receipt::ReadReceipt>> {
    match destination {
        Some(d) if d.path.is_dir() => crate::exchange::receipt::read_paths(
            conn,
            std::slice::from_ref(&d.path),
            operator,
            now.utc(),
        ),
        _ => Ok(vec![]),
    }
}

/// Puts the delivered file of this desk's export number `sequence` back into the
/// outbox from `sent/` (the coordinator's receipt says it is missing or arrived
/// damaged), so the next delivery takes it again. Returns its name.
pub fn redeliver(conn: &Connection, outbox: &Outbox, sequence: i64) -> Result<String> {
    let sequences = export::sequences_by_file_name(conn)?;
    let sent = outbox.sent_dir();
    let entries = match fs::read_dir(&sent) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(not_sent(sequence));
        }
        Err(e) => return Err(Error::io(&sent, e)),
    };
    let name = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| is_export_name(n))
        .find(|n| sequences.get(unsealed_name(n)) == Some(&sequence))
        .ok_or_else(|| not_sent(sequence))?;
    let back = outbox.dir.join(&name);
    fs::rename(sent.join(&name), &back)
        .and_then(|()| sync_dir(&outbox.dir))
        .and_then(|()| sync_dir(&sent))
        .map_err(|e| Error::io(&back, e))?;
    Ok(name)
}

fn not_sent(sequence: i64) -> Error {
    Error::NotFound {
        entity: "delivered export file",
        id: format!("no. {sequence} (not in the outbox's sent folder)"),
    }
}

/// What the outbox view and the status line show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Status {
    pub destination: Option<Destination>,
    /// The files waiting, in delivery order.
    pub waiting: Vec<OutboxFile>,
    /// The last thing that happened to a file (delivered, or why not).
    pub last: Option<log::Logged>,
    /// The last file delivered.
    pub last_delivered: Option<log::Logged>,
    /// Own records not exported yet.
    pub unexported: i64,
    /// The export offered at the end of the front-office hours, when it is time.
    pub closing_offer: Option<ClosingOffer>,
}

/// The outbox's status at `now`.
pub fn status(conn: &Connection, outbox: &Outbox, now: Now) -> Result<Status> {
    Ok(Status {
        destination: destination(conn)?,
        waiting: outbox.files(conn)?,
        last: log::last(conn)?,
        last_delivered: log::last_delivered(conn)?,
        unexported: export::pending(conn, now.today())?.records,
        closing_offer: closing_offer(conn, now, reminder::OFFER_MINUTES)?,
    })
}
