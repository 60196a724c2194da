//! Times the inbox's scan of a folder of files all seen before, in processor time: the
//! first scan of a process (every file read and hashed, every encrypted one decrypted)
//! and the next ones (read and hashed only, nothing decrypted or planned again):
//!
//!     cargo run --release --example inbox_scan -- DIR [FILES] [ENCRYPTED]
//!
//! DIR receives the coordinator's database and the folder of FILES desk exports
//! (3,000 by default), ENCRYPTED of them (1,000) encrypted to the coordinator's key,
//! all imported first; see docs/inbox.md.

use std::path::Path;
use std::time::Instant;

use chrono::Utc;
use sportello::exchange::encryption;
use sportello::exchange::export::{self, Selection};
use sportello::exchange::import::{self, Decryption};
use sportello::exchange::inbox;
use sportello::{Now, Store, desk};

#[path = "../benches/support/cpu.rs"]
mod cpu;
use cpu::cpu;

/// A desk or coordinator database at `path` (in memory without one), its own desk `code`.
fn store(path: Option<&Path>, code: &str) -> Store {
    let mut store = match path {
        Some(path) => Store::open(path, Utc::now()).unwrap(),
        None => Store::open_in_memory().unwrap(),
    };
    let mut own = desk::presets().remove(0);
    own.code = code.into();
    own.name = format!("Sportello {code}");
    desk::set_own(store.conn_mut(), &own, Utc::now()).unwrap();
    store
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = Path::new(
        args.first()
            .expect("usage: inbox_scan DIR [FILES] [ENCRYPTED]"),
    );
    let files: usize = args.get(1).map_or(3000, |n| n.parse().unwrap());
    let encrypted: usize = args.get(2).map_or(1000, |n| n.parse().unwrap());
    let folder = dir.join("inbox");
    std::fs::create_dir_all(&folder).unwrap();
    let db = dir.join("coordinator.db");
    let _ = std::fs::remove_file(&db);
    let mut gro = store(Some(&db), "GRO");
    let identity = age::x25519::Identity::generate();
    let keys = Decryption::with(identity.clone(), "the coordinator's key");

    // the desk's exports, the first ENCRYPTED of them encrypted
    let mut fol = store(None, "FOL");
    let now = Now::new(Utc::now().fixed_offset());
    for i in 0..files {
        let path = export::export(fol.conn_mut(), Selection::SinceLast, &folder, now)
            .unwrap()
            .path;
        if i < encrypted {
            let plain = std::fs::read(&path).unwrap();
            let sealed = encryption::encrypt(&identity.to_public(), &plain).unwrap();
            let name = format!("{}.age", path.file_name().unwrap().to_string_lossy());
            std::fs::write(folder.join(name), sealed).unwrap();
            std::fs::remove_file(&path).unwrap();
        }
    }
    let plan = import::plan_with(gro.conn(), std::slice::from_ref(&folder), &keys).unwrap();
    import::apply_decrypting(gro.conn_mut(), &plan, &[], Utc::now(), &keys).unwrap();
    inbox::set_folders(gro.conn(), &[folder]).unwrap();

    for what in ["first scan", "next scan", "next scan"] {
        let (c, w) = (cpu(), Instant::now());
        let scan = inbox::scan(gro.conn(), &keys).unwrap();
        let (c, w) = (cpu() - c, w.elapsed().as_secs_f64());
        assert_eq!((scan.known, scan.plan.files.len()), (files, 0));
        println!(
            "{what:<12} {files} files ({encrypted} encrypted): cpu {c:5.2} s   wall {w:5.2} s"
        );
    }
}
