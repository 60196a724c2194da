// The accompaniment cases' decisions, without DOM or IPC: the validation of the form,
// of an archive date and of the year, what the form shows for a full or a fast case,
// the prefill from a case the register offered, the year's counts, and the keyboard
// shortcuts. cases.js mounts it; tests run it under node.

import { t, formatNumber } from '../i18n.js';
import { formatDate, parseDate } from '../dates.js';
import { EARLIEST_DATE, isYearInLimits } from '../limits.js';

/** The personal file's fields (a full case only; they stay on this machine). */
export const FILE = ['person_name', 'phone', 'documents', 'description'];

/**
 * Validates the form: `{caseType, reason, openedOn, closedOn, personal}` as typed
 * (dates as dd/mm/yyyy; `closedOn` read only when correcting; `wasClosed`: the case
 * corrected is closed, and a correction cannot reopen it). Returns `{input}` for the
 * core, or `{errors}`: `[field, text]` pairs in form order.
 */
export function validateCase(values, { today, editing = false, wasClosed = false }) {
  const errors = [];
  const reason = values.reason ?? '';
  if (!reason) errors.push(['reason', t('cases.err.reason')]);
  const opened = parseDate(values.openedOn);
  if (!opened || opened > today || opened < EARLIEST_DATE) errors.push(['opened_on', t('cases.err.date')]);
  let closed = null;
  if (editing && wasClosed && String(values.closedOn ?? '').trim() === '') {
    errors.push(['closed_on', t('cases.err.reopenHere')]);
  } else if (editing && String(values.closedOn ?? '').trim() !== '') {
    closed = parseDate(values.closedOn);
    if (!closed || closed > today || (opened && closed < opened)) errors.push(['closed_on', t('cases.err.closed')]);
  }
  if (errors.length) return { errors };
  const caseType = values.caseType || 'full';
  const personal = caseType === 'fast' ? null
    : Object.fromEntries(FILE.map((f) => [f, values.personal?.[f] ?? '']));
  return { input: { case_type: caseType, opened_on: opened, closed_on: closed, reason, personal } };
}

/** The archive date typed for a case opened on `openedOn` (ISO), or null when invalid. */
export function validateClose(text, { today, openedOn }) {
  const day = parseDate(text);
  return !day || day > today || day < openedOn ? null : day;
}

/** The year typed to show, or null when it is not a year within the limits. */
export function parseYear(text) {
  const y = Number(String(text ?? '').trim());
  return isYearInLimits(y) ? y : null;
}

/** The save button's words for the type chosen (a correction has its own). */
export function saveLabel(caseType, editing) {
  if (editing) return t('cases.save.correct');
  return t(caseType === 'fast' ? 'cases.save.fast' : 'cases.save.full');
}

/** What a save says: `revision` is the corrected case's, or undefined for a new one. */
export function savedMessage(input, revision) {
  if (revision !== undefined) return t('cases.corrected', { revision });
  return t(input.case_type === 'fast' ? 'cases.fastSaved' : 'cases.opened');
}

/**
 * The form's prefill from the case the register offered (`{case_type, opened_on,
 * reason, access_id}` from the core): the type, the reason when it is an active one,
 * the opening date as typed; `focus` says where the operator goes on: the reason when
 * none is chosen, the save button for a fast case, the personal file for a full one;
 * `accessId` is the access the case will be linked to.
 */
export function prefill(offer, reasons) {
  const caseType = offer.case_type === 'fast' ? 'fast' : 'full';
  const reason = offer.reason && reasons.some((e) => e.active && e.code === offer.reason) ? offer.reason : null;
  let focus = 'person_name';
  if (!reason) focus = 'reason';
  else if (caseType === 'fast') focus = 'save';
  return {
    caseType, reason, openedOn: offer.opened_on ? formatDate(offer.opened_on) : null, focus, accessId: offer.access_id ?? null,
  };
}

/** The banner over the form while a case is corrected. */
export function correctionBanner(c) {
  return t('cases.correcting', { date: formatDate(c.opened_on), revision: c.revision });
}

/** The question before deleting a case; it warns when personal data goes with it. */
export function deleteQuestion(c, reasonLabel) {
  const personal = c.personal || c.notes > 0;
  const question = t('cases.confirmDelete', { date: formatDate(c.opened_on), reason: reasonLabel(c.reason) });
  return personal ? `${question} ${t('cases.confirmDeleteFile')}` : question;
}

/** The year's counts as the report names them: `{key, text, value}` per line. */
export function countLines(d) {
  const c = d.counts;
  const line = (key, n, params = {}) => ({ key, text: t(`cases.c.${key}`, params), value: formatNumber(n) });
  return [line('total', c.total), line('carried_in', c.carried_in),
    line('archived', c.archived, { year: d.year }), line('carried_out', c.carried_out, { next: d.year + 1 }),
    line('fast', c.fast)];
}

/** The case with `id` among the year's lists, or undefined. */
export function findCase(data, id) {
  return [...data.open, ...data.archived, ...data.fast].find((c) => c.id === id);
}

const ALT_KEYS = { n: 'new', v: 'fast', l: 'list', y: 'year', s: 'week' };

/** The shortcut a key press means on the page (outside dialogs), or null. */
export function shortcut(e, { editing = false, dialogOpen = false } = {}) {
  if (dialogOpen) return null;
  if (e.key === 'Escape' && editing) return 'cancelCorrection';
  if (!e.altKey || e.ctrlKey || e.metaKey) return null;
  return ALT_KEYS[e.key.toLowerCase()] ?? null;
}
