use super::restore::take_app_lock;
use super::*;
use crate::Store;
use crate::store::latest_version;
use chrono::{NaiveDate, TimeZone};

fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn names_read_back_and_other_files_are_ignored() {
    let db = Path::new("/x/sportello.db");
    let t = at(2026, 11, 30, 2);
    for kind in [
        Kind::Backup,
        Kind::BeforeMigration { from_version: 10 },
        Kind::BeforeRestore,
    ] {
        let name = file_name(db, kind, t);
        assert_eq!(parse_name(db, &name), Some((t, kind)), "{name}");
    }
    assert_eq!(
        file_name(db, Kind::Backup, t),
        "sportello-20261130T020000Z.db"
    );
    for other in [
        "sportello-demo-20261130T020000Z.db",
        ".sportello-20261130T020000Z.db.12.tmp",
        "sportello-20261130T020000Z.db-journal",
        "sportello-2026113.db",
        "sportello-20261130T020000Z-vX.db",
        "notes.txt",
    ] {
        assert_eq!(parse_name(db, other), None, "{other} is not a backup of it");
    }
}

/// A year and more of daily backups (two a day: a manual one in the morning, the daily
/// one at noon), rotated after each: the survivors are exactly the newest of each of
/// the last 7 days, of the last 4 ISO weeks and of the last 12 months.
#[test]
fn the_rotation_keeps_7_daily_4_weekly_12_monthly() {
    let mut times: Vec<DateTime<Utc>> = Vec::new();
    let mut d = day(2025, 10, 1);
    let end = day(2026, 11, 30); // a Monday
    while d <= end {
        times.push(d.and_hms_opt(9, 0, 0).unwrap().and_utc());
        times.push(d.and_hms_opt(12, 0, 0).unwrap().and_utc());
        // the rotation runs after every backup: drop what it would delete
        let kept = keep(&times, RETENTION);
        times = times
            .into_iter()
            .zip(kept)
            .filter_map(|(t, k)| k.then_some(t))
            .collect();
        d = d.succ_opt().unwrap();
    }
    times.sort();
    let mut expected: Vec<NaiveDate> = vec![
        // monthly: the newest of each of the 12 latest months
        day(2025, 12, 31),
        day(2026, 1, 31),
        day(2026, 2, 28),
        day(2026, 3, 31),
        day(2026, 4, 30),
        day(2026, 5, 31),
        day(2026, 6, 30),
        day(2026, 7, 31),
        day(2026, 8, 31),
        day(2026, 9, 30),
        day(2026, 10, 31),
        // weekly: the Sundays ending the 3 weeks before this one
        day(2026, 11, 15),
        day(2026, 11, 22),
    ];
    // daily: the last 7 days (this week's and month's newest is among them)
    expected.extend((24..=30).map(|d| day(2026, 11, d)));
    expected.sort();
    let got: Vec<NaiveDate> = times.iter().map(|t| t.date_naive()).collect();
    assert_eq!(got, expected, "which backups survive");
    assert!(
        times.iter().all(|t| t.format("%H").to_string() == "12"),
        "of two on a day, the newest is kept"
    );
}

#[test]
fn days_without_a_backup_are_not_counted() {
    // a desk closed from mid-July to September: its July backups stay the daily ones
    let mut times: Vec<_> = (1..=10).map(|d| at(2026, 7, d, 12)).collect();
    times.push(at(2026, 9, 1, 12));
    let kept = keep(&times, RETENTION);
    assert_eq!(
        kept,
        [
            false, false, false, false, true, true, true, true, true, true, true
        ],
        "September 1st and July 5th to 10th: 7 days that have a backup"
    );
}

fn file_store(dir: &Path) -> (Store, PathBuf) {
    let db = dir.join("sportello.db");
    let store = Store::open(&db, at(2026, 1, 1, 0)).unwrap();
    store.set_setting("marker", "kept").unwrap();
    (store, db)
}

#[test]
fn a_backup_is_verified_private_standalone_and_named() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, db) = file_store(tmp.path());
    let b = take(store.conn(), &db, None, at(2026, 11, 30, 2)).unwrap();
    assert_eq!(
        b.path,
        tmp.path().join("backups/sportello-20261130T020000Z.db")
    );
    assert!(b.verified && b.size > 0);
    assert_eq!(check_file(&b.path).unwrap(), latest_version());
    let copy = Connection::open(&b.path).unwrap();
    let mode: String = copy
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "delete", "a backup needs no -wal beside it");
    let marker: String = copy
        .query_row("SELECT value FROM settings WHERE key = 'marker'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(marker, "kept");
    let names: Vec<String> = fs::read_dir(tmp.path().join("backups"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        ["sportello-20261130T020000Z.db"],
        "no temporary left"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&b.path), 0o600);
        assert_eq!(mode(&tmp.path().join("backups")), 0o700);
    }
}

#[test]
fn backups_into_a_folder_rotate_on_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, db) = file_store(tmp.path());
    let out = tempfile::tempdir().unwrap();
    let start = day(2026, 1, 1);
    for n in 0..60 {
        let t = (start + Duration::days(n))
            .and_hms_opt(12, 0, 0)
            .unwrap()
            .and_utc();
        take(store.conn(), &db, Some(out.path()), t).unwrap();
    }
    let left = list(out.path(), &db).unwrap();
    // days: Feb 23 - Mar 1 (a Monday to a Sunday: one ISO week); weeks: the Sundays
    // Feb 8, 15 and 22; months: Jan 31 (February's and March's are among the days)
    let days: Vec<_> = left.iter().rev().map(|b| b.taken_at.date_naive()).collect();
    let mut expected = vec![
        day(2026, 1, 31),
        day(2026, 2, 8),
        day(2026, 2, 15),
        day(2026, 2, 22),
    ];
    expected.extend((23..=28).map(|d| day(2026, 2, d)));
    expected.push(day(2026, 3, 1));
    assert_eq!(days, expected);
}

#[test]
fn the_status_warns_after_two_days_and_the_daily_is_due_after_one() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, db) = file_store(tmp.path());
    let s = status(store.conn(), &db, at(2026, 11, 30, 2)).unwrap();
    assert!(s.stale && s.last.is_none() && due(&s, at(2026, 11, 30, 2)));
    take(store.conn(), &db, None, at(2026, 11, 30, 2)).unwrap();
    let s = status(store.conn(), &db, at(2026, 11, 30, 20)).unwrap();
    assert!(!s.stale && !due(&s, at(2026, 11, 30, 20)));
    assert!(due(&s, at(2026, 12, 1, 2)), "a day later the daily is due");
    let s = status(store.conn(), &db, at(2026, 12, 2, 3)).unwrap();
    assert!(s.stale, "over two days: the window warns");
}

#[test]
fn a_chosen_folder_must_be_there() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut store, db) = file_store(tmp.path());
    let gone = tmp.path().join("usb-stick");
    let err = set_folder(store.conn_mut(), Some(&gone), "test", at(2026, 1, 1, 0)).unwrap_err();
    assert_eq!(err.code(), "invalid");
    fs::create_dir(&gone).unwrap();
    set_folder(store.conn_mut(), Some(&gone), "test", at(2026, 1, 1, 0)).unwrap();
    assert_eq!(folder(store.conn(), &db).unwrap(), gone);
    fs::remove_dir(&gone).unwrap();
    let err = take(store.conn(), &db, None, at(2026, 1, 2, 0)).unwrap_err();
    assert!(err.to_string().contains("plug in the drive"), "{err}");
    let s = status(store.conn(), &db, at(2026, 1, 2, 0)).unwrap();
    assert!(!s.reachable && s.stale);
    set_folder(store.conn_mut(), None, "test", at(2026, 1, 1, 0)).unwrap();
    assert_eq!(folder(store.conn(), &db).unwrap(), default_folder(&db));
}

#[test]
fn restore_swaps_the_database_and_keeps_the_old_one_aside() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, db) = file_store(tmp.path());
    let b = take(store.conn(), &db, None, at(2026, 11, 29, 2)).unwrap();
    store.set_setting("marker", "changed after").unwrap();
    drop(store);
    let r = restore(&db, &b.path, AppLock::Take, at(2026, 11, 30, 2)).unwrap();
    assert_eq!(r.version, latest_version());
    let aside = r.set_aside.expect("the old database is kept");
    assert_eq!(
        aside,
        tmp.path()
            .join("backups/sportello-20261130T020000Z-before-restore.db")
    );
    let reopened = Store::open(&db, at(2026, 11, 30, 2)).unwrap();
    assert_eq!(reopened.setting("marker").unwrap().as_deref(), Some("kept"));
    let old = Connection::open(&aside).unwrap();
    let marker: String = old
        .query_row("SELECT value FROM settings WHERE key = 'marker'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(marker, "changed after", "the replaced database, whole");
}

#[test]
fn a_bad_file_is_refused_and_nothing_changes() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, db) = file_store(tmp.path());
    drop(store);
    let before = fs::read(&db).unwrap();
    let text = tmp.path().join("notes.db");
    fs::write(&text, "not a database at all, just some text ".repeat(200)).unwrap();
    let other = tmp.path().join("other.db");
    Connection::open(&other)
        .unwrap()
        .execute_batch("CREATE TABLE t (x); PRAGMA user_version = 3;")
        .unwrap();
    let newer = tmp.path().join("newer.db");
    {
        let (s, _) = file_store(&tmp.path().join("n"));
        s.conn()
            .execute_batch(&format!("PRAGMA user_version = {}", latest_version() + 1))
            .unwrap();
        take(
            s.conn(),
            Path::new("/x/sportello.db"),
            Some(tmp.path()),
            at(2026, 1, 1, 0),
        )
        .unwrap_err();
        s.conn()
            .backup(rusqlite::MAIN_DB, &newer, None::<fn(_)>)
            .unwrap();
    }
    let damaged = tmp.path().join("damaged.db");
    {
        let (s, _) = file_store(&tmp.path().join("d"));
        let b = take(
            s.conn(),
            &tmp.path().join("d/sportello.db"),
            None,
            at(2026, 1, 1, 0),
        )
        .unwrap();
        let mut bytes = fs::read(&b.path).unwrap();
        // garble a page in the middle, past the header and the schema
        let mid = bytes.len() / 2;
        for byte in &mut bytes[mid..mid + 3000] {
            *byte = 0x5a;
        }
        fs::write(&damaged, bytes).unwrap();
    }
    for (file, problem) in [
        (&text, "not_a_database"),
        (&other, "not_sportello"),
        (&newer, "newer_schema"),
        (&damaged, "damaged"),
    ] {
        let err = restore(&db, file, AppLock::Take, at(2026, 1, 2, 0)).unwrap_err();
        match &err {
            Error::BadFile(p) => assert_eq!(p.problem, problem, "{}: {err}", file.display()),
            _ => panic!("{}: {err}", file.display()),
        }
        assert!(
            err.to_string().contains(&file.display().to_string()),
            "{err}"
        );
    }
    assert_eq!(fs::read(&db).unwrap(), before, "the database is untouched");
    assert!(
        list(&default_folder(&db), &db).unwrap().is_empty(),
        "nothing set aside"
    );
    let leftovers: Vec<_> = fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn restore_is_refused_while_the_app_holds_the_database() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, db) = file_store(tmp.path());
    let b = take(store.conn(), &db, None, at(2026, 11, 29, 2)).unwrap();
    let app = take_app_lock(&db).unwrap();
    let err = restore(&db, &b.path, AppLock::Take, at(2026, 11, 30, 2)).unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert!(err.to_string().contains("close the app"), "{err}");
    drop(app);
}

#[test]
fn set_aside_databases_are_kept_a_while_then_deleted() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, db) = file_store(tmp.path());
    let dir = default_folder(&db);
    take(store.conn(), &db, None, at(2025, 1, 1, 0)).unwrap();
    let aside = dir.join(file_name(&db, Kind::BeforeRestore, at(2025, 1, 1, 1)));
    fs::copy(
        dir.join(file_name(&db, Kind::Backup, at(2025, 1, 1, 0))),
        &aside,
    )
    .unwrap();
    take(store.conn(), &db, None, at(2025, 6, 1, 0)).unwrap();
    assert!(aside.exists(), "five months on, still there");
    take(store.conn(), &db, None, at(2026, 3, 1, 0)).unwrap();
    assert!(!aside.exists(), "past {WINDOW_DAYS} days, deleted");
}

#[test]
fn a_pre_migration_copy_outlives_later_backups_of_its_day_and_not_the_window() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, db) = file_store(tmp.path());
    let copy = take_before_migration(store.conn(), &db, 9, at(2026, 1, 5, 8)).unwrap();
    // the same day's backups, then a daily one for two months
    take(store.conn(), &db, None, at(2026, 1, 5, 9)).unwrap();
    take(store.conn(), &db, None, at(2026, 1, 5, 18)).unwrap();
    for d in 6..=60 {
        let t = (day(2026, 1, 1) + Duration::days(d))
            .and_hms_opt(12, 0, 0)
            .unwrap();
        take(store.conn(), &db, None, t.and_utc()).unwrap();
    }
    assert!(copy.exists(), "the only copy of schema 9 is kept");
    let daily = list(&default_folder(&db), &db).unwrap();
    assert_eq!(
        daily.iter().filter(|b| b.kind == Kind::Backup).count(),
        // Feb 24 - Mar 2; the Sundays Feb 15 and 22; January 31st
        7 + 2 + 1,
        "the backups rotate as before: {daily:#?}"
    );
    take(store.conn(), &db, None, at(2027, 2, 10, 12)).unwrap();
    assert!(!copy.exists(), "past {WINDOW_DAYS} days, deleted");
}

#[test]
fn legacy_pre_migration_copies_join_the_backup_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, db) = file_store(tmp.path());
    drop(store);
    let legacy = tmp.path().join("sportello.db.v5-20240506T070809Z.bak");
    fs::copy(&db, &legacy).unwrap();
    drop(Store::open(&db, at(2026, 1, 1, 0)).unwrap());
    assert!(!legacy.exists());
    let moved = list(&default_folder(&db), &db).unwrap();
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].kind, Kind::BeforeMigration { from_version: 5 });
    assert_eq!(
        moved[0].taken_at,
        Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, 9).unwrap()
    );
}

/// The case documents' folder of `db` with `files` (name, bytes) in it.
fn documents(db: &Path, files: &[(&str, &[u8])]) -> PathBuf {
    let dir = documents_of(db);
    crate::store::private::create_dir(&dir).unwrap();
    for (name, bytes) in files {
        fs::write(dir.join(name), bytes).unwrap();
    }
    dir
}

fn folder_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_backup_carries_the_case_documents_and_the_rotation_takes_them_with_it() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, db) = file_store(tmp.path());
    let none = take(store.conn(), &db, None, at(2026, 1, 1, 12)).unwrap();
    assert!(
        !documents_copy(&none.path).exists(),
        "no documents, no copy"
    );
    documents(&db, &[("a1.pdf", b"permesso"), ("b2.jpg", b"passaporto")]);
    let b = take(store.conn(), &db, None, at(2026, 1, 2, 12)).unwrap();
    let copy = documents_copy(&b.path);
    assert_eq!(
        folder_files(&copy),
        [
            ("a1.pdf".to_string(), b"permesso".to_vec()),
            ("b2.jpg".to_string(), b"passaporto".to_vec())
        ]
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&copy), 0o700);
        assert_eq!(mode(&copy.join("a1.pdf")), 0o600);
    }
    let listed = list(&default_folder(&db), &db).unwrap();
    assert_eq!(listed.len(), 2, "the copy is not a backup of its own");
    // forty days later only the newest of each day, week and month is kept: the
    // documents of a backup the rotation deletes go with it
    for n in 2..40 {
        take(
            store.conn(),
            &db,
            None,
            at(2026, 1, 1, 12) + Duration::days(n),
        )
        .unwrap();
    }
    assert!(!b.path.exists(), "rotated away");
    assert!(!copy.exists(), "and its documents with it");
    let names: Vec<String> = fs::read_dir(default_folder(&db))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().all(|n| !n.starts_with('.')),
        "no temporary left: {names:?}"
    );
}

#[test]
fn restore_brings_back_the_documents_of_the_backup_and_sets_the_current_ones_aside() {
    let tmp = tempfile::tempdir().unwrap();
    let (store, db) = file_store(tmp.path());
    let dir = documents(&db, &[("a1.pdf", b"before")]);
    let b = take(store.conn(), &db, None, at(2026, 11, 29, 2)).unwrap();
    fs::write(dir.join("a1.pdf"), b"after").unwrap();
    fs::write(dir.join("c3.png"), b"added later").unwrap();
    drop(store);
    let r = restore(&db, &b.path, AppLock::Take, at(2026, 11, 30, 2)).unwrap();
    assert_eq!(
        folder_files(&dir),
        [("a1.pdf".to_string(), b"before".to_vec())],
        "the backup's documents, as they were"
    );
    let aside = documents_copy(&r.set_aside.unwrap());
    assert_eq!(
        folder_files(&aside),
        [
            ("a1.pdf".to_string(), b"after".to_vec()),
            ("c3.png".to_string(), b"added later".to_vec())
        ],
        "the replaced documents go aside with the replaced database"
    );
    assert_eq!(
        folder_files(&documents_copy(&b.path)),
        [("a1.pdf".to_string(), b"before".to_vec())],
        "the backup itself is untouched"
    );
}
