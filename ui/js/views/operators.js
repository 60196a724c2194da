// The accounts dialog: everyone changes their own PIN; a coordinator also sees every
// account (retired ones too), adds one, sets a new PIN for someone who forgot theirs,
// retires one, and sets the minutes before the personal areas lock. The shell refuses
// the coordinator's actions to an operator; here they are not even shown.

import * as ipc from '../ipc.js';
import { html, render } from '../html.js';
import { t } from '../i18n.js';
import { $ as find, $$, h } from '../dom.js';
import { describeError } from '../errors.js';
import { accountFields, showAccountErrors, wireAccountFields } from './signin.js';
import { PIN_MIN, pinRefusal } from './signin-model.js';
import { showRecoveryKey } from './recovery.js';

/** Opens the dialog; it removes itself when closed and gives the focus back. */
export async function open({ session }) {
  const back = document.activeElement;
  const coordinator = session.signed_in.role === 'coordinator';
  const dialog = h('dialog', { id: 'operators', 'aria-labelledby': 'ops-title' });
  document.body.append(dialog);
  const $ = (s) => find(s, dialog);
  const say = (text) => { $('#ops-message').textContent = text; };
  const close = () => { dialog.close(); dialog.remove(); back?.focus?.(); };

  async function draw() {
    const accounts = coordinator ? await ipc.listOperators() : [];
    render(dialog, html`<h2 id="ops-title">${coordinator ? t('ops.title') : t('ops.ownPin')}</h2>
      ${coordinator ? html`<table id="ops-list"><tbody>${accounts.map((o) => html`<tr>
        <th scope="row">${o.name}</th><td>${o.initials}</td><td>${t(`role.${o.role}`)}</td>
        <td>${o.active ? html`<button type="button" data-reset="${o.id}">${t('ops.reset')}</button>
          ${o.id === session.signed_in.id ? '' : html`<button type="button" class="danger" data-retire="${o.id}">${t('ops.retire')}</button>`}`
          : t('ops.retired')}</td></tr>`)}</tbody></table>
      <form id="ops-reset-form" class="row" novalidate autocomplete="off" hidden>
        <div class="field"><label for="f-reset-pin" id="l-reset-pin"></label>
          <input id="f-reset-pin" type="password" maxlength="128" autocomplete="new-password"></div>
        <div class="actions"><button type="submit" class="primary">${t('ops.lockSave')}</button></div>
      </form>
      <details id="ops-add"><summary>${t('ops.add')}</summary>
        <form id="ops-add-form" novalidate autocomplete="off">
          ${accountFields()}
          <div class="field"><label for="f-role">${t('ops.role')}</label>
            <select id="f-role"><option value="operator">${t('role.operator')}</option>
              <option value="coordinator">${t('role.coordinator')}</option></select></div>
          <div class="actions"><button type="submit" class="primary">${t('ops.save')}</button></div>
        </form></details>
      <form id="ops-lock-form" class="row" novalidate>
        <div class="field"><label for="f-lock-minutes">${t('ops.lockMinutes')}</label>
          <input id="f-lock-minutes" type="number" min="1" max="60"
            value="${Math.max(1, Math.round(session.lock_seconds / 60))}"></div>
        <div class="actions"><button type="submit">${t('ops.lockSave')}</button></div>
      </form>
      <div class="actions"><button type="button" id="ops-recovery">${t('recovery.new')}</button></div>` : ''}
      <form id="ops-own-form" novalidate autocomplete="off">
        <h3>${t('ops.ownPin')}</h3>
        <div class="row">
          <div class="field"><label for="f-own-current">${t('ops.currentPin')}</label>
            <input id="f-own-current" type="password" maxlength="128"></div>
          <div class="field"><label for="f-own-new">${t('setup.pin')}</label>
            <input id="f-own-new" type="password" maxlength="128"></div>
          <div class="actions"><button type="submit">${t('ops.lockSave')}</button></div>
        </div>
      </form>
      <p id="ops-message" role="status" aria-live="polite"></p>
      <div class="actions"><button type="button" id="ops-close">${t('ops.close')}</button></div>`);
    $('#ops-close').addEventListener('click', close);
    $('#ops-own-form').addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await ipc.changeOwnPin($('#f-own-current').value, $('#f-own-new').value);
        $('#f-own-current').value = ''; $('#f-own-new').value = '';
        say(t('ops.ownPinDone'));
      } catch (err) { say(pinRefusal(err) ?? describeError(err).text); }
    });
    if (!coordinator) return;
    const check = wireAccountFields($('#ops-add-form'));
    $('#ops-add-form').addEventListener('submit', async (e) => {
      e.preventDefault();
      for (const p of $$('.field-error', dialog)) p.textContent = '';
      const got = check();
      if (got.errors) { showAccountErrors($('#ops-add-form'), got.errors); return; }
      try {
        const made = await ipc.createOperator({ ...got.operator, role: $('#f-role').value });
        await draw();
        say(t('ops.created', { name: made.name }));
      } catch (err) { say(describeError(err).text); }
    });
    $('#ops-lock-form').addEventListener('submit', async (e) => {
      e.preventDefault();
      const minutes = Number($('#f-lock-minutes').value);
      try {
        await ipc.setLockMinutes(minutes);
        session.lock_seconds = minutes * 60;
        say(t('ops.lockDone', { minutes }));
      } catch (err) { say(describeError(err).text); }
    });
    $('#ops-recovery').addEventListener('click', async () => {
      try {
        const key = await ipc.newRecoveryKey();
        await showRecoveryKey(key);
        $('#ops-recovery').focus();
      } catch (err) { say(describeError(err).text); }
    });
    let resetting = null;
    $('#ops-reset-form').addEventListener('submit', async (e) => {
      e.preventDefault();
      const pin = $('#f-reset-pin').value;
      if ([...pin].length < PIN_MIN) { say(t('err.pin')); $('#f-reset-pin').focus(); return; }
      try {
        await ipc.resetOperatorPin(resetting.id, pin);
        $('#ops-reset-form').hidden = true;
        say(t('ops.resetDone', { name: resetting.name }));
      } catch (err) { say(describeError(err).text); }
    });
    $('#ops-list').addEventListener('click', async (e) => {
      const b = e.target.closest('button');
      if (!b) return;
      const account = accounts.find((o) => String(o.id) === (b.dataset.reset ?? b.dataset.retire));
      try {
        if (b.dataset.reset) {
          resetting = account;
          $('#l-reset-pin').textContent = t('ops.newPin', { name: account.name });
          $('#f-reset-pin').value = '';
          $('#ops-reset-form').hidden = false;
          $('#f-reset-pin').focus();
        } else {
          await ipc.retireOperator(account.id);
          await draw();
          say(t('ops.retiredDone', { name: account.name }));
        }
      } catch (err) { say(describeError(err).text); }
    });
  }

  await draw();
  dialog.addEventListener('cancel', (e) => { e.preventDefault(); close(); });
  dialog.showModal();
  (coordinator ? $('#ops-list button') : $('#f-own-current'))?.focus();
}
