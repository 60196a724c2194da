//! One app instance per database.
//!
//! Two windows writing the same register would each keep their own idea of "the last
//! save" and of today's list, so the first instance holds an exclusive lock on
//! `<database>.lock` for as long as it runs. It also listens on a loopback port, written
//! to `<database>.instance`, for a one-line "focus" request: a second launch on the same
//! database finds the lock taken, sends that request (the first window comes to the
//! front) and exits. The OS drops the lock when the process ends, even after a crash,
//! so a stale lock file never blocks a start.
//!
//! Why not tauri-plugin-single-instance: it allows one instance per app identifier
//! (a D-Bus name on Linux), whatever the database. The end-to-end test and a second
//! desk's database on the same machine must run beside the operator's own app.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What the request line of a second launch says.
const FOCUS: &str = "focus";

/// The most bytes read from one connection: the request line and its newline, plus a
/// little room. Anything longer is not this protocol and is dropped unread.
const MOST_READ: u64 = 16;

/// The outcome of trying to become the instance of a database.
pub enum Instance {
    /// This process is the only one on the database: keep the guard alive.
    First(Guard),
    /// Another process holds the database; it was asked to show its window.
    AlreadyRunning,
}

/// Held by the first instance: the locked file and the focus listener.
pub struct Guard {
    _lock: File,
    listener: TcpListener,
}

fn sibling(db: &Path, suffix: &str) -> PathBuf {
    let mut name = db.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    db.with_file_name(name)
}

/// Takes the database's instance lock, or asks the running instance to come forward.
pub fn acquire(db: &Path) -> std::io::Result<Instance> {
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        // the data folder, private from its creation (0700)
        sportello::store::private::create_dir(dir).map_err(std::io::Error::other)?;
    }
    let mut options = OpenOptions::new();
    options.create(true).truncate(false).write(true);
    // private like the database (sportello::store::private)
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let lock = options.open(sibling(db, ".lock"))?;
    match lock.try_lock() {
        Ok(()) => {
            let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
            let port = listener.local_addr()?.port();
            let mut options = OpenOptions::new();
            options.create(true).truncate(true).write(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            options
                .open(sibling(db, ".instance"))?
                .write_all(port.to_string().as_bytes())?;
            Ok(Instance::First(Guard {
                _lock: lock,
                listener,
            }))
        }
        Err(std::fs::TryLockError::WouldBlock) => {
            ask_to_focus(db);
            Ok(Instance::AlreadyRunning)
        }
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// Sends the focus request to the instance holding `db`. The holder may be starting
/// and not have written its port yet: try for a couple of seconds, then give up (the
/// second launch exits either way; the worst case is a window not brought forward).
fn ask_to_focus(db: &Path) {
    for _ in 0..20 {
        let port = std::fs::read_to_string(sibling(db, ".instance"))
            .ok()
            .and_then(|s| s.trim().parse::<u16>().ok());
        if let Some(port) = port
            && let Ok(mut stream) = TcpStream::connect_timeout(
                &(Ipv4Addr::LOCALHOST, port).into(),
                Duration::from_millis(500),
            )
            && writeln!(stream, "{FOCUS}").is_ok()
        {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

impl Guard {
    /// Calls `on_focus` (on a background thread) every time a second launch asks.
    /// The guard moves into the thread, so the lock lives as long as the process.
    /// A connection is read for at most [`MOST_READ`] bytes and one second, answered
    /// nothing, and acted upon only when it says exactly the request line.
    pub fn serve(self, on_focus: impl Fn() + Send + 'static) {
        std::thread::spawn(move || {
            let guard = self;
            for stream in guard.listener.incoming().flatten() {
                if is_focus_request(stream) {
                    on_focus();
                }
            }
        });
    }
}

/// Whether the connection says the focus request line, and nothing else.
fn is_focus_request(stream: TcpStream) -> bool {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let mut line = Vec::new();
    let read = BufReader::new(stream.take(MOST_READ)).read_until(b'\n', &mut line);
    read.is_ok() && line == format!("{FOCUS}\n").as_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn a_second_instance_on_the_same_database_asks_the_first_to_focus() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("sportello.db");
        let Instance::First(guard) = acquire(&db).unwrap() else {
            panic!("the first instance must get the lock");
        };
        let (tx, rx) = mpsc::channel();
        guard.serve(move || tx.send(()).unwrap());
        assert!(
            matches!(acquire(&db).unwrap(), Instance::AlreadyRunning),
            "a second instance on the same database must be refused"
        );
        rx.recv_timeout(Duration::from_secs(5))
            .expect("the first instance must receive the focus request");

        // Anything but the request line is read no further and changes nothing; the
        // listener keeps answering its own protocol afterwards.
        let port: u16 = std::fs::read_to_string(sibling(&db, ".instance"))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        for junk in [
            b"GET / HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
            b"focus please\n".to_vec(),
            b"focusfocusfocusfocusfocus\n".to_vec(),
            vec![b'f'; 1 << 20],
        ] {
            let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
            let _ = stream.write_all(&junk);
            drop(stream);
        }
        assert!(
            matches!(acquire(&db).unwrap(), Instance::AlreadyRunning),
            "still the first instance"
        );
        rx.recv_timeout(Duration::from_secs(5))
            .expect("a real request after the junk is still served");
        assert!(
            rx.recv_timeout(Duration::from_millis(300)).is_err(),
            "no junk connection asked for focus"
        );

        let other = dir.path().join("altro.db");
        assert!(
            matches!(acquire(&other).unwrap(), Instance::First(_)),
            "another database is another instance"
        );
    }
}
