//! Printable documents rendered from templates: the appointment slip ([`slip`]), the
//! day agenda ([`agenda`]), the privacy notice of a case ([`notice`]), the personal
//! file of a case ([`case_file`]), the yearly report (drawn by the report module), and
//! whatever else is printed as HTML.
//!
//! Every template (`templates/`) is embedded in the binary and registered once, in
//! [`TEMPLATES`], in the one template environment every document shares: adding a
//! document is one line there and a call to [`render`]. The environment escapes every
//! value as HTML, whatever the template's file name, so nothing typed by an operator or
//! a coordinator can break the page.
//!
//! This module reads the domain (appointments, the desk); the domain never depends on
//! printing.

use std::sync::LazyLock;

use minijinja::{AutoEscape, Environment};
use serde::Serialize;

use crate::{Error, Result};

pub mod agenda;
pub mod case_file;
pub mod notice;
pub mod slip;

pub use agenda::{AGENDA_PAGE_MM, render_agenda};
pub use case_file::render_case_file;
pub use notice::{NOTICE_PAGE_MM, render_notice};
pub use slip::{
    LABELS, LanguageInfo, Layout, Translation, languages, missing_translations, render_slip,
    translation,
};

/// Every template, by the name it is rendered (and included) under.
const TEMPLATES: &[(&str, &str)] = &[
    ("slip.html.j2", include_str!("../../templates/slip.html.j2")),
    ("slip.css", include_str!("../../templates/slip.css")),
    (
        "agenda.html.j2",
        include_str!("../../templates/agenda.html.j2"),
    ),
    (
        "report.html.j2",
        include_str!("../../templates/report.html.j2"),
    ),
    ("report.css", include_str!("../../templates/report.css")),
    (
        "case_file.html.j2",
        include_str!("../../templates/case_file.html.j2"),
    ),
    (
        "notice.html.j2",
        include_str!("../../templates/notice.html.j2"),
    ),
];

/// The one template environment, built on first use.
static ENVIRONMENT: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    // Escape every value in every template, whatever its file name.
    env.set_auto_escape_callback(|_| AutoEscape::Html);
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .unwrap_or_else(|e| panic!("the template {name} compiles: {e}"));
    }
    env
});

/// Renders the registered template `name` with `context`.
pub fn render<S: Serialize>(name: &str, context: S) -> Result<String> {
    ENVIRONMENT
        .get_template(name)
        .and_then(|t| t.render(context))
        .map_err(|e| Error::invalid("template", e.to_string()))
}

/// What the tests of every document share.
#[cfg(test)]
mod test_support {
    use chrono::{NaiveDate, Utc};

    use crate::appointments::{self, Appointment, NewAppointment};
    use crate::{Now, Store, desk};

    /// A store whose desk's name needs escaping, with one booking on Friday 7 March 2025.
    pub fn booked(language: &str, name: &str) -> (Store, Appointment) {
        let mut store = Store::open_in_memory().unwrap();
        let mut gro = desk::presets().remove(0);
        gro.name = "Sportello <script>alert(1)</script> & Co".into();
        desk::set_own(store.conn_mut(), &gro, Utc::now()).unwrap();
        let now = Now::at(
            NaiveDate::from_ymd_opt(2025, 3, 3)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap(),
            1,
        );
        let appt = appointments::book(
            store.conn_mut(),
            &NewAppointment {
                kind: "cittadinanza".into(),
                day: NaiveDate::from_ymd_opt(2025, 3, 7).unwrap(),
                starts: "09:00".into(),
                person_name: Some(name.into()),
                phone: Some("333 1234567".into()),
                language: language.into(),
                access_id: None,
            },
            "op",
            now,
        )
        .unwrap();
        (store, appt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_compiles_and_unknown_names_are_an_error() {
        for (name, _) in TEMPLATES {
            assert!(
                ENVIRONMENT.get_template(name).is_ok(),
                "{name} is registered"
            );
        }
        let err = render("nope.html.j2", minijinja::context! {}).unwrap_err();
        assert_eq!(err.code(), "invalid", "an unknown template: {err}");
    }
}
