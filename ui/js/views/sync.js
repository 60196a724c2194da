// The "Esporta / Importa" view: the desk's daily export, and the coordinator's import
// with a dry-run preview to confirm, plus the per-desk sequence status.
// Every rule lives in the core; this module only shows plans and results, in the
// interface's words (i18n-exchange.js), chosen by the core's stable codes.
import {
  applyImport, exportToPath, getExportStatus, getImportStatus, pickExportFiles, pickFolder,
  planImport,
} from '../ipc.js';
import { t, formatNumber } from '../i18n.js';
import {
  conflictText, countsText, exportErrorText, rejectionText,
} from '../exchange-messages.js';
import { fieldError } from '../errors.js';

// dd/mm/yyyy from YYYY-MM-DD; local dd/mm/yyyy hh:mm from an RFC 3339 time.
function d(iso) {
  if (!iso) return '';
  const [y, m, day] = iso.split('-');
  return `${day}/${m}/${y}`;
}
function dt(ts) {
  const time = new Date(ts);
  if (Number.isNaN(time.getTime())) return ts;
  const p = (n) => String(n).padStart(2, '0');
  return `${p(time.getDate())}/${p(time.getMonth() + 1)}/${time.getFullYear()} ${p(time.getHours())}:${p(time.getMinutes())}`;
}

// A DOM element; text goes in as text nodes, never as HTML.
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c != null) el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

const baseName = (p) => p.split(/[\\/]/).pop();

const errorText = (e) => fieldError(e).text;

export function mount(root) {
  const exportStatus = h('div', { class: 'sync-status', role: 'status', 'aria-live': 'polite' });
  const folderText = h('span', { class: 'sync-folder' });
  const exportMsg = h('p', { class: 'sync-message', role: 'status', 'aria-live': 'polite' });
  const importArea = h('div', { class: 'sync-import-result' });
  const deskStatus = h('div', { class: 'sync-desks' });
  let folder = null;

  const exportBtn = h('button', { type: 'button', class: 'primary' }, t('sync.export'));
  const folderBtn = h('button', { type: 'button' }, t('sync.chooseFolder'));

  async function refreshExport() {
    try {
      const s = await getExportStatus();
      folder = s.folder;
      folderText.textContent = folder ?? t('sync.noFolder');
      const p = s.pending;
      const lines = [];
      if (p.records === 0) lines.push(h('p', {}, t('sync.pendingNone')));
      else lines.push(h('p', {}, t('sync.pending', { count: formatNumber(p.records) })));
      if (p.older_than_today > 0) {
        lines.push(h('p', { class: 'warning' }, t(p.older_than_today === 1 ? 'sync.pendingOldOne' : 'sync.pendingOld', {
          count: formatNumber(p.older_than_today), date: d(p.oldest),
        })));
      }
      if (p.last_export) {
        const e = p.last_export;
        lines.push(h('p', {}, t('sync.lastExport', {
          sequence: e.sequence, date: dt(e.created_at), count: formatNumber(e.record_count),
        })));
      }
      exportStatus.replaceChildren(...lines);
    } catch (e) {
      exportStatus.replaceChildren(h('p', { class: 'error' }, errorText(e)));
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
      const s = await exportToPath(dir);
      exportMsg.textContent = t('sync.exported', {
        sequence: s.sequence, count: formatNumber(s.record_count),
        from: d(s.period_from), to: d(s.period_to), path: s.path,
      });
    } catch (e) {
      exportMsg.className = 'sync-message error';
      exportMsg.textContent = exportErrorText(e, dir);
    } finally {
      exportBtn.disabled = false;
      refreshExport();
    }
  }

  function reportTable(reports, done) {
    const rows = reports.map((r) => {
      const outcome = r.outcome === 'imported' ? t(done ? 'sync.imported' : 'sync.toImport')
        : t(r.outcome === 'already_imported' ? 'sync.already' : 'sync.rejected');
      const details = r.outcome === 'rejected'
        // the file is named in the first column
        ? [h('span', {}, rejectionText(r.rejection) || r.message)]
        : [h('span', {}, r.outcome === 'imported' ? countsText(r) : ''),
          ...r.conflicts.map((c) => h('div', { class: 'warning' }, conflictText(c)))];
      return h('tr', { class: `outcome-${r.outcome}` },
        h('td', { class: 'file' }, r.desk && r.sequence
          ? t('sync.fileOf', { file: baseName(r.file), desk: r.desk, sequence: r.sequence })
          : baseName(r.file)),
        h('td', { class: 'outcome' }, outcome),
        h('td', {}, details));
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
      const confirmBtn = h('button', { type: 'button', class: 'primary' }, t('sync.confirm'));
      const cancelBtn = h('button', { type: 'button' }, t('sync.cancel'));
      confirmBtn.disabled = !plan.some((r) => r.outcome === 'imported');
      cancelBtn.addEventListener('click', () => importArea.replaceChildren());
      confirmBtn.addEventListener('click', async () => {
        confirmBtn.disabled = true;
        try {
          const result = await applyImport(plan);
          importArea.replaceChildren(h('h3', {}, t('sync.result')), reportTable(result, true));
        } catch (e) {
          importArea.replaceChildren(h('p', { class: 'error' }, errorText(e)));
        }
        refreshDesks();
      });
      importArea.replaceChildren(h('h3', {}, t('sync.preview')), reportTable(plan, false),
        h('div', { class: 'sync-actions' }, confirmBtn, cancelBtn));
      (confirmBtn.disabled ? cancelBtn : confirmBtn).focus();
    } catch (e) {
      importArea.replaceChildren(h('p', { class: 'error' }, errorText(e)));
    }
  }

  async function refreshDesks() {
    try {
      const s = await getImportStatus();
      if (s.desks.length === 0) {
        deskStatus.replaceChildren(h('p', {}, t('sync.noImports')));
        return;
      }
      const ranges = (r) => r.map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`)).join(', ');
      deskStatus.replaceChildren(h('table', { class: 'sync-table' },
        h('thead', {}, h('tr', {}, ...[t('sync.desk'), t('sync.received'), t('sync.missing'), t('sync.lastFile')]
          .map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, s.desks.map((x) => h('tr', {},
          h('td', {}, x.desk),
          h('td', {}, ranges(x.received)),
          h('td', { class: x.missing.length ? 'warning' : '' }, x.missing.length ? x.missing.join(', ') : t('sync.none')),
          h('td', {}, x.last_imported_at ? dt(x.last_imported_at) : ''))))));
    } catch (e) {
      deskStatus.replaceChildren(h('p', { class: 'error' }, errorText(e)));
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

  root.replaceChildren(
    h('section', { class: 'sync', 'aria-labelledby': 'sync-export-title' },
      h('h2', { id: 'sync-export-title' }, t('sync.exportTitle')),
      h('p', { class: 'help' }, t('sync.exportHelp')),
      h('p', {}, h('span', { class: 'label' }, `${t('sync.folder')}: `), folderText),
      exportStatus,
      h('div', { class: 'sync-actions' }, exportBtn, folderBtn),
      exportMsg),
    h('section', { class: 'sync', 'aria-labelledby': 'sync-import-title' },
      h('h2', { id: 'sync-import-title' }, t('sync.importTitle')),
      h('p', { class: 'help' }, t('sync.importHelp')),
      h('div', { class: 'sync-actions' }, filesBtn, dirBtn),
      importArea),
    h('section', { class: 'sync', 'aria-labelledby': 'sync-desks-title' },
      h('h2', { id: 'sync-desks-title' }, t('sync.statusTitle')),
      deskStatus),
  );
  refreshExport();
  refreshDesks();
  return { preview, refresh: () => { refreshExport(); refreshDesks(); } };
}
