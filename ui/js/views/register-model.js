// The register's decisions, without DOM or IPC: the form's fields and tab order, the
// validation of what was typed, what a save, a correction or a deletion says, which
// follow-ups the core offered after a save, the status line and the keyboard
// shortcuts. register.js mounts it; tests run it under node.

import { t, formatNumber } from '../i18n.js';
import { formatDate, formatHour, parseDate, parseHour } from '../dates.js';
import { EARLIEST_DATE } from '../limits.js';

/** Tab order of the form; a single choice made with its key moves to the next one. */
export const ORDER = ['date', 'hour', 'channel', 'nationality', 'sex', 'age_band', 'first_access',
  'referred_by', 'permit', 'reasons', 'actions', 'accompaniment', 'mediation', 'count'];
/** The codebook list behind each choice of the form. */
export const LISTS = { channel: 'channel', sex: 'sex', age_band: 'age_band', referred_by: 'referred_by',
  reasons: 'reason', permit: 'permit', actions: 'action' };
/** The choices read from the codebook, in the order they are validated. */
export const CHOICES = ['channel', 'sex', 'age_band', 'referred_by', 'permit', 'reasons', 'actions'];
/** The choices that take several codes. */
export const MULTIPLE = new Set(['reasons', 'actions']);
/** Yes / no questions, sent to the core as booleans. */
export const FLAGS = ['first_access', 'accompaniment', 'mediation'];
/** The most identical accesses saved at once. */
export const MAX_COUNT = 200;

/** The rows of the keyboard help: the key shown, and the key of its meaning. */
export const HELP_ROWS = [['help.key.enter', 'help.k.enter'], ['help.key.tab', 'help.k.tab'],
  ['Alt+R', 'help.k.repeat'], ['Alt+Z', 'help.k.undo'], ['Alt+N', 'help.k.new'],
  ['Alt+P', 'help.k.book'], ['Alt+Q', 'help.k.count'], ['Alt+D', 'help.k.date'], ['Alt+C', 'help.k.channel'],
  ['Alt+L', 'help.k.list'], ['Alt+A', 'help.k.case'], ['Ctrl+1…9', 'help.k.profile'],
  ['Esc', 'help.k.esc'], ['F1', 'help.k.help']];

/**
 * Where the focus goes after a key choice in `field`: the next field of the tab order,
 * or 'save' after the last choice (the quantity is reached with Tab or Alt+Q only).
 */
export function nextField(field) {
  const next = ORDER[ORDER.indexOf(field) + 1];
  return next && next !== 'count' ? next : 'save';
}

/**
 * Validates the form's values: `{date, hour, count}` as typed, `nationality` a code,
 * each choice a code ('' when none) or an array of codes, each flag 'yes', 'no' or ''.
 * `today` is the desk's ISO day. Returns `{input, count}` for the core, or `{errors,
 * first}`: `[field, text]` pairs and the first wrong field in tab order.
 */
export function validateAccess(values, today) {
  const errors = [];
  const date = parseDate(values.date);
  if (!date || date > today || date < EARLIEST_DATE) errors.push(['date', t('err.date')]);
  const hour = parseHour(values.hour);
  if (hour === null) errors.push(['hour', t('err.hour')]);
  const input = { date, hour };
  for (const field of CHOICES) {
    const v = values[field] ?? (MULTIPLE.has(field) ? [] : '');
    if (v.length === 0) errors.push([field, t(`err.${field}`)]);
    input[field] = v;
  }
  input.nationality = values.nationality ?? '';
  if (!input.nationality) errors.push(['nationality', t('err.nationality')]);
  for (const field of FLAGS) {
    const v = values[field] ?? '';
    if (v === '') errors.push([field, t(`err.${field}`)]);
    input[field] = v === 'yes';
  }
  const countText = String(values.count ?? '').trim();
  const count = countText === '' ? 1 : Number(countText);
  if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT) errors.push(['count', t('err.count')]);
  if (errors.length) {
    return { errors, first: ORDER.find((f) => errors.some(([e]) => e === f)) };
  }
  return { input, count };
}

/** The form's values for an access (to correct it, or to repeat it). */
export function valuesOf(access) {
  const values = { date: formatDate(access.date), hour: formatHour(access.hour), nationality: access.nationality };
  for (const field of CHOICES) values[field] = access[field];
  for (const field of FLAGS) values[field] = access[field] ? 'yes' : 'no';
  return values;
}

/**
 * What a new save leaves: `result` is the core's `{accesses, offers}`. The follow-ups
 * are the core's decision: a booking linked to `offers.booking` (an access id), a case
 * prefilled from `offers.case`; each is null when not offered.
 */
export function recorded(result) {
  const accesses = result.accesses;
  return {
    lastSave: { kind: 'recorded', accesses: accesses.map((a) => ({ id: a.id, revision: a.revision })) },
    message: accesses.length === 1 ? t('reg.saved') : t('reg.savedMany', { count: formatNumber(accesses.length) }),
    bookFor: result.offers?.booking ?? null,
    caseFrom: result.offers?.case ?? null,
  };
}

/** What a saved correction leaves: the access as the core returned it. */
export function corrected(access) {
  return {
    lastSave: { kind: 'corrected', access: { id: access.id, revision: access.revision } },
    message: t('reg.corrected', { revision: access.revision }),
  };
}

/**
 * The correction of `access` starting: `before` is what the form held (channel, date
 * and hour) before the first correction, so the next new access starts from it again.
 */
export function startEditing(access, editing, formNow) {
  return { id: access.id, revision: access.revision, before: editing?.before ?? formNow };
}

/** The banner over the form while an access is corrected. */
export function correctionBanner(access) {
  return t('reg.correcting', {
    hour: formatHour(access.hour), date: formatDate(access.date), revision: access.revision,
  });
}

/** The question before deleting `access`; `label(list, code)` names a code. */
export function deleteQuestion(access, label) {
  return t('reg.confirmDelete', {
    hour: formatHour(access.hour),
    nationality: label('nationality', access.nationality),
    channel: label('channel', access.channel),
  });
}

/** The day's total line from the core's counts. */
export function dayTotal(counts) {
  return t('reg.dayTotal', {
    total: formatNumber(counts.total), front: formatNumber(counts.front_desk), phone: formatNumber(counts.phone_mail),
  });
}

/**
 * The status line from the core's `Pending` (`records`, `older_than_today`, `oldest`):
 * `{text, warning}`, warning when records of earlier days still wait for export.
 */
export function pendingStatus(p) {
  if (!p || p.records === 0) return { text: t('reg.allExported'), warning: false };
  const base = t(p.records === 1 ? 'reg.unexportedOne' : 'reg.unexported', {
    count: formatNumber(p.records), date: formatDate(p.oldest ?? ''),
  });
  if (p.older_than_today === 0) return { text: base, warning: false };
  const old = t(p.older_than_today === 1 ? 'reg.unexportedOldOne' : 'reg.unexportedOld', {
    count: formatNumber(p.older_than_today),
  });
  return { text: `${base}. ${old}`, warning: true };
}

const ALT_KEYS = { r: 'repeat', p: 'book', a: 'openCase', z: 'undo', n: 'new', q: 'count',
  d: 'date', c: 'channel', l: 'list' };

/**
 * The shortcut a key press means on the page (outside dialogs), or null: F1 the help,
 * Esc while correcting cancels it, Alt+letter the commands of HELP_ROWS, Ctrl+1...9 the
 * frequent profile of that number (`profile:N`).
 */
export function shortcut(e, { editing = false, dialogOpen = false } = {}) {
  if (dialogOpen) return null;
  if (e.key === 'F1') return 'help';
  if (e.key === 'Escape' && editing) return 'cancelCorrection';
  const digit = /^Digit([1-9])$/.exec(e.code ?? '') ?? /^([1-9])$/.exec(e.key);
  if (e.ctrlKey && !e.altKey && !e.metaKey && digit) return `profile:${digit[1]}`;
  if (!e.altKey || e.ctrlKey || e.metaKey) return null;
  return ALT_KEYS[e.key.toLowerCase()] ?? null;
}

/**
 * A frequent profile in words, `{what, why}`: who (nationality, sex, age band, first
 * access) and why (reasons → actions), each code named by `label(list, code)`.
 */
export function profileSummary(traits, label) {
  const who = [label('nationality', traits.nationality), label('sex', traits.sex),
    label('age_band', traits.age_band)];
  if (traits.first_access) who.push(t('reg.first'));
  const reasons = traits.reasons.map((c) => label('reason', c)).join('; ');
  const actions = traits.actions.map((c) => label('action', c)).join('; ');
  return { what: who.join(', '), why: `${reasons} → ${actions}` };
}
