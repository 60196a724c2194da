//! The narrative parts of a year's report: what the desks did (activities), the
//! conventions and protocols with other services, and the projects.
//!
//! The coordinator writes them per year as plain text, paragraphs separated by an empty
//! line; the published report (HTML, PDF) lays them out under their Italian titles,
//! escaped. They are the coordinator's account of the desks' work, not records about
//! people, and they never travel in an export. A section of a closed year is part of
//! its published report: it is refused like any other change of that year. Every save
//! is one transaction with its audit row (the text's length, not the text).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use super::{closed_year_refusal, status};
use crate::store::audit;
use crate::{Error, Result, ids, limits};

/// The longest text of a section, in characters (about eight printed pages).
pub const MAX_CHARS: usize = 20_000;

/// A section of the report's text, in the report's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionId {
    Activities,
    Conventions,
    Projects,
}

impl SectionId {
    /// Every section, in the order of the report.
    pub const ALL: [SectionId; 3] = [
        SectionId::Activities,
        SectionId::Conventions,
        SectionId::Projects,
    ];

    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            SectionId::Activities => "activities",
            SectionId::Conventions => "conventions",
            SectionId::Projects => "projects",
        }
    }

    /// The section named `name`, or an error listing the names.
    pub fn parse(name: &str) -> Result<SectionId> {
        SectionId::ALL
            .into_iter()
            .find(|s| s.as_str() == name)
            .ok_or_else(|| {
                Error::invalid(
                    "section",
                    format!("'{name}' is not a section: activities, conventions or projects"),
                )
            })
    }

    /// The section's title in the report (Italian).
    pub fn title(self) -> &'static str {
        match self {
            SectionId::Activities => "Attività",
            SectionId::Conventions => "Convenzioni e protocolli",
            SectionId::Projects => "Progetti",
        }
    }
}

/// A section as the published report prints it: its title (Italian) and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub id: SectionId,
    pub title: String,
    pub text: String,
}

/// A section as the coordinator edits it: empty when nothing was written yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionText {
    pub id: SectionId,
    pub title: String,
    pub text: String,
    /// When and by whom it was last saved; `None` for a section never written.
    pub updated_at: Option<String>,
    pub updated_by: Option<String>,
}

fn stored(conn: &Connection, year: i32, id: SectionId) -> Result<SectionText> {
    let row: Option<(String, String, String)> = conn
        .query_row(
            "SELECT body, updated_at, updated_by FROM report_sections
             WHERE year = ?1 AND section = ?2",
            params![year, id.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let (text, updated_at, updated_by) = match row {
        Some((t, at, by)) => (t, Some(at), Some(by)),
        None => (String::new(), None, None),
    };
    Ok(SectionText {
        id,
        title: id.title().to_string(),
        text,
        updated_at,
        updated_by,
    })
}

/// The three sections of `year`, in order, empty ones included: what the editor shows.
pub fn texts(conn: &Connection, year: i32) -> Result<Vec<SectionText>> {
    limits::check_year(year, "year")?;
    SectionId::ALL
        .into_iter()
        .map(|id| stored(conn, year, id))
        .collect()
}

/// The sections of `year` that have text, in the report's order, with their Italian
/// titles: what the published report prints after its tables.
pub fn sections(conn: &Connection, year: i32) -> Result<Vec<Section>> {
    Ok(texts(conn, year)?
        .into_iter()
        .filter(|s| !s.text.is_empty())
        .map(|s| Section {
            id: s.id,
            title: s.title,
            text: s.text,
        })
        .collect())
}

/// The text as it is kept: line ends as `\n`, no blank lines or spaces around it; or
/// why it cannot be kept (too long, a control character, markup).
pub fn normalise(text: &str) -> Result<String> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.trim();
    let chars = text.chars().count();
    if chars > MAX_CHARS {
        return Err(Error::invalid(
            "text",
            format!(
                "the text is {chars} characters long: at most {MAX_CHARS}; shorten it by {}",
                chars - MAX_CHARS
            ),
        ));
    }
    for (n, line) in text.split('\n').enumerate() {
        if line.chars().any(|c| c.is_control() && c != '\t') {
            return Err(Error::invalid(
                "text",
                format!("line {} holds a control character: write plain text", n + 1),
            ));
        }
        if let Some(tag) = markup(line) {
            return Err(Error::invalid(
                "text",
                format!(
                    "line {} holds markup ({tag}): the text is plain, the report lays it out; \
                     separate paragraphs with an empty line",
                    n + 1
                ),
            ));
        }
    }
    Ok(text.to_string())
}

/// The first thing in `line` that reads as an HTML tag or comment (`<b>`, `</p>`,
/// `<!--`), if any: a `<` before a letter, `/` or `!`. A `<` before a digit or a
/// space ("< 5 accessi") is plain text.
fn markup(line: &str) -> Option<String> {
    let bytes = line.as_bytes();
    let at = bytes.windows(2).position(|w| {
        w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!')
    })?;
    Some(
        line[at..]
            .chars()
            .take_while(|c| *c != '>')
            .take(20)
            .chain(Some('>'))
            .collect(),
    )
}

/// Saves the text of section `id` of `year` (an empty text clears it), with its audit
/// row, in one transaction. Refused when the year is closed, or the text is not
/// [`normalise`]d plain text.
pub fn save(
    conn: &mut Connection,
    year: i32,
    id: SectionId,
    text: &str,
    operator: &str,
    now: DateTime<Utc>,
) -> Result<SectionText> {
    let text = normalise(text)?;
    let tx = conn.transaction()?;
    if status(&tx, year)?.closed {
        return Err(closed_year_refusal(year, "year"));
    }
    let key = format!("{year}/{}", id.as_str());
    if text.is_empty() {
        tx.execute(
            "DELETE FROM report_sections WHERE year = ?1 AND section = ?2",
            params![year, id.as_str()],
        )?;
        audit::log(
            &tx,
            now,
            operator,
            "clear",
            "report_section",
            &key,
            None,
            "",
        )?;
    } else {
        tx.execute(
            "INSERT INTO report_sections (year, section, body, updated_at, updated_by)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (year, section) DO UPDATE SET body = excluded.body,
                 updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            params![year, id.as_str(), text, ids::timestamp(now), operator],
        )?;
        let detail = format!("{} characters", text.chars().count());
        audit::log(
            &tx,
            now,
            operator,
            "write",
            "report_section",
            &key,
            None,
            &detail,
        )?;
    }
    let saved = stored(&tx, year, id)?;
    tx.commit()?;
    Ok(saved)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 3, 12, 9, 30, 0).unwrap()
    }

    #[test]
    fn sections_round_trip_in_order_and_audited() {
        let mut store = Store::open_in_memory().unwrap();
        let text =
            "Lo sportello di Grosseto ha svolto 9.657 accessi.\r\n\r\nCon < 5 casi al mese.\n";
        save(
            store.conn_mut(),
            2023,
            SectionId::Projects,
            "FAMI: mediazione",
            "M.R.",
            now(),
        )
        .unwrap();
        let saved = save(
            store.conn_mut(),
            2023,
            SectionId::Activities,
            text,
            "M.R.",
            now(),
        )
        .unwrap();
        assert_eq!(
            saved.text,
            "Lo sportello di Grosseto ha svolto 9.657 accessi.\n\nCon < 5 casi al mese.",
            "line ends normalised, the text trimmed, a plain < kept"
        );
        let report = sections(store.conn(), 2023).unwrap();
        let titles: Vec<&str> = report.iter().map(|s| s.title.as_str()).collect();
        assert_eq!(
            titles,
            ["Attività", "Progetti"],
            "in order, empty ones left out"
        );
        let editor = texts(store.conn(), 2023).unwrap();
        assert_eq!(editor.len(), 3, "the editor shows every section");
        assert_eq!(editor[1].text, "");
        assert_eq!(editor[0].updated_by.as_deref(), Some("M.R."));
        assert!(
            sections(store.conn(), 2022).unwrap().is_empty(),
            "kept per year"
        );

        save(
            store.conn_mut(),
            2023,
            SectionId::Projects,
            "  \n ",
            "M.R.",
            now(),
        )
        .unwrap();
        assert_eq!(
            sections(store.conn(), 2023).unwrap().len(),
            1,
            "an empty text clears"
        );
        let history = audit::history(store.conn(), "report_section", "2023/projects").unwrap();
        let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
        assert_eq!(actions, ["write", "clear"]);
        assert_eq!(
            history[0].detail, "16 characters",
            "the length, not the text"
        );
    }

    #[test]
    fn a_text_too_long_or_with_markup_is_refused_and_nothing_changes() {
        let mut store = Store::open_in_memory().unwrap();
        let long = "a".repeat(MAX_CHARS + 3);
        let err = save(
            store.conn_mut(),
            2023,
            SectionId::Activities,
            &long,
            "",
            now(),
        )
        .unwrap_err();
        assert_eq!(err.code(), "invalid");
        assert!(
            err.to_string().contains("at most 20000") && err.to_string().contains("by 3"),
            "{err}"
        );
        save(
            store.conn_mut(),
            2023,
            SectionId::Activities,
            &"a".repeat(MAX_CHARS),
            "",
            now(),
        )
        .expect("the limit itself is accepted");
        for bad in ["uno\n<b>due</b>", "<!-- nota -->", "a\u{7}b"] {
            let err = save(
                store.conn_mut(),
                2023,
                SectionId::Activities,
                bad,
                "",
                now(),
            )
            .unwrap_err();
            assert!(err.to_string().starts_with("text:"), "{bad:?}: {err}");
        }
        let err = normalise("uno\n<b>due</b>").unwrap_err();
        assert!(
            err.to_string().contains("line 2") && err.to_string().contains("<b>"),
            "{err}"
        );
        assert_eq!(
            texts(store.conn(), 2023).unwrap()[0].text.len(),
            MAX_CHARS,
            "refused texts left the stored one as it was"
        );
    }

    #[test]
    fn the_sections_of_a_closed_year_are_refused() {
        let mut store = Store::open_in_memory().unwrap();
        super::super::close_in(store.conn(), 2023, "{}", "", now()).unwrap();
        let err = save(
            store.conn_mut(),
            2023,
            SectionId::Activities,
            "x",
            "",
            now(),
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Refused {
                    reason: crate::error::Refusal::ClosedYear,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(SectionId::parse("nope").unwrap_err().code(), "invalid");
    }
}
