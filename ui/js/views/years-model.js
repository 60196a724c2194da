// The closed years of the report and its texts, without DOM or IPC: the words of a
// closed year an import would change (which figures, before → after, the difference),
// which years a plan asks to reopen, the state of a year in the report view, and the checks of a text before it is saved.
// report-texts.js and sync.js draw them; tests run them under node. Every rule lives in
// the core (src/yearbook): this only mirrors what the operator must see before saving.

import { t, formatNumber } from '../i18n.js';
import { formatDate } from '../dates.js';

/** The longest text of a section, as the core's `sections::MAX_CHARS` (a core test compares). */
export const SECTION_TEXT_MAX_CHARS = 20000;

/** The sections of the report's text, in the report's order. */
export const SECTIONS = ['activities', 'conventions', 'projects'];

/** The codebook list of the codes a figure holds, if it holds codes. */
export const FIGURE_LISTS = {
  prevalent_age_band: 'age_band',
  prevalent_sex: 'sex',
  top_reasons: 'reason',
  top_nationalities: 'nationality',
};

/** A figure's value in words: a count, a code (or none), or a ranking of codes. */
function valueText(v, label) {
  if (typeof v === 'number') return formatNumber(v);
  if (v === null || v === undefined) return t('year.none');
  if (Array.isArray(v)) {
    return v.length ? v.map((r) => `${label(r.code)} ${formatNumber(r.count)}`).join(', ') : t('year.none');
  }
  return label(v);
}

const signed = (n) => (n > 0 ? `+${formatNumber(n)}` : formatNumber(n));

/**
 * One changed figure: "Grosseto accessi totali 9.657 → 9.660 (+3)". `deskName(code)`
 * names a desk; `label(list, code)` a code of a ranking or a prevalent value (its
 * codebook list from FIGURE_LISTS).
 */
export function figureText(change, deskName = (d) => d, label = (list, c) => c) {
  const list = FIGURE_LISTS[change.figure];
  const name = (code) => label(list, code) || code;
  const params = {
    desk: deskName(change.desk),
    figure: t(`year.fig.${change.figure}`),
    before: valueText(change.before, name),
    after: valueText(change.after, name),
  };
  if (change.difference === null || change.difference === undefined) return t('year.change.value', params);
  return t('year.change.count', { ...params, difference: signed(change.difference) });
}

/**
 * The closed years of a file of a plan (or of a result, `done`): per year a title and
 * the changed figures, in words.
 */
export function closedYearBlocks(report, { done = false, deskName, label } = {}) {
  return (report.closed_years ?? []).map((c) => {
    const params = { year: c.year, count: formatNumber(c.records) };
    const one = c.records === 1 ? 'One' : '';
    const figures = c.figures.map((f) => figureText(f, deskName, label));
    return {
      year: c.year,
      title: t(`${done ? 'year.import.reopened' : 'year.import.closed'}${one}`, params),
      intro: figures.length && !done ? t('year.import.figures') : null,
      figures,
      none: figures.length === 0 ? t('year.import.noFigures') : null,
    };
  });
}

/** The closed years a plan would change in the files it would import, in order. */
export function yearsToConfirm(plan) {
  const years = new Set();
  for (const f of plan) {
    if (f.outcome !== 'imported') continue;
    for (const c of f.closed_years ?? []) years.add(c.year);
  }
  return [...years].sort((a, b) => a - b);
}

/**
 * The state of a year in the report view (`YearState` of the core): the line to show,
 * the figures changed since publication, and the action offered (`close`, `reopen`,
 * or null while the year is running).
 */
export function yearState(s, { deskName, label } = {}) {
  const params = { year: s.year, date: formatDate((s.changed_at ?? '').slice(0, 10)), by: s.changed_by || '—' };
  let text;
  if (s.closed) text = t('year.state.closed', params);
  else if (!s.changed_at) text = t(s.ended ? 'year.state.open' : 'year.state.running', params);
  else if (s.reason) text = t('year.state.reopenedWhy', { ...params, reason: s.reason });
  else text = t('year.state.reopened', params);
  const changed = (s.since_published ?? []).map((f) => figureText(f, deskName, label));
  let published = null;
  if (s.changed_at) published = changed.length ? t('year.state.changed') : t('year.state.asPublished');
  let action = null;
  if (s.closed) action = 'reopen';
  else if (s.ended) action = 'close';
  return { text, published, changed, action };
}

/** A text as the core keeps it: line ends as \n, no blank space around it. */
export function normaliseText(text) {
  return (text ?? '').replace(/\r\n?/g, '\n').trim();
}

/**
 * Why the core would refuse `text` for section `id` (too long, markup, a control
 * character), in words; null when it can be saved.
 */
export function textProblem(id, text) {
  const section = t(`texts.section.${id}`);
  const kept = normaliseText(text);
  const count = [...kept].length;
  if (count > SECTION_TEXT_MAX_CHARS) {
    return t('texts.err.long', {
      section, count: formatNumber(count), max: formatNumber(SECTION_TEXT_MAX_CHARS),
    });
  }
  const lines = kept.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    if (/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(lines[i])) {
      return t('texts.err.control', { section, line: i + 1 });
    }
    const tag = /<[A-Za-z/!][^>]{0,18}>?/.exec(lines[i]);
    if (tag) return t('texts.err.markup', { section, line: i + 1, tag: tag[0] });
  }
  return null;
}

/** The characters of a section's text, against the limit: "1.234 / 20.000 caratteri". */
export function countText(text) {
  return t('texts.count', {
    count: formatNumber([...normaliseText(text)].length), max: formatNumber(SECTION_TEXT_MAX_CHARS),
  });
}

/** The sections whose text on screen differs from the one saved (`saved`: id -> text). */
export function changedSections(saved, current) {
  return SECTIONS.filter((id) => normaliseText(current[id]) !== normaliseText(saved[id]));
}

/** When and by whom a section was last saved, or '' for one never written. */
export function savedText(section) {
  if (!section.updated_at) return '';
  return t('texts.lastSaved', {
    date: formatDate(section.updated_at.slice(0, 10)), by: section.updated_by || '—',
  });
}
