//! The report's charts, drawn as SVG with plotters: for one desk (or `"ALL"`), the
//! accesses per month by channel group, the top five nationalities, the accesses by age
//! band and sex, and the top five reasons.
//!
//! **Only published values.** A chart reads the published tables
//! ([`super::layout::published`]), never the exact counts, so a chart of a protected
//! report can show nothing its tables do not. A protected value (`<5`, `x`) gets no
//! bar: its marker is written where the bar would stand, so it reads as protected, not
//! as zero. A sex whose total is protected or zero is left out of the age chart (its
//! table shows that total as `<k`). The volumes (months) are never protected. The
//! report view asks for the exact tables, as its own tables are exact.
//!
//! **Text.** Labels are measured with DejaVu Sans, embedded in the binary
//! (`fonts/DejaVuSans.ttf`, Bitstream Vera licence beside it), so the layout is the
//! same on every machine, fonts installed or not; the SVG asks for
//! `DejaVu Sans, sans-serif`, which WebKit finds on a desk PC (a close sans-serif
//! otherwise). The same tables always give the same SVG text. A chart with nothing to
//! draw (no accesses) says so instead of drawing empty axes.

use std::error::Error as StdError;
use std::iter::once;
use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::{Deserialize, Serialize};

use super::italian;
use super::publish::{Cell, Published};
use crate::{Error, Result};

/// The family the SVG names, and the name the embedded font is registered under.
const FAMILY: &str = "DejaVu Sans, sans-serif";
static FONT: &[u8] = include_bytes!("../../fonts/DejaVuSans.ttf");

/// plotters writes a font size of `size / 1.24` into the SVG: sizes are given in
/// pixels of the drawing and multiplied by this.
const PLOTTERS_EM: f64 = 1.24;
const LABEL_PX: f64 = 11.0;
const LEGEND_H: u32 = 22;

const INK: RGBColor = RGBColor(0x22, 0x22, 0x22);
const MUTED: RGBColor = RGBColor(0x55, 0x55, 0x55);
const GRID: RGBColor = RGBColor(0xD0, 0xD0, 0xD0);
/// Series colours, in series order: dark blue, orange, grey, green, purple.
const PALETTE: [RGBColor; 5] = [
    RGBColor(0x1F, 0x4E, 0x79),
    RGBColor(0xE0, 0x7B, 0x24),
    RGBColor(0x8A, 0x8A, 0x8A),
    RGBColor(0x2E, 0x8B, 0x57),
    RGBColor(0x7B, 0x4F, 0x9D),
];

/// What the chart says when there is nothing to draw.
pub const NO_DATA: &str = "Nessun dato";

/// The four charts, in the order the report shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Months,
    Nationalities,
    AgeBySex,
    Reasons,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::Months,
        Kind::Nationalities,
        Kind::AgeBySex,
        Kind::Reasons,
    ];

    /// The Italian title (the desk apart).
    pub fn title(self) -> &'static str {
        match self {
            Kind::Months => "Accessi per mese e canale",
            Kind::Nationalities => "Principali nazionalità",
            Kind::AgeBySex => "Accessi per fascia di età e genere",
            Kind::Reasons => "Richieste principali",
        }
    }

    /// The published table the chart draws (a table id of [`super::layout::TABLE_IDS`]).
    pub fn table(self) -> &'static str {
        match self {
            Kind::Months => "months",
            Kind::Nationalities => "top_nationalities",
            Kind::AgeBySex => "age_by_sex",
            Kind::Reasons => "top_reasons",
        }
    }

    /// Width and height in pixels (CSS pixels: 680 is the 180 mm of an A4 page's text
    /// width, so the four charts of a desk fit one page with their titles).
    pub fn size(self) -> (u32, u32) {
        match self {
            Kind::Months => (680, 250),
            Kind::AgeBySex => (680, 220),
            Kind::Nationalities | Kind::Reasons => (680, 170),
        }
    }

    /// Rankings are drawn as horizontal bars, their labels on the left.
    fn horizontal(self) -> bool {
        matches!(self, Kind::Nationalities | Kind::Reasons)
    }
}

/// One chart of one desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chart {
    pub kind: Kind,
    /// The desk code, or `"ALL"`.
    pub desk: String,
    /// The Italian title, without the desk (the SVG's own `<title>` names it too).
    pub title: String,
    pub width: u32,
    pub height: u32,
    /// Nothing to draw: the chart says [`NO_DATA`].
    pub empty: bool,
    /// The SVG document (`<svg ...>...</svg>`), standalone.
    pub svg: String,
}

/// The four charts of `desk` (a desk code or `"ALL"`) from the published `tables`; a
/// desk without a table draws "no data" charts.
pub fn for_desk(tables: &[Published], desk: &str) -> Result<Vec<Chart>> {
    Kind::ALL
        .iter()
        .map(|&kind| {
            let table = tables
                .iter()
                .find(|t| t.heading.id == kind.table() && t.heading.desk == desk);
            let bars = table.map(|t| bars(kind, t)).unwrap_or_default();
            draw(kind, desk, &bars)
        })
        .collect()
}

/// The charts of the report view for `year`: those of `desk`, or of every desk's sum
/// when `desk` is `None`; published with threshold `k`, or exact when `k` is `None`.
pub fn of_year(
    conn: &rusqlite::Connection,
    year: i32,
    desk: Option<&str>,
    k: Option<i64>,
) -> Result<Vec<Chart>> {
    let tables = super::tables::build(conn, year, desk)?;
    for_desk(&super::layout::published(&tables, k), desk.unwrap_or("ALL"))
}

/// A series: its legend label and its colour (an index of [`PALETTE`]).
#[derive(Debug, Clone, PartialEq)]
struct Series {
    label: String,
    color: usize,
}

/// What a chart draws: categories along an axis, one bar per series in each.
#[derive(Debug, Clone, Default, PartialEq)]
struct Bars {
    categories: Vec<String>,
    series: Vec<Series>,
    /// `values[category][series]`.
    values: Vec<Vec<Cell>>,
}

impl Bars {
    fn max(&self) -> i64 {
        self.cells()
            .filter_map(|c| match c {
                Cell::Count(n) => Some(n),
                _ => None,
            })
            .max()
            .unwrap_or(0)
    }

    /// Nothing but zeros (or nothing at all).
    fn is_empty(&self) -> bool {
        self.series.is_empty() || self.cells().all(|c| c == Cell::Count(0))
    }

    fn cells(&self) -> impl Iterator<Item = Cell> + '_ {
        self.values.iter().flatten().copied()
    }
}

/// The bars of the chart `kind` from its published table.
fn bars(kind: Kind, t: &Published) -> Bars {
    let h = &t.heading;
    let series = |columns: &[usize]| -> Vec<Series> {
        columns
            .iter()
            .map(|&j| Series {
                label: h.columns[j].label.clone(),
                color: j % PALETTE.len(),
            })
            .collect()
    };
    match kind {
        Kind::Months => Bars {
            // "Gennaio" -> "Gen": the Italian months are told apart by three letters
            categories: h
                .rows
                .iter()
                .map(|r| r.label.chars().take(3).collect())
                .collect(),
            series: series(&(0..h.columns.len()).collect::<Vec<_>>()),
            values: t.cells.clone(),
        },
        Kind::AgeBySex => {
            // a sex with a protected or zero total is left out
            let kept: Vec<usize> = (0..h.columns.len())
                .filter(|&j| {
                    let total = t.column_totals.as_ref().map(|c| c[j]);
                    !matches!(total, Some(Cell::Count(0) | Cell::Suppressed { .. }))
                })
                .collect();
            Bars {
                categories: h.rows.iter().map(|r| r.label.clone()).collect(),
                series: series(&kept),
                values: t
                    .cells
                    .iter()
                    .map(|row| kept.iter().map(|&j| row[j]).collect())
                    .collect(),
            }
        }
        Kind::Nationalities | Kind::Reasons => Bars {
            categories: h.columns.iter().map(|c| c.label.clone()).collect(),
            series: vec![Series {
                label: "Accessi".into(),
                color: 0,
            }],
            values: t
                .cells
                .first()
                .map(|row| row.iter().map(|c| vec![*c]).collect())
                .unwrap_or_default(),
        },
    }
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Drawn = std::result::Result<(), Box<dyn StdError>>;

fn draw(kind: Kind, desk: &str, bars: &Bars) -> Result<Chart> {
    let (width, height) = kind.size();
    let empty = bars.is_empty();
    let mut svg = String::new();
    {
        register_font();
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        let drawn: Drawn = (|| {
            root.fill(&WHITE)?;
            match (empty, kind.horizontal()) {
                (true, _) => no_data(&root)?,
                (false, true) => horizontal(&root, bars)?,
                (false, false) => vertical(&root, bars)?,
            }
            root.present()?;
            Ok(())
        })();
        drawn.map_err(|e| {
            Error::invalid(
                "chart",
                format!("the chart {kind:?} could not be drawn: {e}"),
            )
        })?;
    }
    let desk_name = if desk == "ALL" { "Totale" } else { desk };
    let title = kind.title().to_string();
    Ok(Chart {
        kind,
        desk: desk.to_string(),
        svg: titled(&svg, &format!("{title} ({desk_name})")),
        title,
        width,
        height,
        empty,
    })
}

/// The embedded font, registered once per process.
fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let registered = plotters::style::register_font(FAMILY, FontStyle::Normal, FONT);
        assert!(
            registered.is_ok(),
            "the embedded DejaVu Sans is a valid font"
        );
    });
}

fn text(px: f64, color: &'static RGBColor) -> TextStyle<'static> {
    TextStyle::from((FAMILY, px * PLOTTERS_EM).into_font()).color(color)
}

fn width_of(area: &Area, s: &str) -> i32 {
    area.estimate_text_size(s, &text(LABEL_PX, &INK))
        .map(|(w, _)| w as i32)
        .unwrap_or(0)
}

/// `s`, cut with "…" so that it is at most `max` pixels wide.
fn fit(area: &Area, s: &str, max: i32) -> String {
    if width_of(area, s) <= max {
        return s.to_string();
    }
    let mut chars: Vec<char> = s.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let cut = format!("{}…", chars.iter().collect::<String>().trim_end());
        if width_of(area, &cut) <= max {
            return cut;
        }
    }
    "…".into()
}

/// The top of the count axis: a round number above `max` with room to spare
/// (`room` = 1.1 leaves a tenth above the highest bar).
fn axis_top(max: i64, room: f64) -> i64 {
    let target = (max.max(1) as f64 * room).max(1.0);
    let magnitude = 10f64.powf(target.log10().floor());
    let step = [1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|v| *v >= target)
        .unwrap_or(10.0 * magnitude);
    (step.ceil() as i64).max(1)
}

/// Small squares with the series' labels, left to right from `left`.
fn legend(area: &Area, series: &[Series], left: i32) -> Drawn {
    let style = text(LABEL_PX, &INK).pos(Pos::new(HPos::Left, VPos::Center));
    let y = LEGEND_H as i32 / 2 + 2;
    let mut x = left;
    for s in series {
        area.draw(&Rectangle::new(
            [(x, y - 5), (x + 10, y + 5)],
            PALETTE[s.color].filled(),
        ))?;
        area.draw_text(&s.label, &style, (x + 14, y))?;
        x += 14 + width_of(area, &s.label) + 18;
    }
    Ok(())
}

/// Grouped vertical bars: categories along the bottom, counts up the left.
fn vertical(root: &Area, bars: &Bars) -> Drawn {
    let n = bars.categories.len();
    let top = axis_top(bars.max(), 1.1);
    let y_area = width_of(root, &italian::number(top)) + 12;
    let body = if bars.series.len() > 1 {
        let (strip, body) = root.split_vertically(LEGEND_H);
        legend(&strip, &bars.series, y_area + 6)?;
        body
    } else {
        root.clone()
    };
    let mut chart = ChartBuilder::on(&body)
        .margin_top(8)
        .margin_right(10)
        .margin_left(6)
        .x_label_area_size(22)
        .y_label_area_size(y_area)
        .build_cartesian_2d(0f64..n as f64, 0i64..top)?;
    let format = |v: &i64| italian::number(*v);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_labels(6)
        .y_label_formatter(&format)
        .label_style(text(LABEL_PX, &INK))
        .axis_style(INK)
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .draw()?;
    let groups = bars.series.len().max(1) as f64;
    let (pad, width) = (0.12, 0.76 / groups);
    let marker = text(9.0, &MUTED).pos(Pos::new(HPos::Center, VPos::Bottom));
    let label = text(LABEL_PX, &INK).pos(Pos::new(HPos::Center, VPos::Top));
    for (i, row) in bars.values.iter().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            let x0 = i as f64 + pad + j as f64 * width;
            let color = PALETTE[bars.series[j].color];
            match cell {
                // no bar of zero height: a month without accesses is a gap
                Cell::Count(0) => {}
                Cell::Count(v) => {
                    chart.draw_series(once(Rectangle::new(
                        [(x0, 0), (x0 + width, *v)],
                        color.filled(),
                    )))?;
                }
                marker_cell => {
                    chart.draw_series(once(
                        EmptyElement::at((x0 + width / 2.0, 0))
                            + Text::new(marker_cell.to_string(), (0, -2), marker.clone()),
                    ))?;
                }
            }
        }
        let (x, y) = chart.backend_coord(&(i as f64 + 0.5, 0));
        root.draw_text(&bars.categories[i], &label, (x, y + 5))?;
    }
    Ok(())
}

/// Horizontal bars, one series, the first category on top: labels on the left, each
/// bar's count (or marker) at its end.
fn horizontal(root: &Area, bars: &Bars) -> Drawn {
    let n = bars.categories.len();
    let (width, _) = root.dim_in_pixel();
    let labels: Vec<String> = bars
        .categories
        .iter()
        .map(|l| fit(root, l, (width as f64 * 0.42) as i32))
        .collect();
    let label_area = labels.iter().map(|l| width_of(root, l)).max().unwrap_or(0) + 12;
    // room after the longest bar for its count
    let top = axis_top(bars.max(), 1.15);
    let mut chart = ChartBuilder::on(root)
        .margin_top(8)
        .margin_right(14)
        .margin_left(4)
        .x_label_area_size(22)
        .y_label_area_size(label_area)
        .build_cartesian_2d(0i64..top, 0f64..n as f64)?;
    let format = |v: &i64| italian::number(*v);
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(0)
        .x_labels(5)
        .x_label_formatter(&format)
        .label_style(text(LABEL_PX, &INK))
        .axis_style(INK)
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .draw()?;
    let at_end = text(LABEL_PX, &INK).pos(Pos::new(HPos::Left, VPos::Center));
    let marker = text(LABEL_PX, &MUTED).pos(Pos::new(HPos::Left, VPos::Center));
    let label = text(LABEL_PX, &INK).pos(Pos::new(HPos::Right, VPos::Center));
    for (i, row) in bars.values.iter().enumerate() {
        let middle = (n - i) as f64 - 0.5;
        let (y0, y1) = (middle - 0.32, middle + 0.32);
        match row.first().copied().unwrap_or(Cell::Count(0)) {
            Cell::Count(v) => {
                chart.draw_series(once(Rectangle::new(
                    [(0, y0), (v, y1)],
                    PALETTE[bars.series[0].color].filled(),
                )))?;
                chart.draw_series(once(
                    EmptyElement::at((v, middle))
                        + Text::new(italian::number(v), (4, 0), at_end.clone()),
                ))?;
            }
            protected => {
                chart.draw_series(once(
                    EmptyElement::at((0, middle))
                        + Text::new(protected.to_string(), (4, 0), marker.clone()),
                ))?;
            }
        }
        let (x, y) = chart.backend_coord(&(0, middle));
        root.draw_text(&labels[i], &label, (x - 6, y))?;
    }
    Ok(())
}

/// A framed chart that says there is nothing to draw.
fn no_data(root: &Area) -> Drawn {
    let (w, h) = root.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    root.draw(&Rectangle::new(
        [(0, 0), (w - 1, h - 1)],
        GRID.stroke_width(1),
    ))?;
    let style = text(13.0, &MUTED).pos(Pos::new(HPos::Center, VPos::Center));
    root.draw_text(NO_DATA, &style, (w / 2, h / 2))?;
    Ok(())
}

/// The SVG with a `<title>` (what screen readers and viewers announce) and
/// `role="img"`, for an SVG placed inline in a page.
fn titled(svg: &str, title: &str) -> String {
    let escaped = title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    let with_role = svg.replacen("<svg ", "<svg role=\"img\" ", 1);
    with_role.replacen(">\n", &format!(">\n<title>{escaped}</title>\n"), 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::publish::{self, Header, Heading, Table};

    fn header(code: &str, label: &str) -> Header {
        Header {
            code: code.into(),
            label: label.into(),
        }
    }

    fn table(id: &str, rows: Vec<Header>, columns: Vec<Header>, counts: Vec<Vec<i64>>) -> Table {
        let two_way = rows.len() > 1;
        Table {
            heading: Heading {
                id: id.into(),
                title: id.into(),
                desk: "GRO".into(),
                row_dimension: two_way.then(|| "row".into()),
                column_dimension: "column".into(),
                rows,
                columns,
            },
            counts,
            about_people: id != "months",
            row_totals: two_way,
            column_totals: two_way,
        }
    }

    fn months(front: [i64; 12], phone: [i64; 12]) -> Table {
        let rows = crate::report::tables::MONTHS
            .iter()
            .enumerate()
            .map(|(i, m)| header(&format!("{:02}", i + 1), m))
            .collect();
        let columns = vec![
            header("front_desk", "Front desk"),
            header("phone_mail", "Telefono/mail"),
        ];
        let counts = (0..12).map(|m| vec![front[m], phone[m]]).collect();
        table("months", rows, columns, counts)
    }

    fn ranking(id: &str, entries: &[(&str, i64)]) -> Table {
        let columns = entries.iter().map(|(l, _)| header(l, l)).collect();
        let counts = vec![entries.iter().map(|(_, n)| *n).collect()];
        table(id, vec![header("", "")], columns, counts)
    }

    fn age(counts: Vec<Vec<i64>>) -> Table {
        let rows = ["18-29", "30-39", "40-49"]
            .iter()
            .map(|b| header(b, b))
            .collect();
        let columns = vec![
            header("maschio", "Maschio"),
            header("femmina", "Femmina"),
            header("non_indicato", "Non indicato"),
        ];
        table("age_by_sex", rows, columns, counts)
    }

    fn chart(tables: &[Published], kind: Kind) -> Chart {
        for_desk(tables, "GRO")
            .unwrap()
            .into_iter()
            .find(|c| c.kind == kind)
            .unwrap()
    }

    /// The text drawn in the SVG, element by element.
    fn texts(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .map(|t| {
                let body = &t[t.find('>').unwrap() + 1..t.find("</text>").unwrap()];
                body.trim().replace("&lt;", "<").replace("&amp;", "&")
            })
            .collect()
    }

    /// The filled rectangles of a colour: bars, and the legend's square.
    fn rects(svg: &str, color: RGBColor) -> usize {
        let fill = format!("fill=\"#{:02X}{:02X}{:02X}\"", color.0, color.1, color.2);
        svg.lines()
            .filter(|l| l.starts_with("<rect") && l.contains(&fill))
            .count()
    }

    #[test]
    fn the_months_chart_has_a_bar_per_month_with_accesses_and_italian_labels() {
        let mut front = [0; 12];
        front[0] = 1200;
        front[2] = 30;
        front[11] = 7;
        let phone = [0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0];
        let c = chart(&[publish::exact(&months(front, phone))], Kind::Months);
        assert!(!c.empty);
        assert!(
            c.svg.starts_with("<svg "),
            "a standalone SVG: {}",
            &c.svg[..80]
        );
        assert!(c.svg.trim_end().ends_with("</svg>"));
        // a bar per non-zero month and series, plus the legend's square
        assert_eq!(rects(&c.svg, PALETTE[0]), 3 + 1, "front desk: three months");
        assert_eq!(rects(&c.svg, PALETTE[1]), 1 + 1, "telefono/mail: one month");
        let t = texts(&c.svg);
        for label in ["Gen", "Feb", "Dic", "Front desk", "Telefono/mail"] {
            assert!(t.iter().any(|x| x == label), "{label} in {t:?}");
        }
        assert!(
            t.iter().any(|x| x.contains('.') && x.len() > 3),
            "the count axis groups thousands the Italian way: {t:?}"
        );
        assert!(
            c.svg
                .contains("<title>Accessi per mese e canale (GRO)</title>")
        );
        assert_eq!((c.width, c.height), Kind::Months.size());
        assert!(
            c.svg
                .contains(&format!("viewBox=\"0 0 {} {}\"", c.width, c.height))
        );
    }

    #[test]
    fn empty_data_draws_a_no_data_chart_for_every_kind() {
        let zero = months([0; 12], [0; 12]);
        let none = ranking("top_reasons", &[]);
        let tables = [publish::exact(&zero), publish::exact(&none)];
        let charts = for_desk(&tables, "GRO").unwrap();
        assert_eq!(charts.len(), 4, "the four charts, even without data");
        for c in &charts {
            assert!(c.empty, "{:?}", c.kind);
            assert_eq!(texts(&c.svg), [NO_DATA], "{:?}: only the message", c.kind);
            assert_eq!(rects(&c.svg, PALETTE[0]), 0);
        }
        // a desk without any table at all
        let other = for_desk(&tables, "FOL").unwrap();
        assert!(other.iter().all(|c| c.empty));
    }

    #[test]
    fn a_protected_value_has_a_marker_and_no_bar() {
        let nat = ranking(
            "top_nationalities",
            &[("Marocco", 40), ("Romania", 12), ("Senegal", 3)],
        );
        let published = [publish::suppress(&nat, 5)];
        let c = chart(&published, Kind::Nationalities);
        let t = texts(&c.svg);
        assert!(t.contains(&"40".to_string()) && t.contains(&"12".to_string()));
        assert!(t.contains(&"<5".to_string()), "the marker: {t:?}");
        assert!(
            !t.contains(&"3".to_string()),
            "the small count is not written: {t:?}"
        );
        assert_eq!(
            rects(&c.svg, PALETTE[0]),
            2,
            "two bars, none for the protected one"
        );
        for label in ["Marocco", "Romania", "Senegal"] {
            assert!(t.iter().any(|x| x == label), "{label}");
        }
        // exact: every bar and count
        let exact = chart(&[publish::exact(&nat)], Kind::Nationalities);
        assert_eq!(rects(&exact.svg, PALETTE[0]), 3);
        assert!(texts(&exact.svg).contains(&"3".to_string()));
    }

    #[test]
    fn the_age_chart_leaves_out_a_sex_with_a_protected_or_zero_total() {
        let counts = vec![vec![20, 15, 1], vec![30, 2, 0], vec![8, 9, 0]];
        let protected = chart(
            &[publish::suppress(&age(counts.clone()), 5)],
            Kind::AgeBySex,
        );
        let t = texts(&protected.svg);
        assert!(
            !t.iter().any(|x| x == "Non indicato"),
            "total 1: left out: {t:?}"
        );
        assert!(t.iter().any(|x| x == "Maschio") && t.iter().any(|x| x == "Femmina"));
        assert!(
            t.iter().any(|x| x == "<5" || x == "x"),
            "the 2 women aged 30-39 are protected: {t:?}"
        );
        assert!(!t.contains(&"2".to_string()) || t.iter().all(|x| x != "2"));
        let exact = chart(&[publish::exact(&age(counts))], Kind::AgeBySex);
        assert!(
            texts(&exact.svg).iter().any(|x| x == "Non indicato"),
            "total 1, exact"
        );
        assert_eq!(
            rects(&exact.svg, PALETTE[2]),
            1 + 1,
            "one bar of the third sex, and its legend"
        );
        let nobody = vec![vec![20, 15, 0], vec![30, 2, 0], vec![8, 9, 0]];
        let exact = chart(&[publish::exact(&age(nobody))], Kind::AgeBySex);
        assert!(
            !texts(&exact.svg).iter().any(|x| x == "Non indicato"),
            "total 0"
        );
    }

    #[test]
    fn a_long_label_is_cut_to_fit_and_the_svg_is_the_same_every_time() {
        let long = "Permesso UE per soggiornanti di lungo periodo, con una coda ancora più lunga";
        let reasons = ranking("top_reasons", &[(long, 90), ("Casa <& co>", 10)]);
        let published = [publish::exact(&reasons)];
        let c = chart(&published, Kind::Reasons);
        let t = texts(&c.svg);
        assert!(
            t.iter()
                .any(|x| x.ends_with('…') && long.starts_with(x.trim_end_matches('…'))),
            "cut with an ellipsis: {t:?}"
        );
        assert!(
            c.svg.contains("Casa &lt;&amp; co&gt;"),
            "labels are escaped"
        );
        assert_eq!(c, chart(&published, Kind::Reasons), "deterministic");
    }

    #[test]
    fn the_count_axis_ends_on_a_round_number_above_the_highest_bar() {
        assert_eq!(axis_top(0, 1.1), 2);
        assert_eq!(axis_top(3, 1.1), 4);
        assert_eq!(axis_top(9, 1.1), 10);
        assert_eq!(axis_top(1200, 1.1), 1500);
        assert_eq!(axis_top(900, 1.1), 1000);
        assert_eq!(axis_top(2518, 1.15), 3000);
        assert_eq!(axis_top(4603, 1.15), 6000);
    }
}
