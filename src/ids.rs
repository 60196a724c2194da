//! Identifiers and timestamps of travelling records.
//!
//! Ids are random UUIDs (version 4): unique across desks without coordination, and
//! telling nothing. A time-ordered UUIDv7 would carry its creation instant to the
//! millisecond into every export; next to an appointment booked at that minute it could
//! point at a person. Ids written earlier as UUIDv7 stay valid: the export contract
//! asks only for a UUID. Nothing sorts by id to mean "created first".

use chrono::{DateTime, SecondsFormat, Utc};
use uuid::Uuid;

/// A new random id (UUIDv4) for a record or an export.
pub fn new_id() -> String {
    Uuid::new_v4().to_string()
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
    fn ids_are_random_version_4_and_distinct() {
        let ids: std::collections::HashSet<String> = (0..1000).map(|_| new_id()).collect();
        assert_eq!(ids.len(), 1000, "no two ids alike");
        for id in &ids {
            let uuid = Uuid::parse_str(id).unwrap();
            assert_eq!(uuid.get_version_num(), 4, "{id}");
            assert_eq!(uuid.get_variant(), uuid::Variant::RFC4122, "{id}");
        }
    }

    #[test]
    fn timestamps_are_utc_rfc3339() {
        let t = Utc.with_ymd_and_hms(2024, 3, 5, 8, 7, 6).unwrap();
        assert_eq!(timestamp(t), "2024-03-05T08:07:06.000Z");
    }
}
