// The desk's outbox in the window: the "Consegna a Grosseto" section of the export
// page (`mount`), and, on every page, the status line in the navigation, the
// end-of-hours banner and the question before closing (`mountStatus`). Every rule is
// the core's; outbox-model.js words what the core returned.
import {
  closeWindow, deliverOutbox, exportToOutbox, getOutboxStatus, keepWindowOpen, onAppEvent,
  pickFolder, setOutboxDestination,
} from '../ipc.js';
import { t } from '../i18n.js';
import { h, say } from '../dom.js';
import { errorText } from '../errors.js';
import {
  closeQuestion, deliveryMessage, detailLines, exportedText, fileText, offerText, shortcut,
  statusLine,
} from './outbox-model.js';

// The page's parts hear that the outbox changed (an export, a delivery here or in the
// background) through one DOM event, so each refreshes itself.
const CHANGED = 'sportello:outbox-changed';
const changed = () => document.dispatchEvent(new Event(CHANGED));

/** Delivers what waits: `{text, error}`. */
export async function deliverNow() {
  try {
    return deliveryMessage(await deliverOutbox());
  } catch (e) {
    return { text: errorText(e, { area: 'outbox' }), error: true };
  } finally {
    changed();
  }
}

/** Exports what changed since the last export into the outbox, then delivers it. */
export async function exportAndDeliver() {
  let exported;
  try {
    exported = exportedText(await exportToOutbox());
  } catch (e) {
    changed();
    return { text: errorText(e, { area: 'outbox' }), error: true, exported: false };
  }
  const delivered = await deliverNow();
  return { text: `${exported} ${delivered.text}`, error: delivered.error, exported: true };
}

/** Calls `handler` on every key press until `root` leaves the page. */
function whileMounted(root, handler) {
  const listener = (e) => {
    if (!root.isConnected) document.removeEventListener('keydown', listener);
    else handler(e);
  };
  document.addEventListener('keydown', listener);
}

/** The "Consegna a Grosseto" section, mounted into `root`; returns `{refresh}`. */
export function mount(root, { coordinator = true } = {}) {
  const destination = h('span', { class: 'sync-folder', id: 'outbox-destination' });
  const lines = h('div', { class: 'sync-status', id: 'outbox-lines' });
  const files = h('ul', { class: 'outbox-files' });
  const message = h('p', { class: 'sync-message', id: 'outbox-message', role: 'status', 'aria-live': 'polite' });
  // the destination is a setting: a coordinator's
  const chooseBtn = h('button', { type: 'button', disabled: !coordinator }, t('outbox.chooseDestination'));
  const exportBtn = h('button', { type: 'button', class: 'primary' }, t('outbox.exportDeliver'));
  const deliverBtn = h('button', { type: 'button' }, t('outbox.deliver'));

  async function refresh() {
    try {
      const s = await getOutboxStatus();
      destination.textContent = s.destination?.path ?? t('outbox.noDestination');
      lines.replaceChildren(...detailLines(s)
        .map((l) => h('p', l.warning ? { class: 'warning' } : {}, l.text)));
      files.replaceChildren(...s.waiting.map((f) => h('li', {}, fileText(f))));
    } catch (e) {
      lines.replaceChildren(h('p', { class: 'error' }, errorText(e, { area: 'outbox' })));
    }
  }

  async function run(button, busyText, action) {
    button.disabled = true;
    say(message, busyText);
    const result = await action();
    say(message, result.text, result.error);
    button.disabled = false;
  }

  async function chooseDestination() {
    const dir = await pickFolder(t('outbox.destination'));
    if (!dir) return;
    try {
      const d = await setOutboxDestination(dir);
      say(message, t('outbox.destinationSet', { path: d.path }));
      await run(deliverBtn, t('outbox.delivering'), deliverNow);
    } catch (e) {
      say(message, errorText(e, { area: 'outbox', folder: dir }), true);
    }
  }

  const exportAction = () => run(exportBtn, t('outbox.exporting'), exportAndDeliver);
  const deliverAction = () => run(deliverBtn, t('outbox.delivering'), deliverNow);
  chooseBtn.addEventListener('click', chooseDestination);
  exportBtn.addEventListener('click', exportAction);
  deliverBtn.addEventListener('click', deliverAction);
  // Alt+G is the whole window's (mountStatus); Alt+O belongs to this section
  whileMounted(root, (e) => {
    if (shortcut(e) === 'deliver' && !deliverBtn.disabled) { e.preventDefault(); deliverAction(); }
  });
  const onChanged = () => (root.isConnected ? refresh() : document.removeEventListener(CHANGED, onChanged));
  document.addEventListener(CHANGED, onChanged);

  root.replaceChildren(h('section', { class: 'sync', 'aria-labelledby': 'outbox-title' },
    h('h2', { id: 'outbox-title' }, t('outbox.title')),
    h('p', { class: 'help' }, t('outbox.help')),
    h('p', {}, h('span', { class: 'label' }, `${t('outbox.destination')}: `), destination),
    lines, files,
    h('div', { class: 'sync-actions' }, exportBtn, deliverBtn, chooseBtn),
    message));
  refresh();
  return { refresh };
}

// mountStatus runs again when the language changes (the page is rebuilt): the timer,
// the key and the app's events are set up once and find the current elements here.
const current = { line: null, banner: null, note: null, busy: false };
let started = false;

async function refreshStatus() {
  const { line, banner } = current;
  if (!line) return;
  try {
    const s = await getOutboxStatus();
    const l = statusLine(s);
    say(line, l.text);
    line.classList.toggle('warning', l.warning);
    const offer = offerText(s.closing_offer);
    banner.hidden = !offer;
    if (offer) banner.querySelector('.outbox-offer-text').textContent = offer;
  } catch (e) {
    say(line, errorText(e, { area: 'outbox' }), true);
  }
}

/** Alt+G anywhere, or the banner's button: the day's export, then its delivery. */
async function offerAccepted() {
  if (current.busy) return;
  current.busy = true;
  say(current.note, t('outbox.exporting'));
  current.note.hidden = false;
  const result = await exportAndDeliver();
  current.busy = false;
  say(current.note, result.text, result.error);
  await refreshStatus();
}

/** The question before closing with records not exported (the shell holds the close). */
function askBeforeClosing(count) {
  const text = h('p', { id: 'close-question' }, closeQuestion(count));
  const error = h('p', { class: 'error' });
  const exportBtn = h('button', { type: 'button', class: 'primary' }, t('outbox.close.export'));
  const quitBtn = h('button', { type: 'button' }, t('outbox.close.quit'));
  const cancelBtn = h('button', { type: 'button' }, t('outbox.close.cancel'));
  const dialog = h('dialog', { 'aria-labelledby': 'close-title', id: 'close-dialog' },
    h('h2', { id: 'close-title' }, t('outbox.close.title')), text, error,
    h('div', { class: 'actions' }, exportBtn, quitBtn, cancelBtn));
  const stay = () => { dialog.remove(); keepWindowOpen(); };
  dialog.addEventListener('cancel', (e) => { e.preventDefault(); stay(); });
  cancelBtn.addEventListener('click', stay);
  quitBtn.addEventListener('click', () => closeWindow());
  exportBtn.addEventListener('click', async () => {
    exportBtn.disabled = true;
    const result = await exportAndDeliver();
    // exported: the file is safe in the outbox even if it could not be delivered now;
    // it goes at the next start
    if (result.exported) closeWindow();
    else { say(error, result.text, true); exportBtn.disabled = false; }
  });
  document.getElementById('close-dialog')?.remove();
  document.body.append(dialog);
  dialog.showModal();
  exportBtn.focus();
}

/**
 * The outbox on every page: the status line appended to `nav`; below the navigation
 * (returned, for the page to place) the end-of-hours banner and what Alt+G did; the
 * key itself, and the question before closing.
 */
export function mountStatus(nav) {
  current.line = h('p', { class: 'outbox-status', id: 'outbox-status', role: 'status', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'primary', onclick: offerAccepted }, t('outbox.offerButton'));
  current.banner = h('div', { class: 'outbox-offer', id: 'outbox-offer', role: 'note', hidden: true },
    h('span', { class: 'outbox-offer-text' }), ' ', button);
  current.note = h('p', { class: 'outbox-note', id: 'outbox-note', role: 'status', 'aria-live': 'polite', hidden: true });
  nav.append(current.line);
  if (!started) {
    started = true;
    document.addEventListener(CHANGED, refreshStatus);
    document.addEventListener('keydown', (e) => {
      if (shortcut(e) === 'exportAndDeliver' && current.line?.isConnected && !document.querySelector('dialog[open]')) {
        e.preventDefault();
        offerAccepted();
      }
    });
    onAppEvent('outbox-changed', changed);
    onAppEvent('close-requested', askBeforeClosing);
    // the offer depends on the clock: look again every minute
    setInterval(refreshStatus, 60 * 1000);
  }
  refreshStatus();
  return h('div', { class: 'outbox-bar' }, current.banner, current.note);
}
