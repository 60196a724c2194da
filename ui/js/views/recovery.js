// The recovery key of the personal data: shown once, when a coordinator's sign-in
// seals the personal data (at the first run, or after the update that brought it), or
// when a coordinator makes a new one; and the "PIN dimenticato" form that opens the
// installation with it and sets a new PIN for an account.

import * as ipc from '../ipc.js';
import { html, render } from '../html.js';
import { t } from '../i18n.js';
import { $ as find, h } from '../dom.js';
import { describeError } from '../errors.js';
import { recoveryKeyShaped, validateAccount } from './signin-model.js';
import { pinFields } from './signin.js';

/**
 * Shows `key` in a modal dialog until the coordinator confirms having written it down.
 * Resolves when closed; the key is then gone from the window.
 */
export function showRecoveryKey(key) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { id: 'recovery-key', 'aria-labelledby': 'rk-title',
      'aria-describedby': 'rk-intro' });
    document.body.append(dialog);
    render(dialog, html`<h2 id="rk-title">${t('recovery.title')}</h2>
      <p id="rk-intro">${t('recovery.intro')}</p>
      <p class="recovery-key" id="rk-key" aria-label="${t('recovery.keyLabel')}">${key}</p>
      <p class="hint">${t('recovery.where')}</p>
      <form id="rk-form" method="dialog" novalidate>
        <label class="check"><input type="checkbox" id="rk-done"> ${t('recovery.done')}</label>
        <div class="actions"><button type="submit" class="primary" id="rk-close" disabled>${t('recovery.close')}</button></div>
      </form>`);
    const $ = (s) => find(s, dialog);
    $('#rk-done').addEventListener('change', (e) => { $('#rk-close').disabled = !e.target.checked; });
    // Escape does not close it: the key is shown once
    dialog.addEventListener('cancel', (e) => e.preventDefault());
    $('#rk-form').addEventListener('submit', (e) => {
      e.preventDefault();
      if (!$('#rk-done').checked) return;
      dialog.close();
      dialog.remove();
      resolve();
    });
    dialog.showModal();
    $('#rk-done').focus();
  });
}

/** Shows the recovery key of a sign-in's answer, if it carries one. */
export async function afterSignIn(answer) {
  if (answer?.recovery_key) await showRecoveryKey(answer.recovery_key);
}

/**
 * "PIN dimenticato": the recovery key, then a new PIN for `operator`, who is signed in.
 * `onCancel` goes back to the PIN.
 */
export function mountRecovery(root, { operator, onDone, onCancel }) {
  render(root, html`<section class="signin" aria-labelledby="rec-title">
    <h1 id="rec-title">${t('recovery.formTitle', { name: operator.name })}</h1>
    <p id="rec-intro">${t('recovery.formIntro')}</p>
    <form id="rec-form" novalidate autocomplete="off">
      <div class="field"><label for="f-rec-key">${t('recovery.keyLabel')}</label>
        <input id="f-rec-key" type="text" class="recovery-input" maxlength="60" spellcheck="false"
          autocomplete="off" aria-describedby="rec-intro e-rec-key">
        <p class="field-error" id="e-rec-key" role="alert"></p></div>
      ${pinFields()}
      <div class="actions">
        <button type="submit" class="primary" id="rec-save">${t('recovery.save')}</button>
        <button type="button" id="rec-cancel">${t('recovery.cancel')}</button>
      </div>
    </form></section>`);
  const $ = (s) => find(s, root);
  $('#rec-cancel').addEventListener('click', onCancel);
  $('#rec-form').addEventListener('keydown', (e) => {
    if (e.key === 'Escape') { e.preventDefault(); onCancel(); }
  });
  $('#rec-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const id of ['#e-rec-key', '#e-pin', '#e-pin2']) $(id).textContent = '';
    if (!recoveryKeyShaped($('#f-rec-key').value)) {
      $('#e-rec-key').textContent = t('err.recovery_key_form');
      $('#f-rec-key').focus();
      return;
    }
    const got = validateAccount({ name: operator.name, initials: operator.initials,
      pin: $('#f-pin').value, pin2: $('#f-pin2').value });
    if (got.errors) {
      const [field, text] = got.errors[0];
      $(`#e-${field}`).textContent = text;
      $(`#f-${field}`).focus();
      return;
    }
    $('#rec-save').disabled = true;
    try {
      await ipc.recoverWithKey(operator.id, $('#f-rec-key').value, got.operator.pin);
      onDone();
    } catch (err) {
      const { field, text } = describeError(err);
      if (field === 'new_pin') { $('#e-pin').textContent = text; $('#f-pin').focus(); } else {
        $('#e-rec-key').textContent = text;
        $('#f-rec-key').focus();
      }
    } finally {
      $('#rec-save').disabled = false;
    }
  });
  $('#f-rec-key').focus();
}
