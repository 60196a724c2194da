//! The privacy notice given to the person of a case: the operator records the day and
//! the language (besides Italian) it was given in. The notice itself is printed by the
//! print module, in [`NOTICE_LANGUAGES`]; this keeps the record that it was given,
//! which holds nothing personal and stays when the personal file is erased.

use chrono::NaiveDate;
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use super::get;
use super::read::parse_date;
use crate::store::audit;
use crate::{Error, Now, Result, desk, ids};

/// The languages the notice is printed in, Italian first: the appointment slips'
/// languages (a test of the print module keeps the two lists equal).
pub const NOTICE_LANGUAGES: &[&str] = &["it", "en", "fr", "ar", "ro", "sq", "uk"];

/// A notice given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeGiven {
    pub given_on: NaiveDate,
    /// The language besides Italian (`it` when Italian only).
    pub language: String,
}

/// The notices given for a case, oldest first.
pub fn given(conn: &Connection, case_id: &str) -> Result<Vec<NoticeGiven>> {
    let mut stmt = conn.prepare_cached(
        "SELECT given_on, language FROM case_notices WHERE case_id = ?1 ORDER BY given_on, id",
    )?;
    let rows = stmt.query_map([case_id], |r| {
        Ok(NoticeGiven {
            given_on: parse_date(&r.get::<_, String>(0)?)?,
            language: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Records that the notice was given for the own, live case `case_id` on `given_on`
/// (from the opening to today) in `language` (a slip language), with its audit row.
pub fn record(
    conn: &mut Connection,
    case_id: &str,
    notice: &NoticeGiven,
    operator: &str,
    now: Now,
) -> Result<Vec<NoticeGiven>> {
    let tx = conn.transaction()?;
    let case = get(&tx, case_id)?;
    if case.deleted || case.desk != desk::own_code(&tx)? {
        return Err(Error::Conflict(format!(
            "case {case_id} cannot take a notice here"
        )));
    }
    if !NOTICE_LANGUAGES.contains(&notice.language.as_str()) {
        return Err(Error::invalid(
            "language",
            format!("the notice is not printed in '{}'", notice.language),
        ));
    }
    if notice.given_on > now.today() || notice.given_on < case.opened_on {
        return Err(Error::invalid(
            "given_on",
            format!(
                "the day must be from the opening ({}) to today",
                case.opened_on
            ),
        ));
    }
    tx.execute(
        "INSERT INTO case_notices (case_id, given_on, language, recorded_at) VALUES (?1, ?2, ?3, ?4)",
        params![
            case_id,
            notice.given_on.to_string(),
            notice.language,
            ids::timestamp(now.utc())
        ],
    )?;
    let detail = format!("privacy notice given, language {}", notice.language);
    audit::log(
        &tx,
        now.utc(),
        operator,
        "notice",
        "case",
        case_id,
        None,
        &detail,
    )?;
    tx.commit()?;
    given(conn, case_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::CaseType;
    use crate::cases::tests::{day, now, opened, store};

    #[test]
    fn a_notice_given_is_recorded_with_its_day_and_language_and_survives_the_erasure() {
        let mut store = store();
        let case = opened(&mut store, CaseType::Full, "2024-03-01", None);
        let ar = NoticeGiven {
            given_on: day("2024-03-04"),
            language: "ar".into(),
        };
        assert_eq!(
            record(store.conn_mut(), &case.id, &ar, "ops", now()).unwrap(),
            vec![ar.clone()]
        );
        for (bad, field) in [
            (
                NoticeGiven {
                    given_on: day("2024-03-04"),
                    language: "de".into(),
                },
                "language",
            ),
            (
                NoticeGiven {
                    given_on: day("2024-03-05"),
                    language: "it".into(),
                },
                "given_on",
            ),
            (
                NoticeGiven {
                    given_on: day("2024-02-29"),
                    language: "it".into(),
                },
                "given_on",
            ),
        ] {
            match record(store.conn_mut(), &case.id, &bad, "ops", now()) {
                Err(Error::Invalid { field: f, .. }) => assert_eq!(f, field),
                other => panic!("{field}: {other:?}"),
            }
        }
        crate::cases::retention::erase(store.conn_mut(), &case.id, "ops", now()).unwrap();
        assert_eq!(
            given(store.conn(), &case.id).unwrap(),
            vec![ar],
            "the record stays"
        );
    }
}
