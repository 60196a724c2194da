//! Accompaniment cases (accompagnamenti): the anonymous record that travels, and the
//! personal file that never leaves this machine.
//!
//! A case has two halves. The `cases` row (type, opened/closed dates, reason code) is
//! anonymous and goes into the daily export like an access. The personal file
//! (`case_files`: name, phone, documents, description) and the follow-up notes
//! (`case_notes`) are personal data: no export, no report reads them.
//!
//! Every write of the travelling half follows the record rules of the project: one
//! transaction, a fresh `change_seq` from `change_counter`, the revision raised on each
//! correction (checked against the revision the operator saw, so two windows cannot
//! overwrite each other silently), a tombstone on deletion, and a line in `audit_log`.
//! Deleting a case also erases its personal file and notes: nothing personal outlives
//! the case it belonged to.
//!
//! A case closes with an outcome and a closing note ([`Closing`]) and can be reopened:
//! a reopening is its own audited change that sets `closed_on` back to none with a
//! higher revision, which is how the export carries it, and a reopened case counts as
//! open again. Follow-ups ([`follow_ups`]) carry the next step and its due day.
//! The personal file is erased once the case has been closed longer than the retention
//! or on the person's request ([`retention`]); the anonymous case stays.
//!
//! [`stored`] reads and writes the anonymous half as it travels between desks (the rows
//! an export takes, the copy an import compares, a case received from another desk):
//! no other module runs SQL on `cases`, `case_files`, `case_notes`, `case_closings`,
//! `case_erasures`, `case_services`, `case_service_kinds`, `case_documents`,
//! `case_accesses` or `case_notices`.

pub mod documents;
pub mod follow_ups;
pub mod notices;
mod read;
pub mod retention;
pub mod services;
pub mod stored;
mod write;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Full accompaniment (with the network of services) or fast one (an answer within a
/// short time, without activating the network).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseType {
    Full,
    Fast,
}

impl CaseType {
    /// The stored and exported spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseType::Full => "full",
            CaseType::Fast => "fast",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<CaseType> {
        match s {
            "full" => Some(CaseType::Full),
            "fast" => Some(CaseType::Fast),
            _ => None,
        }
    }
}

/// How a case ended when it was closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The problem was solved.
    Solved,
    /// It could not be solved.
    NotSolvable,
    /// The person can no longer be reached.
    Unreachable,
    /// Passed to another service.
    Referred,
}

impl Outcome {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Solved => "solved",
            Outcome::NotSolvable => "not_solvable",
            Outcome::Unreachable => "unreachable",
            Outcome::Referred => "referred",
        }
    }

    /// Parses the stored spelling.
    pub fn parse(s: &str) -> Option<Outcome> {
        match s {
            "solved" => Some(Outcome::Solved),
            "not_solvable" => Some(Outcome::NotSolvable),
            "unreachable" => Some(Outcome::Unreachable),
            "referred" => Some(Outcome::Referred),
            _ => None,
        }
    }
}

/// The input of a closing: the day, the outcome and a note (personal data, kept with
/// the personal file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closing {
    pub closed_on: NaiveDate,
    pub outcome: Outcome,
    #[serde(default)]
    pub note: String,
}

/// The personal file of a case: personal data, kept on this machine only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalFile {
    pub person_name: String,
    pub phone: String,
    pub documents: String,
    pub description: String,
}

impl PersonalFile {
    fn is_empty(&self) -> bool {
        self.person_name.trim().is_empty()
            && self.phone.trim().is_empty()
            && self.documents.trim().is_empty()
            && self.description.trim().is_empty()
    }
}

/// The input of an opening or a correction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewCase {
    pub case_type: CaseType,
    pub opened_on: NaiveDate,
    /// Set when the case is closed (archived); `None` while it is open.
    pub closed_on: Option<NaiveDate>,
    /// A code of the codebook's reason list.
    pub reason: String,
    /// The personal file; `None` keeps none (a fast case rarely needs one).
    pub personal: Option<PersonalFile>,
    /// The access of the register the case is opened from, if any: only the link is
    /// kept, with the case (read on opening only; a correction keeps the link).
    #[serde(default)]
    pub access_id: Option<String>,
}

/// A stored case as this desk sees it (the personal file only for own cases).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Case {
    pub id: String,
    pub desk: String,
    pub revision: i64,
    pub deleted: bool,
    pub case_type: Option<CaseType>,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub reason: Option<String>,
    pub personal: Option<PersonalFile>,
    /// How the last closing ended; `None` while open, and on cases closed without one
    /// (before outcomes were recorded, or received from another desk).
    pub outcome: Option<Outcome>,
    /// The note of the last closing (personal data).
    pub closing_note: Option<String>,
    /// Set once the personal file was erased (retention or the person's request).
    pub erasure: Option<retention::Erasure>,
    /// The access of the register the case was opened from.
    pub access_id: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// The anonymous half of a case: what the CLI prints and what travels. It has no field
/// for the personal file, so nothing personal can leak through it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub id: String,
    pub desk: String,
    pub revision: i64,
    pub case_type: Option<CaseType>,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
    pub reason: Option<String>,
    /// Days from opening to closing, or to `today` while the case is open.
    pub days_open: i64,
}

impl Case {
    /// The anonymous half of this case, with its days open as of `today`.
    pub fn summary(&self, today: NaiveDate) -> Summary {
        Summary {
            id: self.id.clone(),
            desk: self.desk.clone(),
            revision: self.revision,
            case_type: self.case_type,
            opened_on: self.opened_on,
            closed_on: self.closed_on,
            reason: self.reason.clone(),
            days_open: self.days_open(today),
        }
    }

    /// Days from opening to closing, or to `today` while open (never negative).
    pub fn days_open(&self, today: NaiveDate) -> i64 {
        let end = self.closed_on.unwrap_or(today);
        (end - self.opened_on).num_days().max(0)
    }
}

/// A case as the cases view lists it: the case and its days open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Listed {
    #[serde(flatten)]
    pub case: Case,
    pub days_open: i64,
    /// Its follow-ups: how many, the last one, the current next step.
    #[serde(flatten)]
    pub progress: follow_ups::Progress,
}

/// What the cases view shows for a year at this desk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub year: i32,
    pub desk: String,
    /// The year's figures, exactly the `cases` block of the yearly report for this desk.
    pub counts: Counts,
    /// Full cases open now, oldest opening first.
    pub open: Vec<Listed>,
    /// Full cases closed (archived) in the year, latest closing first.
    pub archived: Vec<Listed>,
    /// Fast accompaniments opened in the year, newest first.
    pub fast: Vec<Listed>,
}

/// The accompaniment figures of a year (the `cases` block of the yearly report).
///
/// Only `full` cases enter `total`, `carried_in`, `archived` and `carried_out`:
/// `carried_in` were opened before the year and not closed before it; `total` =
/// `carried_in` + opened in the year; `archived` = of `total`, closed in the year;
/// `carried_out` = `total` - `archived`; `fast` = fast cases opened in the year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub total: i64,
    pub carried_in: i64,
    pub archived: i64,
    pub carried_out: i64,
    pub fast: i64,
}

impl Counts {
    /// The figures of two disjoint sets of cases (two desks) taken together.
    pub fn plus(&self, other: &Counts) -> Counts {
        Counts {
            total: self.total + other.total,
            carried_in: self.carried_in + other.carried_in,
            archived: self.archived + other.archived,
            carried_out: self.carried_out + other.carried_out,
            fast: self.fast + other.fast,
        }
    }
}

pub use read::{Filter, counts, counts_by_desk, get, list, of_year, overview};
pub use retention::seal_stored;
pub use write::{add_note, close, correct, delete, notes, open, reopen};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Error, Now, Store, codebook, desk};

    /// 11:00 on 4 March 2024 at the desk (UTC+1).
    pub(super) fn now() -> Now {
        Now::at(day("2024-03-04").and_hms_opt(11, 0, 0).unwrap(), 1)
    }

    pub(super) fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    pub(super) fn closing(on: &str) -> Closing {
        Closing {
            closed_on: day(on),
            outcome: Outcome::Solved,
            note: "pratica conclusa".into(),
        }
    }

    pub(super) fn store() -> Store {
        let mut store = Store::open_in_memory().unwrap();
        let gro = desk::presets().remove(0);
        desk::set_own(store.conn_mut(), &gro, now().utc()).unwrap();
        store
    }

    fn input() -> NewCase {
        NewCase {
            case_type: CaseType::Full,
            opened_on: day("2024-03-04"),
            closed_on: None,
            reason: "cittadinanza".into(),
            personal: Some(PersonalFile {
                person_name: "Amina Benali".into(),
                phone: "333 1234567".into(),
                documents: "passaporto AB123456".into(),
                description: "domanda di cittadinanza".into(),
            }),
            access_id: None,
        }
    }

    fn change_counter(store: &Store) -> i64 {
        store
            .conn()
            .query_row("SELECT value FROM change_counter", [], |r| r.get(0))
            .unwrap()
    }

    fn change_seq(store: &Store, id: &str) -> i64 {
        store
            .conn()
            .query_row("SELECT change_seq FROM cases WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .unwrap()
    }

    #[test]
    fn open_correct_close_delete_follow_the_record_rules() {
        let mut store = store();
        let reasons = codebook::load(store.conn()).unwrap().lists.reason;
        let reason = reasons[0].code.clone();
        let mut new = input();
        new.reason = reason.clone();
        let case = open(store.conn_mut(), &new, "ops", now()).unwrap();
        assert_eq!(case.revision, 1);
        assert_eq!(case.desk, "GRO");
        assert_eq!(case.personal, new.personal, "the personal file is kept");
        assert_eq!(change_seq(&store, &case.id), change_counter(&store));

        new.case_type = CaseType::Fast;
        let corrected = correct(store.conn_mut(), &case.id, 1, &new, "ops", now()).unwrap();
        assert_eq!(corrected.revision, 2, "a correction raises the revision");
        assert_eq!(corrected.case_type, Some(CaseType::Fast));
        assert_eq!(change_seq(&store, &case.id), change_counter(&store));

        let stale = close(
            store.conn_mut(),
            &case.id,
            1,
            &closing("2024-03-04"),
            "ops",
            now(),
        );
        assert_eq!(
            stale.unwrap_err().code(),
            "conflict",
            "a stale revision is refused"
        );
        let closed = close(
            store.conn_mut(),
            &case.id,
            2,
            &closing("2024-03-04"),
            "ops",
            now(),
        )
        .unwrap();
        assert_eq!(closed.revision, 3);
        assert_eq!(closed.closed_on, Some(day("2024-03-04")));
        assert_eq!(list(store.conn(), "GRO", Filter::Open).unwrap().len(), 0);
        assert_eq!(list(store.conn(), "GRO", Filter::Closed).unwrap().len(), 1);

        add_note(store.conn(), &case.id, "chiamato il Comune", "ops", now()).unwrap();
        let deleted = delete(store.conn_mut(), &case.id, 3, "ops", now()).unwrap();
        assert!(deleted.deleted && deleted.revision == 4, "a tombstone");
        assert_eq!(
            deleted.personal, None,
            "the personal file goes with the case"
        );
        assert!(notes(store.conn(), &case.id).unwrap().is_empty());
        assert!(list(store.conn(), "GRO", Filter::All).unwrap().is_empty());
        let audited: i64 = store
            .conn()
            .query_row(
                "SELECT COUNT(*) FROM audit_log WHERE entity = 'case' AND entity_id = ?1",
                [&case.id],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(
            audited, 5,
            "open, correct, close, the follow-up and delete are audited"
        );
        assert!(
            delete(store.conn_mut(), &case.id, 4, "ops", now()).is_err(),
            "a tombstone is final"
        );
    }

    #[test]
    fn bad_input_is_refused_and_nothing_is_written() {
        let mut store = store();
        let mut bad = input();
        bad.reason = "no-such-reason".into();
        assert_eq!(
            open(store.conn_mut(), &bad, "ops", now())
                .unwrap_err()
                .code(),
            "invalid"
        );
        let mut bad = input();
        bad.reason = codebook::load(store.conn()).unwrap().lists.reason[0]
            .code
            .clone();
        bad.closed_on = Some(day("2024-01-01"));
        let err = open(store.conn_mut(), &bad, "ops", now()).unwrap_err();
        assert!(err.to_string().contains("closed_on"), "{err}");
        assert_eq!(change_counter(&store), 0, "no write happened");
    }

    #[test]
    fn dates_are_checked_against_the_desks_today_and_the_shared_limits() {
        let mut store = store();
        let mut new = input();
        new.reason = codebook::load(store.conn()).unwrap().lists.reason[0]
            .code
            .clone();
        for (field, spoil) in [
            (
                "opened_on",
                Box::new(|c: &mut NewCase| c.opened_on = day("2024-03-05"))
                    as Box<dyn Fn(&mut NewCase)>,
            ),
            (
                "opened_on",
                Box::new(|c: &mut NewCase| c.opened_on = day("1999-12-31")),
            ),
            (
                "closed_on",
                Box::new(|c: &mut NewCase| c.closed_on = Some(day("2024-03-05"))),
            ),
        ] {
            let mut bad = new.clone();
            spoil(&mut bad);
            match open(store.conn_mut(), &bad, "ops", now()) {
                Err(Error::Invalid { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: expected an invalid-input error, got {other:?}"),
            }
        }
        let case = open(store.conn_mut(), &new, "ops", now()).unwrap();
        let err = close(
            store.conn_mut(),
            &case.id,
            1,
            &closing("2024-03-05"),
            "ops",
            now(),
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("closed_on:"), "{err}");
        assert_eq!(
            change_counter(&store),
            1,
            "only the valid opening was written"
        );
    }

    #[test]
    fn an_empty_personal_file_is_not_stored() {
        let mut store = store();
        let mut new = input();
        new.reason = codebook::load(store.conn()).unwrap().lists.reason[0]
            .code
            .clone();
        new.personal = Some(PersonalFile::default());
        let case = open(store.conn_mut(), &new, "ops", now()).unwrap();
        assert_eq!(case.personal, None);
    }

    pub(super) fn opened(store: &mut Store, t: CaseType, on: &str, closed: Option<&str>) -> Case {
        let mut new = input();
        new.reason = codebook::load(store.conn()).unwrap().lists.reason[0]
            .code
            .clone();
        new.case_type = t;
        new.opened_on = day(on);
        new.closed_on = closed.map(day);
        open(store.conn_mut(), &new, "ops", now()).unwrap()
    }

    #[test]
    fn the_overview_sorts_cases_into_open_archived_and_fast() {
        let mut store = store();
        let newer = opened(&mut store, CaseType::Full, "2024-02-01", None);
        let older = opened(&mut store, CaseType::Full, "2022-11-30", None);
        let archived = opened(&mut store, CaseType::Full, "2023-05-01", Some("2024-01-10"));
        opened(&mut store, CaseType::Full, "2023-01-01", Some("2023-12-31"));
        let fast = opened(&mut store, CaseType::Fast, "2024-03-01", None);
        opened(&mut store, CaseType::Fast, "2023-03-01", None);
        add_note(
            store.conn(),
            &older.id,
            "telefonato in Questura",
            "ops",
            now(),
        )
        .unwrap();

        let o = overview(store.conn(), 2024, day("2024-03-04")).unwrap();
        let ids = |l: &[Listed]| l.iter().map(|c| c.case.id.clone()).collect::<Vec<_>>();
        assert_eq!(
            ids(&o.open),
            vec![older.id.clone(), newer.id.clone()],
            "open full cases, oldest first"
        );
        assert_eq!(o.open[0].days_open, 460, "30/11/2022 to 04/03/2024");
        assert_eq!(o.open[0].progress.notes, 1, "the note is counted");
        assert_eq!(
            ids(&o.archived),
            vec![archived.id.clone()],
            "closed in 2024 only"
        );
        assert_eq!(o.archived[0].days_open, 254, "from opening to closing");
        assert_eq!(ids(&o.fast), vec![fast.id], "fast ones of 2024 only");
        assert_eq!(
            o.counts,
            crate::report::yearly(store.conn(), 2024, Some("GRO"))
                .unwrap()
                .total
                .cases,
            "the counts are the report's"
        );
        assert_eq!(
            (
                o.counts.total,
                o.counts.carried_in,
                o.counts.archived,
                o.counts.fast
            ),
            (3, 2, 1, 1)
        );
    }

    #[test]
    fn the_cases_of_a_year_are_those_open_at_some_point_in_it() {
        let mut store = store();
        let carried = opened(&mut store, CaseType::Full, "2022-11-30", Some("2023-01-01"));
        opened(&mut store, CaseType::Full, "2022-01-01", Some("2022-12-31"));
        let fast = opened(&mut store, CaseType::Fast, "2023-06-01", None);
        opened(&mut store, CaseType::Full, "2024-01-01", None);
        let got: Vec<String> = of_year(store.conn(), "GRO", 2023)
            .unwrap()
            .into_iter()
            .map(|c| c.id)
            .collect();
        assert_eq!(got, vec![carried.id, fast.id]);
        assert_eq!(
            of_year(store.conn(), "GRO", 12).unwrap_err().code(),
            "invalid"
        );
    }

    #[test]
    fn the_counts_per_desk_add_up_to_the_counts_of_every_desk() {
        let mut store = store();
        opened(&mut store, CaseType::Full, "2022-11-30", None);
        opened(&mut store, CaseType::Full, "2023-02-01", Some("2023-05-02"));
        opened(&mut store, CaseType::Fast, "2023-06-01", None);
        opened(&mut store, CaseType::Full, "2024-01-02", None);
        desk::ensure_known(store.conn(), "FOL", now().utc()).unwrap();
        for (i, (t, on, closed, deleted)) in [
            (CaseType::Full, "2021-03-01", Some("2023-01-01"), false),
            (CaseType::Full, "2023-12-31", Some("2024-01-01"), false),
            (CaseType::Full, "2023-04-04", None, true),
            (CaseType::Fast, "2022-12-31", None, false),
        ]
        .into_iter()
        .enumerate()
        {
            let received = stored::StoredCase {
                id: format!("01900000-0000-7000-8000-00000000000{i}"),
                desk: "FOL".into(),
                revision: 1,
                deleted,
                case_type: Some(t),
                opened_on: day(on),
                closed_on: closed.map(day),
                reason: Some("cittadinanza".into()),
                change_seq: None,
            };
            stored::write_imported(store.conn(), &received, "t").unwrap();
        }
        let per_desk = counts_by_desk(store.conn(), 2023).unwrap();
        let figures = |c: &Counts| (c.total, c.carried_in, c.archived, c.carried_out, c.fast);
        assert_eq!(figures(&per_desk["GRO"]), (2, 1, 1, 1, 1));
        assert_eq!(
            figures(&per_desk["FOL"]),
            (2, 1, 1, 1, 0),
            "the deleted case and the fast one of 2022 do not count"
        );
        for (code, c) in &per_desk {
            assert_eq!(&counts(store.conn(), 2023, Some(code)).unwrap(), c);
        }
        assert_eq!(
            counts(store.conn(), 2023, None).unwrap(),
            per_desk["GRO"].plus(&per_desk["FOL"])
        );
        assert_eq!(
            counts(store.conn(), 2023, Some("SCA")).unwrap(),
            Counts::default()
        );
    }

    #[test]
    fn the_summary_has_no_personal_data() {
        let mut store = store();
        let case = opened(&mut store, CaseType::Full, "2024-03-01", None);
        let json = serde_json::to_string(&case.summary(day("2024-03-04"))).unwrap();
        assert!(
            !json.contains("Amina") && !json.contains("333 1234567"),
            "{json}"
        );
        assert!(json.contains(r#""days_open":3"#), "{json}");
    }
}
