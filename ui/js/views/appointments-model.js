// The appointments' decisions, without DOM or IPC: how days, slots, kinds and slip
// languages read, the booking to send from what was chosen, the slip's summary, which
// commands an agenda row offers (cancel asks for a second press), what printing or
// marking says, and where the focus goes after a refusal. appointments.js mounts it;
// tests run it under node.

import { t, language } from '../i18n.js';
import { formatDate, weekdayOf } from '../dates.js';
import { closedDayText } from '../errors.js';

/** The slip's layouts, as the core names them. */
export const LAYOUTS = ['paper', 'receipt'];
/** How many free slots the "first free" list shows. */
export const FIRST_FREE = 12;

/** 'Lun 04/03/2025' (Mon in English). */
export function dayLabel(iso) {
  return `${t(`weekday.${weekdayOf(iso)}`)} ${formatDate(iso)}`;
}

/** A free slot as listed: day, then start–end. */
export function slotLabel(slot) {
  return `${dayLabel(slot.day)}  ${slot.starts}–${slot.ends}`;
}

/** The value of a slot's option: "YYYY-MM-DD HH:MM". */
export function slotValue(slot) {
  return `${slot.day} ${slot.starts}`;
}

/** The slot an option's value names: `{day, starts}`, or null when nothing is chosen. */
export function readSlot(value) {
  if (!value) return null;
  const [day, starts] = value.split(' ');
  return { day, starts };
}

/** A kind's label in the interface's language (the core gives both). */
export function kindLabel(kinds, code, fallback) {
  const k = kinds.find((x) => x.code === code);
  if (!k) return fallback ?? code;
  return language() === 'en' ? k.label_en : k.label_it;
}

/** A kind as offered in the list: its label and its length. */
export function kindOption(k) {
  return t('appt.kindOption', { label: language() === 'en' ? k.label_en : k.label_it, minutes: k.slot_minutes });
}

/** A slip language's name in the interface's language. */
export function languageLabel(l) {
  if (language() !== 'en') return l.name_it;
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(l.code) ?? l.name_it;
  } catch {
    return l.name_it;
  }
}

/** A slip language as offered: Italian alone, or the language with its own name. */
export function languageOption(l) {
  return l.code === 'it' ? t('appt.onlyItalian') : `${languageLabel(l)} (${l.name})`;
}

/** The name of the slip language `code` among `languages` (the code when unknown). */
export function languageName(languages, code) {
  const l = languages.find((x) => x.code === code);
  return l ? languageLabel(l) : code;
}

/**
 * The booking to send from the form's values (`slot` an option's value, `name` and
 * `phone` as typed): `{input}`, or `{error}` (a text) when no slot is chosen.
 */
export function bookingInput({ slot, kind, name, phone, language: slipLanguage, accessId }) {
  const picked = readSlot(slot);
  if (!picked) return { error: t('appt.msg.pickSlot') };
  return {
    input: {
      kind,
      day: picked.day,
      starts: picked.starts,
      person_name: (name ?? '').trim() || null,
      phone: (phone ?? '').trim() || null,
      language: slipLanguage,
      access_id: accessId || null,
    },
  };
}

/** The slip's summary: `{when, kind, code, languages}` texts for an appointment. */
export function slipSummary(appt, { kinds, languages }) {
  const slipLanguage = languages.find((l) => l.code === appt.language);
  return {
    when: t('appt.when', { day: dayLabel(appt.day), starts: appt.starts, ends: appt.ends }),
    kind: ` · ${kindLabel(kinds, appt.kind, appt.kind_label)} · ${t('appt.codeLabel')} `,
    code: appt.booking_code,
    languages: ` · ${slipLanguage && appt.language !== 'it'
      ? t('appt.slipBoth', { language: languageLabel(slipLanguage) }) : t('appt.slipItalian')}`,
  };
}

/** The person column of the agenda: the name, or why there is none. */
export function agendaPerson(a) {
  return a.person_name || (a.purged_at ? t('appt.purged') : '—');
}

/**
 * The commands of an agenda row, in order: `{command, id, label}` for those its status
 * allows. `confirmCancel` is the id waiting for the second press of "cancel".
 */
export function agendaCommands(a, confirmCancel) {
  const live = a.status === 'booked';
  const all = [
    { command: 'slip', id: 'agenda-slip', label: t('appt.slipButton'), shown: a.status !== 'cancelled' },
    { command: 'move', id: 'agenda-move', label: t('appt.move'), shown: live },
    { command: 'cancel', id: 'agenda-cancel',
      label: t(confirmCancel === a.id ? 'appt.confirmCancel' : 'appt.cancel'), shown: live },
    { command: 'attended', id: 'agenda-attended', label: t('appt.attended'), shown: live || a.status === 'no_show' },
    { command: 'no_show', id: 'agenda-no-show', label: t('appt.noShow'), shown: live || a.status === 'attended' },
  ];
  return all.filter((c) => c.shown).map(({ command, id, label }) => ({ command, id: `${id}-${a.booking_code}`, label }));
}

/** Whether a press of "cancel" on `a` cancels it (the second press) or asks to confirm. */
export function cancelConfirmed(a, confirmCancel) {
  return confirmCancel === a.id;
}

/** What a print says: the core's outcome is 'cancelled' when the dialog was closed. */
export function printedMessage(outcome, what) {
  if (outcome === 'cancelled') return t('appt.msg.printCancelled');
  return t(what === 'agenda' ? 'appt.msg.agendaPrinted' : 'appt.msg.slipPrinted');
}

/** What marking an appointment attended or no-show says. */
export function markedMessage(outcome, code) {
  return t(outcome === 'attended' ? 'appt.msg.markedAttended' : 'appt.msg.markedNoShow', { code });
}

/** Why a day shows no free slot: the desk closed (the core's closed day), or full. */
export function noSlotsOnMessage(day, closed) {
  return closed
    ? t('appt.msg.closed', { day: formatDate(day), reason: closedDayText(closed) })
    : t('appt.msg.noSlotsOn', { day: formatDate(day) });
}

/** The booking field to go back to after a refusal of the core, or null. */
export function fieldToFix(err) {
  const field = err && err.field;
  return field === 'phone' || field === 'person_name' ? field : null;
}

/** Whether the free slots must be read again after a refusal (a slot just taken). */
export function reloadSlotsAfter(err) {
  return Boolean(err && err.code === 'conflict');
}
