//! Accesses: one contact with the desk, recorded without identity or free text.
//!
//! An access holds only codebook codes, a date, an hour and three flags: nothing in it
//! can name a person. Every write is one transaction that also takes a new change
//! number (for exports) and writes the audit log. A correction is a new revision of
//! the same id; a deletion is a tombstone (`deleted`), so the change reaches the
//! coordinator on the next export. Only the own desk's records can change here, and
//! none dated in a closed year (its report is published: [`crate::yearbook`]).

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::{Deserialize, Serialize};

use crate::codebook::{self, List};
use crate::store::audit;
use crate::{Error, Now, Result, desk, ids, limits, yearbook};

/// The characteristics of an access, as entered (one `NewAccess` per write).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAccess {
    pub date: NaiveDate,
    pub hour: u8,
    pub channel: String,
    pub nationality: String,
    pub sex: String,
    pub age_band: String,
    pub first_access: bool,
    pub referred_by: String,
    pub reasons: Vec<String>,
    pub permit: String,
    pub actions: Vec<String>,
    pub accompaniment: bool,
    pub mediation: bool,
}

/// A stored access, at its current revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Access {
    pub id: String,
    pub desk: String,
    pub revision: i64,
    pub deleted: bool,
    pub date: NaiveDate,
    pub hour: u8,
    pub channel: String,
    pub nationality: String,
    pub sex: String,
    pub age_band: String,
    pub first_access: bool,
    pub referred_by: String,
    pub reasons: Vec<String>,
    pub permit: String,
    pub actions: Vec<String>,
    pub accompaniment: bool,
    pub mediation: bool,
    pub created_at: String,
    pub updated_at: String,
}

/// Checks `input` against the rules and the active codebook.
pub fn validate(conn: &Connection, input: &NewAccess, now: Now) -> Result<()> {
    // The desk's own calendar day, from the same reading of the clock as the instant.
    if input.date > now.today() {
        return Err(Error::invalid("date", "the date is in the future"));
    }
    if input.date < limits::earliest_date() {
        return Err(Error::invalid(
            "date",
            format!("the date is before {}", limits::EARLIEST_YEAR),
        ));
    }
    if input.hour > 23 {
        return Err(Error::invalid("hour", "the hour is 0 to 23"));
    }
    for (list, field, code) in [
        (List::Channel, "channel", &input.channel),
        (List::Nationality, "nationality", &input.nationality),
        (List::Sex, "sex", &input.sex),
        (List::AgeBand, "age_band", &input.age_band),
        (List::ReferredBy, "referred_by", &input.referred_by),
        (List::Permit, "permit", &input.permit),
    ] {
        if code.is_empty() {
            return Err(Error::invalid(field, "required"));
        }
        codebook::require_active(conn, list, code, field)?;
    }
    for (list, field, codes) in [
        (List::Reason, "reasons", &input.reasons),
        (List::Action, "actions", &input.actions),
    ] {
        if codes.is_empty() {
            return Err(Error::invalid(field, "choose at least one"));
        }
        for (i, code) in codes.iter().enumerate() {
            if codes[..i].contains(code) {
                return Err(Error::invalid(field, format!("'{code}' is listed twice")));
            }
            codebook::require_active(conn, list, code, field)?;
        }
    }
    Ok(())
}

/// Records a new access of this installation's desk.
pub fn record(
    conn: &mut Connection,
    input: &NewAccess,
    operator: &str,
    now: Now,
) -> Result<Access> {
    Ok(record_batch(conn, input, 1, operator, now)?.remove(0))
}

/// Records `count` identical accesses at once ("5 phone calls about renewals"), all or none.
pub fn record_batch(
    conn: &mut Connection,
    input: &NewAccess,
    count: u32,
    operator: &str,
    now: Now,
) -> Result<Vec<Access>> {
    if !(1..=200).contains(&count) {
        return Err(Error::invalid("count", "a batch is 1 to 200 accesses"));
    }
    let tx = conn.transaction()?;
    validate(&tx, input, now)?;
    yearbook::refuse_dates(&tx, &[input.date], "date")?;
    let desk = desk::own_code(&tx)?;
    let ts = ids::timestamp(now.utc());
    let mut ids_written = Vec::with_capacity(count as usize);
    for _ in 0..count {
        let id = ids::new_id();
        let seq = audit::next_change(&tx)?;
        tx.execute(
            "INSERT INTO accesses (id, desk, revision, deleted, date, hour, channel, nationality,
                 sex, age_band, first_access, referred_by, permit, accompaniment, mediation,
                 created_at, updated_at, change_seq)
             VALUES (?1, ?2, 1, 0, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14, ?15)",
            params![
                id,
                desk,
                input.date.to_string(),
                input.hour,
                input.channel,
                input.nationality,
                input.sex,
                input.age_band,
                input.first_access,
                input.referred_by,
                input.permit,
                input.accompaniment,
                input.mediation,
                ts,
                seq
            ],
        )?;
        write_codes(&tx, &id, input)?;
        audit::log(
            &tx,
            now.utc(),
            operator,
            "record",
            "access",
            &id,
            Some(1),
            &detail(input)?,
        )?;
        ids_written.push(id);
    }
    let accesses = ids_written
        .iter()
        .map(|id| get(&tx, id))
        .collect::<Result<Vec<_>>>()?;
    tx.commit()?;
    Ok(accesses)
}

/// Replaces the characteristics of access `id` with `input`, as a new revision.
///
/// `expected_revision` is the revision the operator saw: if the record changed since,
/// nothing is written and a conflict is reported.
pub fn correct(
    conn: &mut Connection,
    id: &str,
    expected_revision: i64,
    input: &NewAccess,
    operator: &str,
    now: Now,
) -> Result<Access> {
    let tx = conn.transaction()?;
    validate(&tx, input, now)?;
    let revision = next_revision(&tx, id, expected_revision)?;
    yearbook::refuse_dates(&tx, &[get(&tx, id)?.date, input.date], "date")?;
    let seq = audit::next_change(&tx)?;
    tx.execute(
        "UPDATE accesses SET revision = ?2, date = ?3, hour = ?4, channel = ?5, nationality = ?6,
             sex = ?7, age_band = ?8, first_access = ?9, referred_by = ?10, permit = ?11,
             accompaniment = ?12, mediation = ?13, updated_at = ?14, change_seq = ?15
         WHERE id = ?1",
        params![
            id,
            revision,
            input.date.to_string(),
            input.hour,
            input.channel,
            input.nationality,
            input.sex,
            input.age_band,
            input.first_access,
            input.referred_by,
            input.permit,
            input.accompaniment,
            input.mediation,
            ids::timestamp(now.utc()),
            seq
        ],
    )?;
    clear_codes(&tx, id)?;
    write_codes(&tx, id, input)?;
    audit::log(
        &tx,
        now.utc(),
        operator,
        "correct",
        "access",
        id,
        Some(revision),
        &detail(input)?,
    )?;
    let access = get(&tx, id)?;
    tx.commit()?;
    Ok(access)
}

/// Deletes access `id`: a tombstone at a new revision, so the deletion travels too.
pub fn delete(
    conn: &mut Connection,
    id: &str,
    expected_revision: i64,
    operator: &str,
    now: Now,
) -> Result<Access> {
    let tx = conn.transaction()?;
    let access = delete_in(&tx, id, expected_revision, operator, now)?;
    tx.commit()?;
    Ok(access)
}

/// [`delete`] inside a transaction the caller owns, so several deletions (undoing a
/// batch) commit together or not at all.
pub(crate) fn delete_in(
    tx: &Transaction<'_>,
    id: &str,
    expected_revision: i64,
    operator: &str,
    now: Now,
) -> Result<Access> {
    let revision = next_revision(tx, id, expected_revision)?;
    yearbook::refuse_dates(tx, &[get(tx, id)?.date], "date")?;
    let seq = audit::next_change(tx)?;
    tx.execute(
        "UPDATE accesses SET revision = ?2, deleted = 1, updated_at = ?3, change_seq = ?4 WHERE id = ?1",
        params![id, revision, ids::timestamp(now.utc()), seq],
    )?;
    audit::log(
        tx,
        now.utc(),
        operator,
        "delete",
        "access",
        id,
        Some(revision),
        "",
    )?;
    get(tx, id)
}

/// Checks that `id` is a live access of the own desk at `expected` revision, and returns
/// the revision its change will carry.
fn next_revision(tx: &Transaction<'_>, id: &str, expected: i64) -> Result<i64> {
    let own = desk::own_code(tx)?;
    let row: Option<(String, i64, bool)> = tx
        .query_row(
            "SELECT desk, revision, deleted FROM accesses WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((desk, revision, deleted)) = row else {
        return Err(Error::NotFound {
            entity: "access",
            id: id.into(),
        });
    };
    if desk != own {
        return Err(Error::Conflict(format!(
            "access {id} belongs to desk {desk}: only that desk can change it"
        )));
    }
    if deleted {
        return Err(Error::Conflict(format!("access {id} was deleted")));
    }
    if revision != expected {
        return Err(Error::Conflict(format!(
            "access {id} changed meanwhile (revision {revision}, not {expected}): reload and retry"
        )));
    }
    Ok(revision + 1)
}

fn write_codes(tx: &Transaction<'_>, id: &str, input: &NewAccess) -> Result<()> {
    insert_codes(tx, id, &input.reasons, &input.actions)
}

/// Adds `reasons` and `actions` to access `id` (after [`clear_codes`] on a rewrite).
pub(super) fn insert_codes(
    conn: &Connection,
    id: &str,
    reasons: &[String],
    actions: &[String],
) -> Result<()> {
    for code in reasons {
        conn.execute(
            "INSERT INTO access_reasons (access_id, code) VALUES (?1, ?2)",
            params![id, code],
        )?;
    }
    for code in actions {
        conn.execute(
            "INSERT INTO access_actions (access_id, code) VALUES (?1, ?2)",
            params![id, code],
        )?;
    }
    Ok(())
}

/// Removes every reason and action code of access `id`, before they are written anew.
pub(super) fn clear_codes(conn: &Connection, id: &str) -> Result<()> {
    conn.execute("DELETE FROM access_reasons WHERE access_id = ?1", [id])?;
    conn.execute("DELETE FROM access_actions WHERE access_id = ?1", [id])?;
    Ok(())
}

/// Whether `id` is a live (not deleted) access of any desk: a booking made from an
/// access must come from one that is recorded.
pub fn is_live(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM accesses WHERE id = ?1 AND deleted = 0)",
        [id],
        |r| r.get(0),
    )?)
}

fn detail(input: &NewAccess) -> Result<String> {
    Ok(serde_json::to_string(input)?)
}

fn codes(conn: &Connection, table: &str, id: &str) -> Result<Vec<String>> {
    // `table` is one of our two constant table names, never input.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT code FROM {table} WHERE access_id = ?1 ORDER BY code"
    ))?;
    let rows = stmt.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The reason codes of access `id`, in code order (none for an unknown id).
pub fn reason_codes(conn: &Connection, id: &str) -> Result<Vec<String>> {
    codes(conn, "access_reasons", id)
}

/// The action codes of access `id`, in code order (none for an unknown id).
pub fn action_codes(conn: &Connection, id: &str) -> Result<Vec<String>> {
    codes(conn, "access_actions", id)
}

const COLUMNS: &str =
    "id, desk, revision, deleted, date, hour, channel, nationality, sex, age_band,
     first_access, referred_by, permit, accompaniment, mediation, created_at, updated_at";

fn from_row(conn: &Connection, r: &rusqlite::Row<'_>) -> Result<Access> {
    let id: String = r.get(0)?;
    let date: String = r.get(4)?;
    let date = NaiveDate::parse_from_str(&date, "%Y-%m-%d").map_err(|_| {
        Error::invalid(
            "date",
            format!("stored date '{date}' of access {id} is not a date"),
        )
    })?;
    // A tombstone from another desk may lack its characteristics: show them empty.
    let text = |i: usize| -> rusqlite::Result<String> {
        Ok(r.get::<_, Option<String>>(i)?.unwrap_or_default())
    };
    let flag =
        |i: usize| -> rusqlite::Result<bool> { Ok(r.get::<_, Option<bool>>(i)?.unwrap_or(false)) };
    Ok(Access {
        reasons: codes(conn, "access_reasons", &id)?,
        actions: codes(conn, "access_actions", &id)?,
        desk: r.get(1)?,
        revision: r.get(2)?,
        deleted: r.get(3)?,
        date,
        hour: r.get::<_, Option<u8>>(5)?.unwrap_or(0),
        channel: text(6)?,
        nationality: text(7)?,
        sex: text(8)?,
        age_band: text(9)?,
        first_access: flag(10)?,
        referred_by: text(11)?,
        permit: text(12)?,
        accompaniment: flag(13)?,
        mediation: flag(14)?,
        created_at: r.get(15)?,
        updated_at: r.get(16)?,
        id,
    })
}

/// The access `id`, deleted or not.
pub fn get(conn: &Connection, id: &str) -> Result<Access> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM accesses WHERE id = ?1"))?;
    let mut rows = stmt.query([id])?;
    match rows.next()? {
        Some(row) => from_row(conn, row),
        None => Err(Error::NotFound {
            entity: "access",
            id: id.into(),
        }),
    }
}

/// The live accesses of `desk` on `date`, newest first.
pub fn list_for_day(conn: &Connection, desk: &str, date: NaiveDate) -> Result<Vec<Access>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM accesses WHERE desk = ?1 AND date = ?2 AND deleted = 0
         ORDER BY hour DESC, created_at DESC, id DESC"
    ))?;
    let mut rows = stmt.query(params![desk, date.to_string()])?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        out.push(from_row(conn, row)?);
    }
    Ok(out)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::Store;

    /// 10:30 on 12 March 2024 at the desk (UTC+1).
    pub(crate) fn now() -> Now {
        at(2024, 3, 12, 10, 30)
    }

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> Now {
        let local = NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap();
        Now::at(local, 1)
    }

    pub(crate) fn desk_store() -> Store {
        let mut store = Store::open_in_memory().unwrap();
        let fol = desk::presets()
            .into_iter()
            .find(|d| d.code == "FOL")
            .unwrap();
        desk::set_own(store.conn_mut(), &fol, now().utc()).unwrap();
        store
    }

    pub(crate) fn typical() -> NewAccess {
        NewAccess {
            date: NaiveDate::from_ymd_opt(2024, 3, 12).unwrap(),
            hour: 10,
            channel: "sportello".into(),
            nationality: "MA".into(),
            sex: "femmina".into(),
            age_band: "30-39".into(),
            first_access: true,
            referred_by: "iniziativa_propria".into(),
            reasons: vec!["rinnovo_permesso".into()],
            permit: "famiglia".into(),
            actions: vec!["informazione".into()],
            accompaniment: false,
            mediation: false,
        }
    }

    #[test]
    fn record_stores_every_field_and_logs_it() {
        let mut store = desk_store();
        let a = record(store.conn_mut(), &typical(), "CT", now()).unwrap();
        assert_eq!((a.desk.as_str(), a.revision, a.deleted), ("FOL", 1, false));
        let back = get(store.conn(), &a.id).unwrap();
        assert_eq!(back, a);
        assert_eq!(back.reasons, vec!["rinnovo_permesso"]);
        let history = audit::history(store.conn(), "access", &a.id).unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(
            (history[0].action.as_str(), history[0].operator.as_str()),
            ("record", "CT")
        );
    }

    #[test]
    fn recording_needs_a_desk() {
        let mut store = Store::open_in_memory().unwrap();
        let err = record(store.conn_mut(), &typical(), "CT", now()).unwrap_err();
        assert_eq!(err.code(), "no_desk");
    }

    #[test]
    fn bad_input_names_the_field_and_writes_nothing() {
        let mut store = desk_store();
        type Spoil = Box<dyn Fn(&mut NewAccess)>;
        let cases: Vec<(&str, Spoil)> = vec![
            ("channel", Box::new(|a| a.channel = "piccione".into())),
            ("nationality", Box::new(|a| a.nationality = "QQ".into())),
            ("sex", Box::new(|a| a.sex = String::new())),
            ("hour", Box::new(|a| a.hour = 24)),
            ("reasons", Box::new(|a| a.reasons.clear())),
            (
                "reasons",
                Box::new(|a| a.reasons = vec!["casa".into(), "casa".into()]),
            ),
            ("actions", Box::new(|a| a.actions = vec!["volare".into()])),
            (
                "date",
                Box::new(|a| a.date = NaiveDate::from_ymd_opt(2024, 3, 20).unwrap()),
            ),
        ];
        for (field, spoil) in cases {
            let mut input = typical();
            spoil(&mut input);
            match record(store.conn_mut(), &input, "CT", now()) {
                Err(Error::Invalid { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: expected an invalid-input error, got {other:?}"),
            }
        }
        let n: i64 = store
            .conn()
            .query_row("SELECT COUNT(*) FROM accesses", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0, "nothing is half-saved");
        let seq: i64 = store
            .conn()
            .query_row("SELECT value FROM change_counter", [], |r| r.get(0))
            .unwrap();
        assert_eq!(seq, 0, "no change number is taken by a refused write");
    }

    #[test]
    fn today_is_the_desks_local_day_not_the_utc_one() {
        let mut store = desk_store();
        let mut input = typical();
        // 00:20 on 13 March at the desk is still 12 March in UTC: the 13th is today.
        input.date = NaiveDate::from_ymd_opt(2024, 3, 13).unwrap();
        record(store.conn_mut(), &input, "CT", at(2024, 3, 13, 0, 20))
            .expect("an access of the desk's own today is accepted");
        // 23:50 on 12 March at the desk: the 13th is tomorrow, whatever UTC says.
        let err = record(store.conn_mut(), &input, "CT", at(2024, 3, 12, 23, 50)).unwrap_err();
        assert_eq!(err.to_string(), "date: the date is in the future");
        // The earliest date is the shared limit.
        input.date = limits::earliest_date().pred_opt().unwrap();
        let err = record(store.conn_mut(), &input, "CT", now()).unwrap_err();
        assert!(err.to_string().starts_with("date:"), "{err}");
    }

    #[test]
    fn a_retired_code_cannot_be_used_for_a_new_access() {
        let mut store = desk_store();
        codebook::set_active(store.conn(), List::Reason, "casa", false).unwrap();
        let mut input = typical();
        input.reasons = vec!["casa".into()];
        assert_eq!(
            record(store.conn_mut(), &input, "CT", now())
                .unwrap_err()
                .code(),
            "invalid"
        );
    }

    #[test]
    fn correct_and_delete_make_new_revisions() {
        let mut store = desk_store();
        let a = record(store.conn_mut(), &typical(), "CT", now()).unwrap();
        let mut changed = typical();
        changed.channel = "telefono".into();
        changed.reasons = vec!["cittadinanza".into(), "casa".into()];
        let b = correct(store.conn_mut(), &a.id, 1, &changed, "MR", now()).unwrap();
        assert_eq!((b.revision, b.channel.as_str()), (2, "telefono"));
        assert_eq!(b.reasons, vec!["casa", "cittadinanza"]);
        let stale = correct(store.conn_mut(), &a.id, 1, &typical(), "MR", now()).unwrap_err();
        assert_eq!(stale.code(), "conflict", "a stale revision is refused");
        let d = delete(store.conn_mut(), &a.id, 2, "MR", now()).unwrap();
        assert_eq!((d.revision, d.deleted), (3, true));
        assert!(
            list_for_day(store.conn(), "FOL", typical().date)
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            delete(store.conn_mut(), &a.id, 3, "MR", now())
                .unwrap_err()
                .code(),
            "conflict"
        );
        let actions: Vec<_> = audit::history(store.conn(), "access", &a.id)
            .unwrap()
            .into_iter()
            .map(|e| (e.action, e.revision))
            .collect();
        assert_eq!(
            actions,
            vec![
                ("record".into(), Some(1)),
                ("correct".into(), Some(2)),
                ("delete".into(), Some(3))
            ]
        );
    }

    #[test]
    fn another_desks_access_cannot_change_here() {
        let mut store = desk_store();
        desk::ensure_known(store.conn(), "GRO", now().utc()).unwrap();
        store
            .conn()
            .execute(
                "INSERT INTO accesses (id, desk, revision, date, hour, channel, nationality, sex, age_band,
                     first_access, referred_by, permit, accompaniment, mediation, created_at, updated_at)
                 VALUES ('g1', 'GRO', 1, '2024-03-01', 9, 'telefono', 'AL', 'maschio', '18-29', 0,
                     'comune', 'studio', 0, 0, 't', 't')",
                [],
            )
            .unwrap();
        assert_eq!(
            delete(store.conn_mut(), "g1", 1, "CT", now())
                .unwrap_err()
                .code(),
            "conflict"
        );
        assert_eq!(
            delete(store.conn_mut(), "nope", 1, "CT", now())
                .unwrap_err()
                .code(),
            "not_found"
        );
    }

    #[test]
    fn a_batch_is_all_or_nothing_and_listed_by_day() {
        let mut store = desk_store();
        let batch = record_batch(store.conn_mut(), &typical(), 5, "CT", now()).unwrap();
        assert_eq!(batch.len(), 5);
        let ids: std::collections::HashSet<_> = batch.iter().map(|a| a.id.clone()).collect();
        assert_eq!(ids.len(), 5, "each access of a batch has its own id");
        assert_eq!(
            list_for_day(store.conn(), "FOL", typical().date)
                .unwrap()
                .len(),
            5
        );
        assert!(record_batch(store.conn_mut(), &typical(), 0, "CT", now()).is_err());
        assert!(
            list_for_day(
                store.conn(),
                "FOL",
                NaiveDate::from_ymd_opt(2024, 3, 11).unwrap()
            )
            .unwrap()
            .is_empty()
        );
    }
}
