//! The moment of a request, read once by the adapter and passed into the core.
//!
//! The core never asks the clock: the desktop shell and the command line read it (one
//! call each) and hand a [`Now`] to every function that needs the time. A `Now` holds
//! the instant together with the desk's UTC offset at that instant, so "today" and "this
//! hour" are the desk's local ones while timestamps are written in UTC, and the two can
//! never disagree (a local date taken from one reading and an instant from another could
//! straddle midnight). Tests build any moment they need with [`Now::at`].

use chrono::{DateTime, FixedOffset, Local, NaiveDate, NaiveDateTime, Timelike, Utc};

/// One reading of the clock: the instant and the desk's local time at that instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Now(DateTime<FixedOffset>);

impl Now {
    /// Reads this machine's clock and time zone. Only adapters call this.
    pub fn read() -> Now {
        Now(Local::now().fixed_offset())
    }

    /// A given local moment (with its offset from UTC).
    pub fn new(local: DateTime<FixedOffset>) -> Now {
        Now(local)
    }

    /// The local moment `local` at `offset_hours` east of UTC (for tests and the CLI's
    /// `--today`). Panics on an offset beyond a day, which no time zone has.
    pub fn at(local: NaiveDateTime, offset_hours: i32) -> Now {
        let offset = FixedOffset::east_opt(offset_hours * 3600).expect("offset within a day");
        Now(local
            .and_local_timezone(offset)
            .single()
            .expect("a fixed offset maps every local time once"))
    }

    /// The instant, in UTC: what timestamps and ids are made of.
    pub fn utc(&self) -> DateTime<Utc> {
        self.0.with_timezone(&Utc)
    }

    /// The local moment with its offset.
    pub fn local(&self) -> DateTime<FixedOffset> {
        self.0
    }

    /// The desk's calendar day.
    pub fn today(&self) -> NaiveDate {
        self.0.date_naive()
    }

    /// The desk's hour, 0 to 23.
    pub fn hour(&self) -> u32 {
        self.0.hour()
    }
}

impl From<DateTime<FixedOffset>> for Now {
    fn from(local: DateTime<FixedOffset>) -> Now {
        Now(local)
    }
}

impl From<DateTime<Utc>> for Now {
    /// The instant as seen by a desk on UTC (tools and tests that need no local day).
    fn from(instant: DateTime<Utc>) -> Now {
        Now(instant.fixed_offset())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_the_local_day_while_the_instant_is_utc() {
        // 00:30 on 2 January in Italy (UTC+1) is still 1 January in UTC.
        let local = NaiveDate::from_ymd_opt(2024, 1, 2)
            .unwrap()
            .and_hms_opt(0, 30, 0)
            .unwrap();
        let now = Now::at(local, 1);
        assert_eq!(now.today(), NaiveDate::from_ymd_opt(2024, 1, 2).unwrap());
        assert_eq!(now.hour(), 0);
        assert_eq!(
            now.utc().date_naive(),
            NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(),
            "the instant is the previous UTC day"
        );
    }
}
