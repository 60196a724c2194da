//! Limits on dates and years that every part of the product shares.
//!
//! The interface mirrors these values in `ui/js/limits.js`; a test compares the two
//! files, so a change here that the interface misses fails the build.

use chrono::NaiveDate;

use crate::{Error, Result};

/// The first year a record can fall in: the desks' registers start well after it.
pub const EARLIEST_YEAR: i32 = 2000;

/// The last year a date can name (four digits).
pub const LATEST_YEAR: i32 = 9999;

/// The first day a record can fall on.
pub fn earliest_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(EARLIEST_YEAR, 1, 1).expect("valid date")
}

/// Refuses a year outside [`EARLIEST_YEAR`]..=[`LATEST_YEAR`], naming `field`.
pub fn check_year(year: i32, field: &str) -> Result<()> {
    if (EARLIEST_YEAR..=LATEST_YEAR).contains(&year) {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!("the year must be {EARLIEST_YEAR} to {LATEST_YEAR}, not {year}"),
        ))
    }
}

/// The first and last day of `year`, after [`check_year`] (the field is `year`).
pub fn year_days(year: i32) -> Result<(NaiveDate, NaiveDate)> {
    check_year(year, "year")?;
    let day = |m, d| NaiveDate::from_ymd_opt(year, m, d).expect("a checked year");
    Ok((day(1, 1), day(12, 31)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_outside_the_range_are_refused_by_name() {
        assert!(check_year(EARLIEST_YEAR, "year").is_ok());
        assert!(check_year(LATEST_YEAR, "year").is_ok());
        let err = check_year(EARLIEST_YEAR - 1, "year").unwrap_err();
        assert_eq!(err.code(), "invalid");
        assert!(err.to_string().starts_with("year:"), "{err}");
        assert!(check_year(LATEST_YEAR + 1, "year").is_err());
    }

    #[test]
    fn a_years_days_are_its_first_and_last() {
        let (first, last) = year_days(2024).unwrap();
        assert_eq!(
            (first.to_string(), last.to_string()),
            ("2024-01-01".into(), "2024-12-31".into())
        );
        assert_eq!(year_days(EARLIEST_YEAR - 1).unwrap_err().code(), "invalid");
    }
}
