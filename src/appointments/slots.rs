//! The arithmetic of slots on one day, without a database: times as minutes after
//! midnight, the starts a kind's slot length offers within the back-office hours, the
//! overlap of two intervals, and whether a slot has begun. [`super::calendar`] feeds it
//! a real day (the desk's hours, its closures, its bookings).
//!
//! A slot is a half-open interval `[start, end)` in minutes: one ending at 14:30 and
//! one starting at 14:30 do not overlap.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Timelike};

use super::Slot;
use crate::desk::Hours;

/// A time of day, in minutes after midnight: (start, end) of a slot.
pub type Interval = (u32, u32);

/// Minutes after midnight of a time written exactly "HH:MM".
pub fn minutes_of(hhmm: &str) -> Option<u32> {
    if hhmm.len() != 5 {
        return None;
    }
    let t = NaiveTime::parse_from_str(hhmm, "%H:%M").ok()?;
    Some(t.hour() * 60 + t.minute())
}

/// "HH:MM" of `minutes` after midnight.
pub fn hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// The step between offered starts: the slot length, but at most half an hour, so a
/// long slot can still start on the half hour after a short one.
fn grid(slot_minutes: u32) -> u32 {
    slot_minutes.min(30)
}

/// Every slot of `slot_minutes` that fits within the hours of `weekday` (1 = Monday),
/// free or not, in order. A slot never straddles a break between two periods.
pub fn candidates(hours: &[Hours], weekday: u8, slot_minutes: u32) -> Vec<Interval> {
    let mut out = Vec::new();
    for period in hours.iter().filter(|h| h.weekday == weekday) {
        let (Some(opens), Some(closes)) = (minutes_of(&period.opens), minutes_of(&period.closes))
        else {
            continue;
        };
        let mut start = opens;
        while start + slot_minutes <= closes {
            out.push((start, start + slot_minutes));
            start += grid(slot_minutes);
        }
    }
    out
}

/// Whether `slot` overlaps any of `taken`.
pub fn overlaps(slot: Interval, taken: &[Interval]) -> bool {
    let (start, end) = slot;
    taken.iter().any(|(ts, te)| *ts < end && start < *te)
}

/// Whether the slot starting at `start` minutes on `day` has begun at `now` (the desk's
/// local time): a slot starting this very minute is past.
pub fn has_begun(day: NaiveDate, start: u32, now: NaiveDateTime) -> bool {
    let starts = NaiveTime::from_hms_opt(start / 60, start % 60, 0).expect("a time of day");
    NaiveDateTime::new(day, starts) <= now
}

/// The slots of `candidates` on `day` that have not begun at `now` and overlap none of
/// `taken`.
pub fn free(
    day: NaiveDate,
    candidates: &[Interval],
    taken: &[Interval],
    now: NaiveDateTime,
) -> Vec<Slot> {
    candidates
        .iter()
        .filter(|(s, _)| !has_begun(day, *s, now))
        .filter(|slot| !overlaps(**slot, taken))
        .map(|(s, e)| Slot {
            day,
            starts: hhmm(*s),
            ends: hhmm(*e),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appointments::test_support::day;

    fn hours(weekday: u8, opens: &str, closes: &str) -> Hours {
        Hours {
            weekday,
            opens: opens.into(),
            closes: closes.into(),
        }
    }

    fn at(d: NaiveDate, h: u32, m: u32) -> NaiveDateTime {
        d.and_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn times_are_read_only_as_hh_mm() {
        assert_eq!(minutes_of("14:30"), Some(870));
        assert_eq!(minutes_of("00:00"), Some(0));
        for bad in ["3pm", "9:00", "24:00", "14:3O", " 14:30"] {
            assert_eq!(minutes_of(bad), None, "{bad:?} is not HH:MM");
        }
        assert_eq!(hhmm(870), "14:30");
        assert_eq!(hhmm(9 * 60), "09:00");
    }

    #[test]
    fn candidates_fill_the_hours_on_a_half_hour_grid() {
        let tuesday = [hours(2, "14:00", "18:00"), hours(3, "09:00", "10:00")];
        let half = candidates(&tuesday, 2, 30);
        assert_eq!(half.len(), 8, "14-18 holds eight half hours");
        assert_eq!(half[0], (840, 870));
        assert_eq!(half[7].1, 18 * 60, "the last slot ends at closing time");
        let hour = candidates(&tuesday, 2, 60);
        assert_eq!(hour.len(), 7, "an hour-long slot starts on every half hour");
        assert_eq!(hour.last(), Some(&(17 * 60, 18 * 60)));
        let short = candidates(&tuesday, 3, 20);
        assert_eq!(
            short,
            [(540, 560), (560, 580), (580, 600)],
            "a short slot steps by its own length"
        );
        assert!(
            candidates(&tuesday, 6, 30).is_empty(),
            "no hours on Saturday"
        );
    }

    #[test]
    fn a_slot_never_straddles_a_break() {
        let friday = [hours(5, "09:00", "13:00"), hours(5, "14:00", "18:00")];
        let hour = candidates(&friday, 5, 60);
        assert!(
            !hour.iter().any(|(s, _)| *s == 12 * 60 + 30),
            "12:30-13:30 would cross the 13-14 break: {hour:?}"
        );
        assert_eq!(candidates(&friday, 5, 30).len(), 16);
        assert!(
            candidates(&[hours(5, "9", "13:00")], 5, 30).is_empty(),
            "hours not written HH:MM offer nothing"
        );
    }

    #[test]
    fn overlaps_are_half_open() {
        let taken = [(840, 870)];
        assert!(overlaps((840, 870), &taken));
        assert!(overlaps((855, 915), &taken), "a partial overlap counts");
        assert!(!overlaps((870, 900), &taken), "touching is not overlapping");
        assert!(!overlaps((810, 840), &taken));
    }

    #[test]
    fn free_slots_skip_what_began_and_what_is_taken() {
        let d = day(2024, 4, 2);
        let all = candidates(&[hours(2, "14:00", "16:00")], 2, 30);
        let slots = free(d, &all, &[(900, 930)], at(d, 14, 10));
        let starts: Vec<&str> = slots.iter().map(|s| s.starts.as_str()).collect();
        assert_eq!(
            starts,
            ["14:30", "15:30"],
            "14:00 has begun, 15:00 is taken"
        );
        assert!(
            free(d, &all, &[], at(d + chrono::Days::new(1), 8, 0)).is_empty(),
            "a past day has no free slot"
        );
        assert_eq!(
            free(d, &all, &[], at(d - chrono::Days::new(1), 20, 0)).len(),
            4
        );
        assert!(
            has_begun(d, 14 * 60, at(d, 14, 0)),
            "a slot starting now is past"
        );
        assert!(!has_begun(d, 14 * 60, at(d, 13, 59)));
    }
}
