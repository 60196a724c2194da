// The lock panel: it covers a personal area (cases, appointments) after the idle time,
// with the PIN field focused; the right PIN reopens the area, "Cambia operatore" hands
// the window over. The register stays usable meanwhile (the navigation is not covered).

import * as ipc from '../ipc.js';
import { html, render } from '../html.js';
import { t } from '../i18n.js';
import { $ as find } from '../dom.js';
import { describeError } from '../errors.js';
import { lockTime, pinRefusal } from './signin-model.js';

/** Shows the lock panel in `root`. */
export function mount(root, { who, lockSeconds, onUnlock, onChangeOperator }) {
  const time = lockTime(lockSeconds);
  render(root, html`<section class="lock-panel" id="lock-panel" role="dialog" aria-modal="false"
      aria-labelledby="lock-title" aria-describedby="lock-intro">
    <h2 id="lock-title">${t('lock.title')}</h2>
    <p id="lock-intro">${t('lock.intro', { time })}</p>
    <form id="lock-form" novalidate autocomplete="off">
      <div class="field"><label for="f-unlock-pin">${t('lock.pin', { name: who.name })}</label>
        <input id="f-unlock-pin" type="password" maxlength="128" autocomplete="current-password"
          aria-describedby="e-unlock-pin">
        <p class="field-error" id="e-unlock-pin" role="alert"></p></div>
      <div class="actions">
        <button type="submit" class="primary" id="unlock">${t('lock.unlock')}</button>
        <button type="button" id="lock-change" aria-keyshortcuts="Alt+U">${t('bar.change')} <kbd>Alt+U</kbd></button>
      </div>
    </form></section>`);
  const $ = (s) => find(s, root);
  $('#lock-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const pin = $('#f-unlock-pin').value;
    if (!pin) { $('#f-unlock-pin').focus(); return; }
    try {
      await ipc.unlock(pin);
      onUnlock();
    } catch (err) {
      $('#f-unlock-pin').value = '';
      $('#e-unlock-pin').textContent = pinRefusal(err) ?? describeError(err).text;
      $('#f-unlock-pin').focus();
    }
  });
  $('#lock-change').addEventListener('click', onChangeOperator);
  $('#f-unlock-pin').focus();
}
