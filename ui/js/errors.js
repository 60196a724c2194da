// Errors as the operator reads them, in the interface's language. Errors cross IPC as
// `{code, message, field, reason, detail}`; import rejections carry a `kind`, refusals
// of the calendar a `reason`. The text is chosen by those stable values, never by
// parsing the core's English message, which is shown only for an error this interface
// does not know yet. The only error-to-text mapping of the interface; pure, node-tested.
//
// The same code can read differently by area: a `conflict` in the register means the
// record changed meanwhile (the list is reloaded), in the appointments it is told by
// its reason; an `io` error of an export names the folder. `area` is one of:
// 'records' (register, cases, setup, import: the default), 'appointments', 'export',
// 'report' (a saved report file: an `io` error names the file), 'outbox' (a delivery
// that stopped, `{code, file, message}`, or the destination chosen: `folder`), 'context'
// (ISTAT files loaded into the report's context tables: a `bad_file` is told by its
// `problem`, with its file, line, column and detail).

import { t, formatNumber } from './i18n.js';

// Invalid fields with a message of their own, by area (`err.<field>`, `appt.err.<field>`).
const RECORD_FIELDS = new Set(['date', 'hour', 'channel', 'nationality', 'sex', 'age_band',
  'first_access', 'referred_by', 'reasons', 'permit', 'actions', 'count', 'operator', 'code',
  'name', 'initials', 'pin', 'new_pin', 'recovery_key']);
const APPOINTMENT_FIELDS = new Set(['phone', 'person_name', 'language', 'kind', 'access_id', 'status']);

const APPOINTMENT_FIELD_KEYS = { status: 'appt.err.status' };

/** The session's refusals, the same in every area: who may do what, and the lock. */
const SESSION_TEXTS = {
  coordinator_only: () => t('err.coordinator_only'),
  locked: () => t('err.locked'),
  personal_locked: () => t('err.locked'),
  no_key: () => t('err.no_key'),
  sealed: () => t('err.sealed'),
  signed_out: () => t('err.signed_out'),
  wrong_pin: (err) => (err.retry_after > 0
    ? t('err.wrong_pin_wait', { seconds: err.retry_after }) : t('err.wrong_pin')),
  retry_later: (err) => t('err.retry_later', { seconds: err.retry_after ?? 0 }),
};

/** Texts of codes other than `invalid`, by area: a key, or a function of the error. */
const CODE_TEXTS = {
  records: {
    conflict: () => t('err.conflict'),
    not_found: () => t('err.not_found'),
    no_desk: () => t('err.no_desk'),
    demo_database: () => t('err.demo_database'),
  },
  appointments: {
    no_desk: () => t('appt.err.noDesk'),
    print: (err) => t('appt.err.print', { message: messageOf(err) }),
  },
  export: {
    io: (err, { folder }) => t('sync.err.io', { folder }),
    no_desk: () => t('err.no_desk'),
    demo_database: () => t('err.demo_database'),
  },
  report: {
    io: (err, { file }) => t('report.err.io', { file }),
    print: (err) => t('report.err.print', { message: messageOf(err) }),
  },
  outbox: {
    // the codes of the core's DeliveryFailure, and the shell's delivery_in_progress
    ...Object.fromEntries([
      'destination_not_set', 'destination_missing', 'destination_full', 'destination_read_only',
      'delivery_mismatch', 'delivery_conflict', 'delivery_failed', 'outbox_failed',
      'delivery_in_progress',
    ].map((code) => [code, (err) => t(`outbox.err.${code}`, { file: err.file ?? '', message: messageOf(err) })])),
    // the export into the outbox, on this machine's own disk
    io: (err) => t('outbox.err.io', { message: messageOf(err) }),
    no_desk: () => t('err.no_desk'),
    demo_database: () => t('err.demo_database'),
  },
  keys: {
    // a key pair exists already: it is never replaced
    conflict: () => t('keys.err.exists'),
    io: (err) => t('keys.err.io', { message: messageOf(err) }),
  },
  context: {
    bad_file: (err) => fileProblemText(err),
    io: (err) => t('ctx.err.io', { message: messageOf(err) }),
  },
};

/**
 * A refused ISTAT file (`bad_file`: `{problem, file, line, field, detail}`, `field` the
 * column): "File «a.csv», riga 4, colonna «Maschi»: «mille»: <what is wrong>". A
 * problem this interface does not know yet is said in the core's words.
 */
export function fileProblemText(err) {
  const key = `ctx.err.${err.problem}`;
  const what = t(key);
  const where = [t('ctx.where.file', { file: err.file ?? '' })];
  if (err.line != null) where.push(t('ctx.where.line', { line: formatNumber(err.line) }));
  if (err.field) where.push(t('ctx.where.column', { column: err.field }));
  const parts = [where.join(', ')];
  if (err.detail) parts.push(t('ctx.where.detail', { detail: err.detail }));
  parts.push(what === key ? (err.message ?? '') : what);
  return parts.join(': ');
}

const messageOf = (err) => (err && err.message) || String(err);

/** What the area says of an error it has no words for. */
function unknown(err, area) {
  if (area === 'appointments') return t('app.error', { message: messageOf(err) });
  const message = err?.message ?? (err && typeof err === 'object' ? '' : String(err));
  return t('err.generic', { code: err?.code ?? 'error', message });
}

/**
 * Why the desk is closed on a day, in the interface's language: a refusal's detail
 * (`holiday:<code>`, or the closure's reason as typed) or the core's closed day
 * (`{kind: 'holiday', code, name}` or `{kind: 'closure', reason}`). A holiday this
 * interface cannot name keeps the core's Italian name; an unnamed closure is "chiusura".
 */
export function closedDayText(closed) {
  const isObject = closed && typeof closed === 'object';
  const holiday = isObject
    ? (closed.kind === 'holiday' ? closed.code : null)
    : (typeof closed === 'string' && closed.startsWith('holiday:') ? closed.slice(8) : null);
  if (holiday !== null) {
    const key = `holiday.${holiday}`;
    const text = t(key);
    return text === key ? (isObject ? closed.name : holiday) : text;
  }
  const reason = isObject ? closed.reason : closed;
  return reason || t('appt.closure.unnamed');
}

/**
 * A refusal of the calendar or of a closed year, told by its reason; null for a reason
 * newer than this interface.
 */
function refusalText(err) {
  if (err.reason === 'closed') {
    return err.detail
      ? t('appt.refusal.closed', { detail: closedDayText(err.detail) })
      : t('appt.err.closedDay');
  }
  const key = `appt.refusal.${err.reason}`;
  // `detail` is what the reason refers to (the closed year of `closed_year`; the file
  // refused, named)
  const text = t(key, { detail: err.detail ?? '' });
  return text === key ? null : text;
}

/** The text of an invalid field, or null when the area has none for it. */
function invalidText(err, area, folder) {
  const field = err.field;
  if (area === 'context') return field === 'year' ? t('report.err.year') : null;
  if (area === 'report') {
    if (field === 'path') return t('report.err.path');
    if (field === 'xlsx') return t('report.err.xlsx');
    if (field === 'text') return t('texts.err.text');
    return null;
  }
  if (area === 'appointments') {
    if (!APPOINTMENT_FIELDS.has(field)) return null;
    return t(APPOINTMENT_FIELD_KEYS[field] ?? `appt.err.${field}`);
  }
  if (area === 'outbox') {
    return field === 'destination' ? t('outbox.err.destination', { folder }) : null;
  }
  if (area === 'keys') {
    return ['recipient', 'passphrase', 'backup'].includes(field) ? t(`keys.err.${field}`) : null;
  }
  if (area === 'export') {
    if (field === 'out') return t('sync.err.out', { folder });
    if (field === 'period') return t('sync.err.period');
    return null;
  }
  return RECORD_FIELDS.has(field) ? t(`err.${field}`) : null;
}

/**
 * `{field, text}`: the field to mark (or null) and the message to show, for an error of
 * the core (or an import rejection). Options: `area` (see above), `folder` (an export's),
 * `file` (a saved report's).
 */
export function describeError(err, { area = 'records', folder = '', file = '' } = {}) {
  if (err && err.kind && !err.code) return { field: err.field ?? null, text: rejectionText(err) };
  const code = err?.code;
  if (err?.reason) {
    const refusal = refusalText(err);
    if (refusal !== null) return { field: err.field ?? null, text: refusal };
    // a reason newer than this interface: the appointments show the core's words; the
    // other areas read the error by its code and field as before reasons existed
    if (area === 'appointments') return { field: null, text: unknown(err, area) };
  }
  if (code === 'invalid' && err.field) {
    // the core names the desk's code `desk`; the setup form calls it `code`
    const field = area === 'records' && err.field === 'desk' ? 'code' : err.field;
    const text = invalidText({ ...err, field }, area, folder);
    if (text !== null) return { field, text };
    return { field: area === 'records' ? field : null, text: unknown(err, area) };
  }
  const session = SESSION_TEXTS[code];
  if (session) return { field: null, text: session(err) };
  const known = CODE_TEXTS[area]?.[code];
  return { field: null, text: known ? known(err, { folder, file }) : unknown(err, area) };
}

/** The message to show for an error of the core; see `describeError`. */
export function errorText(err, options) {
  return describeError(err, options).text;
}

/** Whether `err` says the record changed meanwhile or is gone: the list must be read again. */
export function isStale(err) {
  return err?.code === 'conflict' || err?.code === 'not_found';
}

/** A file field named as in the file, with its meaning when it has one: «sex» (sesso). */
export function fieldName(name) {
  const key = `field.${name}`;
  const label = t(key);
  return label === key ? t('rej.fieldPlain', { name }) : t('rej.field', { name, label });
}

const capitalise = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/** Why an import refused a file: `{kind, line, field, codes, message}` from the core. */
export function rejectionText(rejection) {
  if (!rejection) return '';
  const params = {};
  if (rejection.kind === 'unknown_codes') {
    const codes = rejection.codes ?? [];
    const shown = codes.slice(0, 10).map((c) => t('rej.code', {
      field: fieldName(c.field), code: c.code, line: formatNumber(c.line),
    }));
    if (codes.length > shown.length) shown.push(t('rej.more', { count: formatNumber(codes.length - shown.length) }));
    params.codes = shown.join(', ');
  }
  const key = `rej.${rejection.kind}`;
  const what = t(key, params);
  // a kind this interface does not know yet: say it plainly rather than show a key
  const text = what === key ? `${rejection.kind}: ${rejection.message ?? ''}` : what;
  const line = rejection.line != null ? formatNumber(rejection.line) : null;
  const field = rejection.field ? fieldName(rejection.field) : null;
  if (line && field) return t('rej.where.lineField', { line, field, text });
  if (line) return t('rej.where.line', { line, text });
  if (field) return t('rej.where.field', { field, text });
  return capitalise(text);
}
