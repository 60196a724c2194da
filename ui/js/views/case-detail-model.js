// The decisions of a case's detail and of the week's list, without DOM or IPC: the
// follow-up form (what was done, when, with whom, the next step and its due day), the
// services involved, the copies of documents, the closing form (day, outcome, note), what the open list shows of a case's follow-ups
// (days since the last one, the next step, overdue or not), the questions before an
// erasure, and the "to do this week" lines. case-detail.js draws them; node tests them.

import { t, entryLabel, formatNumber } from '../i18n.js';
import { formatDate, parseDate } from '../dates.js';
import { validateClose } from './cases-model.js';

/** The outcomes of a closing, in the order the form offers them (the core's codes). */
export const OUTCOMES = ['solved', 'not_solvable', 'unreachable', 'referred'];

/** The longest text of a follow-up field or a closing note (the core's limit). */
export const MAX_TEXT = 4000;

const tooLong = (s) => String(s ?? '').length > MAX_TEXT;

/**
 * Validates a follow-up as typed: `{doneOn, what, withWhom, nextStep, dueOn}` (dates as
 * dd/mm/yyyy; `doneOn` empty means today). Returns `{input}` for the core or `{errors}`,
 * `[field, text]` pairs in form order.
 */
export function validateFollowUp(values, { today, openedOn }) {
  const errors = [];
  const doneText = String(values.doneOn ?? '').trim();
  const doneOn = doneText === '' ? today : parseDate(doneText);
  if (!doneOn || doneOn > today || doneOn < openedOn) errors.push(['done_on', t('cases.err.doneOn')]);
  const what = String(values.what ?? '').trim();
  if (!what || tooLong(what)) errors.push(['what', t('cases.err.what')]);
  const nextStep = String(values.nextStep ?? '').trim();
  const dueText = String(values.dueOn ?? '').trim();
  let dueOn = null;
  if (dueText !== '') {
    dueOn = parseDate(dueText);
    if (!dueOn || (doneOn && dueOn < doneOn)) errors.push(['due_on', t('cases.err.dueOn')]);
    else if (!nextStep) errors.push(['next_step', t('cases.err.nextStep')]);
  }
  if (tooLong(values.withWhom) || tooLong(nextStep)) errors.push(['next_step', t('cases.err.tooLong')]);
  if (errors.length) return { errors };
  return {
    input: {
      done_on: doneOn, what, with_whom: String(values.withWhom ?? '').trim(), next_step: nextStep, due_on: dueOn,
    },
  };
}

/**
 * Validates a closing as typed: `{closedOn, outcome, note}`. Returns `{closing}` for the
 * core or `{errors}`.
 */
export function validateClosing(values, { today, openedOn }) {
  const errors = [];
  const closedOn = validateClose(values.closedOn, { today, openedOn });
  if (!closedOn) errors.push(['close', t('cases.err.closed')]);
  if (!OUTCOMES.includes(values.outcome)) errors.push(['outcome', t('cases.err.outcome')]);
  if (tooLong(values.note)) errors.push(['close_note', t('cases.err.tooLong')]);
  if (errors.length) return { errors };
  return { closing: { closed_on: closedOn, outcome: values.outcome, note: String(values.note ?? '').trim() } };
}

/** An outcome's words. */
export function outcomeLabel(outcome) {
  return outcome ? t(`cases.outcome.${outcome}`) : t('cases.outcome.none');
}

/**
 * What the open list shows of a listed case's follow-ups: `{days, step, due, overdue}`:
 * the days since the last follow-up (or the opening), the next step's text and due day
 * as read, and whether it is past due.
 */
export function progressCells(listed) {
  const step = listed.next_step ?? null;
  return {
    days: formatNumber(listed.days_since_follow_up ?? 0),
    step: step ? step.text : '—',
    due: step?.due_on ? formatDate(step.due_on) : '',
    overdue: Boolean(step?.overdue),
  };
}

/** A line of the "to do this week" list: `{caseId, who, step, due, overdue}`. */
export function dueLine(due) {
  return {
    caseId: due.case_id,
    who: due.person_name || t('cases.noName'),
    step: due.next_step.text,
    due: formatDate(due.next_step.due_on),
    overdue: Boolean(due.next_step.overdue),
  };
}

/** The question before erasing a case's personal file on the person's request. */
export function eraseQuestion(c) {
  return t('cases.confirmErase', { date: formatDate(c.opened_on) });
}

/** What the detail says of an erased personal file, or '' when it was never erased. */
export function erasureNote(c) {
  if (!c.erasure) return '';
  const date = formatDate(String(c.erasure.erased_at).slice(0, 10));
  return t(c.erasure.cause === 'request' ? 'cases.erasedRequest' : 'cases.erasedRetention', { date });
}

/**
 * The services a case can still involve: the active ones of the list `kinds` not
 * involved yet, as `{value, label}`.
 */
export function serviceOptions(kinds, involved) {
  const taken = new Set(involved.map((i) => i.service));
  return kinds.filter((k) => k.active && !taken.has(k.code)).map((k) => ({ value: k.code, label: entryLabel(k) }));
}

/** A service's words (its code when the list no longer has it). */
export function serviceLabel(kinds, code) {
  return entryLabel(kinds.find((k) => k.code === code)) || code;
}

/** Validates a service to involve as typed: `{service, involvedOn}`. */
export function validateService(values, { today, openedOn }) {
  const errors = [];
  if (!values.service) errors.push(['service', t('cases.err.service')]);
  const text = String(values.involvedOn ?? '').trim();
  const day = text === '' ? today : parseDate(text);
  if (!day || day > today || day < openedOn) errors.push(['involved_on', t('cases.err.doneOn')]);
  if (errors.length) return { errors };
  return { service: values.service, involvedOn: day };
}

/** The kinds of a copy of a document, in the order the form offers them. */
export const DOCUMENT_KINDS = ['permit', 'passport', 'receipt', 'certificate', 'other'];

/** A size in bytes as read: 820 B, 14 kB, 3,2 MB. */
export function formatSize(bytes) {
  if (bytes < 1024) return `${formatNumber(bytes)} B`;
  if (bytes < 1024 * 1024) return `${formatNumber(Math.round(bytes / 1024))} kB`;
  return `${formatNumber(Math.round((bytes / 1048576) * 10) / 10)} MB`;
}

/** A copy's line: `{id, name, kind, date, size}` as read. */
export function documentLine(doc) {
  return {
    id: doc.id, name: doc.name, kind: t(`cases.doc.${doc.kind}`), date: formatDate(doc.added_on), size: formatSize(doc.size),
  };
}
