//! The privacy notice the person receives when the desk opens a personal file for
//! them: who holds the data, why, for how long, their rights.
//!
//! The texts are reviewable files, `templates/notice/<lang>.md`, one per language of
//! [`NOTICE_LANGUAGES`] (the slips' languages), embedded in the binary; the Italian one is
//! the text the coordinator edits, and every translation must keep its headings and
//! paragraphs in the same order (a test compares them). The format is tiny (`# ` the
//! title, `## ` a heading, `- ` an item, a blank line between paragraphs) and the text
//! is escaped like every printed value. The notice is Italian, then the person's
//! language on its own page; it names no person, so a saved PDF holds nothing personal.

use serde::Serialize;

use crate::appointments;
use crate::cases::notices::NOTICE_LANGUAGES;
use crate::{Error, Result, desk};

/// The page of the notice, in millimetres: A4.
pub const NOTICE_PAGE_MM: (f64, f64) = (210.0, 297.0);

/// The text file of the notice in `code`. A test checks that every language of
/// [`NOTICE_LANGUAGES`] has one.
fn text_file(code: &str) -> Option<&'static str> {
    Some(match code {
        "it" => include_str!("../../templates/notice/it.md"),
        "en" => include_str!("../../templates/notice/en.md"),
        "fr" => include_str!("../../templates/notice/fr.md"),
        "ar" => include_str!("../../templates/notice/ar.md"),
        "ro" => include_str!("../../templates/notice/ro.md"),
        "sq" => include_str!("../../templates/notice/sq.md"),
        "uk" => include_str!("../../templates/notice/uk.md"),
        _ => return None,
    })
}

/// A block of the notice's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Block {
    /// "heading", "paragraph" or "list".
    pub kind: &'static str,
    pub text: String,
    pub items: Vec<String>,
}

/// The notice in one language: its title and blocks, placeholders not yet filled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticeText {
    pub lang: String,
    pub dir: String,
    pub title: String,
    pub blocks: Vec<Block>,
}

fn block(kind: &'static str, text: String) -> Block {
    Block {
        kind,
        text,
        items: Vec::new(),
    }
}

/// Reads the tiny format of a notice file.
fn parse(source: &str) -> (String, Vec<Block>) {
    let mut title = String::new();
    let mut blocks: Vec<Block> = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |paragraph: &mut Vec<&str>, blocks: &mut Vec<Block>| {
        if !paragraph.is_empty() {
            blocks.push(block("paragraph", paragraph.join(" ")));
            paragraph.clear();
        }
    };
    for line in source.lines().map(str::trim) {
        if let Some(t) = line.strip_prefix("## ") {
            flush(&mut paragraph, &mut blocks);
            blocks.push(block("heading", t.trim().to_string()));
        } else if let Some(t) = line.strip_prefix("# ") {
            flush(&mut paragraph, &mut blocks);
            title = t.trim().to_string();
        } else if let Some(item) = line.strip_prefix("- ") {
            flush(&mut paragraph, &mut blocks);
            match blocks.last_mut() {
                Some(b) if b.kind == "list" => b.items.push(item.trim().to_string()),
                _ => blocks.push(Block {
                    kind: "list",
                    text: String::new(),
                    items: vec![item.trim().to_string()],
                }),
            }
        } else if line.is_empty() {
            flush(&mut paragraph, &mut blocks);
        } else {
            paragraph.push(line);
        }
    }
    flush(&mut paragraph, &mut blocks);
    (title, blocks)
}

/// The notice's text in `code` (a slip language).
pub fn text(code: &str) -> Result<NoticeText> {
    let source = text_file(code)
        .filter(|_| NOTICE_LANGUAGES.contains(&code))
        .ok_or_else(|| Error::invalid("language", format!("no privacy notice in '{code}'")))?;
    let t = super::slip::translation(code)?;
    let (title, blocks) = parse(source);
    Ok(NoticeText {
        lang: t.language,
        dir: t.dir,
        title,
        blocks,
    })
}

/// What fills the placeholders of a notice.
struct Fill<'a> {
    desk: &'a str,
    address: &'a str,
    phone: &'a str,
    years: u32,
}

impl Fill<'_> {
    fn apply(&self, s: &str) -> String {
        s.replace("{desk}", self.desk)
            .replace("{address}", self.address)
            .replace("{phone}", self.phone)
            .replace("{years}", &self.years.to_string())
    }

    fn notice(&self, mut n: NoticeText) -> NoticeText {
        n.title = self.apply(&n.title);
        for b in &mut n.blocks {
            b.text = self.apply(&b.text);
            for item in &mut b.items {
                *item = self.apply(item);
            }
        }
        n
    }
}

/// The notice as a complete A4 HTML document: Italian, then `language` when it is
/// another one; `given_on` is printed as the day it was given (dd/mm/yyyy).
pub fn render_notice(
    conn: &rusqlite::Connection,
    language: &str,
    given_on: chrono::NaiveDate,
) -> Result<String> {
    let own = desk::own(conn)?.ok_or(Error::NoDesk)?;
    let fill = Fill {
        desk: &own.name,
        address: &own.address,
        phone: if own.phone.is_empty() {
            "-"
        } else {
            &own.phone
        },
        years: crate::cases::retention::retention_years(conn)?,
    };
    let mut sections = vec![fill.notice(text("it")?)];
    if language != "it" {
        sections.push(fill.notice(text(language)?));
    }
    super::render(
        "notice.html.j2",
        minijinja::context! {
            page_w => NOTICE_PAGE_MM.0 as u32,
            page_h => NOTICE_PAGE_MM.1 as u32,
            desk => minijinja::context! { name => own.name, address => own.address, phone => own.phone },
            sections => sections,
            given_label => "Informativa consegnata il / Notice given on",
            given_on => appointments::format_day(given_on),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::appointments::SLIP_LANGUAGES;
    use crate::{Store, desk};
    use chrono::NaiveDate;

    /// The structure of a notice, for comparing translations: the kind of each block and
    /// the number of items of each list.
    fn shape(n: &NoticeText) -> Vec<(&'static str, usize)> {
        n.blocks.iter().map(|b| (b.kind, b.items.len())).collect()
    }

    #[test]
    fn every_language_has_the_italian_notice_block_by_block() {
        let it = text("it").unwrap();
        assert!(it.title.contains("Informativa"));
        assert_eq!(
            shape(&it).iter().filter(|(k, _)| *k == "heading").count(),
            5
        );
        assert_eq!(
            NOTICE_LANGUAGES, SLIP_LANGUAGES,
            "the notice is printed in the slips' languages"
        );
        for code in NOTICE_LANGUAGES {
            let t = text(code).unwrap();
            assert_eq!(
                shape(&t),
                shape(&it),
                "{code}.md keeps it.md's headings and paragraphs"
            );
            assert!(!t.title.is_empty(), "{code}: a title");
            let all: String = t
                .blocks
                .iter()
                .map(|b| format!("{} {}", b.text, b.items.join(" ")))
                .collect();
            for placeholder in ["{desk}", "{address}", "{phone}", "{years}"] {
                assert!(all.contains(placeholder), "{code}: {placeholder} is used");
            }
            assert!(!all.contains('<'), "{code}: plain text, no markup");
        }
        assert_eq!(text("ar").unwrap().dir, "rtl");
        assert_eq!(text("xx").unwrap_err().code(), "invalid");
    }

    #[test]
    fn the_notice_names_the_desk_and_the_retention_and_escapes_everything() {
        let mut store = Store::open_in_memory().unwrap();
        let mut gro = desk::presets().remove(0);
        gro.name = "Sportello <b>GRO</b>".into();
        desk::set_own(store.conn_mut(), &gro, chrono::Utc::now()).unwrap();
        let given = NaiveDate::from_ymd_opt(2024, 3, 4).unwrap();
        let html = render_notice(store.conn(), "ar", given)
            .unwrap()
            .replace("&#x2f;", "/");
        assert!(
            html.contains(r#"lang="ar" dir="rtl""#),
            "the Arabic section reads right to left"
        );
        assert!(html.contains("إشعار بشأن معالجة البيانات الشخصية"));
        assert!(
            html.contains("Informativa sul trattamento"),
            "Italian first"
        );
        assert!(
            html.contains("cancellata 5 anni dopo") && html.contains("بعد 5 سنوات"),
            "the retention"
        );
        assert!(
            !html.contains("<b>GRO") && html.contains("&lt;b&gt;GRO"),
            "escaped"
        );
        assert!(html.contains("04/03/2024") && html.contains("size: 210mm 297mm"));
        let italian = render_notice(store.conn(), "it", given).unwrap();
        assert_eq!(italian.matches(r#"class="language""#).count(), 1);
        assert_eq!(
            render_notice(store.conn(), "de", given).unwrap_err().code(),
            "invalid"
        );
    }
}
