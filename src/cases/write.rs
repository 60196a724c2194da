//! Writing cases: opening, correcting, closing, deleting, and the follow-up notes.
//!
//! Each change of the travelling half is one transaction with its change number and
//! its audit row; the personal file is written in the same transaction. A change that
//! would alter the counts of a closed year (its report is published) is refused:
//! opening a case back in that year, or deleting, correcting or archiving one it
//! counts differently afterwards. Archiving in 2024 a case carried through a closed
//! 2023 changes nothing there (it was carried out of 2023 either way) and is allowed.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, Transaction, params};

use super::{Case, CaseNote, CaseType, NewCase, PersonalFile, get};
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
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
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

/// Opens a case of this desk.
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

/// Corrects a case: every field, including the personal file, is replaced by `input`.
pub fn correct(
    conn: &mut Connection,
    id: &str,
    expected_revision: i64,
    input: &NewCase,
    operator: &str,
    now: Now,
) -> Result<Case> {
    let tx = conn.transaction()?;
    validate(&tx, input, now.today())?;
    let ts = ids::timestamp(now.utc());
    let case = current_for_change(&tx, id, expected_revision)?;
    let new = input_span(input);
    yearbook::refuse_case_change(&tx, case_span(&case).as_ref(), Some(&new), "opened_on")?;
    let seq = next_change(&tx)?;
    let revision = case.revision + 1;
    tx.execute(
        "UPDATE cases SET revision = ?2, case_type = ?3, opened_on = ?4, closed_on = ?5,
                reason = ?6, updated_at = ?7, change_seq = ?8
         WHERE id = ?1",
        params![
            id,
            revision,
            input.case_type.as_str(),
            input.opened_on.to_string(),
            input.closed_on.map(|d| d.to_string()),
            input.reason,
            ts,
            seq
        ],
    )?;
    write_personal(&tx, id, input.personal.as_ref(), &ts)?;
    audit(&tx, now.utc(), operator, "correct", id, revision)?;
    tx.commit()?;
    get(conn, id)
}

/// Closes (archives) a case on `closed_on`.
pub fn close(
    conn: &mut Connection,
    id: &str,
    expected_revision: i64,
    closed_on: NaiveDate,
    operator: &str,
    now: Now,
) -> Result<Case> {
    let ts = ids::timestamp(now.utc());
    let tx = conn.transaction()?;
    let case = current_for_change(&tx, id, expected_revision)?;
    // a retired reason code stays valid on an existing case: check only the dates here
    check_closing(case.opened_on, closed_on, now.today())?;
    let old = case_span(&case);
    let new = old.map(|c| CaseSpan {
        closed_on: Some(closed_on),
        ..c
    });
    yearbook::refuse_case_change(&tx, old.as_ref(), new.as_ref(), "closed_on")?;
    let seq = next_change(&tx)?;
    let revision = case.revision + 1;
    tx.execute(
        "UPDATE cases SET revision = ?2, closed_on = ?3, updated_at = ?4, change_seq = ?5
         WHERE id = ?1",
        params![id, revision, closed_on.to_string(), ts, seq],
    )?;
    audit(&tx, now.utc(), operator, "close", id, revision)?;
    tx.commit()?;
    get(conn, id)
}

/// Deletes a case: a tombstone that travels (id, revision, opened_on), and the personal
/// file and notes erased for good.
pub fn delete(
    conn: &mut Connection,
    id: &str,
    expected_revision: i64,
    operator: &str,
    now: Now,
) -> Result<Case> {
    let ts = ids::timestamp(now.utc());
    let tx = conn.transaction()?;
    let case = current_for_change(&tx, id, expected_revision)?;
    yearbook::refuse_case_change(&tx, case_span(&case).as_ref(), None, "opened_on")?;
    let seq = next_change(&tx)?;
    let revision = case.revision + 1;
    tx.execute(
        "UPDATE cases SET revision = ?2, deleted = 1, updated_at = ?3, change_seq = ?4 WHERE id = ?1",
        params![id, revision, ts, seq],
    )?;
    tx.execute("DELETE FROM case_files WHERE case_id = ?1", [id])?;
    tx.execute("DELETE FROM case_notes WHERE case_id = ?1", [id])?;
    audit(&tx, now.utc(), operator, "delete", id, revision)?;
    tx.commit()?;
    get(conn, id)
}

/// Adds a follow-up note to an own, live case. Notes are personal data: they change no
/// revision and never travel.
pub fn add_note(
    conn: &Connection,
    case_id: &str,
    body: &str,
    operator: &str,
    now: Now,
) -> Result<CaseNote> {
    let body = body.trim();
    if body.is_empty() {
        return Err(Error::invalid("body", "the note is empty"));
    }
    let case = get(conn, case_id)?;
    if case.deleted || case.desk != desk::own_code(conn)? {
        return Err(Error::Conflict(format!(
            "case {case_id} cannot take notes here"
        )));
    }
    let ts = ids::timestamp(now.utc());
    conn.execute(
        "INSERT INTO case_notes (case_id, written_at, operator, body) VALUES (?1, ?2, ?3, ?4)",
        params![case_id, ts, operator, body],
    )?;
    Ok(CaseNote {
        id: conn.last_insert_rowid(),
        written_at: ts,
        operator: operator.into(),
        body: body.into(),
    })
}

/// The notes of a case, oldest first.
pub fn notes(conn: &Connection, case_id: &str) -> Result<Vec<CaseNote>> {
    let mut stmt = conn.prepare(
        "SELECT id, written_at, operator, body FROM case_notes WHERE case_id = ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        Ok(CaseNote {
            id: r.get(0)?,
            written_at: r.get(1)?,
            operator: r.get(2)?,
            body: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}
