//! `sportello cases ...`: accompaniment cases from the command line. Only the
//! anonymous half of a case is ever printed (`cases::Summary` has no personal field):
//! the personal file and the notes are read and written in the app only.

use chrono::{Datelike, NaiveDate};
use clap::Subcommand;
use sportello::cases::{self, CaseType, Filter, NewCase, Summary};
use sportello::{Error, Now, Result, Store, desk};

use super::{Format, parse_day, print_json};

const OPERATOR: &str = "cli";

#[derive(Subcommand)]
pub enum Action {
    /// List this desk's live cases, oldest opening first (anonymous fields only: no
    /// name, phone, documents, description or notes, ever).
    List {
        /// Only the cases not closed yet.
        #[arg(long)]
        open: bool,
        /// Only the cases open at some point of this year (carried in, opened or
        /// closed in it).
        #[arg(long)]
        year: Option<i32>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// The year's figures of this desk, exactly the report's `cases` block.
    Counts {
        /// The year (default: the current one).
        #[arg(long)]
        year: Option<i32>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Open a case without a personal file (add it in the app); prints its id.
    Open {
        /// A reason code of the codebook (`sportello codebook`).
        #[arg(long)]
        reason: String,
        /// A fast accompaniment instead of a full case.
        #[arg(long)]
        fast: bool,
        /// The opening day, dd/mm/yyyy or YYYY-MM-DD (default: today).
        #[arg(long, value_parser = parse_day)]
        on: Option<NaiveDate>,
    },
    /// Close (archive) an open case.
    Close {
        /// The case's id (`sportello cases list --open`).
        id: String,
        /// The closing day, dd/mm/yyyy or YYYY-MM-DD (default: today).
        #[arg(long, value_parser = parse_day)]
        on: Option<NaiveDate>,
    },
}

fn print_summary(s: &Summary) {
    let kind = s.case_type.map(CaseType::as_str).unwrap_or("-");
    let closed = s
        .closed_on
        .map(|d| d.format("%d/%m/%Y").to_string())
        .unwrap_or_else(|| "open".into());
    println!(
        "{}  {:<4}  {}  {:<10}  {:>5} days  {}",
        s.id,
        kind,
        s.opened_on.format("%d/%m/%Y"),
        closed,
        s.days_open,
        s.reason.as_deref().unwrap_or("-")
    );
}

/// Runs one `cases` subcommand.
pub fn run(store: &mut Store, action: Action) -> Result<()> {
    let now = Now::read();
    let today = now.today();
    match action {
        Action::List { open, year, format } => {
            let own = desk::own_code(store.conn())?;
            let mut found = match year {
                Some(y) => cases::of_year(store.conn(), &own, y)?,
                None => {
                    let mut all = cases::list(store.conn(), &own, Filter::All)?;
                    all.reverse();
                    all
                }
            };
            if open {
                found.retain(|c| c.closed_on.is_none());
            }
            let summaries: Vec<Summary> = found.iter().map(|c| c.summary(today)).collect();
            if matches!(format, Format::Json) {
                print_json(&summaries)?;
            } else if summaries.is_empty() {
                println!("no cases");
            } else {
                summaries.iter().for_each(print_summary);
            }
        }
        Action::Counts { year, format } => {
            let own = desk::own_code(store.conn())?;
            let year = year.unwrap_or(today.year());
            let c = cases::counts(store.conn(), year, Some(&own))?;
            if matches!(format, Format::Json) {
                print_json(&c)?;
            } else {
                println!(
                    "{own} {year}: total {}, from earlier years {}, archived {}, pending into {} {}, fast {}",
                    c.total,
                    c.carried_in,
                    c.archived,
                    year + 1,
                    c.carried_out,
                    c.fast
                );
            }
        }
        Action::Open { reason, fast, on } => {
            let input = NewCase {
                case_type: if fast { CaseType::Fast } else { CaseType::Full },
                opened_on: on.unwrap_or(today),
                closed_on: None,
                reason,
                personal: None,
            };
            let case = cases::open(store.conn_mut(), &input, OPERATOR, now)?;
            println!("{}", case.id);
        }
        Action::Close { id, on } => {
            let case = cases::get(store.conn(), &id)?;
            if case.closed_on.is_some() {
                return Err(Error::Conflict(format!(
                    "case {id} is already closed: correct it in the app to change the date"
                )));
            }
            let day = on.unwrap_or(today);
            cases::close(store.conn_mut(), &id, case.revision, day, OPERATOR, now)?;
            println!("case {id} closed on {}", day.format("%d/%m/%Y"));
        }
    }
    Ok(())
}
