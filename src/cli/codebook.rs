//! `sportello codebook`: print the shared codebook, or change it (coordinator).

use clap::{Subcommand, ValueEnum};
use sportello::codebook::{self, ChannelGroup, List, NewEntry};
use sportello::{Error, Store};

use super::{Format, print_json};

#[derive(clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    #[command(subcommand)]
    change: Option<Change>,
}

#[derive(Subcommand)]
enum Change {
    /// Add an entry at the end of a list (the codebook version goes up).
    Add {
        /// channel, sex, age_band, nationality, referred_by, reason, permit or action.
        list: String,
        /// The new, never-used code.
        code: String,
        /// Italian label.
        #[arg(long)]
        label: String,
        /// English label.
        #[arg(long)]
        label_en: String,
        /// Report group, for channels only.
        #[arg(long, value_enum)]
        group: Option<Group>,
    },
    /// Retire an entry: old records keep it, new ones cannot use it.
    Retire { list: String, code: String },
    /// Bring a retired entry back into use.
    Restore { list: String, code: String },
}

#[derive(Clone, Copy, ValueEnum)]
enum Group {
    FrontDesk,
    PhoneMail,
}

/// Applies the change, if any, then prints the codebook.
pub fn run(store: &Store, args: Args) -> Result<(), Error> {
    match args.change {
        Some(Change::Add {
            list,
            code,
            label,
            label_en,
            group,
        }) => {
            let entry = NewEntry {
                code,
                label,
                label_en,
                group: group.map(|g| match g {
                    Group::FrontDesk => ChannelGroup::FrontDesk,
                    Group::PhoneMail => ChannelGroup::PhoneMail,
                }),
            };
            codebook::add_entry(store.conn(), list.parse()?, &entry)?;
        }
        Some(Change::Retire { list, code }) => {
            codebook::set_active(store.conn(), list.parse()?, &code, false)?
        }
        Some(Change::Restore { list, code }) => {
            codebook::set_active(store.conn(), list.parse()?, &code, true)?
        }
        None => {}
    }
    let cb = codebook::load(store.conn())?;
    match args.format {
        Format::Json => print_json(&cb)?,
        Format::Text => {
            println!("codebook version {}", cb.version);
            for list in List::ALL {
                println!("\n[{list}]");
                for e in cb.lists.get(list) {
                    let retired = if e.active { "" } else { "  (retired)" };
                    println!("  {:<28} {}{retired}", e.code, e.label);
                }
            }
        }
    }
    Ok(())
}
