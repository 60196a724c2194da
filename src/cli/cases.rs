//! `sportello cases ...`: accompaniment cases from the command line. Only the
//! anonymous half of a case is ever printed (`cases::Summary` has no personal field):
//! the personal file and the notes are read and written in the app only.

use chrono::{Datelike, NaiveDate};
use clap::Subcommand;
use sportello::cases::{
    self, CaseType, Closing, Filter, NewCase, Outcome, Summary, retention, services,
};
use sportello::codebook::NewEntry;
use sportello::{Error, Now, Result, Store, desk};

use super::{Format, parse_day, print_json};

const OPERATOR: &str = sportello::operators::signer::COMMAND_LINE;

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
    /// Close (archive) an open case with its outcome.
    Close {
        /// The case's id (`sportello cases list --open`).
        id: String,
        /// How it ended: solved, not-solvable, unreachable (the person can no longer
        /// be reached) or referred (passed to another service).
        #[arg(long, value_enum)]
        outcome: OutcomeArg,
        /// The closing day, dd/mm/yyyy or YYYY-MM-DD (default: today).
        #[arg(long, value_parser = parse_day)]
        on: Option<NaiveDate>,
    },
    /// Print the list of services a case can involve, or change it (coordinator). Not a
    /// codebook list: no exported record carries a service.
    Services {
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        #[command(subcommand)]
        change: Option<ServiceChange>,
    },
    /// Reopen a closed case: it is open again and counts as open (audited).
    Reopen {
        /// The case's id.
        id: String,
    },
    /// Show how many years after closing a case's personal file is kept, or set it
    /// (1 to 30; default 5).
    Retention { years: Option<u32> },
    /// Erase the personal files of cases closed longer than the retention now (the app
    /// also does it at start and daily). The anonymous cases stay and keep counting.
    Purge {
        /// Purge as of this day instead of today.
        #[arg(long, value_parser = parse_day)]
        today: Option<NaiveDate>,
    },
}

/// A change of the list of services.
#[derive(Subcommand)]
pub enum ServiceChange {
    /// Add a service at the end of the list.
    Add {
        /// The new, never-used code (lower-case letters, digits and _).
        code: String,
        /// Italian label.
        #[arg(long)]
        label: String,
        /// English label.
        #[arg(long)]
        label_en: String,
    },
    /// Retire a service: cases keep it, new involvements cannot use it.
    Retire { code: String },
    /// Bring a retired service back into use.
    Restore { code: String },
}

/// Applies a change of the list of services, if any, then prints the list.
fn run_services(
    store: &mut Store,
    change: Option<ServiceChange>,
    format: Format,
    now: Now,
) -> Result<()> {
    match change {
        Some(ServiceChange::Add {
            code,
            label,
            label_en,
        }) => {
            let entry = NewEntry {
                code,
                label,
                label_en,
                group: None,
            };
            services::add_kind(store.conn_mut(), &entry, OPERATOR, now)?;
        }
        Some(ServiceChange::Retire { code }) => {
            services::set_kind_active(store.conn_mut(), &code, false, OPERATOR, now)?
        }
        Some(ServiceChange::Restore { code }) => {
            services::set_kind_active(store.conn_mut(), &code, true, OPERATOR, now)?
        }
        None => {}
    }
    let list = services::kinds(store.conn())?;
    if matches!(format, Format::Json) {
        return print_json(&list);
    }
    for k in list {
        let retired = if k.active { "" } else { "  (retired)" };
        println!("{:<20} {}{retired}", k.code, k.label);
    }
    Ok(())
}

/// The outcome of a closing, as typed.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum OutcomeArg {
    Solved,
    NotSolvable,
    Unreachable,
    Referred,
}

impl From<OutcomeArg> for Outcome {
    fn from(o: OutcomeArg) -> Outcome {
        match o {
            OutcomeArg::Solved => Outcome::Solved,
            OutcomeArg::NotSolvable => Outcome::NotSolvable,
            OutcomeArg::Unreachable => Outcome::Unreachable,
            OutcomeArg::Referred => Outcome::Referred,
        }
    }
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
                access_id: None,
            };
            let case = cases::open(store.conn_mut(), &input, OPERATOR, now)?;
            println!("{}", case.id);
        }
        Action::Close { id, outcome, on } => {
            let case = cases::get(store.conn(), &id)?;
            if case.closed_on.is_some() {
                return Err(Error::Conflict(format!(
                    "case {id} is already closed: correct it in the app to change the date"
                )));
            }
            let closing = Closing {
                closed_on: on.unwrap_or(today),
                outcome: outcome.into(),
                note: String::new(),
            };
            cases::close(
                store.conn_mut(),
                &id,
                case.revision,
                &closing,
                OPERATOR,
                now,
            )?;
            println!(
                "case {id} closed on {} ({})",
                closing.closed_on.format("%d/%m/%Y"),
                closing.outcome.as_str()
            );
        }
        Action::Services { format, change } => run_services(store, change, format, now)?,
        Action::Reopen { id } => {
            let case = cases::get(store.conn(), &id)?;
            cases::reopen(store.conn_mut(), &id, case.revision, OPERATOR, now)?;
            println!("case {id} reopened");
        }
        Action::Retention { years } => {
            if let Some(years) = years {
                retention::set_retention_years(store.conn_mut(), years, OPERATOR, now)?;
            }
            println!(
                "the personal file of a case is erased {} years after it is closed",
                retention::retention_years(store.conn())?
            );
        }
        Action::Purge { today: day } => {
            let now = match day {
                Some(day) => super::now_on(day, now),
                None => now,
            };
            let report = retention::purge(store.conn_mut(), OPERATOR, now)?;
            println!(
                "erased the personal files of {} cases closed before {} (retention {} years)",
                report.erased,
                report.closed_before.format("%d/%m/%Y"),
                report.retention_years
            );
            if !report.log_emptied {
                eprintln!(
                    "sportello: another program is reading the database; the erased data \
                     leaves its log at the next checkpoint"
                );
            }
        }
    }
    Ok(())
}
