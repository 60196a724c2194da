//! The access register: the `accesses` table and everything read from it.
//!
//! [`accesses`] writes and reads single records; [`figures`] counts them for the yearly
//! report; [`stored`] reads and writes them as they travel between desks (the rows an
//! export takes, the copy an import compares, a received access); this module holds what the register screen needs around them: the desk's
//! most frequent nationalities (offered first by the type-ahead), its usual channel
//! (the form's default), a day's counts by channel, the last access to repeat, the
//! follow-ups a save offers (a booking, a case), and undoing the last save.
//!
//! No other module runs SQL on the accesses or their code tables (the exchange maps
//! [`stored::StoredAccess`] to and from its file lines). Writes go through
//! [`accesses`], so undo leaves tombstones and audit rows like any deletion.

pub mod accesses;
pub mod figures;
pub mod profiles;
pub mod stored;

use chrono::{Days, NaiveDate};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::cases::CaseType;
use crate::codebook::{self, Codebook};
use crate::desk::{self, Desk};
use crate::preferences::{self, Language};
use crate::store::audit;
use crate::{Error, Now, Result};
use accesses::{Access, NewAccess};

/// How many frequent nationalities the type-ahead offers first.
pub const FREQUENT_NATIONALITIES: u32 = 9;

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
    match most_used {
        Some(code) => Ok(Some(code)),
        None => codebook::first_active(conn, codebook::List::Channel),
    }
}

/// The action this desk records most among its live accesses dated from `since` on,
/// the one the form's actions start with (the operator's first key there replaces
/// it); with no accesses yet, the first active action of the codebook (information).
pub fn usual_action(conn: &Connection, desk: &str, since: NaiveDate) -> Result<Option<String>> {
    let most_used: Option<String> = conn
        .query_row(
            "SELECT x.code FROM access_actions x
             JOIN accesses a ON a.id = x.access_id
             JOIN codebook_entries c ON c.list = 'action' AND c.code = x.code AND c.active = 1
             WHERE a.desk = ?1 AND a.deleted = 0 AND a.date >= ?2
             GROUP BY x.code ORDER BY COUNT(*) DESC, MIN(c.sort_order) LIMIT 1",
            params![desk, since.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    match most_used {
        Some(code) => Ok(Some(code)),
        None => codebook::first_active(conn, codebook::List::Action),
    }
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

/// Everything the register screen needs when it opens.
#[derive(Debug, Clone, Serialize)]
pub struct Context {
    pub desk: Desk,
    pub operator: String,
    pub language: Language,
    pub codebook: Codebook,
    /// This desk's most frequent nationality codes over the last year, most frequent first.
    pub frequent_nationalities: Vec<String>,
    /// The channel the form starts with.
    pub usual_channel: Option<String>,
    /// The action the form's actions start with.
    pub usual_action: Option<String>,
}

/// Loads the register's context; [`Error::NoDesk`] before the first-run setup.
pub fn context(conn: &Connection, today: NaiveDate) -> Result<Context> {
    let desk = desk::own(conn)?.ok_or(Error::NoDesk)?;
    let since = today - Days::new(LOOKBACK_DAYS as u64);
    Ok(Context {
        frequent_nationalities: frequent_nationalities(
            conn,
            &desk.code,
            since,
            FREQUENT_NATIONALITIES,
        )?,
        usual_channel: usual_channel(conn, &desk.code, since)?,
        usual_action: usual_action(conn, &desk.code, since)?,
        operator: preferences::operator_name(conn)?.unwrap_or_default(),
        language: preferences::language(conn)?,
        codebook: codebook::load(conn)?,
        desk,
    })
}

/// One day of the register: its accesses (newest first) and its counts. What is still
/// to export is the exchange's to say (`exchange::export::pending`): the screen shows
/// both side by side.
#[derive(Debug, Clone, Serialize)]
pub struct Day {
    pub accesses: Vec<Access>,
    pub counts: DayCounts,
    /// The desk's most frequent nationalities in the year up to this day: refreshed
    /// with every save, so the type-ahead learns as the day goes on.
    pub frequent_nationalities: Vec<String>,
    /// The frequent profiles offered beside the form (`Ctrl+1`...`Ctrl+9`), as of this
    /// day: refreshed with every save too.
    pub profiles: Vec<profiles::Profile>,
}

/// The own desk's register for `date`.
pub fn day(conn: &Connection, date: NaiveDate) -> Result<Day> {
    let desk = desk::own_code(conn)?;
    Ok(Day {
        profiles: profiles::offered(conn, &codebook::load(conn)?, &desk, date)?,
        accesses: accesses::list_for_day(conn, &desk, date)?,
        counts: day_counts(conn, &desk, date)?,
        frequent_nationalities: frequent_nationalities(
            conn,
            &desk,
            date - Days::new(LOOKBACK_DAYS as u64),
            FREQUENT_NATIONALITIES,
        )?,
    })
}

/// The action that books a back-office appointment.
pub const ACTION_APPOINTMENT: &str = "appuntamento";
/// The action that opens a full accompaniment.
pub const ACTION_ACCOMPANIMENT: &str = "accompagnamento";
/// The action that opens a fast accompaniment.
pub const ACTION_FAST_ACCOMPANIMENT: &str = "accompagnamento_veloce";

/// The case an access offers to open, prefilled from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseOffer {
    pub case_type: CaseType,
    pub opened_on: NaiveDate,
    pub reason: String,
    /// The access the case comes from.
    pub access_id: String,
}

/// What the register offers to do next after a save.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Offers {
    /// The access to book a back-office appointment for, when it activated one.
    pub booking: Option<String>,
    /// The accompaniment case to open, when the access opened one.
    pub case: Option<CaseOffer>,
}

/// What a save of the register wrote, and what it offers next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recorded {
    pub accesses: Vec<Access>,
    pub offers: Offers,
}

/// The follow-ups that the accesses saved from `input` offer. A batch offers none: a
/// booking or a case is about one person, and a batch records several.
pub fn offers(input: &NewAccess, saved: &[Access]) -> Offers {
    let [access] = saved else {
        return Offers::default();
    };
    let has = |action: &str| input.actions.iter().any(|a| a == action);
    let fast = has(ACTION_FAST_ACCOMPANIMENT);
    let case = (fast || input.accompaniment || has(ACTION_ACCOMPANIMENT)).then(|| CaseOffer {
        case_type: if fast { CaseType::Fast } else { CaseType::Full },
        opened_on: input.date,
        reason: input.reasons.first().cloned().unwrap_or_default(),
        access_id: access.id.clone(),
    });
    Offers {
        booking: has(ACTION_APPOINTMENT).then(|| access.id.clone()),
        case,
    }
}

/// Records `count` identical accesses (1 for a single one), signed by the operator,
/// with the follow-ups they offer.
pub fn save(conn: &mut Connection, input: &NewAccess, count: u32, now: Now) -> Result<Recorded> {
    let op = preferences::signing_operator(conn)?;
    let accesses = accesses::record_batch(conn, input, count, &op, now)?;
    let offers = offers(input, &accesses);
    Ok(Recorded { accesses, offers })
}

/// Corrects an access (a new revision), signed by the operator.
pub fn correct(
    conn: &mut Connection,
    id: &str,
    expected_revision: i64,
    input: &NewAccess,
    now: Now,
) -> Result<Access> {
    let op = preferences::signing_operator(conn)?;
    accesses::correct(conn, id, expected_revision, input, &op, now)
}

/// Deletes an access (a tombstone), signed by the operator.
pub fn delete(conn: &mut Connection, id: &str, expected_revision: i64, now: Now) -> Result<Access> {
    let op = preferences::signing_operator(conn)?;
    accesses::delete(conn, id, expected_revision, &op, now)
}

/// The access this desk recorded last, not deleted: what "repeat last" copies.
pub fn last_recorded(conn: &Connection) -> Result<Option<Access>> {
    let desk = desk::own_code(conn)?;
    last_recorded_id(conn, &desk)?
        .map(|id| accesses::get(conn, &id))
        .transpose()
}

/// One record as the screen last saw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Saved {
    pub id: String,
    pub revision: i64,
}

/// The last save of the register, as the screen remembers it for "undo".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LastSave {
    /// New accesses (one, or a batch): undo deletes them all, in one transaction.
    Recorded { accesses: Vec<Saved> },
    /// A correction: undo brings back the content of the revision before it, as a new
    /// revision (history only moves forward, so the undo travels like any change).
    Corrected { access: Saved },
}

/// Undoes the register's last save. Nothing changes if any record moved on since
/// (a conflict): the operator sees the list as it is and decides.
pub fn undo(conn: &mut Connection, last: &LastSave, now: Now) -> Result<Vec<Access>> {
    let op = preferences::signing_operator(conn)?;
    match last {
        LastSave::Recorded { accesses: saved } => {
            if saved.is_empty() {
                return Err(Error::invalid("undo", "there is nothing to undo"));
            }
            let tx = conn.transaction()?;
            let mut undone = Vec::with_capacity(saved.len());
            for s in saved {
                undone.push(accesses::delete_in(&tx, &s.id, s.revision, &op, now)?);
            }
            tx.commit()?;
            Ok(undone)
        }
        LastSave::Corrected { access } => {
            let previous = audit::history(conn, "access", &access.id)?
                .into_iter()
                .rev()
                .find(|e| e.revision == Some(access.revision - 1) && !e.detail.is_empty())
                .ok_or_else(|| {
                    Error::Conflict(format!(
                        "the revision before {} of access {} is not in the audit log: correct it by hand",
                        access.revision, access.id
                    ))
                })?;
            let input: NewAccess = serde_json::from_str(&previous.detail)?;
            Ok(vec![accesses::correct(
                conn,
                &access.id,
                access.revision,
                &input,
                &op,
                now,
            )?])
        }
    }
}

/// The first-run setup: this installation's desk and its operator, checked before
/// anything is written so a bad name leaves no half-configured desk behind.
pub fn first_run(conn: &mut Connection, desk: &Desk, operator: &str, now: Now) -> Result<()> {
    let operator = preferences::validate_operator_name(operator)?;
    // One transaction: a failure after the desk is written must not leave a desk
    // without its operator (the setup would not run again).
    let tx = conn.transaction()?;
    desk::set_own_in(&tx, desk, now.utc())?;
    preferences::set_operator_name(&tx, &operator)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Store, desk};

    /// 10:00 on 5 March 2024 at the desk (UTC+1).
    fn now() -> Now {
        Now::at(d(5).and_hms_opt(10, 0, 0).unwrap(), 1)
    }

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, 3, day).unwrap()
    }

    fn store() -> Store {
        let mut store = Store::open_in_memory().unwrap();
        for preset in desk::presets().into_iter().take(2) {
            desk::set_own(store.conn_mut(), &preset, now().utc()).unwrap();
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
    fn usual_action_is_the_most_recorded_active_one() {
        let store = store();
        assert_eq!(
            usual_action(store.conn(), "FOL", d(1)).unwrap().as_deref(),
            Some("informazione"),
            "with no accesses the first action of the codebook is proposed"
        );
        let act = |id: &str, code: &str| {
            store
                .conn()
                .execute(
                    "INSERT INTO access_actions (access_id, code) VALUES (?1, ?2)",
                    params![id, code],
                )
                .unwrap();
        };
        put(&store, "a1", "FOL", d(1), "sportello", "MA");
        put(&store, "a2", "FOL", d(2), "sportello", "MA");
        put(&store, "a3", "FOL", d(2), "sportello", "MA");
        act("a1", "appuntamento");
        act("a2", "appuntamento");
        act("a3", "informazione");
        put(&store, "b1", "GRO", d(2), "sportello", "MA");
        act("b1", "informazione");
        act("b1", "kit_postale");
        assert_eq!(
            usual_action(store.conn(), "FOL", d(1)).unwrap().as_deref(),
            Some("appuntamento"),
            "this desk's accesses only"
        );
        delete(&store, "a1");
        delete(&store, "a2");
        assert_eq!(
            usual_action(store.conn(), "FOL", d(1)).unwrap().as_deref(),
            Some("informazione"),
            "deleted accesses do not count"
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
        assert_eq!(
            c.total, 4,
            "deleted, other days and other desks are left out"
        );
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
        put(
            &store,
            "2024-03-05T09:00:01Z",
            "FOL",
            d(5),
            "sportello",
            "MA",
        );
        put(
            &store,
            "2024-03-05T09:00:02Z",
            "FOL",
            d(5),
            "sportello",
            "RO",
        );
        put(
            &store,
            "2024-03-05T09:00:03Z",
            "FOL",
            d(5),
            "sportello",
            "AL",
        );
        delete(&store, "2024-03-05T09:00:03Z");
        assert_eq!(
            last_recorded_id(store.conn(), "FOL").unwrap().as_deref(),
            Some("2024-03-05T09:00:02Z"),
            "the newest live access is repeated, not a deleted one"
        );
    }

    fn typical(date: NaiveDate) -> NewAccess {
        NewAccess {
            date,
            hour: 10,
            channel: "sportello".into(),
            nationality: "MA".into(),
            sex: "maschio".into(),
            age_band: "30-39".into(),
            first_access: false,
            referred_by: "iniziativa_propria".into(),
            reasons: vec!["rinnovo_permesso".into()],
            permit: "in_rinnovo".into(),
            actions: vec!["informazione".into()],
            accompaniment: false,
            mediation: false,
        }
    }

    fn set_up() -> Store {
        let mut store = Store::open_in_memory().unwrap();
        let fol = desk::presets()
            .into_iter()
            .find(|d| d.code == "FOL")
            .unwrap();
        first_run(store.conn_mut(), &fol, " M.R. ", now()).unwrap();
        store
    }

    #[test]
    fn first_run_checks_the_operator_before_writing_the_desk() {
        let mut store = Store::open_in_memory().unwrap();
        let fol = desk::presets()
            .into_iter()
            .find(|d| d.code == "FOL")
            .unwrap();
        let err = first_run(store.conn_mut(), &fol, "  ", now()).unwrap_err();
        assert_eq!(err.code(), "invalid");
        assert_eq!(
            desk::own(store.conn()).unwrap(),
            None,
            "a refused setup leaves no desk behind"
        );
        first_run(store.conn_mut(), &fol, " M.R. ", now()).unwrap();
        let ctx = context(store.conn(), d(5)).unwrap();
        assert_eq!(ctx.desk.code, "FOL");
        assert_eq!(ctx.operator, "M.R.");
        assert_eq!(ctx.usual_channel.as_deref(), Some("sportello"));
        assert!(ctx.frequent_nationalities.is_empty());
    }

    #[test]
    fn context_needs_a_desk() {
        let store = Store::open_in_memory().unwrap();
        assert_eq!(context(store.conn(), d(5)).unwrap_err().code(), "no_desk");
    }

    #[test]
    fn saves_are_signed_and_counted_in_the_day() {
        let mut store = set_up();
        let one = save(store.conn_mut(), &typical(d(5)), 1, now())
            .unwrap()
            .accesses;
        let mut phone = typical(d(5));
        phone.channel = "telefono".into();
        let five = save(store.conn_mut(), &phone, 5, now()).unwrap().accesses;
        assert_eq!((one.len(), five.len()), (1, 5));
        let history = audit::history(store.conn(), "access", &one[0].id).unwrap();
        assert_eq!(
            history[0].operator, "M.R.",
            "the operator signs every change"
        );
        let today = day(store.conn(), d(5)).unwrap();
        assert_eq!(today.accesses.len(), 6);
        assert_eq!((today.counts.front_desk, today.counts.phone_mail), (1, 5));
        assert_eq!(today.frequent_nationalities, ["MA"]);
        let ctx = context(store.conn(), d(5)).unwrap();
        assert_eq!(
            ctx.usual_channel.as_deref(),
            Some("telefono"),
            "the usual channel follows what the desk records"
        );
        assert_eq!(ctx.frequent_nationalities, ["MA"]);
    }

    #[test]
    fn undo_of_a_batch_deletes_all_of_it_or_nothing() {
        let mut store = set_up();
        let batch = save(store.conn_mut(), &typical(d(5)), 3, now())
            .unwrap()
            .accesses;
        let saved: Vec<Saved> = batch
            .iter()
            .map(|a| Saved {
                id: a.id.clone(),
                revision: a.revision,
            })
            .collect();
        // someone corrected the last one meanwhile: the undo must not half-apply
        let mut changed = typical(d(5));
        changed.sex = "femmina".into();
        correct(store.conn_mut(), &batch[2].id, 1, &changed, now()).unwrap();
        let stale = LastSave::Recorded {
            accesses: saved.clone(),
        };
        assert_eq!(
            undo(store.conn_mut(), &stale, now()).unwrap_err().code(),
            "conflict"
        );
        assert_eq!(
            day(store.conn(), d(5)).unwrap().accesses.len(),
            3,
            "a refused undo deletes nothing"
        );
        let fresh = LastSave::Recorded {
            accesses: vec![saved[0].clone(), saved[1].clone()],
        };
        let undone = undo(store.conn_mut(), &fresh, now()).unwrap();
        assert!(undone.iter().all(|a| a.deleted && a.revision == 2));
        assert_eq!(day(store.conn(), d(5)).unwrap().accesses.len(), 1);
    }

    #[test]
    fn undo_of_a_correction_restores_the_previous_content() {
        let mut store = set_up();
        let a = save(store.conn_mut(), &typical(d(5)), 1, now())
            .unwrap()
            .accesses
            .remove(0);
        let mut changed = typical(d(5));
        changed.nationality = "RO".into();
        changed.reasons = vec!["cittadinanza".into(), "casa".into()];
        let b = correct(store.conn_mut(), &a.id, 1, &changed, now()).unwrap();
        assert_eq!(b.revision, 2);
        let last = LastSave::Corrected {
            access: Saved {
                id: b.id.clone(),
                revision: 2,
            },
        };
        let back = undo(store.conn_mut(), &last, now()).unwrap().remove(0);
        assert_eq!(
            back.revision, 3,
            "an undo is a new revision, never a rewind"
        );
        assert_eq!(back.nationality, "MA");
        assert_eq!(back.reasons, ["rinnovo_permesso"]);
    }

    #[test]
    fn repeat_last_copies_the_newest_live_access() {
        let mut store = set_up();
        assert_eq!(last_recorded(store.conn()).unwrap(), None);
        save(store.conn_mut(), &typical(d(5)), 1, now()).unwrap();
        let later = Now::new(now().local() + chrono::Duration::seconds(5));
        let mut other = typical(d(4));
        other.nationality = "AL".into();
        save(store.conn_mut(), &other, 1, later).unwrap();
        let last = last_recorded(store.conn()).unwrap().unwrap();
        assert_eq!(
            last.nationality, "AL",
            "the last recorded, even if dated an earlier day (late entry)"
        );
    }

    #[test]
    fn the_core_decides_which_follow_ups_a_save_offers() {
        let mut store = set_up();
        let plain = save(store.conn_mut(), &typical(d(5)), 1, now()).unwrap();
        assert_eq!(
            plain.offers,
            Offers::default(),
            "information only: no follow-up"
        );

        let mut booking = typical(d(5));
        booking.actions = vec!["informazione".into(), ACTION_APPOINTMENT.into()];
        let saved = save(store.conn_mut(), &booking, 1, now()).unwrap();
        assert_eq!(
            saved.offers.booking.as_deref(),
            Some(saved.accesses[0].id.as_str())
        );
        assert_eq!(saved.offers.case, None);

        let mut fast = typical(d(4));
        fast.reasons = vec!["cittadinanza".into(), "casa".into()];
        fast.actions = vec![ACTION_FAST_ACCOMPANIMENT.into()];
        let saved = save(store.conn_mut(), &fast, 1, now()).unwrap();
        let offer = saved
            .offers
            .case
            .expect("a fast accompaniment offers a case");
        assert_eq!(offer.case_type, CaseType::Fast);
        assert_eq!(offer.opened_on, d(4), "the case opens on the access's date");
        assert_eq!(
            offer.reason, "cittadinanza",
            "the first reason of the access"
        );
        assert_eq!(offer.access_id, saved.accesses[0].id);

        let mut flagged = typical(d(5));
        flagged.accompaniment = true;
        let offer = save(store.conn_mut(), &flagged, 1, now())
            .unwrap()
            .offers
            .case
            .expect("the accompaniment flag offers a case");
        assert_eq!(offer.case_type, CaseType::Full);

        let batch = save(store.conn_mut(), &booking, 3, now()).unwrap();
        assert_eq!(
            batch.offers,
            Offers::default(),
            "a batch is not one person: no offer"
        );
    }

    #[test]
    fn first_run_writes_desk_and_operator_together_or_not_at_all() {
        let mut store = Store::open_in_memory().unwrap();
        let fol = desk::presets()
            .into_iter()
            .find(|p| p.code == "FOL")
            .unwrap();
        store
            .conn()
            .execute_batch(
                "CREATE TEMP TRIGGER refuse_settings BEFORE INSERT ON settings
                 BEGIN SELECT RAISE(ABORT, 'settings refused'); END;",
            )
            .unwrap();
        assert!(first_run(store.conn_mut(), &fol, "M.R.", now()).is_err());
        assert_eq!(
            desk::own(store.conn()).unwrap(),
            None,
            "the desk is not left behind when the operator could not be written"
        );
    }
}
