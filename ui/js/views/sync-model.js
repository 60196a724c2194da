// The export / import page's words and decisions, without DOM or IPC: the export
// status lines, what an export wrote, each file of an import plan or result (outcome,
// counts, conflicts), whether the plan has anything to confirm, and the per-desk
// sequence status. sync.js mounts it; tests run it under node. Every rule of the
// exchange lives in the core: this only says what the core returned.

import { t, formatNumber } from '../i18n.js';
import { formatDate, formatDateTime } from '../dates.js';
import { fieldName, rejectionText } from '../errors.js';

/** The last part of a file path, whatever the separator. */
export function baseName(path) {
  return path.split(/[\\/]/).pop();
}

/**
 * The export status from the core's `Pending` (`records`, `older_than_today`, `oldest`,
 * `last_export`): `{text, warning}` lines.
 */
export function pendingLines(p) {
  const lines = [];
  if (p.records === 0) lines.push({ text: t('sync.pendingNone'), warning: false });
  else lines.push({ text: t('sync.pending', { count: formatNumber(p.records) }), warning: false });
  if (p.older_than_today > 0) {
    lines.push({
      text: t(p.older_than_today === 1 ? 'sync.pendingOldOne' : 'sync.pendingOld', {
        count: formatNumber(p.older_than_today), date: formatDate(p.oldest),
      }),
      warning: true,
    });
  }
  if (p.last_export) {
    const e = p.last_export;
    lines.push({
      text: t('sync.lastExport', {
        sequence: e.sequence, date: formatDateTime(e.created_at), count: formatNumber(e.record_count),
      }),
      warning: false,
    });
  }
  return lines;
}

/** What an export wrote: its number, records, period and file. */
export function exportedMessage(s) {
  return t('sync.exported', {
    sequence: s.sequence, count: formatNumber(s.record_count),
    from: formatDate(s.period_from), to: formatDate(s.period_to), path: s.path,
  });
}

/** A record kept against a different copy: `{record, id, revision, line, fields}`. */
export function conflictText(c) {
  const record = t(`rec.${c.record}`);
  const line = formatNumber(c.line);
  if (c.fields.length === 1 && c.fields[0] === 'desk') {
    return t('sync.conflictDesk', { line, record, id: c.id });
  }
  return t('sync.conflict', {
    line, record, id: c.id, revision: formatNumber(c.revision),
    fields: c.fields.map(fieldName).join(', '),
  });
}

/** The counts of an imported file. */
export function countsText(r) {
  return t('sync.counts', {
    new: formatNumber(r.new), updated: formatNumber(r.updated),
    unchanged: formatNumber(r.unchanged), conflicts: formatNumber(r.conflicts.length),
  });
}

/** A file of a plan or result, named with its desk and number when it has them. */
export function fileLabel(r) {
  const label = r.desk && r.sequence
    ? t('sync.fileOf', { file: baseName(r.file), desk: r.desk, sequence: r.sequence })
    : baseName(r.file);
  return r.encrypted ? t('sync.encryptedFile', { label }) : label;
}

/** A file's outcome: to import (in a plan) or imported (in a result), already, rejected. */
export function outcomeText(r, done) {
  if (r.outcome === 'imported') return t(done ? 'sync.imported' : 'sync.toImport');
  return t(r.outcome === 'already_imported' ? 'sync.already' : 'sync.rejected');
}

/** A file's details: `{text, conflicts}`, why it was refused or its counts and conflicts. */
export function fileDetails(r) {
  if (r.outcome === 'rejected') return { text: rejectionText(r.rejection) || r.message, conflicts: [] };
  const reused = r.sequence_taken_by
    ? [t('sync.sequenceTaken', { desk: r.desk ?? '', sequence: r.sequence ?? '' })] : [];
  return {
    text: r.outcome === 'imported' ? countsText(r) : '',
    conflicts: [...reused, ...r.conflicts.map(conflictText)],
  };
}

/**
 * Whether confirming a plan imports a file: one to import whose closed years, if it
 * would change any, are all among the years in `confirmed` (their boxes ticked).
 */
export function canConfirm(plan, confirmed = []) {
  return plan.some((r) => r.outcome === 'imported'
    && (r.closed_years ?? []).every((c) => confirmed.includes(c.year)));
}

/** Sequence numbers received, as ranges: [[1, 3], [5, 5]] -> "1–3, 5". */
export function rangesText(ranges) {
  return ranges.map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`)).join(', ');
}

/**
 * A desk's last file: its number, its own period and when the desk made it; for a
 * file imported before the log kept them, when it was imported.
 */
export function lastFileText(d) {
  if (d.last_file_created_at && d.last_file_period) {
    const [from, to] = d.last_file_period;
    return t('sync.lastFileMade', {
      sequence: d.last_sequence, from: formatDate(from), to: formatDate(to),
      date: formatDateTime(d.last_file_created_at),
    });
  }
  return d.last_imported_at ? t('sync.lastFileImported', { date: formatDateTime(d.last_imported_at) }) : '';
}

/** The numbers of a desk received from two different exports. */
export function reusedText(reused) {
  return t('sync.reused', { numbers: reused.join(', ') });
}

/** The numbers missing from a desk's sequence, or that none is. */
export function missingText(missing) {
  return missing.length ? missing.join(', ') : t('sync.none');
}
