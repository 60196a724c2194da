// Why an appointment request failed, as the operator reads it, in the interface's
// language: built from the core's stable `code`, `field` and (for a refusal of the
// calendar) `reason` and `detail`, never by parsing the core's English message.
// Pure functions, tested under node.

import { t } from './i18n.js';

// Invalid fields with a message of their own.
const FIELD_HELP = new Set(['phone', 'person_name', 'language', 'kind', 'access_id']);

/** The interface's message for an error of an appointment command. */
export function appointmentErrorText(err) {
  const code = err && err.code;
  const message = (err && err.message) || String(err);
  const reason = err && err.reason;
  if (reason) {
    if (reason === 'closed') {
      return err.detail
        ? t('appt.refusal.closed', { detail: err.detail })
        : t('appt.err.closedDay');
    }
    const key = `appt.refusal.${reason}`;
    const text = t(key);
    // A reason newer than this interface: the core's own words rather than a key.
    return text === key ? t('app.error', { message }) : text;
  }
  if (code === 'invalid' && FIELD_HELP.has(err.field)) return t(`appt.err.${err.field}`);
  if (code === 'invalid' && err.field === 'status') return t('appt.err.status');
  if (code === 'no_desk') return t('appt.err.noDesk');
  if (code === 'print') return t('appt.err.print', { message });
  return t('app.error', { message });
}
