//! How complete a year's figures are, per desk: the front-office opening days without
//! any record, and the export files of the desk that never arrived here, so nobody
//! publishes incomplete figures without knowing it.
//!
//! A desk's opening days are the weekdays of its front-office hours (the own desk's
//! stored hours; for another desk its stored hours, else its preset's), minus the
//! Italian public holidays and the desk's own recorded closures; in the current year
//! only the days up to today count. A desk without front-office hours (Scansano works by
//! video call) has no opening days to check: that is said (`opening_days` is `None`),
//! not guessed. A day counts as one with records when the desk has a live access dated
//! that day; withdrawn accesses do not count.
//!
//! Missing files come from the import log: export sequence numbers below the highest
//! one received that never arrived. The sequence runs across years, so a missing file
//! may hold records of any year and is shown in every year's check. The own desk's files
//! are its own exports: nothing of them can be missing here. A desk never imported from
//! (the demo's, whose records were written straight in) has no known sequence and no
//! missing files.

use std::collections::{BTreeSet, HashMap};

use chrono::{Datelike, Days, NaiveDate};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::appointments::{self, holidays};
use crate::register::figures;
use crate::{Result, cases, desk, exchange, limits};

/// At most this many dates are listed in a one-line summary; the rest is "...".
pub const LISTED_DAYS: usize = 5;

/// How complete the records of one desk are in a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeskCompleteness {
    pub desk: String,
    /// Whether this is the installation's own desk.
    pub own: bool,
    /// The front-office opening days checked (up to today in the current year);
    /// `None` when no front-office hours are known for the desk: nothing is checked.
    pub opening_days: Option<u32>,
    /// Of the opening days, those with at least one live access.
    pub days_with_records: u32,
    /// The opening days without any live access, in date order (YYYY-MM-DD).
    pub days_without_records: Vec<NaiveDate>,
    /// The desk's export sequence numbers never received here, ascending.
    pub missing_files: Vec<i64>,
}

impl DeskCompleteness {
    /// No opening day without records and no file missing.
    pub fn is_complete(&self) -> bool {
        self.days_without_records.is_empty() && self.missing_files.is_empty()
    }

    /// The gaps in one line of English, or `None` when there is none: "file 37
    /// missing; 3 opening days without records (02/05/2023, 04/05/2023, 09/05/2023)".
    pub fn gaps(&self) -> Option<String> {
        if self.is_complete() {
            return None;
        }
        let mut parts = Vec::new();
        match self.missing_files.as_slice() {
            [] => {}
            [one] => parts.push(format!("file {one} missing")),
            many => {
                let list: Vec<String> = many.iter().map(i64::to_string).collect();
                parts.push(format!("files {} missing", list.join(", ")));
            }
        }
        let days = &self.days_without_records;
        if !days.is_empty() {
            let mut listed: Vec<String> = days
                .iter()
                .take(LISTED_DAYS)
                .map(|d| appointments::format_day(*d))
                .collect();
            if days.len() > LISTED_DAYS {
                listed.push("...".into());
            }
            let noun = if days.len() == 1 { "day" } else { "days" };
            parts.push(format!(
                "{} opening {noun} without records ({})",
                days.len(),
                listed.join(", ")
            ));
        }
        if self.opening_days.is_none() {
            parts.push("no front-office hours, opening days not checked".into());
        }
        Some(parts.join("; "))
    }
}

/// The completeness of `year` for every desk with records in it (live accesses or
/// cases), and the own desk, by code. `today` ends the days checked in the current year.
pub fn completeness(
    conn: &Connection,
    year: i32,
    today: NaiveDate,
) -> Result<Vec<DeskCompleteness>> {
    let (first, last) = limits::year_days(year)?;

    let mut recorded: HashMap<String, BTreeSet<NaiveDate>> = HashMap::new();
    for (code, day) in figures::days_with_accesses(conn, first, last)? {
        recorded.entry(code).or_default().insert(day);
    }
    let own = desk::own(conn)?.map(|d| d.code);
    let mut codes: BTreeSet<String> = recorded.keys().cloned().collect();
    for (code, c) in cases::counts_by_desk(conn, year)? {
        if c.total > 0 || c.fast > 0 {
            codes.insert(code);
        }
    }
    codes.extend(own.clone());

    let mut missing: HashMap<String, Vec<i64>> = exchange::import::sequences(conn)?
        .into_iter()
        .map(|s| (s.desk, s.missing))
        .collect();
    let end = last.min(today);
    let mut out = Vec::new();
    for code in codes {
        let is_own = own.as_deref() == Some(code.as_str());
        let days = recorded.remove(&code).unwrap_or_default();
        let open = match front_office_weekdays(conn, &code, is_own)? {
            Some(weekdays) => Some(opening_days(conn, &code, &weekdays, first, end)?),
            None => None,
        };
        let (opening, with, without) = match &open {
            Some(open) => {
                let (with, without): (Vec<NaiveDate>, Vec<NaiveDate>) =
                    open.iter().partition(|d| days.contains(d));
                (Some(open.len() as u32), with.len() as u32, without)
            }
            None => (None, 0, Vec::new()),
        };
        let missing_files = if is_own {
            Vec::new()
        } else {
            missing.remove(&code).unwrap_or_default()
        };
        out.push(DeskCompleteness {
            desk: code,
            own: is_own,
            opening_days: opening,
            days_with_records: with,
            days_without_records: without,
            missing_files,
        });
    }
    Ok(out)
}

/// The weekdays (1 = Monday) of the desk's front-office hours, or `None` when none are
/// known. The own desk's are its stored hours, as set up here; another desk's are the
/// hours stored for it if any, else its preset's (a desk known only by its code).
fn front_office_weekdays(conn: &Connection, code: &str, own: bool) -> Result<Option<Vec<u8>>> {
    let stored = desk::get(conn, code)?.map(|d| d.front_office);
    let hours = match stored {
        Some(h) if own || !h.is_empty() => h,
        _ => desk::presets()
            .into_iter()
            .find(|p| p.code == code)
            .map(|p| p.front_office)
            .unwrap_or_default(),
    };
    let mut weekdays: Vec<u8> = hours.into_iter().map(|h| h.weekday).collect();
    weekdays.sort_unstable();
    weekdays.dedup();
    Ok((!weekdays.is_empty()).then_some(weekdays))
}

/// The days from `first` to `end` on one of `weekdays`, neither a public holiday nor
/// one of the desk's recorded closures, in date order.
fn opening_days(
    conn: &Connection,
    code: &str,
    weekdays: &[u8],
    first: NaiveDate,
    end: NaiveDate,
) -> Result<Vec<NaiveDate>> {
    let closed: BTreeSet<NaiveDate> = appointments::closures(conn, code, first)?
        .into_iter()
        .map(|c| c.day)
        .filter(|d| *d <= end)
        .chain(
            holidays::holidays_of(first.year())
                .into_iter()
                .map(|(d, _)| d),
        )
        .collect();
    let mut out = Vec::new();
    let mut day = first;
    while day <= end {
        let weekday = day.weekday().number_from_monday() as u8;
        if weekdays.contains(&weekday) && !closed.contains(&day) {
            out.push(day);
        }
        day = day + Days::new(1);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Now, Store};
    use rusqlite::params;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2023, m, day).unwrap()
    }

    fn now() -> Now {
        Now::at(d(6, 1).and_hms_opt(10, 0, 0).unwrap(), 2)
    }

    /// GRO known as another desk, FOL the own desk (the last one set).
    fn store() -> Store {
        let mut store = Store::open_in_memory().unwrap();
        for preset in desk::presets().into_iter().take(2) {
            desk::set_own(store.conn_mut(), &preset, now().utc()).unwrap();
        }
        store
    }

    /// A live access of `desk` on `day`, written straight in SQL: these tests are about
    /// the days, not the recording rules.
    fn put(store: &Store, id: &str, desk: &str, day: NaiveDate, deleted: bool) {
        store
            .conn()
            .execute(
                "INSERT INTO accesses (id, desk, revision, deleted, date, hour, channel, nationality,
                     sex, age_band, first_access, referred_by, permit, accompaniment, mediation,
                     created_at, updated_at, change_seq)
                 VALUES (?1, ?2, 1, ?4, ?3, 10, 'sportello', 'MA', 'femmina', '30-39', 0,
                     'altro', 'nessuno', 0, 0, ?1, ?1, 1)",
                params![id, desk, day.to_string(), deleted],
            )
            .unwrap();
    }

    fn imported(store: &Store, desk: &str, sequence: i64) {
        store
            .conn()
            .execute(
                "INSERT INTO imports (imported_at, file_name, file_sha256, export_id, desk,
                     sequence, outcome)
                 VALUES ('2023-06-01T08:00:00Z', ?1, ?1, ?1, ?2, ?3, 'imported')",
                params![format!("{desk}-{sequence}"), desk, sequence],
            )
            .unwrap();
    }

    fn of<'a>(all: &'a [DeskCompleteness], code: &str) -> &'a DeskCompleteness {
        all.iter()
            .find(|c| c.desk == code)
            .expect("the desk is listed")
    }

    #[test]
    fn opening_days_follow_the_hours_holidays_and_closures_up_to_today() {
        let mut store = store();
        // Follonica opens Tuesday and Thursday. April 2023: Tuesdays 4, 11, 18, 25
        // (25 April is Liberation Day), Thursdays 6, 13, 20, 27; closed on 13 April.
        appointments::add_closure(store.conn_mut(), "FOL", d(4, 13), "formazione", "op", now())
            .unwrap();
        put(&store, "a1", "FOL", d(4, 4), false);
        put(&store, "a2", "FOL", d(4, 6), false);
        put(&store, "a3", "FOL", d(4, 6), false);
        // a Monday: not an opening day, it neither counts nor fills one
        put(&store, "a4", "FOL", d(4, 3), false);
        // only a withdrawn access on the 11th: a day without records
        put(&store, "a5", "FOL", d(4, 11), true);
        let all = completeness(store.conn(), 2023, d(4, 28)).unwrap();
        let fol = of(&all, "FOL");
        assert!(fol.own);
        // 1 January to 28 April: 17 Tuesdays and 17 Thursdays, less 25 April and 13 April
        assert_eq!(fol.opening_days, Some(32));
        assert_eq!(fol.days_with_records, 2, "4 and 6 April");
        assert!(
            fol.days_without_records.contains(&d(4, 11)),
            "withdrawn only"
        );
        assert!(!fol.days_without_records.contains(&d(4, 13)), "a closure");
        assert!(!fol.days_without_records.contains(&d(4, 25)), "a holiday");
        assert_eq!(fol.days_without_records.last(), Some(&d(4, 27)));
        assert!(
            fol.missing_files.is_empty(),
            "the own desk's files are its own"
        );
        assert_eq!(
            all.len(),
            1,
            "GRO has no records in 2023: not listed ({all:?})"
        );
    }

    #[test]
    fn missing_files_come_from_the_import_log_and_days_from_the_preset() {
        let store = store();
        for seq in [1, 3, 5] {
            imported(&store, "GRO", seq);
        }
        // Grosseto's front office: Monday to Thursday. 2-5 January 2023, one record a day.
        for (i, day) in [2, 3, 4, 5].into_iter().enumerate() {
            put(&store, &format!("g{i}"), "GRO", d(1, day), false);
        }
        let all = completeness(store.conn(), 2023, d(1, 4)).unwrap();
        let gro = of(&all, "GRO");
        assert!(!gro.own);
        assert_eq!(gro.missing_files, [2, 4], "2 and 4 of 5");
        assert_eq!(
            (gro.opening_days, gro.days_with_records),
            (Some(3), 3),
            "the preset's weekdays up to today: 2 to 4 January"
        );
        assert_eq!(gro.gaps().as_deref(), Some("files 2, 4 missing"));
        let fol = of(&all, "FOL");
        assert_eq!(fol.opening_days, Some(1), "Tuesday 3 January");
        assert_eq!(
            fol.gaps().as_deref(),
            Some("1 opening day without records (03/01/2023)")
        );
    }

    #[test]
    fn a_desk_without_front_office_hours_is_not_checked_and_a_later_year_has_no_days() {
        let store = store();
        desk::ensure_known(store.conn(), "SCA", now().utc()).unwrap();
        put(&store, "s1", "SCA", d(3, 1), false);
        imported(&store, "SCA", 2);
        let all = completeness(store.conn(), 2023, d(12, 31)).unwrap();
        let sca = of(&all, "SCA");
        assert_eq!(sca.opening_days, None, "Scansano works by video call");
        assert!(sca.days_without_records.is_empty());
        assert_eq!(
            sca.gaps().as_deref(),
            Some("file 1 missing; no front-office hours, opening days not checked")
        );
        let fol = of(&all, "FOL");
        let gaps = fol.gaps().unwrap();
        assert!(
            gaps.starts_with("101 opening days without records (03/01/2023, 05/01/2023, "),
            "{gaps}"
        );
        assert!(gaps.ends_with(", ...)"), "five dates at most: {gaps}");

        let next = completeness(store.conn(), 2024, d(12, 31)).unwrap();
        let fol = of(&next, "FOL");
        assert_eq!(
            fol.opening_days,
            Some(0),
            "2024 has not begun on 31/12/2023"
        );
        assert!(fol.is_complete() && fol.gaps().is_none());
        assert!(
            completeness(store.conn(), 1800, d(12, 31)).is_err(),
            "out of limits"
        );
    }
}
