//! The demo accompaniment cases of one desk and year.
//!
//! Built to give the report's case figures exactly: `carried_in` full cases opened in
//! the two years before and still open on 1 January, the full and fast cases the
//! year's accesses opened (on those accesses' days), and of the full ones all but the
//! pending closed within the year. The pending ones are the latest opened, as at a
//! real desk, and stay open (no close date).

use chrono::{Days, NaiveDate};

use super::accesses::demo_id;
use super::profile::{self, CaseFigures};
use super::random::Draw;
use crate::cases::CaseType;
use crate::cases::stored::StoredCase;

/// A day drawn between `from` and `to` (both included; `to` before `from` gives `from`).
fn day_between(draw: &mut Draw, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    let span = (to - from).num_days().max(0) as u64;
    from + Days::new(draw.below(span + 1))
}

fn case(draw: &mut Draw, desk: &str, kind: CaseType, opened_on: NaiveDate) -> StoredCase {
    StoredCase {
        id: demo_id(draw),
        desk: desk.to_string(),
        revision: 1,
        deleted: false,
        case_type: Some(kind),
        opened_on,
        closed_on: None,
        reason: Some(draw.pick(profile::REASONS_NON_EU).to_string()),
        change_seq: None,
    }
}

/// The cases of `desk` for `year`, whose days run to `last_day`: `opened` are the day
/// and type of each case the year's accesses opened; `figures` says how many full
/// cases come from earlier years and how many are archived in the year.
pub(super) fn build(
    draw: &mut Draw,
    desk: &str,
    year: i32,
    last_day: NaiveDate,
    figures: &CaseFigures,
    opened: &[(NaiveDate, CaseType)],
) -> Vec<StoredCase> {
    let first_day = NaiveDate::from_ymd_opt(year, 1, 1).expect("1 January exists");
    let earlier = NaiveDate::from_ymd_opt(year - 2, 1, 1).expect("1 January exists");
    let mut carried: Vec<NaiveDate> = (0..figures.carried_in)
        .map(|_| day_between(draw, earlier, first_day - Days::new(10)))
        .collect();
    carried.sort_unstable();
    let mut full: Vec<StoredCase> = carried
        .into_iter()
        .map(|d| case(draw, desk, CaseType::Full, d))
        .collect();
    let mut fast = Vec::new();
    for &(day, kind) in opened {
        let c = case(draw, desk, kind, day);
        match kind {
            CaseType::Full => full.push(c),
            CaseType::Fast => fast.push(c),
        }
    }
    // full: the carried-in first, then the year's in opening order; the last stay open
    let archived = (figures.archived as usize).min(full.len());
    for c in &mut full[..archived] {
        let from = c.opened_on.max(first_day);
        c.closed_on = Some(day_between(draw, from, last_day));
    }
    // a fast accompaniment is answered within days (never after the last day written)
    for c in &mut fast {
        let answered = c.opened_on + Days::new(1 + draw.below(10));
        c.closed_on = Some(answered.min(last_day).max(c.opened_on));
    }
    full.extend(fast);
    full
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_cases_give_the_figures_asked_for() {
        let mut draw = Draw::new(2023, "FOL");
        let figures = CaseFigures {
            carried_in: 6,
            opened: 2,
            archived: 7,
            fast: 1,
        };
        let opened = [
            (day("2023-02-01"), CaseType::Full),
            (day("2023-03-01"), CaseType::Fast),
            (day("2023-11-30"), CaseType::Full),
        ];
        let cases = build(&mut draw, "FOL", 2023, day("2023-12-31"), &figures, &opened);
        let (from, to) = (day("2023-01-01"), day("2023-12-31"));
        let full: Vec<_> = cases
            .iter()
            .filter(|c| c.case_type == Some(CaseType::Full))
            .collect();
        let carried_in = full.iter().filter(|c| c.opened_on < from).count();
        let archived = full
            .iter()
            .filter(|c| c.closed_on.is_some_and(|d| (from..=to).contains(&d)))
            .count();
        assert_eq!((full.len(), carried_in, archived), (8, 6, 7));
        assert!(
            full.iter()
                .all(|c| c.closed_on.is_none_or(|d| d >= c.opened_on)),
            "never closed before opened"
        );
        let pending: Vec<_> = full.iter().filter(|c| c.closed_on.is_none()).collect();
        assert_eq!(
            pending[0].opened_on,
            day("2023-11-30"),
            "the latest stays open"
        );
        assert_eq!(cases.len(), 9);
    }
}
