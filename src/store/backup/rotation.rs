//! Which backups are kept ([`keep`]: 7 daily, 4 weekly, 12 monthly; the copies taken
//! before a migration and the databases a restore set aside for [`super::WINDOW_DAYS`]
//! days) and deleting the others, with the temporary files a crash left.

use std::collections::HashSet;
use std::fs::{self};
use std::path::{Path, PathBuf};

use chrono::{DateTime, Datelike, Duration, Utc};

use super::{Kind, RETENTION, Retention, WINDOW_DAYS, documents_copy, list, stem};
use crate::{Error, Result};

/// The rotation rule: which of the backups taken at `times` to keep (same order).
/// Going from the newest, a backup is kept when it is the newest of its UTC day and
/// fewer than `daily` days were kept, or of its ISO week and fewer than `weekly`
/// weeks were, or of its month and fewer than `monthly` months were (the rule of
/// restic's `forget --keep-daily --keep-weekly --keep-monthly`: periods with no backup
/// are not counted, so a desk closed for a month loses none of its last backups).
pub fn keep(times: &[DateTime<Utc>], retention: Retention) -> Vec<bool> {
    let mut order: Vec<usize> = (0..times.len()).collect();
    order.sort_by(|&a, &b| times[b].cmp(&times[a]));
    let mut kept = vec![false; times.len()];
    let mut days = HashSet::new();
    let mut weeks = HashSet::new();
    let mut months = HashSet::new();
    for i in order {
        let t = times[i];
        let day = t.date_naive();
        let week = (day.iso_week().year(), day.iso_week().week());
        let month = (day.year(), day.month());
        for (seen, key, limit) in [
            (&mut days, (day.year(), day.ordinal()), retention.daily),
            (&mut weeks, (week.0, week.1), retention.weekly),
            (&mut months, (month.0, month.1), retention.monthly),
        ] {
            if seen.len() < limit && seen.insert(key) {
                kept[i] = true;
            }
        }
    }
    kept
}

/// Deletes from `dir` the backups of `db` the rotation does not keep, and the
/// pre-migration copies and set-aside databases older than [`WINDOW_DAYS`]; sweeps
/// temporary files left by
/// a crash. Returns the files deleted.
pub fn rotate(dir: &Path, db: &Path, now: DateTime<Utc>) -> Result<Vec<PathBuf>> {
    let all = list(dir, db)?;
    let (aside, counted): (Vec<_>, Vec<_>) = all.into_iter().partition(|b| b.kind != Kind::Backup);
    let times: Vec<_> = counted.iter().map(|b| b.taken_at).collect();
    let mut removed = Vec::new();
    for (b, keep) in counted.iter().zip(keep(&times, RETENTION)) {
        if !keep {
            removed.push(b.path.clone());
        }
    }
    for b in aside {
        if now - b.taken_at > Duration::days(WINDOW_DAYS) {
            removed.push(b.path);
        }
    }
    for path in &removed {
        fs::remove_file(path).map_err(|e| Error::io(path, e))?;
        let documents = documents_copy(path);
        if documents.is_dir() {
            fs::remove_dir_all(&documents).map_err(|e| Error::io(&documents, e))?;
        }
    }
    sweep_temporary(dir, db, now);
    Ok(removed)
}

/// Once personal data is sealed (`operators::keys::finish_sealing`): every earlier
/// backup holds it in clear, so a new verified backup is taken of the sealed database,
/// then every other backup of it (and its documents' copy) in that folder and in the
/// default folder (pre-migration copies, set-aside databases) is deleted. When the
/// chosen backup folder cannot be reached (a USB stick not plugged in), the default
/// folder is still done, with a sealed backup of its own, and the error is returned so
/// that the caller tries again later. Nothing is deleted unless a verified sealed
/// backup was written first into the same folder. Returns the files deleted.
pub fn replace_after_sealing(
    conn: &rusqlite::Connection,
    db: &Path,
    now: DateTime<Utc>,
) -> Result<Vec<PathBuf>> {
    let local = super::default_folder(db);
    let (fresh, unreachable) = match super::take(conn, db, None, now) {
        Ok(b) => (b, None),
        Err(e) if super::folder(conn, db)? != local => {
            (super::take(conn, db, Some(&local), now)?, Some(e))
        }
        Err(e) => return Err(e),
    };
    let mut removed = Vec::new();
    let mut folders = vec![local];
    if let Some(dir) = fresh.path.parent() {
        folders.push(dir.to_path_buf());
    }
    folders.dedup();
    for dir in folders {
        for b in list(&dir, db)? {
            if b.path == fresh.path {
                continue;
            }
            fs::remove_file(&b.path).map_err(|e| Error::io(&b.path, e))?;
            let documents = documents_copy(&b.path);
            if documents.is_dir() {
                fs::remove_dir_all(&documents).map_err(|e| Error::io(&documents, e))?;
            }
            removed.push(b.path);
        }
    }
    match unreachable {
        Some(e) => Err(e),
        None => Ok(removed),
    }
}

/// Temporary copies of a crashed backup (older than an hour, so never one being
/// written by another process).
fn sweep_temporary(dir: &Path, db: &Path, now: DateTime<Utc>) {
    let prefix = format!(".{}-", stem(db));
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !(name.starts_with(&prefix) && name.ends_with(".tmp")) {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .map(|m| now - DateTime::<Utc>::from(m) > Duration::hours(1))
            .unwrap_or(false);
        if old {
            // a crashed copy of the documents is a folder
            let _ = fs::remove_file(entry.path()).or_else(|_| fs::remove_dir_all(entry.path()));
        }
    }
}
