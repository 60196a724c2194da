//! Retention of the appointments' personal data: the setting (days kept after the
//! appointment), the purge that erases name and phone once they have passed, and the
//! anonymous counts by kind and outcome, which the purge leaves complete.

use chrono::{Days, NaiveDate};
use rusqlite::{Connection, TransactionBehavior, params};
use serde::Serialize;

use super::Status;
use crate::store::{audit, settings};
use crate::{Error, Now, Result, ids};

/// The setting that holds how many days after the appointment its personal data is kept.
pub const RETENTION_SETTING: &str = "appointments.retention_days";
/// Retention when the setting is absent.
pub const DEFAULT_RETENTION_DAYS: u32 = 90;

/// What a purge did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PurgeReport {
    /// Appointments on or before this day had their personal data erased.
    pub up_to: NaiveDate,
    pub retention_days: u32,
    pub erased: usize,
    /// Whether the write-ahead log was emptied after the erasure (false only while
    /// another connection was reading: the next checkpoint empties it).
    pub log_emptied: bool,
}

/// Appointments of a period counted by kind and status: what survives the purge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    pub kind: String,
    pub status: Status,
    pub count: i64,
}

/// Days after the appointment its personal data is kept (setting, default 90).
pub fn retention_days(conn: &Connection) -> Result<u32> {
    settings::number_or(conn, RETENTION_SETTING, DEFAULT_RETENTION_DAYS)
}

/// Sets the retention (1 to 3650 days), together with its audit row.
pub fn set_retention_days(
    conn: &mut Connection,
    days: u32,
    operator: &str,
    now: Now,
) -> Result<()> {
    if !(1..=3650).contains(&days) {
        return Err(Error::invalid("retention_days", "between 1 and 3650 days"));
    }
    settings::set_audited(
        conn,
        RETENTION_SETTING,
        &days.to_string(),
        "set_retention",
        operator,
        now.utc(),
    )
}

/// Erases name and phone of every appointment more than `retention_days` before
/// the desk's today (`now`), keeping kind, day and outcome for the counts; logs how
/// many it erased. An appointment still `booked` when purged is counted as it stands.
pub fn purge(conn: &mut Connection, operator: &str, now: Now) -> Result<PurgeReport> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let days = retention_days(&tx)?;
    let up_to = now.today() - Days::new(u64::from(days) + 1);
    let erased = tx.execute(
        "UPDATE appointments SET person_name = NULL, phone = NULL, purged_at = ?2, updated_at = ?2
         WHERE purged_at IS NULL AND day <= ?1",
        params![up_to.to_string(), ids::timestamp(now.utc())],
    )?;
    if erased > 0 {
        audit::log(
            &tx,
            now.utc(),
            operator,
            "purge",
            "appointments",
            &up_to.to_string(),
            None,
            &format!("personal data of {erased} appointments erased (retention {days} days)"),
        )?;
    }
    tx.commit()?;
    // Erased means gone from the files too: `secure_delete` zeroes the old cells in the
    // database; the log still holds the pages as they were until it is emptied.
    let log_emptied = erased == 0 || crate::store::checkpoint_wal(conn)?;
    Ok(PurgeReport {
        up_to,
        retention_days: days,
        erased,
        log_emptied,
    })
}

/// Seals the names and phones stored in clear, inside the caller's transaction, when
/// this installation's personal data is first sealed (`operators::keys::setup`, with
/// the key already in the connection's vault). Returns how many appointments it sealed.
pub fn seal_stored(conn: &Connection) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE appointments SET person_name = seal('appointments.person_name', id, person_name),
             phone = seal('appointments.phone', id, phone)
         WHERE (person_name IS NOT NULL OR phone IS NOT NULL)
           AND coalesce(person_name, '') NOT GLOB 's1:*' AND coalesce(phone, '') NOT GLOB 's1:*'",
        [],
    )?)
}

/// Appointments of this desk from `from` to `to` (inclusive) counted by kind and status:
/// anonymous, and still complete after the purge.
pub fn counts(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Vec<Count>> {
    let mut stmt = conn.prepare(
        "SELECT a.kind, a.status, count(*) FROM appointments a
         JOIN appointment_kinds k ON k.code = a.kind
         WHERE a.day BETWEEN ?1 AND ?2
         GROUP BY a.kind, a.status ORDER BY k.sort_order, a.status",
    )?;
    let rows = stmt.query_map(params![from.to_string(), to.to_string()], |r| {
        Ok(Count {
            kind: r.get(0)?,
            status: Status::parse(&r.get::<_, String>(1)?),
            count: r.get(2)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appointments::test_support::{at, day, new, refuse_audit, store};
    use crate::appointments::{Outcome, book, get, mark};

    #[test]
    fn purge_erases_personal_data_after_retention_and_keeps_counts() {
        let mut store = store("GRO");
        let booked_at = at(2024, 1, 2, 9, 0);
        let mut input = new("rinnovo_permesso", day(2024, 1, 10), "14:00");
        input.person_name = Some("Amina B.".into());
        input.phone = Some("333 1234567".into());
        let a = book(store.conn_mut(), &input, "op", booked_at).unwrap();
        input.starts = "15:00".into();
        let b = book(store.conn_mut(), &input, "op", booked_at).unwrap();
        mark(
            store.conn_mut(),
            &a.id,
            Outcome::Attended,
            "op",
            at(2024, 1, 10, 15, 0),
        )
        .unwrap();
        mark(
            store.conn_mut(),
            &b.id,
            Outcome::NoShow,
            "op",
            at(2024, 1, 10, 16, 0),
        )
        .unwrap();
        let later = book(
            store.conn_mut(),
            &new("cittadinanza", day(2024, 4, 9), "14:00"),
            "op",
            booked_at,
        )
        .unwrap();
        assert_eq!(retention_days(store.conn()).unwrap(), 90);
        let counts_before = counts(store.conn(), day(2024, 1, 1), day(2024, 12, 31)).unwrap();

        // 90 days after 10 January is 9 April: kept that day, erased the next.
        let report = purge(store.conn_mut(), "op", at(2024, 4, 9, 9, 0)).unwrap();
        assert_eq!(
            report.erased, 0,
            "kept until 90 days have passed: {report:?}"
        );
        assert_eq!(
            get(store.conn(), &a.id).unwrap().person_name.as_deref(),
            Some("Amina B.")
        );
        let report = purge(store.conn_mut(), "op", at(2024, 4, 10, 9, 0)).unwrap();
        assert_eq!(report.erased, 2);
        for id in [&a.id, &b.id] {
            let gone = get(store.conn(), id).unwrap();
            assert_eq!(
                (gone.person_name, gone.phone),
                (None, None),
                "personal data erased"
            );
            assert!(gone.purged_at.is_some());
        }
        let kept = get(store.conn(), &later.id).unwrap();
        assert!(
            kept.purged_at.is_none(),
            "a recent appointment is untouched"
        );
        let leftovers: i64 = store
            .conn()
            .query_row(
                "SELECT count(*) FROM appointments WHERE purged_at IS NOT NULL
                 AND (person_name IS NOT NULL OR phone IS NOT NULL)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(leftovers, 0);
        assert_eq!(
            counts(store.conn(), day(2024, 1, 1), day(2024, 12, 31)).unwrap(),
            counts_before,
            "the counts by kind and outcome survive the purge"
        );
        assert!(counts_before.contains(&Count {
            kind: "rinnovo_permesso".into(),
            status: Status::NoShow,
            count: 1
        }));
        let log = audit::history(store.conn(), "appointments", "2024-01-10").unwrap();
        assert_eq!(log.len(), 1, "the purge is logged once");
        assert!(
            log[0].detail.contains("2 appointments"),
            "{}",
            log[0].detail
        );
        assert!(
            !log[0].detail.contains("Amina"),
            "the log holds no personal data"
        );
        // A second purge finds nothing more; a shorter retention erases sooner.
        assert_eq!(
            purge(store.conn_mut(), "op", at(2024, 4, 10, 9, 0))
                .unwrap()
                .erased,
            0
        );
        set_retention_days(store.conn_mut(), 1, "op", Now::read()).unwrap();
        assert_eq!(
            purge(store.conn_mut(), "op", at(2024, 4, 11, 9, 0))
                .unwrap()
                .erased,
            1
        );
        assert_eq!(
            set_retention_days(store.conn_mut(), 0, "op", Now::read())
                .unwrap_err()
                .code(),
            "invalid"
        );
    }

    #[test]
    fn the_retention_is_not_changed_without_its_audit_row() {
        let mut store = store("GRO");
        refuse_audit(store.conn());
        let err = set_retention_days(store.conn_mut(), 30, "op", Now::read());
        assert!(err.is_err(), "the audit write failed, so the call fails");
        assert_eq!(
            retention_days(store.conn()).unwrap(),
            DEFAULT_RETENTION_DAYS,
            "the new retention is not stored without its audit row"
        );
    }
}
