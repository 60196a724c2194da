// The first run's decisions, without DOM or IPC: which desk is proposed, how a desk's
// opening hours read, which preset a digit picks and where the focus goes then, and
// the validation of the desk and the operator. setup.js mounts it; tests run it under node.

import { t } from '../i18n.js';
import { validateAccount } from './signin-model.js';

/** The value of the "new desk" option. */
export const NEW = 'NEW';
/** The desk proposed first when the presets hold it. */
export const DEFAULT_DESK = 'FOL';
/** A desk that is not among the presets, to be typed in full. */
export const BLANK = Object.freeze({ code: '', name: '', address: '', phone: '', front_office: [], back_office: [] });

/** The preset proposed first: FOL, or the first one. */
export function proposedDesk(presets) {
  return presets.find((p) => p.code === DEFAULT_DESK) ?? presets[0];
}

/** A desk's opening hours: "Lun 09:00‑12:00, Mer 15:00‑18:00", or that it has none. */
export function hoursText(hours) {
  return hours.length === 0 ? t('setup.noHours')
    : hours.map((h) => `${t(`weekday.${h.weekday}`)} ${h.opens}\u2011${h.closes}`).join(', ');
}

/** The desk a choice's value names: a preset, or BLANK for a new desk. */
export function deskFor(value, presets) {
  return value === NEW ? BLANK : presets.find((p) => p.code === value);
}

/**
 * The option a key picks among `count` (the presets and "new"): digits from 1, or -1.
 * After the pick the focus goes to the code for a new desk, to the operator otherwise.
 */
export function optionForKey(key, count) {
  const i = Number(key) - 1;
  return Number.isInteger(i) && i >= 0 && i < count ? i : -1;
}

/**
 * Validates the form: the chosen desk with the fields as typed, and the first operator
 * (`operator`: the name, `initials`, `pin` twice: a coordinator). Returns `{desk,
 * operator}` for the core, or `{errors}`: the wrong fields, with texts.
 */
export function validateSetup(chosen, typed) {
  const desk = {
    ...chosen,
    code: (typed.code ?? '').trim().toUpperCase(),
    name: (typed.name ?? '').trim(),
    address: (typed.address ?? '').trim(),
    phone: (typed.phone ?? '').trim(),
  };
  const account = validateAccount({
    name: typed.operator, initials: typed.initials, pin: typed.pin, pin2: typed.pin2,
  });
  const errors = [];
  if (!/^[A-Z]{2,8}$/.test(desk.code)) errors.push(['code', t('err.code')]);
  if (!desk.name) errors.push(['name', t('err.name')]);
  errors.push(...(account.errors ?? []));
  return errors.length ? { errors } : { desk, operator: { ...account.operator, role: 'coordinator' } };
}
