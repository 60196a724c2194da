//! `sportello`: the command line of the Sportello desks, on the same database as the app.
//! Every command lives in `cli/`, one file each.

mod cli;

/// The allocator of this binary (see the workspace's Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
