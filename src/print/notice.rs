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

/// A run of a filled text: plain text, or a value put in for a placeholder, which the
/// page isolates (`<bdi dir="ltr">`) so that an address or a phone number reads the
/// same inside right-to-left text.
#[derive(Debug, Serialize)]
struct Part {
    text: String,
    isolate: bool,
}

#[derive(Debug, Serialize)]
struct FilledBlock {
    kind: &'static str,
    parts: Vec<Part>,
    items: Vec<Vec<Part>>,
}

#[derive(Debug, Serialize)]
struct FilledNotice {
    lang: String,
    dir: String,
    title: Vec<Part>,
    blocks: Vec<FilledBlock>,
}

/// What fills the placeholders of a notice.
struct Fill<'a> {
    desk: &'a str,
    address: &'a str,
    phone: &'a str,
    years: u32,
}

impl Fill<'_> {
    fn value(&self, placeholder: &str) -> Option<String> {
        Some(match placeholder {
            "desk" => self.desk.to_string(),
            "address" => self.address.to_string(),
            "phone" => self.phone.to_string(),
            "years" => self.years.to_string(),
            _ => return None,
        })
    }

    /// `s` split into plain runs and filled placeholders (an unknown `{...}` stays text).
    fn parts(&self, s: &str) -> Vec<Part> {
        let mut parts = Vec::new();
        let mut rest = s;
        let mut plain = String::new();
        while let Some(open) = rest.find('{') {
            let after = &rest[open + 1..];
            let filled = after
                .find('}')
                .and_then(|close| Some((close, self.value(&after[..close])?)));
            plain.push_str(&rest[..open]);
            match filled {
                Some((close, value)) => {
                    if !plain.is_empty() {
                        parts.push(Part {
                            text: std::mem::take(&mut plain),
                            isolate: false,
                        });
                    }
                    parts.push(Part {
                        text: value,
                        isolate: true,
                    });
                    rest = &after[close + 1..];
                }
                None => {
                    plain.push('{');
                    rest = after;
                }
            }
        }
        plain.push_str(rest);
        if !plain.is_empty() {
            parts.push(Part {
                text: plain,
                isolate: false,
            });
        }
        parts
    }

    fn notice(&self, n: NoticeText) -> FilledNotice {
        FilledNotice {
            title: self.parts(&n.title),
            blocks: n
                .blocks
                .iter()
                .map(|b| FilledBlock {
                    kind: b.kind,
                    parts: self.parts(&b.text),
                    items: b.items.iter().map(|i| self.parts(i)).collect(),
                })
                .collect(),
            lang: n.lang,
            dir: n.dir,
        }
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
    fn placeholders_are_filled_as_isolated_runs_and_other_braces_stay_text() {
        let fill = Fill {
            desk: "GRO",
            address: "Via Arno 1/E",
            phone: "0564",
            years: 5,
        };
        let parts = fill.parts("a {address}, {x} {years}} {");
        let runs: Vec<(&str, bool)> = parts.iter().map(|p| (p.text.as_str(), p.isolate)).collect();
        assert_eq!(
            runs,
            [
                ("a ", false),
                ("Via Arno 1/E", true),
                (", {x} ", false),
                ("5", true),
                ("} {", false)
            ]
        );
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
        let five = r#"<bdi dir="ltr">5</bdi>"#;
        assert!(
            html.contains(&format!("cancellata {five} anni dopo"))
                && html.contains(&format!("بعد {five} سنوات")),
            "the retention, isolated inside right-to-left text:\n{html}"
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
