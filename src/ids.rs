//! Identifiers and timestamps of travelling records.
//!
//! Ids are UUIDv7: time-ordered, so ids sort by creation and index well, and unique
//! across desks without coordination. Callers pass the clock in.

use chrono::{DateTime, SecondsFormat, Utc};
use uuid::Uuid;

/// A new UUIDv7 for a record created at `now`.
pub fn new_id(now: DateTime<Utc>) -> String {
    let ts = uuid::Timestamp::from_unix(
        uuid::NoContext,
        now.timestamp().max(0) as u64,
        now.timestamp_subsec_nanos(),
    );
    Uuid::new_v7(ts).to_string()
}

/// `now` as stored in the database: RFC 3339, UTC, milliseconds.
pub fn timestamp(now: DateTime<Utc>) -> String {
    now.to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn ids_are_version_7_and_ordered_by_time() {
        let a = new_id(Utc.with_ymd_and_hms(2024, 1, 1, 9, 0, 0).unwrap());
        let b = new_id(Utc.with_ymd_and_hms(2024, 1, 1, 9, 0, 1).unwrap());
        assert_eq!(Uuid::parse_str(&a).unwrap().get_version_num(), 7);
        assert!(
            a < b,
            "a later id must sort after an earlier one: {a} vs {b}"
        );
    }

    #[test]
    fn timestamps_are_utc_rfc3339() {
        let t = Utc.with_ymd_and_hms(2024, 3, 5, 8, 7, 6).unwrap();
        assert_eq!(timestamp(t), "2024-03-05T08:07:06.000Z");
    }
}
