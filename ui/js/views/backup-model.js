// The backups' words, without DOM or IPC: the status line's warning, a backup's row,
// what a restore did, and the errors of the backup area. backup.js mounts it; tests
// run it under node. The rules (when a backup is due, when it is too old, the
// rotation) are the core's (sportello::store::backup).

import { t, formatNumber } from '../i18n.js';
import { formatDateTime } from '../dates.js';
import { errorText } from '../errors.js';
import { baseName } from './sync-model.js';

/** A size in KB or MB, in the language's number format. */
export function sizeText(bytes) {
  if (bytes >= 1024 * 1024) {
    return t('backup.sizeMb', { size: formatNumber(Math.round(bytes / 104857.6) / 10) });
  }
  return t('backup.sizeKb', { size: formatNumber(Math.ceil(bytes / 1024)) });
}

/** What a backup file is a copy of. */
export function kindText(b) {
  if (b.kind === 'before_migration') return t('backup.kind.beforeMigration', { version: b.from_version });
  if (b.kind === 'before_restore') return t('backup.kind.beforeRestore');
  return t('backup.kind.backup');
}

/** A row of the list: `{date, size, verified, kind, file}`. */
export function rowOf(b) {
  return {
    date: formatDateTime(b.taken_at),
    size: sizeText(b.size),
    verified: b.verified ? t('backup.verifiedYes') : t('backup.verifiedNo'),
    kind: kindText(b),
    file: baseName(b.path),
  };
}

/**
 * The status line's warning, or null when the last good backup is recent: none at all,
 * or over two days old (the folder unreachable said first, as the likely cause).
 */
export function warningText(status) {
  if (!status || !status.stale) return null;
  const why = status.reachable ? '' : ` ${t('backup.unreachable', { folder: status.folder })}`;
  if (!status.last) return `${t('backup.warnNone')}${why}`;
  return `${t('backup.warnOld', { date: formatDateTime(status.last.taken_at) })}${why}`;
}

/** "Ultimo backup: <date>", or that there is none. */
export function lastText(status) {
  return status.last
    ? t('backup.last', { date: formatDateTime(status.last.taken_at) })
    : t('backup.none');
}

/** What a restore did: the database set aside, named. */
export function restoredText(restored) {
  return restored.set_aside
    ? t('backup.restored', { file: baseName(restored.set_aside) })
    : t('backup.restoredFresh');
}

/** An error of the backup area: a refused file by its problem, an unreachable folder. */
export function backupErrorText(err) {
  if (err?.code === 'bad_file') {
    const key = `backup.err.${err.problem}`;
    const what = t(key);
    return t('backup.err.file', {
      file: baseName(err.file ?? ''), problem: what === key ? (err.message ?? '') : what,
    });
  }
  if (err?.code === 'invalid' && err.field === 'backup_folder') return t('backup.err.folder');
  if (err?.code === 'io') return t('backup.err.io', { message: err.message ?? '' });
  return errorText(err);
}
