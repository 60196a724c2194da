//! Speed of the coordinator's import at the size of issue 10: one export file of
//! 200,000 accesses of desk FOL, validation, checksum and merge included, in four cases:
//!
//! - `new`: every record new to the coordinator (a first load);
//! - `updates`: a second export revising known records (180,000 at revision 2 with other
//!   fields, 20,000 new ones);
//! - `unchanged`: another export carrying the same records at the same revision (two
//!   overlapping exports: every record compared, nothing written);
//! - `same file again`: the first file imported once more (already imported: its
//!   export id is known, and nothing is compared);
//! - `dry run`: the plan of the `new` file and of the `updates` file, nothing stored.
//!
//! Run with `cargo bench -p sportello --bench import`; the records per second are the
//! `thrpt` figures. The file is written by this bench (`file`), so `benches/naive_import.py`
//! can be run on the very same bytes: `SPORTELLO_BENCH_FILES=DIR` keeps the files there.
//! docs/import-speed.md has the figures and how to compare.

use std::path::{Path, PathBuf};

use chrono::{TimeZone, Utc};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use sportello::exchange::import;
use sportello::{Now, Store};

/// The allocator of the command line and the app, so that the figures are theirs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "support/import_data.rs"]
mod data;
use data::{N, files};

fn now() -> Now {
    Now::new(
        Utc.with_ymd_and_hms(2026, 11, 29, 9, 0, 0)
            .unwrap()
            .fixed_offset(),
    )
}

/// `dir/name`, with no database there (the previous round's is removed: a database
/// of 200,000 accesses is about 100 MB, and the rounds are many).
fn fresh(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
    }
    path
}

/// A copy of the database at `from` (closed, checkpointed) as the file `copy.db` in `dir`.
fn copy_db(from: &Path, dir: &Path) -> Store {
    let to = fresh(dir, "copy.db");
    std::fs::copy(from, &to).unwrap();
    Store::open(&to, now().utc()).unwrap()
}

fn bench_import(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let [new, updates, unchanged] = files();
    if let Some(keep) = std::env::var_os("SPORTELLO_BENCH_FILES") {
        let keep = PathBuf::from(keep);
        std::fs::create_dir_all(&keep).unwrap();
        for (name, bytes) in [&new, &updates, &unchanged] {
            std::fs::write(keep.join(name), bytes).unwrap();
        }
    }
    // the coordinator's database once the first file is imported, to copy per round
    let loaded = dir.path().join("loaded.db");
    {
        let mut store = Store::open(&loaded, now().utc()).unwrap();
        let r = import::import_files(
            store.conn_mut(),
            std::slice::from_ref(&new),
            false,
            now().utc(),
        );
        let r = &r.unwrap()[0];
        assert_eq!(r.new, N, "{}", r.message);
        store
            .conn()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .unwrap();
    }
    let mut g = c.benchmark_group("import 200,000 accesses");
    g.sample_size(10);
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("new", |b| {
        let files = vec![new.clone()];
        b.iter_batched(
            || Store::open(&fresh(dir.path(), "new.db"), now().utc()).unwrap(),
            |mut store| {
                let r = import::import_files(store.conn_mut(), &files, false, now().utc());
                assert_eq!(r.unwrap()[0].new, N);
                store
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("updates", |b| {
        let files = vec![updates.clone()];
        b.iter_batched(
            || copy_db(&loaded, dir.path()),
            |mut store| {
                let r = import::import_files(store.conn_mut(), &files, false, now().utc());
                let r = &r.unwrap()[0];
                assert_eq!((r.updated, r.new), (N / 10 * 9, N / 10), "{}", r.message);
                store
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("unchanged", |b| {
        let files = vec![unchanged.clone()];
        b.iter_batched(
            || copy_db(&loaded, dir.path()),
            |mut store| {
                let r = import::import_files(store.conn_mut(), &files, false, now().utc());
                let r = &r.unwrap()[0];
                assert_eq!(r.unchanged, N, "{}", r.message);
                store
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("same file again", |b| {
        // the first file once more: its export id is known, nothing is compared
        let files = vec![new.clone()];
        b.iter_batched(
            || copy_db(&loaded, dir.path()),
            |mut store| {
                let r = import::import_files(store.conn_mut(), &files, false, now().utc());
                let r = &r.unwrap()[0];
                assert_eq!(r.outcome, import::Outcome::AlreadyImported, "{}", r.message);
                store
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("dry run (new)", |b| {
        let files = vec![new.clone()];
        let mut store = Store::open(&dir.path().join("dry.db"), now().utc()).unwrap();
        b.iter(|| {
            let r = import::import_files(store.conn_mut(), &files, true, now().utc());
            assert_eq!(r.unwrap()[0].new, N);
        })
    });
    g.bench_function("dry run (updates)", |b| {
        let files = vec![updates.clone()];
        let mut store = copy_db(&loaded, dir.path());
        b.iter(|| {
            let r = import::import_files(store.conn_mut(), &files, true, now().utc());
            assert_eq!(r.unwrap()[0].updated, N / 10 * 9);
        })
    });
    g.finish();
}

criterion_group!(benches, bench_import);
criterion_main!(benches);
