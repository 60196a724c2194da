//! The printable day agenda of the back office (A4): every appointment of a day at this
//! desk, with names and phones, so it is printed for the desk and never saved.

use chrono::{Datelike, NaiveDate};
use minijinja::context;
use rusqlite::Connection;
use serde::Serialize;

use super::slip::translation;
use crate::appointments::{self, Status};
use crate::{Error, Result, desk};

/// Page size of the day agenda (A4 portrait), in millimetres.
pub const AGENDA_PAGE_MM: (f64, f64) = (210.0, 297.0);

#[derive(Serialize)]
struct AgendaRow {
    starts: String,
    ends: String,
    kind: String,
    name: String,
    phone: String,
    code: String,
    status: String,
    language: String,
}

/// The day agenda of this desk as a printable HTML document (A4): it holds names and
/// phones, so it is printed, never saved.
pub fn render_agenda(conn: &Connection, day: NaiveDate) -> Result<String> {
    let desk = desk::own(conn)?.ok_or(Error::NoDesk)?;
    let italian = translation("it")?;
    let rows: Vec<AgendaRow> = appointments::agenda(conn, day)?
        .into_iter()
        .map(|a| AgendaRow {
            starts: a.starts,
            ends: a.ends,
            kind: a.kind_label,
            name: a.person_name.unwrap_or_default(),
            phone: a.phone.unwrap_or_default(),
            code: a.booking_code,
            status: match a.status {
                Status::Booked => "prenotato",
                Status::Attended => "presente",
                Status::NoShow => "assente",
                Status::Cancelled => "annullato",
            }
            .into(),
            language: translation(&a.language)
                .map(|t| t.name_it)
                .unwrap_or(a.language),
        })
        .collect();
    let weekday = &italian.weekdays[day.weekday().num_days_from_monday() as usize];
    let closed = appointments::closed_reason(conn, &desk.code, day)?;
    super::render(
        "agenda.html.j2",
        context! {
            desk => context! { name => desk.name, address => desk.address, phone => desk.phone },
            weekday => weekday,
            date => appointments::format_day(day),
            closed => closed,
            rows => rows,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::print::test_support::booked;

    #[test]
    fn the_agenda_lists_names_escaped() {
        let (store, _) = booked("fr", "Jean <i>Dupont</i>");
        let html =
            render_agenda(store.conn(), NaiveDate::from_ymd_opt(2025, 3, 7).unwrap()).unwrap();
        // minijinja also escapes "/" (as &#x2f;), harmless in HTML.
        let html = html.replace("&#x2f;", "/");
        assert!(
            html.contains("Jean &lt;i&gt;Dupont&lt;/i&gt;"),
            "names are escaped"
        );
        assert!(html.contains("venerdì 07/03/2025"));
        let empty =
            render_agenda(store.conn(), NaiveDate::from_ymd_opt(2025, 3, 8).unwrap()).unwrap();
        assert!(empty.contains("Nessun appuntamento"));
    }
}
