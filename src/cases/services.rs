//! The services involved in a case (Servizio sociale, ASL, Questura, Prefettura...),
//! each with the day it was involved, picked from a list the coordinator keeps.
//!
//! The list lives here, not in the codebook: no record that travels carries a service,
//! so a change of the list must not raise the codebook version the exports carry, and
//! the codebook's JSON, which other programs read, keeps its eight lists. It is kept
//! the way the codebook is: stable codes, Italian and English labels, entries retired
//! and restored, never deleted (the database refuses). An involvement holds a code and
//! a day, nothing personal; it stays when the personal file is erased.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::get;
use super::read::parse_date;
use crate::codebook::{self, NewEntry};
use crate::store::audit;
use crate::{Error, Now, Result, desk};

/// An entry of the list of services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceKind {
    pub code: String,
    pub label: String,
    pub label_en: String,
    pub active: bool,
}

/// A service involved in a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Involved {
    pub service: String,
    pub involved_on: NaiveDate,
}

/// The list of services, in its order, retired ones too.
pub fn kinds(conn: &Connection) -> Result<Vec<ServiceKind>> {
    let mut stmt = conn.prepare_cached(
        "SELECT code, label_it, label_en, active FROM case_service_kinds ORDER BY sort_order, code",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(ServiceKind {
            code: r.get(0)?,
            label: r.get(1)?,
            label_en: r.get(2)?,
            active: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn audit_list(conn: &Connection, now: Now, operator: &str, action: &str, code: &str) -> Result<()> {
    audit::log(
        conn,
        now.utc(),
        operator,
        action,
        "case_service_kind",
        code,
        None,
        "",
    )
}

/// Adds a service at the end of the list (coordinator), with its audit row.
pub fn add_kind(conn: &mut Connection, entry: &NewEntry, operator: &str, now: Now) -> Result<()> {
    codebook::check_new_entry(entry)?;
    let code = entry.code.trim();
    if code
        .chars()
        .any(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'))
    {
        return Err(Error::invalid(
            "code",
            "a service code is lower-case letters, digits and _",
        ));
    }
    let tx = conn.transaction()?;
    let exists: Option<i64> = tx
        .query_row(
            "SELECT 1 FROM case_service_kinds WHERE code = ?1",
            [code],
            |r| r.get(0),
        )
        .optional()?;
    if exists.is_some() {
        return Err(Error::Conflict(format!(
            "service code '{code}' exists already (codes are never reused)"
        )));
    }
    tx.execute(
        "INSERT INTO case_service_kinds (code, label_it, label_en, sort_order)
         VALUES (?1, ?2, ?3, (SELECT COALESCE(MAX(sort_order), 0) + 10 FROM case_service_kinds))",
        params![code, entry.label.trim(), entry.label_en.trim()],
    )?;
    audit_list(&tx, now, operator, "add", code)?;
    tx.commit()?;
    Ok(())
}

/// Retires (`active = false`) or restores a service of the list, with its audit row.
pub fn set_kind_active(
    conn: &mut Connection,
    code: &str,
    active: bool,
    operator: &str,
    now: Now,
) -> Result<()> {
    let tx = conn.transaction()?;
    let n = tx.execute(
        "UPDATE case_service_kinds SET active = ?2 WHERE code = ?1",
        params![code, active],
    )?;
    if n == 0 {
        return Err(Error::NotFound {
            entity: "service",
            id: code.into(),
        });
    }
    audit_list(
        &tx,
        now,
        operator,
        if active { "restore" } else { "retire" },
        code,
    )?;
    tx.commit()?;
    Ok(())
}

/// Takes the coordinator's entry `kind` (from its receipt, inside the caller's
/// transaction): a service this desk lacks is added at the end of the list (retired at
/// once when the coordinator's is); one it has gets the coordinator's labels and
/// active flag. A service is never deleted, so every case that names one keeps it (a
/// retired service stays readable, only no longer offered). Whether anything changed.
pub fn adopt(conn: &Connection, kind: &ServiceKind) -> Result<bool> {
    let current: Option<(String, String, bool)> = conn
        .query_row(
            "SELECT label_it, label_en, active FROM case_service_kinds WHERE code = ?1",
            [&kind.code],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    match current {
        None => {
            conn.execute(
                "INSERT INTO case_service_kinds (code, label_it, label_en, active, sort_order)
                 VALUES (?1, ?2, ?3, ?4,
                         (SELECT COALESCE(MAX(sort_order), 0) + 10 FROM case_service_kinds))",
                params![kind.code, kind.label, kind.label_en, kind.active],
            )?;
            Ok(true)
        }
        Some((label, label_en, active))
            if label == kind.label && label_en == kind.label_en && active == kind.active =>
        {
            Ok(false)
        }
        Some(_) => {
            conn.execute(
                "UPDATE case_service_kinds SET label_it = ?2, label_en = ?3, active = ?4
                 WHERE code = ?1",
                params![kind.code, kind.label, kind.label_en, kind.active],
            )?;
            Ok(true)
        }
    }
}

/// The services involved in a case, by the day they were involved.
pub fn involved(conn: &Connection, case_id: &str) -> Result<Vec<Involved>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.service, s.involved_on FROM case_services s
         JOIN case_service_kinds k ON k.code = s.service
         WHERE s.case_id = ?1 ORDER BY s.involved_on, k.sort_order",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        Ok(Involved {
            service: r.get(0)?,
            involved_on: parse_date(&r.get::<_, String>(1)?)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records that `service` was involved in the own, live case `case_id` on
/// `involved_on` (from the opening to today); a service is involved once per case.
pub fn involve(
    conn: &mut Connection,
    case_id: &str,
    service: &str,
    involved_on: NaiveDate,
    operator: &str,
    now: Now,
) -> Result<Vec<Involved>> {
    let tx = conn.transaction()?;
    let case = get(&tx, case_id)?;
    if case.deleted || case.desk != desk::own_code(&tx)? {
        return Err(Error::Conflict(format!(
            "case {case_id} cannot take services here"
        )));
    }
    let active: Option<bool> = tx
        .query_row(
            "SELECT active FROM case_service_kinds WHERE code = ?1",
            [service],
            |r| r.get(0),
        )
        .optional()?;
    match active {
        None => {
            return Err(Error::invalid(
                "service",
                format!("'{service}' is not a service of the list"),
            ));
        }
        Some(false) => return Err(Error::invalid("service", format!("'{service}' is retired"))),
        Some(true) => {}
    }
    if involved_on > now.today() || involved_on < case.opened_on {
        return Err(Error::invalid(
            "involved_on",
            format!(
                "the day must be from the opening ({}) to today",
                case.opened_on
            ),
        ));
    }
    let n = tx.execute(
        "INSERT INTO case_services (case_id, service, involved_on) VALUES (?1, ?2, ?3)
         ON CONFLICT (case_id, service) DO NOTHING",
        params![case_id, service, involved_on.to_string()],
    )?;
    if n == 0 {
        return Err(Error::Conflict(format!(
            "{service} is already involved in case {case_id}"
        )));
    }
    audit::log(
        &tx,
        now.utc(),
        operator,
        "involve",
        "case",
        case_id,
        None,
        service,
    )?;
    tx.commit()?;
    involved(conn, case_id)
}

/// Removes a service from a case (recorded by mistake), with its audit row.
pub fn withdraw(
    conn: &mut Connection,
    case_id: &str,
    service: &str,
    operator: &str,
    now: Now,
) -> Result<Vec<Involved>> {
    let tx = conn.transaction()?;
    let n = tx.execute(
        "DELETE FROM case_services WHERE case_id = ?1 AND service = ?2",
        params![case_id, service],
    )?;
    if n == 0 {
        return Err(Error::NotFound {
            entity: "service of the case",
            id: format!("{case_id}/{service}"),
        });
    }
    audit::log(
        &tx,
        now.utc(),
        operator,
        "withdraw",
        "case",
        case_id,
        None,
        service,
    )?;
    tx.commit()?;
    involved(conn, case_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::CaseType;
    use crate::cases::tests::{day, now, opened, store};

    fn entry(code: &str) -> NewEntry {
        NewEntry {
            code: code.into(),
            label: "Consultorio".into(),
            label_en: "Family health centre".into(),
            group: None,
        }
    }

    #[test]
    fn the_list_is_seeded_kept_and_never_loses_a_code() {
        let mut store = store();
        let list = kinds(store.conn()).unwrap();
        let codes: Vec<&str> = list.iter().map(|k| k.code.as_str()).collect();
        for c in [
            "servizio_sociale",
            "asl",
            "questura",
            "prefettura",
            "centro_impiego",
            "terzo_settore",
            "altro_diritto",
            "asgi",
            "cpia",
            "scuola",
            "patronato",
        ] {
            assert!(codes.contains(&c), "{c} is in the list");
        }
        let version = codebook::version(store.conn()).unwrap();
        add_kind(store.conn_mut(), &entry("consultorio"), "coord", now()).unwrap();
        assert_eq!(
            kinds(store.conn()).unwrap().last().unwrap().code,
            "consultorio",
            "at the end"
        );
        assert_eq!(
            codebook::version(store.conn()).unwrap(),
            version,
            "the codebook version does not move"
        );
        assert_eq!(
            add_kind(store.conn_mut(), &entry("consultorio"), "coord", now())
                .unwrap_err()
                .code(),
            "conflict"
        );
        assert_eq!(
            add_kind(store.conn_mut(), &entry("Con spazi"), "coord", now())
                .unwrap_err()
                .code(),
            "invalid"
        );
        set_kind_active(store.conn_mut(), "consultorio", false, "coord", now()).unwrap();
        assert!(!kinds(store.conn()).unwrap().last().unwrap().active);
        assert!(
            store
                .conn()
                .execute("DELETE FROM case_service_kinds WHERE code = 'asl'", [])
                .is_err()
        );
        assert_eq!(
            audit::history(store.conn(), "case_service_kind", "consultorio")
                .unwrap()
                .len(),
            2
        );
    }

    #[test]
    fn a_service_is_involved_once_from_the_opening_to_today() {
        let mut store = store();
        let case = opened(&mut store, CaseType::Full, "2024-01-10", None);
        let got = involve(
            store.conn_mut(),
            &case.id,
            "questura",
            day("2024-02-01"),
            "ops",
            now(),
        )
        .unwrap();
        assert_eq!(
            got,
            vec![Involved {
                service: "questura".into(),
                involved_on: day("2024-02-01")
            }]
        );
        involve(
            store.conn_mut(),
            &case.id,
            "asl",
            day("2024-01-15"),
            "ops",
            now(),
        )
        .unwrap();
        let got = involved(store.conn(), &case.id).unwrap();
        assert_eq!(got[0].service, "asl", "by the day involved");
        for (service, on, code) in [
            ("questura", "2024-02-02", "conflict"),
            ("nessuno", "2024-02-02", "invalid"),
            ("scuola", "2024-01-09", "invalid"),
            ("scuola", "2024-03-05", "invalid"),
        ] {
            let err =
                involve(store.conn_mut(), &case.id, service, day(on), "ops", now()).unwrap_err();
            assert_eq!(err.code(), code, "{service} {on}");
        }
        set_kind_active(store.conn_mut(), "scuola", false, "coord", now()).unwrap();
        let err = involve(
            store.conn_mut(),
            &case.id,
            "scuola",
            day("2024-02-01"),
            "ops",
            now(),
        );
        assert_eq!(
            err.unwrap_err().code(),
            "invalid",
            "a retired service is not offered"
        );
        withdraw(store.conn_mut(), &case.id, "asl", "ops", now()).unwrap();
        assert_eq!(involved(store.conn(), &case.id).unwrap().len(), 1);
        let log = audit::history(store.conn(), "case", &case.id).unwrap();
        let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["open", "involve", "involve", "withdraw"]);
    }
}
