// First run: pick this installation's desk (a preset, prefilled, or a new one) and
// the operator's name or initials.

import * as ipc from '../ipc.js';
import { html, render } from '../html.js';
import { t, language, setLanguage } from '../i18n.js';
import { fieldError } from '../errors.js';

const NEW = 'NEW';

export async function mount(root, { onDone }) {
  const presets = await ipc.listDeskPresets();
  const blank = { code: '', name: '', address: '', phone: '', front_office: [], back_office: [] };
  let chosen = presets.find((p) => p.code === 'FOL') ?? presets[0];

  const hoursText = (hours) => (hours.length === 0 ? t('setup.noHours')
    : hours.map((h) => `${t(`weekday.${h.weekday}`)} ${h.opens}\u2011${h.closes}`).join(', '));

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
      <div class="field"><label for="f-operator">${t('setup.operator')}</label>
        <input id="f-operator" type="text" maxlength="40" aria-describedby="h-operator e-operator">
        <p class="hint" id="h-operator">${t('setup.operatorHelp')}</p>
        <p class="field-error" id="e-operator"></p></div>
      <div class="actions"><button type="submit" class="primary" id="setup-save">${t('setup.save')}</button></div>
      <p id="message" role="status" aria-live="polite"></p>
    </form></section>`);

  const $ = (s) => root.querySelector(s);
  const show = (desk) => {
    chosen = desk;
    $('#f-code').value = desk.code;
    $('#f-code').readOnly = desk !== blank;
    $('#f-name').value = desk.name;
    $('#f-address').value = desk.address;
    $('#f-phone').value = desk.phone;
    $('#hours-front').textContent = hoursText(desk.front_office);
    $('#hours-back').textContent = hoursText(desk.back_office);
  };
  show(chosen);

  const radios = [...root.querySelectorAll('input[name=preset]')];
  const pick = (value) => show(value === NEW ? blank : presets.find((p) => p.code === value));
  for (const r of radios) r.addEventListener('change', () => pick(r.value));
  $('#f-preset').addEventListener('keydown', (e) => {
    const i = Number(e.key) - 1;
    if (Number.isInteger(i) && radios[i]) {
      e.preventDefault();
      radios[i].checked = true;
      pick(radios[i].value);
      (radios[i].value === NEW ? $('#f-code') : $('#f-operator')).focus();
    }
  });

  $('#setup-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const p of root.querySelectorAll('.field-error')) p.textContent = '';
    const desk = {
      ...chosen,
      code: $('#f-code').value.trim().toUpperCase(),
      name: $('#f-name').value.trim(),
      address: $('#f-address').value.trim(),
      phone: $('#f-phone').value.trim(),
    };
    const operator = $('#f-operator').value.trim();
    const errors = [];
    if (!/^[A-Z]{2,8}$/.test(desk.code)) errors.push('code');
    if (!desk.name) errors.push('name');
    if (!operator) errors.push('operator');
    if (errors.length) {
      for (const f of errors) $(`#e-${f}`).textContent = t(`err.${f}`);
      $(`#f-${errors[0]}`).focus();
      return;
    }
    try {
      await ipc.setUpDesk(desk, operator);
      onDone();
    } catch (err) {
      const { field, text } = fieldError(err);
      const target = field && $(`#e-${field}`);
      if (target) { target.textContent = text; $(`#f-${field}`).focus(); } else $('#message').textContent = text;
    }
  });
  // the interface's language can be chosen before anything else; the form starts again
  $('#setup-lang').addEventListener('change', async (e) => {
    await ipc.setLanguage(e.target.value);
    setLanguage(e.target.value);
    await mount(root, { onDone });
    $('#setup-lang').focus();
  });
  $('#f-operator').focus();
}
