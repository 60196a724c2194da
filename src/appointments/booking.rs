//! Bookings: book, move, cancel and mark an appointment, and look appointments up (by
//! id, by booking code, by day, by access). Every write checks and changes in one
//! IMMEDIATE transaction with its audit row; the database's no-overlap trigger is the
//! last word when two bookings race for a slot.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row, TransactionBehavior, params};

use super::calendar::{require_slot, slot_taken};
use super::{
    Appointment, NewAppointment, Outcome, Status, format_day, is_slip_language, kind, own_desk,
};
use crate::error::Refusal;
use crate::register::accesses;
use crate::store::audit;
use crate::{Error, Now, Result, desk, ids};

/// Booking codes use letters and digits that cannot be mistaken for one another
/// (no 0/O, 1/I/L, no U/V pairs are ambiguous enough to matter here): 30 symbols.
pub const CODE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Length of a booking code: 30^6 = 729 million codes.
pub const CODE_LENGTH: usize = 6;

fn clean_optional(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string)
}

fn validate_person(name: &Option<String>, phone: &Option<String>) -> Result<()> {
    if name.as_ref().is_some_and(|n| n.chars().count() > 100) {
        return Err(Error::invalid("person_name", "at most 100 characters"));
    }
    if let Some(p) = phone {
        let digits = p.chars().filter(char::is_ascii_digit).count();
        if !p
            .chars()
            .all(|c| c.is_ascii_digit() || " +-/.()".contains(c))
            || !(5..=16).contains(&digits)
        {
            return Err(Error::invalid(
                "phone",
                "a phone number is 5 to 16 digits (spaces, + - / . ( ) allowed), or leave it empty",
            ));
        }
    }
    Ok(())
}

/// Turns the no-overlap trigger's refusal into a conflict the operator understands.
fn map_overlap(e: rusqlite::Error) -> Error {
    match &e {
        rusqlite::Error::SqliteFailure(_, Some(msg)) if msg.contains("slot already taken") => {
            slot_taken()
        }
        _ => Error::from(e),
    }
}

/// A new random booking code from [`CODE_ALPHABET`].
fn new_booking_code() -> String {
    // the random bits of a UUIDv4 (the last 8 bytes hold 62 of them)
    let id = uuid::Uuid::new_v4();
    let bytes = id.as_bytes();
    let mut n = u64::from_be_bytes(bytes[8..16].try_into().expect("8 bytes"));
    let mut code = String::with_capacity(CODE_LENGTH);
    for _ in 0..CODE_LENGTH {
        code.push(CODE_ALPHABET[(n % CODE_ALPHABET.len() as u64) as usize] as char);
        n /= CODE_ALPHABET.len() as u64;
    }
    code
}

/// Normalises a booking code as typed (case, spaces, dashes) for a lookup.
pub fn normalize_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// Books an appointment at this desk in one IMMEDIATE transaction.
///
/// Errors: `invalid` (kind retired, closed day, not a slot, past slot, bad phone,
/// unknown language or access), `conflict` (the slot was taken meanwhile).
pub fn book(
    conn: &mut Connection,
    input: &NewAppointment,
    operator: &str,
    now: Now,
) -> Result<Appointment> {
    let name = clean_optional(&input.person_name);
    let phone = clean_optional(&input.phone);
    validate_person(&name, &phone)?;
    if !is_slip_language(&input.language) {
        return Err(Error::invalid(
            "language",
            format!("no slip translation for '{}'", input.language),
        ));
    }
    let utc = now.utc();
    let ts = ids::timestamp(utc);
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let desk = own_desk(&tx)?;
    let kind = kind(&tx, &input.kind)?;
    if !kind.active {
        return Err(Error::invalid(
            "kind",
            "this kind of appointment is no longer offered",
        ));
    }
    if let Some(access) = &input.access_id {
        if !accesses::is_live(&tx, access)? {
            return Err(Error::invalid(
                "access_id",
                "the access this booking comes from is not recorded",
            ));
        }
    }
    let slot = require_slot(
        &tx,
        &desk,
        &kind,
        input.day,
        &input.starts,
        now.local().naive_local(),
        None,
    )?;
    let id = ids::new_id();
    // A code collision is astronomically rare; retry a few times rather than fail.
    let mut attempt = 0;
    loop {
        let code = new_booking_code();
        let inserted = tx.execute(
            "INSERT INTO appointments (id, desk, kind, day, starts, ends, booking_code, person_name,
                 phone, language, status, access_id, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, seal('appointments.person_name', ?1, ?8),
                 seal('appointments.phone', ?1, ?9), ?10, 'booked', ?11, ?12, ?12)
             ON CONFLICT (booking_code) DO NOTHING",
            params![
                id,
                desk.code,
                kind.code,
                slot.day.to_string(),
                slot.starts,
                slot.ends,
                code,
                name,
                phone,
                input.language,
                input.access_id,
                ts
            ],
        );
        match inserted.map_err(map_overlap)? {
            1 => break,
            _ if attempt < 5 => attempt += 1,
            _ => {
                return Err(Error::Conflict(
                    "could not draw a free booking code: try again".into(),
                ));
            }
        }
    }
    audit::log(
        &tx,
        utc,
        operator,
        "book",
        "appointment",
        &id,
        None,
        &format!("{} {} {}", kind.code, slot.day, slot.starts),
    )?;
    tx.commit()?;
    get(conn, &id)
}

/// Moves a booked appointment to another free slot (same kind, same booking code).
pub fn reschedule(
    conn: &mut Connection,
    id: &str,
    day: NaiveDate,
    starts: &str,
    operator: &str,
    now: Now,
) -> Result<Appointment> {
    let utc = now.utc();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current = get(&tx, id)?;
    if current.status != Status::Booked || current.purged_at.is_some() {
        return Err(Error::refused(
            Refusal::NotBooked,
            "status",
            "only a booked appointment can be moved: book a new one instead",
        ));
    }
    let desk = own_desk(&tx)?;
    let kind = kind(&tx, &current.kind)?;
    let slot = require_slot(
        &tx,
        &desk,
        &kind,
        day,
        starts,
        now.local().naive_local(),
        Some(id),
    )?;
    tx.execute(
        "UPDATE appointments SET day = ?2, starts = ?3, ends = ?4, updated_at = ?5 WHERE id = ?1",
        params![
            id,
            slot.day.to_string(),
            slot.starts,
            slot.ends,
            ids::timestamp(utc)
        ],
    )
    .map_err(map_overlap)?;
    audit::log(
        &tx,
        utc,
        operator,
        "reschedule",
        "appointment",
        id,
        None,
        &format!(
            "{} {} -> {} {}",
            current.day, current.starts, slot.day, slot.starts
        ),
    )?;
    tx.commit()?;
    get(conn, id)
}

/// Cancels a booked appointment: its slot is free again.
pub fn cancel(conn: &mut Connection, id: &str, operator: &str, now: Now) -> Result<Appointment> {
    set_status(conn, id, Status::Cancelled, operator, now)
}

/// Marks an appointment attended or not attended, on or after its day (a wrong mark
/// can be corrected the same way).
pub fn mark(
    conn: &mut Connection,
    id: &str,
    outcome: Outcome,
    operator: &str,
    now: Now,
) -> Result<Appointment> {
    let status = match outcome {
        Outcome::Attended => Status::Attended,
        Outcome::NoShow => Status::NoShow,
    };
    set_status(conn, id, status, operator, now)
}

fn set_status(
    conn: &mut Connection,
    id: &str,
    status: Status,
    operator: &str,
    now: Now,
) -> Result<Appointment> {
    let utc = now.utc();
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let current = get(&tx, id)?;
    match (current.status, status) {
        (Status::Cancelled, _) => {
            return Err(Error::refused(
                Refusal::WasCancelled,
                "status",
                "this appointment was cancelled: book a new one instead",
            ));
        }
        (Status::Booked, Status::Cancelled) => {}
        (_, Status::Cancelled) => {
            return Err(Error::refused(
                Refusal::AlreadyMarked,
                "status",
                "an appointment already marked attended or no-show cannot be cancelled",
            ));
        }
        (_, Status::Attended | Status::NoShow) if current.day > now.today() => {
            return Err(Error::refused(
                Refusal::NotYetDay,
                "status",
                format!(
                    "the appointment is on {}: mark it on that day or later",
                    format_day(current.day)
                ),
            ));
        }
        _ => {}
    }
    tx.execute(
        "UPDATE appointments SET status = ?2, updated_at = ?3 WHERE id = ?1",
        params![id, status.as_str(), ids::timestamp(utc)],
    )
    .map_err(map_overlap)?;
    audit::log(
        &tx,
        utc,
        operator,
        status.as_str(),
        "appointment",
        id,
        None,
        "",
    )?;
    tx.commit()?;
    get(conn, id)
}

const SELECT: &str =
    "SELECT a.id, a.desk, a.kind, k.label_it, a.day, a.starts, a.ends, a.booking_code,
        unseal('appointments.person_name', a.id, a.person_name),
        unseal('appointments.phone', a.id, a.phone), a.language, a.status, a.access_id, a.created_at, a.updated_at,
        a.purged_at
    FROM appointments a JOIN appointment_kinds k ON k.code = a.kind";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Appointment> {
    let day: String = r.get(4)?;
    Ok(Appointment {
        id: r.get(0)?,
        desk: r.get(1)?,
        kind: r.get(2)?,
        kind_label: r.get(3)?,
        day: NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(4, rusqlite::types::Type::Text, Box::new(e))
        })?,
        starts: r.get(5)?,
        ends: r.get(6)?,
        booking_code: r.get(7)?,
        person_name: r.get(8)?,
        phone: r.get(9)?,
        language: r.get(10)?,
        status: Status::parse(&r.get::<_, String>(11)?),
        access_id: r.get(12)?,
        created_at: r.get(13)?,
        updated_at: r.get(14)?,
        purged_at: r.get(15)?,
    })
}

/// One appointment by id.
pub fn get(conn: &Connection, id: &str) -> Result<Appointment> {
    conn.query_row(&format!("{SELECT} WHERE a.id = ?1"), [id], from_row)
        .optional()?
        .ok_or_else(|| Error::NotFound {
            entity: "appointment",
            id: id.into(),
        })
}

/// One appointment by its booking code (as typed: case, spaces and dashes ignored).
pub fn find_by_code(conn: &Connection, code: &str) -> Result<Appointment> {
    let code = normalize_code(code);
    conn.query_row(
        &format!("{SELECT} WHERE a.booking_code = ?1"),
        [&code],
        from_row,
    )
    .optional()?
    .ok_or(Error::NotFound {
        entity: "appointment",
        id: code,
    })
}

/// The day agenda of this desk: every appointment of `day` (cancelled ones too, last
/// among equals), by start time.
pub fn agenda(conn: &Connection, day: NaiveDate) -> Result<Vec<Appointment>> {
    let desk = desk::own_code(conn)?;
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE a.desk = ?1 AND a.day = ?2
         ORDER BY a.starts, a.status = 'cancelled', a.created_at"
    ))?;
    let rows = stmt.query_map(params![desk, day.to_string()], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Appointments booked from the access `access_id`.
pub fn for_access(conn: &Connection, access_id: &str) -> Result<Vec<Appointment>> {
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE a.access_id = ?1 ORDER BY a.day, a.starts"
    ))?;
    let rows = stmt.query_map([access_id], from_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appointments::test_support::{at, day, new, reason, starts, store};
    use crate::appointments::{free_slots_on, next_free_slots};

    #[test]
    fn booking_takes_the_slot_and_overlaps_are_refused() {
        let mut store = store("GRO");
        let now = at(2024, 4, 2, 9, 0);
        let a = book(
            store.conn_mut(),
            &new("rinnovo_permesso", day(2024, 4, 2), "14:00"),
            "op",
            now,
        )
        .unwrap();
        assert_eq!(
            (a.starts.as_str(), a.ends.as_str(), a.status),
            ("14:00", "14:30", Status::Booked)
        );
        assert_eq!(a.person_name, None, "a walk-in without name is bookable");
        assert_eq!(a.booking_code.len(), CODE_LENGTH);
        assert!(
            a.booking_code.bytes().all(|b| CODE_ALPHABET.contains(&b)),
            "{}",
            a.booking_code
        );
        let next = next_free_slots(store.conn(), "cittadinanza", now, 1).unwrap();
        assert_eq!(
            starts(&next),
            ["2024-04-02 14:30"],
            "a 60-minute slot starts after the booked half hour"
        );
        let err = book(
            store.conn_mut(),
            &new("altro", day(2024, 4, 2), "14:00"),
            "op",
            now,
        )
        .unwrap_err();
        assert_eq!(err.code(), "conflict", "{err}");
        assert_eq!(reason(&err), Some(Refusal::Taken), "{err}");
        // The database itself refuses an overlap, whatever the caller checked.
        let raw = store.conn().execute(
            "INSERT INTO appointments (id, desk, kind, day, starts, ends, booking_code, created_at, updated_at)
             VALUES ('x', 'GRO', 'altro', '2024-04-02', '14:15', '14:45', 'ZZZZZZ', 'x', 'x')",
            [],
        );
        assert!(
            raw.is_err(),
            "the trigger must refuse an overlapping insert"
        );
        assert_eq!(
            find_by_code(store.conn(), &a.booking_code.to_lowercase())
                .unwrap()
                .id,
            a.id
        );
        assert_eq!(
            audit::history(store.conn(), "appointment", &a.id).unwrap()[0].action,
            "book"
        );
    }

    #[test]
    fn name_phone_and_language_are_checked() {
        let mut store = store("GRO");
        let now = at(2024, 4, 2, 9, 0);
        let mut input = new("altro", day(2024, 4, 2), "14:00");
        input.phone = Some("call me".into());
        assert_eq!(
            book(store.conn_mut(), &input, "op", now)
                .unwrap_err()
                .code(),
            "invalid"
        );
        input.phone = Some(" +39 333 123 4567 ".into());
        input.person_name = Some("  ".into());
        input.language = "xx".into();
        assert_eq!(
            book(store.conn_mut(), &input, "op", now)
                .unwrap_err()
                .code(),
            "invalid"
        );
        input.language = "ar".into();
        let a = book(store.conn_mut(), &input, "op", now).unwrap();
        assert_eq!(a.phone.as_deref(), Some("+39 333 123 4567"), "trimmed");
        assert_eq!(a.person_name, None, "a blank name is no name");
        input.starts = "15:00".into();
        input.access_id = Some("no-such-access".into());
        let err = book(store.conn_mut(), &input, "op", now).unwrap_err();
        assert!(err.to_string().contains("access"), "{err}");
    }

    #[test]
    fn reschedule_cancel_and_outcomes() {
        let mut store = store("GRO");
        let now = at(2024, 4, 2, 9, 0);
        let a = book(
            store.conn_mut(),
            &new("cittadinanza", day(2024, 4, 2), "14:00"),
            "op",
            now,
        )
        .unwrap();
        let b = book(
            store.conn_mut(),
            &new("altro", day(2024, 4, 2), "16:00"),
            "op",
            now,
        )
        .unwrap();
        // Moving half an hour later overlaps its own old slot only: allowed.
        let moved =
            reschedule(store.conn_mut(), &a.id, day(2024, 4, 2), "14:30", "op", now).unwrap();
        assert_eq!(
            (moved.starts.as_str(), moved.ends.as_str()),
            ("14:30", "15:30")
        );
        assert_eq!(
            moved.booking_code, a.booking_code,
            "the code stays with the appointment"
        );
        let err =
            reschedule(store.conn_mut(), &a.id, day(2024, 4, 2), "15:30", "op", now).unwrap_err();
        assert_eq!(err.code(), "conflict", "15:30-16:30 overlaps 16:00: {err}");
        assert_eq!(reason(&err), Some(Refusal::Taken), "{err}");
        let moved =
            reschedule(store.conn_mut(), &a.id, day(2024, 4, 3), "14:00", "op", now).unwrap();
        assert_eq!(moved.day, day(2024, 4, 3));
        assert!(
            free_slots_on(store.conn(), "altro", day(2024, 4, 2), now)
                .unwrap()
                .iter()
                .any(|s| s.starts == "14:30"),
            "the old slot is free again"
        );
        // Outcomes only on or after the day.
        let err = mark(
            store.conn_mut(),
            &b.id,
            Outcome::Attended,
            "op",
            Now::new(now.local() - chrono::Duration::days(1)),
        )
        .unwrap_err();
        assert_eq!(reason(&err), Some(Refusal::NotYetDay), "{err}");
        let b = mark(
            store.conn_mut(),
            &b.id,
            Outcome::NoShow,
            "op",
            at(2024, 4, 2, 17, 0),
        )
        .unwrap();
        assert_eq!(b.status, Status::NoShow);
        let b = mark(
            store.conn_mut(),
            &b.id,
            Outcome::Attended,
            "op",
            at(2024, 4, 2, 17, 5),
        )
        .unwrap();
        assert_eq!(b.status, Status::Attended, "a wrong mark can be corrected");
        let err = cancel(store.conn_mut(), &b.id, "op", now).unwrap_err();
        assert_eq!(err.code(), "invalid");
        assert_eq!(reason(&err), Some(Refusal::AlreadyMarked), "{err}");
        // Cancel frees the slot; a cancelled one cannot be moved or marked.
        let c = cancel(store.conn_mut(), &a.id, "op", now).unwrap();
        assert_eq!(c.status, Status::Cancelled);
        let err =
            reschedule(store.conn_mut(), &a.id, day(2024, 4, 4), "14:00", "op", now).unwrap_err();
        assert_eq!(reason(&err), Some(Refusal::NotBooked), "{err}");
        let err = mark(
            store.conn_mut(),
            &a.id,
            Outcome::Attended,
            "op",
            at(2024, 4, 5, 9, 0),
        )
        .unwrap_err();
        assert_eq!(reason(&err), Some(Refusal::WasCancelled), "{err}");
        let again = book(
            store.conn_mut(),
            &new("cittadinanza", day(2024, 4, 3), "14:00"),
            "op",
            now,
        )
        .unwrap();
        assert_eq!(
            again.starts, "14:00",
            "a cancelled appointment's slot can be booked again"
        );
        let agenda_day = agenda(store.conn(), day(2024, 4, 3)).unwrap();
        assert_eq!(
            agenda_day.len(),
            2,
            "the agenda lists the cancelled one too"
        );
        assert_eq!(
            agenda_day[0].status,
            Status::Booked,
            "live before cancelled at the same time"
        );
        let actions: Vec<String> = audit::history(store.conn(), "appointment", &a.id)
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(actions, ["book", "reschedule", "reschedule", "cancelled"]);
    }

    #[test]
    fn booking_codes_avoid_ambiguous_characters() {
        for b in b"01OIL" {
            assert!(!CODE_ALPHABET.contains(b), "{} is ambiguous", *b as char);
        }
        let codes: std::collections::HashSet<String> =
            (0..200).map(|_| new_booking_code()).collect();
        assert!(
            codes.len() > 195,
            "codes are random: {} distinct of 200",
            codes.len()
        );
        assert_eq!(normalize_code(" k7m-4qx "), "K7M4QX");
    }
}
