//! The personal file of an accompaniment case printed on A4 for the operator's paper
//! folder: the case, the person's data, the copies of documents attached, the services
//! involved, the follow-ups and the closing note. It holds personal data, so it is
//! printed, never saved by the app (like the day agenda).

use chrono::NaiveDate;
use minijinja::context;
use rusqlite::Connection;
use serde::Serialize;

use crate::appointments::format_day;
use crate::cases::documents::{self, DocumentKind};
use crate::cases::retention::Cause;
use crate::cases::{self, CaseType, Outcome, follow_ups, notices, services};
use crate::codebook::{self, List};
use crate::{Error, Result, desk};

#[derive(Serialize)]
struct Row {
    day: String,
    what: String,
    with_whom: String,
    next_step: String,
    due: String,
}

fn outcome_it(o: Outcome) -> &'static str {
    match o {
        Outcome::Solved => "risolto",
        Outcome::NotSolvable => "non risolvibile",
        Outcome::Unreachable => "persona non più raggiungibile",
        Outcome::Referred => "passato ad altro servizio",
    }
}

fn kind_it(k: DocumentKind) -> &'static str {
    match k {
        DocumentKind::Permit => "permesso di soggiorno",
        DocumentKind::Passport => "passaporto",
        DocumentKind::Receipt => "ricevuta",
        DocumentKind::Certificate => "certificato",
        DocumentKind::Other => "altro",
    }
}

/// The personal file of the own case `id` as a printable A4 HTML document, printed on
/// `today`.
pub fn render_case_file(conn: &Connection, id: &str, today: NaiveDate) -> Result<String> {
    let own = desk::own(conn)?.ok_or(Error::NoDesk)?;
    let case = cases::get(conn, id)?;
    if case.deleted || case.desk != own.code {
        return Err(Error::Conflict(format!(
            "case {id} has no personal file at this desk"
        )));
    }
    let book = codebook::load(conn)?;
    let reason = case.reason.as_deref().unwrap_or("");
    let kinds = services::kinds(conn)?;
    let service_label = |code: &str| {
        kinds
            .iter()
            .find(|k| k.code == code)
            .map(|k| k.label.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let languages = super::slip::languages()?;
    let language_it = |code: &str| {
        languages
            .iter()
            .find(|l| l.code == code)
            .map(|l| l.name_it.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let person = case.personal.clone().unwrap_or_default();
    let erased = case.erasure.as_ref().map(|e| {
        let day = e.erased_at.get(..10).unwrap_or(&e.erased_at);
        let day = day
            .parse()
            .map(format_day)
            .unwrap_or_else(|_| day.to_string());
        match e.cause {
            Cause::Request => {
                format!("Dati personali cancellati il {day} su richiesta della persona.")
            }
            Cause::Retention => {
                format!("Dati personali cancellati il {day} (fine del periodo di conservazione).")
            }
        }
    });
    let follow_ups: Vec<Row> = follow_ups::list(conn, id)?
        .into_iter()
        .map(|f| Row {
            day: format_day(f.done_on),
            what: f.body,
            with_whom: f.with_whom,
            next_step: f.next_step,
            due: f.due_on.map(format_day).unwrap_or_default(),
        })
        .collect();
    super::render(
        "case_file.html.j2",
        context! {
            desk => context! { name => own.name, address => own.address, phone => own.phone },
            case_type => match case.case_type {
                Some(CaseType::Fast) => "Accompagnamento veloce",
                _ => "Accompagnamento completo",
            },
            opened_on => format_day(case.opened_on),
            closed_on => case.closed_on.map(format_day),
            outcome => case.outcome.map(outcome_it),
            reason => book.label(List::Reason, reason),
            notices => notices::given(conn, id)?.into_iter().map(|n| context! {
                day => format_day(n.given_on), language => language_it(&n.language),
            }).collect::<Vec<_>>(),
            erased => erased,
            person => person,
            documents => documents::list(conn, id)?.into_iter().map(|d| context! {
                name => d.name, kind => kind_it(d.kind), day => format_day(d.added_on),
            }).collect::<Vec<_>>(),
            services => services::involved(conn, id)?.into_iter().map(|s| context! {
                label => service_label(&s.service), day => format_day(s.involved_on),
            }).collect::<Vec<_>>(),
            follow_ups => follow_ups,
            closing_note => case.closing_note.filter(|n| !n.is_empty()),
            printed_on => format_day(today),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::follow_ups::NewFollowUp;
    use crate::cases::{Closing, NewCase, PersonalFile};
    use crate::{Now, Store};

    #[test]
    fn the_personal_file_prints_everything_escaped_and_only_for_own_live_cases() {
        let mut store = Store::open_in_memory().unwrap();
        let gro = desk::presets().remove(0);
        desk::set_own(store.conn_mut(), &gro, chrono::Utc::now()).unwrap();
        let now = Now::at(
            NaiveDate::from_ymd_opt(2024, 3, 4)
                .unwrap()
                .and_hms_opt(10, 0, 0)
                .unwrap(),
            1,
        );
        let input = NewCase {
            case_type: CaseType::Full,
            opened_on: NaiveDate::from_ymd_opt(2024, 2, 1).unwrap(),
            closed_on: None,
            reason: "cittadinanza".into(),
            personal: Some(PersonalFile {
                person_name: "Amina <i>Benali</i>".into(),
                phone: "333 1234567".into(),
                documents: "passaporto AB123".into(),
                description: "domanda".into(),
            }),
            access_id: None,
        };
        let case = cases::open(store.conn_mut(), &input, "op", now).unwrap();
        let step = NewFollowUp {
            done_on: None,
            what: "chiamata in Prefettura".into(),
            with_whom: "Prefettura".into(),
            next_step: "ritiro decreto".into(),
            due_on: NaiveDate::from_ymd_opt(2024, 3, 20),
        };
        follow_ups::add(store.conn(), &case.id, &step, "op", now).unwrap();
        services::involve(
            store.conn_mut(),
            &case.id,
            "prefettura",
            now.today(),
            "op",
            now,
        )
        .unwrap();
        let closing = Closing {
            closed_on: now.today(),
            outcome: Outcome::Solved,
            note: "decreto ritirato".into(),
        };
        cases::close(store.conn_mut(), &case.id, 1, &closing, "op", now).unwrap();
        let html = render_case_file(store.conn(), &case.id, now.today())
            .unwrap()
            .replace("&#x2f;", "/");
        assert!(html.contains("Amina &lt;i&gt;Benali&lt;/i&gt;"), "escaped");
        for needle in [
            "333 1234567",
            "chiamata in Prefettura",
            "ritiro decreto",
            "20/03/2024",
            "Cittadinanza",
            "archiviato il 04/03/2024 (risolto)",
            "decreto ritirato",
            "Prefettura</td>",
            "size: 210mm 297mm",
        ] {
            assert!(html.contains(needle), "{needle} in:\n{html}");
        }
        assert_eq!(
            render_case_file(store.conn(), "nope", now.today())
                .unwrap_err()
                .code(),
            "not_found"
        );
    }
}
