//! Desks: this installation's own desk and the desks it imports records from.
//!
//! The own desk (at most one, enforced by a unique index) stamps every record created
//! here and names the exports. Opening hours are stored as weekly intervals so the
//! back-office hours can generate appointment slots; the three desks of the 2023
//! report are offered as ready presets.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::{Error, Result, ids};

/// Which service an opening interval belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Service {
    /// Free entry, no appointment.
    FrontOffice,
    /// By appointment.
    BackOffice,
}

impl Service {
    fn as_str(self) -> &'static str {
        match self {
            Service::FrontOffice => "front_office",
            Service::BackOffice => "back_office",
        }
    }
}

/// One weekly opening interval: `weekday` 1 = Monday ... 7 = Sunday, times "HH:MM".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hours {
    pub weekday: u8,
    pub opens: String,
    pub closes: String,
}

/// A desk with its opening hours.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Desk {
    pub code: String,
    pub name: String,
    pub address: String,
    pub phone: String,
    pub front_office: Vec<Hours>,
    pub back_office: Vec<Hours>,
}

fn h(weekday: u8, opens: &str, closes: &str) -> Hours {
    Hours {
        weekday,
        opens: opens.into(),
        closes: closes.into(),
    }
}

/// The desks of the 2023 activity report, ready to pick at first run.
pub fn presets() -> Vec<Desk> {
    vec![
        Desk {
            code: "GRO".into(),
            name: "Sportello Info Immigrati Grosseto".into(),
            address: "Via Arno 1/E, 58100 Grosseto".into(),
            phone: "0564 28246".into(),
            front_office: vec![
                h(1, "09:00", "13:00"),
                h(2, "09:00", "13:00"),
                h(2, "15:00", "18:00"),
                h(3, "09:00", "13:00"),
                h(4, "09:00", "13:00"),
            ],
            back_office: vec![
                h(1, "14:00", "18:00"),
                h(2, "14:00", "18:00"),
                h(3, "14:00", "18:00"),
                h(4, "14:00", "18:00"),
                h(5, "09:00", "13:00"),
                h(5, "14:00", "18:00"),
            ],
        },
        Desk {
            code: "FOL".into(),
            name: "Sportello Info Immigrati Follonica".into(),
            address: "Ex casello idraulico, Via Roma 47, 58022 Follonica".into(),
            phone: "0566 59009".into(),
            front_office: vec![
                h(2, "10:00", "13:00"),
                h(2, "15:00", "17:00"),
                h(4, "10:00", "13:00"),
            ],
            back_office: vec![
                h(1, "10:00", "13:00"),
                h(3, "10:00", "13:00"),
                h(4, "15:00", "17:00"),
                h(5, "10:00", "13:00"),
            ],
        },
        Desk {
            code: "SCA".into(),
            name: "Sportello virtuale Info Immigrati Scansano".into(),
            address: "Botteghe della Salute, Comune di Scansano (in videochiamata)".into(),
            phone: String::new(),
            front_office: vec![],
            back_office: vec![],
        },
    ]
}

/// Checks a desk code: 2 to 8 upper-case letters (GRO, FOL, SCA).
pub fn validate_code(code: &str) -> Result<()> {
    if (2..=8).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err(Error::invalid(
            "desk",
            format!("'{code}' is not a desk code: 2 to 8 upper-case letters, e.g. GRO"),
        ))
    }
}

fn parse_hhmm(s: &str) -> Option<u32> {
    let (h, m) = s.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

fn validate(desk: &Desk) -> Result<()> {
    validate_code(&desk.code)?;
    if desk.name.trim().is_empty() {
        return Err(Error::invalid("name", "the desk needs a name"));
    }
    for (service, hours) in [
        ("front_office", &desk.front_office),
        ("back_office", &desk.back_office),
    ] {
        for hrs in hours {
            let (Some(o), Some(c)) = (parse_hhmm(&hrs.opens), parse_hhmm(&hrs.closes)) else {
                return Err(Error::invalid(
                    service,
                    "times are written HH:MM, e.g. 09:30",
                ));
            };
            if !(1..=7).contains(&hrs.weekday) || o >= c {
                return Err(Error::invalid(
                    service,
                    format!(
                        "{}-{} on day {} is not an opening interval",
                        hrs.opens, hrs.closes, hrs.weekday
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The desk `code`, if known here.
pub fn get(conn: &Connection, code: &str) -> Result<Option<Desk>> {
    let row = conn
        .query_row(
            "SELECT code, name, address, phone FROM desks WHERE code = ?1",
            [code],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let Some((code, name, address, phone)) = row else {
        return Ok(None);
    };
    let hours = |service: Service| -> Result<Vec<Hours>> {
        let mut stmt = conn.prepare(
            "SELECT weekday, opens, closes FROM desk_hours
             WHERE desk = ?1 AND service = ?2 ORDER BY weekday, opens",
        )?;
        let rows = stmt.query_map(params![code, service.as_str()], |r| {
            Ok(Hours {
                weekday: r.get(0)?,
                opens: r.get(1)?,
                closes: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    };
    Ok(Some(Desk {
        front_office: hours(Service::FrontOffice)?,
        back_office: hours(Service::BackOffice)?,
        code,
        name,
        address,
        phone,
    }))
}

/// This installation's own desk, or `None` before the first-run setup.
pub fn own(conn: &Connection) -> Result<Option<Desk>> {
    let code: Option<String> = conn
        .query_row("SELECT code FROM desks WHERE is_own = 1", [], |r| r.get(0))
        .optional()?;
    match code {
        Some(code) => get(conn, &code),
        None => Ok(None),
    }
}

/// This installation's own desk code; [`Error::NoDesk`] before the first-run setup.
pub fn own_code(conn: &Connection) -> Result<String> {
    conn.query_row("SELECT code FROM desks WHERE is_own = 1", [], |r| r.get(0))
        .optional()?
        .ok_or(Error::NoDesk)
}

/// Sets this installation's own desk (first run, or a later edit of its details).
///
/// The own desk's code cannot change once records carry it; the details and hours can.
pub fn set_own(conn: &mut Connection, desk: &Desk, now: DateTime<Utc>) -> Result<()> {
    let tx = conn.transaction()?;
    set_own_in(&tx, desk, now)?;
    tx.commit()?;
    Ok(())
}

/// [`set_own`] inside a transaction the caller owns (the first-run setup writes the
/// operator in the same one).
pub fn set_own_in(tx: &Connection, desk: &Desk, now: DateTime<Utc>) -> Result<()> {
    validate(desk)?;
    let ts = ids::timestamp(now);
    let current: Option<String> = tx
        .query_row("SELECT code FROM desks WHERE is_own = 1", [], |r| r.get(0))
        .optional()?;
    if let Some(current) = &current
        && current != &desk.code
    {
        // The one query outside the tables' owners, on purpose: the register, the cases
        // and the exchange all depend on this module (for the own desk's code), so
        // asking them here would make a cycle. It only asks whether any row carries the
        // code, the question a foreign key asks of `desks`, and reads no record.
        let has_records: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM accesses WHERE desk = ?1)
                 OR EXISTS (SELECT 1 FROM cases WHERE desk = ?1)
                 OR EXISTS (SELECT 1 FROM exports WHERE desk = ?1)",
            [current],
            |r| r.get(0),
        )?;
        if has_records {
            return Err(Error::Conflict(format!(
                "this installation already records as desk {current}: its code cannot change"
            )));
        }
        tx.execute("UPDATE desks SET is_own = 0 WHERE code = ?1", [current])?;
    }
    tx.execute(
        "INSERT INTO desks (code, name, address, phone, is_own, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, address = excluded.address,
             phone = excluded.phone, is_own = 1, updated_at = excluded.updated_at",
        params![
            desk.code,
            desk.name.trim(),
            desk.address.trim(),
            desk.phone.trim(),
            ts
        ],
    )?;
    tx.execute("DELETE FROM desk_hours WHERE desk = ?1", [&desk.code])?;
    for (service, hours) in [
        (Service::FrontOffice, &desk.front_office),
        (Service::BackOffice, &desk.back_office),
    ] {
        for hrs in hours {
            tx.execute(
                "INSERT INTO desk_hours (desk, service, weekday, opens, closes) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![desk.code, service.as_str(), hrs.weekday, hrs.opens, hrs.closes],
            )?;
        }
    }
    Ok(())
}

/// Makes sure a desk another installation exported from is known here (imports).
/// A desk met for the first time is named after its code until someone renames it.
pub fn ensure_known(conn: &Connection, code: &str, now: DateTime<Utc>) -> Result<()> {
    validate_code(code)?;
    let name = presets()
        .into_iter()
        .find(|p| p.code == code)
        .map_or_else(|| format!("Sportello {code}"), |p| p.name);
    let ts = ids::timestamp(now);
    conn.execute(
        "INSERT INTO desks (code, name, is_own, created_at, updated_at) VALUES (?1, ?2, 0, ?3, ?3)
         ON CONFLICT (code) DO NOTHING",
        params![code, name, ts],
    )?;
    Ok(())
}

/// Every desk known here, own desk first, then by code.
pub fn list(conn: &Connection) -> Result<Vec<Desk>> {
    let codes: Vec<String> = conn
        .prepare("SELECT code FROM desks ORDER BY is_own DESC, code")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut desks = Vec::with_capacity(codes.len());
    for code in codes {
        desks.extend(get(conn, &code)?);
    }
    Ok(desks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 2, 1, 9, 0, 0).unwrap()
    }

    #[test]
    fn presets_are_valid_and_round_trip() {
        let mut store = Store::open_in_memory().unwrap();
        assert_eq!(own(store.conn()).unwrap(), None);
        assert_eq!(own_code(store.conn()).unwrap_err().code(), "no_desk");
        for preset in presets() {
            validate(&preset).unwrap();
        }
        let fol = presets().into_iter().find(|d| d.code == "FOL").unwrap();
        set_own(store.conn_mut(), &fol, now()).unwrap();
        assert_eq!(own(store.conn()).unwrap(), Some(fol));
    }

    #[test]
    fn bad_codes_and_hours_are_refused() {
        assert!(validate_code("gro").is_err());
        assert!(validate_code("G").is_err());
        assert!(validate_code("ABCDEFGHI").is_err());
        validate_code("GRO").unwrap();
        let mut desk = presets().remove(0);
        desk.back_office.push(h(8, "09:00", "10:00"));
        assert_eq!(validate(&desk).unwrap_err().code(), "invalid");
        let mut desk = presets().remove(0);
        desk.front_office.push(h(1, "14:00", "13:00"));
        assert!(validate(&desk).is_err());
    }

    #[test]
    fn own_desk_code_is_fixed_once_it_has_records() {
        let mut store = Store::open_in_memory().unwrap();
        let mut desks = presets();
        set_own(store.conn_mut(), &desks[0], now()).unwrap();
        // a switch before any record is fine (a wrong pick at first run)
        set_own(store.conn_mut(), &desks[1], now()).unwrap();
        assert_eq!(own_code(store.conn()).unwrap(), "FOL");
        store
            .conn()
            .execute(
                "INSERT INTO cases (id, desk, revision, case_type, opened_on, reason, created_at, updated_at)
                 VALUES ('c1', 'FOL', 1, 'full', '2024-01-01', 'altro', 'x', 'x')",
                [],
            )
            .unwrap();
        let err = set_own(store.conn_mut(), &desks[0], now()).unwrap_err();
        assert_eq!(err.code(), "conflict");
        // details can still change
        desks[1].phone = "0566 000000".into();
        set_own(store.conn_mut(), &desks[1], now()).unwrap();
        assert_eq!(own(store.conn()).unwrap().unwrap().phone, "0566 000000");
    }

    #[test]
    fn imported_desks_are_registered_once() {
        let store = Store::open_in_memory().unwrap();
        ensure_known(store.conn(), "GRO", now()).unwrap();
        ensure_known(store.conn(), "GRO", now()).unwrap();
        ensure_known(store.conn(), "ARC", now()).unwrap();
        let all = list(store.conn()).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(
            all[0].name, "Sportello ARC",
            "desks other than the own one are listed by code"
        );
        assert_eq!(
            all[1].name, "Sportello Info Immigrati Grosseto",
            "a preset desk gets its real name"
        );
        assert!(ensure_known(store.conn(), "x1", now()).is_err());
    }
}
