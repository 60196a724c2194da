//! `sportello desk`: show this installation's desk, or set it from a preset.

use clap::Subcommand;
use sportello::{Error, Now, Store, desk};

use super::{Format, print_json};

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    action: Option<Action>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Subcommand)]
enum Action {
    /// List the ready-made desks (GRO, FOL, SCA).
    Presets,
    /// Make this installation the desk of a preset.
    Set {
        /// GRO, FOL or SCA.
        preset: String,
    },
}

/// Runs `desk`.
pub fn run(store: &mut Store, args: Args) -> Result<(), Error> {
    match args.action {
        Some(Action::Presets) => match args.format {
            Format::Json => print_json(&desk::presets())?,
            Format::Text => {
                for d in desk::presets() {
                    println!("{}  {}, {}", d.code, d.name, d.address);
                }
            }
        },
        Some(Action::Set { preset }) => {
            let Some(d) = desk::presets().into_iter().find(|d| d.code == preset) else {
                return Err(Error::invalid(
                    "preset",
                    format!("no preset desk '{preset}' (GRO, FOL or SCA)"),
                ));
            };
            desk::set_own(store.conn_mut(), &d, Now::read().utc())?;
            println!("this installation is now desk {} ({})", d.code, d.name);
        }
        None => {
            let own = desk::own(store.conn())?.ok_or(Error::NoDesk)?;
            match args.format {
                Format::Json => print_json(&own)?,
                Format::Text => {
                    println!("{}  {}, {}  {}", own.code, own.name, own.address, own.phone)
                }
            }
        }
    }
    Ok(())
}
