// The coordinator's receipts on the export page: "Grosseto ha ricevuto i file 1-41;
// manca il 37", one key per file to deliver again from the sent archive, and "Leggi
// ricevuta…"; the receipts at the destination are read as the page opens. Every rule
// is the core's; receipts-model.js words what it returned.

import {
  getReceiptStanding, pickReceiptFiles, readDestinationReceipts, readReceipts, redeliverExport,
} from '../ipc.js';
import { t } from '../i18n.js';
import { h, say } from '../dom.js';
import { errorText } from '../errors.js';
import { asOfText, readLines, redeliverLabel, redeliverable, standingText } from './receipts-model.js';

/** The receipts section, mounted into `root`; returns `{refresh}`. */
export function mount(root) {
  const standing = h('p', { class: 'sync-status', id: 'receipt-standing' });
  const keys = h('div', { class: 'sync-actions', id: 'receipt-redeliver' });
  const message = h('p', { class: 'sync-message', id: 'receipt-message', role: 'status', 'aria-live': 'polite' });
  const readBtn = h('button', { type: 'button', id: 'receipt-read' }, t('receipts.read'));

  async function refresh() {
    try {
      const s = await getReceiptStanding();
      if (!s) {
        standing.textContent = t('receipts.none');
        keys.replaceChildren();
        return;
      }
      standing.textContent = `${standingText(s)} (${asOfText(s)})`;
      keys.replaceChildren(...redeliverable(s).map((n) => {
        const b = h('button', { type: 'button' }, redeliverLabel(n));
        b.addEventListener('click', () => redeliver(b, n));
        return b;
      }));
    } catch (e) {
      standing.textContent = errorText(e, { area: 'outbox' });
    }
  }

  async function redeliver(button, n) {
    button.disabled = true;
    try {
      await redeliverExport(n);
      say(message, t('receipts.redelivered', { file: n }));
      document.dispatchEvent(new Event('sportello:outbox-changed'));
    } catch (e) {
      say(message, errorText(e, { area: 'outbox' }), true);
      button.disabled = false;
    }
  }

  async function read() {
    const picked = await pickReceiptFiles(t('receipts.pick'));
    if (!picked || picked.length === 0) return;
    readBtn.disabled = true;
    try {
      const lines = readLines(await readReceipts([].concat(picked)));
      say(message, lines.map((l) => l.text).join(' '), lines.some((l) => l.error));
      await refresh();
    } catch (e) {
      say(message, errorText(e, { area: 'outbox' }), true);
    } finally {
      readBtn.disabled = false;
    }
  }
  readBtn.addEventListener('click', read);

  root.replaceChildren(h('section', { class: 'sync', 'aria-labelledby': 'receipts-title' },
    h('h2', { id: 'receipts-title' }, t('receipts.title')),
    h('p', { class: 'help' }, t('receipts.help')),
    standing, keys,
    h('div', { class: 'sync-actions' }, readBtn),
    message));
  // the receipts waiting at the destination are read as the page opens, as `sync`
  // reads them; a refused one is said, a newer one shown at once
  readDestinationReceipts()
    .then((read) => {
      // a refusal, and a new key of the coordinator, are said; the rest shows below
      const lines = readLines(read).filter((l) => l.error || l.key);
      if (lines.length) say(message, lines.map((l) => l.text).join(' '), lines.some((l) => l.error));
    })
    .catch((e) => say(message, errorText(e, { area: 'outbox' }), true))
    .finally(refresh);
  return { refresh };
}
