//! Crash safety, proven: writer processes that save accesses through the core, import
//! export files and purge cases' personal files are killed with SIGKILL at random
//! moments; after every kill the database passes `PRAGMA integrity_check` and holds
//! every save the writer had acknowledged (printed on its stdout after the commit).
//!
//! The writer is this test binary run again on one ignored test ([`writer`]) with
//! `SPORTELLO_CRASH_WRITER` naming the folder: no extra binary, and no hidden path in
//! the shipped program. `cargo test` runs [`SHORT_RUN`] kills; `make soak` runs 1,000
//! (`SPORTELLO_CRASH_KILLS`). The seed of a run is printed, and `SPORTELLO_CRASH_SEED`
//! replays it.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;
use sportello::cases::{self, CaseType};
use sportello::exchange::export::{self, Selection};
use sportello::exchange::import::{self, Outcome};
use sportello::{Now, Store, desk, register};

use crate::export_import::{access_on, case_on, desk_store};

/// Kills in `cargo test`: a few seconds.
const SHORT_RUN: usize = 12;
const WRITER_ENV: &str = "SPORTELLO_CRASH_WRITER";

/// A small deterministic generator (xorshift64*): no dependency, and a run replays
/// from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// What the writers acknowledged, over every run.
#[derive(Default)]
struct Acknowledged {
    accesses: BTreeSet<String>,
    cases: BTreeSet<String>,
    purged: BTreeSet<String>,
    imports: BTreeSet<String>,
}

impl Acknowledged {
    fn read(&mut self, line: &str) {
        let mut words = line.split_whitespace();
        if words.next() != Some("ACK") {
            return;
        }
        let (Some(what), Some(id)) = (words.next(), words.next()) else {
            return;
        };
        let set = match what {
            "access" => &mut self.accesses,
            "case" => &mut self.cases,
            "purged" => &mut self.purged,
            "import" => &mut self.imports,
            _ => return,
        };
        set.insert(id.to_string());
    }

    fn total(&self) -> usize {
        self.accesses.len() + self.cases.len() + self.purged.len() + self.imports.len()
    }
}

/// The database after a kill: intact, and holding everything acknowledged.
fn check(db: &Path, acked: &Acknowledged, kill: usize, seed: u64) {
    let conn = Connection::open(db).unwrap();
    let problems: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        problems,
        ["ok"],
        "kill {kill} (seed {seed}): the database is damaged"
    );
    // every id acknowledged so far, against the tables in one query per kind (a query
    // per id would grow with the square of the run's length)
    conn.execute_batch(
        "PRAGMA temp_store = MEMORY;
         CREATE TEMP TABLE acked (kind TEXT NOT NULL, id TEXT NOT NULL);",
    )
    .unwrap();
    {
        let tx = conn.unchecked_transaction().unwrap();
        let mut insert = tx
            .prepare("INSERT INTO temp.acked (kind, id) VALUES (?1, ?2)")
            .unwrap();
        for (kind, ids) in [
            ("access", &acked.accesses),
            ("case", &acked.cases),
            ("purged", &acked.purged),
            ("import", &acked.imports),
        ] {
            for id in ids {
                insert.execute([kind, id.as_str()]).unwrap();
            }
        }
        drop(insert);
        tx.commit().unwrap();
    }
    for (what, sql) in [
        (
            "acknowledged accesses are missing",
            "SELECT a.id FROM temp.acked a WHERE a.kind = 'access'
               AND NOT EXISTS (SELECT 1 FROM accesses x WHERE x.id = a.id)",
        ),
        (
            "acknowledged cases are missing",
            "SELECT a.id FROM temp.acked a WHERE a.kind = 'case'
               AND NOT EXISTS (SELECT 1 FROM cases x WHERE x.id = a.id)",
        ),
        (
            "personal files acknowledged as erased are back",
            "SELECT a.id FROM temp.acked a WHERE a.kind = 'purged'
               AND EXISTS (SELECT 1 FROM case_files x WHERE x.case_id = a.id)",
        ),
        (
            "acknowledged imports are missing",
            "SELECT a.id FROM temp.acked a WHERE a.kind = 'import'
               AND NOT EXISTS (SELECT 1 FROM imports x WHERE x.export_id = a.id)",
        ),
    ] {
        let wrong: Vec<String> = conn
            .prepare(sql)
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(
            wrong.is_empty(),
            "kill {kill} (seed {seed}): {what}: {wrong:?}"
        );
    }
}

/// The folder of a run: the database of desk GRO, and export files of FOL and SCA.
fn prepare(dir: &Path) -> PathBuf {
    let db = dir.join("sportello.db");
    let mut store = Store::open(&db, crate::export_import::now()).unwrap();
    let gro = desk::presets()
        .into_iter()
        .find(|d| d.code == "GRO")
        .unwrap();
    desk::set_own(store.conn_mut(), &gro, crate::export_import::now()).unwrap();
    let files = dir.join("exports");
    std::fs::create_dir(&files).unwrap();
    // enough files that many runs import one for the first time (a repeat is a no-op)
    for n in 0..24 {
        let mut other = desk_store(if n % 2 == 0 { "FOL" } else { "SCA" });
        let date = format!("2024-02-{:02}", n + 1);
        register::save(
            other.conn_mut(),
            &access_on(&date),
            40,
            crate::export_import::clock(),
        )
        .unwrap();
        export::export(
            other.conn_mut(),
            Selection::SinceLast,
            &files,
            crate::export_import::clock(),
        )
        .unwrap();
    }
    db
}

#[test]
fn killed_writers_lose_no_acknowledged_save() {
    let kills: usize = std::env::var("SPORTELLO_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(SHORT_RUN);
    let seed: u64 = std::env::var("SPORTELLO_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("crash test: {kills} kills, SPORTELLO_CRASH_SEED={seed}");
    let mut rng = Rng(seed);
    let tmp = tempfile::tempdir().unwrap();
    let db = prepare(tmp.path());
    let mut acked = Acknowledged::default();
    for kill in 0..kills {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "crash::writer", "--ignored", "--nocapture"])
            .args(["--test-threads", "1"])
            .env(WRITER_ENV, tmp.path())
            .env("SPORTELLO_CRASH_WRITER_SEED", rng.next().to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the writer starts");
        let stdout = child.stdout.take().unwrap();
        // read while it writes, so a full pipe never holds it back
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<String>>()
        });
        std::thread::sleep(Duration::from_millis(30 + rng.below(300)));
        child.kill().expect("SIGKILL");
        child.wait().unwrap();
        for line in reader.join().unwrap() {
            acked.read(&line);
        }
        check(&db, &acked, kill, seed);
    }
    eprintln!(
        "crash test: {} acknowledged saves survived {kills} kills \
         ({} accesses, {} cases, {} personal files erased, {} imports)",
        acked.total(),
        acked.accesses.len(),
        acked.cases.len(),
        acked.purged.len(),
        acked.imports.len()
    );
    if kills >= SHORT_RUN {
        assert!(
            !acked.accesses.is_empty(),
            "the writers saved something before being killed"
        );
    }
}

/// The writer: runs until killed when `SPORTELLO_CRASH_WRITER` names a folder that
/// [`prepare`] made; does nothing otherwise (`cargo test -- --ignored`).
#[test]
#[ignore = "the crash test's writer process, run by killed_writers_lose_no_acknowledged_save"]
fn writer() {
    let Some(dir) = std::env::var_os(WRITER_ENV).map(PathBuf::from) else {
        return;
    };
    let seed = std::env::var("SPORTELLO_CRASH_WRITER_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let mut rng = Rng(seed | 1);
    let mut store = Store::open(&dir.join("sportello.db"), Now::read().utc()).unwrap();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("exports"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut opened = Vec::new();
    let now = Now::read();
    let today = now.today();
    loop {
        match rng.below(10) {
            0..=5 => {
                let count = 1 + rng.below(3) as u32;
                let saved =
                    register::save(store.conn_mut(), &access_on(&today.to_string()), count, now)
                        .unwrap();
                for a in saved.accesses {
                    println!("ACK access {}", a.id);
                }
            }
            6 | 7 => {
                // a case closed long ago, its personal file due for erasure
                let year = today.year() - 10 - rng.below(5) as i32;
                let opened_on = NaiveDate::from_ymd_opt(year, 3, 1).unwrap();
                let case = case_on(
                    &opened_on.to_string(),
                    Some(&opened_on.with_month(6).unwrap().to_string()),
                    CaseType::Full,
                );
                let c = cases::open(store.conn_mut(), &case, "crash", now).unwrap();
                println!("ACK case {}", c.id);
                opened.push(c.id);
            }
            8 => {
                cases::retention::purge(store.conn_mut(), "crash", now).unwrap();
                for id in opened.drain(..) {
                    println!("ACK purged {id}");
                }
            }
            _ => {
                let file = &files[rng.below(files.len() as u64) as usize];
                let report = import::import_paths(
                    store.conn_mut(),
                    std::slice::from_ref(file),
                    false,
                    now.utc(),
                )
                .unwrap()
                .remove(0);
                assert_ne!(report.outcome, Outcome::Rejected, "{}", report.message);
                println!("ACK import {}", report.export_id.unwrap());
            }
        }
    }
}
