// A case shown whole, in its dialog: the personal file, the copies of documents
// (attached from files, opened with the system's viewer, removed), the services
// involved, the
// follow-up log and its form (what was done, when, with whom, the next step and its
// due day), closing with
// the outcome and a note, reopening, and the erasure of the personal file on the
// person's request. Also the "to do this week" dialog across the open cases. The
// decisions are in case-detail-model.js; cases.js owns the page and passes in what
// the dialog needs (refresh, say, confirm, correct, delete).

import * as ipc from '../ipc.js';
import { html, render } from '../html.js';
import { t, formatNumber } from '../i18n.js';
import { today, formatDate } from '../dates.js';
import { clearFieldErrors, focusInto, showFieldError } from '../dom.js';
import { choiceMarkup, choiceValue, wireChoice } from '../widgets/choice.js';
import { describeError } from '../errors.js';
import { FILE } from './cases-model.js';
import { noticeCommand, noticeLanguages, noticeMarkup } from './case-notice.js';
import {
  DOCUMENT_KINDS, documentLine, OUTCOMES, dueLine, eraseQuestion, erasureNote, outcomeLabel, serviceLabel, serviceOptions, validateClosing,
  validateFollowUp, validateService,
} from './case-detail-model.js';

function followUpMarkup(f) {
  const step = f.next_step
    ? html`<p class="next-step">${f.due_on ? t('cases.fu.nextDue', { step: f.next_step, date: formatDate(f.due_on) })
      : t('cases.fu.next', { step: f.next_step })}</p>` : '';
  return html`<li>
    <span class="muted">${formatDate(f.done_on)}${f.with_whom ? ` · ${f.with_whom}` : ''}${f.operator ? ` · ${f.operator}` : ''}</span>
    <p>${f.body}</p>${step}</li>`;
}

const field = (id, label, input) => html`<div class="field${id === 'what' ? ' grow' : ''}">
  <label for="f-${id}">${label}</label>${input}<p class="field-error" id="e-${id}"></p></div>`;

function followUpForm() {
  return html`<form id="follow-up-form" novalidate>
    <div class="row">
      ${field('done_on', t('cases.fu.done_on'), html`<input id="f-done_on" type="text" inputmode="numeric" size="10"
        value="${formatDate(today())}" aria-describedby="e-done_on">`)}
      ${field('with_whom', t('cases.fu.with_whom'), html`<input id="f-with_whom" type="text" maxlength="200">`)}
    </div>
    ${field('what', t('cases.fu.what'), html`<textarea id="f-what" rows="2" aria-describedby="e-what"></textarea>`)}
    <div class="row">
      ${field('next_step', t('cases.fu.next_step'), html`<input id="f-next_step" type="text" maxlength="400"
        aria-describedby="e-next_step">`)}
      ${field('due_on', t('cases.fu.due_on'), html`<input id="f-due_on" type="text" inputmode="numeric" size="10"
        placeholder="gg/mm/aaaa" aria-describedby="e-due_on">`)}
    </div>
    <div class="actions"><button type="submit" class="primary">${t('cases.fu.add')}</button></div>
  </form>`;
}

function closeForm() {
  return html`<form id="close-form" novalidate>
    <h3>${t('cases.closeTitle')}</h3>
    <div class="row">
      ${field('close', t('cases.closeOn'), html`<input id="f-close" type="text" inputmode="numeric" size="10"
        value="${formatDate(today())}" aria-describedby="e-close">`)}
    </div>
    ${choiceMarkup({ field: 'outcome', legend: t('cases.outcome'), options: OUTCOMES.map((o) => ({ value: o, label: outcomeLabel(o) })) })}
    ${field('close_note', t('cases.closeNote'), html`<textarea id="f-close_note" rows="2"></textarea>`)}
    <div class="actions"><button type="submit">${t('cases.closeDo')}</button></div>
  </form>`;
}

/** The copies attached to a case, and the form to attach more. */
function documentsMarkup(docs) {
  const lines = docs.map(documentLine);
  return html`<h3>${t('cases.documentsTitle')}</h3>
    ${lines.length === 0 ? html`<p>${t('cases.noDocuments')}</p>` : html`<ul class="case-documents">${lines.map((d) => html`<li>
      <strong>${d.name}</strong> · ${d.kind} · ${d.date} · ${d.size}
      <button type="button" data-open-doc="${d.id}" aria-label="${t('cases.docOpen')} ${d.name}">${t('cases.docOpen')}</button>
      <button type="button" class="danger-text" data-remove-doc="${d.id}"
        aria-label="${t('cases.serviceWithdraw')} ${d.name}">${t('cases.serviceWithdraw')}</button></li>`)}</ul>`}
    <form id="document-form" novalidate><div class="row">
      ${field('doc_kind', t('cases.docKind'), html`<select id="f-doc_kind" aria-describedby="e-doc_kind">
        ${DOCUMENT_KINDS.map((k) => html`<option value="${k}">${t(`cases.doc.${k}`)}</option>`)}</select>`)}
      <div class="actions"><button type="submit" id="doc-attach">${t('cases.docAttach')}</button></div></div>
      <p class="hint">${t('cases.docHint')}</p></form>`;
}

/** The services involved in a case, and the form to involve one more. */
function servicesMarkup(kinds, involved) {
  const options = serviceOptions(kinds, involved);
  return html`<h3>${t('cases.services')}</h3>
    ${involved.length === 0 ? html`<p>${t('cases.noServices')}</p>` : html`<ul class="case-services">${involved.map((i) => html`<li>
      ${serviceLabel(kinds, i.service)} · ${t('cases.serviceSince', { date: formatDate(i.involved_on) })}
      <button type="button" class="danger-text" data-withdraw="${i.service}"
        aria-label="${t('cases.serviceWithdraw')} ${serviceLabel(kinds, i.service)}">${t('cases.serviceWithdraw')}</button></li>`)}</ul>`}
    ${options.length === 0 ? '' : html`<form id="service-form" novalidate><div class="row">
      ${field('service', t('cases.service'), html`<select id="f-service" aria-describedby="e-service">
        <option value="">—</option>${options.map((o) => html`<option value="${o.value}">${o.label}</option>`)}</select>`)}
      ${field('involved_on', t('cases.serviceOn'), html`<input id="f-involved_on" type="text" inputmode="numeric" size="10"
        value="${formatDate(today())}" aria-describedby="e-involved_on">`)}
      <div class="actions"><button type="submit">${t('cases.serviceAdd')}</button></div></div></form>`}`;
}

/** Whether case `c` holds anything "Cancella i dati personali" would erase. */
const hasPersonalData = (c, followUps, docs) => Boolean(c.personal || c.closing_note || followUps.length || docs.length);

/** The dialog's content for case `c` with its services and follow-ups. */
function detailMarkup(c, { followUps, kinds, involved, docs, langs, given }, days, reasonLabel) {
  const p = c.personal ?? {};
  const erased = erasureNote(c);
  return html`<h2 id="detail-title">${t('cases.detail', { date: formatDate(c.opened_on), reason: reasonLabel(c.reason) })}</h2>
    <p class="muted">${t('cases.detailDays', { days: formatNumber(days), revision: c.revision })}</p>
    <p class="privacy">${t('cases.privacy')}</p>
    ${erased ? html`<p class="erased">${erased}</p>` : ''}
    <dl class="case-file-view">
      ${FILE.map((f) => html`<dt>${t(`cases.${f}`)}</dt><dd>${p[f] || '—'}</dd>`)}
    </dl>
    ${c.closed_on ? html`<p class="closed-as">${t('cases.closedOutcome', { date: formatDate(c.closed_on), outcome: outcomeLabel(c.outcome) })}</p>
      ${c.closing_note ? html`<p>${c.closing_note}</p>` : ''}` : ''}
    ${noticeMarkup(langs, given)}
    ${documentsMarkup(docs)}
    ${servicesMarkup(kinds, involved)}
    <h3>${t('cases.notes')}</h3>
    ${followUps.length === 0 ? html`<p>${t('cases.noNotes')}</p>`
    : html`<ol class="case-notes">${followUps.map(followUpMarkup)}</ol>`}
    ${followUpForm()}
    ${c.closed_on ? '' : closeForm()}
    <div class="actions">
      ${c.closed_on ? html`<button type="button" id="detail-reopen">${t('cases.reopen')}</button>` : ''}
      <button type="button" id="detail-print">${t('cases.printFile')}</button>
      <button type="button" id="detail-correct">${t('cases.correct')}</button>
      ${hasPersonalData(c, followUps, docs) ? html`<button type="button" id="detail-erase" class="danger-text">${t('cases.erase')}</button>` : ''}
      <button type="button" id="detail-delete" class="danger-text">${t('cases.delete')}</button>
      <button type="button" id="detail-close">${t('cases.closeBack')}</button>
    </div>`;
}

/** The "to do this week" dialog's content. */
function weekMarkup(due) {
  const lines = due.map(dueLine);
  return html`<h2 id="week-title">${t('cases.week')}</h2>
    ${lines.length === 0 ? html`<p>${t('cases.weekNone')}</p>` : html`<ol class="week">${lines.map((l) => html`<li>
      <button type="button" data-show="${l.caseId}">${l.who}</button>
      <span class="${l.overdue ? 'overdue' : ''}">${l.overdue ? t('cases.weekOverdue', { date: l.due })
      : t('cases.weekDue', { date: l.due })}</span> · ${l.step}</li>`)}</ol>`}
    <div class="actions"><button type="button" id="week-close">${t('cases.closeBack')}</button></div>`;
}

/**
 * The detail and week dialogs of the page. `page` gives: `reasonLabel(code)`,
 * `daysOpen(id)`, `refresh()`, `say(text, error)`, `failed(err)`, `confirm(text, yes,
 * action)`, `correct(case)`, `remove(case)`, `focusList()`.
 */
export function caseDialogs(detail, week, page) {
  let shown = null;
  let kinds = null;

  async function show(id, focus = '#f-what') {
    kinds ??= await ipc.caseServiceKinds();
    const c = await ipc.getCase(id);
    const followUps = await ipc.caseNotes(id);
    const involved = await ipc.caseServices(id);
    const docs = await ipc.caseDocuments(id);
    const langs = await noticeLanguages();
    const given = await ipc.caseNotices(id);
    shown = { ...c, notes: followUps.length };
    render(detail, detailMarkup(c, { followUps, kinds, involved, docs, langs, given }, page.daysOpen(id), page.reasonLabel));
    const outcome = detail.querySelector('#f-outcome');
    if (outcome) {
      wireChoice(outcome, {
        onPicked: () => detail.querySelector('#f-close_note').focus(),
        onChange: () => { outcome.removeAttribute('aria-invalid'); detail.querySelector('#e-outcome').textContent = ''; },
      });
    }
    if (week.open) week.close();
    if (!detail.open) detail.showModal();
    (detail.querySelector(focus) ?? detail.querySelector('#f-what')).focus();
  }

  async function involve() {
    const form = detail.querySelector('#service-form');
    clearFieldErrors(form);
    const got = validateService({
      service: detail.querySelector('#f-service').value, involvedOn: detail.querySelector('#f-involved_on').value,
    }, { today: today(), openedOn: shown.opened_on });
    if (got.errors) { showErrors(form, got.errors); return; }
    try {
      await ipc.involveCaseService(shown.id, got.service, got.involvedOn);
      page.say(t('cases.serviceSaved'));
      await show(shown.id, '#f-service');
    } catch (err) {
      showErrors(form, [['service', describeError(err).text]]);
    }
  }

  async function attachDocuments() {
    const form = detail.querySelector('#document-form');
    clearFieldErrors(form);
    const kind = detail.querySelector('#f-doc_kind').value;
    const picked = await ipc.pickDocuments(t('cases.docAttach'));
    if (!picked || picked.length === 0) return;
    try {
      const added = await ipc.attachCaseDocuments(shown.id, Array.isArray(picked) ? picked : [picked], kind);
      page.say(t('cases.docAttached', { count: formatNumber(added.length) }));
      await show(shown.id, '#doc-attach');
    } catch (err) {
      showErrors(form, [['doc_kind', describeError(err).text]]);
    }
  }

  async function documentCommand(open, id) {
    try {
      if (open) await ipc.openCaseDocument(id);
      else {
        await ipc.removeCaseDocument(id);
        await show(shown.id, '#doc-attach');
      }
    } catch (err) {
      detail.close();
      await page.failed(err);
    }
  }

  async function printFile() {
    try {
      if (await ipc.printCaseFile(shown.id) === 'done') page.say(t('cases.filePrinted'));
    } catch (err) {
      page.say(describeError(err, { area: 'appointments' }).text, true);
    }
  }

  const noticePage = { say: page.say, reload: () => show(shown.id, '#notice-given') };

  async function withdraw(service) {
    try {
      await ipc.withdrawCaseService(shown.id, service);
      await show(shown.id, '#f-service');
    } catch (err) {
      detail.close();
      await page.failed(err);
    }
  }

  function showErrors(form, errors) {
    for (const [f, text] of errors) showFieldError(detail, f, text);
    const first = detail.querySelector(`#f-${errors[0][0]}`);
    if (first) focusInto(first);
    return form;
  }

  async function addFollowUp() {
    const form = detail.querySelector('#follow-up-form');
    clearFieldErrors(form);
    const v = (id) => detail.querySelector(`#f-${id}`).value;
    const got = validateFollowUp({
      doneOn: v('done_on'), what: v('what'), withWhom: v('with_whom'), nextStep: v('next_step'), dueOn: v('due_on'),
    }, { today: today(), openedOn: shown.opened_on });
    if (got.errors) { showErrors(form, got.errors); return; }
    try {
      await ipc.addCaseFollowUp(shown.id, got.input);
      page.say(t('cases.fu.saved'));
      await page.refresh();
      await show(shown.id);
    } catch (err) {
      const { field: f, text } = describeError(err);
      showErrors(form, [[f && detail.querySelector(`#f-${f}`) ? f : 'what', text]]);
    }
  }

  async function closeShown() {
    const form = detail.querySelector('#close-form');
    clearFieldErrors(form);
    const v = (id) => detail.querySelector(`#f-${id}`).value;
    const outcome = choiceValue(detail.querySelector('#f-outcome'));
    const got = validateClosing({ closedOn: v('close'), outcome, note: v('close_note') },
      { today: today(), openedOn: shown.opened_on });
    if (got.errors) { showErrors(form, got.errors); return; }
    try {
      await ipc.closeCase(shown.id, shown.revision, got.closing);
      detail.close();
      page.say(t('cases.closedDone', { date: formatDate(got.closing.closed_on) }));
      await page.refresh();
      page.focusList();
    } catch (err) {
      detail.close();
      await page.failed(err);
    }
  }

  async function reopen() {
    try {
      const c = await ipc.reopenCase(shown.id, shown.revision);
      page.say(t('cases.reopened', { revision: c.revision }));
      await page.refresh();
      await show(c.id);
    } catch (err) {
      detail.close();
      await page.failed(err);
    }
  }

  function erase() {
    const c = shown;
    detail.close();
    page.confirm(eraseQuestion(c), t('cases.confirmEraseYes'), async () => {
      await ipc.eraseCasePersonalData(c.id);
      page.say(t('cases.erased'));
      await page.refresh();
    });
  }

  async function showWeek() {
    render(week, weekMarkup(await ipc.casesDueThisWeek()));
    if (!week.open) week.showModal();
    (week.querySelector('[data-show]') ?? week.querySelector('#week-close')).focus();
  }

  detail.addEventListener('submit', (e) => {
    e.preventDefault();
    if (e.target.id === 'follow-up-form') addFollowUp();
    if (e.target.id === 'service-form') involve();
    if (e.target.id === 'document-form') attachDocuments();
    if (e.target.id === 'notice-form') noticeCommand(e.target, detail, shown, noticePage);
    if (e.target.id === 'close-form') closeShown();
  });
  detail.addEventListener('keydown', (e) => {
    if (e.key !== 'Enter' || e.target.matches('button')) return;
    // Ctrl+Enter saves from anywhere in a form; Enter alone outside a text area
    if (!e.ctrlKey && e.target.matches('textarea')) return;
    if (e.target.closest('#follow-up-form')) { e.preventDefault(); addFollowUp(); }
    if (e.target.closest('#service-form')) { e.preventDefault(); involve(); }
    if (e.target.closest('#close-form')) { e.preventDefault(); closeShown(); }
  });
  detail.addEventListener('click', (e) => {
    const id = e.target.id;
    if (id === 'detail-close') { detail.close(); page.focusList(); }
    if (id === 'detail-correct') { detail.close(); page.correct(shown); }
    if (id === 'detail-delete') { detail.close(); page.remove(shown); }
    if (id === 'detail-reopen') reopen();
    if (id === 'detail-erase') erase();
    if (id === 'detail-print') printFile();
    if (e.target.dataset.withdraw) withdraw(e.target.dataset.withdraw);
    if (id === 'notice-print' || id === 'notice-pdf') noticeCommand(e.target, detail, shown, noticePage);
    if (e.target.dataset.openDoc) documentCommand(true, e.target.dataset.openDoc);
    if (e.target.dataset.removeDoc) documentCommand(false, e.target.dataset.removeDoc);
  });
  week.addEventListener('click', (e) => {
    const b = e.target.closest('button');
    if (!b) return;
    if (b.dataset.show) show(b.dataset.show).catch(page.failed);
    if (b.id === 'week-close') { week.close(); page.focusList(); }
  });

  return { show, showWeek, shown: () => shown };
}
