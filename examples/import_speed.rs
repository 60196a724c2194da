//! Times the import of the benchmark's 200,000-access files (benches/import.rs) phase
//! by phase, in processor time (this process's user and system time, so that other
//! work on the machine does not count), and writes the files for
//! `benches/naive_import.py`:
//!
//!     cargo run --release --example import_speed -- DIR
//!
//! DIR receives the three files and the databases; see docs/import-speed.md.

use std::path::{Path, PathBuf};
use std::time::Instant;

use chrono::Utc;
use sportello::Store;
use sportello::exchange::import;

/// The allocator of the command line and the app, so that the figures are theirs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "../benches/support/import_data.rs"]
mod data;
use data::{N, files};

#[path = "../benches/support/cpu.rs"]
mod cpu;
use cpu::cpu;

/// Runs `f`, printing its processor and wall time and the records per second of both.
fn timed<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let (c, w) = (cpu(), Instant::now());
    let out = f();
    let (c, w) = (cpu() - c, w.elapsed().as_secs_f64());
    println!(
        "{what:<28} cpu {c:6.2} s ({:>9.0} records/s)   wall {w:6.2} s ({:>9.0} records/s)",
        N as f64 / c,
        N as f64 / w
    );
    out
}

fn import(db: &Path, file: &Path, dry_run: bool, case: &str) {
    let mut store = Store::open(db, Utc::now()).unwrap();
    let conn = store.conn_mut();
    let files = [file.to_path_buf()];
    let plan = timed(&format!("{case}: plan"), || {
        import::plan(conn, &files).unwrap()
    });
    assert_eq!(
        plan.files[0].report.outcome,
        import::Outcome::Imported,
        "{}",
        plan.files[0].report.message
    );
    if !dry_run {
        let r = timed(&format!("{case}: apply"), || {
            import::apply(conn, &plan, Utc::now()).unwrap()
        });
        assert_eq!(r[0].outcome, import::Outcome::Imported, "{}", r[0].message);
    }
}

fn main() {
    let dir = PathBuf::from(std::env::args().nth(1).expect("a folder"));
    std::fs::create_dir_all(&dir).unwrap();
    let paths: Vec<PathBuf> = files()
        .into_iter()
        .map(|(name, bytes)| {
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        })
        .collect();
    let [new, updates, unchanged] = [&paths[0], &paths[1], &paths[2]];
    let db = |name: &str| {
        let path = dir.join(name);
        for ext in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{ext}", path.display()));
        }
        path
    };
    // a second argument names the one case to time after the first load
    let only = std::env::args().nth(2);
    let wanted = |case: &str| only.as_deref().is_none_or(|o| o == case);
    let loaded = db("loaded.db");
    timed("new (whole)", || import(&loaded, new, false, "new"));
    let copy = |name: &str| {
        let to = db(name);
        Store::open(&loaded, Utc::now()).unwrap();
        std::fs::copy(&loaded, &to).unwrap();
        to
    };
    if wanted("updates") {
        let u = copy("updates.db");
        timed("updates (whole)", || import(&u, updates, false, "updates"));
    }
    if wanted("unchanged") {
        let s = copy("unchanged.db");
        timed("unchanged (whole)", || {
            import(&s, unchanged, false, "unchanged")
        });
        // the very file imported again: its export id is known, nothing is compared
        let again = copy("again.db");
        timed("same file again (whole)", || {
            let mut store = Store::open(&again, Utc::now()).unwrap();
            let r = import::import_paths(
                store.conn_mut(),
                std::slice::from_ref(new),
                false,
                Utc::now(),
            );
            assert_eq!(r.unwrap()[0].outcome, import::Outcome::AlreadyImported);
        });
    }
    if wanted("dry") {
        timed("dry run new (whole)", || {
            import(&db("dry.db"), new, true, "dry run new")
        });
        let d = copy("dry-updates.db");
        timed("dry run updates (whole)", || {
            import(&d, updates, true, "dry run updates")
        });
    }
}
