// The "Esporta / Importa" view: the desk's daily export, and the coordinator's import
// with a dry-run preview to confirm, plus the per-desk sequence status.
// Every rule lives in the core; this module only shows plans and results.
import {
  applyImport, exportToPath, getExportStatus, getImportStatus, pickExportFiles, pickFolder,
  planImport,
} from '../ipc.js';

const STRINGS = {
  it: {
    title: 'Esporta e importa',
    exportTitle: 'Esporta per il coordinamento',
    exportHelp: 'Scrive nella cartella scelta (una chiavetta USB o una cartella sincronizzata) '
      + 'tutti i record cambiati dall’ultima esportazione.',
    folder: 'Cartella di esportazione',
    noFolder: 'nessuna cartella scelta',
    chooseFolder: 'Scegli cartella…',
    export: 'Esporta',
    exporting: 'Esportazione in corso…',
    exported: (s) => `Esportazione n. ${s.sequence} scritta: ${s.record_count} record, `
      + `dal ${d(s.period_from)} al ${d(s.period_to)}. File: ${s.path}`,
    pendingNone: 'Tutti i record sono già stati esportati.',
    pending: (p) => `${p.records} record da esportare.`,
    pendingOld: (p) => (p.older_than_today === 1
      ? `Attenzione: 1 record di un giorno precedente (${d(p.oldest)}) non è ancora stato esportato.`
      : `Attenzione: ${p.older_than_today} record di giorni precedenti (dal ${d(p.oldest)}) `
        + 'non sono ancora stati esportati.'),
    lastExport: (e) => `Ultima esportazione: n. ${e.sequence} del ${dt(e.created_at)}, `
      + `${e.record_count} record.`,
    importTitle: 'Importa i file degli sportelli',
    importHelp: 'Prima un’anteprima: niente viene salvato finché non confermi.',
    chooseFiles: 'Scegli file…',
    chooseImportFolder: 'Scegli una cartella…',
    preview: 'Anteprima (niente è ancora salvato)',
    confirm: 'Conferma importazione',
    cancel: 'Annulla',
    result: 'Risultato dell’importazione',
    file: 'File', outcome: 'Esito', details: 'Dettagli',
    imported: 'da importare', importedDone: 'importato',
    already: 'già importato', rejected: 'rifiutato',
    counts: (r) => `${r.new} nuovi, ${r.updated} aggiornati, ${r.unchanged} invariati, `
      + `${r.conflicts.length} conflitti`,
    conflict: (c) => `Conflitto: ${c.record} ${c.id} (revisione ${c.revision}, riga ${c.line}) `
      + `differisce in ${c.fields.join(', ')}; tenuta la copia già presente.`,
    nothingToImport: 'Nessun file da importare.',
    statusTitle: 'File ricevuti per sportello',
    desk: 'Sportello', received: 'Ricevuti', missing: 'Mancanti', lastFile: 'Ultimo file',
    none: 'nessuno', noImports: 'Nessun file importato finora.',
    error: (e) => `Errore: ${e.message ?? e}`,
  },
  en: {
    title: 'Export and import',
    exportTitle: 'Export for the coordinator',
    exportHelp: 'Writes every record changed since the last export into the chosen folder '
      + '(a USB stick or a synced folder).',
    folder: 'Export folder',
    noFolder: 'no folder chosen',
    chooseFolder: 'Choose folder…',
    export: 'Export',
    exporting: 'Exporting…',
    exported: (s) => `Export no. ${s.sequence} written: ${s.record_count} records, `
      + `${d(s.period_from)} to ${d(s.period_to)}. File: ${s.path}`,
    pendingNone: 'Every record has been exported.',
    pending: (p) => `${p.records} records to export.`,
    pendingOld: (p) => (p.older_than_today === 1
      ? `Warning: 1 record of an earlier day (${d(p.oldest)}) is not exported yet.`
      : `Warning: ${p.older_than_today} records of earlier days (since ${d(p.oldest)}) `
        + 'are not exported yet.'),
    lastExport: (e) => `Last export: no. ${e.sequence} on ${dt(e.created_at)}, `
      + `${e.record_count} records.`,
    importTitle: 'Import the desks’ files',
    importHelp: 'A preview first: nothing is stored until you confirm.',
    chooseFiles: 'Choose files…',
    chooseImportFolder: 'Choose a folder…',
    preview: 'Preview (nothing stored yet)',
    confirm: 'Confirm import',
    cancel: 'Cancel',
    result: 'Import result',
    file: 'File', outcome: 'Outcome', details: 'Details',
    imported: 'to import', importedDone: 'imported',
    already: 'already imported', rejected: 'rejected',
    counts: (r) => `${r.new} new, ${r.updated} updated, ${r.unchanged} unchanged, `
      + `${r.conflicts.length} conflicts`,
    conflict: (c) => `Conflict: ${c.record} ${c.id} (revision ${c.revision}, line ${c.line}) `
      + `differs in ${c.fields.join(', ')}; the stored copy was kept.`,
    nothingToImport: 'No file to import.',
    statusTitle: 'Files received per desk',
    desk: 'Desk', received: 'Received', missing: 'Missing', lastFile: 'Last file',
    none: 'none', noImports: 'No file imported yet.',
    error: (e) => `Error: ${e.message ?? e}`,
  },
};

// dd/mm/yyyy from YYYY-MM-DD; local dd/mm/yyyy hh:mm from an RFC 3339 time.
function d(iso) {
  if (!iso) return '';
  const [y, m, day] = iso.split('-');
  return `${day}/${m}/${y}`;
}
function dt(ts) {
  const t = new Date(ts);
  if (Number.isNaN(t.getTime())) return ts;
  const p = (n) => String(n).padStart(2, '0');
  return `${p(t.getDate())}/${p(t.getMonth() + 1)}/${t.getFullYear()} ${p(t.getHours())}:${p(t.getMinutes())}`;
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

export function mount(root, ctx = {}) {
  const t = STRINGS[ctx.lang === 'en' ? 'en' : 'it'];
  const exportStatus = h('div', { class: 'sync-status', role: 'status', 'aria-live': 'polite' });
  const folderText = h('span', { class: 'sync-folder' });
  const exportMsg = h('p', { class: 'sync-message', role: 'status', 'aria-live': 'polite' });
  const importArea = h('div', { class: 'sync-import-result' });
  const deskStatus = h('div', { class: 'sync-desks' });
  let folder = null;

  const exportBtn = h('button', { type: 'button', class: 'primary' }, t.export);
  const folderBtn = h('button', { type: 'button' }, t.chooseFolder);

  async function refreshExport() {
    try {
      const s = await getExportStatus();
      folder = s.folder;
      folderText.textContent = folder ?? t.noFolder;
      const p = s.pending;
      const lines = [];
      if (p.records === 0) lines.push(h('p', {}, t.pendingNone));
      else lines.push(h('p', {}, t.pending(p)));
      if (p.older_than_today > 0) lines.push(h('p', { class: 'warning' }, t.pendingOld(p)));
      if (p.last_export) lines.push(h('p', {}, t.lastExport(p.last_export)));
      exportStatus.replaceChildren(...lines);
    } catch (e) {
      exportStatus.replaceChildren(h('p', { class: 'error' }, t.error(e)));
    }
  }

  async function chooseFolder() {
    const dir = await pickFolder(t.folder);
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
    exportMsg.textContent = t.exporting;
    try {
      const s = await exportToPath(dir);
      exportMsg.textContent = t.exported(s);
    } catch (e) {
      exportMsg.className = 'sync-message error';
      exportMsg.textContent = t.error(e);
    } finally {
      exportBtn.disabled = false;
      refreshExport();
    }
  }

  function reportTable(reports, done) {
    const rows = reports.map((r) => {
      const outcome = r.outcome === 'imported' ? (done ? t.importedDone : t.imported)
        : r.outcome === 'already_imported' ? t.already : t.rejected;
      const details = r.outcome === 'rejected'
        // the file is named in the first column already
        ? [h('span', {}, r.message.startsWith(`${r.file}: `) ? r.message.slice(r.file.length + 2) : r.message)]
        : [h('span', {}, r.outcome === 'imported' ? t.counts(r) : ''),
          ...r.conflicts.map((c) => h('div', { class: 'warning' }, t.conflict(c)))];
      return h('tr', { class: `outcome-${r.outcome}` },
        h('td', {}, r.desk && r.sequence ? `${baseName(r.file)} (${r.desk} n. ${r.sequence})` : baseName(r.file)),
        h('td', {}, outcome),
        h('td', {}, details));
    });
    return h('table', { class: 'sync-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t.file), h('th', { scope: 'col' }, t.outcome),
        h('th', { scope: 'col' }, t.details))),
      h('tbody', {}, rows));
  }

  async function preview(paths) {
    if (!paths || paths.length === 0) return;
    importArea.replaceChildren();
    try {
      const plan = await planImport(paths);
      if (plan.length === 0) {
        importArea.replaceChildren(h('p', {}, t.nothingToImport));
        return;
      }
      const confirmBtn = h('button', { type: 'button', class: 'primary' }, t.confirm);
      const cancelBtn = h('button', { type: 'button' }, t.cancel);
      confirmBtn.disabled = !plan.some((r) => r.outcome === 'imported');
      cancelBtn.addEventListener('click', () => importArea.replaceChildren());
      confirmBtn.addEventListener('click', async () => {
        confirmBtn.disabled = true;
        try {
          const result = await applyImport(paths);
          importArea.replaceChildren(h('h3', {}, t.result), reportTable(result, true));
        } catch (e) {
          importArea.replaceChildren(h('p', { class: 'error' }, t.error(e)));
        }
        refreshDesks();
      });
      importArea.replaceChildren(h('h3', {}, t.preview), reportTable(plan, false),
        h('div', { class: 'sync-actions' }, confirmBtn, cancelBtn));
      (confirmBtn.disabled ? cancelBtn : confirmBtn).focus();
    } catch (e) {
      importArea.replaceChildren(h('p', { class: 'error' }, t.error(e)));
    }
  }

  async function refreshDesks() {
    try {
      const s = await getImportStatus();
      if (s.desks.length === 0) {
        deskStatus.replaceChildren(h('p', {}, t.noImports));
        return;
      }
      const ranges = (r) => r.map(([a, b]) => (a === b ? `${a}` : `${a}–${b}`)).join(', ');
      deskStatus.replaceChildren(h('table', { class: 'sync-table' },
        h('thead', {}, h('tr', {}, ...[t.desk, t.received, t.missing, t.lastFile]
          .map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, s.desks.map((x) => h('tr', {},
          h('td', {}, x.desk),
          h('td', {}, ranges(x.received)),
          h('td', { class: x.missing.length ? 'warning' : '' }, x.missing.length ? x.missing.join(', ') : t.none),
          h('td', {}, x.last_imported_at ? dt(x.last_imported_at) : ''))))));
    } catch (e) {
      deskStatus.replaceChildren(h('p', { class: 'error' }, t.error(e)));
    }
  }

  folderBtn.addEventListener('click', chooseFolder);
  exportBtn.addEventListener('click', doExport);
  const filesBtn = h('button', { type: 'button' }, t.chooseFiles);
  filesBtn.addEventListener('click', async () => preview(await pickExportFiles(t.chooseFiles)));
  const dirBtn = h('button', { type: 'button' }, t.chooseImportFolder);
  dirBtn.addEventListener('click', async () => {
    const dir = await pickFolder(t.chooseImportFolder);
    if (dir) preview([dir]);
  });

  root.replaceChildren(
    h('section', { class: 'sync', 'aria-labelledby': 'sync-export-title' },
      h('h2', { id: 'sync-export-title' }, t.exportTitle),
      h('p', { class: 'help' }, t.exportHelp),
      h('p', {}, h('span', { class: 'label' }, `${t.folder}: `), folderText),
      exportStatus,
      h('div', { class: 'sync-actions' }, exportBtn, folderBtn),
      exportMsg),
    h('section', { class: 'sync', 'aria-labelledby': 'sync-import-title' },
      h('h2', { id: 'sync-import-title' }, t.importTitle),
      h('p', { class: 'help' }, t.importHelp),
      h('div', { class: 'sync-actions' }, filesBtn, dirBtn),
      importArea),
    h('section', { class: 'sync', 'aria-labelledby': 'sync-desks-title' },
      h('h2', { id: 'sync-desks-title' }, t.statusTitle),
      deskStatus),
  );
  refreshExport();
  refreshDesks();
  return { preview, refresh: () => { refreshExport(); refreshDesks(); } };
}
