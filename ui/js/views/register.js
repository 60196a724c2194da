// The access register's page: the form (keyboard first), the day's list with counts by
// channel, corrections, deletions, undo, and the export status line. The decisions
// (validation, messages, follow-ups offered by the core, shortcuts) are in
// register-model.js; this module draws them and wires the page to the core.

import * as ipc from '../ipc.js';
import { html, render } from '../html.js';
import { t, entryLabel, formatNumber, language, setLanguage } from '../i18n.js';
import { today, formatDate, formatHour, parseDate } from '../dates.js';
import { $ as find, clearFieldErrors, focusInto, focusSelect, say as sayIn, showFieldError } from '../dom.js';
import { choiceMarkup, wireChoice, choiceValue, setChoice } from '../widgets/choice.js';
import { comboMarkup, Combobox } from '../widgets/combobox.js';
import { describeError, isStale } from '../errors.js';
import {
  CHOICES, FLAGS, HELP_ROWS, LISTS, MULTIPLE, corrected, correctionBanner, dayTotal, deleteQuestion,
  nextField, pendingStatus, profileSummary, recorded, shortcut, startEditing, validateAccess, valuesOf,
} from './register-model.js';

/** The access form; `active(list)` gives the entries of a codebook list still in use. */
function formMarkup(active) {
  const yesNo = [{ value: 'yes', label: t('yes'), key: t('key.yes') },
    { value: 'no', label: t('no'), key: t('key.no') }];
  const choice = (field, multiple = false, compact = false) => choiceMarkup({
    field, legend: t(`reg.${field}`), multiple, wide: compact, compact,
    options: active(LISTS[field]).map((e) => ({ value: e.code, label: entryLabel(e) })),
  });
  return html`<form id="access-form" novalidate autocomplete="off">
    <p class="correcting" id="correcting" hidden></p>
    <div class="row">
      <div class="field small">
        <label for="f-date">${t('reg.date')}</label>
        <input id="f-date" type="text" inputmode="numeric" placeholder="gg/mm/aaaa"
          aria-describedby="e-date" size="10">
        <p class="field-error" id="e-date"></p>
      </div>
      <div class="field tiny">
        <label for="f-hour">${t('reg.hour')}</label>
        <input id="f-hour" type="text" inputmode="numeric" aria-describedby="e-hour" size="3">
        <p class="field-error" id="e-hour"></p>
      </div>
      ${choice('channel')}
    </div>
    <div class="row">
      ${comboMarkup({ field: 'nationality', label: t('reg.nationality'), hint: t('reg.nationalityHint') })}
      ${choice('sex')}
    </div>
    <div class="row">
      ${choice('age_band')}
      ${choiceMarkup({ field: 'first_access', legend: t('reg.first_access'), options: yesNo })}
    </div>
    ${choice('referred_by', false, true)}
    ${choice('permit', false, true)}
    ${choice('reasons', true, true)}
    ${choice('actions', true, true)}
    <div class="row">
      ${choiceMarkup({ field: 'accompaniment', legend: t('reg.accompaniment'), options: yesNo })}
      ${choiceMarkup({ field: 'mediation', legend: t('reg.mediation'), options: yesNo })}
      <div class="field tiny">
        <label for="f-count">${t('reg.count')}</label>
        <input id="f-count" type="text" inputmode="numeric" value="1" size="3"
          aria-describedby="h-count e-count">
        <p class="hint" id="h-count">${t('reg.countHelp')}</p>
        <p class="field-error" id="e-count"></p>
      </div>
    </div>
    <div class="actions">
      <button type="submit" id="save" class="primary">${t('reg.save')}</button>
      <button type="button" id="repeat">${t('reg.repeat')}</button>
      <button type="button" id="undo">${t('reg.undo')}</button>
      <button type="button" id="clear">${t('reg.clear')}</button>
    </div>
  </form>`;
}

/** The page: header, form, day list, status line and dialogs. */
function pageMarkup(ctx, active) {
  return html`<header class="bar">
      <h1>${ctx.desk.name} <span class="code">(${ctx.desk.code})</span></h1>
      <label class="lang">${t('lang.label')}
        <select id="lang">
          <option value="it" ${language() === 'it' ? html`selected` : ''}>Italiano</option>
          <option value="en" ${language() === 'en' ? html`selected` : ''}>English</option>
        </select></label>
      <button type="button" id="help-open">${t('reg.help')}</button>
    </header>
    <div class="register">
      <section class="entry" aria-labelledby="entry-title">
        <h2 id="entry-title" class="visually-hidden">${t('reg.title')}</h2>
        ${formMarkup(active)}
      </section>
      <div class="side">
        <section class="profiles" aria-labelledby="profiles-title" id="profiles"></section>
        <section class="day" aria-labelledby="day-title" id="day"></section>
      </div>
    </div>
    <footer class="status">
      <p id="unexported"></p>
      <p id="message" role="status" aria-live="polite"></p>
      <button type="button" id="book" hidden>${t('reg.book')}</button>
      <button type="button" id="open-case" hidden>${t('reg.openCase')}</button>
    </footer>
    <dialog id="confirm" aria-labelledby="confirm-text">
      <p id="confirm-text"></p>
      <div class="actions">
        <button type="button" id="confirm-no" autofocus>${t('reg.confirmDeleteNo')}</button>
        <button type="button" id="confirm-yes" class="danger">${t('reg.confirmDeleteYes')}</button>
      </div>
    </dialog>
    <dialog id="help" aria-labelledby="help-title">${helpMarkup()}</dialog>
`;
}

/** The keyboard help. */
function helpMarkup() {
  // the keys Enter and Tab have names in each language; the others are shown as they are
  const keyName = (k) => (k.startsWith('help.') ? t(k) : k);
  return html`<h2 id="help-title">${t('help.title')}</h2>
    <table class="keys"><tbody>
      ${HELP_ROWS.map(([k, key]) => html`<tr><th scope="row"><kbd>${keyName(k)}</kbd></th><td>${t(key)}</td></tr>`)}
    </tbody></table>
    <p>${t('help.fields')}</p>
    <p>${t('help.nationality')}</p>
    <p>${t('help.typical')}</p>
    <div class="actions"><button type="button" id="help-close" autofocus>${t('help.close')}</button></div>`;
}
/**
 * The frequent profiles beside the form: one line each with its key (Ctrl+1...9), how
 * often it came in the last weeks, pin and hide; the hidden ones below, to restore.
 */
function profilesMarkup(profiles, hidden, label) {
  const rows = profiles.map((p, i) => {
    const n = i + 1;
    const { what, why } = profileSummary(p.traits, label);
    return html`<li class="${p.pinned ? 'pinned' : ''}">
      <button type="button" class="profile" data-profile="${n}" aria-keyshortcuts="Control+${n}"
        aria-label="${t('reg.profileLabel', { n, what, why })}" title="${what}; ${why}">
        <kbd aria-hidden="true">Ctrl+${n}</kbd>
        <span class="what">${what}</span> <span class="why muted">${why}</span></button>
      <span class="times muted">${p.pinned ? t('reg.profilePinned') : t('reg.profileTimes', { count: formatNumber(p.count) })}</span>
      <button type="button" class="small" data-pin="${i}" aria-pressed="${p.pinned ? 'true' : 'false'}"
        aria-label="${p.pinned ? t('reg.profileUnpin') : t('reg.profilePin')} ${n}">${p.pinned ? t('reg.profileUnpin') : t('reg.profilePin')}</button>
      <button type="button" class="small" data-hide="${i}"
        aria-label="${t('reg.profileHide')} ${n}">${t('reg.profileHide')}</button></li>`;
  });
  const restore = hidden.map((h, i) => {
    const { what, why } = profileSummary(h.traits, label);
    return html`<li><span>${what}; ${why}</span>
      <button type="button" class="small" data-restore="${i}">${t('reg.profileRestore')}</button></li>`;
  });
  return html`<h2 id="profiles-title">${t('reg.profiles')}</h2>
    ${profiles.length === 0 ? html`<p class="hint">${t('reg.profilesNone')}</p>` : html`
      <p class="hint">${t('reg.profilesHint')}</p>
      <ol class="profile-list">${rows}</ol>`}
    ${hidden.length === 0 ? '' : html`<details class="hidden-profiles">
      <summary>${t('reg.profilesHidden', { count: formatNumber(hidden.length) })}</summary>
      <ul>${restore}</ul></details>`}`;
}

/** The day's list: counts by channel and the accesses, newest first, with their commands. */
function dayMarkup(day, editingId, label) {
  const counts = day.counts;
  const rows = day.accesses.map((a, i) => html`<tr class="${editingId === a.id ? 'editing' : ''}">
    <td>${formatHour(a.hour)}:00<br><span class="muted">${label('channel', a.channel)}</span></td>
    <td><strong>${label('nationality', a.nationality)}</strong>${a.first_access ? html` <span class="tag">${t('reg.first')}</span>` : ''}<br>
      <span class="muted">${label('sex', a.sex)}, ${label('age_band', a.age_band)}</span></td>
    <td>${a.reasons.map((c) => label('reason', c)).join('; ')}<br>
      <span class="muted">→ ${a.actions.map((c) => label('action', c)).join('; ')}</span></td>
    <td class="commands">
      <button type="button" data-correct="${i}" aria-label="${t('reg.correct')} ${formatHour(a.hour)}:00 ${label('nationality', a.nationality)}">${t('reg.correct')}</button>
      <button type="button" data-delete="${i}" class="danger-text" aria-label="${t('reg.delete')} ${formatHour(a.hour)}:00 ${label('nationality', a.nationality)}">${t('reg.delete')}</button>
    </td></tr>`);
  return html`<h2 id="day-title">${t('reg.day', { date: formatDate(counts.date) })}</h2>
    <p class="total">${dayTotal(counts)}</p>
    <ul class="counts" id="counts">${counts.by_channel.map((c) => html`<li data-channel="${c.channel}">
      <span>${label('channel', c.channel)}</span> <strong>${formatNumber(c.count)}</strong></li>`)}</ul>
    ${day.accesses.length === 0 ? html`<p>${t('reg.noAccesses')}</p>` : html`<div class="table-wrap"><table id="day-list">
      <thead><tr><th scope="col">${t('reg.col.hour')}</th><th scope="col">${t('reg.col.person')}</th>
        <th scope="col">${t('reg.col.reasons')}</th>
        <th scope="col">${t('reg.col.commands')}</th></tr></thead>
      <tbody>${rows}</tbody></table></div>`}`;
}

export async function mount(root, { onLanguage, navigate, coordinator = true } = {}) {
  const ctx = await ipc.openRegister();
  // Another view was chosen while this one loaded: leave the page to it.
  if (!root.isConnected) return;
  setLanguage(ctx.language);
  const state = {
    ctx,
    date: today(),
    day: null,
    lastSave: null,
    editing: null,
    dateTouched: false,
    combo: null,
    bookFor: null,
    caseFrom: null,
    hiddenProfiles: [],
  };
  const cb = ctx.codebook.lists;
  const active = (list) => cb[list].filter((e) => e.active);
  const label = (list, code) => entryLabel(cb[list].find((e) => e.code === code)) || code;

  const $ = (sel) => find(sel, root);
  const group = (field) => $(`#f-${field}`);
  const focusField = (field) => focusInto(group(field));
  const say = (text, error = false) => sayIn($('#message'), text, error);
  const clearErrors = () => clearFieldErrors(root);
  const showError = (field, text) => showFieldError(root, field, text);

  function advance(field) {
    const next = nextField(field);
    if (next === 'save') $('#save').focus();
    else focusField(next);
  }

  function nowDefaults() {
    const now = new Date();
    state.dateTouched = false;
    $('#f-date').value = formatDate(today(now));
    $('#f-hour').value = formatHour(now.getHours());
  }

  function resetForm({ keepWhen = true } = {}) {
    for (const field of ['sex', 'age_band', 'first_access', 'referred_by', 'permit', 'reasons']) {
      setChoice(group(field), MULTIPLE.has(field) ? [] : '');
    }
    // The desk's usual action, as a default the first key there replaces: a typical
    // access ends with its reason and Enter.
    setChoice(group('actions'), ctx.usual_action ? [ctx.usual_action] : [], { pristine: true });
    setChoice(group('accompaniment'), 'no');
    setChoice(group('mediation'), 'no');
    state.combo.value = '';
    $('#f-count').value = '1';
    if (!keepWhen || !state.dateTouched) nowDefaults();
    clearErrors();
  }

  function fill(access) {
    const values = valuesOf(access);
    $('#f-date').value = values.date;
    $('#f-hour').value = values.hour;
    for (const field of [...CHOICES, ...FLAGS]) setChoice(group(field), values[field]);
    state.combo.value = values.nationality;
    clearErrors();
  }

  /** The form's values as typed, for the model to validate. */
  function formValues() {
    const values = { date: $('#f-date').value, hour: $('#f-hour').value, count: $('#f-count').value };
    for (const field of [...CHOICES, ...FLAGS]) values[field] = choiceValue(group(field));
    values.nationality = state.combo.value;
    return values;
  }

  /** Reads the form; returns `{input, count}` or null after marking what is wrong. */
  function collect() {
    clearErrors();
    const got = validateAccess(formValues(), today());
    if (got.errors) {
      for (const [field, text] of got.errors) showError(field, text);
      say(t('reg.fixErrors'), true);
      focusField(got.first);
      return null;
    }
    return got;
  }

  async function failed(err) {
    const { field, text } = describeError(err);
    if (field && group(field)) {
      showError(field, text);
      focusField(field);
      say(t('reg.fixErrors'), true);
    } else {
      say(text, true);
    }
    if (isStale(err)) await refresh();
  }

  /** Shows the follow-ups the core offered (or none). */
  function offer({ bookFor = null, caseFrom = null } = {}) {
    state.bookFor = bookFor;
    state.caseFrom = caseFrom;
    $('#book').hidden = !(state.bookFor && navigate);
    $('#open-case').hidden = !(state.caseFrom && navigate);
  }

  async function save() {
    const got = collect();
    if (!got) return;
    try {
      if (state.editing) {
        const done = corrected(await ipc.correctAccess(state.editing.id, state.editing.revision, got.input));
        state.lastSave = done.lastSave;
        endCorrection();
        say(done.message);
      } else {
        const done = recorded(await ipc.recordAccess(got.input, got.count));
        state.lastSave = done.lastSave;
        say(done.message);
        offer(done);
      }
      state.date = got.input.date;
      resetForm();
      await refresh();
      window.scrollTo(0, 0);
      focusField('nationality');
    } catch (err) {
      await failed(err);
    }
  }

  function startCorrection(access) {
    state.editing = startEditing(access, state.editing, {
      channel: choiceValue(group('channel')), date: $('#f-date').value, hour: $('#f-hour').value,
    });
    fill(access);
    const banner = $('#correcting');
    banner.textContent = correctionBanner(access);
    banner.hidden = false;
    $('#f-count').disabled = true;
    $('#save').textContent = t('reg.saveCorrection');
    drawDay();
    focusField('nationality');
  }

  function endCorrection() {
    const before = state.editing?.before;
    if (before) {
      setChoice(group('channel'), before.channel);
      $('#f-date').value = before.date;
      $('#f-hour').value = before.hour;
    }
    state.editing = null;
    $('#correcting').hidden = true;
    $('#f-count').disabled = false;
    $('#save').textContent = t('reg.save');
    if (state.day) drawDay();
  }

  function newAccess() {
    endCorrection();
    resetForm({ keepWhen: false });
    focusField('nationality');
  }

  async function undo() {
    if (!state.lastSave) { say(t('reg.nothingToUndo')); return; }
    try {
      await ipc.undoLastSave(state.lastSave);
      state.lastSave = null;
      offer();
      say(t('reg.undone'));
      await refresh();
    } catch (err) {
      state.lastSave = null;
      await failed(err);
    }
  }

  async function repeatLast() {
    try {
      const last = await ipc.getLastAccess();
      if (!last) { say(t('reg.nothingToRepeat')); return; }
      endCorrection();
      const keepDate = $('#f-date').value;
      const keepHour = $('#f-hour').value;
      fill(last);
      // The copy is a new access: it takes the form's date and hour, not the old ones.
      $('#f-date').value = keepDate;
      $('#f-hour').value = keepHour;
      say(t('reg.repeated'));
      $('#save').focus();
    } catch (err) {
      await failed(err);
    }
  }

  /** Fills the form with frequent profile `n` (1-9), keeping date, hour and count. */
  function applyProfile(n) {
    const profile = state.day?.profiles[n - 1];
    if (!profile) { say(t('reg.profileMissing', { n })); return; }
    endCorrection();
    const keepDate = $('#f-date').value;
    const keepHour = $('#f-hour').value;
    fill({ ...profile.traits, date: today(), hour: 0 });
    $('#f-date').value = keepDate;
    $('#f-hour').value = keepHour;
    say(t('reg.profileApplied', { n }));
    $('#save').focus();
  }

  /**
   * Pins, hides or restores the profile `key`; the focus then goes to `where(index)`,
   * `index` being the profile's place in the new list (-1 when it is not offered).
   */
  async function chooseProfile(key, choice, where) {
    try {
      await ipc.chooseRegisterProfile(key, choice);
      await refresh();
      const index = state.day.profiles.findIndex((p) => p.key === key);
      (where(index) ?? $('#profiles button') ?? $('#f-nationality'))?.focus();
    } catch (err) {
      await failed(err);
    }
  }

  function askDelete(access) {
    const dialog = $('#confirm');
    $('#confirm-text').textContent = deleteQuestion(access, label);
    const yes = $('#confirm-yes');
    const no = $('#confirm-no');
    const close = () => { yes.onclick = null; no.onclick = null; dialog.close(); };
    no.onclick = () => { close(); focusField('nationality'); };
    yes.onclick = async () => {
      close();
      try {
        await ipc.deleteAccess(access.id, access.revision);
        if (state.editing?.id === access.id) { endCorrection(); resetForm(); }
        say(t('reg.deleted'));
        await refresh();
      } catch (err) {
        await failed(err);
      }
      focusField('nationality');
    };
    dialog.showModal();
    no.focus();
  }

  function drawDay() {
    const day = state.day;
    render($('#profiles'), profilesMarkup(day.profiles, state.hiddenProfiles, label));
    render($('#day'), dayMarkup(day, state.editing?.id, label));
    const status = pendingStatus(day.unexported);
    $('#unexported').textContent = status.text;
    $('#unexported').classList.toggle('warning', status.warning);
  }

  async function refresh() {
    [state.day, state.hiddenProfiles] = await Promise.all([
      ipc.getRegisterDay(state.date), ipc.hiddenRegisterProfiles()]);
    state.combo.setFrequent(state.day.frequent_nationalities);
    drawDay();
  }

  function wire() {
    const form = $('#access-form');
    for (const fs of form.querySelectorAll('fieldset.choice')) {
      wireChoice(fs, { onPicked: () => advance(fs.dataset.field), onChange: () => {
        fs.removeAttribute('aria-invalid');
        $(`#e-${fs.dataset.field}`).textContent = '';
      } });
    }
    const natEntries = active('nationality').map((e) => ({ code: e.code, label: entryLabel(e) }));
    state.combo = new Combobox($('#w-nationality'), {
      entries: natEntries,
      frequent: ctx.frequent_nationalities,
      onPicked: () => advance('nationality'),
      onChange: () => { $('#e-nationality').textContent = ''; },
    });
    $('#f-date').addEventListener('input', () => { state.dateTouched = true; });
    $('#f-hour').addEventListener('input', () => { state.dateTouched = true; });
    $('#f-date').addEventListener('change', async () => {
      const iso = parseDate($('#f-date').value);
      if (iso && iso !== state.date) { state.date = iso; await refresh(); }
    });
    form.addEventListener('submit', (e) => { e.preventDefault(); save(); });
    form.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.altKey && !e.ctrlKey && !e.target.matches('button')) {
        e.preventDefault();
        save();
      }
    });
    const book = () => {
      if (state.bookFor && navigate) navigate('appuntamenti', { accessId: state.bookFor });
    };
    $('#book').addEventListener('click', book);
    const openCase = () => {
      if (state.caseFrom && navigate) navigate('casi', { caseFrom: state.caseFrom });
    };
    $('#open-case').addEventListener('click', openCase);
    $('#repeat').addEventListener('click', repeatLast);
    $('#undo').addEventListener('click', undo);
    $('#clear').addEventListener('click', newAccess);
    $('#day').addEventListener('click', (e) => {
      const b = e.target.closest('button');
      if (!b) return;
      if (b.dataset.correct) startCorrection(state.day.accesses[Number(b.dataset.correct)]);
      if (b.dataset.delete) askDelete(state.day.accesses[Number(b.dataset.delete)]);
    });
    $('#profiles').addEventListener('click', (e) => {
      const b = e.target.closest('button');
      if (!b) return;
      const profiles = state.day.profiles;
      if (b.dataset.profile) applyProfile(Number(b.dataset.profile));
      if (b.dataset.pin) {
        const p = profiles[Number(b.dataset.pin)];
        chooseProfile(p.key, p.pinned ? 'default' : 'pinned', (i) => $(`#profiles [data-pin="${i}"]`));
      }
      if (b.dataset.hide) {
        chooseProfile(profiles[Number(b.dataset.hide)].key, 'hidden', () => $('#profiles button.profile'));
      }
      if (b.dataset.restore) {
        chooseProfile(state.hiddenProfiles[Number(b.dataset.restore)].key, 'default',
          (i) => $(`#profiles [data-profile="${i + 1}"]`));
      }
    });
    $('#help-open').addEventListener('click', () => $('#help').showModal());
    $('#help').addEventListener('click', (e) => { if (e.target.id === 'help-close') $('#help').close(); });
    $('#lang').addEventListener('change', async (e) => {
      await ipc.setLanguage(e.target.value);
      onLanguage?.();
    });
    const commands = {
      help: () => $('#help').showModal(),
      cancelCorrection: newAccess,
      repeat: repeatLast,
      book,
      openCase,
      undo,
      new: newAccess,
      count: () => focusSelect($('#f-count')),
      date: () => focusSelect($('#f-date')),
      channel: () => focusField('channel'),
      list: () => ($('#day-list button') ?? $('#day')).focus(),
    };
    document.onkeydown = (e) => {
      const command = shortcut(e, {
        editing: Boolean(state.editing), dialogOpen: Boolean(document.querySelector('dialog[open]')),
      });
      if (command?.startsWith('profile:')) { e.preventDefault(); applyProfile(Number(command.slice(8))); }
      else if (command) { e.preventDefault(); commands[command](); }
    };
  }

  render(root, pageMarkup(ctx, active));
  document.title = `${ctx.desk.name} · Sportello`;
  $('#day').tabIndex = -1;
  // the installation's language is a setting: a coordinator's
  $('#lang').disabled = !coordinator;
  wire();
  setChoice(group('channel'), ctx.usual_channel ?? '');
  resetForm({ keepWhen: false });
  await refresh();
  focusField('nationality');
}
