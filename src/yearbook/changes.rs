//! What a change of records does to a year's figures: which years a changed case or
//! access counts in, and the figures of the report compared before and after.
//!
//! A closed year is protected figure by figure, so two questions come up whenever
//! records change. Which years does the change touch? An access counts in the year of
//! its date; a case counts in every year its counts depend on (a full case is carried
//! into each year after the one it opened in until it is archived, so closing a case of
//! 2021 in 2024 changes nothing in 2022 or 2023, where it is carried out either way,
//! but archiving it in 2023 instead of 2024 does). And by how much does each figure
//! change? The report computes the figures; this module compares two sets of them,
//! desk by desk, so that the import preview and the command line can say "GRO accesses
//! total 9657 -> 9660 (+3)".

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// A case as the yearly report counts it: full or fast, opened and closed when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseSpan {
    pub full: bool,
    pub opened_on: NaiveDate,
    pub closed_on: Option<NaiveDate>,
}

impl CaseSpan {
    /// What the case adds to `year`'s counts, as the report defines them: carried in,
    /// opened in the year, archived in the year (full cases), fast (opened in the year).
    fn counts_in(&self, year: i32) -> [bool; 4] {
        let opened = self.opened_on.year();
        let closed = self.closed_on.map(|d| d.year());
        if !self.full {
            return [false, false, false, opened == year];
        }
        [
            opened < year && closed.is_none_or(|c| c >= year),
            opened == year,
            closed == Some(year),
            false,
        ]
    }
}

/// The years of `years` whose case counts differ between the `old` and the `new`
/// version of a case (`None`: absent or deleted, counted nowhere).
pub fn case_years(
    old: Option<&CaseSpan>,
    new: Option<&CaseSpan>,
    years: &BTreeSet<i32>,
) -> Vec<i32> {
    const NONE: [bool; 4] = [false; 4];
    years
        .iter()
        .copied()
        .filter(|y| old.map_or(NONE, |c| c.counts_in(*y)) != new.map_or(NONE, |c| c.counts_in(*y)))
        .collect()
}

/// The years of `years` an access changed from `old` to `new` counts in (each the date
/// of a live version; `None` for a version absent or deleted). The caller has decided
/// that the access does change.
pub fn access_years(
    old: Option<NaiveDate>,
    new: Option<NaiveDate>,
    years: &BTreeSet<i32>,
) -> Vec<i32> {
    let mut out: Vec<i32> = [old, new]
        .into_iter()
        .flatten()
        .map(|d| d.year())
        .filter(|y| years.contains(y))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// A figure of a desk's block of the yearly report (the contract's JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Figure {
    AccessesFrontDesk,
    AccessesPhoneMail,
    AccessesTotal,
    FirstAccesses,
    Italians,
    PrevalentAgeBand,
    PrevalentSex,
    TopReasons,
    TopNationalities,
    CasesTotal,
    CasesCarriedIn,
    CasesArchived,
    CasesCarriedOut,
    CasesFast,
}

impl Figure {
    /// Every figure, in the order of the report's block.
    pub const ALL: [Figure; 14] = [
        Figure::AccessesFrontDesk,
        Figure::AccessesPhoneMail,
        Figure::AccessesTotal,
        Figure::FirstAccesses,
        Figure::Italians,
        Figure::PrevalentAgeBand,
        Figure::PrevalentSex,
        Figure::TopReasons,
        Figure::TopNationalities,
        Figure::CasesTotal,
        Figure::CasesCarriedIn,
        Figure::CasesArchived,
        Figure::CasesCarriedOut,
        Figure::CasesFast,
    ];

    /// The figure in English words, for the command line.
    pub fn words(self) -> &'static str {
        match self {
            Figure::AccessesFrontDesk => "accesses front desk",
            Figure::AccessesPhoneMail => "accesses phone/mail",
            Figure::AccessesTotal => "accesses total",
            Figure::FirstAccesses => "first accesses",
            Figure::Italians => "Italians",
            Figure::PrevalentAgeBand => "prevalent age band",
            Figure::PrevalentSex => "prevalent sex",
            Figure::TopReasons => "top reasons",
            Figure::TopNationalities => "top nationalities",
            Figure::CasesTotal => "cases total",
            Figure::CasesCarriedIn => "cases carried in",
            Figure::CasesArchived => "cases archived",
            Figure::CasesCarriedOut => "cases carried out",
            Figure::CasesFast => "fast cases",
        }
    }

    /// The value of the figure for a desk without records in the year.
    fn zero(self) -> FigureValue {
        match self {
            Figure::PrevalentAgeBand | Figure::PrevalentSex => FigureValue::Code(None),
            Figure::TopReasons | Figure::TopNationalities => FigureValue::Ranking(vec![]),
            _ => FigureValue::Count(0),
        }
    }
}

/// A code of a ranking with its count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankedCount {
    pub code: String,
    pub count: i64,
}

/// The value of a figure: a count, the code of a prevalent value (none without
/// accesses), or a top-5 ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FigureValue {
    Count(i64),
    Code(Option<String>),
    Ranking(Vec<RankedCount>),
}

impl fmt::Display for FigureValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FigureValue::Count(n) => write!(f, "{n}"),
            FigureValue::Code(Some(code)) => f.write_str(code),
            FigureValue::Code(None) => f.write_str("none"),
            FigureValue::Ranking(r) if r.is_empty() => f.write_str("none"),
            FigureValue::Ranking(r) => {
                let items: Vec<String> = r
                    .iter()
                    .map(|x| format!("{} {}", x.code, x.count))
                    .collect();
                write!(f, "[{}]", items.join(", "))
            }
        }
    }
}

/// A year's figures, per desk (code) and figure.
pub type Figures = BTreeMap<(String, Figure), FigureValue>;

/// One figure of one desk that changes: before, after, and for a count the difference
/// (after - before).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FigureChange {
    pub desk: String,
    pub figure: Figure,
    pub before: FigureValue,
    pub after: FigureValue,
    pub difference: Option<i64>,
}

impl fmt::Display for FigureChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} -> {}",
            self.desk,
            self.figure.words(),
            self.before,
            self.after
        )?;
        match self.difference {
            Some(d) => write!(f, " ({d:+})"),
            None => Ok(()),
        }
    }
}

/// What importing a file would change in one closed year: how many of its records
/// touch the year, and the figures that change (empty until the report has weighed
/// them, and when the records change no figure).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosedYearChange {
    pub year: i32,
    pub records: usize,
    pub figures: Vec<FigureChange>,
}

impl fmt::Display for ClosedYearChange {
    /// `2023 (3 records: GRO accesses total 9657 -> 9660 (+3), ...)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let records = if self.records == 1 {
            "1 record".to_string()
        } else {
            format!("{} records", self.records)
        };
        if self.figures.is_empty() {
            return write!(f, "{} ({records}, no figure of the report)", self.year);
        }
        let figures: Vec<String> = self.figures.iter().map(ToString::to_string).collect();
        write!(f, "{} ({records}: {})", self.year, figures.join(", "))
    }
}

/// The figures that differ between `before` and `after`, by desk, in the block's order.
/// A desk missing on one side has no records there: its figures are zero.
pub fn compare(before: &Figures, after: &Figures) -> Vec<FigureChange> {
    let desks: BTreeSet<&String> = before.keys().chain(after.keys()).map(|(d, _)| d).collect();
    let mut out = Vec::new();
    for desk in desks {
        for figure in Figure::ALL {
            let key = (desk.clone(), figure);
            let b = before.get(&key).cloned().unwrap_or_else(|| figure.zero());
            let a = after.get(&key).cloned().unwrap_or_else(|| figure.zero());
            if a == b {
                continue;
            }
            let difference = match (&b, &a) {
                (FigureValue::Count(b), FigureValue::Count(a)) => Some(a - b),
                _ => None,
            };
            out.push(FigureChange {
                desk: desk.clone(),
                figure,
                before: b,
                after: a,
                difference,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn full(opened: &str, closed: Option<&str>) -> CaseSpan {
        CaseSpan {
            full: true,
            opened_on: d(opened),
            closed_on: closed.map(d),
        }
    }

    fn years(ys: &[i32]) -> BTreeSet<i32> {
        ys.iter().copied().collect()
    }

    #[test]
    fn archiving_an_old_case_later_changes_no_year_it_was_carried_through() {
        let closed = years(&[2022, 2023]);
        let open = full("2021-05-01", None);
        let archived_2024 = full("2021-05-01", Some("2024-02-01"));
        assert!(
            case_years(Some(&open), Some(&archived_2024), &closed).is_empty(),
            "carried out of 2022 and 2023 either way"
        );
        let archived_2023 = full("2021-05-01", Some("2023-02-01"));
        assert_eq!(
            case_years(Some(&archived_2024), Some(&archived_2023), &closed),
            [2023],
            "archived in 2023 instead of carried out of it"
        );
    }

    #[test]
    fn a_new_or_deleted_case_touches_every_year_it_counts_in() {
        let closed = years(&[2021, 2022, 2023, 2024]);
        let case = full("2022-03-01", Some("2023-06-01"));
        assert_eq!(case_years(None, Some(&case), &closed), [2022, 2023]);
        assert_eq!(case_years(Some(&case), None, &closed), [2022, 2023]);
        let fast = CaseSpan {
            full: false,
            opened_on: d("2023-01-10"),
            closed_on: None,
        };
        assert_eq!(case_years(None, Some(&fast), &closed), [2023]);
    }

    #[test]
    fn an_access_moved_between_years_touches_both() {
        let closed = years(&[2023]);
        assert_eq!(
            access_years(Some(d("2023-12-31")), Some(d("2024-01-02")), &closed),
            [2023]
        );
        assert!(access_years(Some(d("2024-01-01")), None, &closed).is_empty());
    }

    #[test]
    fn compare_names_each_changed_figure_with_its_difference() {
        let mut before = Figures::new();
        before.insert(
            ("GRO".into(), Figure::AccessesTotal),
            FigureValue::Count(9657),
        );
        before.insert(
            ("GRO".into(), Figure::PrevalentSex),
            FigureValue::Code(Some("maschio".into())),
        );
        let mut after = before.clone();
        after.insert(
            ("GRO".into(), Figure::AccessesTotal),
            FigureValue::Count(9660),
        );
        after.insert(("FOL".into(), Figure::CasesFast), FigureValue::Count(1));
        let changes = compare(&before, &after);
        let text: Vec<String> = changes.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "FOL fast cases 0 -> 1 (+1)",
                "GRO accesses total 9657 -> 9660 (+3)"
            ],
            "a desk without records counts zero; unchanged figures are left out"
        );
    }
}
