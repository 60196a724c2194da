// The outbox's words and decisions, without DOM or IPC: what waits for delivery to
// Grosseto, the last delivery and why the last attempt failed, what a delivery did,
// the end-of-hours offer, the question before closing, and the keys. outbox.js mounts
// it; tests run it under node. The rules (what waits, when to offer) are the core's.

import { t, formatNumber } from '../i18n.js';
import { formatDateTime } from '../dates.js';
import { errorText } from '../errors.js';
import { baseName } from './sync-model.js';

/** "2 file in attesa di consegna a Grosseto", or that none waits. */
export function waitingText(count) {
  if (count === 0) return t('outbox.waitingNone');
  return count === 1 ? t('outbox.waitingOne') : t('outbox.waiting', { count: formatNumber(count) });
}

/** A waiting file: its name, with its export number when the core knows it. */
export function fileText(f) {
  return f.sequence ? t('outbox.fileOf', { file: f.name, sequence: f.sequence }) : f.name;
}

/** Why a delivery stopped (`{code, file, message}`), in the interface's language. */
export function failureText(failure) {
  return errorText(failure, { area: 'outbox' });
}

/** The last attempt's failure, from a row of the core's delivery log. */
function loggedFailure(last) {
  const reason = failureText({ code: last.failure, file: last.file, message: last.message });
  if (last.attempts > 1) {
    return t('outbox.lastFailedMany', {
      date: formatDateTime(last.last_at), count: formatNumber(last.attempts),
      since: formatDateTime(last.first_at), reason,
    });
  }
  return t('outbox.lastFailed', { date: formatDateTime(last.last_at), reason });
}

/**
 * The status line of the navigation: `{text, warning}`; a warning while files wait
 * and the last attempt failed.
 */
export function statusLine(status) {
  const waiting = status.waiting.length;
  const failed = waiting > 0 && status.last?.outcome === 'failed';
  return { text: waitingText(waiting), warning: failed };
}

/**
 * The outbox section's lines (`{text, warning}`): what waits, why the last attempt
 * failed while something still waits, and the last delivery.
 */
export function detailLines(status) {
  const lines = [{ text: waitingText(status.waiting.length), warning: false }];
  if (status.waiting.length > 0 && status.last?.outcome === 'failed') {
    lines.push({ text: loggedFailure(status.last), warning: true });
  }
  const d = status.last_delivered;
  if (d) {
    lines.push({
      text: t('outbox.lastDelivered', { file: baseName(d.file), date: formatDateTime(d.last_at) }),
      warning: false,
    });
  }
  return lines;
}

/** What a delivery did: `{text, error}`. */
export function deliveryMessage(report) {
  const parts = [];
  const n = report.delivered.length;
  if (n > 0) parts.push(n === 1 ? t('outbox.deliveredOne') : t('outbox.delivered', { count: formatNumber(n) }));
  if (report.failure) parts.push(failureText(report.failure));
  if (parts.length === 0) parts.push(t('outbox.nothingToDeliver'));
  return { text: parts.join(' '), error: Boolean(report.failure) };
}

/** What an export into the outbox wrote. */
export function exportedText(summary) {
  return t('outbox.exported', {
    sequence: summary.sequence, count: formatNumber(summary.record_count),
  });
}

/** The end-of-hours banner's text, or null when the core offers nothing. */
export function offerText(offer) {
  if (!offer) return null;
  return offer.records === 1
    ? t('outbox.offerOne', { closes: offer.closes })
    : t('outbox.offer', { closes: offer.closes, count: formatNumber(offer.records) });
}

/** The question asked when the window closes with `count` records not exported. */
export function closeQuestion(count) {
  return count === 1 ? t('outbox.close.questionOne') : t('outbox.close.question', { count: formatNumber(count) });
}

/**
 * What a key press means anywhere (Alt+G: export and deliver, the end-of-hours offer's
 * key) or in the outbox section (Alt+O: deliver now); null otherwise.
 */
export function shortcut(e) {
  if (!e.altKey || e.ctrlKey || e.metaKey) return null;
  return { g: 'exportAndDeliver', o: 'deliver' }[e.key.toLowerCase()] ?? null;
}
