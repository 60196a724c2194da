//! `sportello`: the command line of the Sportello desks, on the same database as the app.
//! Every command lives in `cli/`, one file each.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
