//! Received accesses written many at a time: a batch of an import replaces or adds its
//! rows set-wise, keeping the report's counts exact without the per-row triggers, and
//! new records go in multi-row inserts.

use rusqlite::ToSql;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, params_from_iter};

use super::*;

/// The triggers that keep the report's counts (migration 0005) on the tables an
/// import writes: [`write_received`] does their work itself, set-wise, and only while
/// these are all the triggers there are.
const COUNT_TRIGGERS: [&str; 6] = [
    "access_reasons_counts_delete",
    "access_reasons_counts_insert",
    "access_reasons_counts_update",
    "accesses_counts_delete",
    "accesses_counts_insert",
    "accesses_counts_update",
];

/// Writes many accesses received from another desk in one go, inside the caller's
/// transaction: `new` ones added as [`insert_received`] adds them (their ids not
/// stored), `replaced` ones as [`replace_received`] replaces them (their ids stored).
///
/// The report's counts (migration 0005) come out exactly as the triggers would leave
/// them, but are kept set-wise rather than row by row: the stored versions of these
/// accesses are counted out, the rows written with the connection's triggers switched
/// off, the written versions counted in, and the counts brought to zero removed; the
/// sums are the same as the triggers' one step per row, at a fraction of the cost. Done
/// so only while the triggers on these tables are the counting ones
/// ([`COUNT_TRIGGERS`]); with any other trigger there, the rows are written with every
/// trigger firing.
pub fn write_received(
    conn: &Connection,
    new: &[StoredAccess],
    replaced: &[StoredAccess],
    updated_at: &str,
    known: Option<Vec<Replaced>>,
) -> Result<()> {
    if new.is_empty() && replaced.is_empty() {
        return Ok(());
    }
    let mut triggers: Vec<String> = conn
        .prepare_cached(
            "SELECT name FROM sqlite_schema WHERE type = 'trigger'
               AND tbl_name IN ('accesses', 'access_reasons', 'access_actions')
             UNION ALL
             SELECT name FROM sqlite_temp_schema WHERE type = 'trigger'",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    triggers.sort();
    if triggers != COUNT_TRIGGERS {
        insert_received(conn, new, updated_at)?;
        return replace_received(conn, replaced, updated_at);
    }
    let mut rewrite = Rewrite::default();
    if !replaced.is_empty() {
        let mut sorted: Vec<&StoredAccess> = replaced.iter().collect();
        sorted.sort_unstable_by(|a, b| a.id.cmp(&b.id));
        // the stored versions of the replaced accesses (new ones are not stored): as the
        // caller read them, when it gives one for each, else read here
        let stored = match known {
            Some(mut known) if known.len() == sorted.len() => {
                known.sort_unstable_by(|a, b| a.id.cmp(&b.id));
                if known.iter().zip(&sorted).all(|(k, a)| k.id == a.id) {
                    known
                } else {
                    read_replaced(conn, &sorted)?
                }
            }
            _ => read_replaced(conn, &sorted)?,
        };
        rewrite = count_out(conn, &sorted, stored)?;
    }
    let triggers_off = TriggersOff::new(conn)?;
    // the written versions summed for the counts while the rows are written
    let (counts, written) = alongside(
        new.len() + replaced.len(),
        || Counts::of(new.iter().chain(replaced), 1),
        || {
            insert_received(conn, new, updated_at)
                .and_then(|()| super::replace_rows(conn, replaced, updated_at, Some(&rewrite)))
        },
    );
    triggers_off.restore()?;
    written?;
    counts.add(conn)?;
    conn.execute_batch(
        "DELETE FROM access_counts WHERE count = 0;
         DELETE FROM access_nationality_counts WHERE count = 0;
         DELETE FROM access_reason_counts WHERE count = 0;",
    )?;
    Ok(())
}

/// The connection's triggers switched off until [`TriggersOff::restore`], or until
/// dropped (a panic on the way must not leave a connection that lives on, the app's,
/// writing without its counting triggers).
struct TriggersOff<'c> {
    conn: &'c Connection,
    enabled: bool,
}

impl<'c> TriggersOff<'c> {
    fn new(conn: &'c Connection) -> Result<Self> {
        let enabled = conn.db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER)?;
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false)?;
        Ok(TriggersOff { conn, enabled })
    }

    fn restore(&self) -> Result<()> {
        self.conn
            .set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, self.enabled)?;
        Ok(())
    }
}

impl Drop for TriggersOff<'_> {
    fn drop(&mut self) {
        let _ = self.restore();
    }
}

/// What the counting triggers (migration 0005) add or take for many accesses, summed
/// per key of the three tables of counts.
#[derive(Default)]
struct Counts<'a> {
    counts: foldhash::HashMap<(String, &'a str, &'a str, &'a str, &'a str, bool), i64>,
    nationalities: foldhash::HashMap<(String, &'a str, &'a str), i64>,
    reasons: foldhash::HashMap<(String, &'a str, &'a str), i64>,
}

impl<'a> Counts<'a> {
    /// `step` (1 or -1) times the live ones of `accesses`.
    fn of(accesses: impl Iterator<Item = &'a StoredAccess>, step: i64) -> Self {
        let mut sums = Counts::default();
        // a live access has every characteristic (the table's CHECK)
        let text = |v: &'a Option<String>| v.as_deref().unwrap_or_default();
        for a in accesses.filter(|a| !a.deleted) {
            let text_date = DateText::of(a.date);
            let date = text_date.as_str().to_string();
            let month = date[..7].to_string();
            let key = (
                month.clone(),
                a.desk.as_str(),
                text(&a.channel),
                text(&a.sex),
                text(&a.age_band),
                a.first_access.unwrap_or_default(),
            );
            *sums.counts.entry(key).or_default() += step;
            *sums
                .nationalities
                .entry((date, a.desk.as_str(), text(&a.nationality)))
                .or_default() += step;
            for code in &a.reasons {
                *sums
                    .reasons
                    .entry((month.clone(), a.desk.as_str(), code.as_str()))
                    .or_default() += step;
            }
        }
        sums
    }

    /// Adds the sums to the tables, one upsert per key.
    fn add(&self, conn: &Connection) -> Result<()> {
        // `INSERT INTO {into} VALUES (?...)` adding to the count of a key already there
        fn upsert<'k, K: 'k>(
            conn: &Connection,
            into: &str,
            sums: impl Iterator<Item = (&'k K, &'k i64)>,
            row: impl Fn(&'k K, &'k i64) -> Vec<&'k dyn ToSql>,
        ) -> Result<()> {
            let mut sums = sums.peekable();
            let Some((k, n)) = sums.peek() else {
                return Ok(());
            };
            let marks = vec!["?"; row(k, n).len()].join(", ");
            let mut stmt = conn.prepare_cached(&format!(
                "INSERT INTO {into} VALUES ({marks})
                 ON CONFLICT DO UPDATE SET count = count + excluded.count"
            ))?;
            for (k, n) in sums {
                stmt.execute(&*row(k, n))?;
            }
            Ok(())
        }
        upsert(
            conn,
            "access_counts (month, desk, channel, sex, age_band, first_access, count)",
            self.counts.iter(),
            |(month, desk, channel, sex, age_band, first), n| {
                vec![month, desk, channel, sex, age_band, first, n]
            },
        )?;
        upsert(
            conn,
            "access_nationality_counts (date, desk, nationality, count)",
            self.nationalities.iter(),
            |(date, desk, nationality), n| vec![date, desk, nationality, n],
        )?;
        upsert(
            conn,
            "access_reason_counts (month, desk, reason, count)",
            self.reasons.iter(),
            |(month, desk, reason), n| vec![month, desk, reason, n],
        )
    }
}

/// Runs `side` on another thread while `main` runs here, when the accesses are
/// `many` ([`ALONGSIDE`] or more); else one after the other. A panic of `side` goes on
/// here.
fn alongside<S: Send, M>(
    many: usize,
    side: impl FnOnce() -> S + Send,
    main: impl FnOnce() -> M,
) -> (S, M) {
    if many < ALONGSIDE {
        let m = main();
        return (side(), m);
    }
    std::thread::scope(|s| {
        let side = s.spawn(side);
        let m = main();
        let side = side
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (side, m)
    })
}

/// From how many accesses [`alongside`] starts another thread: below it, starting the
/// thread costs more than it saves.
const ALONGSIDE: usize = 4096;

/// A stored access about to be replaced by an import, as the report's counts and the
/// rewrite of its codes need it: what is taken out of the counts, and what tells which
/// of its columns and codes change. Read by [`write_received`] itself, or handed to it
/// by a caller that read the same rows in the same transaction (or provably with
/// nothing written since): the import's plan reads every stored copy of a file already.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replaced {
    pub id: String,
    pub deleted: bool,
    /// As stored (`YYYY-MM-DD`).
    pub date: String,
    pub desk: String,
    pub channel: Option<String>,
    pub sex: Option<String>,
    pub age_band: Option<String>,
    pub first_access: Option<bool>,
    pub nationality: Option<String>,
    /// In code order (byte order), as the table's key keeps them.
    pub reasons: Vec<String>,
    /// In code order.
    pub actions: Vec<String>,
}

/// The stored versions of `accesses` that are stored, in id order, read as the import's
/// plan reads them ([`lookup::each_by_ids`]).
fn read_replaced(conn: &Connection, accesses: &[&StoredAccess]) -> Result<Vec<Replaced>> {
    let ids: Vec<&str> = accesses.iter().map(|a| a.id.as_str()).collect();
    let mut stored = Vec::with_capacity(accesses.len());
    lookup::each_by_ids(conn, &ids, |a| {
        stored.push(a.replaced()?);
        Ok(())
    })?;
    // in id order (the lookup reads in no promised order)
    stored.sort_unstable_by(|a, b| a.id.cmp(&b.id));
    Ok(stored)
}

/// Takes the live ones of `stored` (the stored versions of the accesses to replace, in
/// id order) out of the report's counts: what the counting triggers take out for each
/// row replaced, summed. `replacing` are the accesses to be written over them, in id
/// order; the answer says which of them are to be written beyond their other columns
/// ([`Rewrite`]), compared with what is stored, live or deleted.
fn count_out<'a>(
    conn: &Connection,
    replacing: &[&'a StoredAccess],
    stored: Vec<Replaced>,
) -> Result<Rewrite<'a>> {
    let mut live = Vec::with_capacity(stored.len());
    let mut rewrite = Rewrite::default();
    let mut next = replacing.iter().copied().peekable();
    for r in stored {
        // the accesses with no stored row before this one are not stored at all
        while let Some(a) = next.next_if(|a| a.id < r.id) {
            rewrite.all(a);
        }
        while let Some(a) = next.next_if(|a| a.id == r.id) {
            if a.desk != r.desk || DateText::of(a.date).as_str() != r.date {
                rewrite.moved.push(a);
            }
            if !same_codes(&a.reasons, &r.reasons) {
                rewrite.reasons.push(a);
            }
            if !same_codes(&a.actions, &r.actions) {
                rewrite.actions.push(a);
            }
            if a.deleted != r.deleted {
                rewrite.flag_changes.push(a);
            }
        }
        if r.deleted {
            continue;
        }
        live.push(StoredAccess {
            id: String::new(),
            desk: r.desk,
            revision: 0,
            deleted: false,
            date: r.date.parse().map_err(|_| {
                Error::invalid("date", format!("stored date '{}' is not a date", r.date))
            })?,
            hour: None,
            channel: r.channel,
            nationality: r.nationality,
            sex: r.sex,
            age_band: r.age_band,
            first_access: r.first_access,
            referred_by: None,
            reasons: r.reasons,
            permit: None,
            actions: vec![],
            accompaniment: None,
            mediation: None,
            change_seq: None,
        });
    }
    next.for_each(|a| rewrite.all(a));
    Counts::of(live.iter(), -1).add(conn)?;
    Ok(rewrite)
}

/// Whether writing `codes` over the `stored` ones (sorted, each once, as a table of
/// codes holds them) would leave them as they are: the same codes, each once.
fn same_codes(codes: &[String], stored: &[String]) -> bool {
    codes.len() == stored.len() && {
        let mut sorted: Vec<&String> = codes.iter().collect();
        sorted.sort_unstable();
        // a code twice is refused by the table's key: written, it fails as it should
        sorted.windows(2).all(|w| w[0] != w[1]) && sorted.iter().zip(stored).all(|(a, b)| *a == b)
    }
}

/// `DELETE FROM {table} WHERE access_id IN (...)` for `ids`, [`BULK_ROWS`] a statement.
pub(super) fn delete_batched(
    conn: &Connection,
    table: &str,
    ids: &[[&dyn ToSql; 1]],
) -> Result<()> {
    let sql = |n: usize| {
        format!(
            "DELETE FROM {table} WHERE access_id IN ({})",
            vec!["?"; n].join(", ")
        )
    };
    let mut batches = ids.chunks_exact(BULK_ROWS);
    if batches.len() > 0 {
        let mut stmt = conn.prepare_cached(&sql(BULK_ROWS))?;
        for batch in &mut batches {
            stmt.execute(params_from_iter(batch.iter().flatten()))?;
        }
    }
    let mut stmt = conn.prepare_cached(&sql(1))?;
    for one in batches.remainder() {
        stmt.execute(params_from_iter(one.iter()))?;
    }
    Ok(())
}

/// Adds many accesses received from another desk at once, with their codes, all
/// stamped `updated_at`; like [`write_imported`], with no change number. Every id must
/// be new (a stored one is an error): it is the bulk path of a first load, so it
/// neither clears nor replaces codes, and writes [`BULK_ROWS`] rows a statement (the
/// access rows one a statement while the connection's triggers are switched off): the
/// rows first, then their reasons, then their actions. Runs inside the caller's
/// transaction, which decides what is written together.
pub fn insert_received(
    conn: &Connection,
    accesses: &[StoredAccess],
    updated_at: &str,
) -> Result<()> {
    if accesses.is_empty() {
        return Ok(());
    }
    let into = "accesses (id, desk, revision, deleted, date, hour, channel, nationality, sex,
            age_band, first_access, referred_by, permit, accompaniment, mediation,
            created_at, updated_at)";
    // the row's values, then created_at and updated_at
    fn values<'a>(a: &'a StoredAccess, date: &'a DateText, at: &'a &str) -> [&'a dyn ToSql; 17] {
        let row = row_values(a, date);
        std::array::from_fn(|i| row.get(i).copied().unwrap_or(at))
    }
    let rows = || -> Result<()> {
        if conn.db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER)? {
            for batch in accesses.chunks(BULK_ROWS) {
                let dates: Vec<DateText> = batch.iter().map(|a| DateText::of(a.date)).collect();
                let rows: Vec<[&dyn ToSql; 17]> = batch
                    .iter()
                    .zip(&dates)
                    .map(|(a, d)| values(a, d, &updated_at))
                    .collect();
                insert_batched(conn, into, &rows)?;
            }
        } else {
            // no trigger can fire: a statement of one row needs no copy of the pages it
            // changes (a statement of many keeps one, to be undone alone if a row fails,
            // and the rows' dates scatter them over the desk and date index)
            let mut stmt = conn.prepare_cached(&format!(
                "INSERT INTO {into} VALUES ({})",
                vec!["?"; 17].join(", ")
            ))?;
            for a in accesses {
                let date = DateText::of(a.date);
                stmt.execute(params_from_iter(values(a, &date, &updated_at)))?;
            }
        }
        Ok(())
    };
    let all: Vec<&StoredAccess> = accesses.iter().collect();
    insert_code_rows(conn, &all, &all, rows)
}

/// Runs `meanwhile` (the writes of the access rows), then inserts the reasons of
/// `reasons` and the actions of `actions`, [`BULK_ROWS`] rows a statement, in the order
/// of their tables' keys (access id, code): both tables are `WITHOUT ROWID`, so the
/// order changes nothing they hold, and rows in key order go in side by side in the
/// tree's pages instead of one page each. For many accesses the code rows are put in
/// that order on another thread while `meanwhile` runs (the import of a large file
/// spends a tenth of its time on it otherwise).
pub(super) fn insert_code_rows(
    conn: &Connection,
    reasons: &[&StoredAccess],
    actions: &[&StoredAccess],
    meanwhile: impl FnOnce() -> Result<()>,
) -> Result<()> {
    let prepare = || {
        (
            CodeRows::of(reasons, |a| &a.reasons),
            CodeRows::of(actions, |a| &a.actions),
        )
    };
    let ((reasons, actions), written) =
        alongside(reasons.len().max(actions.len()), prepare, meanwhile);
    written?;
    reasons.insert(conn, "access_reasons (access_id, code)")?;
    actions.insert(conn, "access_actions (access_id, code)")
}

/// The code rows of one table, put in key order away from the accesses: their ids
/// copied side by side into one buffer, in the order given (the order they lie in
/// memory, so reading them is a walk), and their codes as ranks among the few distinct
/// codes there are. Sorting and binding then read that buffer, instead of jumping
/// through two pointers to another place of a large heap for every row.
struct CodeRows<'a> {
    /// The distinct codes in byte order: a code's rank orders as the code does.
    names: Vec<&'a str>,
    ids: String,
    /// Where the id starts and ends in `ids`, the code's rank; in key order.
    rows: Vec<(u32, u32, u32)>,
}

impl<'a> CodeRows<'a> {
    fn of(accesses: &[&'a StoredAccess], codes: fn(&StoredAccess) -> &Vec<String>) -> Self {
        use foldhash::{HashMap, HashSet};
        let distinct: HashSet<&str> = accesses
            .iter()
            .flat_map(|a| codes(a).iter().map(String::as_str))
            .collect();
        let mut names: Vec<&str> = distinct.into_iter().collect();
        names.sort_unstable();
        let rank: HashMap<&str, u32> = names.iter().zip(0..).map(|(n, i)| (*n, i)).collect();
        let mut ids = String::with_capacity(accesses.iter().map(|a| a.id.len()).sum());
        let mut rows: Vec<(u32, u32, u32)> = Vec::new();
        for a in accesses {
            let start = ids.len() as u32;
            ids.push_str(&a.id);
            let end = ids.len() as u32;
            rows.extend(codes(a).iter().map(|c| (start, end, rank[c.as_str()])));
        }
        let id = |r: &(u32, u32, u32)| &ids[r.0 as usize..r.1 as usize];
        rows.sort_unstable_by(|x, y| id(x).cmp(id(y)).then(x.2.cmp(&y.2)));
        CodeRows { names, ids, rows }
    }

    fn id(&self, r: &(u32, u32, u32)) -> &str {
        &self.ids[r.0 as usize..r.1 as usize]
    }

    /// Inserts the rows into `into`, bound a batch at a time (they are many: a million
    /// for a large file).
    fn insert(&self, conn: &Connection, into: &str) -> Result<()> {
        for batch in self.rows.chunks(BULK_ROWS) {
            let values: Vec<(&str, &str)> = batch
                .iter()
                .map(|r| (self.id(r), self.names[r.2 as usize]))
                .collect();
            let params: Vec<[&dyn ToSql; 2]> = values
                .iter()
                .map(|(id, code)| [id as &dyn ToSql, code])
                .collect();
            insert_batched(conn, into, &params)?;
        }
        Ok(())
    }
}

/// How many rows one statement of [`insert_received`] writes. A write that fires
/// triggers (the report's counts) has SQLite keep a copy of every page it changes, so
/// that the statement alone can be undone: one statement of many rows copies each page
/// once, not once per row.
pub const BULK_ROWS: usize = 256;

/// `INSERT INTO {into} VALUES ...` for `rows`: [`BULK_ROWS`] rows a statement, the last
/// ones one a statement (two statements to prepare, whatever the number of rows).
pub(super) fn insert_batched<const N: usize>(
    conn: &Connection,
    into: &str,
    rows: &[[&dyn ToSql; N]],
) -> Result<()> {
    let row = format!("({})", vec!["?"; N].join(", "));
    let mut batches = rows.chunks_exact(BULK_ROWS);
    if batches.len() > 0 {
        let sql = format!(
            "INSERT INTO {into} VALUES {}",
            vec![row.as_str(); BULK_ROWS].join(", ")
        );
        let mut stmt = conn.prepare_cached(&sql)?;
        for batch in &mut batches {
            stmt.execute(params_from_iter(batch.iter().flatten()))?;
        }
    }
    let mut stmt = conn.prepare_cached(&format!("INSERT INTO {into} VALUES {row}"))?;
    for one in batches.remainder() {
        stmt.execute(params_from_iter(one.iter()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_triggers_come_back_on_when_the_guard_is_dropped_or_restored() {
        let conn = Connection::open_in_memory().unwrap();
        let on = |c: &Connection| {
            c.db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER)
                .unwrap()
        };
        assert!(on(&conn));
        let off = TriggersOff::new(&conn).unwrap();
        assert!(!on(&conn));
        // as on a panic's way out
        drop(off);
        assert!(on(&conn), "dropped: back on");
        let off = TriggersOff::new(&conn).unwrap();
        off.restore().unwrap();
        assert!(on(&conn));
        drop(off);
        // a connection whose triggers were off stays so
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false)
            .unwrap();
        drop(TriggersOff::new(&conn).unwrap());
        assert!(!on(&conn));
    }

    #[test]
    fn work_alongside_gives_both_results_and_a_panic_of_the_side_goes_on() {
        for many in [1, ALONGSIDE] {
            let (side, main) = alongside(many, || 2 + 2, || "main");
            assert_eq!((side, main), (4, "main"));
        }
        let panicked =
            std::panic::catch_unwind(|| alongside(ALONGSIDE, || -> u8 { panic!("side") }, || ()));
        assert!(panicked.is_err());
    }
}
