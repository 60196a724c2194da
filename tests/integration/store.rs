//! Opening, migrating and backing up database files.

use chrono::{TimeZone, Utc};
use rusqlite::Connection;
use sportello::store::{MIGRATIONS, latest_version};
use sportello::{Store, codebook, desk};

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 6, 7, 8, 9).unwrap()
}

/// The copies in the default backup folder beside the database (none when missing).
fn backups_in(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir.join("backups")) else {
        return Vec::new();
    };
    entries.map(|e| e.unwrap().path()).collect()
}

#[test]
fn a_new_database_gets_every_migration_and_no_backup() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub/dir/new.db");
    let store = Store::open(&path, now()).unwrap();
    assert_eq!(store.schema_version().unwrap(), latest_version());
    assert_eq!(latest_version(), MIGRATIONS.len() as i64);
    assert!(
        store.backup_taken().is_none(),
        "a new file has nothing to back up"
    );
    assert!(backups_in(path.parent().unwrap()).is_empty());
    let mode: String = store
        .conn()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal", "file databases run in WAL mode");
}

#[test]
fn reopening_is_a_no_op() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("s.db");
    {
        let mut store = Store::open(&path, now()).unwrap();
        let fol = desk::presets()
            .into_iter()
            .find(|d| d.code == "FOL")
            .unwrap();
        desk::set_own(store.conn_mut(), &fol, now()).unwrap();
    }
    let store = Store::open(&path, now()).unwrap();
    assert!(
        store.backup_taken().is_none(),
        "nothing pending, nothing backed up"
    );
    assert_eq!(
        codebook::version(store.conn()).unwrap(),
        1,
        "the codebook is not loaded twice"
    );
    assert_eq!(
        desk::own_code(store.conn()).unwrap(),
        "FOL",
        "data survives reopening"
    );
    assert!(backups_in(dir.path()).is_empty());
}

/// Builds a file at schema version `version` by running only the first migrations, as
/// an older release of the program would have left it.
fn database_at_version(path: &std::path::Path, version: usize) -> Connection {
    let conn = Connection::open(path).unwrap();
    for m in &MIGRATIONS[..version] {
        conn.execute_batch(m.sql).unwrap();
    }
    conn.execute_batch(&format!("PRAGMA user_version = {version}"))
        .unwrap();
    conn
}

#[test]
fn a_pending_migration_takes_a_backup_first_and_keeps_data_of_every_earlier_version() {
    for version in 1..MIGRATIONS.len() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            let conn = database_at_version(&path, version);
            // data every released version can hold
            conn.execute_batch(
                "INSERT INTO desks (code, name, is_own, created_at, updated_at)
                     VALUES ('FOL', 'Follonica', 1, 't', 't');
                 INSERT INTO settings (key, value) VALUES ('operator', 'CT');
                 INSERT INTO accesses (id, desk, revision, date, hour, channel, nationality, sex,
                     age_band, first_access, referred_by, permit, accompaniment, mediation,
                     created_at, updated_at)
                 VALUES ('a1', 'FOL', 1, '2023-03-01', 10, 'sportello', 'MA', 'femmina',
                     '30-39', 1, 'comune', 'famiglia', 0, 0, 't', 't');
                 INSERT INTO access_reasons (access_id, code) VALUES ('a1', 'rinnovo_permesso');",
            )
            .unwrap();
            fill_tables_of(&conn, version);
        }
        let before = row_counts(&Connection::open(&path).unwrap());
        let store = Store::open(&path, now()).unwrap();
        assert_eq!(store.schema_version().unwrap(), latest_version());
        let backup = store
            .backup_taken()
            .expect("a backup before migrating")
            .to_path_buf();
        assert_eq!(backups_in(dir.path()), vec![backup.clone()]);
        assert!(
            backup
                .file_name()
                .unwrap()
                .to_string_lossy()
                .ends_with(&format!("old-20240506T070809Z-v{version}.db")),
            "the backup names the old version and the time: {}",
            backup.display()
        );
        let old = Connection::open(&backup).unwrap();
        let old_version: i64 = old
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            old_version, version as i64,
            "the backup is the database before migrating"
        );
        let (nationality, reasons): (String, i64) = store
            .conn()
            .query_row(
                "SELECT nationality, (SELECT COUNT(*) FROM access_reasons WHERE access_id = a.id)
                 FROM accesses a WHERE id = 'a1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(
            (nationality.as_str(), reasons),
            ("MA", 1),
            "records survive the migration"
        );
        assert_eq!(store.setting("operator").unwrap().as_deref(), Some("CT"));
        let after = row_counts(store.conn());
        for (table, rows) in &before {
            if SEEDED_BY_MIGRATIONS.contains(&table.as_str()) {
                continue;
            }
            assert_eq!(
                after.get(table),
                Some(rows),
                "from version {version}: the rows of {table} survive the migration"
            );
        }
        let (name, notes): (String, i64) = store
            .conn()
            .query_row(
                "SELECT person_name, (SELECT COUNT(*) FROM case_notes WHERE case_id = 'c1')
                 FROM case_files WHERE case_id = 'c1'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(
            (name.as_str(), notes),
            ("Amina", 1),
            "from version {version}: the personal file and its note survive"
        );
    }
}

/// Tables whose rows a later migration adds to (the codebook's and the lists' seed
/// rows, the report's counts kept by triggers and rebuilt): their old rows are checked
/// by the reads above, not by their count.
const SEEDED_BY_MIGRATIONS: &[&str] = &[
    "codebook_entries",
    "codebook_version",
    "appointment_kinds",
    "appointment_documents",
    "case_service_kinds",
    "report_counts",
    "report_years",
];

/// Every table's row count.
fn row_counts(conn: &Connection) -> std::collections::BTreeMap<String, i64> {
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    tables
        .into_iter()
        .map(|t| {
            let n = conn
                .query_row(&format!("SELECT COUNT(*) FROM \"{t}\""), [], |r| r.get(0))
                .unwrap();
            (t, n)
        })
        .collect()
}

/// Personal and case data in the tables that exist at `version`: a case with its
/// personal file and a note (every version), an appointment (once kinds exist), the
/// closing and erasure rows (9), a service and a copy of a document (10).
fn fill_tables_of(conn: &Connection, version: usize) {
    conn.execute_batch(
        "INSERT INTO cases (id, desk, revision, case_type, opened_on, closed_on, reason,
             created_at, updated_at)
         VALUES ('c1', 'FOL', 1, 'full', '2023-02-01', '2023-05-01', 'cittadinanza', '2023-02-01T10:00:00Z', '2023-02-01T10:00:00Z');
         INSERT INTO case_files (case_id, person_name, phone, updated_at)
         VALUES ('c1', 'Amina', '+39 333 000 0000', '2023-02-01T10:00:00Z');
         INSERT INTO case_notes (case_id, written_at, body) VALUES ('c1', '2023-03-01T10:00:00Z', 'nota');",
    )
    .unwrap();
    let kind: Option<String> = conn
        .query_row("SELECT code FROM appointment_kinds LIMIT 1", [], |r| {
            r.get(0)
        })
        .ok();
    if let Some(kind) = kind {
        conn.execute(
            "INSERT INTO appointments (id, desk, kind, day, starts, ends, booking_code,
                 person_name, phone, created_at, updated_at)
             VALUES ('p1', 'FOL', ?1, '2023-03-02', '10:00', '10:30', 'B-1', 'Amina', '333', '2023-03-01T10:00:00Z', '2023-03-01T10:00:00Z')",
            [kind],
        )
        .unwrap();
    }
    if version >= 9 {
        conn.execute_batch(
            "INSERT INTO case_closings (case_id, outcome, closed_at) VALUES ('c1', 'solved', '2023-05-01T10:00:00Z');",
        )
        .unwrap();
    }
    if version >= 10 {
        let service: String = conn
            .query_row("SELECT code FROM case_service_kinds LIMIT 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        conn.execute(
            "INSERT INTO case_services (case_id, service, involved_on) VALUES ('c1', ?1, '2023-03-01')",
            [service],
        )
        .unwrap();
        conn.execute_batch(
            "INSERT INTO case_documents (id, case_id, name, kind, extension, size, added_on, added_at)
             VALUES ('d1', 'c1', 'permesso.pdf', 'permit', 'pdf', 10, '2023-03-01', '2023-03-01T10:00:00Z');",
        )
        .unwrap();
    }
}

#[test]
fn a_failing_migration_leaves_the_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.db");
    {
        let conn = database_at_version(&path, 1);
        // an entry the codebook migration is about to insert: the migration must fail
        conn.execute_batch(
            "INSERT INTO codebook_entries (list, code, label_it, label_en, sort_order, report_group)
             VALUES ('channel', 'sportello', 'x', 'x', 1, 'front_desk')",
        )
        .unwrap();
    }
    let err = Store::open(&path, now())
        .err()
        .expect("the migration must fail");
    assert_eq!(err.code(), "migration_failed", "{err}");
    let conn = Connection::open(&path).unwrap();
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 1, "a failed migration rolls back whole");
    let entries: i64 = conn
        .query_row("SELECT COUNT(*) FROM codebook_entries", [], |r| r.get(0))
        .unwrap();
    assert_eq!(entries, 1, "no entry of the failed migration stays behind");
}

#[test]
fn a_database_from_a_newer_program_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("future.db");
    drop(Store::open(&path, now()).unwrap());
    Connection::open(&path)
        .unwrap()
        .execute_batch(&format!("PRAGMA user_version = {}", latest_version() + 1))
        .unwrap();
    let err = Store::open(&path, now()).err().expect("must refuse");
    assert_eq!(err.code(), "database_too_new");
    assert!(
        err.to_string().contains("update Sportello"),
        "the message says what to do: {err}"
    );
}

#[test]
fn migrations_are_valid_sql_and_numbered_in_order() {
    for (i, m) in MIGRATIONS.iter().enumerate() {
        assert!(
            m.name.starts_with(&format!("{:04}_", i + 1)),
            "migration {} must be numbered {:04}",
            m.name,
            i + 1
        );
        let conn = Connection::open_in_memory().unwrap();
        for earlier in &MIGRATIONS[..=i] {
            conn.execute_batch(earlier.sql)
                .unwrap_or_else(|e| panic!("{} does not apply: {e}", earlier.name));
        }
    }
    let on_disk: Vec<String> =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
    assert_eq!(
        on_disk.len(),
        MIGRATIONS.len(),
        "every file in migrations/ is embedded: {on_disk:?}"
    );
}

/// The app corrects an access (a read, then a write) while the command line holds the
/// write lock and then commits. A deferred transaction would read a snapshot, fail to
/// upgrade it after the other commit and report "database is busy" at once; every
/// transaction of the store begins IMMEDIATE, so the correction waits its turn and
/// succeeds.
#[test]
fn a_read_then_write_waits_for_another_writer_instead_of_failing() {
    use std::sync::mpsc;
    use std::time::Duration;

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.db");
    let mut app = Store::open(&path, now()).unwrap();
    let fol = desk::presets()
        .into_iter()
        .find(|d| d.code == "FOL")
        .unwrap();
    desk::set_own(app.conn_mut(), &fol, now()).unwrap();
    let input = sportello::register::accesses::NewAccess {
        date: chrono::NaiveDate::from_ymd_opt(2024, 5, 6).unwrap(),
        hour: 9,
        channel: "sportello".into(),
        nationality: "MA".into(),
        sex: "femmina".into(),
        age_band: "30-39".into(),
        first_access: true,
        referred_by: "iniziativa_propria".into(),
        reasons: vec!["rinnovo_permesso".into()],
        permit: "famiglia".into(),
        actions: vec!["informazione".into()],
        accompaniment: false,
        mediation: false,
    };
    let access =
        sportello::register::accesses::record(app.conn_mut(), &input, "op", now().into()).unwrap();

    let (locked, wait_lock) = mpsc::channel();
    let other_path = path.clone();
    let other = std::thread::spawn(move || {
        let cli = Connection::open(&other_path).unwrap();
        cli.execute_batch(
            "BEGIN IMMEDIATE; INSERT INTO settings (key, value) VALUES ('cli', 'was here');",
        )
        .unwrap();
        locked.send(()).unwrap();
        std::thread::sleep(Duration::from_millis(300));
        cli.execute_batch("COMMIT").unwrap();
    });
    wait_lock.recv().unwrap();
    let mut changed = input.clone();
    changed.nationality = "RO".into();
    let corrected = sportello::register::accesses::correct(
        app.conn_mut(),
        &access.id,
        1,
        &changed,
        "op",
        now().into(),
    )
    .expect("the correction waits for the other writer, then succeeds");
    other.join().unwrap();
    assert_eq!(corrected.revision, 2);
    assert_eq!(
        sportello::store::settings::get(app.conn(), "cli")
            .unwrap()
            .as_deref(),
        Some("was here"),
        "both writes are kept"
    );
}
