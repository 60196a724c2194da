//! When the app reminds the operator of the day's export: near the end of the
//! front-office hours, and when the window closes with records not exported.
//!
//! The rule is here so the window only shows what the core decides: the offer holds
//! from [`OFFER_MINUTES`] before today's last front-office closing time to midnight
//! (a day with back-office hours only takes their end), and only while own records
//! wait for an export. The demo database is never reminded: its records never travel.

use chrono::{Datelike, NaiveDate, NaiveTime, Timelike};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::desk::{self, Hours};
use crate::exchange::export;
use crate::{Now, Result, demo};

/// How long before the front office closes the export is offered.
pub const OFFER_MINUTES: u32 = 15;

/// The day's export, offered with one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosingOffer {
    /// Today's closing time ("HH:MM").
    pub closes: String,
    /// Own records not exported yet.
    pub records: i64,
}

/// Own records not exported yet, as the window asks before it closes: 0 before the
/// first-run setup and on the demo database.
pub fn unexported_on_close(conn: &Connection, today: NaiveDate) -> Result<i64> {
    if desk::own(conn)?.is_none() || demo::is_demo(conn)? {
        return Ok(0);
    }
    Ok(export::pending(conn, today)?.records)
}

/// The latest closing time among `hours` on ISO weekday `weekday`.
fn closing_time(hours: &[Hours], weekday: u8) -> Option<NaiveTime> {
    hours
        .iter()
        .filter(|h| h.weekday == weekday)
        .filter_map(|h| NaiveTime::parse_from_str(&h.closes, "%H:%M").ok())
        .max()
}

/// The export to offer at `now`, if it is `minutes` or less before today's closing
/// time (or after it) and records wait.
pub fn closing_offer(conn: &Connection, now: Now, minutes: u32) -> Result<Option<ClosingOffer>> {
    let records = unexported_on_close(conn, now.today())?;
    let Some(desk) = desk::own(conn)? else {
        return Ok(None);
    };
    if records == 0 {
        return Ok(None);
    }
    let weekday = now.local().weekday().number_from_monday() as u8;
    let Some(closes) = closing_time(&desk.front_office, weekday)
        .or_else(|| closing_time(&desk.back_office, weekday))
    else {
        return Ok(None);
    };
    let minute_of = |t: NaiveTime| t.hour() * 60 + t.minute();
    let now_minute = minute_of(now.local().time());
    Ok(
        (now_minute + minutes >= minute_of(closes)).then(|| ClosingOffer {
            closes: closes.format("%H:%M").to_string(),
            records,
        }),
    )
}
