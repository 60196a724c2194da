//! What the register screen needs around the access records themselves: the desk's
//! most frequent nationalities (offered first by the type-ahead), its usual channel
//! (the form's default), a day's counts by channel, the last access to repeat, and
//! undoing the last save.
//!
//! Everything here reads live (not deleted) accesses of one desk; writes go through
//! [`crate::accesses`], so undo leaves tombstones and audit rows like any deletion.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use crate::Result;

/// How far back "frequent" and "usual" look: a year of the desk's own accesses.
pub const LOOKBACK_DAYS: i64 = 365;

/// The nationality codes most frequent among this desk's live accesses dated from
/// `since` on, most frequent first (ties by code), at most `limit`.
pub fn frequent_nationalities(
    conn: &Connection,
    desk: &str,
    since: NaiveDate,
    limit: u32,
) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT nationality FROM accesses
         WHERE desk = ?1 AND deleted = 0 AND date >= ?2 AND nationality IS NOT NULL
         GROUP BY nationality ORDER BY COUNT(*) DESC, nationality LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![desk, since.to_string(), limit], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The channel this desk uses most among its live accesses dated from `since` on;
/// with no accesses yet, the first active channel of the codebook (in person).
/// Only active channels are proposed: a retired one cannot be recorded.
pub fn usual_channel(conn: &Connection, desk: &str, since: NaiveDate) -> Result<Option<String>> {
    let most_used: Option<String> = conn
        .query_row(
            "SELECT a.channel FROM accesses a
             JOIN codebook_entries c ON c.list = 'channel' AND c.code = a.channel AND c.active = 1
             WHERE a.desk = ?1 AND a.deleted = 0 AND a.date >= ?2
             GROUP BY a.channel ORDER BY COUNT(*) DESC, MIN(c.sort_order) LIMIT 1",
            params![desk, since.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    if most_used.is_some() {
        return Ok(most_used);
    }
    Ok(conn
        .query_row(
            "SELECT code FROM codebook_entries WHERE list = 'channel' AND active = 1
             ORDER BY sort_order, code LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?)
}

/// One channel's count in a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChannelCount {
    pub channel: String,
    pub count: u32,
}

/// A day's live accesses of a desk, counted as the report groups them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayCounts {
    pub date: NaiveDate,
    pub total: u32,
    /// In person and video call.
    pub front_desk: u32,
    /// Phone and email.
    pub phone_mail: u32,
    /// Every channel of the codebook that is active or was used that day, in
    /// codebook order, zeros included (so the screen's columns never jump).
    pub by_channel: Vec<ChannelCount>,
}

/// Counts the live accesses of `desk` on `date` by channel and report group.
pub fn day_counts(conn: &Connection, desk: &str, date: NaiveDate) -> Result<DayCounts> {
    let mut stmt = conn.prepare(
        "SELECT c.code, c.report_group,
                (SELECT COUNT(*) FROM accesses a
                 WHERE a.desk = ?1 AND a.date = ?2 AND a.deleted = 0 AND a.channel = c.code) AS n
         FROM codebook_entries c
         WHERE c.list = 'channel'
         ORDER BY c.sort_order, c.code",
    )?;
    let mut counts = DayCounts {
        date,
        total: 0,
        front_desk: 0,
        phone_mail: 0,
        by_channel: Vec::new(),
    };
    let rows = stmt.query_map(params![desk, date.to_string()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, u32>(2)?,
        ))
    })?;
    let active: Vec<String> = conn
        .prepare("SELECT code FROM codebook_entries WHERE list = 'channel' AND active = 1")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for row in rows {
        let (channel, group, count) = row?;
        if count == 0 && !active.contains(&channel) {
            continue;
        }
        counts.total += count;
        match group.as_deref() {
            Some("front_desk") => counts.front_desk += count,
            _ => counts.phone_mail += count,
        }
        counts.by_channel.push(ChannelCount { channel, count });
    }
    Ok(counts)
}

/// The id of the access this desk recorded last (by creation time), not deleted:
/// what "repeat last" copies into the form.
pub fn last_recorded_id(conn: &Connection, desk: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT id FROM accesses WHERE desk = ?1 AND deleted = 0 AND change_seq IS NOT NULL
             ORDER BY created_at DESC, id DESC LIMIT 1",
            [desk],
            |r| r.get(0),
        )
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Store, desk};
    use chrono::{DateTime, TimeZone, Utc};

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 3, 5, 9, 0, 0).unwrap()
    }

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 3, day).unwrap()
    }

    fn store() -> Store {
        let mut store = Store::open_in_memory().unwrap();
        for preset in desk::presets().into_iter().take(2) {
            desk::set_own(store.conn_mut(), &preset, now()).unwrap();
        }
        // FOL is the own desk; GRO stays known as another desk
        store
    }

    /// A minimal stored access, written straight in SQL: these tests are about the
    /// queries, not the recording rules.
    fn put(store: &Store, id: &str, desk: &str, date: NaiveDate, channel: &str, nat: &str) {
        store
            .conn()
            .execute(
                "INSERT INTO accesses (id, desk, revision, deleted, date, hour, channel, nationality,
                     sex, age_band, first_access, referred_by, permit, accompaniment, mediation,
                     created_at, updated_at, change_seq)
                 VALUES (?1, ?2, 1, 0, ?3, 10, ?4, ?5, 'femmina', '30-39', 0, 'altro', 'nessuno',
                     0, 0, ?1, ?1, 1)",
                params![id, desk, date.to_string(), channel, nat],
            )
            .unwrap();
    }

    fn delete(store: &Store, id: &str) {
        store
            .conn()
            .execute("UPDATE accesses SET deleted = 1 WHERE id = ?1", [id])
            .unwrap();
    }

    #[test]
    fn frequent_nationalities_rank_by_count_then_code() {
        let store = store();
        put(&store, "a1", "FOL", d(1), "sportello", "MA");
        put(&store, "a2", "FOL", d(2), "sportello", "RO");
        put(&store, "a3", "FOL", d(3), "sportello", "MA");
        put(&store, "a4", "FOL", d(3), "sportello", "AL");
        put(&store, "a5", "FOL", d(4), "sportello", "UA");
        put(&store, "a6", "FOL", d(4), "sportello", "UA");
        delete(&store, "a6");
        put(&store, "b1", "GRO", d(4), "sportello", "SN");
        put(&store, "b2", "GRO", d(4), "sportello", "SN");
        put(&store, "b3", "GRO", d(4), "sportello", "SN");
        let top = frequent_nationalities(store.conn(), "FOL", d(1), 3).unwrap();
        assert_eq!(
            top,
            ["MA", "AL", "RO"],
            "MA twice first; AL, RO, UA once each, by code; deleted and other desks' accesses ignored"
        );
        let recent = frequent_nationalities(store.conn(), "FOL", d(3), 10).unwrap();
        assert_eq!(
            recent,
            ["AL", "MA", "UA"],
            "only accesses dated from `since` count"
        );
    }

    #[test]
    fn usual_channel_is_the_most_used_active_one() {
        let store = store();
        assert_eq!(
            usual_channel(store.conn(), "FOL", d(1)).unwrap().as_deref(),
            Some("sportello"),
            "with no accesses the first channel of the codebook is proposed"
        );
        put(&store, "a1", "FOL", d(1), "telefono", "MA");
        put(&store, "a2", "FOL", d(2), "telefono", "MA");
        put(&store, "a3", "FOL", d(2), "sportello", "MA");
        assert_eq!(
            usual_channel(store.conn(), "FOL", d(1)).unwrap().as_deref(),
            Some("telefono")
        );
        crate::codebook::set_active(
            store.conn(),
            crate::codebook::List::Channel,
            "telefono",
            false,
        )
        .unwrap();
        assert_eq!(
            usual_channel(store.conn(), "FOL", d(1)).unwrap().as_deref(),
            Some("sportello"),
            "a retired channel is never proposed"
        );
    }

    #[test]
    fn day_counts_group_channels_like_the_report() {
        let store = store();
        put(&store, "a1", "FOL", d(5), "sportello", "MA");
        put(&store, "a2", "FOL", d(5), "sportello", "MA");
        put(&store, "a3", "FOL", d(5), "telefono", "MA");
        put(&store, "a4", "FOL", d(5), "videochiamata", "MA");
        put(&store, "a5", "FOL", d(5), "email", "MA");
        delete(&store, "a5");
        put(&store, "a6", "FOL", d(4), "email", "MA");
        put(&store, "b1", "GRO", d(5), "email", "MA");
        let c = day_counts(store.conn(), "FOL", d(5)).unwrap();
        assert_eq!(c.total, 4, "deleted, other days and other desks are left out");
        assert_eq!(c.front_desk, 3, "in person and video call are front desk");
        assert_eq!(c.phone_mail, 1);
        let by: Vec<(&str, u32)> = c
            .by_channel
            .iter()
            .map(|x| (x.channel.as_str(), x.count))
            .collect();
        assert_eq!(
            by,
            [
                ("sportello", 2),
                ("telefono", 1),
                ("email", 0),
                ("videochiamata", 1)
            ],
            "every active channel, in codebook order, zeros included"
        );
    }

    #[test]
    fn last_recorded_skips_deleted_and_imported() {
        let store = store();
        assert_eq!(last_recorded_id(store.conn(), "FOL").unwrap(), None);
        put(&store, "2024-03-05T09:00:01Z", "FOL", d(5), "sportello", "MA");
        put(&store, "2024-03-05T09:00:02Z", "FOL", d(5), "sportello", "RO");
        put(&store, "2024-03-05T09:00:03Z", "FOL", d(5), "sportello", "AL");
        delete(&store, "2024-03-05T09:00:03Z");
        assert_eq!(
            last_recorded_id(store.conn(), "FOL").unwrap().as_deref(),
            Some("2024-03-05T09:00:02Z"),
            "the newest live access is repeated, not a deleted one"
        );
    }
}
