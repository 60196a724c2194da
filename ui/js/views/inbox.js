// The coordinator's inbox on the "Esporta / Importa" page: the folders the desks
// deliver to, the new files found there (at start, every few minutes, and with "Cerca
// nuovi file") with their dry-run plan, and the confirmation of one file or, with one
// key (Alt+I), of every file that needs no decision. Every rule is the core's
// (`sportello::exchange::inbox`); inbox-model.js words what it returned.
//
// mount(root, {onResult}) returns `{refresh}`: `onResult` hears that files were
// imported (the page refreshes the desks' status).
import { confirmInbox, getInbox, getInboxFolders, onAppEvent, pickFolder, setInboxFolders } from '../ipc.js';
import { t } from '../i18n.js';
import { h, say } from '../dom.js';
import { errorText } from '../errors.js';
import { fileDetails, fileLabel, outcomeText } from './sync-model.js';
import {
  allLabel, cleanFiles, confirmationFor, confirmationOfAll, doneText, fileDecision, shortcut,
  summaryLines,
} from './inbox-model.js';

let listening = false;
const CHANGED = 'sportello:inbox-changed';

export function mount(root, { onResult = () => {} } = {}) {
  const foldersText = h('span', { class: 'sync-folder', id: 'inbox-folders' });
  const summary = h('div', { class: 'sync-status', id: 'inbox-summary', role: 'status', 'aria-live': 'polite' });
  const list = h('div', { class: 'inbox-files', id: 'inbox-files' });
  const message = h('p', { class: 'sync-message', id: 'inbox-message', role: 'status', 'aria-live': 'polite' });
  const chooseBtn = h('button', { type: 'button' }, t('inbox.chooseFolder'));
  const addBtn = h('button', { type: 'button' }, t('inbox.addFolder'));
  const scanBtn = h('button', { type: 'button' }, t('inbox.scan'));
  const allBtn = h('button', {
    type: 'button', class: 'primary', id: 'inbox-all', 'aria-keyshortcuts': 'Alt+I', disabled: true,
  }, t('inbox.importAll', { count: 0 }));
  let folders = [];
  let plan = [];
  let busy = false;

  function row(r) {
    const details = fileDetails(r);
    const decision = fileDecision(r);
    // the button names its file for a screen reader: every row has one
    const button = h('button', {
      type: 'button', class: decision.kind === 'import' ? '' : 'warning-button',
      'aria-label': `${decision.label}: ${fileLabel(r)}`,
    }, decision.label);
    button.addEventListener('click', () => confirm(confirmationFor(r)));
    const desk = r.new_desk ? h('strong', { class: 'new-desk' }, t('inbox.newDesk', { desk: r.desk })) : '';
    return h('tr', { class: `outcome-${r.outcome}`, 'data-file': r.path },
      h('td', { class: 'file' }, fileLabel(r), desk ? h('br') : '', desk),
      h('td', { class: 'outcome' }, outcomeText(r, false)),
      h('td', {}, h('span', {}, details.text),
        ...details.conflicts.map((c) => h('div', { class: 'warning' }, c)),
        decision.note ? h('div', { class: 'warning' }, decision.note) : ''),
      h('td', {}, button));
  }

  function show(scan) {
    plan = scan.plan;
    summary.replaceChildren(...summaryLines(scan)
      .map((l) => h('p', l.warning ? { class: 'warning' } : {}, l.text)));
    list.replaceChildren(plan.length === 0 ? '' : h('table', { class: 'sync-table' },
      h('thead', {}, h('tr', {}, ...[t('sync.file'), t('sync.outcome'), t('sync.details'), t('inbox.decision')]
        .map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, plan.map(row))));
    allBtn.textContent = allLabel(plan);
    allBtn.disabled = cleanFiles(plan).length === 0;
  }

  async function refresh() {
    try {
      folders = await getInboxFolders();
      foldersText.textContent = folders.length ? folders.join(' · ') : t('inbox.noFolder');
      addBtn.hidden = folders.length === 0;
      scanBtn.disabled = folders.length === 0;
      if (folders.length === 0) { show({ folders: [], plan: [], known: 0 }); summary.replaceChildren(); return; }
      say(message, '');
      show(await getInbox());
    } catch (e) {
      summary.replaceChildren(h('p', { class: 'error' }, errorText(e)));
    }
  }

  async function confirm(confirmation) {
    if (busy || confirmation.files.length === 0) return;
    busy = true;
    allBtn.disabled = true;
    say(message, t('inbox.importing'));
    try {
      const done = await confirmInbox(plan, confirmation);
      await refresh();
      say(message, doneText(done.reports), done.reports.some((r) => r.outcome === 'rejected'));
      onResult(done);
    } catch (e) {
      say(message, errorText(e), true);
    } finally {
      busy = false;
    }
  }

  async function chooseFolders(add) {
    const dir = await pickFolder(t('inbox.folders'));
    if (!dir) return;
    try {
      await setInboxFolders(add ? [...folders, dir] : [dir]);
      await refresh();
    } catch (e) {
      say(message, errorText(e, { folder: dir }), true);
    }
  }

  chooseBtn.addEventListener('click', () => chooseFolders(false));
  addBtn.addEventListener('click', () => chooseFolders(true));
  scanBtn.addEventListener('click', async () => {
    say(message, t('inbox.scanning'));
    await refresh();
  });
  allBtn.addEventListener('click', () => confirm(confirmationOfAll(plan)));
  const onKey = (e) => {
    if (!root.isConnected) { document.removeEventListener('keydown', onKey); return; }
    if (shortcut(e) === 'importAll' && !document.querySelector('dialog[open]')) {
      e.preventDefault();
      if (!allBtn.disabled) confirm(confirmationOfAll(plan));
    }
  };
  document.addEventListener('keydown', onKey);
  const onChanged = () => (root.isConnected ? refresh() : document.removeEventListener(CHANGED, onChanged));
  document.addEventListener(CHANGED, onChanged);
  if (!listening) {
    listening = true;
    onAppEvent('inbox-changed', () => document.dispatchEvent(new Event(CHANGED)));
  }

  root.replaceChildren(h('section', { class: 'sync', 'aria-labelledby': 'inbox-title' },
    h('h2', { id: 'inbox-title' }, t('inbox.title')),
    h('p', { class: 'help' }, t('inbox.help')),
    h('p', {}, h('span', { class: 'label' }, `${t('inbox.folders')}: `), foldersText),
    summary, list,
    h('div', { class: 'sync-actions' }, allBtn, scanBtn, chooseBtn, addBtn),
    message));
  refresh();
  return { refresh };
}
