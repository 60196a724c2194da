// Dates as the operator reads and types them: dd/mm/yyyy. The core speaks ISO
// (yyyy-mm-dd); these pure functions convert between the two.

const pad = (n) => String(n).padStart(2, '0');

/** A local Date as ISO yyyy-mm-dd (the desk's calendar day, not UTC's). */
export function isoDate(date) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** ISO yyyy-mm-dd as dd/mm/yyyy; anything else is returned unchanged. */
export function formatDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? '');
  return m ? `${m[3]}/${m[2]}/${m[1]}` : (iso ?? '');
}

/**
 * Reads a date typed as d/m/yyyy (also with . or - between, and a two-digit year
 * meaning 20yy). Returns ISO yyyy-mm-dd, or null when it is not a real calendar day.
 */
export function parseDate(text) {
  const m = /^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})\s*$/.exec(text ?? '');
  if (!m) return null;
  const day = Number(m[1]);
  const month = Number(m[2]);
  const year = m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
  const d = new Date(year, month - 1, day);
  if (d.getFullYear() !== year || d.getMonth() !== month - 1 || d.getDate() !== day) return null;
  return `${year}-${pad(month)}-${pad(day)}`;
}

/** Reads an hour 0-23 typed as "9", "09" or "9:30" (minutes are not recorded). */
export function parseHour(text) {
  const m = /^\s*(\d{1,2})(?::\d{2})?\s*$/.exec(text ?? '');
  if (!m) return null;
  const h = Number(m[1]);
  return h <= 23 ? h : null;
}

/** An RFC 3339 timestamp as local dd/mm/yyyy. */
export function formatTimestampDate(ts) {
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? '' : formatDate(isoDate(d));
}
