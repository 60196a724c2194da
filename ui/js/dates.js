// Dates as the operator reads and types them: dd/mm/yyyy. The core speaks ISO
// (yyyy-mm-dd); these pure functions convert between the two, give the desk's local
// "today", and do the little calendar arithmetic the views need. The only home of date
// formatting in the interface.

const pad = (n) => String(n).padStart(2, '0');

/** A local Date as ISO yyyy-mm-dd (the desk's calendar day, not UTC's). */
export function isoDate(date) {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The desk's local day as ISO yyyy-mm-dd; `now` is passed in by tests. */
export function today(now = new Date()) {
  return isoDate(now);
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

/** An hour as two digits: 9 -> "09". */
export function formatHour(hour) {
  return pad(hour);
}

/** An RFC 3339 timestamp as the desk's local dd/mm/yyyy hh:mm (unchanged if unreadable). */
export function formatDateTime(ts) {
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  return `${formatDate(isoDate(d))} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The ISO day `days` after (or before, when negative) the ISO day `iso`. */
export function shiftDay(iso, days) {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The weekday of an ISO day: 1 for Monday to 7 for Sunday (the core's numbering). */
export function weekdayOf(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1;
}
