//! Settings of this installation: one key-value table, read and written only here.
//!
//! Each owner of a setting (the interface language, the export folder, the appointments'
//! retention...) keeps its key as a constant and its parsing and validation; this module
//! only stores text under a key. A write meant to be audited runs inside the caller's
//! transaction (every function takes a `&Connection`, which a `Transaction` derefs to).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};

use crate::Result;
use crate::store::audit;

/// The value stored under `key`, if any.
pub fn get(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

/// Stores `value` under `key`, replacing what was there.
pub fn set(conn: &Connection, key: &str, value: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

/// The number stored under `key`, or `default` when it is absent or not a number.
pub fn number_or(conn: &Connection, key: &str, default: u32) -> Result<u32> {
    Ok(get(conn, key)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(default))
}

/// Stores `value` under `key` in one transaction with its audit row (`set_retention`,
/// `set_language`...: `action` names the change), for settings whose every change is
/// recorded.
pub fn set_audited(
    conn: &mut Connection,
    key: &str,
    value: &str,
    action: &str,
    operator: &str,
    now: DateTime<Utc>,
) -> Result<()> {
    let tx = conn.transaction()?;
    set(&tx, key, value)?;
    audit::log(&tx, now, operator, action, "setting", key, None, value)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    #[test]
    fn a_value_is_replaced_not_duplicated() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(
            get(store.conn(), "k").unwrap(),
            None,
            "unset key reads as none"
        );
        set(store.conn(), "k", "one").unwrap();
        set(store.conn(), "k", "two").unwrap();
        assert_eq!(get(store.conn(), "k").unwrap().as_deref(), Some("two"));
        let rows: i64 = store
            .conn()
            .query_row("SELECT COUNT(*) FROM settings WHERE key = 'k'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(rows, 1, "a second write replaces the first");
    }
}
