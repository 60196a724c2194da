//! Back-office appointments: kinds and their documents, bookable slots, bookings and
//! their outcome, the day agenda, and the erasure of personal data after retention.
//!
//! One file per concern: [`kinds`] (kinds, documents to bring, slot length),
//! [`holidays`] and [`closures`] (the days the desk is closed), [`slots`] (the pure
//! arithmetic of slots on a day), [`calendar`] (a real day of this desk: its hours,
//! closures and bookings turned into free slots), [`booking`] (book, move, cancel,
//! mark, look up) and [`retention`] (the retention setting, the purge, the anonymous
//! counts). Everything is re-exported here, so callers write `appointments::book`.
//!
//! Invariants:
//! - Bookable slots come from the desk's back-office hours, minus the Italian public
//!   holidays (computed, [`holidays`]) and the desk's own closures; a slot is as long
//!   as its kind's `slot_minutes`.
//! - No two live (not cancelled) appointments of a desk overlap: the database refuses
//!   it (triggers of 0001), and every booking runs in an IMMEDIATE transaction so two
//!   operators (or the app and the CLI) booking at once meet the trigger one after the
//!   other and the second is refused with [`Refusal::Taken`] (code `conflict`).
//! - Name and phone are optional (a walk-in without either is bookable), stay on this
//!   machine, and are erased `retention_days` after the appointment day (default 90).
//!   The row stays, without them, so the counts by kind and outcome survive; each purge
//!   writes one audit row with how many were erased.
//! - Every change and its audit row are written in one transaction.
//! - Times: every function that needs the time takes a [`crate::Now`], read once by
//!   the adapter: its local date and time decide which slots are past, its instant
//!   stamps the rows. Nothing here reads the clock.
//! - This module decides which languages a slip can be asked in ([`SLIP_LANGUAGES`]);
//!   printing reads that list, never the other way round.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use crate::error::Refusal;
use crate::{Error, Result, desk};

pub mod booking;
pub mod calendar;
pub mod closures;
pub mod holidays;
pub mod kinds;
pub mod retention;
pub mod slots;

pub use booking::{
    CODE_ALPHABET, CODE_LENGTH, agenda, book, cancel, find_by_code, for_access, get, mark,
    normalize_code, reschedule,
};
pub use calendar::{BOOKING_HORIZON_DAYS, SEARCH_DAYS, free_slots_on, next_free_slots};
pub use closures::{ClosedDay, add_closure, closed_day, closed_reason, closures, remove_closure};
pub use kinds::{kind, kinds, set_documents, set_slot_minutes};
pub use retention::{
    Count, DEFAULT_RETENTION_DAYS, PurgeReport, RETENTION_SETTING, counts, purge, retention_days,
    seal_stored, set_retention_days,
};

/// The languages a slip can be asked in, Italian first: a booking stores one of these
/// codes, and printing holds a translation for each.
pub const SLIP_LANGUAGES: &[&str] = &["it", "en", "fr", "ar", "ro", "sq", "uk"];

/// Whether a slip can be asked in `code`.
pub fn is_slip_language(code: &str) -> bool {
    SLIP_LANGUAGES.contains(&code)
}

/// A kind of back-office appointment, with its documents to bring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Kind {
    pub code: String,
    pub label_it: String,
    pub label_en: String,
    pub slot_minutes: u32,
    pub active: bool,
    pub documents: Vec<String>,
}

/// A bookable slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub day: NaiveDate,
    /// "HH:MM"
    pub starts: String,
    /// "HH:MM"
    pub ends: String,
}

/// Where an appointment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Booked,
    Attended,
    NoShow,
    Cancelled,
}

impl Status {
    /// The stable name, as stored and serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Booked => "booked",
            Status::Attended => "attended",
            Status::NoShow => "no_show",
            Status::Cancelled => "cancelled",
        }
    }

    fn parse(s: &str) -> Status {
        match s {
            "attended" => Status::Attended,
            "no_show" => Status::NoShow,
            "cancelled" => Status::Cancelled,
            _ => Status::Booked,
        }
    }
}

/// The outcome of an appointment, marked on or after its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Attended,
    NoShow,
}

/// A booking, as entered (one `NewAppointment` per write).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAppointment {
    pub kind: String,
    pub day: NaiveDate,
    /// "HH:MM": the start of a slot offered by [`next_free_slots`] or [`free_slots_on`].
    pub starts: String,
    /// Optional: a walk-in without a name or phone is bookable.
    #[serde(default)]
    pub person_name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    /// The slip's second language (one of [`SLIP_LANGUAGES`]); "it" for Italian only.
    pub language: String,
    /// The access being recorded when the booking was made, if any.
    #[serde(default)]
    pub access_id: Option<String>,
}

/// A stored appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    pub id: String,
    pub desk: String,
    pub kind: String,
    pub kind_label: String,
    pub day: NaiveDate,
    pub starts: String,
    pub ends: String,
    pub booking_code: String,
    pub person_name: Option<String>,
    pub phone: Option<String>,
    pub language: String,
    pub status: Status,
    pub access_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    /// Set when the personal data was erased after retention.
    pub purged_at: Option<String>,
}

/// A day the desk is closed besides the national holidays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub day: NaiveDate,
    pub reason: String,
}

/// dd/mm/yyyy, as every date the operator reads.
pub fn format_day(day: NaiveDate) -> String {
    day.format("%d/%m/%Y").to_string()
}

fn parse_day(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| Error::invalid("day", format!("'{s}' is not a date YYYY-MM-DD")))
}

/// This installation's desk, which every booking belongs to.
fn own_desk(conn: &rusqlite::Connection) -> Result<desk::Desk> {
    desk::own(conn)?.ok_or(Error::NoDesk)
}

/// What the tests of every part share: a store with a desk, moments in the desk's time.
#[cfg(test)]
pub(crate) mod test_support {
    use chrono::NaiveDate;

    use super::{NewAppointment, Slot};
    use crate::error::Refusal;
    use crate::{Error, Now, Store, desk};

    /// The desk's local time (CEST in spring and summer, CET in winter).
    pub fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> Now {
        let offset = if (4..=10).contains(&m) { 2 } else { 1 };
        Now::at(day(y, m, d).and_hms_opt(h, min, 0).unwrap(), offset)
    }

    pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    pub fn reason(err: &Error) -> Option<Refusal> {
        match err {
            Error::Refused { reason, .. } => Some(*reason),
            _ => None,
        }
    }

    /// An in-memory store whose own desk is the preset `desk_code`.
    pub fn store(desk_code: &str) -> Store {
        let mut store = Store::open_in_memory().unwrap();
        let d = desk::presets()
            .into_iter()
            .find(|d| d.code == desk_code)
            .unwrap();
        desk::set_own(store.conn_mut(), &d, chrono::Utc::now()).unwrap();
        store
    }

    pub fn new(kind: &str, d: NaiveDate, starts: &str) -> NewAppointment {
        NewAppointment {
            kind: kind.into(),
            day: d,
            starts: starts.into(),
            person_name: None,
            phone: None,
            language: "it".into(),
            access_id: None,
        }
    }

    pub fn starts(slots: &[Slot]) -> Vec<String> {
        slots
            .iter()
            .map(|s| format!("{} {}", s.day, s.starts))
            .collect()
    }

    /// Makes every audit write on `conn` fail, as a full disk or a broken log would:
    /// a change whose audit row cannot be written must not be stored either.
    pub fn refuse_audit(conn: &rusqlite::Connection) {
        conn.execute_batch(
            "CREATE TEMP TRIGGER refuse_audit BEFORE INSERT ON audit_log
             BEGIN SELECT RAISE(ABORT, 'audit refused'); END;",
        )
        .unwrap();
    }
}
