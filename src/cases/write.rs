//! Writing cases: opening, correcting, closing, reopening, deleting, and the follow-up
//! notes.
//!
//! Each change of the travelling half is one transaction with its change number and
//! its audit row; the personal file is written in the same transaction. Closing and
//! reopening are changes of their own: a correction keeps a case open or closed as it
//! is, so that every reopening is explicit and audited. A change that would alter the
//! counts of a closed year (its report is published) is refused: opening a case back in
//! that year, or deleting, correcting, archiving or reopening one it counts differently
//! afterwards. Archiving in 2024 a case carried through a closed 2023 changes nothing
//! there (it was carried out of 2023 either way) and is allowed.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, Transaction, params};

use super::follow_ups::{self, FollowUp, NewFollowUp};
use super::{Case, CaseType, Closing, NewCase, PersonalFile, get, retention};
use crate::codebook::{self, List};
use crate::store::audit;
use crate::yearbook::{self, CaseSpan};
use crate::{Error, Now, Result, desk, ids, limits};

/// How the yearly report counts a case of this type, opened and closed on these days.
fn span(case_type: CaseType, opened_on: NaiveDate, closed_on: Option<NaiveDate>) -> CaseSpan {
    CaseSpan {
        full: case_type == CaseType::Full,
        opened_on,
        closed_on,
    }
}

fn input_span(input: &NewCase) -> CaseSpan {
    span(input.case_type, input.opened_on, input.closed_on)
}

/// How the report counts a stored, live case (one without a type counts nowhere).
fn case_span(case: &Case) -> Option<CaseSpan> {
    case.case_type
        .map(|t| span(t, case.opened_on, case.closed_on))
}

/// Refuses moving a stored case's closing day to `closed_on` (archiving it, or
/// reopening it with `None`) when that changes a closed year's counts.
fn refuse_closing_change(tx: &Connection, case: &Case, closed_on: Option<NaiveDate>) -> Result<()> {
    let old = case_span(case);
    let new = old.map(|c| CaseSpan { closed_on, ..c });
    yearbook::refuse_case_change(tx, old.as_ref(), new.as_ref(), "closed_on")
}
fn validate(conn: &Connection, input: &NewCase, today: NaiveDate) -> Result<()> {
    codebook::require_active(conn, List::Reason, &input.reason, "reason")?;
    if input.opened_on > today {
        return Err(Error::invalid(
            "opened_on",
            "the opening date is in the future",
        ));
    }
    if input.opened_on < limits::earliest_date() {
        return Err(Error::invalid(
            "opened_on",
            format!("the opening date is before {}", limits::EARLIEST_YEAR),
        ));
    }
    if let Some(closed) = input.closed_on {
        check_closing(input.opened_on, closed, today)?;
    }
    Ok(())
}

/// A case closes on or after the day it opened, and not after today.
fn check_closing(opened_on: NaiveDate, closed_on: NaiveDate, today: NaiveDate) -> Result<()> {
    if closed_on < opened_on {
        return Err(Error::invalid(
            "closed_on",
            format!("a case cannot close ({closed_on}) before it opened ({opened_on})"),
        ));
    }
    if closed_on > today {
        return Err(Error::invalid(
            "closed_on",
            "the closing date is in the future",
        ));
    }
    Ok(())
}

fn next_change(tx: &Transaction<'_>) -> Result<i64> {
    audit::next_change(tx)
}

fn audit(
    tx: &Transaction<'_>,
    now: DateTime<Utc>,
    operator: &str,
    action: &str,
    id: &str,
    revision: i64,
) -> Result<()> {
    audit::log(tx, now, operator, action, "case", id, Some(revision), "")
}

fn write_personal(
    tx: &Transaction<'_>,
    id: &str,
    personal: Option<&PersonalFile>,
    ts: &str,
) -> Result<()> {
    match personal.filter(|p| !p.is_empty()) {
        Some(p) => {
            tx.execute(
                "INSERT INTO case_files (case_id, person_name, phone, documents, description, updated_at)
                 VALUES (?1, seal('case_files.person_name', ?1, ?2), seal('case_files.phone', ?1, ?3),
                     seal('case_files.documents', ?1, ?4), seal('case_files.description', ?1, ?5), ?6)
                 ON CONFLICT (case_id) DO UPDATE SET person_name = excluded.person_name,
                     phone = excluded.phone, documents = excluded.documents,
                     description = excluded.description, updated_at = excluded.updated_at",
                params![
                    id,
                    p.person_name.trim(),
                    p.phone.trim(),
                    p.documents.trim(),
                    p.description.trim(),
                    ts
                ],
            )?;
        }
        None => {
            tx.execute("DELETE FROM case_files WHERE case_id = ?1", [id])?;
        }
    }
    Ok(())
}

/// Links a case being opened to the access of the register it comes from.
fn link_access(tx: &Transaction<'_>, case_id: &str, access_id: &str) -> Result<()> {
    // the case was inserted in this transaction: a failing reference is the access
    let linked = tx.execute(
        "INSERT INTO case_accesses (case_id, access_id) VALUES (?1, ?2)",
        params![case_id, access_id],
    );
    match linked {
        Ok(_) => Ok(()),
        Err(rusqlite::Error::SqliteFailure(e, _))
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY =>
        {
            Err(Error::invalid(
                "access_id",
                format!("no access {access_id} in the register"),
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// Opens a case of this desk, linked to the access it comes from when `access_id` is
/// given.
pub fn open(conn: &mut Connection, input: &NewCase, operator: &str, now: Now) -> Result<Case> {
    let tx = conn.transaction()?;
    let desk = desk::own_code(&tx)?;
    validate(&tx, input, now.today())?;
    yearbook::refuse_case_change(&tx, None, Some(&input_span(input)), "opened_on")?;
    let id = ids::new_id();
    let ts = ids::timestamp(now.utc());
    let seq = next_change(&tx)?;
    tx.execute(
        "INSERT INTO cases (id, desk, revision, deleted, case_type, opened_on, closed_on, reason,
                            created_at, updated_at, change_seq)
         VALUES (?1, ?2, 1, 0, ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
        params![
            id,
            desk,
            input.case_type.as_str(),
            input.opened_on.to_string(),
            input.closed_on.map(|d| d.to_string()),
            input.reason,
            ts,
            seq
        ],
    )?;
    write_personal(&tx, &id, input.personal.as_ref(), &ts)?;
    if let Some(access_id) = &input.access_id {
        link_access(&tx, &id, access_id)?;
    }
    audit(&tx, now.utc(), operator, "open", &id, 1)?;
    tx.commit()?;
    get(conn, &id)
}

/// Loads an own, live case at `expected_revision` for a change, or says why not.
fn current_for_change(tx: &Transaction<'_>, id: &str, expected_revision: i64) -> Result<Case> {
    let case = get(tx, id)?;
    let own = desk::own_code(tx)?;
    if case.desk != own {
        return Err(Error::Conflict(format!(
            "case {id} belongs to desk {}: only that desk can change it",
            case.desk
        )));
    }
    if case.deleted {
        return Err(Error::Conflict(format!("case {id} was deleted")));
    }
    if case.revision != expected_revision {
        return Err(Error::Conflict(format!(
            "case {id} was changed meanwhile (revision {} instead of {expected_revision}): reload it and try again",
            case.revision
        )));
    }
    Ok(case)
}

/// A change of the travelling half under way: its transaction, the case as it was,
/// and the revision, change number and time the change writes.
struct Change<'c> {
    tx: Transaction<'c>,
    case: Case,
    revision: i64,
    seq: i64,
    ts: String,
}

/// Begins a change of the own, live case `id` seen at `expected_revision`.
fn begin_change<'c>(
    conn: &'c mut Connection,
    id: &str,
    expected_revision: i64,
    now: Now,
) -> Result<Change<'c>> {
    let tx = conn.transaction()?;
    let case = current_for_change(&tx, id, expected_revision)?;
    let seq = next_change(&tx)?;
    Ok(Change {
        revision: case.revision + 1,
        tx,
        case,
        seq,
        ts: ids::timestamp(now.utc()),
    })
}

impl Change<'_> {
    /// Writes the closing day (`None`: open again) with the change's revision.
    fn set_closed_on(&self, closed_on: Option<NaiveDate>) -> Result<()> {
        self.tx.execute(
            "UPDATE cases SET revision = ?2, closed_on = ?3, updated_at = ?4, change_seq = ?5
             WHERE id = ?1",
            params![
                self.case.id,
                self.revision,
                closed_on.map(|d| d.to_string()),
                self.ts,
                self.seq
            ],
        )?;
        Ok(())
    }

    /// Writes the audit row and commits.
    fn commit(self, now: Now, operator: &str, action: &str, detail: &str) -> Result<()> {
        let c = &self.case;
        audit::log(
            &self.tx,
            now.utc(),
            operator,
            action,
            "case",
            &c.id,
            Some(self.revision),
            detail,
        )?;
        self.tx.commit()?;
        Ok(())
    }
}

/// Corrects a case: every field, including the personal file, is replaced by `input`.
pub fn correct(
    conn: &mut Connection,
    id: &str,
    expected_revision: i64,
    input: &NewCase,
    operator: &str,
    now: Now,
) -> Result<Case> {
    let change = begin_change(conn, id, expected_revision, now)?;
    let tx = &change.tx;
    validate(tx, input, now.today())?;
    match (change.case.closed_on, input.closed_on) {
        (Some(_), None) => {
            return Err(Error::invalid(
                "closed_on",
                "a correction cannot reopen a case: reopen it instead",
            ));
        }
        (None, Some(_)) => {
            return Err(Error::invalid(
                "closed_on",
                "a correction cannot close a case: close it with its outcome instead",
            ));
        }
        _ => {}
    }
    let new = input_span(input);
    yearbook::refuse_case_change(
        tx,
        case_span(&change.case).as_ref(),
        Some(&new),
        "opened_on",
    )?;
    tx.execute(
        "UPDATE cases SET revision = ?2, case_type = ?3, opened_on = ?4, closed_on = ?5,
                reason = ?6, updated_at = ?7, change_seq = ?8
         WHERE id = ?1",
        params![
            id,
            change.revision,
            input.case_type.as_str(),
            input.opened_on.to_string(),
            input.closed_on.map(|d| d.to_string()),
            input.reason,
            change.ts,
            change.seq
        ],
    )?;
    write_personal(tx, id, input.personal.as_ref(), &change.ts)?;
    change.commit(now, operator, "correct", "")?;
    get(conn, id)
}

/// Closes (archives) an open case with its day, outcome and note.
pub fn close(
    conn: &mut Connection,
    id: &str,
    expected_revision: i64,
    closing: &Closing,
    operator: &str,
    now: Now,
) -> Result<Case> {
    let change = begin_change(conn, id, expected_revision, now)?;
    if change.case.closed_on.is_some() {
        return Err(Error::Conflict(format!(
            "case {id} is already closed: correct it to change the closing day"
        )));
    }
    // a retired reason code stays valid on an existing case: check only the dates here
    check_closing(change.case.opened_on, closing.closed_on, now.today())?;
    refuse_closing_change(&change.tx, &change.case, Some(closing.closed_on))?;
    if closing.note.chars().count() > 4000 {
        return Err(Error::invalid("note", "at most 4000 characters"));
    }
    change.set_closed_on(Some(closing.closed_on))?;
    change.tx.execute(
        "INSERT INTO case_closings (case_id, outcome, note, closed_at)
         VALUES (?1, ?2, seal('case_closings.note', ?1, ?3), ?4)
         ON CONFLICT (case_id) DO UPDATE SET outcome = excluded.outcome, note = excluded.note,
             closed_at = excluded.closed_at",
        params![id, closing.outcome.as_str(), closing.note.trim(), change.ts],
    )?;
    change.commit(now, operator, "close", closing.outcome.as_str())?;
    get(conn, id)
}

/// Reopens a closed case: it is open again (no closing day, a higher revision, so the
/// export carries `closed_on: null`), and counts as open from now on. The outcome of
/// the closing it undoes is kept in the audit row only.
pub fn reopen(
    conn: &mut Connection,
    id: &str,
    expected_revision: i64,
    operator: &str,
    now: Now,
) -> Result<Case> {
    let change = begin_change(conn, id, expected_revision, now)?;
    let Some(closed_on) = change.case.closed_on else {
        return Err(Error::Conflict(format!("case {id} is open already")));
    };
    refuse_closing_change(&change.tx, &change.case, None)?;
    change.set_closed_on(None)?;
    change
        .tx
        .execute("DELETE FROM case_closings WHERE case_id = ?1", [id])?;
    let outcome = change.case.outcome.map(|o| o.as_str()).unwrap_or("none");
    let detail = format!("was closed on {closed_on}, outcome {outcome}");
    change.commit(now, operator, "reopen", &detail)?;
    get(conn, id)
}

/// Deletes a case: a tombstone that travels (id, revision, opened_on), and the personal
/// file and follow-ups erased for good.
pub fn delete(
    conn: &mut Connection,
    id: &str,
    expected_revision: i64,
    operator: &str,
    now: Now,
) -> Result<Case> {
    let change = begin_change(conn, id, expected_revision, now)?;
    yearbook::refuse_case_change(
        &change.tx,
        case_span(&change.case).as_ref(),
        None,
        "opened_on",
    )?;
    change.tx.execute(
        "UPDATE cases SET revision = ?2, deleted = 1, updated_at = ?3, change_seq = ?4 WHERE id = ?1",
        params![id, change.revision, change.ts, change.seq],
    )?;
    let erased = retention::erase_personal(&change.tx, id)?;
    change.commit(now, operator, "delete", "")?;
    // what the tombstone erased must not linger in the folder or the log either
    erased.shred(conn)?;
    get(conn, id)
}

/// Adds a follow-up to an own, live case, done today, with only what was done: the
/// short form of [`follow_ups::add`].
pub fn add_note(
    conn: &Connection,
    case_id: &str,
    body: &str,
    operator: &str,
    now: Now,
) -> Result<FollowUp> {
    let input = NewFollowUp {
        what: body.into(),
        ..NewFollowUp::default()
    };
    follow_ups::add(conn, case_id, &input, operator, now)
}

/// The follow-ups of a case, oldest first.
pub fn notes(conn: &Connection, case_id: &str) -> Result<Vec<FollowUp>> {
    follow_ups::list(conn, case_id)
}
