//! `sportello demo`: fill a new database with demo records. Argument handling and
//! printing only; every rule is in `sportello::demo`.

use sportello::{Error, Now, Store, demo};

#[derive(clap::Args)]
pub struct Args {
    /// The year to fill, e.g. 2023 (the year the demo reproduces exactly).
    #[arg(long)]
    year: i32,
    /// How many times a year's volume, for benchmarks (100 = about a million accesses).
    #[arg(long, default_value_t = 1)]
    scale: u32,
}

/// Runs `demo` and prints one line per desk with what was written.
pub fn run(store: &mut Store, args: Args) -> Result<(), Error> {
    let options = demo::Options {
        year: args.year,
        scale: args.scale,
    };
    for w in demo::fill(store.conn_mut(), options, Now::read())? {
        println!(
            "{}{}: {} accesses ({} front desk, {} telefono/mail), {} full cases ({} from earlier years), {} fast",
            w.desk,
            if w.own { " (own desk)" } else { "" },
            w.front_desk + w.phone_mail,
            w.front_desk,
            w.phone_mail,
            w.full_cases,
            w.carried_in,
            w.fast_cases
        );
    }
    Ok(())
}
