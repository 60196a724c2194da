//! What a scan remembers of the files it read, so that the next scan of the same files
//! neither decrypts nor plans them again.
//!
//! - **What an encrypted file holds**: the SHA-256 of its plain bytes, by the SHA-256
//!   of the file as stored and the keys it was opened with ([`Decryption::fingerprint`]).
//!   Decrypting is a function of those two alone, so this never goes stale: a file
//!   rewritten in place has other bytes, hence another SHA-256 (the scan still reads and
//!   hashes every file: a path, size and modification time can stay the same over new
//!   bytes, a hash cannot). Whether those plain bytes were imported is asked of the
//!   import log at every scan.
//! - **The plan of the files to offer**: the last plans, each by the database it was
//!   made over ([`Basis`]: no write by this connection, no commit of another, no change
//!   of schema since), the keys, and the candidate files with the SHA-256 of their
//!   bytes. The plan of a file depends on the database (already imported, conflicts,
//!   closed years, the codebook, a new desk) and on the other files of the batch: any
//!   write, any other file or changed byte, and the files are planned again.

use std::cell::Cell;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;

use rusqlite::Connection;

use crate::Result;
use crate::exchange::import::{self, Basis, Decryption, ImportPlan};
use crate::exchange::wire::sha256_hex;

/// Plain SHA-256 by (keys' fingerprint, SHA-256 as stored); `None` for a file that is
/// not encrypted or does not open with those keys.
type Opened = HashMap<(String, String), Option<String>>;

static OPENED: Mutex<Option<Opened>> = Mutex::new(None);

/// The most files remembered (about 200 bytes each): past it, the memory starts over.
const OPENED_FILES: usize = 100_000;

/// The SHA-256 of what the encrypted file `bytes` (of SHA-256 `sha`) decrypts to with
/// `keys` (of fingerprint `keys_id`); `None` when it is not encrypted or does not open.
pub(super) fn plain_sha(
    bytes: Vec<u8>,
    sha: &str,
    keys: &Decryption,
    keys_id: &str,
) -> Option<String> {
    let key = (keys_id.to_string(), sha.to_string());
    if let Ok(opened) = OPENED.lock()
        && let Some(found) = opened.as_ref().and_then(|o| o.get(&key))
    {
        return found.clone();
    }
    let plain = match import::open(bytes, keys) {
        Ok(o) if o.encrypted => Some(sha256_hex(&o.plain)),
        _ => None,
    };
    if let Ok(mut opened) = OPENED.lock() {
        let opened = opened.get_or_insert_with(HashMap::new);
        if opened.len() >= OPENED_FILES {
            opened.clear();
        }
        opened.insert(key, plain.clone());
    }
    plain
}

/// The files a scan plans: each path with the SHA-256 of its bytes (`None`: unreadable).
pub(super) type Candidates = Vec<(PathBuf, Option<String>)>;

struct LastPlan {
    basis: Basis,
    keys: String,
    candidates: Candidates,
    plan: ImportPlan,
}

/// The last plans (of a few connections: the app's, a command's).
static PLANS: Mutex<Vec<LastPlan>> = Mutex::new(Vec::new());
const PLANS_KEPT: usize = 4;

thread_local! {
    static REUSED: Cell<usize> = const { Cell::new(0) };
}

/// How many scans of this thread took their plan from an earlier scan: for the tests.
#[doc(hidden)]
pub fn plans_reused() -> usize {
    REUSED.with(Cell::get)
}

/// The plan of `candidates` (read with `keys` of fingerprint `keys_id`), as
/// [`import::plan_with`] makes it: the one an earlier scan made when the database, the
/// keys and the files are the same, else made now (and remembered).
pub(super) fn plan(
    conn: &Connection,
    candidates: Candidates,
    keys: &Decryption,
    keys_id: &str,
) -> Result<ImportPlan> {
    let start = Basis::of(conn)?;
    if let Some(start) = start
        && let Ok(plans) = PLANS.lock()
        && let Some(last) = plans
            .iter()
            .find(|p| p.basis == start && p.keys == keys_id && p.candidates == candidates)
    {
        REUSED.with(|r| r.set(r.get() + 1));
        return Ok(last.plan.clone());
    }
    let paths: Vec<PathBuf> = candidates.iter().map(|(p, _)| p.clone()).collect();
    let plan = import::plan_with(conn, &paths, keys)?;
    // remembered only when no commit came in while planning, and the files planned are
    // the bytes the scan hashed
    let as_hashed = plan.files.iter().all(|f| {
        candidates
            .iter()
            .any(|(p, sha)| *p == f.path && sha.as_deref().unwrap_or_default() == f.sha256)
    });
    if let (Some(start), Some(end)) = (start, Basis::of(conn)?)
        && start.same_data(&end)
        && as_hashed
        && let Ok(mut plans) = PLANS.lock()
    {
        plans.retain(|p| !p.basis.same_connection(&end));
        plans.push(LastPlan {
            basis: end,
            keys: keys_id.to_string(),
            candidates,
            plan: plan.clone(),
        });
        if plans.len() > PLANS_KEPT {
            plans.remove(0);
        }
    }
    Ok(plan)
}
