//! The desk's outbox against destinations that fail: missing, removed mid-copy, full,
//! read-only, a copy that reads back wrong, another file under the same name. In every
//! case the file stays in the outbox, nothing partial is left at the destination, and
//! a later delivery puts exactly one copy there.
//!
//! The failures are injected through the outbox's `Disk` seam, so these tests run
//! anywhere; a real small tmpfs (full, then remounted read-only) runs too where the
//! tests may mount one (as root), and says it was skipped elsewhere.

use std::cell::{Cell, RefCell};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::NaiveDate;
use sportello::exchange::export::{ExportSummary, Selection};
use sportello::exchange::outbox::{
    self, DeliveryFailure, DeliveryReport, Disk, Outbox, RealDisk, Seal, Unsealed, log,
};
use sportello::register::accesses;
use sportello::{Now, Store};

use crate::export_import::{access_on, clock, desk_store};

/// A desk with one access recorded, its outbox and a destination folder (not chosen yet).
struct Desk {
    store: Store,
    outbox: Outbox,
    dest: PathBuf,
    _dir: tempfile::TempDir,
}

fn desk() -> Desk {
    let dir = tempfile::tempdir().unwrap();
    let mut store = desk_store("FOL");
    record(&mut store, "2024-03-12");
    let dest = dir.path().join("usb");
    Desk {
        store,
        outbox: Outbox::at(dir.path().join("outbox")),
        dest,
        _dir: dir,
    }
}

/// A desk with one export waiting in its outbox and the destination chosen.
fn ready() -> (Desk, String) {
    let mut d = desk();
    let file = name_of(&d.export());
    d.choose_destination();
    (d, file)
}

/// The outcome of the log's latest row.
fn last_outcome(d: &Desk) -> String {
    log::last(d.store.conn()).unwrap().unwrap().outcome
}

fn record(store: &mut Store, date: &str) {
    accesses::record(store.conn_mut(), &access_on(date), "MR", clock()).unwrap();
}

impl Desk {
    fn export(&mut self) -> ExportSummary {
        outbox::export_changes(self.store.conn_mut(), &self.outbox, &Unsealed, clock())
            .unwrap()
            .expect("records changed: a file")
    }

    fn choose_destination(&mut self) {
        fs::create_dir_all(&self.dest).unwrap();
        outbox::set_destination(self.store.conn(), &self.outbox, &self.dest, &RealDisk).unwrap();
    }

    fn deliver(&mut self, disk: &dyn Disk) -> DeliveryReport {
        outbox::deliver(self.store.conn_mut(), &self.outbox, disk, clock()).unwrap()
    }

    fn waiting(&self) -> Vec<String> {
        names(self.outbox.dir())
    }

    fn sent(&self) -> Vec<String> {
        names(&self.outbox.sent_dir())
    }
}

/// Every file name in `dir` (hidden ones too), sorted; none when it does not exist.
fn names(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().unwrap().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn name_of(summary: &ExportSummary) -> String {
    summary
        .path
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

fn failure_code(report: &DeliveryReport) -> Option<DeliveryFailure> {
    report.failure.as_ref().map(|f| f.code)
}

/// Which destination operation a [`Faulty`] disk is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    WriteNew,
    Read,
    Rename,
    SyncDir,
}

/// The real disk, except where `fault` returns an error for an operation (it sees the
/// operation, the path, and how many times that operation ran before). A failing
/// `write_new` first writes half the bytes, as a copy cut short does.
struct Faulty<F: Fn(Op, &Path, u32) -> Option<io::Error>> {
    fault: F,
    counts: RefCell<Vec<Op>>,
    mount_point: Cell<bool>,
}

fn faulty<F: Fn(Op, &Path, u32) -> Option<io::Error>>(fault: F) -> Faulty<F> {
    Faulty {
        fault,
        counts: RefCell::new(Vec::new()),
        mount_point: Cell::new(false),
    }
}

impl<F: Fn(Op, &Path, u32) -> Option<io::Error>> Faulty<F> {
    fn check(&self, op: Op, path: &Path) -> io::Result<()> {
        let before = self.counts.borrow().iter().filter(|o| **o == op).count() as u32;
        self.counts.borrow_mut().push(op);
        (self.fault)(op, path, before).map_or(Ok(()), Err)
    }

    fn ran(&self, op: Op) -> usize {
        self.counts.borrow().iter().filter(|o| **o == op).count()
    }
}

impl<F: Fn(Op, &Path, u32) -> Option<io::Error>> Disk for Faulty<F> {
    fn is_dir(&self, dir: &Path) -> io::Result<bool> {
        RealDisk.is_dir(dir)
    }
    fn is_mount_point(&self, _dir: &Path) -> io::Result<bool> {
        Ok(self.mount_point.get())
    }
    fn write_new(&self, path: &Path, bytes: &[u8]) -> io::Result<()> {
        if let Err(e) = self.check(Op::WriteNew, path) {
            // a copy cut short leaves part of the file behind, when the folder is there
            let _ = fs::write(path, &bytes[..bytes.len() / 2]);
            return Err(e);
        }
        RealDisk.write_new(path, bytes)
    }
    fn read(&self, path: &Path) -> io::Result<Vec<u8>> {
        self.check(Op::Read, path)?;
        RealDisk.read(path)
    }
    fn rename(&self, from: &Path, to: &Path) -> io::Result<()> {
        self.check(Op::Rename, to)?;
        RealDisk.rename(from, to)
    }
    fn sync_dir(&self, dir: &Path) -> io::Result<()> {
        self.check(Op::SyncDir, dir)?;
        RealDisk.sync_dir(dir)
    }
    fn remove(&self, path: &Path) -> io::Result<()> {
        RealDisk.remove(path)
    }
}

/// After a failure: the file still waits, nothing is at the destination, and the next
/// delivery (the destination back to normal) puts exactly that file there, once.
fn assert_recovers(d: &mut Desk, file: &str) {
    assert_eq!(d.waiting(), [file], "the file stays in the outbox");
    assert!(d.sent().is_empty(), "nothing archived");
    assert!(
        names(&d.dest).is_empty(),
        "no partial or temporary file is left at the destination: {:?}",
        names(&d.dest)
    );
    fs::create_dir_all(&d.dest).unwrap();
    let report = d.deliver(&RealDisk);
    assert_eq!(failure_code(&report), None, "{:?}", report.failure);
    assert_eq!(report.delivered.len(), 1);
    assert!(!report.delivered[0].already_there, "copied this time");
    assert_eq!(names(&d.dest), [file], "exactly one copy, under its name");
    assert_eq!(
        fs::read(d.dest.join(file)).unwrap(),
        fs::read(d.outbox.sent_dir().join(file)).unwrap(),
        "the destination holds the outbox's bytes"
    );
    assert!(d.waiting().is_empty(), "the outbox is empty");
}

#[test]
fn an_export_waits_until_a_destination_is_chosen() {
    let mut d = desk();
    let report = d.deliver(&RealDisk);
    assert_eq!(
        report,
        DeliveryReport {
            destination: None,
            delivered: vec![],
            failure: None,
            waiting: vec![],
        },
        "an empty outbox: nothing to do, nothing to complain about"
    );
    let file = name_of(&d.export());
    let report = d.deliver(&RealDisk);
    assert_eq!(
        failure_code(&report),
        Some(DeliveryFailure::DestinationNotSet)
    );
    assert_eq!(report.waiting.len(), 1);
    assert_eq!(
        report.waiting[0].sequence,
        Some(1),
        "the log knows its number"
    );
    assert_eq!(d.waiting(), [file.as_str()]);
    d.choose_destination();
    let report = d.deliver(&RealDisk);
    assert_eq!(report.delivered.len(), 1, "{:?}", report.failure);
    assert_eq!(names(&d.dest), [file.as_str()]);
    assert_eq!(d.sent(), [file]);
}

#[test]
fn files_go_in_export_order_whatever_their_names() {
    let mut d = desk();
    let first = name_of(&d.export());
    // a range export of January: its name sorts before the first one's
    let second = outbox::export_to_outbox(
        d.store.conn_mut(),
        &d.outbox,
        Selection::Range {
            from: NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            to: NaiveDate::from_ymd_opt(2024, 1, 31).unwrap(),
        },
        &Unsealed,
        clock(),
    )
    .unwrap();
    let second = name_of(&second);
    assert!(second < first, "the names sort the other way round");
    record(&mut d.store, "2024-03-11");
    let third = name_of(&d.export());
    d.choose_destination();
    let renamed = RefCell::new(Vec::new());
    let disk = faulty(|op, path, _| {
        if op == Op::Rename {
            renamed
                .borrow_mut()
                .push(path.file_name().unwrap().to_string_lossy().into_owned());
        }
        None
    });
    let report = d.deliver(&disk);
    let delivered: Vec<&str> = report.delivered.iter().map(|f| f.file.as_str()).collect();
    assert_eq!(delivered, [&first, &second, &third], "by sequence number");
    assert_eq!(
        *renamed.borrow(),
        [first.clone(), second.clone(), third.clone()]
    );
    assert_eq!(names(&d.dest).len(), 3);
    let log = log::history(d.store.conn(), 10).unwrap();
    assert_eq!(log.len(), 3, "one row per file");
    assert!(log.iter().all(|l| l.outcome == "delivered"));
}

#[test]
fn a_missing_destination_keeps_the_file_and_logs_the_repeats_on_one_row() {
    let (mut d, file) = ready();
    fs::remove_dir(&d.dest).unwrap();
    for attempt in 1..=3 {
        let report = d.deliver(&RealDisk);
        assert_eq!(
            failure_code(&report),
            Some(DeliveryFailure::DestinationMissing)
        );
        let f = report.failure.unwrap();
        assert_eq!(f.file, file);
        assert!(f.message.contains("plug in the stick"), "{}", f.message);
        let last = log::last(d.store.conn()).unwrap().unwrap();
        assert_eq!(last.attempts, attempt, "the same failure counts on one row");
    }
    assert_eq!(log::history(d.store.conn(), 10).unwrap().len(), 1);
    assert_recovers(&mut d, &file);
    assert_eq!(last_outcome(&d), "delivered");
}

#[test]
fn a_stick_pulled_out_mid_copy_leaves_the_file_in_the_outbox() {
    let (mut d, file) = ready();
    let dest = d.dest.clone();
    let pulled = faulty(|op, _, _| {
        (op == Op::WriteNew).then(|| {
            fs::remove_dir_all(&dest).unwrap();
            io::Error::from_raw_os_error(5) // EIO, as a vanished USB device answers
        })
    });
    let report = d.deliver(&pulled);
    assert_eq!(
        failure_code(&report),
        Some(DeliveryFailure::DestinationMissing)
    );
    assert_recovers(&mut d, &file);
}

#[test]
fn a_full_destination_keeps_the_file_and_removes_the_partial_copy() {
    let (mut d, file) = ready();
    let full = faulty(|op, _, _| {
        (op == Op::WriteNew).then(|| io::Error::from(io::ErrorKind::StorageFull))
    });
    let report = d.deliver(&full);
    assert_eq!(
        failure_code(&report),
        Some(DeliveryFailure::DestinationFull)
    );
    assert!(report.failure.unwrap().message.contains("free some space"));
    assert_recovers(&mut d, &file);
}

#[test]
fn a_read_only_destination_keeps_the_file() {
    let (mut d, file) = ready();
    for error in [
        io::Error::from(io::ErrorKind::ReadOnlyFilesystem),
        io::Error::from(io::ErrorKind::PermissionDenied),
    ] {
        let error = RefCell::new(Some(error));
        let read_only = faulty(|op, _, _| {
            if op == Op::WriteNew {
                error.borrow_mut().take()
            } else {
                None
            }
        });
        let report = d.deliver(&read_only);
        assert_eq!(
            failure_code(&report),
            Some(DeliveryFailure::DestinationReadOnly)
        );
        assert_eq!(d.waiting(), [file.as_str()]);
    }
    assert_recovers(&mut d, &file);
}

#[test]
fn a_copy_that_reads_back_different_is_removed() {
    let (mut d, file) = ready();
    // the temporary copy is damaged after it was written, before it is read back
    let damaging = faulty(|op, path, _| {
        let name = path.file_name().unwrap().to_string_lossy();
        if op == Op::Read && name.ends_with(".part") {
            fs::write(path, b"not the export").unwrap();
        }
        None
    });
    let report = d.deliver(&damaging);
    assert_eq!(
        failure_code(&report),
        Some(DeliveryFailure::DeliveryMismatch)
    );
    assert_eq!(
        damaging.ran(Op::Rename),
        0,
        "a bad copy never gets the name"
    );
    assert_recovers(&mut d, &file);
}

#[test]
fn a_file_already_delivered_is_not_copied_again() {
    let (mut d, file) = ready();
    // the stick went away after the rename, before the folder was flushed: the name
    // holds the whole file, but this run cannot be sure it reached the stick
    let cut = faulty(|op, _, _| (op == Op::SyncDir).then(|| io::Error::from_raw_os_error(5)));
    let report = d.deliver(&cut);
    assert_eq!(
        failure_code(&report),
        Some(DeliveryFailure::DestinationMissing)
    );
    assert_eq!(
        d.waiting(),
        [file.as_str()],
        "not archived before it is sure"
    );
    assert_eq!(names(&d.dest), [file.as_str()]);
    let counting = faulty(|_, _, _| None);
    let report = d.deliver(&counting);
    assert_eq!(report.delivered.len(), 1);
    assert!(report.delivered[0].already_there);
    assert_eq!(counting.ran(Op::WriteNew), 0, "no second copy");
    assert_eq!(names(&d.dest), [file.as_str()]);
    assert_eq!(d.sent(), [file]);
    assert_eq!(last_outcome(&d), "already_there");
}

#[test]
fn two_deliveries_at_once_leave_one_copy_and_no_failure() {
    // the app's timer and a scheduled `sportello sync` read the same plan
    let (d, file) = ready();
    let app = outbox::plan(d.store.conn(), &d.outbox).unwrap();
    let job = outbox::plan(d.store.conn(), &d.outbox).unwrap();
    let first = app.run(&RealDisk);
    assert_eq!(first.delivered.len(), 1);
    let second = job.run(&RealDisk);
    assert_eq!(
        second.failure, None,
        "the file was archived meanwhile: nothing is wrong"
    );
    assert!(second.delivered.is_empty() && second.waiting.is_empty());
    assert_eq!(names(&d.dest), [file.as_str()]);
    assert_eq!(d.sent(), [file.as_str()]);
}

#[test]
fn another_file_under_the_same_name_is_never_overwritten() {
    let mut d = desk();
    let file = name_of(&d.export());
    record(&mut d.store, "2024-03-11");
    let next = name_of(&d.export());
    d.choose_destination();
    fs::write(d.dest.join(&file), b"someone else's file").unwrap();
    let report = d.deliver(&RealDisk);
    assert_eq!(
        failure_code(&report),
        Some(DeliveryFailure::DeliveryConflict)
    );
    assert!(report.delivered.is_empty());
    assert_eq!(report.waiting.len(), 2, "the next file waits its turn too");
    assert_eq!(
        fs::read(d.dest.join(&file)).unwrap(),
        b"someone else's file"
    );
    assert_eq!(
        names(&d.dest),
        [file.as_str()],
        "and nothing else was written"
    );
    let mut waiting = vec![file, next];
    waiting.sort();
    assert_eq!(d.waiting(), waiting);
}

#[test]
fn a_mount_point_with_nothing_mounted_is_a_missing_destination() {
    let mut d = desk();
    let file = name_of(&d.export());
    fs::create_dir_all(&d.dest).unwrap();
    let stick_in = faulty(|_, _, _| None);
    stick_in.mount_point.set(true);
    let chosen = outbox::set_destination(d.store.conn(), &d.outbox, &d.dest, &stick_in).unwrap();
    assert!(chosen.mount_point);
    // the stick is out: the folder is still there, on this machine's own disk
    let stick_out = faulty(|_, _, _| None);
    let report = d.deliver(&stick_out);
    assert_eq!(
        failure_code(&report),
        Some(DeliveryFailure::DestinationMissing)
    );
    assert!(report.failure.unwrap().message.contains("nothing mounted"));
    assert_eq!(stick_out.ran(Op::WriteNew), 0);
    let report = d.deliver(&stick_in);
    assert_eq!(report.delivered.len(), 1);
    assert_eq!(names(&d.dest), [file]);
}

#[test]
fn a_destination_must_be_an_existing_folder_outside_the_outbox() {
    let mut d = desk();
    d.export();
    let conn = d.store.conn();
    for (dir, says) in [
        (PathBuf::new(), "choose the folder"),
        (PathBuf::from("relative/usb"), "not a full path"),
        (d.dest.clone(), "plug in the stick"),
        (d.outbox.sent_dir(), "the outbox itself"),
    ] {
        let err = outbox::set_destination(conn, &d.outbox, &dir, &RealDisk).unwrap_err();
        assert_eq!(err.code(), "invalid", "{dir:?}");
        assert!(err.to_string().contains(says), "{dir:?}: {err}");
    }
    assert_eq!(
        outbox::destination(conn).unwrap(),
        None,
        "nothing was stored"
    );
}

#[test]
fn sync_writes_no_file_when_nothing_changed() {
    let mut d = desk();
    d.export();
    let again = outbox::export_changes(d.store.conn_mut(), &d.outbox, &Unsealed, clock());
    assert_eq!(again.unwrap(), None);
    assert_eq!(d.waiting().len(), 1);
}

/// A stand-in for the coordinator's encryption: the hook's contract, not a cipher.
struct Reversed;

impl Seal for Reversed {
    fn suffix(&self) -> &str {
        ".age"
    }
    fn seal(&self, plain: &[u8]) -> sportello::Result<Vec<u8>> {
        Ok(plain.iter().rev().copied().collect())
    }
}

#[test]
fn a_sealed_export_waits_sealed_and_travels_in_order() {
    let mut d = desk();
    let summary = outbox::export_to_outbox(
        d.store.conn_mut(),
        &d.outbox,
        Selection::SinceLast,
        &Reversed,
        clock(),
    )
    .unwrap();
    let name = name_of(&summary);
    assert!(name.ends_with(".jsonl.age"), "{name}");
    assert_eq!(d.waiting(), [name.as_str()], "only the sealed file waits");
    assert!(names(&d.outbox.dir().join("staging")).is_empty());
    let sealed = fs::read(&summary.path).unwrap();
    assert!(
        sealed.ends_with(b"\"redaeh\":\"drocer\"{"),
        "sealed once, by the hook"
    );
    let files = d.outbox.files(d.store.conn()).unwrap();
    assert_eq!(
        files[0].sequence,
        Some(1),
        "the log knows it under its plain name"
    );
    d.choose_destination();
    let report = d.deliver(&RealDisk);
    assert_eq!(report.delivered.len(), 1);
    assert_eq!(fs::read(d.dest.join(&name)).unwrap(), sealed);
}

#[test]
fn the_closing_offer_comes_near_the_end_of_the_front_office_hours() {
    // FOL: Tuesday 10-13 and 15-17 front office; 2024-03-12 is a Tuesday
    let mut d = desk();
    let at = |h: u32, m: u32| {
        Now::at(
            NaiveDate::from_ymd_opt(2024, 3, 12)
                .unwrap()
                .and_hms_opt(h, m, 0)
                .unwrap(),
            1,
        )
    };
    let offer = |d: &Desk, now| outbox::closing_offer(d.store.conn(), now, 15).unwrap();
    assert_eq!(offer(&d, at(16, 44)), None, "too early");
    let o = offer(&d, at(16, 45)).expect("15 minutes before 17:00");
    assert_eq!((o.closes.as_str(), o.records), ("17:00", 1));
    assert!(
        offer(&d, at(19, 30)).is_some(),
        "after closing, still offered"
    );
    let monday = Now::at(
        NaiveDate::from_ymd_opt(2024, 3, 11)
            .unwrap()
            .and_hms_opt(12, 50, 0)
            .unwrap(),
        1,
    );
    assert_eq!(
        offer(&d, monday).map(|o| o.closes),
        Some("13:00".into()),
        "a back-office day takes the back office's end"
    );
    d.export();
    assert_eq!(offer(&d, at(16, 50)), None, "nothing left to export");
    assert_eq!(
        outbox::unexported_on_close(d.store.conn(), at(16, 50).today()).unwrap(),
        0
    );
}

/// A tmpfs of `kib` KiB mounted on a new folder, unmounted when dropped; `None` where
/// mounting is not allowed (not root, or a container without the capability).
struct Tmpfs {
    at: PathBuf,
    _dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(kib: u32) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().ok()?;
        let at = dir.path().join("stick");
        fs::create_dir(&at).ok()?;
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={kib}k"), "tmpfs"])
            .arg(&at)
            .output()
            .is_ok_and(|o| o.status.success());
        ok.then(|| Tmpfs { at, _dir: dir })
    }

    fn remount_read_only(&self) -> bool {
        Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.at)
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.at).status();
    }
}

#[test]
fn a_real_full_then_read_only_tmpfs_keeps_the_file() {
    let Some(stick) = Tmpfs::mount(64) else {
        eprintln!("skipped: this run may not mount a tmpfs (the injected failures cover it)");
        return;
    };
    let mut d = desk();
    let file = name_of(&d.export());
    d.dest = stick.at.clone();
    outbox::set_destination(d.store.conn(), &d.outbox, &d.dest, &RealDisk).unwrap();
    assert!(
        outbox::destination(d.store.conn())
            .unwrap()
            .unwrap()
            .mount_point,
        "a tmpfs folder is a mount point"
    );
    // fill the stick to the last byte
    let filler = d.dest.join("filler.bin");
    let mut f = fs::File::create(&filler).unwrap();
    while io::Write::write_all(&mut f, &[0u8; 1024]).is_ok() {}
    drop(f);
    let report = d.deliver(&RealDisk);
    assert_eq!(
        failure_code(&report),
        Some(DeliveryFailure::DestinationFull)
    );
    assert_eq!(
        names(&d.dest),
        ["filler.bin"],
        "the partial copy was removed"
    );
    fs::remove_file(&filler).unwrap();
    if stick.remount_read_only() {
        let report = d.deliver(&RealDisk);
        assert_eq!(
            failure_code(&report),
            Some(DeliveryFailure::DestinationReadOnly)
        );
        assert!(names(&d.dest).is_empty());
        assert!(
            Command::new("mount")
                .args(["-o", "remount,rw"])
                .arg(&d.dest)
                .status()
                .unwrap()
                .success()
        );
    }
    assert_eq!(d.waiting(), [file.as_str()]);
    let report = d.deliver(&RealDisk);
    assert_eq!(report.delivered.len(), 1, "{:?}", report.failure);
    assert_eq!(names(&d.dest), [file]);
}
