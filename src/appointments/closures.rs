//! The days a desk is closed: the national holidays (computed, [`super::holidays`])
//! and the desk's own closures (the patron saint, a training day), which are rows of
//! `desk_closures`. No slot is offered on a closed day; a closure cannot be added on a
//! day that still has bookings, and every change is written with its audit row in one
//! transaction.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::{Closure, format_day, holidays, parse_day};
use crate::store::audit;
use crate::{Error, Now, Result};

/// Why a desk is closed on a day: a national holiday (named by the interface in its
/// language from the code) or one of the desk's own closures (its reason as typed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ClosedDay {
    Holiday {
        code: &'static str,
        name: &'static str,
    },
    Closure {
        reason: String,
    },
}

impl ClosedDay {
    /// The Italian words for it: the holiday's name, the closure's reason, or "chiusura".
    pub fn italian(&self) -> String {
        match self {
            ClosedDay::Holiday { name, .. } => (*name).to_string(),
            ClosedDay::Closure { reason } if reason.is_empty() => "chiusura".into(),
            ClosedDay::Closure { reason } => reason.clone(),
        }
    }

    /// The refusal's `detail`: `holiday:<code>` for a holiday, so the interface names it
    /// in its own language; the closure's reason otherwise (empty when it has none).
    pub fn detail(&self) -> String {
        match self {
            ClosedDay::Holiday { code, .. } => format!("holiday:{code}"),
            ClosedDay::Closure { reason } => reason.clone(),
        }
    }
}

/// Why `desk` is closed on `day` (a national holiday or one of its closures), if it is.
pub fn closed_day(conn: &Connection, desk_code: &str, day: NaiveDate) -> Result<Option<ClosedDay>> {
    if let Some(h) = holidays::holiday(day) {
        return Ok(Some(ClosedDay::Holiday {
            code: h.code,
            name: h.name,
        }));
    }
    Ok(conn
        .query_row(
            "SELECT reason FROM desk_closures WHERE desk = ?1 AND day = ?2",
            params![desk_code, day.to_string()],
            |r| r.get::<_, String>(0),
        )
        .optional()?
        .map(|reason| ClosedDay::Closure { reason }))
}

/// Why `desk` is closed on `day`, in Italian words, if it is.
pub fn closed_reason(conn: &Connection, desk_code: &str, day: NaiveDate) -> Result<Option<String>> {
    Ok(closed_day(conn, desk_code, day)?.map(|c| c.italian()))
}

/// The desk's own closures from `from` on, in date order.
pub fn closures(conn: &Connection, desk_code: &str, from: NaiveDate) -> Result<Vec<Closure>> {
    let mut stmt = conn.prepare(
        "SELECT day, reason FROM desk_closures WHERE desk = ?1 AND day >= ?2 ORDER BY day",
    )?;
    let rows = stmt.query_map(params![desk_code, from.to_string()], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (day, reason) = row?;
        out.push(Closure {
            day: parse_day(&day)?,
            reason,
        });
    }
    Ok(out)
}

/// Closes `desk` on `day` (e.g. the patron saint): no slot is offered that day.
/// Appointments already booked that day are listed in the error, to be moved first.
/// The check and the write share one IMMEDIATE transaction, so no booking can slip in
/// between them.
pub fn add_closure(
    conn: &mut Connection,
    desk_code: &str,
    day: NaiveDate,
    reason: &str,
    operator: &str,
    now: Now,
) -> Result<()> {
    let tx = conn.transaction()?;
    let booked: Vec<String> = tx
        .prepare(
            "SELECT starts || ' ' || booking_code FROM appointments
             WHERE desk = ?1 AND day = ?2 AND status = 'booked' ORDER BY starts",
        )?
        .query_map(params![desk_code, day.to_string()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if !booked.is_empty() {
        return Err(Error::Conflict(format!(
            "{} has booked appointments ({}): reschedule or cancel them first",
            format_day(day),
            booked.join(", ")
        )));
    }
    tx.execute(
        "INSERT INTO desk_closures (desk, day, reason) VALUES (?1, ?2, ?3)
         ON CONFLICT (desk, day) DO UPDATE SET reason = excluded.reason",
        params![desk_code, day.to_string(), reason.trim()],
    )?;
    audit::log(
        &tx,
        now.utc(),
        operator,
        "add_closure",
        "desk",
        desk_code,
        None,
        &day.to_string(),
    )?;
    tx.commit()?;
    Ok(())
}

/// Opens `desk` again on `day`, together with its audit row.
pub fn remove_closure(
    conn: &mut Connection,
    desk_code: &str,
    day: NaiveDate,
    operator: &str,
    now: Now,
) -> Result<()> {
    let tx = conn.transaction()?;
    let n = tx.execute(
        "DELETE FROM desk_closures WHERE desk = ?1 AND day = ?2",
        params![desk_code, day.to_string()],
    )?;
    if n == 0 {
        return Err(Error::NotFound {
            entity: "closure",
            id: day.to_string(),
        });
    }
    audit::log(
        &tx,
        now.utc(),
        operator,
        "remove_closure",
        "desk",
        desk_code,
        None,
        &day.to_string(),
    )?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appointments::test_support::{day, refuse_audit, store};

    #[test]
    fn holidays_and_closures_give_their_reason() {
        let mut store = store("GRO");
        assert_eq!(
            closed_reason(store.conn(), "GRO", day(2024, 4, 1)).unwrap(),
            Some("Lunedì dell'Angelo (Pasquetta)".into()),
            "Easter Monday is a national holiday"
        );
        add_closure(
            store.conn_mut(),
            "GRO",
            day(2024, 4, 2),
            " ",
            "op",
            Now::read(),
        )
        .unwrap();
        assert_eq!(
            closed_reason(store.conn(), "GRO", day(2024, 4, 2)).unwrap(),
            Some("chiusura".into()),
            "a closure without a reason still says why"
        );
        assert_eq!(
            closures(store.conn(), "GRO", day(2024, 1, 1)).unwrap(),
            [Closure {
                day: day(2024, 4, 2),
                reason: String::new()
            }]
        );
        let err = remove_closure(store.conn_mut(), "GRO", day(2024, 4, 3), "op", Now::read())
            .unwrap_err();
        assert_eq!(err.code(), "not_found", "no closure that day: {err}");
    }

    #[test]
    fn a_closure_is_not_added_without_its_audit_row() {
        let mut store = store("GRO");
        refuse_audit(store.conn());
        let err = add_closure(
            store.conn_mut(),
            "GRO",
            day(2024, 4, 2),
            "x",
            "op",
            Now::read(),
        );
        assert!(err.is_err(), "the audit write failed, so the call fails");
        assert_eq!(
            closed_reason(store.conn(), "GRO", day(2024, 4, 2)).unwrap(),
            None,
            "the day stays open without the closure's audit row"
        );
    }

    #[test]
    fn a_closure_is_not_removed_without_its_audit_row() {
        let mut store = store("GRO");
        add_closure(
            store.conn_mut(),
            "GRO",
            day(2024, 4, 2),
            "x",
            "op",
            Now::read(),
        )
        .unwrap();
        refuse_audit(store.conn());
        let err = remove_closure(store.conn_mut(), "GRO", day(2024, 4, 2), "op", Now::read());
        assert!(err.is_err(), "the audit write failed, so the call fails");
        assert_eq!(
            closed_reason(store.conn(), "GRO", day(2024, 4, 2)).unwrap(),
            Some("x".into()),
            "the day stays closed without the reopening's audit row"
        );
    }
}
