// The report view's decisions, without DOM or IPC: which year opens, the year keys,
// and the report's tables (the core's `Tables`, exact counts) turned into what the page
// draws: captions, column headers, row headers and formatted cells, in the order of the
// yearly report. report.js draws them; tests run this under node.
//
// A table here is `{id, caption, columns, rows, note, textCells}`: `columns` are the
// header texts (the first heads the row headers); `textCells` the indexes of the cells
// that hold words, not figures (aligned left, figures right); each row is `{head, cells, total}` with the cells
// already formatted in the current language (9.657 and 12,4% in Italian). The desks'
// tables keep the core's order: each desk by code, then `ALL`, the sum, which is left
// out when it would only repeat the one desk shown.

import { t, formatNumber, formatPercent } from '../i18n.js';
import { isYearInLimits } from '../limits.js';
import { formatDate } from '../dates.js';

const ALL = 'ALL';

/** The year the view opens on: the last with accesses, else the current one. */
export function defaultYear(years, currentYear) {
  return years?.last ?? currentYear;
}

/** The year `delta` away from `year`, kept within the limits. */
export function stepYear(year, delta) {
  const next = year + delta;
  return isYearInLimits(next) ? next : year;
}

/** The year typed, or null when it is not a year within the limits. */
export function parseYear(text) {
  const y = Number(String(text ?? '').trim());
  return isYearInLimits(y) ? y : null;
}

/** What a key press means on the page, or null: Alt+A / Alt+S the previous / next
 * year, Alt+D the desk, Alt+C the CSV, Alt+E the exact CSV, Alt+X the XLSX, Alt+P the
 * PDF. */
export function shortcut(e) {
  if (!e.altKey || e.ctrlKey || e.metaKey) return null;
  return {
    a: 'previousYear', s: 'nextYear', d: 'desk', c: 'saveCsv', e: 'saveExactCsv', x: 'saveXlsx',
    p: 'savePdf',
  }[e.key.toLowerCase()] ?? null;
}

/** The desks of the year, by code, without the sum: the desk selector's options. */
export function desksOf(tables) {
  return (tables?.accesses ?? []).map((a) => a.desk).filter((d) => d !== ALL);
}

/** The name a file is offered under in the save dialog. */
export function csvFileName(year, desk, exact) {
  return `rapporto-${year}${desk ? `-${desk}` : ''}${exact ? '-esatto' : ''}.csv`;
}

/** The name the published workbook (`xlsx`) or PDF (`pdf`) is offered under in the
 * save dialog. */
export function publishedFileName(year, desk, extension) {
  return `rapporto-${year}${desk ? `-${desk}` : ''}.${extension}`;
}

/**
 * The charts of the core (`{kind, title, width, height, empty, svg}`) as the page shows
 * them: `{kind, title, alt, src, width, height}`, the title in the current language and
 * the SVG as a `data:` URL for an `<img>` (the page's CSP allows `data:` images, and an
 * image runs no script whatever its text).
 */
export function chartImages(charts) {
  return (charts ?? []).map((c) => {
    const title = t(`report.chart.${c.kind}`);
    return {
      kind: c.kind,
      title,
      alt: c.empty ? t('report.chart.empty', { title }) : title,
      src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(c.svg)}`,
      width: c.width,
      height: c.height,
    };
  });
}

/** At most this many of a desk's days without records are listed under its line. */
export const LISTED_DAYS = 5;

/**
 * The "Completezza" box: per desk of the core's `completeness` (only `desk` when one is
 * chosen), `{desk, text, days, complete}`: `text` the line ("Follonica (FOL): manca il
 * file 37; 3 giorni di apertura senza registrazioni", or "...: completo"), `days` the
 * first days without records as dd/mm/yyyy ("…" after the fifth), or ''. A desk
 * without front-office hours is said to be unchecked, never called complete.
 */
export function completenessLines(list, desk = null, names = {}) {
  const deskName = names.desk ?? ((code) => code);
  return (list ?? []).filter((c) => !desk || c.desk === desk).map((c) => {
    const parts = [];
    const files = c.missing_files ?? [];
    if (files.length === 1) parts.push(t('report.complete.file', { file: files[0] }));
    else if (files.length > 1) parts.push(t('report.complete.files', { files: files.join(', ') }));
    const days = c.days_without_records ?? [];
    if (days.length === 1) parts.push(t('report.complete.day'));
    else if (days.length > 1) parts.push(t('report.complete.days', { count: formatNumber(days.length) }));
    if (c.opening_days === null || c.opening_days === undefined) parts.push(t('report.complete.noHours'));
    const complete = files.length === 0 && days.length === 0 && c.opening_days != null;
    if (complete) parts.push(t('report.complete.ok'));
    const listed = days.slice(0, LISTED_DAYS).map(formatDate);
    if (days.length > LISTED_DAYS) listed.push('…');
    return {
      desk: c.desk,
      text: `${deskName(c.desk)}: ${parts.join('; ')}`,
      days: listed.join(', '),
      complete,
    };
  });
}

const n = (v) => formatNumber(v);
const signed = (v) => (v > 0 ? `+${formatNumber(v)}` : formatNumber(v));
const signedPercent = (v) => (v > 0 ? `+${formatPercent(v)}` : formatPercent(v));

/**
 * The page of the report of `tables` for `desk` (a code, or null for every desk).
 * `names.desk(code)` names a desk and `names.label(list, code, italian)` a codebook
 * entry in the current language (both default to what the core sent).
 * Returns `{empty, tables}`; `empty` holds the message when the year has no records.
 */
export function reportPage(tables, desk = null, names = {}) {
  const deskName = names.desk ?? ((code) => code);
  const label = names.label ?? ((_list, _code, italian) => italian);
  const year = tables.year;
  const desks = desksOf(tables);
  if (desks.length === 0) return { empty: t('report.empty', { year }), tables: [] };
  // Every desk and the sum, or the desk asked for alone; the sum of a single desk
  // only repeats it.
  const shown = (d) => (desk ? d === desk : d !== ALL || desks.length > 1);
  const name = (d) => (d === ALL ? t('report.all') : deskName(d));
  const pick = (list) => list.filter((x) => shown(x.desk));

  const out = [];
  out.push({
    id: 'report-accesses',
    caption: t('report.accesses.caption', { year }),
    columns: [t('report.col.desk'), t('report.col.front_desk'), t('report.col.phone_mail'), t('report.col.total')],
    rows: pick(tables.accesses).map((a) => ({
      head: name(a.desk),
      cells: [n(a.accesses.front_desk), n(a.accesses.phone_mail), n(a.accesses.total)],
      total: a.desk === ALL,
    })),
  });

  for (const ty of pick(tables.typology)) out.push(typologyTable(ty, year, name, label));

  out.push({
    id: 'report-cases',
    caption: t('report.cases.caption', { year }),
    columns: [t('report.col.desk'), t('report.cases.total'), t('report.cases.carried_in'),
      t('report.cases.archived'), t('report.cases.carried_out'), t('report.cases.fast')],
    rows: pick(tables.cases).map(({ desk: d, cases: c }) => ({
      head: name(d),
      cells: [n(c.total), n(c.carried_in), n(c.archived), n(c.carried_out), n(c.fast)],
      total: d === ALL,
    })),
  });

  for (const m of pick(tables.months)) {
    const groups = ['front_desk', 'phone_mail', 'total'];
    out.push({
      id: `report-months-${m.desk}`,
      caption: t('report.months.caption', { desk: name(m.desk), year }),
      columns: [t('report.col.channel'), ...m.months.map((x) => t(`report.month.${x.month}`)), t('report.col.total')],
      rows: groups.map((g) => ({
        head: t(`report.col.${g}`),
        cells: [...m.months.map((x) => n(x[g])), n(m.months.reduce((s, x) => s + x[g], 0))],
        total: g === 'total',
      })),
    });
  }

  const comparison = pick(tables.comparison);
  out.push({
    id: 'report-comparison',
    caption: t('report.comparison.caption', { year, previous: year - 1 }),
    columns: [t('report.col.desk'), String(year - 1), String(year), t('report.col.difference'), t('report.col.change')],
    rows: comparison.map((c) => ({
      head: name(c.desk),
      cells: [n(c.previous.total), n(c.current.total), signed(c.difference.total), signedPercent(c.percent)],
      total: c.desk === ALL,
    })),
    note: comparison.length === 0 ? t('report.comparison.none', { previous: year - 1 }) : null,
  });

  for (const a of pick(tables.age_by_sex)) out.push(ageBySexTable(a, year, name, label));
  return { empty: null, tables: out };
}

/** A desk's typology: first accesses, Italians, the prevalent age band and sex, the top
 * five reasons and nationalities, each with its count and its share of the accesses. */
function typologyTable(ty, year, name, label) {
  const row = (head, share, list) => ({
    head,
    cells: share
      ? [list ? label(list, share.code, share.label) : '', n(share.count), formatPercent(share.percent)]
      : ['—', '', ''],
    total: false,
  });
  const ranked = (key, list, shares) => shares.map((s, i) => row(t(key, { rank: i + 1 }), s, list));
  return {
    id: `report-typology-${ty.desk}`,
    caption: t('report.typology.caption', { desk: name(ty.desk), year, accesses: n(ty.accesses) }),
    columns: [t('report.col.indicator'), t('report.col.value'), t('report.col.accesses'), t('report.col.share')],
    textCells: [0],
    rows: [
      row(t('report.typology.first_accesses'), ty.first_accesses, null),
      row(t('report.typology.italians'), ty.italians, null),
      row(t('report.typology.age_band'), ty.prevalent_age_band, 'age_band'),
      row(t('report.typology.sex'), ty.prevalent_sex, 'sex'),
      ...ranked('report.typology.reason', 'reason', ty.top_reasons),
      ...ranked('report.typology.nationality', 'nationality', ty.top_nationalities),
    ],
  };
}

/** A desk's accesses by age band (rows) and sex (columns), with the totals. */
function ageBySexTable(a, year, name, label) {
  const rowSums = a.counts.map((r) => r.reduce((s, v) => s + v, 0));
  const colSums = a.sexes.map((_, j) => a.counts.reduce((s, r) => s + r[j], 0));
  return {
    id: `report-age-${a.desk}`,
    caption: t('report.age.caption', { desk: name(a.desk), year }),
    columns: [t('report.col.age_band'), ...a.sexes.map((s) => label('sex', s.code, s.label)), t('report.col.total')],
    rows: [
      ...a.age_bands.map((b, i) => ({
        head: label('age_band', b.code, b.label),
        cells: [...a.counts[i].map(n), n(rowSums[i])],
        total: false,
      })),
      {
        head: t('report.col.total'),
        cells: [...colSums.map(n), n(rowSums.reduce((s, v) => s + v, 0))],
        total: true,
      },
    ],
  };
}
