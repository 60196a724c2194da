//! `sportello year ...` and `sportello report-text`: the years of the activity report
//! (closed or open) and the coordinator's texts of a year's report. Argument handling
//! and printing only; the rules are in `sportello::yearbook` and
//! `sportello::report::closing`.

use std::io::Read;
use std::path::PathBuf;

use clap::Subcommand;
use sportello::report::closing::{self, YearState};
use sportello::yearbook::{self, sections};
use sportello::{Error, Now, Store, preferences};

use super::{Format, print_json};

#[derive(Subcommand)]
pub enum Action {
    /// Whether a year is closed, and whether its figures are still those published
    /// (without --year: every year ever closed).
    Status {
        /// The year, e.g. 2023.
        #[arg(long)]
        year: Option<i32>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Close a year once its report is published: its figures are kept as the
    /// published ones, and changes to them are refused (an import asks for
    /// --reopen-year).
    Close {
        /// The year, e.g. 2023 (it must be over).
        #[arg(long)]
        year: i32,
    },
    /// Reopen a closed year to change its figures; close it again after republishing.
    Reopen {
        /// The year, e.g. 2023.
        #[arg(long)]
        year: i32,
        /// Why it is reopened (kept with the year and in the audit log).
        #[arg(long, default_value = "")]
        reason: String,
    },
}

/// Who signs the change: "command line" (set on the connection when it opened).
pub(super) fn operator(store: &Store) -> Result<String, Error> {
    preferences::signing_operator(store.conn())
}

fn print_state(s: &YearState) {
    let st = &s.status;
    let when = st.changed_at.as_deref().unwrap_or_default();
    let by = if st.changed_by.is_empty() {
        String::new()
    } else {
        format!(" by {}", st.changed_by)
    };
    let line = match (st.closed, &st.changed_at) {
        (true, _) => format!("{}: closed on {when}{by}", st.year),
        (false, None) => format!("{}: open (never closed)", st.year),
        (false, Some(_)) if st.reason.is_empty() => {
            format!("{}: open, reopened on {when}{by}", st.year)
        }
        (false, Some(_)) => format!("{}: open, reopened on {when}{by} ({})", st.year, st.reason),
    };
    println!("{line}");
    if st.changed_at.is_some() {
        if s.since_published.is_empty() {
            println!("  figures as published");
        }
        for c in &s.since_published {
            println!("  changed since published: {c}");
        }
    }
}

/// Runs `sportello year ...`.
pub fn run(store: &mut Store, action: Action) -> Result<(), Error> {
    let now = Now::read();
    match action {
        Action::Status { year, format } => {
            let states = match year {
                Some(y) => vec![closing::state(store.conn(), y, now.today())?],
                None => closing::states(store.conn(), now.today())?,
            };
            if matches!(format, Format::Json) {
                return print_json(&states);
            }
            if states.is_empty() {
                println!("no year closed yet");
            }
            states.iter().for_each(print_state);
        }
        Action::Close { year } => {
            let op = operator(store)?;
            let s = closing::close_year(store.conn_mut(), year, &op, now)?;
            print_state(&s);
        }
        Action::Reopen { year, reason } => {
            let op = operator(store)?;
            yearbook::reopen(store.conn_mut(), year, &reason, &op, now.utc())?;
            print_state(&closing::state(store.conn(), year, now.today())?);
        }
    }
    Ok(())
}

/// The texts of a year's report: shown, or one section replaced from a file.
#[derive(clap::Args)]
pub struct TextArgs {
    /// The year, e.g. 2023.
    #[arg(long)]
    year: i32,
    /// The section: activities, conventions (conventions and protocols) or projects.
    #[arg(long, value_parser = ["activities", "conventions", "projects"])]
    section: Option<String>,
    /// Replace the section's text with the content of FILE (`-`: the standard input),
    /// plain UTF-8 text, paragraphs separated by an empty line; an empty file clears it.
    #[arg(long, value_name = "FILE", requires = "section")]
    set_from: Option<PathBuf>,
    /// Output format of the texts shown.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

fn read_text(path: &PathBuf) -> Result<String, Error> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io("stdin", e))?;
    } else {
        bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    }
    String::from_utf8(bytes).map_err(|_| {
        Error::invalid(
            "set-from",
            format!(
                "{} is not UTF-8 text: save it as plain text (UTF-8)",
                path.display()
            ),
        )
    })
}

/// Runs `sportello report-text`.
pub fn run_text(store: &mut Store, args: TextArgs) -> Result<(), Error> {
    let section = args
        .section
        .as_deref()
        .map(sections::SectionId::parse)
        .transpose()?;
    if let (Some(path), Some(id)) = (&args.set_from, section) {
        let text = read_text(path)?;
        let op = operator(store)?;
        let saved = sections::save(
            store.conn_mut(),
            args.year,
            id,
            &text,
            &op,
            Now::read().utc(),
        )?;
        let chars = saved.text.chars().count();
        if chars == 0 {
            println!("{} {}: cleared", args.year, id.as_str());
        } else {
            println!("{} {}: saved, {chars} characters", args.year, id.as_str());
        }
        return Ok(());
    }
    let texts: Vec<_> = sections::texts(store.conn(), args.year)?
        .into_iter()
        .filter(|t| section.is_none_or(|s| s == t.id))
        .collect();
    if matches!(args.format, Format::Json) {
        return print_json(&texts);
    }
    for t in &texts {
        println!("== {} ({})", t.title, t.id.as_str());
        if t.text.is_empty() {
            println!("(empty)");
        } else {
            println!("{}", t.text);
        }
        println!();
    }
    Ok(())
}
