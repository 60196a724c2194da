// The coordinator's receipt in words, without DOM or IPC: "Grosseto ha ricevuto i file
// 1-41; manca il 37", the files that can be delivered again, and what reading a
// receipt did. receipts.js mounts it; tests run it under node. The rules (what a
// receipt changes) are the core's.

import { t, formatNumber } from '../i18n.js';
import { formatDateTime } from '../dates.js';
import { rejectionText } from '../errors.js';
import { baseName, rangesText } from './sync-model.js';

/** The coordinator's name as the desks say it: Grosseto for GRO, else its code. */
export function coordinatorName(code) {
  return code === 'GRO' ? 'Grosseto' : code;
}

/** "Grosseto ha ricevuto i file 1-41; manca il 37", from the last receipt's standing. */
export function standingText(standing) {
  const coordinator = coordinatorName(standing.coordinator);
  if (standing.received.length === 0) return t('receipts.receivedNone', { coordinator });
  const single = standing.received.length === 1 && standing.received[0][0] === standing.received[0][1];
  const received = single
    ? t('receipts.receivedOne', { coordinator, file: standing.received[0][0] })
    : t('receipts.received', { coordinator, files: rangesText(standing.received) });
  const m = standing.missing;
  const missing = m.length === 0
    ? t('receipts.missingNone')
    : m.length === 1
      ? t('receipts.missingOne', { file: m[0] })
      : t('receipts.missingMany', { files: m.join(', ') });
  return `${received}; ${missing}`;
}

/** "ricevuta del 30/11/2026 08:00". */
export function asOfText(standing) {
  return t('receipts.asOf', { date: formatDateTime(standing.created_at) });
}

/**
 * The export numbers to offer for delivery again: those missing, and those rejected
 * that were not received since (a rejected file sent again and imported is received).
 */
export function redeliverable(standing) {
  const received = (n) => standing.received.some(([a, b]) => n >= a && n <= b);
  const rejected = standing.files
    .filter((f) => f.outcome === 'rejected' && f.sequence && !received(f.sequence))
    .map((f) => f.sequence);
  return [...new Set([...standing.missing, ...rejected])].sort((a, b) => a - b);
}

/** The key that delivers file `n` again. */
export function redeliverLabel(n) {
  return t('receipts.redeliver', { file: n });
}

/** One line per receipt read: `{text, error}`. */
export function readLines(read) {
  if (read.length === 0) return [{ text: t('receipts.noneFound'), error: false }];
  return read.map((r) => {
    const file = baseName(r.file);
    if (r.rejection) {
      return { text: t('receipts.refused', { file, reason: rejectionText(r.rejection) }), error: true };
    }
    if (!r.taken?.newer) return { text: t('receipts.notNewer', { file }), error: false };
    const changes = ['codes_added', 'codes_retired', 'codes_restored', 'codes_relabelled', 'kinds_changed',
      'services_changed']
      .reduce((n, k) => n + (r.taken[k]?.length ?? 0), 0);
    const text = t('receipts.taken', { file, count: formatNumber(changes) });
    // the coordinator's public key: set, or replaced by a newer receipt's
    if (!r.taken.recipient) return { text, error: false };
    const key = t(r.taken.recipient_replaced ? 'receipts.keyReplaced' : 'receipts.keySet', { key: r.taken.recipient });
    return { text: `${text} ${key}`, error: false, key: true };
  });
}
