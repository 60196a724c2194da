// The privacy notice of a case, in its detail: the notices given so far (day,
// language), and the form to print the notice or save it as a PDF (Italian plus the
// language chosen) and to record it as given today. The notice names no person, so a
// saved PDF holds nothing personal. case-detail.js mounts it.

import * as ipc from '../ipc.js';
import { html } from '../html.js';
import { t } from '../i18n.js';
import { today, formatDate } from '../dates.js';
import { describeError } from '../errors.js';

let languages = null;

/** The languages the notice is printed in (the slips'), read once. */
export async function noticeLanguages() {
  languages ??= await ipc.listSlipLanguages();
  return languages;
}

const languageName = (langs, code) => {
  const l = langs.find((x) => x.code === code);
  return l ? `${l.name_it} (${l.name})` : code;
};

/** The notice's part of the detail: what was given, and the form. */
export function noticeMarkup(langs, given) {
  return html`<h3>${t('cases.notice')}</h3>
    ${given.length === 0 ? html`<p class="muted">${t('cases.noticeNone')}</p>` : html`<ul class="case-notices">${given.map((n) => html`<li>
      ${t('cases.noticeGiven', { date: formatDate(n.given_on), language: languageName(langs, n.language) })}</li>`)}</ul>`}
    <form id="notice-form" novalidate><div class="row">
      <div class="field"><label for="f-notice_language">${t('cases.noticeLanguage')}</label>
        <select id="f-notice_language" aria-describedby="e-notice_language">${langs.map((l) => html`<option value="${l.code}"
          >${l.code === 'it' ? l.name_it : t('cases.noticeWith', { language: l.name_it })}</option>`)}</select>
        <p class="field-error" id="e-notice_language" role="alert"></p></div>
      <div class="actions">
        <button type="button" id="notice-print">${t('cases.noticePrint')}</button>
        <button type="button" id="notice-pdf">${t('cases.noticePdf')}</button>
        <button type="submit" id="notice-given">${t('cases.noticeRecord')}</button>
      </div></div></form>`;
}

/**
 * Handles a click or submit of the notice's form in `detail` for case `c`; `page`
 * gives `say(text, error)` and `reload()`. Returns whether the event was the notice's.
 */
export async function noticeCommand(target, detail, c, page) {
  const language = detail.querySelector('#f-notice_language')?.value;
  const error = detail.querySelector('#e-notice_language');
  const fail = (err) => { error.textContent = describeError(err, { area: 'appointments' }).text; };
  if (!language) return false;
  error.textContent = '';
  if (target.id === 'notice-print') {
    try {
      const done = await ipc.printCaseNotice(language, today());
      if (done === 'done') page.say(t('cases.noticePrinted'));
    } catch (err) { fail(err); }
    return true;
  }
  if (target.id === 'notice-pdf') {
    try {
      const path = await ipc.chooseSavePath(await ipc.suggestedNoticePath(language));
      if (!path) return true;
      const written = await ipc.saveCaseNoticePdf(language, today(), path);
      page.say(t('appt.msg.pdfSaved', { path: written }));
    } catch (err) { fail(err); }
    return true;
  }
  if (target.id === 'notice-form') {
    try {
      await ipc.recordCaseNotice(c.id, { given_on: today(), language });
      page.say(t('cases.noticeRecorded'));
      await page.reload();
    } catch (err) { fail(err); }
    return true;
  }
  return false;
}
