// The "Backup" section of the settings (on the export page): where the backups go
// (the folder dialog; back to the default), "Esegui backup ora", the list of backups,
// and restoring one after a confirmation. And, on every page, the status line's
// warning when the last good backup is over two days old (`mountStatus`). Every rule is
// the core's; backup-model.js words what it returned.
import {
  checkBackupFile, getBackupStatus, pickBackupFile, pickFolder, restoreBackup,
  setBackupFolder, takeBackup,
} from '../ipc.js';
import { t } from '../i18n.js';
import { h, say } from '../dom.js';
import {
  backupErrorText, lastText, restoredText, rowOf, warningText,
} from './backup-model.js';

const CHANGED = 'sportello:backup-changed';
const changed = () => document.dispatchEvent(new Event(CHANGED));

// What a restore did, shown by the section when the app has reopened on the database.
let afterRestore = null;

/** The section, mounted into `root`; `ctx.onLanguage` restarts the app's page. */
export function mount(root, ctx = {}) {
  const folder = h('span', { class: 'sync-folder', id: 'backup-folder' });
  const last = h('p', { id: 'backup-last' });
  const table = h('div', { class: 'backup-list', id: 'backup-list' });
  const message = h('p', { class: 'sync-message', id: 'backup-message', role: 'status', 'aria-live': 'polite' });
  const nowBtn = h('button', { type: 'button', class: 'primary', id: 'backup-now' }, t('backup.now'));
  const folderBtn = h('button', { type: 'button', id: 'backup-choose' }, t('backup.chooseFolder'));
  const defaultBtn = h('button', { type: 'button', id: 'backup-default' }, t('backup.defaultFolder'));
  const restoreBtn = h('button', { type: 'button', id: 'backup-restore' }, t('backup.restore'));
  const fail = (e) => say(message, backupErrorText(e), true);

  function render(s) {
    folder.textContent = s.folder;
    defaultBtn.hidden = !s.chosen;
    const warning = warningText(s);
    last.textContent = warning ?? lastText(s);
    last.className = warning ? 'warning' : '';
    if (s.backups.length === 0) {
      table.replaceChildren();
      return;
    }
    table.replaceChildren(h('table', { class: 'sync-table' },
      h('caption', {}, t('backup.listTitle')),
      h('thead', {}, h('tr', {}, ...['backup.date', 'backup.size', 'backup.verified', 'backup.kind', 'backup.file']
        .map((k) => h('th', { scope: 'col' }, t(k))))),
      h('tbody', {}, s.backups.map((b) => {
        const r = rowOf(b);
        return h('tr', {}, h('td', {}, r.date), h('td', {}, r.size),
          h('td', { class: b.verified ? '' : 'warning' }, r.verified), h('td', {}, r.kind),
          h('td', { class: 'file' }, r.file));
      }))));
  }

  async function refresh() {
    try {
      render(await getBackupStatus());
    } catch (e) { fail(e); }
  }

  nowBtn.addEventListener('click', async () => {
    nowBtn.disabled = true;
    say(message, t('backup.running'));
    try {
      const b = await takeBackup();
      say(message, t('backup.done', { file: rowOf(b).file }));
    } catch (e) { fail(e); }
    nowBtn.disabled = false;
    await refresh();
    changed();
  });

  folderBtn.addEventListener('click', async () => {
    const dir = await pickFolder(t('backup.chooseFolder'));
    if (!dir) return;
    try {
      render(await setBackupFolder(dir));
      say(message, t('backup.folderSet'));
    } catch (e) { fail(e); }
    changed();
  });
  defaultBtn.addEventListener('click', async () => {
    try {
      render(await setBackupFolder(null));
      say(message, t('backup.folderDefault'));
      folderBtn.focus();
    } catch (e) { fail(e); }
    changed();
  });

  restoreBtn.addEventListener('click', async () => {
    const file = await pickBackupFile(t('backup.restore'));
    if (!file) return;
    try {
      await checkBackupFile(file);
    } catch (e) { fail(e); return; }
    confirmRestore(file, async () => {
      try {
        afterRestore = restoredText(await restoreBackup(file));
        changed();
        // the whole page again, on the restored database
        if (ctx.onLanguage) ctx.onLanguage(); else { say(message, afterRestore); refresh(); }
      } catch (e) { fail(e); refresh(); }
    });
  });

  root.replaceChildren(
    h('section', { class: 'sync', 'aria-labelledby': 'backup-title' },
      h('h2', { id: 'backup-title' }, t('backup.title')),
      h('p', { class: 'help' }, t('backup.help')),
      h('p', {}, h('span', { class: 'label' }, `${t('backup.folder')}: `), folder),
      last,
      h('div', { class: 'sync-actions' }, nowBtn, folderBtn, defaultBtn, restoreBtn),
      message,
      table));
  if (afterRestore) {
    say(message, afterRestore);
    afterRestore = null;
  }
  refresh();
  return { refresh };
}

/** The confirmation before a restore: "Ripristina" or "Annulla" (the default). */
function confirmRestore(file, onConfirm) {
  const okBtn = h('button', { type: 'button', class: 'primary', id: 'backup-restore-confirm' }, t('backup.confirm.ok'));
  const cancelBtn = h('button', { type: 'button', id: 'backup-restore-cancel' }, t('backup.confirm.cancel'));
  const dialog = h('dialog', { 'aria-labelledby': 'backup-confirm-title', id: 'backup-confirm' },
    h('h2', { id: 'backup-confirm-title' }, t('backup.confirm.title')),
    h('p', {}, t('backup.confirm.text', { file: rowOf({ path: file, taken_at: '', size: 0 }).file })),
    h('div', { class: 'actions' }, okBtn, cancelBtn));
  const close = () => dialog.remove();
  dialog.addEventListener('cancel', (e) => { e.preventDefault(); close(); });
  cancelBtn.addEventListener('click', close);
  okBtn.addEventListener('click', () => { okBtn.disabled = true; close(); onConfirm(); });
  document.getElementById('backup-confirm')?.remove();
  document.body.append(dialog);
  dialog.showModal();
  // the safe choice first: Enter on an unread question keeps the database
  cancelBtn.focus();
}

const status = { line: null, started: false };

async function refreshStatus() {
  const line = status.line;
  if (!line) return;
  try {
    const text = warningText(await getBackupStatus());
    line.textContent = text ?? '';
    line.hidden = !text;
  } catch {
    // the status line stays quiet: the section says what failed
    line.hidden = true;
  }
}

/** The warning of the status line, appended to `nav`: shown only when backups lag. */
export function mountStatus(nav) {
  status.line = h('p', { class: 'backup-status warning', id: 'backup-status', role: 'status', 'aria-live': 'polite', hidden: true });
  nav.append(status.line);
  if (!status.started) {
    status.started = true;
    document.addEventListener(CHANGED, refreshStatus);
    // the daily backup runs in the background: look again every ten minutes
    setInterval(refreshStatus, 10 * 60 * 1000);
  }
  refreshStatus();
}
