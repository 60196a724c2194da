//! Italian national public holidays, computed (no table to keep up to date).
//!
//! The fixed days of Italian law (L. 260/1949 and later changes) plus Easter Monday,
//! found with the anonymous Gregorian computus (Meeus/Jones/Butcher). A desk's own
//! closing days (the patron saint, a training day) are `desk_closures` rows instead.

use chrono::{Datelike, Days, NaiveDate};

/// The fixed national holidays: (month, day, code, Italian name). The code is stable:
/// the interface names the holiday in its own language from it.
const FIXED: &[(u32, u32, &str, &str)] = &[
    (1, 1, "capodanno", "Capodanno"),
    (1, 6, "epifania", "Epifania"),
    (4, 25, "liberazione", "Festa della Liberazione"),
    (5, 1, "lavoro", "Festa del Lavoro"),
    (6, 2, "repubblica", "Festa della Repubblica"),
    (8, 15, "ferragosto", "Ferragosto"),
    (11, 1, "ognissanti", "Ognissanti"),
    (12, 8, "immacolata", "Immacolata Concezione"),
    (12, 25, "natale", "Natale"),
    (12, 26, "santo_stefano", "Santo Stefano"),
];

/// Easter Monday's code and Italian name.
const PASQUETTA: (&str, &str) = ("pasquetta", "Lunedì dell'Angelo (Pasquetta)");

/// A national holiday: its stable code (`ferragosto`) and its Italian name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Holiday {
    pub code: &'static str,
    pub name: &'static str,
}

/// Easter Sunday of `year` (Gregorian calendar).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("the computus yields a date")
}

/// Easter Monday (Lunedì dell'Angelo) of `year`.
pub fn easter_monday(year: i32) -> NaiveDate {
    easter_sunday(year) + Days::new(1)
}

/// The national holiday falling on `day`, if any. Sundays are not holidays here: the
/// desks are closed on Sundays through their hours anyway.
pub fn holiday(day: NaiveDate) -> Option<Holiday> {
    if day == easter_monday(day.year()) {
        let (code, name) = PASQUETTA;
        return Some(Holiday { code, name });
    }
    FIXED
        .iter()
        .find(|(m, d, _, _)| day.month() == *m && day.day() == *d)
        .map(|(_, _, code, name)| Holiday { code, name })
}

/// The Italian name of the national holiday falling on `day`, if any.
pub fn holiday_name(day: NaiveDate) -> Option<&'static str> {
    holiday(day).map(|h| h.name)
}

/// Every national holiday of `year`, in date order.
pub fn holidays_of(year: i32) -> Vec<(NaiveDate, &'static str)> {
    let mut all: Vec<(NaiveDate, &'static str)> = FIXED
        .iter()
        .map(|(m, d, _, name)| {
            (
                NaiveDate::from_ymd_opt(year, *m, *d).expect("fixed date"),
                *name,
            )
        })
        .collect();
    let monday = easter_monday(year);
    // In 2011 Easter Monday fell on 25 April: one day off, listed once.
    if !all.iter().any(|(day, _)| *day == monday) {
        all.push((monday, PASQUETTA.1));
    }
    all.sort();
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn easter_matches_the_published_dates() {
        // Easter Sundays as published (Gregorian), including the extremes 22 March / 25 April.
        for (year, m, day) in [
            (1818, 3, 22),
            (1943, 4, 25),
            (2019, 4, 21),
            (2023, 4, 9),
            (2024, 3, 31),
            (2025, 4, 20),
            (2026, 4, 5),
            (2027, 3, 28),
            (2038, 4, 25),
        ] {
            assert_eq!(easter_sunday(year), d(year, m, day), "Easter {year}");
        }
        assert_eq!(
            easter_monday(2024),
            d(2024, 4, 1),
            "Pasquetta 2024 is 1 April"
        );
        assert_eq!(easter_monday(2025), d(2025, 4, 21));
    }

    #[test]
    fn national_holidays_are_found_and_ordinary_days_are_not() {
        assert_eq!(
            holiday_name(d(2024, 4, 1)),
            Some("Lunedì dell'Angelo (Pasquetta)")
        );
        assert_eq!(
            holiday_name(d(2024, 4, 25)),
            Some("Festa della Liberazione")
        );
        assert_eq!(holiday_name(d(2024, 6, 2)), Some("Festa della Repubblica"));
        assert_eq!(holiday_name(d(2024, 12, 26)), Some("Santo Stefano"));
        assert_eq!(
            holiday_name(d(2024, 4, 2)),
            None,
            "Easter Tuesday is a working day"
        );
        assert_eq!(
            holiday_name(d(2025, 4, 1)),
            None,
            "1 April is only Pasquetta in 2024"
        );
        let year = holidays_of(2025);
        assert_eq!(year.len(), 11, "ten fixed holidays and Easter Monday");
        assert!(year.windows(2).all(|w| w[0].0 < w[1].0), "in date order");
        assert_eq!(holidays_of(2011).len(), 10, "2011: Pasquetta was 25 April");
    }

    #[test]
    fn every_holiday_has_its_own_code() {
        let year = holidays_of(2025);
        let mut codes: Vec<&str> = year
            .iter()
            .map(|(day, _)| holiday(*day).expect("a holiday").code)
            .collect();
        assert_eq!(holiday(d(2025, 8, 15)).unwrap().code, "ferragosto");
        assert_eq!(holiday(d(2024, 4, 1)).unwrap().code, "pasquetta");
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), year.len(), "{codes:?}");
    }
}
