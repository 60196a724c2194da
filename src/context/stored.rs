//! Every SQL statement on the context tables (`migrations/0007_context.sql`):
//! `context_zone`, `context_desk_municipalities`, `context_years`, `context_residents`,
//! `context_nationalities`.

use rusqlite::{Connection, OptionalExtension, params};

use crate::Result;

/// A year's row of `context_years`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct YearRow {
    pub year: i32,
    pub source: String,
    pub note: String,
    pub all_nationalities: bool,
    pub loaded_at: Option<String>,
}

/// A row of `context_residents`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ResidentsRow {
    pub municipality: String,
    pub istat_code: Option<String>,
    pub males: i64,
    pub females: i64,
    pub foreign_males: i64,
    pub foreign_females: i64,
}

/// A row of `context_nationalities`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct NationalityRow {
    pub municipality: String,
    pub nationality: String,
    pub istat_code: Option<String>,
    pub residents: i64,
}

/// The municipalities of the zone, in order.
pub(super) fn zone(conn: &Connection) -> Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT municipality FROM context_zone ORDER BY position")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The desks' municipalities, by desk code.
pub(super) fn desk_municipalities(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt =
        conn.prepare("SELECT desk, municipality FROM context_desk_municipalities ORDER BY desk")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Maps `desk` to `municipality` (a municipality of the zone), or removes its mapping.
pub(super) fn set_desk_municipality(
    conn: &Connection,
    desk: &str,
    municipality: Option<&str>,
) -> Result<()> {
    match municipality {
        Some(m) => conn.execute(
            "INSERT INTO context_desk_municipalities (desk, municipality) VALUES (?1, ?2)
             ON CONFLICT (desk) DO UPDATE SET municipality = excluded.municipality",
            params![desk, m],
        )?,
        None => conn.execute(
            "DELETE FROM context_desk_municipalities WHERE desk = ?1",
            params![desk],
        )?,
    };
    Ok(())
}

/// Every stored year, oldest first.
pub(super) fn years(conn: &Connection) -> Result<Vec<YearRow>> {
    let mut stmt = conn.prepare(
        "SELECT year, source, note, all_nationalities, loaded_at FROM context_years ORDER BY year",
    )?;
    let rows = stmt.query_map([], year_row)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

fn year_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<YearRow> {
    Ok(YearRow {
        year: r.get(0)?,
        source: r.get(1)?,
        note: r.get(2)?,
        all_nationalities: r.get(3)?,
        loaded_at: r.get(4)?,
    })
}

/// The row of `year`, if stored.
pub(super) fn year(conn: &Connection, year: i32) -> Result<Option<YearRow>> {
    Ok(conn
        .query_row(
            "SELECT year, source, note, all_nationalities, loaded_at FROM context_years
             WHERE year = ?1",
            params![year],
            year_row,
        )
        .optional()?)
}

/// The residents of `year`, in zone order.
pub(super) fn residents(conn: &Connection, year: i32) -> Result<Vec<ResidentsRow>> {
    let mut stmt = conn.prepare(
        "SELECT r.municipality, r.istat_code, r.males, r.females, r.foreign_males,
                r.foreign_females
         FROM context_residents r JOIN context_zone z USING (municipality)
         WHERE r.year = ?1 ORDER BY z.position",
    )?;
    let rows = stmt.query_map(params![year], |r| {
        Ok(ResidentsRow {
            municipality: r.get(0)?,
            istat_code: r.get(1)?,
            males: r.get(2)?,
            females: r.get(3)?,
            foreign_males: r.get(4)?,
            foreign_females: r.get(5)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The nationalities of `municipality` in `year`, largest first, ties by name.
pub(super) fn nationalities(
    conn: &Connection,
    year: i32,
    municipality: &str,
) -> Result<Vec<NationalityRow>> {
    let mut stmt = conn.prepare(
        "SELECT municipality, nationality, istat_code, residents FROM context_nationalities
         WHERE year = ?1 AND municipality = ?2
         ORDER BY residents DESC, nationality",
    )?;
    let rows = stmt.query_map(params![year, municipality], |r| {
        Ok(NationalityRow {
            municipality: r.get(0)?,
            nationality: r.get(1)?,
            istat_code: r.get(2)?,
            residents: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Replaces `year` whole: its row, residents and nationalities. The caller holds the
/// transaction.
pub(super) fn replace_year(
    tx: &rusqlite::Transaction<'_>,
    y: &YearRow,
    residents: &[ResidentsRow],
    nationalities: &[NationalityRow],
) -> Result<()> {
    // the residents and nationalities go with the year (ON DELETE CASCADE)
    tx.execute("DELETE FROM context_years WHERE year = ?1", params![y.year])?;
    tx.execute(
        "INSERT INTO context_years (year, source, note, all_nationalities, loaded_at)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![y.year, y.source, y.note, y.all_nationalities, y.loaded_at],
    )?;
    let mut stmt = tx.prepare(
        "INSERT INTO context_residents
            (year, municipality, istat_code, males, females, foreign_males, foreign_females)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for r in residents {
        stmt.execute(params![
            y.year,
            r.municipality,
            r.istat_code,
            r.males,
            r.females,
            r.foreign_males,
            r.foreign_females
        ])?;
    }
    let mut stmt = tx.prepare(
        "INSERT INTO context_nationalities (year, municipality, nationality, istat_code, residents)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for n in nationalities {
        stmt.execute(params![
            y.year,
            n.municipality,
            n.nationality,
            n.istat_code,
            n.residents
        ])?;
    }
    Ok(())
}
