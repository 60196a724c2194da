// Accompaniment cases' page: the year's counts (the report's own figures), the open
// cases (oldest first, with days open), the archived and fast ones of the year; open a
// full case with its personal file, record a fast one, correct, delete; the open cases
// show the days since their last follow-up and their next step, overdue ones marked.
// A case's detail (follow-ups, closing with an outcome, reopening, erasure) and the
// week's list are case-detail.js. The decisions are in cases-model.js and
// case-detail-model.js; this module draws them and calls the core.
//
// mount(root, ctx): ctx.caseFrom, the case the core offered after an access
// (`{case_type, opened_on, reason, access_id}`), prefills the form.
// The personal file and the notes stay on this machine: the view says so.

import * as ipc from '../ipc.js';
import { html, render } from '../html.js';
import { t, entryLabel, formatNumber, setLanguage } from '../i18n.js';
import { today, formatDate } from '../dates.js';
import { $ as find, clearFieldErrors, focusInto, focusSelect, say as sayIn, showFieldError } from '../dom.js';
import { choiceMarkup, wireChoice, choiceValue, setChoice } from '../widgets/choice.js';
import { describeError, isStale } from '../errors.js';
import {
  FILE, correctionBanner, countLines, deleteQuestion, findCase, parseYear, prefill, saveLabel,
  savedMessage, shortcut, validateCase,
} from './cases-model.js';
import { outcomeLabel, progressCells } from './case-detail-model.js';
import { caseDialogs } from './case-detail.js';

/** The case form; `reasons` is the codebook list of reasons. */
function formMarkup(reasons) {
  return html`<form id="case-form" novalidate autocomplete="off">
    <p class="correcting" id="case-correcting" hidden></p>
    <p class="hint" id="case-from" hidden>${t('cases.fromAccess')}</p>
    ${choiceMarkup({ field: 'case_type', legend: t('cases.type'), options: [
  { value: 'full', label: t('cases.type.full'), key: t('cases.key.full') },
  { value: 'fast', label: t('cases.type.fast'), key: t('cases.key.fast') }] })}
    ${choiceMarkup({ field: 'reason', legend: t('cases.reason'), wide: true,
  options: reasons.filter((e) => e.active).map((e) => ({ value: e.code, label: entryLabel(e) })) })}
    <div class="row">
      <div class="field small">
        <label for="f-opened_on">${t('cases.opened_on')}</label>
        <input id="f-opened_on" type="text" inputmode="numeric" placeholder="gg/mm/aaaa" size="10"
          aria-describedby="e-opened_on">
        <p class="field-error" id="e-opened_on"></p>
      </div>
      <div class="field small" id="w-closed_on" hidden>
        <label for="f-closed_on">${t('cases.closed_on')}</label>
        <input id="f-closed_on" type="text" inputmode="numeric" placeholder="gg/mm/aaaa" size="10"
          aria-describedby="h-closed_on e-closed_on">
        <p class="hint" id="h-closed_on">${t('cases.closedHint')}</p>
        <p class="field-error" id="e-closed_on"></p>
      </div>
    </div>
    <fieldset class="case-file" id="case-file">
      <legend>${t('cases.file')}</legend>
      <p class="privacy" id="case-privacy">${t('cases.privacy')}</p>
      <div class="row">
        <div class="field grow"><label for="f-person_name">${t('cases.person_name')}</label>
          <input id="f-person_name" type="text" maxlength="200" aria-describedby="case-privacy"></div>
        <div class="field"><label for="f-phone">${t('cases.phone')}</label>
          <input id="f-phone" type="text" maxlength="40" size="16"></div>
      </div>
      <div class="row">
        <div class="field grow"><label for="f-documents">${t('cases.documents')}</label>
          <textarea id="f-documents" rows="3"></textarea></div>
        <div class="field grow"><label for="f-description">${t('cases.description')}</label>
          <textarea id="f-description" rows="3"></textarea></div>
      </div>
    </fieldset>
    <div class="actions">
      <button type="submit" id="case-save" class="primary">${t('cases.save.full')}</button>
      <button type="button" id="case-fast">${t('cases.fastKey')}</button>
      <button type="button" id="case-clear">${t('cases.clear')}</button>
    </div>
  </form>`;
}

/** The page: header, counts, form, lists, status line and dialogs. */
function pageMarkup(ctx, year, reasons) {
  return html`<header class="bar">
      <h1>${t('cases.title')} <span class="code">· ${ctx.desk.name} (${ctx.desk.code})</span></h1>
      <label class="year">${t('cases.year')}
        <input id="case-year" type="text" inputmode="numeric" size="5" value="${year}"></label>
      <button type="button" id="case-week-open">${t('cases.weekKey')}</button>
    </header>
    <section class="case-counts" aria-labelledby="counts-title" id="case-counts"></section>
    <div class="cases">
      <section class="entry" aria-labelledby="case-new-title">
        <h2 id="case-new-title">${t('cases.new')}</h2>
        ${formMarkup(reasons)}
        <p class="hint">${t('cases.keys')}</p>
      </section>
      <section class="case-lists" id="case-lists" tabindex="-1"></section>
    </div>
    <footer class="status">
      <p id="case-message" role="status" aria-live="polite"></p>
    </footer>
    <dialog id="case-detail" aria-labelledby="detail-title"></dialog>
    <dialog id="case-week" aria-labelledby="week-title"></dialog>
    <dialog id="case-confirm" aria-labelledby="case-confirm-text">
      <p id="case-confirm-text"></p>
      <div class="actions">
        <button type="button" id="case-confirm-no">${t('cases.confirmNo')}</button>
        <button type="button" id="case-confirm-yes" class="danger">${t('cases.confirmYes')}</button>
      </div>
    </dialog>`;
}

/** The year's counts, as the report names them. */
function countsMarkup(d) {
  return html`<h2 id="counts-title">${t('cases.counts', { year: d.year })}</h2>
    <ul class="counts">${countLines(d).map((l) => html`<li data-count="${l.key}"><span>${l.text}</span>
    <strong>${l.value}</strong></li>`)}</ul>`;
}

/**
 * A list of cases. `kind` is 'open' (days open, person, days since the last follow-up,
 * next step with overdue ones marked), 'archived' (closing date, person, outcome) or
 * 'fast' (bare).
 */
function tableMarkup(id, list, reasonLabel, kind) {
  if (list.length === 0) return html`<p>${t('cases.none')}</p>`;
  const closed = kind === 'archived';
  const person = kind !== 'fast';
  const rows = list.map((c) => {
    const name = c.personal?.person_name || t('cases.noName');
    const what = `${formatDate(c.opened_on)} ${reasonLabel(c.reason)}`;
    const p = progressCells(c);
    // the next step, its due day, and how long since the last follow-up, in one cell
    const progress = kind === 'open'
      ? html`<td class="next${p.overdue ? ' overdue' : ''}">${p.step}${p.due
        ? html` <span class="due">${p.overdue ? t('cases.weekOverdue', { date: p.due }) : t('cases.weekDue', { date: p.due })}</span>` : ''}
        <span class="since">${t('cases.sinceFollowUp', { days: p.days })}</span></td>`
      : '';
    return html`<tr>
      <td>${formatDate(c.opened_on)}</td>
      ${closed ? html`<td>${formatDate(c.closed_on)}</td>` : ''}
      ${kind === 'open' ? html`<td class="num">${formatNumber(c.days_open)}</td>` : ''}
      <td>${reasonLabel(c.reason)}</td>
      ${person ? html`<td class="${c.personal ? '' : 'muted'}">${name}</td>` : ''}
      ${progress}${closed ? html`<td>${outcomeLabel(c.outcome)}</td>` : ''}
      <td class="commands">
        ${person ? html`<button type="button" data-show="${c.id}" aria-label="${t('cases.show')} ${what}">${t('cases.show')}</button>` : ''}
        <button type="button" data-correct="${c.id}" aria-label="${t('cases.correct')} ${what}">${t('cases.correct')}</button>
        <button type="button" data-delete="${c.id}" class="danger-text" aria-label="${t('cases.delete')} ${what}">${t('cases.delete')}</button>
      </td></tr>`;
  });
  return html`<div class="table-wrap"><table id="${id}"><thead><tr>
    <th scope="col">${t('cases.col.opened')}</th>
    ${closed ? html`<th scope="col">${t('cases.col.closed')}</th>` : ''}
    ${kind === 'open' ? html`<th scope="col">${t('cases.col.days')}</th>` : ''}<th scope="col">${t('cases.col.reason')}</th>
    ${person ? html`<th scope="col">${t('cases.col.person')}</th>` : ''}
    ${kind === 'open' ? html`<th scope="col">${t('cases.col.nextStep')}</th>` : ''}
    ${closed ? html`<th scope="col">${t('cases.col.outcome')}</th>` : ''}
    <th scope="col">${t('cases.col.commands')}</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

export async function mount(root, { caseFrom } = {}) {
  const ctx = await ipc.openRegister();
  if (!root.isConnected) return;
  setLanguage(ctx.language);
  const reasons = ctx.codebook.lists.reason;
  const reasonLabel = (code) => entryLabel(reasons.find((e) => e.code === code)) || code;
  // fromAccess: the access of the register the case being opened comes from
  const state = { year: new Date().getFullYear(), data: null, editing: null, fromAccess: null };
  const $ = (sel) => find(sel, root);

  const say = (text, error = false) => sayIn($('#case-message'), text, error);
  const clearErrors = () => clearFieldErrors($('#case-form'));
  const showError = (field, text) => showFieldError(root, field, text);
  const focusField = (field) => focusInto($(`#f-${field}`));

  /** Shows what fits the type: a fast accompaniment has no personal file. */
  function typeChanged() {
    const caseType = choiceValue($('#f-case_type'));
    $('#case-file').hidden = caseType === 'fast';
    $('#case-save').textContent = saveLabel(caseType, Boolean(state.editing));
  }

  function resetForm() {
    state.editing = null;
    state.fromAccess = null;
    setChoice($('#f-case_type'), 'full');
    setChoice($('#f-reason'), '');
    $('#f-opened_on').value = formatDate(today());
    $('#f-closed_on').value = '';
    $('#w-closed_on').hidden = true;
    for (const f of FILE) $(`#f-${f}`).value = '';
    $('#case-correcting').hidden = true;
    $('#case-new-title').textContent = t('cases.new');
    $('#case-from').hidden = true;
    $('#case-fast').textContent = t('cases.fastKey');
    clearErrors();
    typeChanged();
  }

  function fill(c) {
    setChoice($('#f-case_type'), c.case_type);
    setChoice($('#f-reason'), c.reason);
    $('#f-opened_on').value = formatDate(c.opened_on);
    $('#f-closed_on').value = c.closed_on ? formatDate(c.closed_on) : '';
    for (const f of FILE) $(`#f-${f}`).value = c.personal?.[f] ?? '';
    clearErrors();
    typeChanged();
  }

  function collect() {
    clearErrors();
    const got = validateCase({
      caseType: choiceValue($('#f-case_type')),
      reason: choiceValue($('#f-reason')),
      openedOn: $('#f-opened_on').value,
      closedOn: $('#f-closed_on').value,
      personal: Object.fromEntries(FILE.map((f) => [f, $(`#f-${f}`).value])),
    }, { today: today(), editing: Boolean(state.editing), wasClosed: Boolean(state.editing?.closed) });
    if (got.errors) {
      for (const [f, text] of got.errors) showError(f, text);
      say(t('cases.fix'), true);
      focusField(got.errors[0][0]);
      return null;
    }
    return got.input;
  }

  async function failed(err) {
    const { field, text } = describeError(err);
    if (field && $(`#f-${field}`)) { showError(field, text); focusField(field); say(t('cases.fix'), true); } else say(text, true);
    if (isStale(err)) await refresh();
  }

  async function save() {
    const input = collect();
    if (!input) return;
    try {
      if (state.editing) {
        const c = await ipc.correctCase(state.editing.id, state.editing.revision, input);
        say(savedMessage(input, c.revision));
      } else {
        await ipc.openCase({ ...input, access_id: state.fromAccess });
        say(savedMessage(input));
      }
      resetForm();
      await refresh();
      focusField('reason');
    } catch (err) {
      await failed(err);
    }
  }

  function startCorrection(c) {
    state.editing = { id: c.id, revision: c.revision, closed: Boolean(c.closed_on) };
    fill(c);
    // a correction keeps a case open or closed: closing and reopening are their own steps
    $('#w-closed_on').hidden = !c.closed_on;
    const banner = $('#case-correcting');
    banner.textContent = correctionBanner(c);
    banner.hidden = false;
    $('#case-new-title').textContent = t('cases.editTitle');
    typeChanged();
    focusField('reason');
  }

  function draw() {
    const d = state.data;
    render($('#case-counts'), countsMarkup(d));
    render($('#case-lists'), html`
      <h2 id="open-title">${t('cases.open', { count: formatNumber(d.open.length) })}</h2>
      ${tableMarkup('cases-open', d.open, reasonLabel, 'open')}
      <h2>${t('cases.archived', { year: d.year, count: formatNumber(d.archived.length) })}</h2>
      ${tableMarkup('cases-archived', d.archived, reasonLabel, 'archived')}
      <h2>${t('cases.fastList', { year: d.year, count: formatNumber(d.fast.length) })}</h2>
      ${tableMarkup('cases-fast', d.fast, reasonLabel, 'fast')}`);
  }

  async function refresh() {
    state.data = await ipc.casesOverview(state.year);
    draw();
  }

  const byId = (id) => findCase(state.data, id);

  /** Asks `text`; on yes (`yes`: the button's words) runs `action`, then reloads. */
  function confirm(text, yes, action) {
    const dialog = $('#case-confirm');
    $('#case-confirm-text').textContent = text;
    const yesButton = $('#case-confirm-yes');
    const no = $('#case-confirm-no');
    yesButton.textContent = yes;
    const done = () => { yesButton.onclick = null; no.onclick = null; dialog.close(); };
    no.onclick = () => { done(); focusList(); };
    yesButton.onclick = async () => {
      done();
      try {
        await action();
      } catch (err) {
        await failed(err);
      }
      focusList();
    };
    dialog.showModal();
    no.focus();
  }

  function askDelete(c) {
    confirm(deleteQuestion(c, reasonLabel), t('cases.confirmYes'), async () => {
      await ipc.deleteCase(c.id, c.revision);
      if (state.editing?.id === c.id) resetForm();
      say(t('cases.deleted'));
      await refresh();
    });
  }

  function focusList() {
    ($('#case-lists button') ?? $('#case-lists')).focus();
  }

  function fast() {
    if (!state.editing) {
      setChoice($('#f-case_type'), 'fast');
      typeChanged();
    }
    focusField('reason');
  }

  async function changeYear() {
    const y = parseYear($('#case-year').value);
    if (y === null) { say(t('cases.err.year'), true); return; }
    state.year = y;
    say('');
    await refresh();
  }

  function newCase() {
    resetForm();
    focusField('reason');
  }

  function wire() {
    const form = $('#case-form');
    for (const fs of form.querySelectorAll('fieldset.choice')) {
      wireChoice(fs, {
        onPicked: () => {
          if (fs.dataset.field === 'case_type') { typeChanged(); focusField('reason'); } else $('#f-opened_on').focus();
        },
        onChange: () => {
          fs.removeAttribute('aria-invalid');
          $(`#e-${fs.dataset.field}`).textContent = '';
          if (fs.dataset.field === 'case_type') typeChanged();
        },
      });
    }
    form.addEventListener('submit', (e) => { e.preventDefault(); save(); });
    form.addEventListener('keydown', (e) => {
      const inText = e.target.matches('textarea');
      if (e.key === 'Enter' && !e.altKey && !e.target.matches('button') && (!inText || e.ctrlKey)) {
        e.preventDefault();
        save();
      }
    });
    $('#case-fast').addEventListener('click', fast);
    $('#case-clear').addEventListener('click', newCase);
    $('#case-year').addEventListener('change', changeYear);
    $('#case-year').addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); changeYear(); } });
    $('#case-lists').addEventListener('click', (e) => {
      const b = e.target.closest('button');
      if (!b) return;
      if (b.dataset.show) dialogs.show(b.dataset.show).catch(failed);
      if (b.dataset.correct) startCorrection(byId(b.dataset.correct));
      if (b.dataset.delete) askDelete(byId(b.dataset.delete));
    });
    $('#case-week-open').addEventListener('click', () => dialogs.showWeek().catch(failed));
    const commands = {
      cancelCorrection: newCase,
      new: newCase,
      fast,
      list: focusList,
      week: () => dialogs.showWeek().catch(failed),
      year: () => focusSelect($('#case-year')),
    };
    document.onkeydown = (e) => {
      const command = shortcut(e, {
        editing: Boolean(state.editing), dialogOpen: Boolean(document.querySelector('dialog[open]')),
      });
      if (command) { e.preventDefault(); commands[command](); }
    };
  }

  render(root, pageMarkup(ctx, state.year, reasons));
  const dialogs = caseDialogs($('#case-detail'), $('#case-week'), {
    reasonLabel,
    daysOpen: (id) => byId(id)?.days_open ?? 0,
    refresh,
    say,
    failed,
    confirm,
    correct: startCorrection,
    remove: askDelete,
    focusList,
  });
  document.title = `${t('cases.title')} · ${ctx.desk.name} · Sportello`;
  wire();
  resetForm();
  const from = caseFrom ? prefill(caseFrom, reasons) : null;
  if (from) {
    setChoice($('#f-case_type'), from.caseType);
    if (from.reason) setChoice($('#f-reason'), from.reason);
    if (from.openedOn) $('#f-opened_on').value = from.openedOn;
    $('#case-from').hidden = false;
    state.fromAccess = from.accessId;
    typeChanged();
  }
  await refresh();
  // From the register: a full case goes on with its personal file, a fast one is ready.
  if (!from || from.focus === 'reason') focusField('reason');
  else if (from.focus === 'save') $('#case-save').focus();
  else $('#f-person_name').focus();
}
