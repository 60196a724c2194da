//! The kinds of back-office appointment: their labels, slot length and documents to
//! bring, as the coordinator keeps them. The kinds themselves are seeded by the
//! migrations; here they are read, and their documents and slot length edited (each
//! edit with its audit row, in one transaction).

use rusqlite::{Connection, OptionalExtension, params};

use super::Kind;
use crate::store::audit;
use crate::{Error, Now, Result};

/// Every kind (active or not), in the coordinator's order, with its documents.
pub fn kinds(conn: &Connection) -> Result<Vec<Kind>> {
    let codes: Vec<String> = conn
        .prepare("SELECT code FROM appointment_kinds ORDER BY sort_order, code")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    codes.iter().map(|c| kind(conn, c)).collect()
}

/// One kind with its documents.
pub fn kind(conn: &Connection, code: &str) -> Result<Kind> {
    let row = conn
        .query_row(
            "SELECT code, label_it, label_en, slot_minutes, active FROM appointment_kinds
             WHERE code = ?1",
            [code],
            |r| {
                Ok(Kind {
                    code: r.get(0)?,
                    label_it: r.get(1)?,
                    label_en: r.get(2)?,
                    slot_minutes: r.get(3)?,
                    active: r.get(4)?,
                    documents: Vec::new(),
                })
            },
        )
        .optional()?;
    let mut kind = row.ok_or_else(|| Error::NotFound {
        entity: "appointment kind",
        id: code.into(),
    })?;
    kind.documents = documents(conn, code)?;
    Ok(kind)
}

fn documents(conn: &Connection, kind: &str) -> Result<Vec<String>> {
    Ok(conn
        .prepare("SELECT text_it FROM appointment_documents WHERE kind = ?1 ORDER BY position")?
        .query_map([kind], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Takes a kind as the coordinator keeps it (from a receipt): added when new, else its
/// labels, slot length, active flag and documents set to the coordinator's. A kind is
/// never deleted (booked appointments name it). Returns whether anything changed. The
/// caller holds the transaction and writes the audit row.
pub fn adopt(conn: &Connection, k: &Kind) -> Result<bool> {
    let before = kind(conn, &k.code).ok();
    if before.as_ref() == Some(k) {
        return Ok(false);
    }
    conn.execute(
        "INSERT INTO appointment_kinds (code, label_it, label_en, slot_minutes, active, sort_order)
         VALUES (?1, ?2, ?3, ?4, ?5,
                 (SELECT COALESCE(MAX(sort_order), 0) + 10 FROM appointment_kinds))
         ON CONFLICT (code) DO UPDATE SET label_it = ?2, label_en = ?3, slot_minutes = ?4,
                                          active = ?5",
        params![k.code, k.label_it, k.label_en, k.slot_minutes, k.active],
    )?;
    conn.execute(
        "DELETE FROM appointment_documents WHERE kind = ?1",
        [&k.code],
    )?;
    for (i, d) in k.documents.iter().enumerate() {
        conn.execute(
            "INSERT INTO appointment_documents (kind, position, text_it) VALUES (?1, ?2, ?3)",
            params![k.code, i as i64 + 1, d],
        )?;
    }
    Ok(true)
}

/// Replaces the documents to bring of `kind` (the coordinator's edit), in this order,
/// together with its audit row.
pub fn set_documents(
    conn: &mut Connection,
    kind_code: &str,
    docs: &[String],
    operator: &str,
    now: Now,
) -> Result<Kind> {
    let cleaned: Vec<&str> = docs.iter().map(|d| d.trim()).collect();
    if let Some(i) = cleaned.iter().position(|d| d.is_empty()) {
        return Err(Error::invalid(
            "documents",
            format!("document {} is empty: write its text or remove it", i + 1),
        ));
    }
    if let Some(d) = cleaned.iter().find(|d| d.chars().count() > 200) {
        return Err(Error::invalid(
            "documents",
            format!("'{d}' is longer than 200 characters: a slip line must stay short"),
        ));
    }
    let tx = conn.transaction()?;
    kind(&tx, kind_code)?;
    tx.execute(
        "DELETE FROM appointment_documents WHERE kind = ?1",
        [kind_code],
    )?;
    for (i, d) in cleaned.iter().enumerate() {
        tx.execute(
            "INSERT INTO appointment_documents (kind, position, text_it) VALUES (?1, ?2, ?3)",
            params![kind_code, i as i64 + 1, d],
        )?;
    }
    audit::log(
        &tx,
        now.utc(),
        operator,
        "set_documents",
        "appointment_kind",
        kind_code,
        None,
        &format!("{} documents", cleaned.len()),
    )?;
    let kind = kind(&tx, kind_code)?;
    tx.commit()?;
    Ok(kind)
}

/// Changes the slot length of a kind, together with its audit row; booked
/// appointments keep their length.
pub fn set_slot_minutes(
    conn: &mut Connection,
    kind_code: &str,
    minutes: u32,
    operator: &str,
    now: Now,
) -> Result<Kind> {
    if !(5..=480).contains(&minutes) {
        return Err(Error::invalid(
            "slot_minutes",
            "a slot lasts 5 to 480 minutes",
        ));
    }
    let tx = conn.transaction()?;
    kind(&tx, kind_code)?;
    tx.execute(
        "UPDATE appointment_kinds SET slot_minutes = ?2 WHERE code = ?1",
        params![kind_code, minutes],
    )?;
    audit::log(
        &tx,
        now.utc(),
        operator,
        "set_slot_minutes",
        "appointment_kind",
        kind_code,
        None,
        &minutes.to_string(),
    )?;
    let kind = kind(&tx, kind_code)?;
    tx.commit()?;
    Ok(kind)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appointments::test_support::{refuse_audit, store};

    #[test]
    fn seeded_kinds_have_slot_lengths_and_documents() {
        let store = store("GRO");
        let all = kinds(store.conn()).unwrap();
        let codes: Vec<&str> = all.iter().map(|k| k.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "rinnovo_permesso",
                "permesso_ue",
                "cittadinanza",
                "ricongiungimento",
                "altro"
            ]
        );
        assert_eq!(
            kind(store.conn(), "rinnovo_permesso").unwrap().slot_minutes,
            30
        );
        assert_eq!(kind(store.conn(), "cittadinanza").unwrap().slot_minutes, 60);
        assert!(
            all.iter().all(|k| !k.documents.is_empty()),
            "every kind lists documents"
        );
        assert_eq!(kind(store.conn(), "nope").unwrap_err().code(), "not_found");
    }

    #[test]
    fn documents_are_data_the_coordinator_edits() {
        let mut store = store("GRO");
        let docs = vec!["Passaporto".to_string(), " Due fototessere ".to_string()];
        let k = set_documents(store.conn_mut(), "altro", &docs, "coord", Now::read()).unwrap();
        assert_eq!(k.documents, ["Passaporto", "Due fototessere"]);
        let err = set_documents(
            store.conn_mut(),
            "altro",
            &["".into()],
            "coord",
            Now::read(),
        )
        .unwrap_err();
        assert_eq!(err.code(), "invalid");
        assert_eq!(
            kind(store.conn(), "altro").unwrap().documents.len(),
            2,
            "a refused edit changes nothing"
        );
        let k = set_slot_minutes(store.conn_mut(), "altro", 45, "coord", Now::read()).unwrap();
        assert_eq!(k.slot_minutes, 45);
        assert!(set_slot_minutes(store.conn_mut(), "altro", 1, "coord", Now::read()).is_err());
    }

    #[test]
    fn a_slot_length_is_not_changed_without_its_audit_row() {
        let mut store = store("GRO");
        refuse_audit(store.conn());
        let err = set_slot_minutes(store.conn_mut(), "altro", 45, "coord", Now::read());
        assert!(err.is_err(), "the audit write failed, so the call fails");
        assert_eq!(
            kind(store.conn(), "altro").unwrap().slot_minutes,
            30,
            "the new length is not stored without its audit row"
        );
    }

    #[test]
    fn documents_are_not_replaced_without_their_audit_row() {
        let mut store = store("GRO");
        let before = kind(store.conn(), "altro").unwrap().documents;
        refuse_audit(store.conn());
        let docs = vec!["Passaporto".to_string()];
        let err = set_documents(store.conn_mut(), "altro", &docs, "coord", Now::read());
        assert!(err.is_err(), "the audit write failed, so the call fails");
        assert_eq!(
            kind(store.conn(), "altro").unwrap().documents,
            before,
            "the old list stays without the audit row of the new one"
        );
    }
}
