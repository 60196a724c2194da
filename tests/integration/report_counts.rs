//! The report's counts, kept by the triggers of migration 0005, against a count from
//! scratch over the accesses (the grouped passes the report ran before the counts were
//! kept): after random sequences of every kind of write the program makes, after
//! migrating a database that already held accesses, and after the writes no program
//! path makes (a row removed, a reason rewritten, a desk code renamed). The report's
//! numbers are the contract's; these tests keep them the same with the counts.

use std::ops::RangeInclusive;
use std::path::Path;

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use rusqlite::{Connection, OptionalExtension, params};
use sportello::register::accesses::{self, NewAccess};
use sportello::register::figures::{self, Group, Scope};
use sportello::register::stored::{self, StoredAccess};
use sportello::register::{self, LastSave, Saved};
use sportello::store::MIGRATIONS;
use sportello::{Now, Store, demo, desk, limits, report};

/// The reference: the year's live accesses of `scope` counted from scratch.
struct Recount {
    grouped: Vec<Group>,
    nationalities: Vec<(String, String, i64)>,
    reasons: Vec<(String, String, i64)>,
    days: Vec<(String, NaiveDate)>,
}

fn recount(conn: &Connection, year: i32, desk: Option<&str>) -> Recount {
    let (from, to) = (format!("{year}-01-01"), format!("{year}-12-31"));
    let live = "FROM accesses a WHERE a.deleted = 0 AND a.date BETWEEN ?1 AND ?2
        AND (?3 IS NULL OR a.desk = ?3)";
    let mut stmt = conn
        .prepare(&format!(
            "SELECT a.desk, CAST(substr(a.date, 6, 2) AS INTEGER), a.channel, a.sex,
                a.age_band, a.first_access, COUNT(*) {live} GROUP BY 1, 2, 3, 4, 5, 6"
        ))
        .unwrap();
    let mut grouped: Vec<Group> = stmt
        .query_map(params![from, to, desk], |r| {
            Ok(Group {
                desk: r.get(0)?,
                month: r.get(1)?,
                channel: r.get(2)?,
                sex: r.get(3)?,
                age_band: r.get(4)?,
                first_access: r.get(5)?,
                count: r.get(6)?,
            })
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    grouped.sort();
    let counts = |sql: &str| -> Vec<(String, String, i64)> {
        conn.prepare(sql)
            .unwrap()
            .query_map(params![from, to, desk], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    let nationalities = counts(&format!(
        "SELECT a.desk, a.nationality, COUNT(*) {live} GROUP BY 1, 2 ORDER BY 1, 2"
    ));
    let reasons = counts(&format!(
        "SELECT a.desk, r.code, COUNT(*) {} GROUP BY 1, 2 ORDER BY 1, 2",
        live.replace(
            "FROM accesses a",
            "FROM accesses a JOIN access_reasons r ON r.access_id = a.id"
        )
    ));
    let days = conn
        .prepare(&format!(
            "SELECT DISTINCT a.desk, a.date {live} ORDER BY 1, 2"
        ))
        .unwrap()
        .query_map(params![from, to, desk], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })
        .unwrap()
        .map(|row| {
            let (desk, date) = row.unwrap();
            (desk, date.parse().unwrap())
        })
        .collect();
    Recount {
        grouped,
        nationalities,
        reasons,
        days,
    }
}

/// Every year of `years` and every scope (all desks, each desk) reads from the counts
/// exactly what a count from scratch gives.
fn assert_exact(conn: &Connection, years: RangeInclusive<i32>, context: &str) {
    let mut scopes: Vec<Option<String>> = vec![None];
    for d in ["FOL", "GRO", "SCA"] {
        scopes.push(Some(d.to_string()));
    }
    for year in years {
        for desk in &scopes {
            let scope = Scope::year(year, desk.as_deref()).unwrap();
            let want = recount(conn, year, desk.as_deref());
            let mut grouped = figures::grouped(conn, &scope).unwrap();
            grouped.sort();
            let at = format!("{context}: {year} {desk:?}");
            assert_eq!(grouped, want.grouped, "grouped, {at}");
            assert_eq!(
                figures::nationalities(conn, &scope).unwrap(),
                want.nationalities,
                "nationalities, {at}"
            );
            assert_eq!(
                figures::reasons(conn, &scope).unwrap(),
                want.reasons,
                "reasons, {at}"
            );
            if desk.is_none() {
                let (from, to) = limits::year_days(year).unwrap();
                assert_eq!(
                    figures::days_with_accesses(conn, from, to).unwrap(),
                    want.days,
                    "days, {at}"
                );
            }
        }
    }
    let first_last: Option<(String, String)> = conn
        .query_row(
            "SELECT MIN(date), MAX(date) FROM accesses WHERE deleted = 0 HAVING COUNT(*) > 0",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .unwrap();
    let want = first_last.map(|(a, b)| (a[..4].parse().unwrap(), b[..4].parse().unwrap()));
    assert_eq!(
        figures::year_range(conn).unwrap(),
        want,
        "year range, {context}"
    );
}

/// 10:00 on 5 March 2024 at the desk: every date below is in the past.
fn now() -> Now {
    Now::at(
        NaiveDate::from_ymd_opt(2024, 3, 5)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap(),
        1,
    )
}

const DATES: [&str; 6] = [
    "2022-12-31",
    "2023-01-01",
    "2023-02-28",
    "2023-12-31",
    "2024-01-01",
    "2024-03-01",
];
const CHANNELS: [&str; 4] = ["sportello", "telefono", "email", "videochiamata"];
const NATIONALITIES: [&str; 4] = ["MA", "IT", "RO", "UA"];
const SEXES: [&str; 3] = ["maschio", "femmina", "non_indicato"];
const AGES: [&str; 3] = ["18-29", "30-39", "70+"];
const REASONS: [&str; 4] = ["casa", "cittadinanza", "lavoro", "rinnovo_permesso"];

/// What an access is counted by, drawn as indexes into the lists above.
#[derive(Debug, Clone)]
struct Fields {
    date: usize,
    channel: usize,
    nationality: usize,
    sex: usize,
    age: usize,
    first: bool,
    /// A non-empty subset of [`REASONS`], as a bit mask.
    reasons: u8,
}

fn fields() -> impl Strategy<Value = Fields> {
    (
        0..DATES.len(),
        0..4usize,
        0..4usize,
        0..3usize,
        0..3usize,
        any::<bool>(),
        1..16u8,
    )
        .prop_map(
            |(date, channel, nationality, sex, age, first, reasons)| Fields {
                date,
                channel,
                nationality,
                sex,
                age,
                first,
                reasons,
            },
        )
}

impl Fields {
    fn reasons(&self) -> Vec<String> {
        (0..4)
            .filter(|i| self.reasons & (1 << i) != 0)
            .map(|i| REASONS[i].to_string())
            .collect()
    }

    fn new_access(&self) -> NewAccess {
        NewAccess {
            date: DATES[self.date].parse().unwrap(),
            hour: 10,
            channel: CHANNELS[self.channel].into(),
            nationality: NATIONALITIES[self.nationality].into(),
            sex: SEXES[self.sex].into(),
            age_band: AGES[self.age].into(),
            first_access: self.first,
            referred_by: "iniziativa_propria".into(),
            reasons: self.reasons(),
            permit: "famiglia".into(),
            actions: vec!["informazione".into()],
            accompaniment: false,
            mediation: false,
        }
    }

    fn received(&self, id: String, desk: &str, revision: i64) -> StoredAccess {
        let a = self.new_access();
        StoredAccess {
            id,
            desk: desk.into(),
            revision,
            deleted: false,
            date: a.date,
            hour: Some(10),
            channel: Some(a.channel),
            nationality: Some(a.nationality),
            sex: Some(a.sex),
            age_band: Some(a.age_band),
            first_access: Some(a.first_access),
            referred_by: Some(a.referred_by),
            reasons: a.reasons,
            permit: Some(a.permit),
            actions: a.actions,
            accompaniment: Some(false),
            mediation: Some(false),
            change_seq: None,
        }
    }
}

/// One write, as the program makes them.
#[derive(Debug, Clone)]
enum Op {
    /// The register saves `count` identical accesses of the own desk.
    Save { fields: Fields, count: u32 },
    /// The register corrects one of the own desk's accesses.
    Correct { pick: usize, fields: Fields },
    /// The register deletes one (a tombstone).
    Delete { pick: usize },
    /// The register undoes its last save or correction.
    Undo,
    /// An import writes an access of another desk: a new one, or a new revision of one
    /// received before (`pick`), which may move it to the other desk, withdraw it
    /// (with or without its fields) or bring it back.
    Import {
        pick: Option<usize>,
        fields: Fields,
        other_desk: bool,
        tombstone: Option<bool>,
    },
    /// The bulk path (the demo, a first load) adds new accesses of another desk.
    Bulk { fields: Vec<Fields> },
    /// An import of a large file writes its new and updated accesses at once
    /// (`stored::write_received`, which keeps the counts itself, set-wise).
    ImportBatch { lines: Vec<Line> },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (fields(), 1..4u32).prop_map(|(fields, count)| Op::Save { fields, count }),
        2 => (any::<usize>(), fields()).prop_map(|(pick, fields)| Op::Correct { pick, fields }),
        1 => any::<usize>().prop_map(|pick| Op::Delete { pick }),
        1 => Just(Op::Undo),
        3 => (proptest::option::of(any::<usize>()), fields(), any::<bool>(), proptest::option::of(any::<bool>()))
            .prop_map(|(pick, fields, other_desk, tombstone)| Op::Import { pick, fields, other_desk, tombstone }),
        1 => proptest::collection::vec(fields(), 1..4).prop_map(|fields| Op::Bulk { fields }),
        2 => proptest::collection::vec(line(), 1..8).prop_map(|lines| Op::ImportBatch { lines }),
    ]
}

/// One line of an import: see [`Op::Import`].
type Line = (Option<usize>, Fields, bool, Option<bool>);

fn line() -> impl Strategy<Value = Line> {
    (
        proptest::option::of(any::<usize>()),
        fields(),
        any::<bool>(),
        proptest::option::of(any::<bool>()),
    )
}

/// The version of an access an import line writes: a new access of GRO, or the next
/// revision of a received one (`pick`), maybe moved to the other desk (`other_desk`),
/// withdrawn with its fields (`Some(true)`) or without (`Some(false)`); and whether its
/// id is stored already.
fn version(
    conn: &Connection,
    received: &[String],
    pick: Option<usize>,
    fields: &Fields,
    other_desk: bool,
    tombstone: Option<bool>,
    new_id: &mut impl FnMut() -> String,
) -> (StoredAccess, bool) {
    let stored = match pick {
        Some(p) if !received.is_empty() => {
            stored::by_id(conn, &received[p % received.len()]).unwrap()
        }
        _ => None,
    };
    let (id, desk, revision) = match &stored {
        Some(s) => (s.id.clone(), s.desk.clone(), s.revision + 1),
        None => (new_id(), "GRO".to_string(), 1),
    };
    let desk = match (other_desk, desk.as_str()) {
        (false, d) => d.to_string(),
        (true, "GRO") => "SCA".to_string(),
        (true, _) => "GRO".to_string(),
    };
    let mut a = fields.received(id, &desk, revision);
    match tombstone {
        None => {}
        Some(true) => a.deleted = true,
        // a tombstone as another desk may send it: no fields, no codes
        Some(false) => {
            a = StoredAccess {
                deleted: true,
                hour: None,
                channel: None,
                nationality: None,
                sex: None,
                age_band: None,
                first_access: None,
                referred_by: None,
                reasons: vec![],
                permit: None,
                actions: vec![],
                accompaniment: None,
                mediation: None,
                ..a
            }
        }
    }
    (a, stored.is_some())
}

/// The accesses an import of `lines` writes at once: (new, replaced), each id once.
fn batch(
    conn: &Connection,
    received: &[String],
    lines: &[Line],
    new_id: &mut impl FnMut() -> String,
) -> (Vec<StoredAccess>, Vec<StoredAccess>) {
    let mut seen = std::collections::HashSet::new();
    let (mut new, mut replaced) = (vec![], vec![]);
    for (pick, fields, other_desk, tombstone) in lines {
        let (a, was_stored) = version(
            conn,
            received,
            *pick,
            fields,
            *other_desk,
            *tombstone,
            new_id,
        );
        if !seen.insert(a.id.clone()) {
            continue;
        }
        if was_stored {
            replaced.push(a);
        } else {
            new.push(a);
        }
    }
    (new, replaced)
}

/// The database the writes go to, and what the test remembers of it.
struct Register {
    store: Store,
    own: Vec<String>,
    received: Vec<String>,
    last: Option<LastSave>,
    next_id: u32,
}

impl Register {
    fn new() -> Register {
        let mut store = Store::open_in_memory().unwrap();
        let fol = desk::presets()
            .into_iter()
            .find(|d| d.code == "FOL")
            .unwrap();
        register::first_run(store.conn_mut(), &fol, "CT", now()).unwrap();
        for code in ["GRO", "SCA"] {
            desk::ensure_known(store.conn(), code, now().utc()).unwrap();
        }
        Register {
            store,
            own: vec![],
            received: vec![],
            last: None,
            next_id: 0,
        }
    }

    /// Applies `op`; a write the register refuses (a stale revision, a deleted access)
    /// changes nothing, which the counts must show too.
    fn apply(&mut self, op: &Op) {
        let Register {
            store,
            own,
            received,
            last,
            next_id,
        } = self;
        let conn = store.conn_mut();
        let mut new_id = || {
            *next_id += 1;
            format!("01860000-0000-7000-8000-{:012x}", *next_id)
        };
        match op {
            Op::Save { fields, count } => {
                let saved = register::save(conn, &fields.new_access(), *count, now()).unwrap();
                let saved: Vec<Saved> = saved
                    .accesses
                    .iter()
                    .map(|a| Saved {
                        id: a.id.clone(),
                        revision: a.revision,
                    })
                    .collect();
                own.extend(saved.iter().map(|s| s.id.clone()));
                *last = Some(LastSave::Recorded { accesses: saved });
            }
            Op::Correct { pick, fields } if !own.is_empty() => {
                let id = &own[pick % own.len()];
                let revision = accesses::get(conn, id).unwrap().revision;
                if let Ok(a) = register::correct(conn, id, revision, &fields.new_access(), now()) {
                    *last = Some(LastSave::Corrected {
                        access: Saved {
                            id: a.id,
                            revision: a.revision,
                        },
                    });
                }
            }
            Op::Delete { pick } if !own.is_empty() => {
                let id = &own[pick % own.len()];
                let revision = accesses::get(conn, id).unwrap().revision;
                let _refused_when_deleted = register::delete(conn, id, revision, now());
            }
            Op::Undo => {
                if let Some(l) = last.take() {
                    let _refused_when_moved_on = register::undo(conn, &l, now());
                }
            }
            Op::Import {
                pick,
                fields,
                other_desk,
                tombstone,
            } => {
                let (a, was_stored) = version(
                    conn,
                    received,
                    *pick,
                    fields,
                    *other_desk,
                    *tombstone,
                    &mut new_id,
                );
                let tx = conn.transaction().unwrap();
                stored::write_imported(&tx, &a, "2024-03-05T09:00:00Z").unwrap();
                tx.commit().unwrap();
                if !was_stored {
                    received.push(a.id);
                }
            }
            Op::ImportBatch { lines } => {
                let (new, replaced) = batch(conn, received, lines, &mut new_id);
                let tx = conn.transaction().unwrap();
                stored::write_received(&tx, &new, &replaced, "2024-03-05T09:00:00Z", None).unwrap();
                tx.commit().unwrap();
                received.extend(new.into_iter().map(|a| a.id));
            }
            Op::Bulk { fields } => {
                let rows: Vec<StoredAccess> = fields
                    .iter()
                    .map(|f| f.received(new_id(), "SCA", 1))
                    .collect();
                let tx = conn.transaction().unwrap();
                stored::insert_received(&tx, &rows, "2024-03-05T09:00:00Z").unwrap();
                tx.commit().unwrap();
                received.extend(rows.into_iter().map(|a| a.id));
            }
            Op::Correct { .. } | Op::Delete { .. } => {}
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn the_counts_equal_a_count_from_scratch_after_any_writes(ops in proptest::collection::vec(op(), 1..40)) {
        let mut register = Register::new();
        for (i, op) in ops.iter().enumerate() {
            register.apply(op);
            assert_exact(register.store.conn(), 2022..=2024, &format!("after write {i}, {op:?}"));
        }
    }
}

/// Every row of the tables an import writes, in order: the accesses, their codes and
/// the report's three count tables.
fn dump(conn: &Connection) -> Vec<String> {
    let mut out = vec![];
    for sql in [
        "SELECT id, desk, revision, deleted, date, hour, channel, nationality, sex, age_band,
                first_access, referred_by, permit, accompaniment, mediation, updated_at,
                change_seq FROM accesses ORDER BY id",
        "SELECT access_id, code FROM access_reasons ORDER BY 1, 2",
        "SELECT access_id, code FROM access_actions ORDER BY 1, 2",
        "SELECT * FROM access_counts ORDER BY 1, 2, 3, 4, 5, 6",
        "SELECT * FROM access_nationality_counts ORDER BY 1, 2, 3",
        "SELECT * FROM access_reason_counts ORDER BY 1, 2, 3",
    ] {
        let mut stmt = conn.prepare(sql).unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| {
                let cells: Vec<String> = (0..n)
                    .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).unwrap()))
                    .collect();
                Ok(cells.join("|"))
            })
            .unwrap();
        out.push(format!("-- {sql}"));
        out.extend(rows.map(Result::unwrap));
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// The import's bulk path (`write_received`) and its one-by-one path
    /// (`write_imported`, every trigger firing) leave the same database, counts included:
    /// reading the replaced versions itself, given them as the import's plan reads them,
    /// or given a list that does not match (then read again).
    #[test]
    fn the_bulk_import_path_stores_what_the_one_by_one_path_stores(
        first in proptest::collection::vec(line(), 1..12),
        second in proptest::collection::vec(line(), 1..16),
        drop_one in any::<bool>(),
    ) {
        let mut one = Register::new();
        let mut bulk = Register::new();
        let mut given = Register::new();
        let mut wrong = Register::new();
        for lines in [&first, &second] {
            // the same versions for all, drawn over the same stored records
            let mut next = one.next_id;
            let mut new_id = || {
                next += 1;
                format!("01860000-0000-7000-8000-{next:012x}")
            };
            let (new, replaced) = batch(one.store.conn(), &one.received, lines, &mut new_id);
            for reg in [&mut one, &mut bulk, &mut given, &mut wrong] {
                reg.next_id = next;
            }
            let tx = one.store.conn_mut().transaction().unwrap();
            for a in new.iter().chain(&replaced) {
                stored::write_imported(&tx, a, "2024-03-05T09:00:00Z").unwrap();
            }
            tx.commit().unwrap();
            let tx = bulk.store.conn_mut().transaction().unwrap();
            stored::write_received(&tx, &new, &replaced, "2024-03-05T09:00:00Z", None).unwrap();
            tx.commit().unwrap();
            // the stored versions as the plan's lookup reads them, in its own order
            let ids: Vec<&str> = replaced.iter().map(|a| a.id.as_str()).collect();
            for (reg, spoil) in [(&mut given, false), (&mut wrong, true)] {
                let tx = reg.store.conn_mut().transaction().unwrap();
                let mut known = vec![];
                stored::each_by_ids(&tx, &ids, |a| {
                    known.push(a.replaced()?);
                    Ok(())
                })
                .unwrap();
                prop_assert_eq!(known.len(), replaced.len());
                if spoil {
                    // one missing, or one of another id: not theirs, so read again
                    if drop_one || known.len() < 2 {
                        known.pop();
                    } else {
                        known[0].id = known[1].id.clone();
                    }
                }
                stored::write_received(&tx, &new, &replaced, "2024-03-05T09:00:00Z", Some(known))
                    .unwrap();
                tx.commit().unwrap();
            }
            for reg in [&mut one, &mut bulk, &mut given, &mut wrong] {
                reg.received.extend(new.iter().map(|a| a.id.clone()));
            }
            let expected = dump(one.store.conn());
            prop_assert_eq!(&expected, &dump(bulk.store.conn()));
            prop_assert_eq!(&expected, &dump(given.store.conn()));
            prop_assert_eq!(&expected, &dump(wrong.store.conn()));
            assert_exact(bulk.store.conn(), 2022..=2024, "after a bulk import");
            assert_exact(given.store.conn(), 2022..=2024, "after a bulk import given the stored versions");
        }
    }
}

/// A file database at schema version 4, as the release before the counts left it.
fn database_at_version_4(path: &Path) -> Connection {
    let conn = Connection::open(path).unwrap();
    conn.pragma_update(None, "foreign_keys", true).unwrap();
    for m in &MIGRATIONS[..4] {
        conn.execute_batch(m.sql).unwrap();
    }
    conn.execute_batch("PRAGMA user_version = 4").unwrap();
    conn
}

#[test]
fn migrating_a_database_that_holds_accesses_counts_them_all() {
    let dir = tempfile::tempdir().unwrap();
    // the same records twice: written before the counts existed, and after
    let (old, new) = (dir.path().join("old.db"), dir.path().join("new.db"));
    let later = Now::at(
        NaiveDate::from_ymd_opt(2026, 11, 29)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap(),
        1,
    );
    let fill = |conn: &mut Connection| {
        let options = demo::Options {
            year: 2023,
            scale: 1,
        };
        demo::fill(conn, options, later).unwrap();
        // tombstones, and accesses moved to another day, desk or channel
        for sql in [
            "UPDATE accesses SET deleted = 1 WHERE rowid % 17 = 0",
            "UPDATE accesses SET date = '2022-12-31' WHERE rowid % 23 = 0",
            "UPDATE accesses SET desk = 'SCA', channel = 'email' WHERE rowid % 29 = 0",
            "DELETE FROM access_reasons WHERE access_id IN
                 (SELECT id FROM accesses WHERE rowid % 31 = 0) AND code > 'd'",
        ] {
            assert!(
                conn.execute(sql, []).unwrap() > 0,
                "{sql} changes some rows"
            );
        }
    };
    {
        let mut conn = database_at_version_4(&old);
        fill(&mut conn);
    }
    let migrated = Store::open(&old, later.utc()).unwrap();
    assert!(
        migrated.backup_taken().is_some(),
        "a migration of a file with data backs it up first"
    );
    assert_exact(migrated.conn(), 2021..=2024, "migrated");

    let mut fresh = Store::open(&new, later.utc()).unwrap();
    fill(fresh.conn_mut());
    assert_exact(fresh.conn(), 2021..=2024, "counted as written");
    for desk in [None, Some("GRO"), Some("SCA")] {
        assert_eq!(
            report::yearly(migrated.conn(), 2023, desk).unwrap(),
            report::yearly(fresh.conn(), 2023, desk).unwrap(),
            "the same report from counts filled by the migration and by the triggers"
        );
    }
}

fn live_row(store: &Store, id: &str, date: &str) {
    store
        .conn()
        .execute(
            "INSERT INTO accesses (id, desk, revision, deleted, date, hour, channel, nationality,
                 sex, age_band, first_access, referred_by, permit, accompaniment, mediation,
                 created_at, updated_at)
             VALUES (?1, 'GRO', 1, 0, ?2, 10, 'telefono', 'MA', 'femmina', '30-39', 1,
                 'comune', 'famiglia', 0, 0, 't', 't')",
            params![id, date],
        )
        .unwrap();
    for code in ["casa", "lavoro"] {
        store
            .conn()
            .execute(
                "INSERT INTO access_reasons (access_id, code) VALUES (?1, ?2)",
                params![id, code],
            )
            .unwrap();
    }
}

#[test]
fn a_row_removed_or_a_desk_renamed_keeps_the_counts_exact() {
    let store = Store::open_in_memory().unwrap();
    desk::ensure_known(store.conn(), "GRO", now().utc()).unwrap();
    live_row(&store, "a1", "2023-05-02");
    live_row(&store, "a2", "2023-05-02");
    live_row(&store, "a3", "2023-05-03");
    assert_exact(store.conn(), 2023..=2023, "written");
    // the foreign key's cascade removes the reasons after the row's trigger counted
    // them out: they must not be counted out twice
    store
        .conn()
        .execute("DELETE FROM accesses WHERE id = 'a1'", [])
        .unwrap();
    assert_exact(store.conn(), 2023..=2023, "a row removed");
    store
        .conn()
        .execute("UPDATE access_reasons SET code = 'cittadinanza' WHERE access_id = 'a2' AND code = 'casa'", [])
        .unwrap();
    assert_exact(store.conn(), 2023..=2023, "a reason rewritten");
    store
        .conn()
        .execute("UPDATE desks SET code = 'GRX' WHERE code = 'GRO'", [])
        .unwrap();
    let gro = Scope::year(2023, Some("GRX")).unwrap();
    assert_eq!(
        figures::reasons(store.conn(), &gro).unwrap().len(),
        3,
        "the counts follow the desk's new code"
    );
    assert_exact(store.conn(), 2023..=2023, "a desk renamed");
}

#[test]
fn days_and_years_come_from_live_accesses_only() {
    let mut register = Register::new();
    let day = |s: &str| -> NaiveDate { s.parse().unwrap() };
    assert_eq!(figures::year_range(register.store.conn()).unwrap(), None);
    let fields = Fields {
        date: 1,
        channel: 0,
        nationality: 0,
        sex: 0,
        age: 0,
        first: true,
        reasons: 1,
    };
    register.apply(&Op::Save {
        fields: fields.clone(),
        count: 2,
    });
    register.apply(&Op::Save {
        fields: Fields { date: 4, ..fields },
        count: 1,
    });
    register.apply(&Op::Undo);
    let conn = register.store.conn();
    assert_eq!(
        figures::year_range(conn).unwrap(),
        Some((2023, 2023)),
        "the undone 2024 access is withdrawn"
    );
    assert_eq!(
        figures::days_with_accesses(conn, day("2023-01-01"), day("2023-01-01") + Days::new(400))
            .unwrap(),
        vec![("FOL".to_string(), day("2023-01-01"))]
    );
}
