//! Retention and erasure of the personal file of a case.
//!
//! The personal file (name, contacts, documents, description), the follow-ups, the
//! closing note, the copies of documents and whatever else describes the person is
//! erased when the case has
//! been closed for more than the retention (5 years unless the coordinator sets
//! another), and at once when the person asks for it. The anonymous case line stays:
//! it keeps counting in the reports and travels as before (its revision does not
//! change, since nothing that travels changed).
//!
//! Erased means gone from the file too: the store sets `secure_delete` on every
//! connection, so deleted cells and freed pages are zeroed, and after each erasure the
//! write-ahead log is checkpointed and emptied ([`crate::store::checkpoint_wal`]); the
//! copies' files are overwritten with zeros and removed once the erasure is committed.
//! Every erasure leaves a mark on the case (when, why) and audit rows without personal
//! data.

use chrono::{Months, NaiveDate};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use serde::Serialize;

use super::{documents, get};
use crate::store::{self, audit, settings};
use crate::{Error, Now, Result, desk, ids};

/// The setting that holds how many years after closing a personal file is kept.
pub const RETENTION_SETTING: &str = "cases.retention_years";
/// Retention when the setting is absent.
pub const DEFAULT_RETENTION_YEARS: u32 = 5;
/// The longest retention the setting accepts.
pub const MAX_RETENTION_YEARS: u32 = 30;

/// Why a personal file was erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// Closed for longer than the retention.
    Retention,
    /// The person asked for it.
    Request,
}

impl Cause {
    fn as_str(self) -> &'static str {
        match self {
            Cause::Retention => "retention",
            Cause::Request => "request",
        }
    }

    pub(super) fn parse(s: &str) -> Option<Cause> {
        match s {
            "retention" => Some(Cause::Retention),
            "request" => Some(Cause::Request),
            _ => None,
        }
    }
}

/// The mark an erasure leaves on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Erasure {
    pub erased_at: String,
    pub cause: Cause,
}

/// What a purge did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PurgeReport {
    /// Cases closed before this day had their personal file erased.
    pub closed_before: NaiveDate,
    pub retention_years: u32,
    pub erased: usize,
    /// The write-ahead log was emptied (false while another program was reading it;
    /// the next checkpoint empties it).
    pub log_emptied: bool,
}

/// Years after closing a personal file is kept (setting, default 5).
pub fn retention_years(conn: &Connection) -> Result<u32> {
    settings::number_or(conn, RETENTION_SETTING, DEFAULT_RETENTION_YEARS)
}

/// Sets the retention (1 to 30 years), together with its audit row.
pub fn set_retention_years(
    conn: &mut Connection,
    years: u32,
    operator: &str,
    now: Now,
) -> Result<()> {
    if !(1..=MAX_RETENTION_YEARS).contains(&years) {
        return Err(Error::invalid(
            "retention_years",
            format!("between 1 and {MAX_RETENTION_YEARS} years, not {years}"),
        ));
    }
    settings::set_audited(
        conn,
        RETENTION_SETTING,
        &years.to_string(),
        "set_retention",
        operator,
        now.utc(),
    )
}

/// The first closing day whose personal file is still kept on `today`: a case closed
/// before it was closed more than `years` years ago.
pub fn keep_from(today: NaiveDate, years: u32) -> NaiveDate {
    today
        .checked_sub_months(Months::new(years * 12))
        .unwrap_or(NaiveDate::MIN)
}

/// Seals the personal values stored in clear (personal files, follow-ups, closing
/// notes, the names of copies), inside the caller's transaction, when this
/// installation's personal data is first sealed (`operators::keys::setup`, with the key
/// already in the connection's vault); the copies' bytes follow after the commit
/// (`documents::seal_files`). A value sealed already is left as it is. Returns how
/// many rows it sealed.
pub fn seal_stored(conn: &Connection) -> Result<usize> {
    let mut n = conn.execute(
        "UPDATE case_files SET person_name = seal('case_files.person_name', case_id, person_name),
             phone = seal('case_files.phone', case_id, phone),
             documents = seal('case_files.documents', case_id, documents),
             description = seal('case_files.description', case_id, description)
         WHERE person_name NOT GLOB 's1:*'",
        [],
    )?;
    n += conn.execute(
        "UPDATE case_notes SET body = seal('case_notes.body', case_id, body),
             with_whom = seal('case_notes.with_whom', case_id, with_whom),
             next_step = seal('case_notes.next_step', case_id, next_step)
         WHERE body NOT GLOB 's1:*'",
        [],
    )?;
    n += conn.execute(
        "UPDATE case_closings SET note = seal('case_closings.note', case_id, note)
         WHERE note <> '' AND note NOT GLOB 's1:*'",
        [],
    )?;
    n += conn.execute(
        "UPDATE case_documents SET name = seal('case_documents.name', id, name)
         WHERE name NOT GLOB 's1:*'",
        [],
    )?;
    Ok(n)
}

/// The condition "case `c` holds something personal" (a personal file, follow-ups, a
/// closing note, copies of documents), for the queries below.
const HOLDS_PERSONAL_DATA: &str = "(EXISTS (SELECT 1 FROM case_files WHERE case_id = c.id)
    OR EXISTS (SELECT 1 FROM case_notes WHERE case_id = c.id)
    OR EXISTS (SELECT 1 FROM case_closings WHERE case_id = c.id AND note <> '')
    OR EXISTS (SELECT 1 FROM case_documents WHERE case_id = c.id))";

/// Whether case `id` holds anything personal.
fn has_personal_data(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn.query_row(
        &format!("SELECT {HOLDS_PERSONAL_DATA} FROM cases c WHERE c.id = ?1"),
        [id],
        |r| r.get(0),
    )?)
}

/// Erases everything personal of case `id` inside the caller's transaction: the
/// personal file, the follow-ups, the closing note and the rows of the copies, whose
/// file names it returns to shred once committed ([`Erased::shred`]). The case line,
/// the outcome code, the services involved and the erasure mark stay.
pub(super) fn erase_personal(tx: &Transaction<'_>, id: &str) -> Result<Erased> {
    tx.execute("DELETE FROM case_files WHERE case_id = ?1", [id])?;
    tx.execute("DELETE FROM case_notes WHERE case_id = ?1", [id])?;
    tx.execute(
        "UPDATE case_closings SET note = '' WHERE case_id = ?1",
        [id],
    )?;
    Ok(Erased(documents::delete_rows_of_case(tx, id)?))
}

/// What an erasure leaves to do once committed: the files of the copies to shred.
#[must_use = "the copies' files must be shred after the commit"]
pub(super) struct Erased(Vec<String>);

impl Erased {
    /// Overwrites and removes the copies' files, then empties the write-ahead log;
    /// returns whether the log was emptied.
    pub(super) fn shred(self, conn: &Connection) -> Result<bool> {
        documents::shred(conn, &self.0)?;
        store::checkpoint_wal(conn)
    }
}

fn mark(tx: &Transaction<'_>, id: &str, cause: Cause, ts: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO case_erasures (case_id, erased_at, cause) VALUES (?1, ?2, ?3)
         ON CONFLICT (case_id) DO UPDATE SET erased_at = excluded.erased_at,
             cause = excluded.cause",
        params![id, ts, cause.as_str()],
    )?;
    Ok(())
}

/// The erasure mark of case `id`, if its personal file was ever erased.
pub fn erasure(conn: &Connection, id: &str) -> Result<Option<Erasure>> {
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT erased_at, cause FROM case_erasures WHERE case_id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(row.and_then(|(erased_at, cause)| {
        Cause::parse(&cause).map(|cause| Erasure { erased_at, cause })
    }))
}

/// Erases the personal file of every case closed more than the retention before the
/// desk's today (`now`), keeping the anonymous case; one audit row per case and one
/// for the purge, none with personal data. Then empties the write-ahead log.
pub fn purge(conn: &mut Connection, operator: &str, now: Now) -> Result<PurgeReport> {
    let ts = ids::timestamp(now.utc());
    let tx = conn.transaction()?;
    let years = retention_years(&tx)?;
    let closed_before = keep_from(now.today(), years);
    let due: Vec<String> = {
        let mut stmt = tx.prepare(&format!(
            "SELECT id FROM cases c WHERE c.closed_on < ?1 AND c.deleted = 0
               AND {HOLDS_PERSONAL_DATA} ORDER BY c.closed_on, c.id"
        ))?;
        let rows = stmt.query_map([closed_before.to_string()], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let detail =
        format!("personal file erased: closed before {closed_before}, retention {years} years");
    let mut files = Vec::new();
    for id in &due {
        files.extend(erase_personal(&tx, id)?.0);
        mark(&tx, id, Cause::Retention, &ts)?;
        audit::log(&tx, now.utc(), operator, "purge", "case", id, None, &detail)?;
    }
    if !due.is_empty() {
        audit::log(
            &tx,
            now.utc(),
            operator,
            "purge",
            "cases",
            &closed_before.to_string(),
            None,
            &format!(
                "personal files of {} cases erased (retention {years} years)",
                due.len()
            ),
        )?;
    }
    tx.commit()?;
    // copies left by an interrupted write or removal go too
    documents::sweep(conn, now)?;
    let log_emptied = due.is_empty() || Erased(files).shred(conn)?;
    Ok(PurgeReport {
        closed_before,
        retention_years: years,
        erased: due.len(),
        log_emptied,
    })
}

/// Erases the personal file of one case of this desk at once, on the person's
/// request; the anonymous case stays, open or closed. Audited without personal data.
/// Returns whether the write-ahead log was emptied too.
pub fn erase(conn: &mut Connection, id: &str, operator: &str, now: Now) -> Result<bool> {
    let ts = ids::timestamp(now.utc());
    let tx = conn.transaction()?;
    let case = get(&tx, id)?;
    if case.desk != desk::own_code(&tx)? {
        return Err(Error::Conflict(format!(
            "case {id} belongs to desk {}: it has no personal file here",
            case.desk
        )));
    }
    if !has_personal_data(&tx, id)? {
        return Err(Error::Conflict(format!(
            "case {id} holds no personal data: nothing to erase"
        )));
    }
    let erased = erase_personal(&tx, id)?;
    mark(&tx, id, Cause::Request, &ts)?;
    audit::log(
        &tx,
        now.utc(),
        operator,
        "erase",
        "case",
        id,
        Some(case.revision),
        "personal file erased on the person's request",
    )?;
    tx.commit()?;
    erased.shred(conn)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;
    use crate::cases::follow_ups::{self, NewFollowUp};
    use crate::cases::tests::{closing, day, now, opened, store};
    use crate::cases::{CaseType, Overview, overview};

    fn at(d: &str) -> Now {
        Now::at(day(d).and_hms_opt(9, 0, 0).unwrap(), 1)
    }

    fn follow_up(store: &Store, id: &str, what: &str) {
        let input = NewFollowUp {
            what: what.into(),
            with_whom: "Questura".into(),
            next_step: "richiamare".into(),
            ..NewFollowUp::default()
        };
        follow_ups::add(store.conn(), id, &input, "ops", now()).unwrap();
    }

    fn counts(store: &Store, year: i32) -> crate::cases::Counts {
        let o: Overview = overview(store.conn(), year, day("2024-03-04")).unwrap();
        o.counts
    }

    #[test]
    fn the_purge_erases_files_closed_longer_than_the_retention_and_keeps_the_cases() {
        let mut store = store();
        let old = opened(&mut store, CaseType::Full, "2018-05-02", None);
        follow_up(&store, &old.id, "telefonato in Prefettura");
        let c = crate::cases::close(
            store.conn_mut(),
            &old.id,
            1,
            &closing("2019-03-04"),
            "ops",
            now(),
        )
        .unwrap();
        assert_eq!(c.closing_note.as_deref(), Some("pratica conclusa"));
        let recent = opened(&mut store, CaseType::Full, "2019-01-01", Some("2019-03-05"));
        let open = opened(&mut store, CaseType::Full, "2015-01-01", None);
        let before = (counts(&store, 2019), counts(&store, 2024));
        assert_eq!(retention_years(store.conn()).unwrap(), 5);

        // closed on 04/03/2019: exactly five years on 04/03/2024, so kept that day
        let report = purge(store.conn_mut(), "ops", at("2024-03-04")).unwrap();
        assert_eq!(report.erased, 0, "{report:?}");
        assert_eq!(report.closed_before, day("2019-03-04"));
        let report = purge(store.conn_mut(), "ops", at("2024-03-05")).unwrap();
        assert_eq!(
            report.erased, 1,
            "only the case closed more than 5 years ago"
        );

        let gone = crate::cases::get(store.conn(), &old.id).unwrap();
        assert_eq!(gone.personal, None, "the personal file is erased");
        assert_eq!(
            gone.closing_note.as_deref(),
            Some(""),
            "the closing note too"
        );
        assert_eq!(gone.outcome, Some(crate::cases::Outcome::Solved));
        assert!(follow_ups::list(store.conn(), &old.id).unwrap().is_empty());
        assert_eq!(gone.erasure.map(|e| e.cause), Some(Cause::Retention));
        assert_eq!(gone.revision, 2, "nothing that travels changed");
        for kept in [&recent.id, &open.id] {
            let c = crate::cases::get(store.conn(), kept).unwrap();
            assert!(
                c.personal.is_some() && c.erasure.is_none(),
                "{kept} is kept"
            );
        }
        assert_eq!(
            (counts(&store, 2019), counts(&store, 2024)),
            before,
            "the anonymous cases keep counting"
        );
        let rows: Vec<String> = store
            .conn()
            .prepare("SELECT action || entity || entity_id || detail FROM audit_log")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let purges = rows.iter().filter(|r| r.starts_with("purge")).count();
        assert_eq!(
            purges, 2,
            "one row for the case, one for the purge: {rows:?}"
        );
        assert!(
            rows.iter().all(|r| !r.contains("Amina")
                && !r.contains("Prefettura")
                && !r.contains("conclusa")),
            "the audit log holds no personal data: {rows:?}"
        );
        assert_eq!(
            purge(store.conn_mut(), "ops", at("2024-03-05"))
                .unwrap()
                .erased,
            0,
            "a second purge finds nothing"
        );
        set_retention_years(store.conn_mut(), 1, "ops", now()).unwrap();
        assert_eq!(
            purge(store.conn_mut(), "ops", at("2024-03-05"))
                .unwrap()
                .erased,
            1,
            "a shorter retention erases sooner"
        );
    }

    #[test]
    fn the_retention_is_checked_and_audited() {
        let mut store = store();
        for bad in [0, MAX_RETENTION_YEARS + 1] {
            let err = set_retention_years(store.conn_mut(), bad, "ops", now()).unwrap_err();
            assert_eq!(err.code(), "invalid", "{bad}");
        }
        assert_eq!(
            retention_years(store.conn()).unwrap(),
            DEFAULT_RETENTION_YEARS
        );
        set_retention_years(store.conn_mut(), 10, "ops", now()).unwrap();
        assert_eq!(retention_years(store.conn()).unwrap(), 10);
        let log = audit::history(store.conn(), "setting", RETENTION_SETTING).unwrap();
        assert_eq!(log.len(), 1);
        assert_eq!(keep_from(day("2024-02-29"), 1), day("2023-02-28"));
    }

    #[test]
    fn an_erasure_on_request_leaves_the_anonymous_case_and_is_audited() {
        let mut store = store();
        let case = opened(&mut store, CaseType::Full, "2024-01-10", None);
        follow_up(&store, &case.id, "accompagnata in Questura");
        erase(store.conn_mut(), &case.id, "ops", now()).unwrap();
        let c = crate::cases::get(store.conn(), &case.id).unwrap();
        assert_eq!(c.personal, None);
        assert_eq!(c.closed_on, None, "an open case stays open");
        assert_eq!(c.revision, 1);
        assert_eq!(c.erasure.map(|e| e.cause), Some(Cause::Request));
        assert!(follow_ups::list(store.conn(), &case.id).unwrap().is_empty());
        let log = audit::history(store.conn(), "case", &case.id).unwrap();
        let last = log.last().unwrap();
        assert_eq!(last.action, "erase");
        assert!(!last.detail.contains("Amina") && !last.detail.contains("Questura"));
        let again = erase(store.conn_mut(), &case.id, "ops", now()).unwrap_err();
        assert_eq!(again.code(), "conflict", "nothing left to erase");
        assert_eq!(
            erase(store.conn_mut(), "nope", "ops", now())
                .unwrap_err()
                .code(),
            "not_found"
        );
    }
}
