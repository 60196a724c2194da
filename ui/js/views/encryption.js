// The "Cifratura" section of the export page. On a desk: the coordinator's public key
// every export is encrypted to. On the coordinator's computer: "Crea chiavi" (the key
// pair and its passphrase-protected backup), the public key to copy to the desks, and
// "Richiedi cifratura". The private key never reaches this page; every rule is the
// core's (sportello::exchange::encryption).
import {
  chooseBackupPath, createKeys, getEncryptionStatus, setEncryptionRecipient,
  setEncryptionRequired,
} from '../ipc.js';
import { t } from '../i18n.js';
import { h } from '../dom.js';
import { errorText } from '../errors.js';

/** The section, mounted into `root`; returns `{refresh}`. */
export function mount(root) {
  const message = h('p', { class: 'sync-message', id: 'keys-message', role: 'status', 'aria-live': 'polite' });
  const say = (text, error = false) => {
    message.textContent = text;
    message.classList.toggle('error', error);
  };
  const fail = (e) => say(errorText(e, { area: 'keys' }), true);

  // the desk's side: the recipient
  const recipientInput = h('input', {
    type: 'text', id: 'keys-recipient', spellcheck: 'false', autocomplete: 'off',
    placeholder: 'age1…', 'aria-describedby': 'keys-recipient-help',
  });
  const saveRecipient = h('button', { type: 'button' }, t('keys.saveRecipient'));
  saveRecipient.addEventListener('click', async () => {
    try {
      const set = await setEncryptionRecipient(recipientInput.value.trim() || null);
      say(set ? t('keys.recipientSet') : t('keys.recipientCleared'));
      refresh();
    } catch (e) { fail(e); }
  });

  // the coordinator's side: the key pair, its backup, "require encryption"
  const publicKey = h('output', { class: 'keys-public', id: 'keys-public' });
  const pass1 = h('input', { type: 'password', id: 'keys-pass1', autocomplete: 'new-password' });
  const pass2 = h('input', { type: 'password', id: 'keys-pass2', autocomplete: 'new-password' });
  const createBtn = h('button', { type: 'button' }, t('keys.create'));
  const createForm = h('div', { class: 'keys-create' },
    h('p', { class: 'help' }, t('keys.createHelp')),
    h('label', { for: 'keys-pass1' }, t('keys.passphrase')), pass1,
    h('label', { for: 'keys-pass2' }, t('keys.passphraseAgain')), pass2,
    h('div', { class: 'sync-actions' }, createBtn));
  createBtn.addEventListener('click', async () => {
    if (pass1.value !== pass2.value) return say(t('keys.err.mismatch'), true);
    const backup = await chooseBackupPath('sportello-coordinator-key-backup.age');
    if (!backup) return;
    try {
      await createKeys(backup, pass1.value);
      pass1.value = '';
      pass2.value = '';
      say(t('keys.created', { backup }));
      refresh();
    } catch (e) { fail(e); }
  });
  const copyBtn = h('button', { type: 'button' }, t('keys.copy'));
  copyBtn.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(publicKey.textContent);
      say(t('keys.copied'));
    } catch { say(t('keys.copyByHand'), true); }
  });
  const required = h('input', { type: 'checkbox', id: 'keys-required' });
  required.addEventListener('change', async () => {
    try {
      const on = await setEncryptionRequired(required.checked);
      required.checked = on;
      say(on ? t('keys.requiredOn') : t('keys.requiredOff'));
    } catch (e) { fail(e); }
  });
  const keyArea = h('div', { class: 'keys-pair' });

  async function refresh() {
    try {
      const status = await getEncryptionStatus();
      recipientInput.value = status.recipient ?? '';
      required.checked = status.required;
      if (status.key_pair) {
        publicKey.textContent = status.key_pair.recipient;
        keyArea.replaceChildren(
          h('p', {}, h('span', { class: 'label' }, `${t('keys.publicKey')}: `), publicKey, ' ', copyBtn),
          h('p', { class: 'help' }, t('keys.keptIn', { path: status.key_pair.path })));
      } else {
        keyArea.replaceChildren(createForm);
      }
    } catch (e) { fail(e); }
  }

  root.replaceChildren(
    h('section', { class: 'sync', 'aria-labelledby': 'keys-title' },
      h('h2', { id: 'keys-title' }, t('keys.title')),
      h('h3', {}, t('keys.deskTitle')),
      h('p', { class: 'help', id: 'keys-recipient-help' }, t('keys.recipientHelp')),
      h('label', { for: 'keys-recipient' }, t('keys.recipient')), recipientInput,
      h('div', { class: 'sync-actions' }, saveRecipient),
      h('h3', {}, t('keys.coordinatorTitle')),
      keyArea,
      h('p', {}, required, ' ', h('label', { for: 'keys-required' }, t('keys.require'))),
      h('p', { class: 'help' }, t('keys.requireHelp')),
      message));
  refresh();
  return { refresh };
}
