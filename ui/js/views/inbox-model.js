// The coordinator's inbox in words, without DOM or IPC: what the scan found (files new,
// seen before, folders that cannot be read), each new file's decision (import it, a new
// desk to register, a refusal to record, closed years to reopen), which files the key
// "import all" takes, and the key itself. inbox.js mounts it; tests run it under node.
// The rules (what is new, what is clean) are the core's: `is_clean` here mirrors
// `sportello::exchange::inbox::is_clean` for the button's count only; the core decides.

import { t, formatNumber } from '../i18n.js';

/** Whether a planned file needs no decision: the "import all" key takes it. */
export function isClean(r) {
  return r.outcome === 'imported' && r.conflicts.length === 0
    && (r.closed_years ?? []).length === 0 && !r.new_desk && !r.sequence_taken_by;
}

/** The files of a scan's plan the key takes. */
export function cleanFiles(plan) {
  return plan.filter(isClean);
}

/** The scan's summary: `{text, warning}` lines (folders unreadable, files new and seen). */
export function summaryLines(scan) {
  const lines = scan.folders.filter((f) => f.error)
    .map((f) => ({ text: t('inbox.folderError', { folder: f.folder, error: f.error }), warning: true }));
  const count = scan.plan.length;
  lines.push({
    text: count === 0 ? t('inbox.noneNew')
      : t(count === 1 ? 'inbox.newOne' : 'inbox.newMany', { count: formatNumber(count) }),
    warning: false,
  });
  if (scan.known > 0) {
    const key = scan.known === 1 ? 'inbox.knownOne' : 'inbox.known';
    lines.push({ text: t(key, { count: formatNumber(scan.known) }), warning: false });
  }
  return lines;
}

/**
 * What confirming one file means: `{kind, label, note}`. `kind` is `import` (plain),
 * `newDesk` (registers the desk), `reopen` (reopens closed years), `refuse` (records
 * the refusal, which the desk's receipt then names).
 */
export function fileDecision(r) {
  if (r.outcome === 'rejected') {
    return { kind: 'refuse', label: t('inbox.recordRefusal'), note: t('inbox.refusalNote') };
  }
  if (r.new_desk) {
    return {
      kind: 'newDesk',
      label: t('inbox.registerAndImport', { desk: r.desk }),
      note: t('inbox.newDeskNote', { desk: r.desk }),
    };
  }
  const years = (r.closed_years ?? []).map((c) => c.year);
  if (years.length) {
    return { kind: 'reopen', label: t('inbox.reopenAndImport', { years: years.join(', ') }), note: '' };
  }
  return { kind: 'import', label: t('inbox.importOne'), note: '' };
}

/** The confirmation the core takes for one file of the plan. */
export function confirmationFor(r) {
  return {
    files: [r.path],
    new_desks: r.new_desk && r.desk ? [r.desk] : [],
    reopen_years: (r.closed_years ?? []).map((c) => c.year),
  };
}

/** The confirmation of the key: every clean file, nothing else. */
export function confirmationOfAll(plan) {
  return { files: cleanFiles(plan).map((r) => r.path), new_desks: [], reopen_years: [] };
}

/** The label of the key's button, with the key. */
export function allLabel(plan) {
  return t('inbox.importAll', { count: formatNumber(cleanFiles(plan).length) });
}

/** What a key press means in the inbox section: Alt+I imports all clean files. */
export function shortcut(e) {
  if (!e.altKey || e.ctrlKey || e.metaKey) return null;
  return e.key.toLowerCase() === 'i' ? 'importAll' : null;
}

/** What confirming did, in one line: imported, held back, refused. */
export function doneText(reports) {
  const count = (f) => formatNumber(reports.filter(f).length);
  const held = (r) => ['new_desk', 'closed_year', 'stale_plan', 'changed_since_plan']
    .includes(r.rejection?.kind);
  return t('inbox.done', {
    imported: count((r) => r.outcome === 'imported'),
    refused: count((r) => r.outcome === 'rejected' && !held(r)),
    held: count((r) => r.outcome === 'rejected' && held(r)),
  });
}
