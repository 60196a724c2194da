//! `sportello`: the command line of the Sportello desks, on the same database as the app.
//! Every command lives in `cli/`, one file each.

mod cli;

/// The allocator of this binary (see the workspace's Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // A reader that stops early (`sportello imports | head -1`) ends the output as it
    // ends any command line tool's: by SIGPIPE, which Rust's runtime ignores by
    // default, turning the next print into a panic. A line is printed once what it
    // reports is done; a stop between two lines leaves each action whole, as an
    // interruption does.
    #[cfg(unix)]
    // SAFETY: at the start of main, before any other thread exists; SIG_DFL is a valid
    // disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    cli::main()
}
