// The first run's page: pick this installation's desk (a preset, prefilled, or a new
// one) and the first operator, a coordinator, with a PIN (the fields of signin.js).
// The decisions are in setup-model.js.

import * as ipc from '../ipc.js';
import { html, render } from '../html.js';
import { t, language, setLanguage } from '../i18n.js';
import { $ as find, $$ } from '../dom.js';
import { describeError } from '../errors.js';
import { accountFields, wireAccountFields } from './signin.js';
import { showRecoveryKey } from './recovery.js';
import { BLANK, NEW, deskFor, hoursText, optionForKey, proposedDesk, validateSetup } from './setup-model.js';

export async function mount(root, { onDone }) {
  const presets = await ipc.listDeskPresets();
  let chosen = proposedDesk(presets);

  render(root, html`<section class="setup" aria-labelledby="setup-title">
    <h1 id="setup-title">${t('setup.title')}</h1>
    <p>${t('setup.intro')}</p>
    <p class="setup-lang"><label for="setup-lang">Lingua / Language</label>
      <select id="setup-lang">
        <option value="it" ${language() === 'it' ? html`selected` : ''}>Italiano</option>
        <option value="en" ${language() === 'en' ? html`selected` : ''}>English</option>
      </select></p>
    <form id="setup-form" novalidate autocomplete="off">
      <fieldset class="choice wide" id="f-preset">
        <legend>${t('setup.desk')}</legend>
        <div class="options">
          ${presets.map((p, i) => html`<label class="option"><input type="radio" name="preset"
            value="${p.code}" ${p.code === chosen.code ? html`checked` : ''}><kbd aria-hidden="true">${i + 1}</kbd>
            <span>${p.code} · ${p.name}</span></label>`)}
          <label class="option"><input type="radio" name="preset" value="${NEW}">
            <kbd aria-hidden="true">${presets.length + 1}</kbd><span>${t('setup.new')}</span></label>
        </div>
      </fieldset>
      <div class="row">
        <div class="field tiny"><label for="f-code">${t('setup.code')}</label>
          <input id="f-code" type="text" size="8" maxlength="8" aria-describedby="e-code">
          <p class="field-error" id="e-code"></p></div>
        <div class="field grow"><label for="f-name">${t('setup.name')}</label>
          <input id="f-name" type="text" aria-describedby="e-name">
          <p class="field-error" id="e-name"></p></div>
      </div>
      <div class="row">
        <div class="field grow"><label for="f-address">${t('setup.address')}</label>
          <input id="f-address" type="text"></div>
        <div class="field"><label for="f-phone">${t('setup.phone')}</label>
          <input id="f-phone" type="text" size="14"></div>
      </div>
      <div class="hours">
        <h2>${t('setup.hours')}</h2>
        <p><strong>${t('setup.front')}:</strong> <span id="hours-front"></span></p>
        <p><strong>${t('setup.back')}:</strong> <span id="hours-back"></span></p>
      </div>
      <h2>${t('setup.account')}</h2>
      ${accountFields()}
      <div class="actions"><button type="submit" class="primary" id="setup-save">${t('setup.save')}</button></div>
      <p id="message" role="status" aria-live="polite"></p>
    </form>
    <aside class="setup-demo" aria-labelledby="setup-demo">
      <p><button type="button" id="setup-demo" aria-keyshortcuts="Alt+D"
        aria-describedby="h-demo">${t('setup.demo')}</button></p>
      <p class="hint" id="h-demo">${t('setup.demoHelp')}</p>
    </aside></section>`);

  const $ = (s) => find(s, root);
  const show = (desk) => {
    chosen = desk;
    $('#f-code').value = desk.code;
    $('#f-code').readOnly = desk !== BLANK;
    $('#f-name').value = desk.name;
    $('#f-address').value = desk.address;
    $('#f-phone').value = desk.phone;
    $('#hours-front').textContent = hoursText(desk.front_office);
    $('#hours-back').textContent = hoursText(desk.back_office);
  };
  show(chosen);
  wireAccountFields(root);

  const radios = $$('input[name=preset]', root);
  const pick = (value) => show(deskFor(value, presets));
  for (const r of radios) r.addEventListener('change', () => pick(r.value));
  $('#f-preset').addEventListener('keydown', (e) => {
    const i = optionForKey(e.key, radios.length);
    if (i >= 0) {
      e.preventDefault();
      radios[i].checked = true;
      pick(radios[i].value);
      (radios[i].value === NEW ? $('#f-code') : $('#f-operator')).focus();
    }
  });

  $('#setup-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const p of $$('.field-error', root)) p.textContent = '';
    const got = validateSetup(chosen, {
      code: $('#f-code').value, name: $('#f-name').value, address: $('#f-address').value,
      phone: $('#f-phone').value, operator: $('#f-operator').value,
      initials: $('#f-initials').value, pin: $('#f-pin').value, pin2: $('#f-pin2').value,
    });
    if (got.errors) {
      for (const [f, text] of got.errors) $(`#e-${f}`).textContent = text;
      $(`#f-${got.errors[0][0]}`).focus();
      return;
    }
    try {
      const recoveryKey = await ipc.setUpDesk(got.desk, got.operator);
      // set up: Alt+D (the demo) no longer applies, least of all over the key's dialog
      document.onkeydown = null;
      if (recoveryKey) await showRecoveryKey(recoveryKey);
      onDone();
    } catch (err) {
      const { field, text } = describeError(err);
      const target = field && $(`#e-${field}`);
      if (target) { target.textContent = text; $(`#f-${field}`).focus(); } else $('#message').textContent = text;
    }
  });
  // "Prova con dati dimostrativi": the demo database beside the real one, which stays
  // as it is (still to be set up when the demo is left)
  const tryDemo = async () => {
    const button = $('#setup-demo');
    if (button.disabled) return;
    button.disabled = true;
    $('#message').textContent = t('setup.demoOpening');
    try {
      await ipc.openDemo();
      document.onkeydown = null;
      onDone();
    } catch (err) {
      button.disabled = false;
      $('#message').textContent = describeError(err).text;
    }
  };
  $('#setup-demo').addEventListener('click', tryDemo);
  document.onkeydown = (e) => {
    if (e.altKey && !e.ctrlKey && e.key.toLowerCase() === 'd') {
      e.preventDefault();
      tryDemo();
    }
  };
  // the interface's language can be chosen before anything else; the form starts again
  $('#setup-lang').addEventListener('change', async (e) => {
    await ipc.setLanguage(e.target.value);
    setLanguage(e.target.value);
    await mount(root, { onDone });
    $('#setup-lang').focus();
  });
  $('#f-operator').focus();
}
