// Export and import outcomes as the operator reads them, in the interface's language:
// built from the core's stable codes and structured fields (kind, line, field, codes),
// never by parsing the core's English message. Pure functions, tested under node.

import { t, formatNumber } from './i18n.js';
import { formatDate } from './dates.js';

/** A file field named as in the file, with its meaning when it has one: «sex» (sesso). */
export function fieldName(name) {
  const key = `field.${name}`;
  const label = t(key);
  return label === key ? t('rej.fieldPlain', { name }) : t('rej.field', { name, label });
}

const capitalise = (s) => s.charAt(0).toUpperCase() + s.slice(1);

/** Why a file was refused: `{kind, line, field, codes}` from the core. */
export function rejectionText(rejection) {
  if (!rejection) return '';
  const params = {};
  if (rejection.kind === 'unknown_codes') {
    const codes = rejection.codes ?? [];
    const shown = codes.slice(0, 10).map((c) => t('rej.code', {
      field: fieldName(c.field), code: c.code, line: formatNumber(c.line),
    }));
    if (codes.length > shown.length) shown.push(t('rej.more', { count: formatNumber(codes.length - shown.length) }));
    params.codes = shown.join(', ');
  }
  const key = `rej.${rejection.kind}`;
  const what = t(key, params);
  // a code this interface does not know yet: say it plainly rather than show a key
  const text = what === key ? `${rejection.kind}: ${rejection.message ?? ''}` : what;
  const line = rejection.line != null ? formatNumber(rejection.line) : null;
  const field = rejection.field ? fieldName(rejection.field) : null;
  if (line && field) return t('rej.where.lineField', { line, field, text });
  if (line) return t('rej.where.line', { line, text });
  if (field) return t('rej.where.field', { field, text });
  return capitalise(text);
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

/** An export that failed (`{code, message, field}` from the core), into `folder`. */
export function exportErrorText(err, folder) {
  const code = err?.code;
  if (code === 'invalid' && err.field === 'out') return t('sync.err.out', { folder });
  if (code === 'invalid' && err.field === 'period') return t('sync.err.period');
  if (code === 'io') return t('sync.err.io', { folder });
  if (code === 'no_desk') return t('err.no_desk');
  return t('err.generic', { code: code ?? 'error', message: err?.message ?? String(err) });
}

/**
 * The register's status line from the core's `Pending` (`records`, `older_than_today`,
 * `oldest`): `{text, warning}`, warning when records of earlier days still wait.
 */
export function pendingStatus(p) {
  if (!p || p.records === 0) return { text: t('reg.allExported'), warning: false };
  const base = t(p.records === 1 ? 'reg.unexportedOne' : 'reg.unexported', {
    count: formatNumber(p.records), date: formatDate(p.oldest ?? ''),
  });
  if (p.older_than_today === 0) return { text: base, warning: false };
  const old = t(p.older_than_today === 1 ? 'reg.unexportedOldOne' : 'reg.unexportedOld', {
    count: formatNumber(p.older_than_today),
  });
  return { text: `${base}. ${old}`, warning: true };
}
