//! Helpers of the end-to-end tests: find the app, start tauri-driver on free ports with
//! a private environment, open a WebDriver session on the app, wait for the page, and
//! always end the session and stop the driver, even when a scenario fails.
//!
//! tauri-driver starts WebKitWebDriver, which starts the app: both inherit the
//! driver's environment, so `SPORTELLO_DB` and the `XDG_*` folders set here reach the
//! app and the test never touches a real database.

use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::{Value, json};

/// What a scenario step returns: page errors and timeouts become `Err` with the page's
/// state in the message.
pub type TestResult<T = ()> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

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

/// The command-line program of the same build (`target/debug/sportello`).
pub fn cli_binary() -> PathBuf {
    std::env::var_os("SPORTELLO_CLI")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("debug/sportello"))
}

/// Runs the command line on database `db`; returns its exit success and standard output.
pub fn cli(db: &Path, args: &[&str]) -> (bool, String) {
    let bin = cli_binary();
    assert!(
        bin.exists(),
        "build the command line first (cargo build -p sportello): {} is missing",
        bin.display()
    );
    let out = Command::new(&bin)
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the command line runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() {
        eprintln!(
            "sportello {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    (out.status.success(), stdout)
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free local port")
}

/// The processes under `pid` (its children, theirs...), from `/proc` (none elsewhere).
fn descendants(pid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return vec![];
    };
    let parents: Vec<(u32, u32)> = entries
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter_map(|p| {
            let stat = std::fs::read_to_string(format!("/proc/{p}/stat")).ok()?;
            // "pid (name) state ppid ...": the name may hold spaces, not ')'
            let ppid = stat
                .rsplit(')')
                .next()?
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()?;
            Some((p, ppid))
        })
        .collect();
    let mut out = vec![];
    let mut frontier = vec![pid];
    while let Some(parent) = frontier.pop() {
        for &(p, pp) in &parents {
            if pp == parent && !out.contains(&p) {
                out.push(p);
                frontier.push(p);
            }
        }
    }
    out
}

/// Ends the processes `pids` still running (SIGTERM), and waits up to 5 s for them.
fn end_all(pids: &[u32]) {
    let alive = |p: &u32| Path::new(&format!("/proc/{p}")).exists();
    for p in pids.iter().filter(|p| alive(p)) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(p.to_string())
            .status();
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while pids.iter().any(alive) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
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
    pub fn start(db: &Path, home: &Path, env: &[(&str, &str)]) -> Driver {
        let port = free_port();
        let native_port = free_port();
        let mut cmd = Command::new("tauri-driver");
        cmd.arg("--port")
            .arg(port.to_string())
            .arg("--native-port")
            .arg(native_port.to_string())
            .env("SPORTELLO_DB", db)
            .envs(env.iter().copied())
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
        // the app WebKitWebDriver started: it may outlive its driver, and a later
        // session on the same database would then find it running ("already open")
        let app = descendants(self.child.id());
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                end_all(&app);
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        end_all(&app);
    }
}

/// Sends keys one at a time to whatever has the focus, counting them.
pub struct Keyboard<'a> {
    pub client: &'a Client,
    pub pressed: usize,
}

impl<'a> Keyboard<'a> {
    pub fn new(client: &'a Client) -> Self {
        Keyboard { client, pressed: 0 }
    }

    pub async fn press(&mut self, keys: &[&str]) -> TestResult {
        for key in keys {
            // The page may replace the focused element between the lookup and the key
            // (a list redrawn after a save): the key was not sent, so look again.
            let mut attempts = 0;
            loop {
                let sent = self.client.active_element().await?.send_keys(key).await;
                match sent {
                    Err(e) if e.is_stale_element_reference() && attempts < 5 => {
                        attempts += 1;
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                    Err(e) => {
                        let state = page_state(self.client).await;
                        return Err(format!("key {key:?} not sent ({e}); {state}").into());
                    }
                    Ok(_) => break,
                }
            }
            self.pressed += 1;
        }
        Ok(())
    }

    /// Types a word, one key per character.
    pub async fn type_text(&mut self, text: &str) -> TestResult {
        for ch in text.chars() {
            self.press(&[&ch.to_string()]).await?;
        }
        Ok(())
    }
}

/// Runs `scenario` against the app started on database `db` with private XDG folders
/// under `home`: one tauri-driver on free ports, one WebDriver session. Whatever the
/// scenario does (returns an error, panics), the session is ended and the driver is
/// stopped with SIGTERM before the outcome is handed back or the panic resumed.
pub async fn with_app<F, Fut, T>(db: &Path, home: &Path, scenario: F) -> TestResult<T>
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = TestResult<T>> + Send + 'static,
    T: Send + 'static,
{
    with_app_env(db, home, &[], scenario).await
}

/// [`with_app`] with more variables in the app's environment (e.g. a short lock).
pub async fn with_app_env<F, Fut, T>(
    db: &Path,
    home: &Path,
    env: &[(&str, &str)],
    scenario: F,
) -> TestResult<T>
where
    F: FnOnce(Client) -> Fut,
    Fut: std::future::Future<Output = TestResult<T>> + Send + 'static,
    T: Send + 'static,
{
    let app = app_binary();
    assert!(
        app.exists(),
        "build the app first (cargo build -p sportello-app): {} is missing",
        app.display()
    );
    let driver = Driver::start(db, home, env);
    let caps = json!({
        "browserName": "wry",
        "tauri:options": {"application": app},
    });
    let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps.as_object().expect("an object").clone())
        .connect(&driver.url())
        .await
        .expect("a WebDriver session with the app");
    // The scenario runs as its own task so that a panic in it still reaches the cleanup.
    let outcome = tokio::spawn(scenario(client.clone())).await;
    // Always end the session (WebKitWebDriver allows one), then stop the driver.
    let _ = client.close().await;
    drop(driver);
    match outcome {
        Ok(result) => result,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => Err(format!("the scenario task failed: {e}").into()),
    }
}

/// What the page shows when a wait fails: the focus, the status lines and any errors.
pub async fn page_state(client: &Client) -> String {
    client
        .execute(
            "return {focus: document.activeElement && document.activeElement.id,
                     message: (document.getElementById('message') || {}).textContent,
                     appointments: (document.getElementById('appt-status') || {}).textContent,
                     errors: window.__sportelloErrors,
                     text: document.body.innerText.slice(0, 2000), active: document.activeElement ? document.activeElement.outerHTML.slice(0, 300) : null}",
            vec![],
        )
        .await
        .map(|v| v.to_string())
        .unwrap_or_else(|e| format!("(page unreadable: {e})"))
}

/// Polls a script until it returns true (the page updates asynchronously); fails after
/// 15 s with the page's state.
pub async fn wait_until(client: &Client, what: &str, script: &str) -> TestResult {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let value = client.execute(script, vec![]).await?;
        if value == Value::Bool(true) {
            return Ok(());
        }
        if Instant::now() > deadline {
            let state = page_state(client).await;
            return Err(format!("timed out waiting for {what}; page state: {state}").into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the page's text contains `needle`; returns the whole text.
pub async fn wait_text(client: &Client, needle: &str) -> TestResult<String> {
    let script = format!(
        "return document.body.innerText.includes({})",
        serde_json::to_string(needle)?
    );
    wait_until(client, &format!("the text {needle:?}"), &script).await?;
    Ok(client
        .execute("return document.body.innerText", vec![])
        .await?
        .as_str()
        .unwrap_or_default()
        .to_string())
}

/// Runs `body` as the body of an async function in the page (it may `await` and
/// `import()` the app's own modules) and returns its value; a rejection comes back as
/// `Err` with its code and message.
pub async fn run_async(client: &Client, body: &str) -> TestResult<Value> {
    let script = format!(
        "const done = arguments[arguments.length - 1];
         (async () => {{ {body} }})().then(
           (value) => done({{ok: value === undefined ? null : value}}),
           (e) => done({{error: (e && (e.code || e.message)) ? `${{e.code ?? ''}}: ${{e.message ?? ''}}` : String(e)}}));"
    );
    let answer = client.execute_async(&script, vec![]).await?;
    match answer.get("error") {
        Some(e) => Err(format!("page script failed: {e}").into()),
        None => Ok(answer.get("ok").cloned().unwrap_or(Value::Null)),
    }
}

/// Fails when the page reported any script error (the window.onerror hook).
pub async fn no_page_errors(client: &Client) -> TestResult {
    let errors = client
        .execute("return window.__sportelloErrors", vec![])
        .await?;
    if errors != json!([]) {
        return Err(format!("the page reported script errors: {errors}").into());
    }
    Ok(())
}

/// Saves a screenshot of the window as `target/e2e/<name>.png`; returns its path.
/// Wait for the state to show first: the picture is taken after two painted frames.
pub async fn screenshot(client: &Client, name: &str) -> TestResult<PathBuf> {
    run_async(
        client,
        "await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));",
    )
    .await?;
    let path = target_dir().join("e2e").join(format!("{name}.png"));
    std::fs::create_dir_all(path.parent().expect("a folder"))?;
    std::fs::write(&path, client.screenshot().await?)?;
    Ok(path)
}

/// axe-core's script, installed by `make e2e` from tests/e2e/axe (npm, tests only).
fn axe_source() -> TestResult<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("axe/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "{}: {e}; install it with `npm ci --prefix tests/e2e/axe` (make e2e does)",
            path.display()
        )
        .into()
    })
}

/// What axe-core found on a page: the rules it checked and passed, and its violations
/// (`{id, impact, help, nodes}` with up to five offending elements' selectors each).
#[derive(Debug)]
pub struct AxeResult {
    pub passes: usize,
    pub violations: Vec<Value>,
}

impl AxeResult {
    /// The violations of impact "serious" or "critical".
    pub fn serious(&self) -> Vec<&Value> {
        self.violations
            .iter()
            .filter(|v| v["impact"] == "serious" || v["impact"] == "critical")
            .collect()
    }
}

/// Runs axe-core over the whole page as it stands. The script is injected over
/// WebDriver, which the page's CSP does not govern; the app's own pages never load it.
pub async fn axe(client: &Client) -> TestResult<AxeResult> {
    let loaded = client
        .execute("return typeof window.axe === 'object';", vec![])
        .await?;
    if loaded != json!(true) {
        let source = axe_source()?;
        client
            .execute(&format!("{source}\n;return true;"), vec![])
            .await?;
    }
    let found = run_async(
        client,
        "const r = await window.axe.run(document);
         return { passes: r.passes.length, violations: r.violations
           .map((v) => ({ id: v.id, impact: v.impact, help: v.help,
             nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })) };",
    )
    .await?;
    Ok(AxeResult {
        passes: found["passes"].as_u64().unwrap_or(0) as usize,
        violations: found["violations"].as_array().cloned().unwrap_or_default(),
    })
}

/// Alt plus `key`, as one chord.
pub fn alt(key: &str) -> String {
    use fantoccini::key::Key;
    format!("{}{key}{}", &*Key::Alt, &*Key::Null)
}

/// The operator every scenario signs in as: the first account, a coordinator.
pub const OPERATOR: &str = "Maria Rossi";
/// Their PIN.
pub const PIN: &str = "246810";

/// The app's database once a scenario is over, with the personal data's key opened by
/// [`OPERATOR`]'s [`PIN`], as the app opens it at the sign-in: personal values read as
/// typed, while the file holds them sealed.
pub fn open_signed_in(db: &Path) -> sportello::Store {
    let store = sportello::Store::open(db, chrono::Utc::now()).expect("the app's database");
    let id: i64 = store
        .conn()
        .query_row(
            "SELECT id FROM operators WHERE name = ?1",
            [OPERATOR],
            |r| r.get(0),
        )
        .expect("the first operator's account");
    let vault = store.vault().clone();
    sportello::operators::keys::open(store.conn(), &vault, id, PIN)
        .expect("the PIN opens the data key");
    store
}

/// Signs in at the window's door, with the keyboard, whatever door it shows: the
/// first-run setup (its desk as proposed, the first operator [`OPERATOR`] with
/// [`PIN`]), the creation of the first operator on a database set up before the
/// accounts, or the operator choice and PIN (the first name of the list). Returns when
/// the form is sent; the scenario then waits for the view it expects.
pub async fn sign_in(client: &Client, kb: &mut Keyboard<'_>) -> TestResult {
    sign_in_keeping_key(client, kb).await.map(|_| ())
}

/// [`sign_in`], answering the recovery key the app showed if this sign-in sealed the
/// personal data (the first coordinator's): the dialog is confirmed with the keyboard.
pub async fn sign_in_keeping_key(
    client: &Client,
    kb: &mut Keyboard<'_>,
) -> TestResult<Option<String>> {
    use fantoccini::key::Key;
    wait_until(
        client,
        "the setup, the first operator or the sign-in",
        "const id = document.activeElement && document.activeElement.id;
         return ['f-operator', 'signin-list', 'f-signin-pin'].includes(id);",
    )
    .await?;
    let focus = client
        .execute("return document.activeElement.id", vec![])
        .await?;
    match focus.as_str() {
        Some("f-operator") => {
            // name, initials (proposed from the name), the PIN twice, Enter
            kb.type_text(OPERATOR).await?;
            kb.press(&[&Key::Tab, &Key::Tab]).await?;
            kb.type_text(PIN).await?;
            kb.press(&[&Key::Tab]).await?;
            kb.type_text(PIN).await?;
        }
        Some("signin-list") => {
            kb.press(&[&Key::Enter]).await?;
            kb.type_text(PIN).await?;
        }
        _ => kb.type_text(PIN).await?,
    }
    kb.press(&[&Key::Enter]).await?;
    confirm_recovery_key(client, kb).await
}

/// Once a sign-in (or the first-run setup) was sent: waits until it is over, and if the
/// app shows the recovery key, reads it and confirms it was written down (Space on the
/// check box, Tab, Enter).
pub async fn confirm_recovery_key(
    client: &Client,
    kb: &mut Keyboard<'_>,
) -> TestResult<Option<String>> {
    use fantoccini::key::Key;
    wait_until(
        client,
        "the sign-in to end, or the recovery key",
        "return !!document.querySelector('#recovery-key[open]')
             || !document.querySelector('#signin-form, #first-form, #setup-form');",
    )
    .await?;
    let key = client
        .execute(
            "const k = document.querySelector('#recovery-key[open] #rk-key');
             return k ? k.textContent.trim() : null;",
            vec![],
        )
        .await?;
    let Some(key) = key.as_str().map(str::to_string) else {
        return Ok(None);
    };
    screenshot(client, "recovery-key").await?;
    kb.press(&[&Key::Space, &Key::Tab, &Key::Enter]).await?;
    wait_until(
        client,
        "the recovery key's dialog to close",
        "return !document.querySelector('#recovery-key');",
    )
    .await?;
    Ok(Some(key))
}
