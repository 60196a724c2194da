// The "Contesto" section of the report view: the ISTAT residents and foreign residents
// of the zone's municipalities with the share of foreigners, the largest nationalities
// of the desks' municipalities, and "Carica dati ISTAT…" (Alt+I) to load the year from
// ISTAT's files chosen in the open dialog. What the section shows is
// report-context-model.js; this module draws it and calls the core. The report view
// gives it an element and the year, and nothing else.

import * as ipc from '../ipc.js';
import { html, render } from '../html.js';
import { t } from '../i18n.js';
import { errorText } from '../errors.js';
import { contextSection, contextShortcut, loadedText } from './report-context-model.js';

function tableMarkup(tb) {
  const captionId = `${tb.id}-caption`;
  return html`<div class="table-wrap report-wrap" role="region" tabindex="0" aria-labelledby="${captionId}">
    <table id="${tb.id}" class="report-table">
      <caption id="${captionId}">${tb.caption}</caption>
      <thead><tr>${tb.columns.map((c, i) => html`<th scope="col" class="${i ? 'num' : ''}">${c}</th>`)}</tr></thead>
      <tbody>${tb.rows.map((r) => html`<tr class="${r.total ? 'total' : ''}">
        <th scope="row">${r.head}</th>${r.cells.map((c) => html`<td class="num">${c}</td>`)}</tr>`)}</tbody>
    </table>
    ${tb.note ? html`<p class="hint">${tb.note}</p>` : ''}
  </div>`;
}

/**
 * Mounts the section in `section`. `say(text, error)` writes the view's status line;
 * `names.desk(code)` names a desk. Returns `{show(year)}`: the view calls it whenever
 * its year changes. Alt+I works while the section is on the page.
 */
export function mountContext(section, { say, names = {} }) {
  let year = null;
  render(section, html`<h2 id="report-context-title">${t('ctx.title')}</h2>
    <p class="hint">${t('ctx.hint')}</p>
    <div class="actions">
      <button type="button" id="report-context-load">${t('ctx.load')}</button>
    </div>
    <p id="report-context-source" class="hint"></p>
    <div id="report-context-tables"></div>`);
  section.setAttribute('aria-labelledby', 'report-context-title');
  const $ = (sel) => section.querySelector(sel);

  async function show(y) {
    year = y;
    const box = $('#report-context-tables');
    box.setAttribute('aria-busy', 'true');
    try {
      const context = await ipc.reportContext(y);
      // a later year wins over a slow answer for an earlier one
      if (year !== y || !section.isConnected) return;
      const page = contextSection(context, y, names);
      $('#report-context-source').textContent = page.source;
      if (page.empty) render(box, html`<p class="empty">${page.empty}</p>`);
      else render(box, html`${page.tables.map(tableMarkup)}`);
      box.setAttribute('aria-busy', 'false');
    } catch (err) {
      say(errorText(err, { area: 'context' }), true);
    }
  }

  async function loadIstat() {
    if (year === null) return;
    const y = year;
    try {
      const picked = await ipc.pickIstatFiles(t('ctx.pickTitle', { year: y }));
      const paths = picked === null ? [] : [picked].flat();
      if (paths.length === 0) {
        say(t('ctx.cancelled'));
        return;
      }
      say(t('ctx.loading', { year: y }));
      const loaded = await ipc.loadContext(y, paths);
      say(loadedText(loaded));
      await show(y);
    } catch (err) {
      say(errorText(err, { area: 'context' }), true);
    }
  }

  $('#report-context-load').addEventListener('click', loadIstat);
  const onKey = (e) => {
    if (!section.isConnected) {
      document.removeEventListener('keydown', onKey);
      return;
    }
    if (contextShortcut(e) !== 'loadIstat') return;
    e.preventDefault();
    loadIstat();
  };
  document.addEventListener('keydown', onKey);
  return { show };
}
