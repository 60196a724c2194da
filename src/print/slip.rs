//! The appointment slip the person takes home, and the slip translations.
//!
//! The translations (`slips/i18n/<lang>.json`), one for each language a slip can be
//! asked in ([`crate::appointments::SLIP_LANGUAGES`]), are embedded in the binary.
//! A slip is Italian plus, when the person chose another language, the same text in
//! that language (side by side on paper, below on a receipt); right-to-left languages
//! are marked `dir="rtl"` so the engine shapes and orders them.
//!
//! The slip carries no name or phone of the person: it may be saved as a PDF, and a
//! file on disk would outlive the erasure of the appointment's personal data.

use std::collections::BTreeMap;

use chrono::Datelike;
use minijinja::context;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};

use crate::appointments::{self, Appointment, SLIP_LANGUAGES, Status};
use crate::{Error, Result, desk};

/// The translation file of the slip language `code`. A test checks that every
/// language of [`SLIP_LANGUAGES`] has one.
fn translation_file(code: &str) -> Option<&'static str> {
    Some(match code {
        "it" => include_str!("../../slips/i18n/it.json"),
        "en" => include_str!("../../slips/i18n/en.json"),
        "fr" => include_str!("../../slips/i18n/fr.json"),
        "ar" => include_str!("../../slips/i18n/ar.json"),
        "ro" => include_str!("../../slips/i18n/ro.json"),
        "sq" => include_str!("../../slips/i18n/sq.json"),
        "uk" => include_str!("../../slips/i18n/uk.json"),
        _ => return None,
    })
}

/// The two slip layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Layout {
    /// A5 paper, Italian and the person's language side by side.
    Paper,
    /// 80 mm receipt roll, the languages one below the other.
    Receipt,
}

impl Layout {
    /// Page size in millimetres (width, height). For the receipt the height is a
    /// minimum: the roll page is as long as the slip (see [`Layout::is_roll`]).
    pub fn page_mm(self) -> (f64, f64) {
        match self {
            Layout::Paper => (148.0, 210.0),
            Layout::Receipt => (80.0, 120.0),
        }
    }

    /// Whether the page is a roll that grows with its content.
    pub fn is_roll(self) -> bool {
        self == Layout::Receipt
    }

    /// The layout's name, as the template's class names use it.
    pub fn as_str(self) -> &'static str {
        match self {
            Layout::Paper => "paper",
            Layout::Receipt => "receipt",
        }
    }
}

/// One translation file.
#[derive(Debug, Clone, Deserialize)]
pub struct Translation {
    pub language: String,
    pub name: String,
    /// The language's name in Italian, for the operator.
    pub name_it: String,
    pub dir: String,
    pub weekdays: Vec<String>,
    pub months: Vec<String>,
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub kinds: BTreeMap<String, String>,
    #[serde(default)]
    pub documents: BTreeMap<String, String>,
}

/// A language offered for slips: code, own name, direction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LanguageInfo {
    pub code: String,
    /// The language's name in itself (العربية).
    pub name: String,
    /// Its name in Italian (arabo).
    pub name_it: String,
    pub dir: String,
}

/// The labels every translation file must have.
pub const LABELS: &[&str] = &[
    "title",
    "when",
    "at",
    "kind",
    "code",
    "bring",
    "originals",
    "arrive",
    "cannot_come",
    "phone",
    "address",
];

/// The translation of `code` (parsed from the embedded file).
pub fn translation(code: &str) -> Result<Translation> {
    let json = translation_file(code)
        .filter(|_| appointments::is_slip_language(code))
        .ok_or_else(|| Error::invalid("language", format!("no slip translation for '{code}'")))?;
    Ok(serde_json::from_str(json)?)
}

/// The slip languages, Italian first, each named in itself.
pub fn languages() -> Result<Vec<LanguageInfo>> {
    SLIP_LANGUAGES
        .iter()
        .map(|code| {
            let t = translation(code)?;
            Ok(LanguageInfo {
                code: t.language,
                name: t.name,
                name_it: t.name_it,
                dir: t.dir,
            })
        })
        .collect()
}

/// Documents of `kind` whose Italian text has no translation in `language`.
pub fn missing_translations(conn: &Connection, language: &str) -> Result<Vec<(String, String)>> {
    let t = translation(language)?;
    let mut missing = Vec::new();
    if language == "it" {
        return Ok(missing);
    }
    for kind in appointments::kinds(conn)? {
        for d in kind.documents {
            if !t.documents.contains_key(&d) {
                missing.push((kind.code.clone(), d));
            }
        }
    }
    Ok(missing)
}

#[derive(Serialize)]
struct Section {
    lang: String,
    dir: String,
    labels: BTreeMap<String, String>,
    long_date: String,
    kind: String,
    documents: Vec<String>,
}

fn section(t: &Translation, appt: &Appointment, kind_label: &str, docs: &[String]) -> Section {
    let day = appt.day;
    let weekday = &t.weekdays[day.weekday().num_days_from_monday() as usize];
    let month = &t.months[day.month0() as usize];
    Section {
        lang: t.language.clone(),
        dir: t.dir.clone(),
        labels: t.labels.clone(),
        long_date: format!("{weekday} {} {month} {}", day.day(), day.year()),
        kind: t
            .kinds
            .get(&appt.kind)
            .cloned()
            .unwrap_or_else(|| kind_label.to_string()),
        documents: docs
            .iter()
            .map(|d| t.documents.get(d).cloned().unwrap_or_else(|| d.clone()))
            .collect(),
    }
}

/// The slip of appointment `id` as a complete HTML document for `layout`.
pub fn render_slip(conn: &Connection, id: &str, layout: Layout) -> Result<String> {
    let appt = appointments::get(conn, id)?;
    if appt.status == Status::Cancelled {
        return Err(Error::invalid(
            "status",
            "this appointment was cancelled: there is no slip to print",
        ));
    }
    let desk = desk::get(conn, &appt.desk)?.ok_or(Error::NoDesk)?;
    let kind = appointments::kind(conn, &appt.kind)?;
    let italian = translation("it")?;
    let mut sections = vec![section(&italian, &appt, &kind.label_it, &kind.documents)];
    if appt.language != "it" {
        let other = translation(&appt.language)?;
        sections.push(section(&other, &appt, &kind.label_it, &kind.documents));
    }
    super::render(
        "slip.html.j2",
        context! {
            layout => layout.as_str(),
            page_w => layout.page_mm().0 as u32,
            page_h => layout.page_mm().1 as u32,
            desk => context! { name => desk.name, address => desk.address, phone => desk.phone },
            date => appointments::format_day(appt.day),
            starts => appt.starts,
            ends => appt.ends,
            code => appt.booking_code,
            sections => sections,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::print::test_support::booked;
    use crate::{Now, Store};
    use chrono::NaiveDate;

    #[test]
    fn every_translation_is_complete_for_the_seeded_kinds_and_documents() {
        let store = Store::open_in_memory().unwrap();
        for code in SLIP_LANGUAGES {
            let t = translation(code).unwrap();
            assert_eq!(t.language, *code, "{code}.json names its own language");
            assert_eq!(t.weekdays.len(), 7, "{code}: seven weekdays, Monday first");
            assert_eq!(t.months.len(), 12, "{code}: twelve months");
            assert!(
                t.dir == "ltr" || t.dir == "rtl",
                "{code}: dir is ltr or rtl"
            );
            for label in LABELS {
                assert!(
                    t.labels.get(*label).is_some_and(|l| !l.trim().is_empty()),
                    "{code}.json lacks the label {label}"
                );
            }
            if *code != "it" {
                for kind in appointments::kinds(store.conn()).unwrap() {
                    assert!(
                        t.kinds.contains_key(&kind.code),
                        "{code}: kind {} untranslated",
                        kind.code
                    );
                }
            }
            assert_eq!(
                missing_translations(store.conn(), code).unwrap(),
                Vec::<(String, String)>::new(),
                "{code}: every seeded document has a translation"
            );
        }
        assert_eq!(translation("ar").unwrap().dir, "rtl");
        assert_eq!(
            translation("xx").unwrap_err().code(),
            "invalid",
            "no translation for a language a slip cannot be asked in"
        );
    }

    #[test]
    fn slips_escape_everything_and_carry_no_personal_data() {
        let (store, appt) = booked("ar", "Amina <b>B.</b>");
        let html = render_slip(store.conn(), &appt.id, Layout::Paper)
            .unwrap()
            .replace("&#x2f;", "/");
        assert!(!html.contains("<script>alert"), "the desk name is escaped");
        assert!(html.contains("&lt;script&gt;"), "escaped, not dropped");
        assert!(
            !html.contains("Amina") && !html.contains("333 1234567"),
            "no name or phone on the slip"
        );
        assert!(
            html.contains("07/03/2025")
                && html.contains("09:00")
                && html.contains(&appt.booking_code)
        );
        assert!(
            html.contains(r#"lang="ar" dir="rtl""#),
            "the Arabic section is right to left"
        );
        assert!(html.contains("الجمعة"), "the weekday (Friday) in Arabic");
        assert!(html.contains("size: 148mm 210mm"), "A5 page");
        let handler = html.split(" on").skip(1).any(|rest| {
            let name: String = rest.chars().take_while(char::is_ascii_lowercase).collect();
            !name.is_empty() && rest[name.len()..].starts_with('=')
        });
        assert!(
            !html.contains(" style=") && !handler,
            "no inline style or handler attributes"
        );
        let receipt = render_slip(store.conn(), &appt.id, Layout::Receipt).unwrap();
        assert!(receipt.contains("layout-receipt") && receipt.contains("size: 80mm"));
    }

    #[test]
    fn italian_only_slip_has_one_section_and_cancelled_has_none() {
        let (mut store, appt) = booked("it", "X");
        let html = render_slip(store.conn(), &appt.id, Layout::Paper).unwrap();
        assert_eq!(html.matches(r#"class="language""#).count(), 1);
        assert!(html.contains("venerdì 7 marzo 2025"));
        let now = Now::at(
            NaiveDate::from_ymd_opt(2025, 3, 3)
                .unwrap()
                .and_hms_opt(10, 0, 0)
                .unwrap(),
            1,
        );
        appointments::cancel(store.conn_mut(), &appt.id, "op", now).unwrap();
        assert_eq!(
            render_slip(store.conn(), &appt.id, Layout::Paper)
                .unwrap_err()
                .code(),
            "invalid"
        );
    }
}
