// The interface's words, in Italian (the default) and English. `t(key, params)` looks a
// key up in the current language, falling back to Italian; `{name}` placeholders are
// filled from `params`. Numbers use the language's separators (1.234 in Italian).
// The words themselves live in one file per language: i18n/it.js and i18n/en.js.

import it from './i18n/it.js';
import en from './i18n/en.js';

export const dictionaries = { it, en };

let current = 'it';

/** Switches language: 'it' or 'en' (anything else means Italian). */
export function setLanguage(lang) {
  current = lang === 'en' ? 'en' : 'it';
  if (typeof document !== 'undefined') document.documentElement.lang = current;
}

export function language() {
  return current;
}

/** The text of `key` in the current language, `{name}` filled from `params`. */
export function t(key, params = {}) {
  const text = dictionaries[current][key] ?? it[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

// Italian figures are grouped from the thousands (9.657, as the report and ISTAT write
// them), but the Italian locale data groups only from 10.000 (9657). English groups
// from the thousands, so Italian is English with the two separators swapped: the same
// on every engine, whatever its locale data.
function format(n, options) {
  const en = new Intl.NumberFormat('en-GB', options).format(n);
  if (current === 'en') return en;
  return en.replace(/[.,]/g, (c) => (c === ',' ? '.' : ','));
}

/** A number with the language's separators: 12.345,5 in Italian. */
export function formatNumber(n) {
  return format(n);
}

/** A percentage with one decimal and the language's separators: 12,4% in Italian. */
export function formatPercent(p) {
  return `${format(p, { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`;
}

/** The label of a codebook entry in the current language. */
export function entryLabel(entry) {
  if (!entry) return '';
  return current === 'en' ? entry.label_en : entry.label;
}
