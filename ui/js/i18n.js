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

/** A number with the language's separators: 12.345,5 in Italian. */
export function formatNumber(n) {
  return new Intl.NumberFormat(current === 'en' ? 'en-GB' : 'it-IT').format(n);
}

/** The label of a codebook entry in the current language. */
export function entryLabel(entry) {
  if (!entry) return '';
  return current === 'en' ? entry.label_en : entry.label;
}
