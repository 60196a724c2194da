// Core errors ({code, message, field?}) as the operator reads them: the Italian (or
// English) text of this interface, chosen by the stable code and field, never by
// parsing the core's message.

import { t } from './i18n.js';

const FIELD_MESSAGES = new Set(['date', 'hour', 'channel', 'nationality', 'sex', 'age_band',
  'first_access', 'referred_by', 'reasons', 'permit', 'actions', 'count', 'operator', 'code',
  'name']);

/** `{field, text}`: the field to mark (or null) and the message to show. */
export function fieldError(err) {
  const code = err?.code ?? 'error';
  if (code === 'invalid' && err.field) {
    const field = err.field === 'desk' ? 'code' : err.field;
    if (FIELD_MESSAGES.has(field)) return { field, text: t(`err.${field}`) };
    return { field, text: t('err.generic', { code, message: err.message ?? '' }) };
  }
  if (['conflict', 'not_found', 'no_desk'].includes(code)) return { field: null, text: t(`err.${code}`) };
  return { field: null, text: t('err.generic', { code, message: err?.message ?? String(err) }) };
}
