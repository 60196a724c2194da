#!/usr/bin/env python3
"""A naive importer of a Sportello export file, the yardstick of issue 10's speed goal.

Reads the file with `json`, and writes its access lines with `sqlite3` into a database
of the application's own schema (made by `sportello --db DB codebook --format json`, so
the report's counting triggers fire as they do for the real importer), in one
transaction: a line whose id is not stored is inserted, one with a higher revision
replaces the stored row and its codes, anything else is left alone. No validation beyond
parsing: no checksum, no codebook, no rejection rule, no conflict report, no log.

    python3 benches/naive_import.py DB FILE

prints the records per second. docs/import-speed.md says how the comparison is run.
"""

import json
import sqlite3
import sys
import time

INSERT = """INSERT INTO accesses (id, desk, revision, deleted, date, hour, channel,
    nationality, sex, age_band, first_access, referred_by, permit, accompaniment,
    mediation, created_at, updated_at, change_seq)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)"""

UPDATE = """UPDATE accesses SET desk = ?, revision = ?, deleted = ?, date = ?, hour = ?,
    channel = ?, nationality = ?, sex = ?, age_band = ?, first_access = ?,
    referred_by = ?, permit = ?, accompaniment = ?, mediation = ?, updated_at = ?,
    change_seq = NULL
    WHERE id = ?"""


def main(db, path):
    started = time.perf_counter()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA temp_store = MEMORY")
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    count = 0
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    header = json.loads(lines[0])
    desk = header["desk"]
    cur = conn.cursor()
    cur.execute("BEGIN IMMEDIATE")
    cur.execute(
        "INSERT OR IGNORE INTO desks (code, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
        (desk, desk, now, now),
    )
    for line in lines[1:-1]:
        r = json.loads(line)
        if r["record"] != "access":
            continue
        count += 1
        row = cur.execute(
            "SELECT revision FROM accesses WHERE id = ?", (r["id"],)
        ).fetchone()
        if row is not None and row[0] >= r["revision"]:
            continue
        values = (
            desk,
            r["revision"],
            r["deleted"],
            r["date"],
            r.get("hour"),
            r.get("channel"),
            r.get("nationality"),
            r.get("sex"),
            r.get("age_band"),
            r.get("first_access"),
            r.get("referred_by"),
            r.get("permit"),
            r.get("accompaniment"),
            r.get("mediation"),
        )
        if row is None:
            cur.execute(INSERT, (r["id"],) + values + (now, now))
        else:
            cur.execute(UPDATE, values + (now, r["id"]))
            cur.execute("DELETE FROM access_reasons WHERE access_id = ?", (r["id"],))
            cur.execute("DELETE FROM access_actions WHERE access_id = ?", (r["id"],))
        cur.executemany(
            "INSERT INTO access_reasons (access_id, code) VALUES (?, ?)",
            [(r["id"], c) for c in r.get("reasons") or []],
        )
        cur.executemany(
            "INSERT INTO access_actions (access_id, code) VALUES (?, ?)",
            [(r["id"], c) for c in r.get("actions") or []],
        )
    cur.execute("COMMIT")
    conn.close()
    seconds = time.perf_counter() - started
    print(f"{count} records in {seconds:.2f} s: {count / seconds:,.0f} records per second")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
