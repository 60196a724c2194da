//! ISTAT's demographic CSV downloads (demo.istat.it), read strictly: the three layouts
//! of `docs/context.md`, every line checked, the figures of the zone's municipalities
//! kept. Pure (no database), so a fuzzer can hammer [`parse`].
//!
//! - [`Layout::Citizenship`]: "Popolazione residente per cittadinanza" (RCS,
//!   `Dati_RCS_cittadinanza_YYYY.zip`): one row per territory and citizenship, columns
//!   `Anno`, `Codice Istat`, `Denominazione`, `Codice stato di cittadinanza`, `Stato di
//!   cittadinanza`, `Maschi`, `Femmine`, `Totale` (and `Zona`, `Continente`, not read).
//!   Rows of a municipality have a six-digit code; the others (1-3 digits or `IT`:
//!   ripartizione, region, province, Italy) are checked and skipped.
//! - [`Layout::Residents`]: "Popolazione residente per età e sesso" (POSAS): a title
//!   line, then `Codice comune`, `Comune`, `Età`, `Totale maschi`, `Totale femmine`,
//!   `Totale` (the file with marital status has more columns, not read); one row per
//!   municipality and age 0-100, age 999 the municipality's total.
//! - [`Layout::Foreigners`]: "Popolazione straniera residente per età e sesso"
//!   (STRASA): as the residents' file with `Maschi`, `Femmine` (and `Totale` if
//!   present).
//!
//! A municipality of the zone is matched by name (letter case, spaces around and the
//! typographic apostrophe aside); other municipalities are checked and not kept.

use super::header::{head, split};
use super::problem::{Problem, ProblemKind as K};
use super::rows::Reader;
use super::text;

/// The largest file read: a national file of every municipality is well below it.
pub const MAX_BYTES: usize = 256 * 1024 * 1024;

/// ISTAT's code of Italian citizenship in the citizenship file.
pub const ITALY: &str = "100";

/// Which ISTAT file a CSV is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Residents by citizenship (RCS): residents, foreign residents and nationalities.
    Citizenship,
    /// Residents by age and sex (POSAS).
    Residents,
    /// Foreign residents by age and sex (STRASA).
    Foreigners,
}

impl Layout {
    /// How the documentation names it.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Citizenship => "residents by citizenship (RCS)",
            Layout::Residents => "residents by age and sex (POSAS)",
            Layout::Foreigners => "foreign residents by age and sex (STRASA)",
        }
    }
}

/// Residents of one citizenship in a municipality.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citizenship {
    /// ISTAT's three-digit country code ([`ITALY`] for Italians).
    pub code: String,
    pub name: String,
    pub males: u64,
    pub females: u64,
}

/// A municipality of the zone as a file gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The name of the zone it matched.
    pub municipality: String,
    /// The six-digit ISTAT code the file gives it.
    pub code: String,
    /// The line of its first row.
    pub line: usize,
    /// All residents (citizenship file: every citizenship; the age files: the total
    /// row, age 999).
    pub males: u64,
    pub females: u64,
    /// The citizenship file only: every citizenship with its residents, by code.
    pub citizenships: Vec<Citizenship>,
}

/// A file read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IstatFile {
    pub layout: Layout,
    /// The title line, when the file has one.
    pub title: Option<String>,
    /// The municipalities of the zone found in it, in zone order.
    pub found: Vec<Found>,
    /// How many other municipalities the file holds (checked, not kept).
    pub others: usize,
    /// Whether the bytes were read as Latin-1 (not UTF-8).
    pub latin1: bool,
}

/// The columns each layout reads, as its header names them.
pub(super) const CITIZENSHIP: [&str; 8] = [
    "Anno",
    "Codice Istat",
    "Denominazione",
    "Codice stato di cittadinanza",
    "Stato di cittadinanza",
    "Maschi",
    "Femmine",
    "Totale",
];
pub(super) const RESIDENTS: [&str; 6] = [
    "Codice comune",
    "Comune",
    "Età",
    "Totale maschi",
    "Totale femmine",
    "Totale",
];
pub(super) const FOREIGNERS: [&str; 5] = ["Codice comune", "Comune", "Età", "Maschi", "Femmine"];

/// The age of a municipality's total row in the age files.
pub(super) const TOTAL_AGE: u16 = 999;

/// A name as compared: spaces collapsed, lower case, the typographic apostrophe as `'`.
pub fn normalise(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .replace(['\u{2019}', '`'], "'")
}

/// Reads `bytes` as an ISTAT file of `year`, keeping the municipalities named in `zone`.
pub fn parse(bytes: &[u8], year: i32, zone: &[&str]) -> Result<IstatFile, Problem> {
    if bytes.len() > MAX_BYTES {
        return Err(Problem::new(
            K::TooLarge,
            format!(
                "the file has {} bytes, more than the {MAX_BYTES} a demographic download can have",
                bytes.len()
            ),
        ));
    }
    let decoded = text::decode(bytes)?;
    let mut lines = text::lines(&decoded.text);
    let (title, header) = head(&mut lines, year)?;
    let mut reader = Reader::new(header, zone, year)?;
    if let (Some((n, t)), Layout::Residents) = (&title, reader.layout) {
        if t.to_lowercase().contains("stranier") {
            return Err(Problem::new(
                K::Header,
                "the title speaks of foreign residents, but the columns are those of \
                 the residents' file (Totale maschi, Totale femmine)",
            )
            .at(*n));
        }
    }
    let mut notes = false;
    for item in lines {
        let (n, line) = item?;
        let fields = split(n, line, reader.sep, &reader.columns)?;
        if text::is_blank(&fields) {
            continue;
        }
        // a single field after the data is a note (ISTAT ends some files with one)
        if fields.len() == 1 && reader.rows > 0 {
            notes = true;
            continue;
        }
        if notes {
            return Err(Problem::new(
                K::AfterNotes,
                "a data row after the notes that end the file",
            )
            .at(n));
        }
        reader.row(n, &fields)?;
    }
    let found = reader.finish()?;
    Ok(IstatFile {
        layout: reader.layout,
        title: title.map(|(_, t)| t),
        found,
        others: reader.others.len(),
        latin1: decoded.latin1,
    })
}
