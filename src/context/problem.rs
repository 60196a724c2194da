//! Why an ISTAT file is refused: a stable kind, and where (line, column) and what
//! (detail) when the problem has them. Turned into [`crate::Error::BadFile`], named by
//! its file, when a load fails.

use crate::Error;
use crate::error::FileProblem;

/// What is wrong with a file. The words of [`ProblemKind::as_str`] cross IPC and the
/// interface translates them: add, never rename.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// Larger than a demographic download can be.
    TooLarge,
    /// A ZIP that is not one CSV, or cannot be read.
    Zip,
    /// No text at all.
    Empty,
    /// Control characters or stray carriage returns: not a text file as specified.
    Encoding,
    /// A quote opened and never closed, or misplaced.
    Quote,
    /// The first lines are not a title and the header of a layout this program reads.
    Header,
    /// The header lacks a column the layout needs.
    MissingColumn,
    /// The header names a column twice.
    DuplicateColumn,
    /// A line with more or fewer fields than the header.
    FieldCount,
    /// A count that is not a whole number of digits, or too large.
    Number,
    /// A count written negative.
    Negative,
    /// A municipality or country code not written as ISTAT writes it.
    Code,
    /// An empty name, or a municipality code under two names.
    Name,
    /// An age that is not 0-100 or 999 (the total).
    Age,
    /// The file's year is not the year being loaded.
    Year,
    /// The same row (municipality and age, or municipality and citizenship) twice.
    DuplicateRow,
    /// A total that is not the sum of its parts.
    Totals,
    /// A municipality of the zone without its total row (age 999).
    MissingTotal,
    /// Data after the notes that end a file.
    AfterNotes,
    /// A municipality of the zone missing from the file.
    MissingMunicipality,
    /// More foreign residents than residents.
    Foreigners,
    /// Not the set of files a year is loaded from.
    Files,
}

impl ProblemKind {
    /// The stable word of the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::TooLarge => "too_large",
            ProblemKind::Zip => "zip",
            ProblemKind::Empty => "empty",
            ProblemKind::Encoding => "encoding",
            ProblemKind::Quote => "quote",
            ProblemKind::Header => "header",
            ProblemKind::MissingColumn => "missing_column",
            ProblemKind::DuplicateColumn => "duplicate_column",
            ProblemKind::FieldCount => "field_count",
            ProblemKind::Number => "number",
            ProblemKind::Negative => "negative",
            ProblemKind::Code => "code",
            ProblemKind::Name => "name",
            ProblemKind::Age => "age",
            ProblemKind::Year => "year",
            ProblemKind::DuplicateRow => "duplicate_row",
            ProblemKind::Totals => "totals",
            ProblemKind::MissingTotal => "missing_total",
            ProblemKind::AfterNotes => "after_notes",
            ProblemKind::MissingMunicipality => "missing_municipality",
            ProblemKind::Foreigners => "foreigners",
            ProblemKind::Files => "files",
        }
    }
}

/// A problem of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    /// The line, from 1.
    pub line: Option<usize>,
    /// The column's name as the header writes it.
    pub column: Option<String>,
    /// The value or name the problem is about.
    pub detail: Option<String>,
    /// In English, for the command line.
    pub message: String,
}

impl Problem {
    pub fn new(kind: ProblemKind, message: impl Into<String>) -> Problem {
        Problem {
            kind,
            line: None,
            column: None,
            detail: None,
            message: message.into(),
        }
    }

    /// The same problem on line `line`.
    pub fn at(mut self, line: usize) -> Problem {
        self.line = Some(line);
        self
    }

    /// The same problem in column `column`.
    pub fn column(mut self, column: &str) -> Problem {
        self.column = Some(column.to_string());
        self
    }

    /// The same problem about `detail`.
    pub fn about(mut self, detail: &str) -> Problem {
        self.detail = Some(detail.to_string());
        self
    }

    /// The error of the load: this problem, in the file named `file`.
    pub fn in_file(self, file: &str) -> Error {
        Error::BadFile(Box::new(FileProblem {
            file: file.to_string(),
            line: self.line,
            column: self.column,
            problem: self.kind.as_str(),
            detail: self.detail,
            message: self.message,
        }))
    }
}
