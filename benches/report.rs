//! Speed of the coordinator's yearly report at the size of the issue (the demo's 2023
//! at scale 100, about 1.1 million accesses), of the report view's other reads, and of
//! the bulk writes that fill a register (the demo's and the first load's bulk insert,
//! and an import of an export file). Run with
//! `cargo bench -p sportello --bench report`.
//!
//! The large database is generated once per run into a temporary folder; how long
//! that takes is printed on the standard error.

use std::path::Path;
use std::time::Instant;

use chrono::{NaiveDate, TimeZone, Utc};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use sportello::demo::{self, Options};
use sportello::exchange::export::{self, Selection};
use sportello::exchange::import;
use sportello::register::stored::{self, StoredAccess};
use sportello::report::{self, completeness, tables};
use sportello::{Now, Store, desk};

/// A reading of the clock well after 2023.
fn now() -> Now {
    Now::new(
        Utc.with_ymd_and_hms(2026, 11, 29, 9, 0, 0)
            .unwrap()
            .fixed_offset(),
    )
}

/// A file database (WAL, synchronous FULL) filled with the demo's `year` at `scale`;
/// its own desk is `own` (the demo makes it GRO when none is set).
fn demo_db(path: &Path, year: i32, scale: u32, own: Option<&str>) -> Store {
    let mut store = Store::open(path, now().utc()).unwrap();
    if let Some(code) = own {
        let preset = desk::presets()
            .into_iter()
            .find(|p| p.code == code)
            .unwrap();
        desk::set_own(store.conn_mut(), &preset, now().utc()).unwrap();
    }
    demo::fill(store.conn_mut(), Options { year, scale }, now()).unwrap();
    store
}

fn bench_report(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    // built when a benchmark of the group first runs, so that a filter naming only the
    // writes does not wait for it
    let built = std::cell::OnceCell::new();
    let store = || {
        built.get_or_init(|| {
            let started = Instant::now();
            let store = demo_db(&dir.path().join("report.db"), 2023, 100, None);
            let accesses = stored::count_all(store.conn()).unwrap();
            eprintln!(
                "demo --year 2023 --scale 100: {accesses} accesses written in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            store
        })
    };
    let today = now().today();
    let mut g = c.benchmark_group("report at scale 100");
    g.sample_size(10);
    g.bench_function("report::yearly 2023, every desk (json)", |b| {
        let conn = store().conn();
        b.iter(|| report::yearly(conn, 2023, None).unwrap())
    });
    g.bench_function("report::tables::build 2023, every desk (view)", |b| {
        let conn = store().conn();
        b.iter(|| tables::build(conn, 2023, None).unwrap())
    });
    g.bench_function("report::completeness 2023 (view)", |b| {
        let conn = store().conn();
        b.iter(|| completeness::completeness(conn, 2023, today).unwrap())
    });
    g.bench_function("report::tables::years (view)", |b| {
        let conn = store().conn();
        b.iter(|| tables::years(conn).unwrap())
    });
    g.finish();
}

/// `n` accesses as received from desk FOL, varied like the demo's, with new ids.
fn received(n: usize) -> Vec<StoredAccess> {
    const CHANNELS: [&str; 4] = ["sportello", "telefono", "email", "videochiamata"];
    const NATIONALITIES: [&str; 6] = ["MA", "RO", "AL", "UA", "SN", "IT"];
    const SEXES: [&str; 2] = ["maschio", "femmina"];
    const AGES: [&str; 5] = ["18-29", "30-39", "40-49", "50-59", "60-69"];
    const REASONS: [&str; 4] = ["rinnovo_permesso", "lavoro", "casa", "cittadinanza"];
    let first = NaiveDate::from_ymd_opt(2023, 1, 2).unwrap();
    (0..n)
        .map(|i| {
            let mut reasons = vec![REASONS[i % 4].to_string()];
            if i % 7 == 0 {
                reasons.push(REASONS[(i / 4) % 4].to_string());
                reasons.sort();
                reasons.dedup();
            }
            StoredAccess {
                id: format!("01870000-0000-7000-8000-{i:012x}"),
                desk: "FOL".into(),
                revision: 1,
                deleted: false,
                date: first + chrono::Days::new((i % 360) as u64),
                hour: Some(10),
                channel: Some(CHANNELS[i % 4].into()),
                nationality: Some(NATIONALITIES[(i / 4) % 6].into()),
                sex: Some(SEXES[i % 2].into()),
                age_band: Some(AGES[(i / 3) % 5].into()),
                first_access: Some(i % 3 == 0),
                referred_by: Some("iniziativa_propria".into()),
                reasons,
                permit: Some("lavoro".into()),
                actions: vec!["informazione".into()],
                accompaniment: Some(false),
                mediation: Some(false),
                change_seq: None,
            }
        })
        .collect()
}

/// An export file of desk FOL holding its demo accesses and cases of 2023 at `scale`.
fn export_file(dir: &Path, scale: u32) -> (String, Vec<u8>, i64) {
    let mut desk_db = demo_db(&dir.join("desk.db"), 2023, scale, Some("FOL"));
    let range = Selection::Range {
        from: NaiveDate::from_ymd_opt(2023, 1, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(2023, 12, 31).unwrap(),
    };
    let out = dir.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let summary = export::export(desk_db.conn_mut(), range, &out, now()).unwrap();
    let path = summary.path;
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let bytes = std::fs::read(&path).unwrap();
    (name, bytes, summary.record_count)
}

fn bench_writes(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut g = c.benchmark_group("bulk writes");
    g.sample_size(10);
    const N: usize = 20_000;
    let rows = received(N);
    let mut round = 0;
    g.bench_function("insert_received 20,000 accesses, one transaction", |b| {
        b.iter_batched(
            || {
                round += 1;
                let store = Store::open(&dir.path().join(format!("bulk{round}.db")), now().utc());
                let store = store.unwrap();
                desk::ensure_known(store.conn(), "FOL", now().utc()).unwrap();
                store
            },
            |mut store| {
                let tx = store.conn_mut().transaction().unwrap();
                stored::insert_received(&tx, &rows, "2024-01-02T08:00:00Z").unwrap();
                tx.commit().unwrap();
                store
            },
            BatchSize::PerIteration,
        )
    });
    let (name, bytes, records) = export_file(dir.path(), 10);
    eprintln!("import bench: one file of {records} records of FOL 2023");
    let files = vec![(name, bytes)];
    g.bench_function("import one export file of FOL 2023 at scale 10", |b| {
        b.iter_batched(
            || {
                round += 1;
                Store::open(&dir.path().join(format!("import{round}.db")), now().utc()).unwrap()
            },
            |mut store| {
                let reports = import::import_files(store.conn_mut(), &files, false, now().utc());
                let reports = reports.unwrap();
                assert_eq!(reports[0].new as i64, records, "{:?}", reports[0].message);
                store
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, bench_writes, bench_report);
criterion_main!(benches);
