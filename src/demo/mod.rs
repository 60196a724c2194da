//! Demo data: a database filled with synthetic, anonymous records of the desks GRO,
//! FOL and SCA, to try the app, show the report, and measure it.
//!
//! It only ever fills a database that holds no record: one with any access or case,
//! even deleted, is refused, so demo records can never mix with real ones. The
//! records are written as the coordinator's database holds the desks' exports: with
//! no change number, like imported records. So a demo database never exports them,
//! not even those of GRO, which becomes the own desk when none is set yet.
//!
//! Deterministic: each desk-year draws from its own seeded ChaCha8 stream
//! (`random`), so the same command gives the same database. For
//! [`SEED_YEAR`] (2023) the yearly report reproduces the activity report's tables
//! exactly: accesses by channel group and accompaniment cases of Grosseto and
//! Follonica, and Follonica's prevalent sex and leading nationalities. Those figures
//! are fixed before anything is drawn (`profile`); the draws only decide who came
//! when. Other years get a similar volume, within a tenth either way. `scale`
//! multiplies every figure, for benchmarks.
//!
//! A demo database says so: [`fill`] marks it first, the app shows DEMO in its header,
//! and it neither exports nor imports files ([`refuse_in_demo`]), so made-up records
//! never reach the coordinator and real ones never enter it. The app's "try with demo
//! data" opens one beside its real database ([`open_beside`]), never the real one.
//!
//! Each desk-year is written in one transaction, through the bulk writes of the tables'
//! owners ([`crate::register::stored::insert_received`] and
//! [`crate::cases::stored::write_imported`]): no SQL on those tables here.

mod accesses;
mod cases;
mod profile;
mod random;

use std::path::{Path, PathBuf};

use chrono::{Datelike, NaiveDate};
use rusqlite::Connection;
use serde::Serialize;

use crate::store::settings;
use crate::{Error, Now, Result, Store, desk, ids, limits};

/// The year whose report the demo reproduces exactly: the seed activity report's.
pub const SEED_YEAR: i32 = 2023;

/// The largest `scale` accepted (about 11 million accesses).
pub const MAX_SCALE: u32 = 1000;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The year of the accesses (cases also reach into the two years before).
    pub year: i32,
    /// How many times the volume of a year (1 = as the desks really work).
    pub scale: u32,
}

/// What was written for one desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Written {
    pub desk: String,
    /// Whether it is this database's own desk.
    pub own: bool,
    pub front_desk: u64,
    pub phone_mail: u64,
    /// Full cases: all of them, and those opened in the years before.
    pub full_cases: u64,
    pub carried_in: u64,
    pub fast_cases: u64,
}

/// The setting that marks a demo database; its value is the year first filled.
const MARK: &str = "demo_database";

/// Whether the database was filled with demo records.
pub fn is_demo(conn: &Connection) -> Result<bool> {
    Ok(settings::get(conn, MARK)?.is_some())
}

/// Refuses `what` (`"export"`, `"import"`) on a demo database: its records are made up.
pub fn refuse_in_demo(conn: &Connection, what: &'static str) -> Result<()> {
    if is_demo(conn)? {
        return Err(Error::DemoDatabase { what });
    }
    Ok(())
}

/// The demo database that goes with the database at `real`: in the same folder,
/// `<name>-demo.<extension>` (`sportello.db` gives `sportello-demo.db`).
pub fn path_beside(real: &Path) -> PathBuf {
    let stem = real
        .file_stem()
        .map_or_else(|| "sportello".into(), |s| s.to_string_lossy().into_owned());
    let name = match real.extension() {
        Some(ext) => format!("{stem}-demo.{}", ext.to_string_lossy()),
        None => format!("{stem}-demo"),
    };
    real.with_file_name(name)
}

/// Opens the demo database beside `real` ([`path_beside`]); the first time, it is
/// created and filled with [`SEED_YEAR`], whose report is the activity report's. A
/// file at that name that holds records but is not a demo database is refused, never
/// filled.
pub fn open_beside(real: &Path, now: Now) -> Result<Store> {
    let path = path_beside(real);
    let mut store = Store::open(&path, now.utc())?;
    if !is_demo(store.conn())? {
        let options = Options {
            year: SEED_YEAR,
            scale: 1,
        };
        fill(store.conn_mut(), options, now)?;
    }
    Ok(store)
}

/// Refuses a database that holds any access or case, naming what it found.
fn check_empty(conn: &Connection) -> Result<()> {
    let accesses = crate::register::stored::count_all(conn)?;
    let cases = crate::cases::stored::count_all(conn)?;
    if accesses > 0 || cases > 0 {
        return Err(Error::Conflict(format!(
            "this database already holds {accesses} access(es) and {cases} case(s): \
             demo data goes only into a new database (pass --db with a new file name)"
        )));
    }
    Ok(())
}

/// The figures of a desk-year: the seed's for [`SEED_YEAR`], a similar year otherwise
/// (within 10% either way, in proportion to the part of the year covered), times
/// `scale`.
fn figures(
    draw: &mut random::Draw,
    base: &profile::Profile,
    options: Options,
    covered: f64,
) -> (accesses::Volume, profile::CaseFigures) {
    let scale = u64::from(options.scale);
    let c = base.cases;
    if options.year == SEED_YEAR {
        let volume = accesses::Volume {
            front_desk: base.front_desk * scale,
            phone_mail: base.phone_mail * scale,
            full_cases: c.opened * scale,
            fast_cases: c.fast * scale,
        };
        let cases = profile::CaseFigures {
            carried_in: c.carried_in * scale,
            opened: c.opened * scale,
            archived: c.archived * scale,
            fast: c.fast * scale,
        };
        return (volume, cases);
    }
    let factor = (90 + draw.below(21)) as f64 / 100.0 * covered;
    let vary = |n: u64| (n as f64 * factor).round() as u64 * scale;
    let opened = vary(c.opened);
    let carried_in = c.carried_in * scale;
    let pending = (draw.below(3) + 1) * scale;
    let cases = profile::CaseFigures {
        carried_in,
        opened,
        archived: (carried_in + opened).saturating_sub(pending),
        fast: vary(c.fast),
    };
    let volume = accesses::Volume {
        front_desk: vary(base.front_desk),
        phone_mail: vary(base.phone_mail),
        full_cases: cases.opened,
        fast_cases: cases.fast,
    };
    (volume, cases)
}

/// Fills an empty database with the demo records of `options.year` for GRO, FOL and
/// SCA, one transaction per desk, and says what it wrote per desk. GRO becomes the own
/// desk when none is set. A year still running is filled up to `now`'s day; a later
/// year is refused, as is a database that holds any record.
pub fn fill(conn: &mut Connection, options: Options, now: Now) -> Result<Vec<Written>> {
    limits::check_year(options.year, "year")?;
    let today = now.today();
    if options.year > today.year() {
        return Err(Error::invalid(
            "year",
            format!(
                "{} has not started yet: pick a past year, e.g. {SEED_YEAR}",
                options.year
            ),
        ));
    }
    if !(1..=MAX_SCALE).contains(&options.scale) {
        return Err(Error::invalid(
            "scale",
            format!("the scale is 1 to {MAX_SCALE}, not {}", options.scale),
        ));
    }
    check_empty(conn)?;
    // marked before anything is written: even a fill cut short is no real database
    settings::set(conn, MARK, &options.year.to_string())?;
    let year_end = NaiveDate::from_ymd_opt(options.year, 12, 31).expect("31 December exists");
    let last_day = year_end.min(today);
    let covered = f64::from(last_day.ordinal()) / f64::from(year_end.ordinal());
    // the stamp of a merged year: the morning after it, or now for the running year
    let written_at = if last_day < today {
        ids::timestamp(
            (last_day + chrono::Days::new(1))
                .and_hms_opt(8, 0, 0)
                .expect("08:00 exists")
                .and_utc(),
        )
    } else {
        ids::timestamp(now.utc())
    };
    let own = desk::own(conn)?.map(|d| d.code);
    let mut written = Vec::new();
    for (base, preset) in profile::profiles().iter().zip(desk::presets()) {
        debug_assert_eq!(base.code, preset.code);
        let mut draw = random::Draw::new(options.year, base.code);
        let (volume, case_figures) = figures(&mut draw, base, options, covered);
        let tx = conn.transaction()?;
        let is_own = match &own {
            Some(code) => code == base.code,
            None if base.code == "GRO" => {
                desk::set_own_in(&tx, &preset, now.utc())?;
                true
            }
            None => false,
        };
        desk::ensure_known(&tx, base.code, now.utc())?;
        let slots = accesses::slots(&preset.front_office, options.year, last_day);
        let opened = accesses::write(&tx, &mut draw, base, &volume, &slots, &written_at)?;
        let cases = cases::build(
            &mut draw,
            base.code,
            options.year,
            last_day,
            &case_figures,
            &opened,
        );
        for c in &cases {
            crate::cases::stored::write_imported(&tx, c, &written_at)?;
        }
        tx.commit()?;
        let full = cases
            .iter()
            .filter(|c| c.case_type == Some(crate::cases::CaseType::Full))
            .count() as u64;
        written.push(Written {
            desk: base.code.to_string(),
            own: is_own,
            front_desk: volume.front_desk,
            phone_mail: volume.phone_mail,
            full_cases: full,
            carried_in: case_figures.carried_in,
            fast_cases: cases.len() as u64 - full,
        });
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Store;

    fn now() -> Now {
        Now::at(
            NaiveDate::from_ymd_opt(2026, 11, 29)
                .unwrap()
                .and_hms_opt(10, 0, 0)
                .unwrap(),
            1,
        )
    }

    #[test]
    fn another_year_is_of_similar_volume_and_a_running_year_stops_today() {
        let mut store = Store::open_in_memory().unwrap();
        let w = fill(
            store.conn_mut(),
            Options {
                year: 2022,
                scale: 1,
            },
            now(),
        )
        .unwrap();
        let gro = w[0].front_desk + w[0].phone_mail;
        assert!((8600..=10700).contains(&gro), "GRO 2022: {gro}");
        assert!(w[0].own && !w[1].own);

        let mut store = Store::open_in_memory().unwrap();
        let w = fill(
            store.conn_mut(),
            Options {
                year: 2026,
                scale: 1,
            },
            now(),
        )
        .unwrap();
        let fol = w[1].front_desk + w[1].phone_mail;
        assert!(fol < 1427, "eleven months of 2026: {fol}");
    }

    #[test]
    fn the_demo_database_lies_beside_the_real_one_and_is_marked() {
        assert_eq!(
            path_beside(Path::new("/data/sportello.db")),
            Path::new("/data/sportello-demo.db")
        );
        assert_eq!(path_beside(Path::new("db")), Path::new("db-demo"));

        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("sportello.db");
        let real_store = Store::open(&real, now().utc()).unwrap();
        let demo = open_beside(&real, now()).unwrap();
        assert_eq!(
            demo.path(),
            Some(dir.path().join("sportello-demo.db").as_path())
        );
        assert!(is_demo(demo.conn()).unwrap());
        let filled = crate::register::stored::count_all(demo.conn()).unwrap();
        let mut reference = Store::open_in_memory().unwrap();
        let options = Options {
            year: SEED_YEAR,
            scale: 1,
        };
        fill(reference.conn_mut(), options, now()).unwrap();
        let expected = crate::register::stored::count_all(reference.conn()).unwrap();
        assert_eq!(filled, expected, "the 2023 demo");
        assert!(
            filled > 4603 + 5054 + 976 + 451,
            "GRO, FOL and SCA: {filled}"
        );
        // the real database is untouched and not marked
        assert!(!is_demo(real_store.conn()).unwrap());
        assert_eq!(
            crate::register::stored::count_all(real_store.conn()).unwrap(),
            0
        );
        // opened again, it is the same database, not filled twice
        drop(demo);
        let again = open_beside(&real, now()).unwrap();
        assert_eq!(
            crate::register::stored::count_all(again.conn()).unwrap(),
            filled
        );

        let err = refuse_in_demo(again.conn(), "export").unwrap_err();
        assert_eq!(err.code(), "demo_database");
        assert!(refuse_in_demo(real_store.conn(), "export").is_ok());
    }

    #[test]
    fn a_file_with_real_records_at_the_demo_name_is_never_filled() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("sportello.db");
        let store = Store::open(&path_beside(&real), now().utc()).unwrap();
        let access = crate::register::stored::tests::received();
        desk::ensure_known(store.conn(), &access.desk, now().utc()).unwrap();
        crate::register::stored::write_imported(store.conn(), &access, "2024-03-02T08:00:00Z")
            .unwrap();
        drop(store);
        let err = open_beside(&real, now()).err().expect("refused");
        assert_eq!(err.code(), "conflict", "{err}");
        let store = Store::open(&path_beside(&real), now().utc()).unwrap();
        assert!(!is_demo(store.conn()).unwrap());
        assert_eq!(crate::register::stored::count_all(store.conn()).unwrap(), 1);
    }

    #[test]
    fn a_future_year_and_a_bad_scale_are_refused() {
        let mut store = Store::open_in_memory().unwrap();
        for options in [
            Options {
                year: 2027,
                scale: 1,
            },
            Options {
                year: 2023,
                scale: 0,
            },
            Options {
                year: 1999,
                scale: 1,
            },
        ] {
            assert!(
                fill(store.conn_mut(), options, now()).is_err(),
                "{options:?}"
            );
        }
        assert_eq!(crate::register::stored::count_all(store.conn()).unwrap(), 0);
    }
}
