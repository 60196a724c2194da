//! Helpers of the end-to-end test: find the app, start tauri-driver on free ports with
//! a private environment, and stop it cleanly.
//!
//! tauri-driver starts WebKitWebDriver, which starts the app: both inherit the
//! driver's environment, so `SPORTELLO_DB` and the `XDG_*` folders set here reach the
//! app and the test never touches a real database.

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The workspace's `target/` folder (or `CARGO_TARGET_DIR`).
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"))
}

/// The desktop app to drive: `SPORTELLO_APP`, or the debug build of the workspace.
pub fn app_binary() -> PathBuf {
    std::env::var_os("SPORTELLO_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("debug/sportello-app"))
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

/// A running tauri-driver; dropping it stops the driver with SIGTERM, so that it ends
/// its WebKitWebDriver too (SIGKILL would orphan it and hang a piped `cargo test`).
pub struct Driver {
    child: Child,
    pub port: u16,
}

impl Driver {
    /// Starts tauri-driver with the app's database at `db` and private XDG folders
    /// under `home`, and waits until it accepts connections.
    pub fn start(db: &Path, home: &Path) -> Driver {
        let port = free_port();
        let native_port = free_port();
        let mut cmd = Command::new("tauri-driver");
        cmd.arg("--port")
            .arg(port.to_string())
            .arg("--native-port")
            .arg(native_port.to_string())
            .env("SPORTELLO_DB", db)
            .stdin(Stdio::null());
        for (var, dir) in [
            ("XDG_DATA_HOME", "data"),
            ("XDG_CONFIG_HOME", "config"),
            ("XDG_CACHE_HOME", "cache"),
            ("XDG_RUNTIME_DIR", "runtime"),
        ] {
            let path = home.join(dir);
            std::fs::create_dir_all(&path).expect("create a test folder");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let _ = std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o700));
            }
            cmd.env(var, path);
        }
        let child = cmd
            .spawn()
            .expect("tauri-driver must be installed: cargo install tauri-driver --locked");
        let driver = Driver { child, port };
        // tauri-driver listens at once, but forwards to WebKitWebDriver, which it starts
        // on the native port: a session asked for before that one listens fails.
        let deadline = Instant::now() + Duration::from_secs(20);
        for p in [port, native_port] {
            while TcpStream::connect((Ipv4Addr::LOCALHOST, p)).is_err() {
                assert!(
                    Instant::now() < deadline,
                    "tauri-driver and WebKitWebDriver did not listen on ports {port}, {native_port} within 20 s"
                );
                std::thread::sleep(Duration::from_millis(100));
            }
        }
        driver
    }

    /// The WebDriver URL.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
