#!/usr/bin/env python3
"""Screenshots of every view, in Italian and English, at 1366x768 and at 200% zoom.

For a person to look at: target/screens/<view>-<lang>[-zoom].png. The data are made
up: a Follonica desk with today's accesses and one of an earlier day not exported yet,
an import preview with one good file and one of each common rejection, and one booked
appointment. Drives the real debug app over WebDriver (tauri-driver, WebKitWebDriver) with the
standard library only.

Run from the repository root under a display:
    cargo build -p sportello -p sportello-app
    xvfb-run -a --server-args="-screen 0 1366x768x24" python3 scripts/screenshots.py
"""

import base64
import datetime
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

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "target/debug/sportello-app"
CLI = ROOT / "target/debug/sportello"
# tauri-driver; its WebKitWebDriver listens on PORT + 1. Not the end-to-end tests' port:
# both may run on one machine.
PORT = 4490


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



OUT = ROOT / "target/screens"


class Driven(App):
    """App that also ends the app it started when WebKitWebDriver died first."""

    def __init__(self, db, tmp):
        super().__init__(db, tmp)
        self.app_pids = []
        for webdriver in children(self.driver.pid):
            self.app_pids += children(webdriver)

    def close(self):
        try:
            super().close()
        except (OSError, subprocess.TimeoutExpired):
            self.driver.kill()
        for pid in self.app_pids:
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        time.sleep(0.5)


def children(pid):
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


def shoot(app, name):
    png = app.req("GET", f"/session/{app.sid}/screenshot")
    (OUT / f"{name}.png").write_bytes(base64.b64decode(png))


def show(app, view, wait):
    app.run(
        f"document.querySelector('nav button[data-view={view}]').click();"
        " setTimeout(() => done(1), 400);"
    )
    app.wait_text(wait)


def keys(app, *values):
    """Presses a chord: every key down in order, then up in reverse."""
    down = [{"type": "keyDown", "value": v} for v in values]
    up = [{"type": "keyUp", "value": v} for v in reversed(values)]
    app.req("POST", f"/session/{app.sid}/actions",
            {"actions": [{"type": "key", "id": "kb", "actions": down + up}]})


CTRL = "\ue009"


def zoom(app, factor):
    """For "2", Ctrl = until the page is laid out in half the width (200% zoom)."""
    if factor != "2":
        return
    full = app.run("setTimeout(() => done(window.innerWidth), 200);")
    for _ in range(12):
        if app.run("setTimeout(() => done(window.innerWidth), 200);") <= full / 2 + 8:
            break
        keys(app, CTRL, "=")
    app.run("setTimeout(() => done(1), 300);")


def bad_files(outbox, good):
    """Copies of `good` broken in the common ways, next to it."""
    lines = good.read_text().splitlines(keepends=True)
    (outbox / "b-truncated.jsonl").write_text("".join(lines)[: len("".join(lines)) // 2])
    access = json.loads(lines[1])
    access.pop("sex")
    body = lines[0] + json.dumps(access) + "\n"
    (outbox / "c-missing-sex.jsonl").write_text(rebuild(body, 1))
    access = json.loads(lines[1])
    access["reasons"] = ["bonus_x"]
    access["nationality"] = "XX"
    body = lines[0] + json.dumps(access) + "\n"
    (outbox / "d-unknown-codes.jsonl").write_text(rebuild(body, 1))


def rebuild(body, count):
    import hashlib

    sha = hashlib.sha256(body.encode()).hexdigest()
    return body + json.dumps({"record": "trailer", "count": count, "sha256": sha}) + "\n"


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for lang in ("it", "en"):
        with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
            fol, fresh, outbox = prepare(lang, Path(tmp))
            for view in ("register", "sync", "appointments", "cases", "setup"):
                for factor, suffix in (("1", ""), ("2", "-zoom")):
                    # one app per picture: WebKitWebDriver on a busy machine now and
                    # then drops a session, and a retry then costs one picture only
                    for attempt in range(3):
                        try:
                            db = fresh if view == "setup" else fol
                            shoot_view(db, tmp, lang, view, factor, f"{view}-{lang}{suffix}")
                            break
                        except (OSError, AssertionError) as e:
                            print(f"{view}-{lang}{suffix}: attempt {attempt + 1} failed ({e!r})",
                                  file=sys.stderr)
    print(f"screenshots in {OUT}")


def prepare(lang, tmp):
    """A desk database with data, a database without a desk, and a folder to import."""
    today = datetime.date.today()
    earlier = today - datetime.timedelta(days=2)
    fol, gro, fresh = tmp / "fol.db", tmp / "gro.db", tmp / "fresh.db"
    outbox = tmp / "outbox"
    outbox.mkdir()
    cli(fol, "desk", "set", "FOL")
    cli(gro, "desk", "set", "GRO")
    add_accesses(gro, "GRO", [today.isoformat()] * 2)
    cli(gro, "export", "--out", str(outbox))
    bad_files(outbox, next(outbox.glob("sportello-GRO-*.jsonl")))
    add_accesses(fol, "FOL", [earlier.isoformat()] + [today.isoformat()] * 6)
    cli(fresh, "codebook", check=False)
    for db in (fol, fresh):
        c = sqlite3.connect(db)
        if db == fol:
            c.execute("INSERT INTO settings VALUES ('operator_name', 'M.R.')")
        c.execute("INSERT INTO settings VALUES ('ui_language', ?)", (lang,))
        c.commit()
        c.close()
    return fol, fresh, outbox


def shoot_view(db, tmp, lang, view, factor, name):
    it = lang == "it"
    app = Driven(db, tmp)
    try:
        app.req("POST", f"/session/{app.sid}/window/rect", {"width": 1366, "height": 768})
        if view == "setup":
            app.wait_text("Primo avvio" if it else "First start")
            zoom(app, factor)
        else:
            app.wait_text("Accessi del" if it else "Accesses on")
            zoom(app, factor)
        if view == "sync":
            show(app, "sync", "Esporta" if it else "Export")
            outbox = Path(tmp) / "outbox"
            app.run(
                "import('./js/views/sync.js').then((m) => {"
                " const v = m.mount(document.getElementById('view'));"
                f" return v.preview([{json.dumps(str(outbox))}]); }})"
                ".then(() => done(1), (e) => done(String(e)));"
            )
            app.wait_text("Anteprima" if it else "Preview")
            app.run("document.querySelector('.sync-import-result').scrollIntoView(); done(1);")
        if view == "appointments":
            show(app, "appuntamenti", "Agenda" if it else "Day agenda")
            app.run("document.getElementById('appt-book').click(); setTimeout(() => done(1), 800);")
        if view == "cases":
            show(app, "casi", "Accompagnamenti" if it else "Accompaniments")
        shoot(app, name)
        if view == "appointments":
            app.run("window.scrollTo(0, document.body.scrollHeight); setTimeout(() => done(1), 200);")
            shoot(app, name.replace("appointments", "appointments-agenda"))
    finally:
        app.close()


if __name__ == "__main__":
    main()
