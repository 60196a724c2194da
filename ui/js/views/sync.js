// The "Esporta / Importa" page: the desk's daily export, and the coordinator's import
// with a dry-run preview to confirm, plus the per-desk sequence status. Every rule
// lives in the core; sync-model.js words what the core returned, and this module
// builds the page and calls the core.
//
// mount(root) returns `{preview(paths), refresh()}` at once (not a promise): the
// end-to-end test previews files through it, as the file dialog cannot be driven.
import {
  applyImport, exportToPath, getCodebook, getExportStatus, getImportStatus, getInboxFolders, listDeskPresets,
  pickExportFiles, pickFolder, planImport,
} from '../ipc.js';
import { t, entryLabel } from '../i18n.js';
import { h } from '../dom.js';
import { errorText } from '../errors.js';
import * as backupView from './backup.js';
import * as encryptionView from './encryption.js';
import * as inboxView from './inbox.js';
import * as outboxView from './outbox.js';
import * as receiptsView from './receipts.js';
import {
  canConfirm, exportedMessage, fileDetails, fileLabel, lastFileText, missingText, outcomeText,
  pendingLines, reusedText, rangesText,
} from './sync-model.js';
import { closedYearBlocks, yearsToConfirm } from './years-model.js';

export function mount(root, ctx = {}) {
  const { coordinator = true } = ctx;
  const exportStatus = h('div', { class: 'sync-status', role: 'status', 'aria-live': 'polite' });
  const folderText = h('span', { class: 'sync-folder', id: 'export-folder' });
  const exportMsg = h('p', { class: 'sync-message', role: 'status', 'aria-live': 'polite' });
  const importArea = h('div', { class: 'sync-import-result' });
  const deskStatus = h('div', { class: 'sync-desks' });
  let folder = null;

  const exportBtn = h('button', { type: 'button', class: 'primary' }, t('sync.export'));
  const folderBtn = h('button', { type: 'button' }, t('sync.chooseFolder'));
  const failure = (e) => h('p', { class: 'error' }, errorText(e));

  async function refreshExport() {
    try {
      const s = await getExportStatus();
      folder = s.folder;
      folderText.textContent = folder ?? t('sync.noFolder');
      exportStatus.replaceChildren(...pendingLines(s.pending)
        .map((l) => h('p', l.warning ? { class: 'warning' } : {}, l.text)));
    } catch (e) {
      exportStatus.replaceChildren(failure(e));
    }
  }

  async function chooseFolder() {
    const dir = await pickFolder(t('sync.folder'));
    if (dir) {
      folder = dir;
      folderText.textContent = dir;
    }
    return dir;
  }

  async function doExport() {
    const dir = folder ?? await chooseFolder();
    if (!dir) return;
    exportBtn.disabled = true;
    exportMsg.className = 'sync-message';
    exportMsg.textContent = t('sync.exporting');
    try {
      exportMsg.textContent = exportedMessage(await exportToPath(dir));
    } catch (e) {
      exportMsg.className = 'sync-message error';
      exportMsg.textContent = errorText(e, { area: 'export', folder: dir });
    } finally {
      exportBtn.disabled = false;
      refreshExport();
    }
  }

  // Desk names and codebook labels for the closed years' figures, read at a preview.
  const names = { desk: (code) => code, label: (list, code) => code };
  async function loadNames() {
    const [presets, codebook] = await Promise.all([listDeskPresets(), getCodebook()]);
    const desks = new Map(presets.map((d) => [d.code, d.name]));
    names.desk = (code) => desks.get(code) ?? code;
    names.label = (list, code) =>
      entryLabel(codebook.lists[list]?.find((e) => e.code === code)) || code;
  }

  /** The closed years a file would change (or changed): title and figures. */
  function closedYears(r, done) {
    const blocks = closedYearBlocks(r, {
      done: done && r.outcome === 'imported', deskName: names.desk, label: names.label,
    });
    return blocks.map((b) => h('div', { class: 'closed-year warning', 'data-year': b.year },
      h('p', {}, b.title), b.intro ? h('p', {}, b.intro) : '',
      b.figures.length ? h('ul', {}, b.figures.map((f) => h('li', {}, f))) : h('p', {}, b.none)));
  }

  function reportTable(reports, done) {
    const rows = reports.map((r) => {
      const details = fileDetails(r);
      return h('tr', { class: `outcome-${r.outcome}` },
        // the file is named in the first column, a desk never seen before under it
        h('td', { class: 'file' }, fileLabel(r),
          r.new_desk ? h('div', { class: 'warning new-desk' }, t('inbox.newDeskNote', { desk: r.desk })) : ''),
        h('td', { class: 'outcome' }, outcomeText(r, done)),
        h('td', {}, h('span', {}, details.text),
          ...details.conflicts.map((c) => h('div', { class: 'warning' }, c)),
          ...closedYears(r, done)));
    });
    return h('table', { class: 'sync-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('sync.file')),
        h('th', { scope: 'col' }, t('sync.outcome')), h('th', { scope: 'col' }, t('sync.details')))),
      h('tbody', {}, rows));
  }

  async function preview(paths) {
    if (!paths || paths.length === 0) return;
    importArea.replaceChildren();
    try {
      const plan = await planImport(paths);
      if (plan.length === 0) {
        importArea.replaceChildren(h('p', {}, t('sync.nothingToImport')));
        return;
      }
      if (yearsToConfirm(plan).length) await loadNames();
      const confirmBtn = h('button', { type: 'button', class: 'primary' }, t('sync.confirm'));
      const cancelBtn = h('button', { type: 'button' }, t('sync.cancel'));
      // a closed year is reopened only when its box is ticked
      const boxes = yearsToConfirm(plan).map((year) => h('input', {
        type: 'checkbox', value: year, onchange: () => { confirmBtn.disabled = !canConfirm(plan, confirmed()); },
      }));
      const confirmed = () => boxes.filter((b) => b.checked).map((b) => Number(b.value));
      confirmBtn.disabled = !canConfirm(plan, confirmed());
      cancelBtn.addEventListener('click', () => importArea.replaceChildren());
      confirmBtn.addEventListener('click', async () => {
        confirmBtn.disabled = true;
        try {
          const result = await applyImport(plan, confirmed());
          importArea.replaceChildren(h('h3', {}, t('sync.result')), reportTable(result, true));
        } catch (e) {
          importArea.replaceChildren(failure(e));
        }
        refreshDesks();
      });
      const reopen = boxes.length === 0 ? '' : h('fieldset', { class: 'closed-years-confirm' },
        ...boxes.map((b) => h('label', {}, b, ` ${t('year.import.confirm', { year: b.value })}`)),
        h('p', { class: 'help' }, t('year.import.unconfirmed')));
      importArea.replaceChildren(h('h3', {}, t('sync.preview')), reportTable(plan, false), reopen,
        h('div', { class: 'sync-actions' }, confirmBtn, cancelBtn));
      (boxes[0] ?? (confirmBtn.disabled ? cancelBtn : confirmBtn)).focus();
    } catch (e) {
      importArea.replaceChildren(failure(e));
    }
  }

  async function refreshDesks() {
    try {
      const s = await getImportStatus();
      if (s.desks.length === 0) {
        deskStatus.replaceChildren(h('p', {}, t('sync.noImports')));
        return;
      }
      deskStatus.replaceChildren(h('table', { class: 'sync-table' },
        h('thead', {}, h('tr', {}, ...[t('sync.desk'), t('sync.received'), t('sync.missing'), t('sync.lastFile')]
          .map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, s.desks.map((x) => h('tr', {},
          h('td', {}, x.desk),
          h('td', {}, rangesText(x.received)),
          h('td', { class: x.missing.length || x.reused?.length ? 'warning' : '' },
            missingText(x.missing), x.reused?.length ? ` · ${reusedText(x.reused)}` : ''),
          h('td', {}, lastFileText(x)))))));
    } catch (e) {
      deskStatus.replaceChildren(failure(e));
    }
  }

  folderBtn.addEventListener('click', chooseFolder);
  exportBtn.addEventListener('click', doExport);
  const filesBtn = h('button', { type: 'button' }, t('sync.chooseFiles'));
  filesBtn.addEventListener('click', async () => preview(await pickExportFiles(t('sync.chooseFiles'))));
  const dirBtn = h('button', { type: 'button' }, t('sync.chooseImportFolder'));
  dirBtn.addEventListener('click', async () => {
    const dir = await pickFolder(t('sync.chooseImportFolder'));
    if (dir) preview([dir]);
  });

  // the outbox's own section (views/outbox.js) opens the page
  const outboxArea = h('div', { class: 'outbox-area' });
  outboxView.mount(outboxArea, { coordinator });
  const encryptionArea = h('div', { class: 'encryption-area' });
  encryptionView.mount(encryptionArea);
  const receiptsArea = h('div', { class: 'receipts-area' });
  receiptsView.mount(receiptsArea);
  // the coordinator's inbox: it opens the page once inbox folders are chosen; a desk
  // (no inbox folder) finds it below the import, out of the way
  const inboxArea = h('div', { class: 'inbox-area' });
  if (coordinator) {
    inboxView.mount(inboxArea, { onResult: () => refreshDesks() });
    getInboxFolders().then((dirs) => {
      if (dirs.length) root.querySelector('.sync-title').after(inboxArea);
    }, () => {});
  }
  const backupArea = h('div', { class: 'backup-area' });
  backupView.mount(backupArea, ctx);
  root.replaceChildren(
    h('h1', { class: 'sync-title' }, t('nav.sync')),
    outboxArea,
    receiptsArea,
    h('section', { class: 'sync', 'aria-labelledby': 'sync-export-title' },
      h('h2', { id: 'sync-export-title' }, t('sync.exportTitle')),
      h('p', { class: 'help' }, t('sync.exportHelp')),
      h('p', {}, h('span', { class: 'label' }, `${t('sync.folder')}: `), folderText),
      exportStatus,
      h('div', { class: 'sync-actions' }, exportBtn, folderBtn),
      exportMsg),
    // importing the desks' files is a coordinator's: an operator does not see it
    coordinator ? h('section', { class: 'sync', 'aria-labelledby': 'sync-import-title' },
      h('h2', { id: 'sync-import-title' }, t('sync.importTitle')),
      h('p', { class: 'help' }, t('sync.importHelp')),
      h('div', { class: 'sync-actions' }, filesBtn, dirBtn),
      importArea) : '',
    coordinator ? inboxArea : '',
    h('section', { class: 'sync', 'aria-labelledby': 'sync-desks-title' },
      h('h2', { id: 'sync-desks-title' }, t('sync.statusTitle')),
      deskStatus),
    coordinator ? encryptionArea : '',
    backupArea,
  );
  refreshExport();
  refreshDesks();
  return { preview, refresh: () => { refreshExport(); refreshDesks(); } };
}
