//! Publishing a table with small-cell protection.
//!
//! A [`Table`] is what a published format writes: a [`Heading`] (title, row and column headers),
//! exact counts, whether it describes people's characteristics, and which totals it
//! shows. [`suppress`] turns it into a [`Published`] table in which, when the table is
//! about people, no count below `k` can be read or worked out:
//!
//! 1. primary suppression: every count below `k` (cells and shown totals alike) is
//!    shown as `<k`;
//! 2. complementary suppression: as long as some suppressed value could be computed
//!    from what is shown (a row or column whose total is shown with exactly one
//!    suppressed value in it, or a combination of rows and columns), one more value is
//!    withheld: the smallest remaining one of the line that gives it away, cells
//!    before totals, preferring one that closes the leak at once. It is shown as `x`:
//!    it is not below `k`, and `<k` would be false.
//!
//! "Could be computed" is exact linear algebra: the shown totals make every row and
//! column an equation (cells sum to their total); a suppressed value is given away when
//! it is the same in every solution of those equations. The published table carries no
//! exact count of a suppressed value, so nothing downstream can leak it. Protection is
//! per table: the formats publish the same totals in every table that repeats them.

use serde::{Deserialize, Serialize};

/// The default threshold: counts below 5 are not published.
pub const DEFAULT_K: i64 = 5;

/// A row or column header: a code and its Italian label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub code: String,
    pub label: String,
}

/// What a table is about and how it is laid out, the same in its exact and its
/// published form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heading {
    /// Stable identifier of the table (`accesses`, `age_by_sex`, ...).
    pub id: String,
    /// Italian title.
    pub title: String,
    /// The desk the table is about, or `"ALL"`.
    pub desk: String,
    /// The name of what the rows are (`month`, `age_band`); `None` for a one-row table.
    pub row_dimension: Option<String>,
    /// The name of what the columns are (`channel_group`, `sex`, ...).
    pub column_dimension: String,
    /// One header per row (a one-row table has one header, empty code).
    pub rows: Vec<Header>,
    pub columns: Vec<Header>,
}

/// A table as the report publishes it, with exact counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    pub heading: Heading,
    /// `counts[row][column]`, every value at least 0.
    pub counts: Vec<Vec<i64>>,
    /// Whether the counts describe people's characteristics (age, sex, nationality,
    /// reasons, ...): only those are protected.
    pub about_people: bool,
    /// Each row's total is shown (the sum of its cells).
    pub row_totals: bool,
    /// Each column's total is shown (the sum of its cells).
    pub column_totals: bool,
}

/// A published value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cell {
    Count(i64),
    /// Withheld because the value is below `below`: written `<below` (`<5`).
    Suppressed {
        below: i64,
    },
    /// Withheld only so that a small value elsewhere cannot be worked out: the value
    /// itself is not small, so it is written `x`, never `<5` (that would be false).
    Withheld,
}

impl std::fmt::Display for Cell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Cell::Count(n) => write!(f, "{n}"),
            Cell::Suppressed { below } => write!(f, "<{below}"),
            Cell::Withheld => f.write_str("x"),
        }
    }
}

/// A table ready to print: [`Table`]'s heading with published values only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Published {
    pub heading: Heading,
    /// `cells[row][column]`.
    pub cells: Vec<Vec<Cell>>,
    /// Each row's total, when the table shows them.
    pub row_totals: Option<Vec<Cell>>,
    /// Each column's total, when the table shows them.
    pub column_totals: Option<Vec<Cell>>,
    /// The total of the whole table, when it shows both row and column totals.
    pub grand_total: Option<Cell>,
}

/// The table with every value exact (the coordinator's internal copy, `--exact`).
pub fn exact(table: &Table) -> Published {
    publish(table, &Grid::of(table), None)
}

/// The table with small cells protected by threshold `k` (see the module doc); a
/// table not about people, or `k` of 0 or less, is published exact.
pub fn suppress(table: &Table, k: i64) -> Published {
    let grid = Grid::of(table);
    if !table.about_people || k <= 0 {
        return publish(table, &grid, None);
    }
    let mut hidden: Vec<bool> = grid.values.iter().map(|v| *v < k).collect();
    while let Some(leak) = (0..grid.len()).find(|&e| hidden[e] && grid.determined(&hidden, e)) {
        // Unsuppressed values, smallest first, cells before totals.
        let mut candidates: Vec<usize> = (0..grid.len()).filter(|&e| !hidden[e]).collect();
        candidates.sort_by_key(|&e| (grid.is_total(e), grid.values[e], e));
        let closes = |c: usize| {
            let mut h = hidden.clone();
            h[c] = true;
            !grid.determined(&h, leak)
        };
        let shares_line = |c: usize| {
            grid.lines
                .iter()
                .any(|l| l.contains(&leak) && l.contains(&c))
        };
        let pick = candidates
            .iter()
            .copied()
            .find(|&c| shares_line(c) && closes(c))
            .or_else(|| candidates.iter().copied().find(|&c| closes(c)))
            .or_else(|| candidates.iter().copied().find(|&c| shares_line(c)))
            .or_else(|| candidates.first().copied());
        match pick {
            Some(c) => hidden[c] = true,
            // everything is withheld already: nothing can be worked out
            None => break,
        }
    }
    publish(table, &grid, Some((&hidden, k)))
}

fn publish(table: &Table, grid: &Grid, hidden: Option<(&[bool], i64)>) -> Published {
    let cell = |i: usize, j: usize| {
        let e = grid.index(i, j);
        match hidden {
            Some((h, k)) if h[e] && grid.values[e] < k => Cell::Suppressed { below: k },
            Some((h, _)) if h[e] => Cell::Withheld,
            _ => Cell::Count(grid.values[e]),
        }
    };
    let (r, c) = (grid.rows, grid.cols);
    Published {
        heading: table.heading.clone(),
        cells: (0..r)
            .map(|i| (0..c).map(|j| cell(i, j)).collect())
            .collect(),
        row_totals: table
            .row_totals
            .then(|| (0..r).map(|i| cell(i, c)).collect()),
        column_totals: table
            .column_totals
            .then(|| (0..c).map(|j| cell(r, j)).collect()),
        grand_total: (table.row_totals && table.column_totals).then(|| cell(r, c)),
    }
}

/// The table with its shown totals, as one grid of values (totals in the last row and
/// column), and the equations the totals make: each line's cells sum to its total.
struct Grid {
    rows: usize,
    cols: usize,
    width: usize,
    values: Vec<i64>,
    /// Each line: its cells' indexes, the total's index last.
    lines: Vec<Vec<usize>>,
}

impl Grid {
    fn of(t: &Table) -> Grid {
        let (rows, cols) = (t.heading.rows.len(), t.heading.columns.len());
        let height = rows + usize::from(t.column_totals);
        let width = cols + usize::from(t.row_totals);
        let at = |i: usize, j: usize| -> i64 {
            match (i < rows, j < cols) {
                (true, true) => t.counts[i][j],
                (true, false) => t.counts[i].iter().sum(),
                (false, true) => t.counts.iter().map(|r| r[j]).sum(),
                (false, false) => t.counts.iter().flatten().sum(),
            }
        };
        let values = (0..height)
            .flat_map(|i| (0..width).map(move |j| (i, j)))
            .map(|(i, j)| at(i, j))
            .collect();
        let mut lines = Vec::new();
        if t.row_totals {
            for i in 0..height {
                lines.push((0..width).map(|j| i * width + j).collect());
            }
        }
        if t.column_totals {
            for j in 0..width {
                lines.push((0..height).map(|i| i * width + j).collect());
            }
        }
        Grid {
            rows,
            cols,
            width,
            values,
            lines,
        }
    }

    fn len(&self) -> usize {
        self.values.len()
    }

    fn index(&self, i: usize, j: usize) -> usize {
        i * self.width + j
    }

    fn is_total(&self, e: usize) -> bool {
        e / self.width >= self.rows || e % self.width >= self.cols
    }

    /// Whether the value at `e`, hidden, is the same in every solution of the lines'
    /// equations given the values not hidden.
    fn determined(&self, hidden: &[bool], e: usize) -> bool {
        let unknowns: Vec<usize> = (0..self.len()).filter(|&x| hidden[x]).collect();
        let equations: Vec<Vec<f64>> = self
            .lines
            .iter()
            .map(|line| {
                let total = *line.last().expect("a line has a total");
                unknowns
                    .iter()
                    .map(|u| match (line.contains(u), *u == total) {
                        (false, _) => 0.0,
                        (true, false) => 1.0,
                        (true, true) => -1.0,
                    })
                    .collect()
            })
            .collect();
        let target = unknowns.iter().position(|&u| u == e).expect("e is hidden");
        determined_unknown(equations, unknowns.len(), target)
    }
}

/// Whether unknown `target` takes one value in every solution of the linear system
/// whose coefficient rows are `m` (over `n` unknowns): reduce `m` to row echelon form;
/// `target` is fixed when it is a pivot whose row has no free unknown in it.
fn determined_unknown(mut m: Vec<Vec<f64>>, n: usize, target: usize) -> bool {
    const EPS: f64 = 1e-9;
    let mut pivots = Vec::new();
    let mut row = 0;
    for col in 0..n {
        let Some(p) = (row..m.len()).find(|&r| m[r][col].abs() > EPS) else {
            continue;
        };
        m.swap(row, p);
        let lead = m[row][col];
        for x in m[row].iter_mut() {
            *x /= lead;
        }
        for r in 0..m.len() {
            if r != row && m[r][col].abs() > EPS {
                let f = m[r][col];
                let pivot_row = m[row].clone();
                for (x, y) in m[r].iter_mut().zip(pivot_row) {
                    *x -= f * y;
                }
            }
        }
        pivots.push(col);
        row += 1;
    }
    match pivots.iter().position(|&c| c == target) {
        None => false,
        Some(r) => (0..n)
            .filter(|c| !pivots.contains(c))
            .all(|free| m[r][free].abs() <= EPS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn table(counts: Vec<Vec<i64>>, row_totals: bool, column_totals: bool) -> Table {
        let h = |n: usize, p: &str| -> Vec<Header> {
            (0..n)
                .map(|i| Header {
                    code: format!("{p}{i}"),
                    label: format!("{p}{i}"),
                })
                .collect()
        };
        Table {
            heading: Heading {
                id: "t".into(),
                title: "t".into(),
                desk: "GRO".into(),
                row_dimension: Some("r".into()),
                column_dimension: "c".into(),
                rows: h(counts.len(), "r"),
                columns: h(counts[0].len(), "c"),
            },
            counts,
            about_people: true,
            row_totals,
            column_totals,
        }
    }

    /// The published table as a grid (totals last) of `Some(shown)` / `None`
    /// (suppressed), and its equations: each shown line's entries, the total last.
    /// A grid of shown values (`None` = suppressed) and its lines of positions.
    type Shown = (Vec<Vec<Option<i64>>>, Vec<Vec<(usize, usize)>>);

    fn shown(p: &Published) -> Shown {
        let v = |c: &Cell| match c {
            Cell::Count(n) => Some(*n),
            Cell::Suppressed { .. } | Cell::Withheld => None,
        };
        let mut grid: Vec<Vec<Option<i64>>> = p
            .cells
            .iter()
            .enumerate()
            .map(|(i, row)| {
                let mut r: Vec<_> = row.iter().map(v).collect();
                if let Some(t) = &p.row_totals {
                    r.push(v(&t[i]));
                }
                r
            })
            .collect();
        if let Some(t) = &p.column_totals {
            let mut r: Vec<_> = t.iter().map(v).collect();
            if let Some(g) = &p.grand_total {
                r.push(v(g));
            }
            grid.push(r);
        }
        let (h, w) = (grid.len(), grid[0].len());
        let mut lines = Vec::new();
        if p.row_totals.is_some() {
            lines.extend((0..h).map(|i| (0..w).map(|j| (i, j)).collect()));
        }
        if p.column_totals.is_some() {
            lines.extend((0..w).map(|j| (0..h).map(|i| (i, j)).collect()));
        }
        (grid, lines)
    }

    /// Rank of an integer matrix over the rationals (fraction-free elimination).
    fn rank(mut m: Vec<Vec<i128>>) -> usize {
        let mut rank = 0;
        let cols = m.first().map_or(0, Vec::len);
        for c in 0..cols {
            let Some(p) = (rank..m.len()).find(|&r| m[r][c] != 0) else {
                continue;
            };
            m.swap(rank, p);
            for r in rank + 1..m.len() {
                let (a, b) = (m[rank][c], m[r][c]);
                if b != 0 {
                    let pivot = m[rank].clone();
                    for (x, y) in m[r].iter_mut().zip(pivot) {
                        *x = *x * a - y * b;
                    }
                }
            }
            rank += 1;
        }
        rank
    }

    /// The suppressed entries that the shown values and totals determine: those whose
    /// unit vector lies in the row space of the equations (adding it keeps the rank).
    fn recomputable(p: &Published) -> Vec<(usize, usize)> {
        let (grid, lines) = shown(p);
        let unknowns: Vec<(usize, usize)> = (0..grid.len())
            .flat_map(|i| (0..grid[0].len()).map(move |j| (i, j)))
            .filter(|&(i, j)| grid[i][j].is_none())
            .collect();
        let equations: Vec<Vec<i128>> = lines
            .iter()
            .map(|line| {
                let total = *line.last().unwrap();
                unknowns
                    .iter()
                    .map(|u| match (line.contains(u), *u == total) {
                        (false, _) => 0,
                        (true, false) => 1,
                        (true, true) => -1,
                    })
                    .collect()
            })
            .collect();
        let base = rank(equations.clone());
        unknowns
            .iter()
            .enumerate()
            .filter(|(k, _)| {
                let mut m = equations.clone();
                m.push((0..unknowns.len()).map(|x| i128::from(x == *k)).collect());
                rank(m) == base
            })
            .map(|(_, u)| *u)
            .collect()
    }

    #[test]
    fn a_lone_small_cell_takes_the_smallest_of_its_row_along() {
        let t = table(vec![vec![3, 40, 12], vec![20, 30, 25]], true, false);
        let p = suppress(&t, 5);
        assert_eq!(p.cells[0][0], Cell::Suppressed { below: 5 });
        assert_eq!(
            p.cells[0][2],
            Cell::Withheld,
            "12 is the smallest left, and not small: written x, not <5"
        );
        assert_eq!(p.cells[0][2].to_string(), "x");
        assert_eq!(p.cells[0][1], Cell::Count(40));
        assert_eq!(
            p.cells[1],
            [Cell::Count(20), Cell::Count(30), Cell::Count(25)]
        );
        assert_eq!(
            p.row_totals.as_deref(),
            Some(&[Cell::Count(55), Cell::Count(75)][..])
        );
        assert_eq!(p.cells[0][0].to_string(), "<5");
    }

    #[test]
    fn a_leak_through_rows_and_columns_together_is_closed() {
        // Two blocks of small cells, each row and column holding two of them: the
        // cell (1, 2) joins the blocks, and without a further suppression the totals
        // of rows 0-1 against columns 0-1 would give it away.
        let t = table(
            vec![
                vec![1, 2, 30, 40],
                vec![3, 4, 3, 50],
                vec![60, 70, 1, 2],
                vec![80, 90, 3, 4],
            ],
            true,
            true,
        );
        let p = suppress(&t, 5);
        assert_eq!(recomputable(&p), [], "{p:?}");
    }

    #[test]
    fn tables_not_about_people_and_exact_copies_show_every_count() {
        let mut t = table(vec![vec![1, 2]], true, true);
        assert!(matches!(
            suppress(&t, 5).cells[0][0],
            Cell::Suppressed { .. }
        ));
        assert_eq!(exact(&t).cells[0], [Cell::Count(1), Cell::Count(2)]);
        t.about_people = false;
        assert_eq!(suppress(&t, 5).grand_total, Some(Cell::Count(3)));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn no_suppressed_value_can_be_worked_out(
            (rows, cols) in (1usize..6, 1usize..5),
            seed in prop::collection::vec(0i64..25, 30),
            row_totals: bool,
            column_totals: bool,
            k in 1i64..8,
        ) {
            let counts: Vec<Vec<i64>> = (0..rows)
                .map(|i| (0..cols).map(|j| seed[i * cols + j]).collect())
                .collect();
            let t = table(counts.clone(), row_totals, column_totals);
            let p = suppress(&t, k);
            for (i, row) in counts.iter().enumerate() {
                for (j, n) in row.iter().enumerate() {
                    match p.cells[i][j] {
                        Cell::Count(shown) => {
                            prop_assert!(shown >= k, "{shown} below {k} shown");
                            prop_assert_eq!(shown, *n);
                        }
                        Cell::Suppressed { below } => {
                            prop_assert_eq!(below, k);
                            prop_assert!(*n < k, "{n} written <{k}");
                        }
                        Cell::Withheld => prop_assert!(*n >= k, "{n} below {k} written x"),
                    }
                }
            }
            // by row and by column: no line with a shown total has exactly one gap
            let (grid, lines) = shown(&p);
            for line in &lines {
                let gaps = line.iter().filter(|(i, j)| grid[*i][*j].is_none()).count();
                prop_assert!(gaps != 1, "a line with one gap: {:?}", p);
            }
            // and no combination of rows and columns gives a value away
            prop_assert_eq!(recomputable(&p), vec![], "{:?}", p);
        }
    }
}
