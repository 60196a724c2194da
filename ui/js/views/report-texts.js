// Below the report's tables: the year's state (closed or open, "Chiudi anno" /
// "Riapri anno", and the figures changed since those published) and the "Testi del
// rapporto" editor (activities, conventions and protocols, projects). Keyboard first:
// Alt+T goes to the first text, Ctrl+S saves the texts, the year's button asks once
// more before closing or reopening and Esc cancels. The words and checks are
// years-model.js; every rule is the core's.
//
// mountReportYear(root, names) returns `{show(year)}`; report.js calls it for the year
// on screen. Texts typed and not saved are kept per year while the view is open.

import * as ipc from '../ipc.js';
import { t } from '../i18n.js';
import { h, say as sayIn } from '../dom.js';
import { errorText } from '../errors.js';
import {
  SECTIONS, changedSections, countText, savedText, textProblem, yearState,
} from './years-model.js';

export function mountReportYear(root, names = {}) {
  // saved: the texts as stored, by section; stamps: when and by whom each was saved
  const view = { year: null, state: null, saved: {}, stamps: {}, pending: null };
  const drafts = new Map();

  const stateLine = h('p', { id: 'report-year-state' });
  const published = h('p', { class: 'hint' });
  const changed = h('ul', { class: 'report-year-changed' });
  const reason = h('input', { id: 'report-year-reason', type: 'text', maxlength: 500 });
  const reasonLabel = h('label', { hidden: true }, `${t('year.reopenReason')} `, reason);
  const actionBtn = h('button', { type: 'button', id: 'report-year-action' });
  const yearMsg = h('p', { id: 'report-year-message', role: 'status', 'aria-live': 'polite' });
  const areas = {};
  const counts = {};
  const stamps = {};
  const fields = SECTIONS.map((id) => {
    areas[id] = h('textarea', { id: `report-text-${id}`, rows: 6, 'aria-describedby': `report-count-${id}` });
    counts[id] = h('span', { id: `report-count-${id}` });
    stamps[id] = h('span', { class: 'stamp' });
    areas[id].addEventListener('input', () => edited(id));
    return h('div', { class: 'report-text' },
      h('label', { for: `report-text-${id}` }, t(`texts.section.${id}`)),
      areas[id],
      h('p', { class: 'hint' }, counts[id], ' ', stamps[id]));
  });
  const saveBtn = h('button', { type: 'button', id: 'report-texts-save', class: 'primary' }, t('texts.save'));
  const textMsg = h('p', { id: 'report-texts-message', role: 'status', 'aria-live': 'polite' });

  root.replaceChildren(
    h('section', { class: 'report-year-box', 'aria-labelledby': 'report-year-title' },
      h('h2', { id: 'report-year-title' }, t('year.title')),
      stateLine, published, changed,
      h('div', { class: 'actions' }, reasonLabel, actionBtn),
      yearMsg),
    h('section', { class: 'report-texts', 'aria-labelledby': 'report-texts-title' },
      h('h2', { id: 'report-texts-title' }, t('texts.title')),
      h('p', { class: 'hint' }, t('texts.hint')),
      ...fields,
      h('div', { class: 'actions' }, saveBtn),
      textMsg),
  );

  const current = () => Object.fromEntries(SECTIONS.map((id) => [id, areas[id].value]));
  const locked = () => Boolean(view.state?.closed);

  /** A text changed on screen: its count, and the draft kept for this year. */
  function edited(id) {
    counts[id].textContent = countText(areas[id].value);
    const dirty = changedSections(view.saved, current());
    stamps[id].textContent = dirty.includes(id) ? t('texts.unsaved') : (view.stamps[id] ?? '');
    if (dirty.length) drafts.set(view.year, current());
    else drafts.delete(view.year);
  }

  function drawState() {
    const s = yearState(view.state, { deskName: names.desk, label: names.label });
    stateLine.textContent = s.text;
    published.textContent = s.published ?? '';
    published.hidden = !s.published;
    changed.replaceChildren(...s.changed.map((c) => h('li', {}, c)));
    changed.hidden = s.changed.length === 0;
    view.pending = null;
    reasonLabel.hidden = true;
    actionBtn.hidden = s.action === null;
    actionBtn.dataset.action = s.action ?? '';
    actionBtn.textContent = s.action ? t(`year.${s.action}`, { year: view.year }) : '';
    for (const id of SECTIONS) areas[id].readOnly = locked();
    saveBtn.disabled = locked();
    sayIn(textMsg, locked() ? t('texts.locked', { year: view.year }) : '');
  }

  function drawTexts(sections) {
    view.saved = Object.fromEntries(sections.map((s) => [s.id, s.text]));
    view.stamps = Object.fromEntries(sections.map((s) => [s.id, savedText(s)]));
    const draft = drafts.get(view.year);
    for (const s of sections) areas[s.id].value = draft?.[s.id] ?? s.text;
    for (const s of sections) edited(s.id);
  }

  /** Shows `year`: its state and its texts (a later call wins over a slow answer). */
  async function show(year) {
    view.year = year;
    sayIn(yearMsg, '');
    try {
      const [state, sections] = await Promise.all([ipc.reportYearState(year), ipc.reportTexts(year)]);
      if (view.year !== year || !root.isConnected) return;
      view.state = state;
      drawState();
      drawTexts(sections);
    } catch (err) {
      if (view.year === year) sayIn(yearMsg, errorText(err, { area: 'report' }), true);
    }
  }

  /** Saves every text changed on screen, one section after the other. */
  async function save() {
    if (locked()) return;
    const year = view.year;
    const texts = current();
    const dirty = changedSections(view.saved, texts);
    if (dirty.length === 0) {
      sayIn(textMsg, t('texts.nothing'));
      return;
    }
    const problem = dirty.map((id) => textProblem(id, texts[id])).find(Boolean);
    if (problem) {
      sayIn(textMsg, problem, true);
      return;
    }
    sayIn(textMsg, t('texts.saving'));
    try {
      for (const id of dirty) {
        const s = await ipc.saveReportText(year, id, texts[id]);
        if (view.year !== year) continue;
        view.saved[id] = s.text;
        view.stamps[id] = savedText(s);
        edited(id);
      }
      drafts.delete(year);
      sayIn(textMsg, t('texts.saved', { year }));
    } catch (err) {
      sayIn(textMsg, errorText(err, { area: 'report' }), true);
    }
  }

  /** The year's button: a first press asks, the second closes or reopens. */
  async function yearAction() {
    const action = actionBtn.dataset.action;
    const year = view.year;
    if (!action) return;
    if (action === 'close' && changedSections(view.saved, current()).length) {
      // a closed year's texts cannot be saved any more: save them first
      sayIn(yearMsg, t('year.saveTextsFirst'), true);
      return;
    }
    if (view.pending !== action) {
      view.pending = action;
      actionBtn.textContent = t(`year.${action}Confirm`, { year });
      reasonLabel.hidden = action !== 'reopen';
      sayIn(yearMsg, t(`year.${action}Ask`, { year }));
      return;
    }
    try {
      view.state = action === 'close'
        ? await ipc.closeReportYear(year)
        : await ipc.reopenReportYear(year, reason.value);
      reason.value = '';
      drawState();
      sayIn(yearMsg, t(action === 'close' ? 'year.closedDone' : 'year.reopenedDone', { year }));
    } catch (err) {
      drawState();
      sayIn(yearMsg, errorText(err, { area: 'report' }), true);
    }
  }

  function cancel() {
    if (!view.pending || !view.state) return;
    drawState();
    sayIn(yearMsg, t('year.cancelled'));
    actionBtn.focus();
  }

  saveBtn.addEventListener('click', save);
  actionBtn.addEventListener('click', yearAction);
  root.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && view.pending) {
      e.preventDefault();
      cancel();
    } else if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 's') {
      e.preventDefault();
      save();
    }
  });
  // Alt+T from anywhere in the report view; the listener leaves with the view.
  const onKey = (e) => {
    if (!root.isConnected) {
      document.removeEventListener('keydown', onKey);
      return;
    }
    if (e.altKey && !e.ctrlKey && !e.metaKey && e.key.toLowerCase() === 't') {
      e.preventDefault();
      areas[SECTIONS[0]].focus();
    }
  };
  document.addEventListener('keydown', onKey);

  return { show };
}
