// The sign-in's decisions, without DOM or IPC: the initials proposed for a name, the
// checks of a new PIN, which operator an arrow key moves to, what a refused PIN says,
// and when the personal areas lock. signin.js and lock.js mount them; node-tested.

import { t, formatNumber } from '../i18n.js';

/** The shortest PIN or password (the core checks it too). */
export const PIN_MIN = 6;

/** The initials proposed for a name: the first letter of each word, up to four. */
export function initialsOf(name) {
  return (name ?? '').trim().split(/\s+/).filter(Boolean)
    .map((w) => w[0].toUpperCase()).join('').replace(/[^\p{L}]/gu, '').slice(0, 4);
}

/**
 * Checks a new account as typed: `{name, initials, pin, pin2}`. Returns
 * `{operator: {name, initials, pin}}` or `{errors}`: the wrong fields, with texts
 * (field names as the forms' ids: operator, initials, pin, pin2).
 */
export function validateAccount(typed) {
  const name = (typed.name ?? '').trim();
  const initials = (typed.initials ?? '').trim().toUpperCase();
  const pin = typed.pin ?? '';
  const errors = [];
  if (!name) errors.push(['operator', t('err.operator')]);
  if (!/^\p{L}{1,4}$/u.test(initials)) errors.push(['initials', t('err.initials')]);
  if ([...pin].length < PIN_MIN) errors.push(['pin', t('err.pin')]);
  else if (pin !== (typed.pin2 ?? '')) errors.push(['pin2', t('err.pin2')]);
  return errors.length ? { errors } : { operator: { name, initials, pin } };
}

/** Whether `typed` has the shape of a recovery key: 32 hexadecimal digits once spaces and
 *  dashes are left out (an O is read as a zero, as the core does). */
export function recoveryKeyShaped(typed) {
  const digits = String(typed ?? '').replace(/[\s-]/g, '').replace(/o/gi, '0');
  return /^[0-9a-f]{32}$/i.test(digits);
}

/** The operator an arrow key (or Home, End) moves to from `index` among `count`; -1 if none. */
export function moveChoice(key, index, count) {
  if (count === 0) return -1;
  switch (key) {
    case 'ArrowDown': return Math.min(index + 1, count - 1);
    case 'ArrowUp': return Math.max(index - 1, 0);
    case 'Home': return 0;
    case 'End': return count - 1;
    default: return -1;
  }
}

/** What a refused PIN says: wrong (and how long to wait), too many, or another error. */
export function pinRefusal(err) {
  const seconds = err?.retry_after ?? 0;
  if (err?.code === 'wrong_pin') {
    return seconds > 0 ? t('err.wrong_pin_wait', { seconds }) : t('err.wrong_pin');
  }
  if (err?.code === 'retry_later') return t('err.retry_later', { seconds });
  return null;
}

/** Whether the personal areas are locked: `idleMs` without input, against `lockSeconds`. */
export function isIdle(idleMs, lockSeconds) {
  return lockSeconds > 0 && idleMs >= lockSeconds * 1000;
}

/** How often the window reports input to the shell: often enough for a short lock. */
export function activityEvery(lockSeconds) {
  return Math.max(500, Math.min(15000, (lockSeconds * 1000) / 4));
}

/** The views that show personal data: locked with the personal areas. */
export const PERSONAL_VIEWS = new Set(['appuntamenti', 'casi']);
/** The views only a coordinator sees. */
export const COORDINATOR_VIEWS = new Set(['rapporto']);

/** The idle time as read: "5 minuti", "1 minuto", or seconds when shorter (tests). */
export function lockTime(seconds) {
  if (seconds < 60) return t('lock.seconds', { n: formatNumber(seconds) });
  const minutes = Math.round(seconds / 60);
  return minutes === 1 ? t('lock.minute') : t('lock.minutes', { n: formatNumber(minutes) });
}
