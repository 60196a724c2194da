// The window's door: the quick operator choice and PIN (a list of names, arrow keys,
// then the PIN and Enter), and, on an installation that has no account yet, the
// creation of the first one (a coordinator). The decisions are in signin-model.js.

import * as ipc from '../ipc.js';
import { html, render } from '../html.js';
import { t } from '../i18n.js';
import { $ as find, $$ } from '../dom.js';
import { describeError } from '../errors.js';
import { initialsOf, moveChoice, pinRefusal, validateAccount } from './signin-model.js';
import { afterSignIn, mountRecovery } from './recovery.js';

/** The fields of a new account (name, initials, PIN twice): the setup uses them too. */
export function accountFields() {
  return html`<div class="row">
      <div class="field grow"><label for="f-operator">${t('setup.operator')}</label>
        <input id="f-operator" type="text" maxlength="40" autocomplete="off" aria-describedby="h-operator e-operator">
        <p class="hint" id="h-operator">${t('setup.operatorHelp')}</p>
        <p class="field-error" id="e-operator"></p></div>
      <div class="field tiny"><label for="f-initials">${t('setup.initials')}</label>
        <input id="f-initials" type="text" size="5" maxlength="4" autocomplete="off" aria-describedby="e-initials">
        <p class="field-error" id="e-initials"></p></div>
    </div>
    ${pinFields('h-pin e-pin')}
    <p class="hint" id="h-pin">${t('setup.pinHelp')}</p>`;
}

/** A new PIN typed twice (`#f-pin`, `#f-pin2`); `describedBy`: the first field's help. */
export function pinFields(describedBy = 'e-pin') {
  return html`<div class="row">
      <div class="field"><label for="f-pin">${t('setup.pin')}</label>
        <input id="f-pin" type="password" maxlength="128" autocomplete="new-password" aria-describedby="${describedBy}">
        <p class="field-error" id="e-pin"></p></div>
      <div class="field"><label for="f-pin2">${t('setup.pin2')}</label>
        <input id="f-pin2" type="password" maxlength="128" autocomplete="new-password" aria-describedby="e-pin2">
        <p class="field-error" id="e-pin2"></p></div>
    </div>`;
}

/** Proposes the initials while the name is typed, until the initials are edited. */
export function wireAccountFields(root) {
  const $ = (s) => find(s, root);
  let edited = false;
  $('#f-initials').addEventListener('input', () => { edited = true; });
  $('#f-operator').addEventListener('input', () => {
    if (!edited) $('#f-initials').value = initialsOf($('#f-operator').value);
  });
  return () => validateAccount({
    name: $('#f-operator').value, initials: $('#f-initials').value,
    pin: $('#f-pin').value, pin2: $('#f-pin2').value,
  });
}

/** Shows the errors of a refused account next to their fields; focuses the first. */
export function showAccountErrors(root, errors) {
  for (const [f, text] of errors) find(`#e-${f}`, root).textContent = text;
  find(`#f-${errors[0][0]}`, root).focus();
}

/** The first account of an installation set up before the accounts existed. */
export async function mountFirst(root, { onDone }) {
  render(root, html`<section class="setup signin" aria-labelledby="first-title">
    <h1 id="first-title">${t('first.title')}</h1>
    <p>${t('first.intro')}</p>
    <form id="first-form" novalidate autocomplete="off">
      ${accountFields()}
      <div class="actions"><button type="submit" class="primary" id="first-save">${t('first.save')}</button></div>
      <p id="message" role="status" aria-live="polite"></p>
    </form></section>`);
  const $ = (s) => find(s, root);
  const check = wireAccountFields(root);
  $('#first-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const p of $$('.field-error', root)) p.textContent = '';
    const got = check();
    if (got.errors) { showAccountErrors(root, got.errors); return; }
    try {
      await afterSignIn(await ipc.createFirstOperator({ ...got.operator, role: 'coordinator' }));
      onDone();
    } catch (err) {
      $('#message').textContent = describeError(err).text;
    }
  });
  $('#f-operator').focus();
}

/** The quick operator choice and PIN. `operators`: the active accounts. */
export async function mount(root, { operators, onDone }) {
  render(root, html`<section class="signin" aria-labelledby="signin-title">
    <h1 id="signin-title">${t('signin.title')}</h1>
    <p id="signin-intro">${t('signin.intro')}</p>
    <form id="signin-form" novalidate autocomplete="off">
      <div class="field"><span class="label" id="signin-list-label">${t('signin.list')}</span>
        <ul id="signin-list" role="listbox" tabindex="0" aria-labelledby="signin-list-label"
          aria-describedby="signin-intro">
          ${operators.map((o, i) => html`<li role="option" id="op-${o.id}" data-index="${i}"
            aria-selected="${i === 0 ? 'true' : 'false'}"><strong>${o.name}</strong>
            <span class="initials">${o.initials}</span> <span class="role">${t(`role.${o.role}`)}</span></li>`)}
        </ul></div>
      <div class="field"><label for="f-signin-pin" id="signin-pin-label">${t('signin.pin')}</label>
        <input id="f-signin-pin" type="password" maxlength="128" autocomplete="current-password"
          aria-describedby="e-signin-pin">
        <p class="field-error" id="e-signin-pin" role="alert"></p></div>
      <div class="actions"><button type="submit" class="primary" id="signin-enter">${t('signin.enter')}</button>
        <button type="button" id="signin-forgot" aria-keyshortcuts="Alt+R">${t('signin.forgot')} <kbd>Alt+R</kbd></button></div>
    </form></section>`);
  const $ = (s) => find(s, root);
  const list = $('#signin-list');
  const items = $$('li', list);
  let chosen = 0;
  const choose = (i) => {
    chosen = i;
    items.forEach((li, j) => li.setAttribute('aria-selected', j === i ? 'true' : 'false'));
    if (items[i]) {
      list.setAttribute('aria-activedescendant', items[i].id);
      items[i].scrollIntoView({ block: 'nearest' });
      $('#signin-pin-label').textContent = t('signin.pinOf', { name: operators[i].name });
    }
  };
  choose(0);
  // arrow keys choose a name from the list and from the PIN field alike
  const onArrows = (e) => {
    const i = moveChoice(e.key, chosen, items.length);
    if (i >= 0) {
      e.preventDefault();
      choose(i);
      $('#f-signin-pin').value = '';
      $('#e-signin-pin').textContent = '';
    }
  };
  list.addEventListener('keydown', (e) => {
    onArrows(e);
    if (e.key === 'Enter' || e.key === 'Tab') {
      if (e.key === 'Enter') e.preventDefault();
      $('#f-signin-pin').focus();
    }
  });
  $('#f-signin-pin').addEventListener('keydown', onArrows);
  list.addEventListener('click', (e) => {
    const li = e.target.closest('li');
    if (li) { choose(Number(li.dataset.index)); $('#f-signin-pin').focus(); }
  });
  $('#signin-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const pin = $('#f-signin-pin').value;
    if (!pin) { $('#f-signin-pin').focus(); return; }
    $('#signin-enter').disabled = true;
    try {
      const answer = await ipc.signIn(operators[chosen].id, pin);
      await afterSignIn(answer);
      onDone();
    } catch (err) {
      $('#f-signin-pin').value = '';
      $('#e-signin-pin').textContent = pinRefusal(err) ?? describeError(err).text;
      $('#f-signin-pin').focus();
    } finally {
      $('#signin-enter').disabled = false;
    }
  });
  // "Ho dimenticato il PIN": the recovery key sets a new one for the chosen account
  const forgot = () => {
    mountRecovery(root, {
      operator: operators[chosen],
      onDone,
      onCancel: () => mount(root, { operators, onDone }),
    });
  };
  $('#signin-forgot').addEventListener('click', forgot);
  $('#signin-form').addEventListener('keydown', (e) => {
    if (e.altKey && !e.ctrlKey && e.key.toLowerCase() === 'r') { e.preventDefault(); forgot(); }
  });
  // one account: straight to the PIN; several: the list first
  (items.length === 1 ? $('#f-signin-pin') : list).focus();
}
