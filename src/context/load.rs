//! Loading a year of context data from ISTAT files: each file read (a CSV, or the ZIP
//! as demo.istat.it serves it), parsed, the files combined into the year's figures for
//! every municipality of the zone, and the year replaced in one transaction. Any
//! problem, in any file, stores nothing.
//!
//! A year comes from one residents-by-citizenship file (RCS: residents, foreign
//! residents and nationalities), or from one residents file (POSAS) and one foreign
//! residents file (STRASA), which carry no nationalities.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use chrono::{DateTime, SecondsFormat, Utc};
use rusqlite::{Connection, TransactionBehavior};
use serde::{Deserialize, Serialize};

use super::istat::{self, ITALY, IstatFile, Layout, MAX_BYTES};
use super::problem::{Problem, ProblemKind as K};
use super::stored::{self, NationalityRow, ResidentsRow, YearRow};
use crate::{Error, Result, limits};

/// A file to load: the name its errors carry, and the CSV's bytes.
#[derive(Debug, Clone)]
pub struct Source {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What a load stored, file by file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Loaded {
    pub year: i32,
    pub files: Vec<LoadedFile>,
    /// Municipalities of the zone stored (all of them).
    pub municipalities: usize,
    /// Nationality rows stored (0 from the age files).
    pub nationalities: usize,
}

/// One file of a load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadedFile {
    pub name: String,
    /// `citizenship`, `residents` or `foreigners`.
    pub layout: String,
    /// Municipalities outside the zone the file also holds (read, checked, not kept).
    pub others: usize,
    /// Whether the file was read as Latin-1 rather than UTF-8.
    pub latin1: bool,
}

/// Reads the file at `path`: a CSV, or a ZIP holding exactly one CSV (the download as
/// it comes). The source is named by the file's name (a ZIP's with its CSV's).
pub fn read_source(path: &Path) -> Result<Source> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.len() > MAX_BYTES as u64 {
        let p = Problem::new(
            K::TooLarge,
            format!(
                "{} bytes, more than a demographic download can have",
                meta.len()
            ),
        );
        return Err(p.in_file(&name));
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    if !bytes.starts_with(b"PK\x03\x04") {
        return Ok(Source { name, bytes });
    }
    let (member, bytes) = unzip(&bytes).map_err(|p| p.in_file(&name))?;
    Ok(Source {
        name: format!("{name} ({member})"),
        bytes,
    })
}

/// The one CSV inside a ZIP, and its name.
fn unzip(bytes: &[u8]) -> std::result::Result<(String, Vec<u8>), Problem> {
    let zip_problem =
        |e: zip::result::ZipError| Problem::new(K::Zip, format!("the ZIP cannot be read ({e})"));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(zip_problem)?;
    let csvs: Vec<usize> = (0..archive.len())
        .filter(|&i| {
            archive
                .by_index(i)
                .is_ok_and(|f| !f.is_dir() && f.name().to_lowercase().ends_with(".csv"))
        })
        .collect();
    let [index] = csvs[..] else {
        return Err(Problem::new(
            K::Zip,
            format!(
                "the ZIP holds {} CSV files, not one: give the CSV itself",
                csvs.len()
            ),
        ));
    };
    let file = archive.by_index(index).map_err(zip_problem)?;
    let member = file.name().to_string();
    let mut out = Vec::new();
    // read one byte more than allowed, to tell a file that is too large
    file.take(MAX_BYTES as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| {
            Problem::new(
                K::Zip,
                format!("{member} cannot be read from the ZIP ({e})"),
            )
        })?;
    if out.len() > MAX_BYTES {
        return Err(Problem::new(
            K::TooLarge,
            format!("{member} is larger than a demographic download can be"),
        ));
    }
    Ok((member, out))
}

/// Replaces the context data of `year` with the figures of `sources` (see the module
/// doc), in one IMMEDIATE transaction; an error in any file stores nothing.
pub fn load(
    conn: &mut Connection,
    year: i32,
    sources: &[Source],
    now: DateTime<Utc>,
) -> Result<Loaded> {
    limits::check_year(year, "year")?;
    let zone = stored::zone(conn)?;
    let names: Vec<&str> = zone.iter().map(String::as_str).collect();
    let mut files = Vec::new();
    for s in sources {
        let f = istat::parse(&s.bytes, year, &names).map_err(|p| p.in_file(&s.name))?;
        files.push((s.name.as_str(), f));
    }
    let (residents, nationalities) = combine(&zone, &files)?;
    let titles: Vec<String> = files
        .iter()
        .map(|(n, f)| match &f.title {
            Some(t) => format!("{n} ({t})"),
            None => n.to_string(),
        })
        .collect();
    let row = YearRow {
        year,
        source: format!("ISTAT, demo.istat.it: {}", titles.join("; ")),
        note: String::new(),
        all_nationalities: !nationalities.is_empty(),
        loaded_at: Some(now.to_rfc3339_opts(SecondsFormat::Secs, true)),
    };
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    stored::replace_year(&tx, &row, &residents, &nationalities)?;
    tx.commit()?;
    Ok(Loaded {
        year,
        files: files
            .iter()
            .map(|(n, f)| LoadedFile {
                name: n.to_string(),
                layout: match f.layout {
                    Layout::Citizenship => "citizenship",
                    Layout::Residents => "residents",
                    Layout::Foreigners => "foreigners",
                }
                .into(),
                others: f.others,
                latin1: f.latin1,
            })
            .collect(),
        municipalities: residents.len(),
        nationalities: nationalities.len(),
    })
}

/// The files of one layout.
fn of<'a>(files: &'a [(&'a str, IstatFile)], layout: Layout) -> Vec<&'a (&'a str, IstatFile)> {
    files.iter().filter(|(_, f)| f.layout == layout).collect()
}

/// The year's rows from the files read.
fn combine(
    zone: &[String],
    files: &[(&str, IstatFile)],
) -> Result<(Vec<ResidentsRow>, Vec<NationalityRow>)> {
    let citizenship = of(files, Layout::Citizenship);
    let residents = of(files, Layout::Residents);
    let foreigners = of(files, Layout::Foreigners);
    match (&citizenship[..], &residents[..], &foreigners[..]) {
        ([c], [], []) => by_citizenship(zone, c),
        ([], [r], [f]) => by_age(zone, r, f),
        _ => {
            let given: Vec<String> = files
                .iter()
                .map(|(n, f)| format!("{n}: {}", f.layout.name()))
                .collect();
            let names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
            let p = Problem::new(
                K::Files,
                format!(
                    "a year is loaded from one file of residents by citizenship (RCS), or from \
                     one file of residents by age and sex (POSAS) with one of foreign residents \
                     by age and sex (STRASA); given {}",
                    if given.is_empty() {
                        "none".to_string()
                    } else {
                        given.join(", ")
                    }
                ),
            );
            Err(p.in_file(&names.join(", ")))
        }
    }
}

/// The municipality of the zone in a file, or the error naming what is missing.
fn find<'f>(name: &str, file: &'f (&str, IstatFile), zone: &str) -> Result<&'f istat::Found> {
    let (_, f) = file;
    f.found
        .iter()
        .find(|m| m.municipality == zone)
        .ok_or_else(|| {
            Problem::new(
            K::MissingMunicipality,
            format!(
                "{zone}, a municipality of the zone, is not in the file ({} other municipalities \
                 are): give the file of the province of Grosseto, of Tuscany or of Italy",
                f.others
            ),
        )
        .about(zone)
        .in_file(name)
        })
}

fn by_citizenship(
    zone: &[String],
    file: &(&str, IstatFile),
) -> Result<(Vec<ResidentsRow>, Vec<NationalityRow>)> {
    let name = file.0;
    let mut residents = Vec::new();
    let mut nationalities = Vec::new();
    for z in zone {
        let m = find(name, file, z)?;
        let foreign = m.citizenships.iter().filter(|c| c.code != ITALY);
        let (fm, ff) = foreign
            .clone()
            .fold((0, 0), |(a, b), c| (a + c.males, b + c.females));
        residents.push(ResidentsRow {
            municipality: z.clone(),
            istat_code: Some(m.code.clone()),
            males: m.males as i64,
            females: m.females as i64,
            foreign_males: fm as i64,
            foreign_females: ff as i64,
        });
        let mut by_name: BTreeMap<&str, &istat::Citizenship> = BTreeMap::new();
        for c in foreign.filter(|c| c.males + c.females > 0) {
            if let Some(other) = by_name.insert(&c.name, c) {
                let p = Problem::new(
                    K::Name,
                    format!(
                        "{z}: the citizenships {} and {} have the same name, {}",
                        other.code, c.code, c.name
                    ),
                )
                .about(&c.name)
                .at(m.line);
                return Err(p.in_file(name));
            }
            nationalities.push(NationalityRow {
                municipality: z.clone(),
                nationality: c.name.clone(),
                istat_code: Some(c.code.clone()),
                residents: (c.males + c.females) as i64,
            });
        }
    }
    Ok((residents, nationalities))
}

fn by_age(
    zone: &[String],
    residents_file: &(&str, IstatFile),
    foreigners_file: &(&str, IstatFile),
) -> Result<(Vec<ResidentsRow>, Vec<NationalityRow>)> {
    let name = foreigners_file.0;
    let mut out = Vec::new();
    for z in zone {
        let r = find(residents_file.0, residents_file, z)?;
        let f = find(name, foreigners_file, z)?;
        if r.code != f.code {
            let p = Problem::new(
                K::Code,
                format!(
                    "{z} has the code {} in {}, and {} here",
                    r.code, residents_file.0, f.code
                ),
            )
            .at(f.line)
            .about(z);
            return Err(p.in_file(name));
        }
        if f.males > r.males || f.females > r.females {
            let p = Problem::new(
                K::Foreigners,
                format!(
                    "{z}: {} foreign males and {} foreign females, but {} male and {} female \
                     residents in {}: are the files of the same year?",
                    f.males, f.females, r.males, r.females, residents_file.0
                ),
            )
            .at(f.line)
            .about(z);
            return Err(p.in_file(name));
        }
        out.push(ResidentsRow {
            municipality: z.clone(),
            istat_code: Some(r.code.clone()),
            males: r.males as i64,
            females: r.females as i64,
            foreign_males: f.males as i64,
            foreign_females: f.females as i64,
        });
    }
    Ok((out, Vec::new()))
}
