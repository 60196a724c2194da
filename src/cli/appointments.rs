//! `sportello appointments ...`: the coordinator's side of back-office appointments
//! (kinds, documents to bring, closing days, retention, purge, anonymous counts).
//! Booking itself happens in the app. Every subcommand calls one core function; the
//! clock is read once per command, here.

use std::io::Write;

use chrono::NaiveDate;
use clap::Subcommand;
use sportello::appointments::{self, Kind};
use sportello::{Error, Now, Result, Store, desk, print};

use super::parse_day;

const OPERATOR: &str = sportello::operators::signer::COMMAND_LINE;

#[derive(Subcommand)]
pub enum Action {
    /// List the kinds with their slot length and documents to bring.
    Kinds {
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Change the slot length (minutes) of a kind; booked appointments keep theirs.
    Minutes { kind: String, minutes: u32 },
    /// Show the documents to bring for a kind (with the languages that lack a
    /// translation), or replace the whole list with --set, in order.
    Documents {
        kind: String,
        /// A document, in Italian; repeat for each, in the order to print.
        #[arg(long = "set", value_name = "TEXT")]
        set: Vec<String>,
    },
    /// List this desk's own closing days from today (public holidays are computed).
    Closures,
    /// Close the desk on a day (e.g. the patron saint): no slot is offered.
    Close {
        /// The day, dd/mm/yyyy or YYYY-MM-DD.
        #[arg(value_parser = parse_day)]
        day: NaiveDate,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Open the desk again on a day closed with `close`.
    Reopen {
        #[arg(value_parser = parse_day)]
        day: NaiveDate,
    },
    /// Show, or set, how many days after the appointment name and phone are kept.
    Retention { days: Option<u32> },
    /// Erase name and phone of appointments past the retention now (the app also
    /// does it at every start). Logged in the audit log.
    Purge {
        /// Purge as of this day instead of today.
        #[arg(long, value_parser = parse_day)]
        today: Option<NaiveDate>,
    },
    /// Appointments of a period counted by kind and outcome (anonymous; complete
    /// after the purge).
    Counts {
        #[arg(long, value_parser = parse_day)]
        from: NaiveDate,
        #[arg(long, value_parser = parse_day)]
        to: NaiveDate,
        #[arg(long)]
        json: bool,
    },
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out).map_err(|e| Error::io("stdout", e))
}

fn print_kind(kind: &Kind) {
    let retired = if kind.active { "" } else { "  (retired)" };
    println!(
        "{}  {} ({} min){retired}",
        kind.code, kind.label_it, kind.slot_minutes
    );
    for (i, d) in kind.documents.iter().enumerate() {
        println!("  {}. {d}", i + 1);
    }
}

/// Runs one `appointments` subcommand on `store`.
pub fn run(store: &mut Store, action: Action) -> Result<()> {
    let now = Now::read();
    match action {
        Action::Kinds { json } => {
            let kinds = appointments::kinds(store.conn())?;
            if json {
                print_json(&kinds)?;
            } else {
                for k in &kinds {
                    print_kind(k);
                }
            }
        }
        Action::Minutes { kind, minutes } => {
            let k =
                appointments::set_slot_minutes(store.conn_mut(), &kind, minutes, OPERATOR, now)?;
            print_kind(&k);
        }
        Action::Documents { kind, set } => {
            let k = if set.is_empty() {
                appointments::kind(store.conn(), &kind)?
            } else {
                appointments::set_documents(store.conn_mut(), &kind, &set, OPERATOR, now)?
            };
            print_kind(&k);
            // Which languages would print a document in Italian for lack of a translation.
            let mut missing: Vec<(String, Vec<String>)> = Vec::new();
            for lang in print::languages()? {
                for (kind_code, d) in print::missing_translations(store.conn(), &lang.code)? {
                    if kind_code != k.code {
                        continue;
                    }
                    match missing.iter_mut().find(|(doc, _)| *doc == d) {
                        Some((_, langs)) => langs.push(lang.code.clone()),
                        None => missing.push((d, vec![lang.code.clone()])),
                    }
                }
            }
            for (d, langs) in missing {
                println!(
                    "  not translated in {} (printed in Italian there; add it to slips/i18n/<lang>.json): {d}",
                    langs.join(", ")
                );
            }
        }
        Action::Closures => {
            let code = desk::own_code(store.conn())?;
            for c in appointments::closures(store.conn(), &code, now.today())? {
                println!("{}  {}", appointments::format_day(c.day), c.reason);
            }
        }
        Action::Close { day, reason } => {
            let code = desk::own_code(store.conn())?;
            appointments::add_closure(store.conn_mut(), &code, day, &reason, OPERATOR, now)?;
            println!("desk {code} closed on {}", appointments::format_day(day));
        }
        Action::Reopen { day } => {
            let code = desk::own_code(store.conn())?;
            appointments::remove_closure(store.conn_mut(), &code, day, OPERATOR, now)?;
            println!(
                "desk {code} open again on {}",
                appointments::format_day(day)
            );
        }
        Action::Retention { days } => {
            if let Some(days) = days {
                appointments::set_retention_days(store.conn_mut(), days, OPERATOR, now)?;
            }
            println!(
                "name and phone of an appointment are erased {} days after it",
                appointments::retention_days(store.conn())?
            );
        }
        Action::Purge { today } => {
            let now = match today {
                Some(day) => super::now_on(day, now),
                None => now,
            };
            let report = appointments::purge(store.conn_mut(), OPERATOR, now)?;
            println!(
                "erased name and phone of {} appointments up to {} (retention {} days)",
                report.erased,
                appointments::format_day(report.up_to),
                report.retention_days
            );
        }
        Action::Counts { from, to, json } => {
            let counts = appointments::counts(store.conn(), from, to)?;
            if json {
                print_json(&counts)?;
            } else {
                for c in counts {
                    println!("{:<20} {:<10} {}", c.kind, c.status.as_str(), c.count);
                }
            }
        }
    }
    Ok(())
}
