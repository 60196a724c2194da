//! This desk's calendar: a real day's back-office hours, closures and live bookings
//! turned into free slots ([`super::slots`] does the arithmetic), and the check that a
//! requested start is a free slot, with the reason ([`Refusal`]) when it is not.

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime};
use rusqlite::{Connection, params};

use super::slots::{self, Interval};
use super::{Kind, Slot, closed_day, closed_reason, format_day, kind, own_desk};
use crate::error::Refusal;
use crate::{Error, Now, Result, desk};

/// How far ahead [`next_free_slots`] looks for free slots.
pub const SEARCH_DAYS: u64 = 120;
/// How far ahead a booking may be made (a typo in the year must not pass).
pub const BOOKING_HORIZON_DAYS: u64 = 366;

/// Every slot of `slot_minutes` on `day` that fits the back-office hours, free or not
/// (none on a closed day).
fn candidate_slots(
    conn: &Connection,
    desk: &desk::Desk,
    slot_minutes: u32,
    day: NaiveDate,
) -> Result<Vec<Interval>> {
    if closed_reason(conn, &desk.code, day)?.is_some() {
        return Ok(Vec::new());
    }
    let weekday = day.weekday().number_from_monday() as u8;
    Ok(slots::candidates(&desk.back_office, weekday, slot_minutes))
}

/// Live appointments of `desk` on `day` as minute intervals (optionally ignoring one).
fn taken(
    conn: &Connection,
    desk: &str,
    day: NaiveDate,
    except: Option<&str>,
) -> Result<Vec<Interval>> {
    let mut stmt = conn.prepare(
        "SELECT starts, ends FROM appointments
         WHERE desk = ?1 AND day = ?2 AND status <> 'cancelled' AND id <> ?3",
    )?;
    let rows = stmt.query_map(params![desk, day.to_string(), except.unwrap_or("")], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (s, e) = row?;
        if let (Some(s), Some(e)) = (slots::minutes_of(&s), slots::minutes_of(&e)) {
            out.push((s, e));
        }
    }
    Ok(out)
}

fn free_on(
    conn: &Connection,
    desk: &desk::Desk,
    kind: &Kind,
    day: NaiveDate,
    now: NaiveDateTime,
) -> Result<Vec<Slot>> {
    if day < now.date() {
        return Ok(Vec::new());
    }
    let candidates = candidate_slots(conn, desk, kind.slot_minutes, day)?;
    let taken = taken(conn, &desk.code, day, None)?;
    Ok(slots::free(day, &candidates, &taken, now))
}

/// The free slots of `kind` at this desk on `day` (none on a closed or past day).
pub fn free_slots_on(
    conn: &Connection,
    kind_code: &str,
    day: NaiveDate,
    now: Now,
) -> Result<Vec<Slot>> {
    let desk = own_desk(conn)?;
    let kind = kind(conn, kind_code)?;
    free_on(conn, &desk, &kind, day, now.local().naive_local())
}

/// The next `limit` free slots of `kind` at this desk, soonest first, from `now` on.
pub fn next_free_slots(
    conn: &Connection,
    kind_code: &str,
    now: Now,
    limit: usize,
) -> Result<Vec<Slot>> {
    let desk = own_desk(conn)?;
    let kind = kind(conn, kind_code)?;
    let local = now.local().naive_local();
    let mut out = Vec::new();
    for offset in 0..SEARCH_DAYS {
        let day = local.date() + Days::new(offset);
        out.extend(free_on(conn, &desk, &kind, day, local)?);
        if out.len() >= limit {
            break;
        }
    }
    out.truncate(limit);
    Ok(out)
}

/// The refusal of a slot another booking holds.
pub(super) fn slot_taken() -> Error {
    Error::refused(
        Refusal::Taken,
        "starts",
        "this slot has just been taken by another booking: choose another slot",
    )
}

/// Checks that `starts` on `day` is a free slot of `kind` at `desk` at `now` (the
/// desk's local time), ignoring the appointment `except` (the one being moved).
pub(super) fn require_slot(
    conn: &Connection,
    desk: &desk::Desk,
    kind: &Kind,
    day: NaiveDate,
    starts: &str,
    now: NaiveDateTime,
    except: Option<&str>,
) -> Result<Slot> {
    let Some(start) = slots::minutes_of(starts) else {
        return Err(Error::refused(
            Refusal::BadTime,
            "starts",
            "times are written HH:MM, e.g. 14:30",
        ));
    };
    if day > now.date() + Days::new(BOOKING_HORIZON_DAYS) {
        return Err(Error::refused(
            Refusal::TooFar,
            "day",
            format!(
                "appointments are booked at most {BOOKING_HORIZON_DAYS} days ahead: check the year"
            ),
        ));
    }
    if let Some(closed) = closed_day(conn, &desk.code, day)? {
        return Err(Error::Refused {
            reason: Refusal::Closed,
            field: "day",
            message: format!(
                "the desk is closed on {} ({}): choose another day",
                format_day(day),
                closed.italian()
            ),
            detail: Some(closed.detail()),
        });
    }
    let fits = candidate_slots(conn, desk, kind.slot_minutes, day)?
        .into_iter()
        .any(|(s, _)| s == start);
    if !fits {
        return Err(Error::refused(
            Refusal::NotASlot,
            "starts",
            format!(
                "{starts} on {} is not a back-office slot for this kind: choose one of the offered slots",
                format_day(day)
            ),
        ));
    }
    if slots::has_begun(day, start, now) {
        return Err(Error::refused(
            Refusal::Past,
            "starts",
            "this slot is already past: choose a later one",
        ));
    }
    let end = start + kind.slot_minutes;
    if slots::overlaps((start, end), &taken(conn, &desk.code, day, except)?) {
        return Err(slot_taken());
    }
    Ok(Slot {
        day,
        starts: slots::hhmm(start),
        ends: slots::hhmm(end),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appointments::test_support::{at, day, new, reason, starts, store};
    use crate::appointments::{add_closure, book, remove_closure};

    #[test]
    fn slots_follow_back_office_hours_and_slot_length() {
        let store = store("GRO");
        let before = at(2024, 3, 1, 8, 0);
        // Tuesday 2 April 2024, 14-18: eight half-hour slots.
        let tue = free_slots_on(store.conn(), "rinnovo_permesso", day(2024, 4, 2), before).unwrap();
        assert_eq!(tue.len(), 8, "{:?}", starts(&tue));
        assert_eq!(
            (tue[0].starts.as_str(), tue[0].ends.as_str()),
            ("14:00", "14:30")
        );
        assert_eq!(tue[7].ends, "18:00", "the last slot ends at closing time");
        // Citizenship, 60 minutes, starting on the half hour: 14:00 ... 17:00.
        let cit = free_slots_on(store.conn(), "cittadinanza", day(2024, 4, 2), before).unwrap();
        assert_eq!(cit.len(), 7);
        assert_eq!(cit.last().unwrap().starts, "17:00");
        assert_eq!(cit.last().unwrap().ends, "18:00");
        // Friday: 9-13 and 14-18, and nothing across the lunch break.
        let fri = free_slots_on(store.conn(), "rinnovo_permesso", day(2024, 4, 5), before).unwrap();
        assert_eq!(fri.len(), 16);
        let fri60 = free_slots_on(store.conn(), "cittadinanza", day(2024, 4, 5), before).unwrap();
        assert!(
            !fri60.iter().any(|s| s.starts == "12:30"),
            "a 60-minute slot cannot straddle the 13-14 break: {:?}",
            starts(&fri60)
        );
        // Saturday and Sunday have no back office.
        assert!(
            free_slots_on(store.conn(), "altro", day(2024, 4, 6), before)
                .unwrap()
                .is_empty()
        );
        assert!(
            free_slots_on(store.conn(), "altro", day(2024, 4, 7), before)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn follonica_hours_give_its_own_slots() {
        let store = store("FOL");
        let before = at(2024, 3, 1, 8, 0);
        // Thursday 15-17 only; Tuesday nothing.
        let thu = free_slots_on(store.conn(), "rinnovo_permesso", day(2024, 4, 4), before).unwrap();
        assert_eq!(
            starts(&thu),
            [
                "2024-04-04 15:00",
                "2024-04-04 15:30",
                "2024-04-04 16:00",
                "2024-04-04 16:30"
            ]
        );
        assert!(
            free_slots_on(store.conn(), "altro", day(2024, 4, 2), before)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn holidays_and_closures_have_no_slots() {
        let mut store = store("GRO");
        // Easter Monday of several years, 25 April, 1 May, 8 December on working days.
        for d in [
            day(2024, 4, 1),
            day(2025, 4, 21),
            day(2026, 4, 6),
            day(2027, 3, 29),
            day(2025, 4, 25),
            day(2024, 5, 1),
            day(2025, 12, 8),
            day(2025, 1, 6),
        ] {
            let slots = free_slots_on(store.conn(), "altro", d, at(2024, 1, 1, 8, 0)).unwrap();
            assert!(
                slots.is_empty(),
                "{d} is a public holiday: {:?}",
                starts(&slots)
            );
        }
        // From Saturday 30 March 2024 the next slot skips Sunday and Easter Monday.
        let next = next_free_slots(store.conn(), "altro", at(2024, 3, 30, 10, 0), 3).unwrap();
        assert_eq!(
            starts(&next),
            ["2024-04-02 14:00", "2024-04-02 14:30", "2024-04-02 15:00"]
        );
        // A desk closure (the patron saint, say) removes the day too.
        add_closure(
            store.conn_mut(),
            "GRO",
            day(2024, 4, 2),
            "chiusura straordinaria",
            "op",
            Now::read(),
        )
        .unwrap();
        let next = next_free_slots(store.conn(), "altro", at(2024, 3, 30, 10, 0), 1).unwrap();
        assert_eq!(starts(&next), ["2024-04-03 14:00"]);
        let err = book(
            store.conn_mut(),
            &new("altro", day(2024, 4, 2), "14:00"),
            "op",
            at(2024, 3, 30, 10, 0),
        )
        .unwrap_err();
        assert_eq!(err.code(), "invalid", "no booking on a closed day: {err}");
        assert_eq!(reason(&err), Some(Refusal::Closed), "{err}");
        assert!(
            matches!(&err, Error::Refused { detail: Some(d), .. } if !d.is_empty()),
            "the closure's name travels with the refusal: {err:?}"
        );
        assert_eq!(
            closed_day(store.conn(), "GRO", day(2024, 4, 2))
                .unwrap()
                .map(|c| c.detail()),
            Some("chiusura straordinaria".into())
        );
        // A holiday travels as its code, for the interface to name in its language.
        let err = book(
            store.conn_mut(),
            &new("altro", day(2024, 4, 1), "14:00"),
            "op",
            at(2024, 3, 30, 10, 0),
        )
        .unwrap_err();
        assert!(
            matches!(&err, Error::Refused { detail: Some(d), .. } if d == "holiday:pasquetta"),
            "{err:?}"
        );
        assert!(err.to_string().contains("Pasquetta"), "{err}");
        remove_closure(store.conn_mut(), "GRO", day(2024, 4, 2), "op", Now::read()).unwrap();
        assert_eq!(
            closed_reason(store.conn(), "GRO", day(2024, 4, 2)).unwrap(),
            None,
            "the day is open again"
        );
    }

    #[test]
    fn past_slots_are_not_offered_nor_bookable() {
        let mut store = store("GRO");
        let now = at(2024, 4, 2, 15, 10);
        let next = next_free_slots(store.conn(), "rinnovo_permesso", now, 2).unwrap();
        assert_eq!(starts(&next), ["2024-04-02 15:30", "2024-04-02 16:00"]);
        let err = book(
            store.conn_mut(),
            &new("altro", day(2024, 4, 2), "15:00"),
            "op",
            now,
        )
        .unwrap_err();
        assert_eq!(reason(&err), Some(Refusal::Past), "{err}");
        let err = book(
            store.conn_mut(),
            &new("altro", day(2024, 4, 2), "15:45"),
            "op",
            now,
        )
        .unwrap_err();
        assert_eq!(reason(&err), Some(Refusal::NotASlot), "{err}");
        let err = book(
            store.conn_mut(),
            &new("altro", day(2024, 4, 2), "3pm"),
            "op",
            now,
        )
        .unwrap_err();
        assert_eq!(reason(&err), Some(Refusal::BadTime), "{err}");
        let far = new("altro", day(2025, 4, 8), "15:00");
        let err = book(store.conn_mut(), &far, "op", now).unwrap_err();
        assert_eq!(reason(&err), Some(Refusal::TooFar), "a year too far: {err}");
    }
}
