#!/usr/bin/env python3
"""End-to-end: two desks' databases on one machine sync through files, from the app.

Desk FOL exports from the app ("Esporta"), the coordinator GRO previews and confirms the
import in the app, and the command line agrees with what the app did. Drives the real
debug app over WebDriver (tauri-driver, WebKitWebDriver) with the standard library only.

Run from the repository root under a display: `xvfb-run -a python3 tests/e2e/sync.py`
(after `cargo build -p sportello -p sportello-app`). Native dialogs cannot be driven by
WebDriver, so the test calls the same command the dialog's answer feeds
(`export_to_path`) and the view's own `preview(paths)`.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "target/debug/sportello-app"
CLI = ROOT / "target/debug/sportello"
PORT = 4460  # tauri-driver; its WebKitWebDriver listens on PORT + 1


def cli(db, *args, check=True):
    out = subprocess.run([CLI, "--db", db, *args], capture_output=True, text=True)
    if check and out.returncode != 0:
        sys.exit(f"sportello {' '.join(args)} failed: {out.stderr}")
    return out


def add_accesses(db, desk, dates):
    """Fixture records, written as the core writes them (with a change number)."""
    c = sqlite3.connect(db)
    for d in dates:
        seq = c.execute(
            "UPDATE change_counter SET value = value + 1 RETURNING value"
        ).fetchone()[0]
        i = str(uuid.uuid4())
        c.execute(
            "INSERT INTO accesses (id, desk, revision, deleted, date, hour, channel, nationality,"
            " sex, age_band, first_access, referred_by, permit, accompaniment, mediation,"
            " created_at, updated_at, change_seq) VALUES (?, ?, 1, 0, ?, 10, 'sportello', 'MA',"
            " 'maschio', '30-39', 1, 'iniziativa_propria', 'in_rinnovo', 0, 0, 'x', 'x', ?)",
            (i, desk, d, seq),
        )
        c.execute("INSERT INTO access_reasons VALUES (?, 'rinnovo_permesso')", (i,))
        c.execute("INSERT INTO access_actions VALUES (?, 'informazione')", (i,))
    c.commit()
    c.close()


class App:
    """The app on database `db`, driven over WebDriver; always cleaned up."""

    def __init__(self, db, tmp):
        env = dict(os.environ, SPORTELLO_DB=str(db))
        for var in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
            env[var] = str(Path(tmp) / var.lower())
        self.driver = subprocess.Popen(
            ["tauri-driver", "--port", str(PORT), "--native-port", str(PORT + 1)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.sid = None
        for _ in range(50):
            try:
                caps = {"browserName": "wry", "tauri:options": {"application": str(APP)}}
                self.sid = self.req("POST", "/session", {"capabilities": {"alwaysMatch": caps}})[
                    "sessionId"
                ]
                break
            except OSError:
                time.sleep(0.2)
        if not self.sid:
            self.close()
            sys.exit("tauri-driver did not start")

    def req(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        r = urllib.request.Request(
            f"http://127.0.0.1:{PORT}{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        return json.loads(urllib.request.urlopen(r, timeout=60).read())["value"]

    def run(self, script):
        """Runs an async script: it ends by calling `done(value)`."""
        body = {"script": "const done = arguments[arguments.length - 1];\n" + script, "args": []}
        return self.req("POST", f"/session/{self.sid}/execute/async", body)

    def wait_text(self, needle, timeout=10):
        end = time.time() + timeout
        text = ""
        while time.time() < end:
            text = self.run("done(document.body.innerText)")
            if needle in text:
                return text
            time.sleep(0.2)
        raise AssertionError(f"{needle!r} never appeared; the page says:\n{text}")

    def close(self):
        if self.sid:
            try:
                self.req("DELETE", f"/session/{self.sid}")
            except OSError:
                pass
        # SIGTERM, not SIGKILL: tauri-driver then stops WebKitWebDriver too
        self.driver.send_signal(signal.SIGTERM)
        self.driver.wait(timeout=10)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        fol, gro = Path(tmp) / "fol.db", Path(tmp) / "gro.db"
        outbox = Path(tmp) / "outbox"
        outbox.mkdir()
        cli(fol, "desk", "set", "FOL")
        cli(gro, "desk", "set", "GRO")
        add_accesses(fol, "FOL", ["2024-11-25", "2024-11-26"])

        app = App(fol, tmp)
        try:
            # the folder the dialog would return, through the same command; then the button
            first = app.run(
                f"window.__TAURI__.core.invoke('export_to_path', {{dir: {json.dumps(str(outbox))}}})"
                ".then((s) => done(s), (e) => done({error: e}));"
            )
            assert first.get("sequence") == 1 and first["record_count"] == 2, first
            add_accesses(fol, "FOL", ["2024-11-27"])
            app.run(
                "document.querySelector('nav button[data-view=sync]').click(); setTimeout(() => done(1), 300);"
            )
            app.wait_text("record da esportare")
            app.run(
                "[...document.querySelectorAll('#view button')]"
                ".find((b) => b.textContent === 'Esporta').click(); done(1);"
            )
            app.wait_text("Esportazione n. 2 scritta: 1 record")
            app.wait_text("Tutti i record sono già stati esportati.")
        finally:
            app.close()
        files = sorted(outbox.glob("sportello-FOL-*.jsonl"))
        assert len(files) == 2, files

        app = App(gro, tmp)
        try:
            app.wait_text("Accessi del")  # the register has loaded: the views can change
            app.run(
                "import('./js/views/sync.js').then((m) => {"
                " window.syncView = m.mount(document.getElementById('view'), {lang: 'it'});"
                f" return window.syncView.preview([{json.dumps(str(outbox))}]); }})"
                ".then(() => done(1), (e) => done(String(e)));"
            )
            text = app.wait_text("Anteprima (niente è ancora salvato)")
            assert text.count("da importare") == 2, text
            assert "2 nuovi" in text and "1 nuovi" in text, text
            stored = cli(gro, "imports", "--format", "json").stdout
            assert json.loads(stored)["desks"] == [], "the preview stored nothing"
            app.run(
                "[...document.querySelectorAll('#view button')]"
                ".find((b) => b.textContent === 'Conferma importazione').click(); done(1);"
            )
            text = app.wait_text("Risultato dell’importazione")
            app.wait_text("1–2")
        finally:
            app.close()

        status = json.loads(cli(gro, "imports", "--format", "json").stdout)
        assert status["desks"][0]["desk"] == "FOL", status
        assert status["desks"][0]["received"] == [[1, 2]], status
        report = json.loads(cli(gro, "report", "--year", "2024", "--format", "json").stdout)
        assert report["total"]["accesses"]["total"] == 3, report["total"]
        again = cli(gro, "import", str(outbox))
        assert again.stdout.count("already imported") == 2, again.stdout
        print("e2e sync: FOL exported from the app, GRO imported from the app: ok")


if __name__ == "__main__":
    main()
