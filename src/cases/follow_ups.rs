//! The follow-up log of a case: what was done, on which day, with whom, and the next
//! step with the day it is due. Follow-ups are personal data (they describe the
//! person's situation): they change no revision, never travel, and go with the
//! personal file when it is erased.
//!
//! The cases view reads two things from the log: the day of the last follow-up (how
//! long a case has been left alone) and the current next step, the one set by the
//! latest follow-up that names one. A next step is overdue once its day has passed;
//! [`due_this_week`] lists, across the open cases, the next steps due by the end of
//! the current week, overdue ones first.

use chrono::{Datelike, Days, NaiveDate};
use rusqlite::{Connection, Transaction, TransactionBehavior, params};
use serde::{Deserialize, Serialize};

use super::get;
use super::read::parse_date;
use crate::store::audit;
use crate::{Error, Now, Result, desk, ids, limits};

/// Longest text of a follow-up field, in characters.
const MAX_TEXT: usize = 4000;

/// The input of a follow-up.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewFollowUp {
    /// The day it was done (not after today).
    pub done_on: Option<NaiveDate>,
    /// What was done.
    pub what: String,
    /// With whom (a service, an office, the person).
    #[serde(default)]
    pub with_whom: String,
    /// The next step, if one is planned.
    #[serde(default)]
    pub next_step: String,
    /// When the next step is due; only with a next step.
    #[serde(default)]
    pub due_on: Option<NaiveDate>,
}

/// A stored follow-up (personal data, never exported).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub id: i64,
    pub done_on: NaiveDate,
    pub written_at: String,
    pub operator: String,
    /// What was done.
    pub body: String,
    pub with_whom: String,
    pub next_step: String,
    pub due_on: Option<NaiveDate>,
}

/// The next step of a case as the lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextStep {
    pub text: String,
    pub due_on: Option<NaiveDate>,
    /// Its day has passed.
    pub overdue: bool,
}

/// What the lists of open cases show of a case's log.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    /// How many follow-ups (notes) the case has.
    pub notes: i64,
    /// The day of the latest follow-up.
    pub last_follow_up: Option<NaiveDate>,
    /// Days since the latest follow-up, or since the opening when there is none.
    pub days_since_follow_up: i64,
    pub next_step: Option<NextStep>,
}

/// A next step in the "to do this week" list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Due {
    pub case_id: String,
    pub opened_on: NaiveDate,
    pub person_name: Option<String>,
    pub next_step: NextStep,
}

fn check_text(field: &str, value: &str) -> Result<()> {
    if value.chars().count() > MAX_TEXT {
        return Err(Error::invalid(
            field,
            format!("at most {MAX_TEXT} characters"),
        ));
    }
    Ok(())
}

fn validate(input: &NewFollowUp, opened_on: NaiveDate, today: NaiveDate) -> Result<NaiveDate> {
    let done_on = input.done_on.unwrap_or(today);
    if input.what.trim().is_empty() {
        return Err(Error::invalid("what", "say what was done"));
    }
    for (field, value) in [
        ("what", &input.what),
        ("with_whom", &input.with_whom),
        ("next_step", &input.next_step),
    ] {
        check_text(field, value)?;
    }
    if done_on > today {
        return Err(Error::invalid("done_on", "the day is in the future"));
    }
    if done_on < opened_on {
        return Err(Error::invalid(
            "done_on",
            format!("the day is before the case was opened ({opened_on})"),
        ));
    }
    if let Some(due) = input.due_on {
        if input.next_step.trim().is_empty() {
            return Err(Error::invalid(
                "due_on",
                "a due date needs a next step: write the next step too",
            ));
        }
        if due < done_on {
            return Err(Error::invalid(
                "due_on",
                "the next step is due before the follow-up it comes from",
            ));
        }
        if due.year() > limits::LATEST_YEAR {
            return Err(Error::invalid("due_on", "the due date is too far ahead"));
        }
    }
    Ok(done_on)
}

/// Adds a follow-up to an own, live case.
pub fn add(
    conn: &Connection,
    case_id: &str,
    input: &NewFollowUp,
    operator: &str,
    now: Now,
) -> Result<FollowUp> {
    // a shared borrow, as the notes always took: the transaction is still IMMEDIATE
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let case = get(&tx, case_id)?;
    if case.deleted || case.desk != desk::own_code(&tx)? {
        return Err(Error::Conflict(format!(
            "case {case_id} cannot take follow-ups here"
        )));
    }
    let done_on = validate(input, case.opened_on, now.today())?;
    let ts = ids::timestamp(now.utc());
    let next_step = input.next_step.trim();
    tx.execute(
        "INSERT INTO case_notes (case_id, written_at, operator, body, done_on, with_whom,
                                 next_step, due_on)
         VALUES (?1, ?2, ?3, seal('case_notes.body', ?1, ?4), ?5,
                 seal('case_notes.with_whom', ?1, ?6), seal('case_notes.next_step', ?1, ?7), ?8)",
        params![
            case_id,
            ts,
            operator,
            input.what.trim(),
            done_on.to_string(),
            input.with_whom.trim(),
            next_step,
            input.due_on.map(|d| d.to_string())
        ],
    )?;
    let id = tx.last_insert_rowid();
    // the audit row says that and when, never what (the text is personal data)
    audit::log(
        &tx,
        now.utc(),
        operator,
        "follow_up",
        "case",
        case_id,
        None,
        "",
    )?;
    tx.commit()?;
    list(conn, case_id)?
        .into_iter()
        .find(|f| f.id == id)
        .ok_or_else(|| Error::NotFound {
            entity: "follow-up",
            id: id.to_string(),
        })
}

/// The follow-ups of a case, by day then order of writing (oldest first).
pub fn list(conn: &Connection, case_id: &str) -> Result<Vec<FollowUp>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, done_on, written_at, operator, unseal('case_notes.body', case_id, body),
             unseal('case_notes.with_whom', case_id, with_whom),
             unseal('case_notes.next_step', case_id, next_step), due_on
         FROM case_notes WHERE case_id = ?1 ORDER BY done_on, id",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        let due: Option<String> = r.get(7)?;
        Ok(FollowUp {
            id: r.get(0)?,
            done_on: parse_date(&r.get::<_, String>(1)?)?,
            written_at: r.get(2)?,
            operator: r.get(3)?,
            body: r.get(4)?,
            with_whom: r.get(5)?,
            next_step: r.get(6)?,
            due_on: due.as_deref().map(parse_date).transpose()?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The progress of every case that has follow-ups, by case id, as of `today`.
pub(super) fn progress_by_case(
    conn: &Connection,
    today: NaiveDate,
) -> Result<std::collections::HashMap<String, Progress>> {
    // the latest follow-up and the latest next step of each case, in one pass
    let mut stmt = conn.prepare(
        "SELECT case_id, done_on, unseal('case_notes.next_step', case_id, next_step), due_on
         FROM case_notes ORDER BY case_id, done_on, id",
    )?;
    let rows = stmt.query_map([], |r| {
        let due: Option<String> = r.get(3)?;
        Ok((
            r.get::<_, String>(0)?,
            parse_date(&r.get::<_, String>(1)?)?,
            r.get::<_, String>(2)?,
            due.as_deref().map(parse_date).transpose()?,
        ))
    })?;
    let mut out = std::collections::HashMap::<String, Progress>::new();
    for row in rows {
        let (case_id, done_on, next_step, due_on) = row?;
        let p = out.entry(case_id).or_default();
        p.notes += 1;
        p.last_follow_up = Some(done_on);
        p.days_since_follow_up = (today - done_on).num_days().max(0);
        if !next_step.is_empty() {
            p.next_step = Some(NextStep {
                overdue: due_on.is_some_and(|d| d < today),
                text: next_step,
                due_on,
            });
        }
    }
    Ok(out)
}

/// The progress of a case opened on `opened_on` as the lists show it.
pub(super) fn progress_of(
    all: &std::collections::HashMap<String, Progress>,
    case_id: &str,
    opened_on: NaiveDate,
    today: NaiveDate,
) -> Progress {
    all.get(case_id).cloned().unwrap_or_else(|| Progress {
        days_since_follow_up: (today - opened_on).num_days().max(0),
        ..Progress::default()
    })
}

/// The last day of the week (Sunday) that holds `today`.
pub fn end_of_week(today: NaiveDate) -> NaiveDate {
    today + Days::new(u64::from(6 - today.weekday().num_days_from_monday()))
}

/// The next steps of this desk's open cases due by the end of this week (overdue ones
/// included), earliest due first, then by opening.
pub fn due_this_week(conn: &Connection, today: NaiveDate) -> Result<Vec<Due>> {
    let own = desk::own_code(conn)?;
    let progress = progress_by_case(conn, today)?;
    let until = end_of_week(today);
    let mut due: Vec<Due> = super::list(conn, &own, super::Filter::Open)?
        .into_iter()
        .filter_map(|c| {
            let step = progress.get(&c.id)?.next_step.clone()?;
            step.due_on.filter(|d| *d <= until)?;
            Some(Due {
                case_id: c.id,
                opened_on: c.opened_on,
                person_name: c.personal.map(|p| p.person_name),
                next_step: step,
            })
        })
        .collect();
    due.sort_by(|a, b| {
        (a.next_step.due_on, a.opened_on, &a.case_id).cmp(&(
            b.next_step.due_on,
            b.opened_on,
            &b.case_id,
        ))
    });
    Ok(due)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;
    use crate::cases::tests::{closing, day, now, opened, store};
    use crate::cases::{CaseType, overview};

    fn step(done: &str, what: &str, next: &str, due: Option<&str>) -> NewFollowUp {
        NewFollowUp {
            done_on: Some(day(done)),
            what: what.into(),
            with_whom: "Comune".into(),
            next_step: next.into(),
            due_on: due.map(day),
        }
    }

    fn add_step(store: &Store, id: &str, input: NewFollowUp) -> FollowUp {
        add(store.conn(), id, &input, "ops", now()).unwrap()
    }

    #[test]
    fn a_follow_up_is_kept_with_its_next_step_and_checked() {
        let mut store = store();
        let case = opened(&mut store, CaseType::Full, "2024-02-01", None);
        let f = add_step(
            &store,
            &case.id,
            step(
                "2024-02-10",
                "chiesto il certificato",
                "ritirarlo",
                Some("2024-03-01"),
            ),
        );
        assert_eq!(
            (f.done_on, f.due_on),
            (day("2024-02-10"), Some(day("2024-03-01")))
        );
        assert_eq!(f.with_whom, "Comune");
        for (field, bad) in [
            ("what", step("2024-02-10", "  ", "", None)),
            ("done_on", step("2024-03-05", "x", "", None)),
            ("done_on", step("2024-01-31", "x", "", None)),
            ("due_on", step("2024-02-10", "x", "", Some("2024-03-01"))),
            ("due_on", step("2024-02-10", "x", "y", Some("2024-02-09"))),
        ] {
            match add(store.conn(), &case.id, &bad, "ops", now()) {
                Err(Error::Invalid { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: expected invalid, got {other:?}"),
            }
        }
        assert_eq!(
            list(store.conn(), &case.id).unwrap().len(),
            1,
            "nothing else written"
        );
    }

    #[test]
    fn the_lists_show_days_since_the_last_follow_up_and_overdue_next_steps() {
        let mut store = store();
        // today is Monday 04/03/2024; the week ends on Sunday 10/03/2024
        let late = opened(&mut store, CaseType::Full, "2024-01-02", None);
        add_step(
            &store,
            &late.id,
            step("2024-01-05", "a", "b", Some("2024-02-20")),
        );
        add_step(&store, &late.id, step("2024-02-24", "c", "", None));
        let this_week = opened(&mut store, CaseType::Full, "2024-01-03", None);
        add_step(
            &store,
            &this_week.id,
            step("2024-03-01", "d", "e", Some("2024-03-10")),
        );
        let later = opened(&mut store, CaseType::Full, "2024-01-04", None);
        add_step(
            &store,
            &later.id,
            step("2024-03-01", "f", "g", Some("2024-03-11")),
        );
        let quiet = opened(&mut store, CaseType::Full, "2024-02-03", None);

        let o = overview(store.conn(), 2024, day("2024-03-04")).unwrap();
        let of = |id: &str| {
            o.open
                .iter()
                .find(|l| l.case.id == id)
                .unwrap()
                .progress
                .clone()
        };
        let p = of(&late.id);
        assert_eq!(p.last_follow_up, Some(day("2024-02-24")));
        assert_eq!(p.days_since_follow_up, 9);
        assert_eq!(p.notes, 2);
        let next = p
            .next_step
            .expect("the latest follow-up naming a next step sets it");
        assert_eq!((next.text.as_str(), next.overdue), ("b", true));
        assert!(
            !of(&this_week.id).next_step.unwrap().overdue,
            "due on Sunday"
        );
        let q = of(&quiet.id);
        assert_eq!(
            (q.days_since_follow_up, q.last_follow_up),
            (30, None),
            "since opening"
        );

        let due = due_this_week(store.conn(), day("2024-03-04")).unwrap();
        let ids: Vec<&str> = due.iter().map(|d| d.case_id.as_str()).collect();
        assert_eq!(
            ids,
            vec![late.id.as_str(), this_week.id.as_str()],
            "overdue first; not next week"
        );
        assert_eq!(due[0].person_name.as_deref(), Some("Amina Benali"));

        crate::cases::close(
            store.conn_mut(),
            &late.id,
            1,
            &closing("2024-03-04"),
            "ops",
            now(),
        )
        .unwrap();
        assert_eq!(
            due_this_week(store.conn(), day("2024-03-04"))
                .unwrap()
                .len(),
            1,
            "a closed case has nothing to do"
        );
        assert_eq!(end_of_week(day("2024-03-10")), day("2024-03-10"));
    }

    #[test]
    fn close_with_outcome_reopen_and_close_again_follow_the_record_rules() {
        let mut store = store();
        let case = opened(&mut store, CaseType::Full, "2022-05-02", None);
        let closed = crate::cases::close(
            store.conn_mut(),
            &case.id,
            1,
            &closing("2023-06-30"),
            "ops",
            now(),
        )
        .unwrap();
        assert_eq!(
            (closed.revision, closed.outcome),
            (2, Some(crate::cases::Outcome::Solved))
        );
        let twice = crate::cases::close(
            store.conn_mut(),
            &case.id,
            2,
            &closing("2023-06-30"),
            "ops",
            now(),
        );
        assert_eq!(twice.unwrap_err().code(), "conflict");
        let c2023 = overview(store.conn(), 2023, day("2024-03-04"))
            .unwrap()
            .counts;
        assert_eq!((c2023.archived, c2023.carried_out), (1, 0));

        // a correction cannot reopen
        let mut input = crate::cases::NewCase {
            case_type: CaseType::Full,
            opened_on: case.opened_on,
            closed_on: None,
            reason: case.reason.clone().unwrap(),
            personal: case.personal.clone(),
            access_id: None,
        };
        let err = crate::cases::correct(store.conn_mut(), &case.id, 2, &input, "ops", now());
        assert_eq!(err.unwrap_err().code(), "invalid");

        let reopened = crate::cases::reopen(store.conn_mut(), &case.id, 2, "ops", now()).unwrap();
        assert_eq!(
            (reopened.revision, reopened.closed_on, reopened.outcome),
            (3, None, None)
        );
        let stored = crate::cases::stored::by_id(store.conn(), &case.id)
            .unwrap()
            .unwrap();
        assert_eq!(
            (stored.closed_on, stored.revision),
            (None, 3),
            "what the export carries"
        );
        let o = overview(store.conn(), 2023, day("2024-03-04")).unwrap();
        assert_eq!(
            (o.counts.archived, o.counts.carried_out),
            (0, 1),
            "a reopened case is open again"
        );
        assert_eq!(
            crate::cases::reopen(store.conn_mut(), &case.id, 3, "ops", now())
                .unwrap_err()
                .code(),
            "conflict",
            "an open case cannot be reopened"
        );
        // a correction of an open case cannot close it either
        input.closed_on = Some(day("2024-01-01"));
        let err = crate::cases::correct(store.conn_mut(), &case.id, 3, &input, "ops", now());
        assert_eq!(err.unwrap_err().code(), "invalid");

        let again = crate::cases::close(
            store.conn_mut(),
            &case.id,
            3,
            &closing("2024-03-04"),
            "ops",
            now(),
        )
        .unwrap();
        assert_eq!(
            (again.revision, again.closed_on),
            (4, Some(day("2024-03-04")))
        );
        let actions: Vec<String> = crate::store::audit::history(store.conn(), "case", &case.id)
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(actions, ["open", "close", "reopen", "close"]);
    }
}
