//! Who signs the changes made on one database connection.
//!
//! The audit log's `operator` column is filled by the core functions from the
//! connection they write on (the preferences' `signing_operator`): the desktop
//! shell names the signed-in operator here at every sign-in (and clears it at "Cambia
//! operatore"), the command line names [`COMMAND_LINE`] when it opens the database.
//! The name lives in a temporary table, which SQLite keeps per connection and never
//! writes to the database file: the app and the command line open the same file at the
//! same time and each signs as itself.

use rusqlite::{Connection, OptionalExtension};

use crate::Result;

/// What the command line signs its changes with.
pub const COMMAND_LINE: &str = "command line";

/// Creates the connection's signer table (at every open, see `configure`).
pub(crate) fn prepare(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS signer (
             id   INTEGER PRIMARY KEY CHECK (id = 1),
             name TEXT NOT NULL
         )",
    )?;
    Ok(())
}

/// From now on, changes made on `conn` are signed `name`.
pub fn sign_as(conn: &Connection, name: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO temp.signer (id, name) VALUES (1, ?1)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name",
        [name],
    )?;
    Ok(())
}

/// Nobody signs on `conn` any more (the operator signed out).
pub fn clear(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM temp.signer", [])?;
    Ok(())
}

/// The name that signs `conn`'s changes, if one was set.
pub fn current(conn: &Connection) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT name FROM temp.signer WHERE id = 1", [], |r| {
            r.get(0)
        })
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    #[test]
    fn the_signer_is_the_connections_own_and_never_reaches_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let now = chrono::Utc::now();
        let app = Store::open(&path, now).unwrap();
        let cli = Store::open(&path, now).unwrap();
        assert_eq!(current(app.conn()).unwrap(), None);
        sign_as(app.conn(), "Maria Rossi").unwrap();
        sign_as(cli.conn(), COMMAND_LINE).unwrap();
        assert_eq!(current(app.conn()).unwrap().as_deref(), Some("Maria Rossi"));
        assert_eq!(current(cli.conn()).unwrap().as_deref(), Some(COMMAND_LINE));
        sign_as(app.conn(), "Luca Bianchi").unwrap();
        assert_eq!(
            current(app.conn()).unwrap().as_deref(),
            Some("Luca Bianchi")
        );
        clear(app.conn()).unwrap();
        assert_eq!(current(app.conn()).unwrap(), None);
        let third = Store::open(&path, now).unwrap();
        assert_eq!(
            current(third.conn()).unwrap(),
            None,
            "not stored in the file"
        );
    }
}
