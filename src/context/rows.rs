//! The rows of an ISTAT file: each checked (counts, codes, ages, totals, duplicates)
//! and summed for the municipalities of the zone.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::header::Header;
use super::istat::{
    CITIZENSHIP, Citizenship, FOREIGNERS, Found, Layout, RESIDENTS, TOTAL_AGE, normalise,
};
use super::problem::{Problem, ProblemKind as K};

/// The rows of one file, checked and summed as they come.
pub(super) struct Reader<'z> {
    pub(super) layout: Layout,
    pub(super) sep: char,
    pub(super) columns: Vec<String>,
    /// The index of each column read, by its canonical name.
    at: HashMap<&'static str, usize>,
    year: i32,
    zone: Vec<(String, &'z str)>,
    /// By zone name: what the file says of it.
    kept: BTreeMap<&'z str, Kept>,
    pub(super) others: HashSet<String>,
    pub(super) rows: usize,
}

/// What is being summed for a municipality of the zone.
#[derive(Default)]
struct Kept {
    code: String,
    line: usize,
    /// Citizenship: (code, name, males, females); ages: age -> (males, females).
    citizenships: BTreeMap<String, (String, u64, u64)>,
    ages: BTreeMap<u16, (u64, u64, usize)>,
}

impl<'z> Reader<'z> {
    pub(super) fn new(header: Header, zone: &[&'z str], year: i32) -> Result<Reader<'z>, Problem> {
        let Header { line, sep, columns } = header;
        let key: Vec<String> = columns.iter().map(|c| normalise(c)).collect();
        for (i, k) in key.iter().enumerate() {
            if k.is_empty() {
                return Err(
                    Problem::new(K::Header, format!("column {} has no name", i + 1)).at(line),
                );
            }
            if key[..i].contains(k) {
                return Err(
                    Problem::new(K::DuplicateColumn, "the header names this column twice")
                        .at(line)
                        .column(&columns[i]),
                );
            }
        }
        let has = |name: &str| key.iter().position(|k| *k == normalise(name));
        let (layout, needed): (Layout, &[&'static str]) =
            if has("Codice stato di cittadinanza").is_some() {
                (Layout::Citizenship, &CITIZENSHIP)
            } else if has("Totale maschi").is_some() {
                (Layout::Residents, &RESIDENTS)
            } else if has("Codice comune").is_some()
                || has("Età").is_some()
                || has("Codice Istat").is_some()
            {
                (Layout::Foreigners, &FOREIGNERS)
            } else {
                return Err(Problem::new(
                    K::Header,
                    "not the header of an ISTAT file this program reads: expected the columns of \
                 the residents by citizenship (Codice Istat, Codice stato di cittadinanza, ...), \
                 of the residents by age and sex (Codice comune, Età, Totale maschi, ...) or of \
                 the foreign residents by age and sex (Codice comune, Età, Maschi, Femmine)",
                )
                .at(line));
            };
        let mut at = HashMap::new();
        for name in needed {
            let i = has(name).ok_or_else(|| {
                Problem::new(
                    K::MissingColumn,
                    format!("the {} file needs the column \"{name}\"", layout.name()),
                )
                .at(line)
                .column(name)
            })?;
            at.insert(*name, i);
        }
        // the foreign residents' `Totale`, when the file has it, is checked too
        if layout == Layout::Foreigners {
            if let Some(i) = has("Totale") {
                at.insert("Totale", i);
            }
        }
        Ok(Reader {
            layout,
            sep,
            columns,
            at,
            year,
            zone: zone.iter().map(|z| (normalise(z), *z)).collect(),
            kept: BTreeMap::new(),
            others: HashSet::new(),
            rows: 0,
        })
    }

    /// The value of the column `name` on a row.
    fn get<'f>(&self, fields: &'f [String], name: &str) -> &'f str {
        &fields[self.at[name]]
    }

    fn problem(&self, kind: K, n: usize, name: &str, message: impl Into<String>) -> Problem {
        let column = &self.columns[self.at[name]];
        Problem::new(kind, message).at(n).column(column)
    }

    /// A count: digits only, at most nine of them.
    fn count(&self, n: usize, fields: &[String], name: &str) -> Result<u64, Problem> {
        let v = self.get(fields, name);
        if let Some(rest) = v.strip_prefix('-') {
            if !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()) {
                return Err(self
                    .problem(
                        K::Negative,
                        n,
                        name,
                        format!("{v} is negative: a count never is"),
                    )
                    .about(v));
            }
        }
        if v.is_empty() {
            return Err(self.problem(K::Number, n, name, "empty: a count is a whole number"));
        }
        if v.len() > 9 || !v.bytes().all(|b| b.is_ascii_digit()) {
            let what = format!(
                "'{v}' is not a whole number of at most 9 digits (no separators, no decimals)"
            );
            return Err(self.problem(K::Number, n, name, what).about(v));
        }
        Ok(v.parse().expect("nine digits at most"))
    }

    /// A non-empty name.
    fn name<'f>(&self, n: usize, fields: &'f [String], column: &str) -> Result<&'f str, Problem> {
        let v = self.get(fields, column);
        if v.is_empty() {
            return Err(self.problem(K::Name, n, column, "empty: a name is needed"));
        }
        Ok(v)
    }

    /// `part1 + part2 == total`, or a problem in the total's column.
    fn sum(&self, n: usize, parts: (u64, u64), total: u64, column: &str) -> Result<(), Problem> {
        if parts.0 + parts.1 == total {
            return Ok(());
        }
        Err(self
            .problem(
                K::Totals,
                n,
                column,
                format!("{total} is not males + females ({} + {})", parts.0, parts.1),
            )
            .about(&total.to_string()))
    }

    pub(super) fn row(&mut self, n: usize, fields: &[String]) -> Result<(), Problem> {
        if fields.len() != self.columns.len() {
            return Err(Problem::new(
                K::FieldCount,
                format!(
                    "{} fields, but the header has {} columns (a cut line, or another separator)",
                    fields.len(),
                    self.columns.len()
                ),
            )
            .at(n));
        }
        self.rows += 1;
        match self.layout {
            Layout::Citizenship => self.citizenship_row(n, fields),
            Layout::Residents | Layout::Foreigners => self.age_row(n, fields),
        }
    }

    /// The zone name of a municipality's row, checking its code against earlier rows.
    fn municipality(
        &mut self,
        n: usize,
        code: &str,
        name: &str,
        code_column: &str,
    ) -> Result<Option<&'z str>, Problem> {
        let key = normalise(name);
        let Some(&(_, zone)) = self.zone.iter().find(|(z, _)| *z == key) else {
            self.others.insert(code.to_string());
            return Ok(None);
        };
        let kept = self.kept.entry(zone).or_default();
        if kept.code.is_empty() {
            kept.code = code.to_string();
            kept.line = n;
            return Ok(Some(zone));
        }
        if kept.code == code {
            return Ok(Some(zone));
        }
        let (first, line) = (kept.code.clone(), kept.line);
        Err(self
            .problem(
                K::Name,
                n,
                code_column,
                format!("{name} has the code {first} on line {line} and {code} here"),
            )
            .about(name))
    }

    fn citizenship_row(&mut self, n: usize, fields: &[String]) -> Result<(), Problem> {
        let anno = self.get(fields, "Anno");
        if anno != self.year.to_string() {
            return Err(self
                .problem(
                    K::Year,
                    n,
                    "Anno",
                    format!(
                        "the row is of {anno}, not {}: give the file of {}",
                        self.year, self.year
                    ),
                )
                .about(anno));
        }
        let code = self.get(fields, "Codice Istat");
        let municipality = code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit());
        let aggregate = code == "IT"
            || ((1..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_digit()));
        if !municipality && !aggregate {
            return Err(self
                .problem(
                    K::Code,
                    n,
                    "Codice Istat",
                    format!(
                        "'{code}' is not an ISTAT code (six digits for a municipality; 1 to 3, or IT, \
                         for a larger territory): was the file re-saved by a spreadsheet that \
                         dropped the leading zeros?"
                    ),
                )
                .about(code));
        }
        let name = self.name(n, fields, "Denominazione")?;
        let country = self.get(fields, "Codice stato di cittadinanza");
        if country.len() != 3 || !country.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self
                .problem(
                    K::Code,
                    n,
                    "Codice stato di cittadinanza",
                    format!("'{country}' is not ISTAT's three-digit code of a country"),
                )
                .about(country));
        }
        let country_name = self.name(n, fields, "Stato di cittadinanza")?;
        let males = self.count(n, fields, "Maschi")?;
        let females = self.count(n, fields, "Femmine")?;
        let total = self.count(n, fields, "Totale")?;
        self.sum(n, (males, females), total, "Totale")?;
        if !municipality {
            return Ok(());
        }
        let Some(zone) = self.municipality(n, code, name, "Codice Istat")? else {
            return Ok(());
        };
        let entry = (country_name.to_string(), males, females);
        if self
            .kept
            .get_mut(zone)
            .expect("kept")
            .citizenships
            .insert(country.to_string(), entry)
            .is_some()
        {
            return Err(self
                .problem(
                    K::DuplicateRow,
                    n,
                    "Codice stato di cittadinanza",
                    format!("{name}: the citizenship {country} ({country_name}) is on two rows"),
                )
                .about(name));
        }
        Ok(())
    }

    fn age_row(&mut self, n: usize, fields: &[String]) -> Result<(), Problem> {
        let code = self.get(fields, "Codice comune");
        if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self
                .problem(
                    K::Code,
                    n,
                    "Codice comune",
                    format!(
                        "'{code}' is not a six-digit ISTAT municipality code: was the file re-saved \
                         by a spreadsheet that dropped the leading zeros?"
                    ),
                )
                .about(code));
        }
        let name = self.name(n, fields, "Comune")?;
        let age_text = self.get(fields, "Età");
        let age = match age_text.parse::<u16>() {
            Ok(a)
                if (a <= 100 || a == TOTAL_AGE) && age_text.bytes().all(|b| b.is_ascii_digit()) =>
            {
                a
            }
            _ => {
                return Err(self
                    .problem(
                        K::Age,
                        n,
                        "Età",
                        format!("'{age_text}' is not an age 0-100, or 999 for the total"),
                    )
                    .about(age_text));
            }
        };
        let (m, f) = match self.layout {
            Layout::Residents => ("Totale maschi", "Totale femmine"),
            _ => ("Maschi", "Femmine"),
        };
        let males = self.count(n, fields, m)?;
        let females = self.count(n, fields, f)?;
        if self.at.contains_key("Totale") {
            let total = self.count(n, fields, "Totale")?;
            self.sum(n, (males, females), total, "Totale")?;
        }
        let Some(zone) = self.municipality(n, code, name, "Codice comune")? else {
            return Ok(());
        };
        if self
            .kept
            .get_mut(zone)
            .expect("kept")
            .ages
            .insert(age, (males, females, n))
            .is_some()
        {
            return Err(self
                .problem(
                    K::DuplicateRow,
                    n,
                    "Età",
                    format!("{name}: the age {age} is on two rows"),
                )
                .about(name));
        }
        Ok(())
    }

    /// The municipalities of the zone found, in zone order, with their sums checked.
    pub(super) fn finish(&self) -> Result<Vec<Found>, Problem> {
        let mut out = Vec::new();
        for (_, zone) in &self.zone {
            let Some(k) = self.kept.get(zone) else {
                continue;
            };
            let mut found = Found {
                municipality: zone.to_string(),
                code: k.code.clone(),
                line: k.line,
                males: 0,
                females: 0,
                citizenships: Vec::new(),
            };
            if self.layout == Layout::Citizenship {
                for (code, (name, m, f)) in &k.citizenships {
                    found.males += m;
                    found.females += f;
                    found.citizenships.push(Citizenship {
                        code: code.clone(),
                        name: name.clone(),
                        males: *m,
                        females: *f,
                    });
                }
            } else {
                let Some(&(m, f, line)) = k.ages.get(&TOTAL_AGE) else {
                    return Err(Problem::new(
                        K::MissingTotal,
                        format!("{zone} has no total row (age 999): the file is cut or edited"),
                    )
                    .about(zone));
                };
                let ages = k.ages.iter().filter(|(a, _)| **a != TOTAL_AGE);
                let (sm, sf) = ages
                    .clone()
                    .fold((0, 0), |(x, y), (_, (m, f, _))| (x + m, y + f));
                if ages.count() > 0 && (sm, sf) != (m, f) {
                    return Err(Problem::new(
                        K::Totals,
                        format!(
                            "{zone}: the total row says {m} males and {f} females, the ages add up \
                             to {sm} and {sf} (a row is missing or edited)"
                        ),
                    )
                    .at(line)
                    .about(zone));
                }
                found.males = m;
                found.females = f;
            }
            out.push(found);
        }
        Ok(out)
    }
}
