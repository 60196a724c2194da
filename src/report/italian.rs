//! Figures written the Italian way, as the activity report prints them: thousands
//! grouped by a dot (`9.657`), a decimal comma (`12,4%`), a sign on changes (`+603`,
//! `-3,0%`), and a protected value as its marker (`<5`, `x`). The printable report and
//! the charts' axes share these, so a figure reads the same in a table and on a chart.

use super::publish::Cell;

/// A whole number, thousands grouped by `.`: `9657` -> `9.657`, `-1234` -> `-1.234`.
pub fn number(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(d);
    }
    out
}

/// A change: `+603`, `-12`, `0`.
pub fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{}", number(n))
    } else {
        number(n)
    }
}

/// A percentage with one decimal and a decimal comma: `12.4` -> `12,4%`, `1234.5` ->
/// `1.234,5%`.
pub fn percent(p: f64) -> String {
    let tenths = (p * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let whole = number((tenths / 10).abs());
    format!("{sign}{whole},{}%", (tenths % 10).abs())
}

/// A change in per cent: `+7,3%`, `-3,0%`, `0,0%`.
pub fn signed_percent(p: f64) -> String {
    if (p * 10.0).round() > 0.0 {
        format!("+{}", percent(p))
    } else {
        percent(p)
    }
}

/// A published value: a count in Italian, or its marker (`<5`, `x`).
pub fn cell(c: Cell) -> String {
    match c {
        Cell::Count(n) => number(n),
        marker => marker.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_read_as_the_report_prints_them() {
        assert_eq!(number(0), "0");
        assert_eq!(number(976), "976");
        assert_eq!(number(9657), "9.657");
        assert_eq!(number(1_100_000), "1.100.000");
        assert_eq!(number(-1234), "-1.234");
        assert_eq!(signed(603), "+603");
        assert_eq!(signed(-5054), "-5.054");
        assert_eq!(signed(0), "0");
        assert_eq!(percent(12.4), "12,4%");
        assert_eq!(percent(0.0), "0,0%");
        assert_eq!(percent(1234.5), "1.234,5%");
        assert_eq!(percent(-3.0), "-3,0%");
        assert_eq!(percent(-0.4), "-0,4%", "the sign of a change below one");
        assert_eq!(signed_percent(7.3), "+7,3%");
        assert_eq!(signed_percent(-3.0), "-3,0%");
        assert_eq!(cell(Cell::Count(1427)), "1.427");
        assert_eq!(cell(Cell::Suppressed { below: 5 }), "<5");
        assert_eq!(cell(Cell::Withheld), "x");
    }
}
