//! The head of an ISTAT file: the optional title line and the header of the columns,
//! which tells the layout and the separator.

use super::istat::{CITIZENSHIP, FOREIGNERS, RESIDENTS, normalise};
use super::problem::{Problem, ProblemKind as K};
use super::text::{self, SplitError};

/// The header line: the separator, the columns (trimmed) and the line's number.
pub(super) struct Header {
    pub line: usize,
    pub sep: char,
    pub columns: Vec<String>,
}

/// Whether `name` is a column some layout reads.
fn known_column(name: &str) -> bool {
    let name = normalise(name);
    CITIZENSHIP
        .iter()
        .chain(&RESIDENTS)
        .chain(&FOREIGNERS)
        .any(|c| normalise(c) == name)
}

/// The optional title and the header, skipping blank lines before them. The header is
/// the first line of more than one field separated by `;`, or by `,` when one of them
/// names a column of a layout; a line before it is the title (one at most).
pub(super) fn head<'a>(
    lines: &mut impl Iterator<Item = Result<(usize, &'a str), Problem>>,
    year: i32,
) -> Result<(Option<(usize, String)>, Header), Problem> {
    let mut title: Option<(usize, String)> = None;
    for item in lines.by_ref() {
        let (n, line) = item?;
        if line.trim().is_empty() {
            continue;
        }
        let by_semicolon = split(n, line, ';', &[]);
        if let Ok(columns) = &by_semicolon {
            if text::is_blank(columns) {
                continue;
            }
            if columns.len() > 1 {
                return Ok((
                    title,
                    Header {
                        line: n,
                        sep: ';',
                        columns: columns.clone(),
                    },
                ));
            }
        }
        if let Ok(columns) = split(n, line, ',', &[]) {
            if text::is_blank(&columns) {
                continue;
            }
            if columns.len() > 1 && columns.iter().any(|c| known_column(c)) {
                return Ok((
                    title,
                    Header {
                        line: n,
                        sep: ',',
                        columns,
                    },
                ));
            }
        }
        if let Some((first, _)) = title {
            return Err(Problem::new(
                K::Header,
                format!(
                    "not the header of an ISTAT file this program reads (line {first} was taken \
                     for the title): see docs/context.md for the accepted columns"
                ),
            )
            .at(n));
        }
        let t = match by_semicolon {
            Ok(mut one) if one.len() == 1 => one.remove(0),
            Ok(_) => unreachable!("more than one field returned above"),
            Err(e) => return Err(e),
        };
        if let Some(y) = title_year(&t) {
            if y != year {
                return Err(Problem::new(
                    K::Year,
                    format!(
                        "the title says 1 January {y}, not {year}: load it as {y}, or give the \
                         file of {year}"
                    ),
                )
                .at(n)
                .about(&y.to_string()));
            }
        }
        title = Some((n, t));
    }
    Err(Problem::new(
        K::Header,
        "the file has no header line (a title alone, or a cut file)",
    ))
}

/// The year of "... al 1° gennaio YYYY" in a title, if it says one.
fn title_year(title: &str) -> Option<i32> {
    let lower = title.to_lowercase();
    let at = lower.find("gennaio")? + "gennaio".len();
    let digits: String = lower[at..]
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (digits.len() == 4).then(|| digits.parse().ok()).flatten()
}

/// The fields of line `n`, with an error naming the field's column where known.
pub(super) fn split(
    n: usize,
    line: &str,
    sep: char,
    columns: &[String],
) -> Result<Vec<String>, Problem> {
    text::fields(line, sep).map_err(|SplitError { field, message }| {
        let p = Problem::new(K::Quote, format!("field {field}: {message}")).at(n);
        match columns.get(field - 1) {
            Some(c) => p.column(c),
            None => p,
        }
    })
}
