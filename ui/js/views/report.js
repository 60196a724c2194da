// The yearly report's page: the year and desk selectors, every table of the activity
// report that comes from data and, below them, the four charts of the desk chosen (or
// of every desk's sum) (exact: this is the coordinator's own screen); the CSV saved
// through the save dialog, published (small cells protected) or exact for internal use,
// the published XLSX workbook, or the published printable report as a PDF. What the
// tables hold and how figures read is report-model.js; this module draws it and calls
// the core. Above the tables, the "Completezza" box says per desk whether its figures
// have gaps (files not imported, opening days without records).

import * as ipc from '../ipc.js';
import { html, render } from '../html.js';
import { t, entryLabel, setLanguage } from '../i18n.js';
import { $ as find, say as sayIn } from '../dom.js';
import { errorText } from '../errors.js';
import { mountContext } from './report-context.js';
import {
  chartImages, completenessLines, csvFileName, defaultYear, desksOf, parseYear, publishedFileName,
  reportPage, shortcut, stepYear,
} from './report-model.js';
import { mountReportYear } from './report-texts.js';

/**
 * A command of the bar: its whole name (with its key) on a wide window, the short one
 * on a narrow or zoomed one, where the keys line below still names every key.
 */
function command(id, key, name, short, primary = false) {
  return html`<button type="button" id="${id}" class="${primary ? 'primary' : ''}"
    aria-label="${t(name)}" aria-keyshortcuts="Alt+${key}"><span class="long">${t(name)}</span><span
    class="short" aria-hidden="true">${t(short)}</span></button>`;
}

function pageMarkup(year) {
  return html`<header class="bar report-bar">
      <h1>${t('report.title')}</h1>
      <div class="report-year" role="group" aria-label="${t('report.year')}">
        ${command('report-prev', 'A', 'report.prevYear', 'report.prevShort')}
        <label for="report-year">${t('report.year')}</label>
        <input id="report-year" type="text" inputmode="numeric" size="5" value="${year}">
        ${command('report-next', 'S', 'report.nextYear', 'report.nextShort')}
      </div>
      <label class="report-desk"><span class="long">${t('report.desk')}</span><span
        class="short" aria-hidden="true">${t('report.deskShort')}</span>
        <select id="report-desk" aria-keyshortcuts="Alt+D"></select></label>
      <div class="actions">
        ${command('report-csv', 'C', 'report.saveCsv', 'report.saveCsvShort', true)}
        ${command('report-csv-exact', 'E', 'report.saveExactCsv', 'report.saveExactCsvShort')}
        ${command('report-xlsx', 'X', 'report.saveXlsx', 'report.saveXlsxShort')}
        ${command('report-pdf', 'P', 'report.savePdf', 'report.savePdfShort')}
      </div>
    </header>
    <p class="hint report-note">${t('report.exactNote')}</p>
    <p class="hint report-keys">${t('report.keys')}</p>
    <section id="report-completeness" class="report-completeness"
      aria-labelledby="report-completeness-title" hidden></section>
    <div id="report-tables" class="report-tables"></div>
    <section id="report-charts" class="report-charts" aria-labelledby="report-charts-title"
      aria-busy="false" hidden></section>
    <section id="report-context" class="report-context"></section>
    <div id="report-year-box"></div>
    <footer class="status">
      <p id="report-message" role="status" aria-live="polite"></p>
    </footer>`;
}

/** One table: a caption, column headers, row headers; its own horizontal scroll. */
function tableMarkup(tb) {
  const captionId = `${tb.id}-caption`;
  const words = new Set(tb.textCells ?? []);
  const cls = (i) => (words.has(i) ? '' : 'num');
  return html`<div class="table-wrap report-wrap" role="region" tabindex="0" aria-labelledby="${captionId}">
    <table id="${tb.id}" class="report-table">
      <caption id="${captionId}">${tb.caption}</caption>
      <thead><tr>${tb.columns.map((c, i) => html`<th scope="col" class="${i ? cls(i - 1) : ''}">${c}</th>`)}</tr></thead>
      <tbody>${tb.rows.map((r) => html`<tr class="${r.total ? 'total' : ''}">
        <th scope="row">${r.head}</th>${r.cells.map((c, i) => html`<td class="${cls(i)}">${c}</td>`)}</tr>`)}</tbody>
    </table>
    ${tb.note ? html`<p class="hint">${tb.note}</p>` : ''}
  </div>`;
}

/** The "Completezza" box: one line per desk, its first days without records below. */
function completenessMarkup(lines) {
  return html`<h2 id="report-completeness-title">${t('report.complete.title')}</h2>
    <p class="hint">${t('report.complete.hint')}</p>
    <ul>${lines.map((l) => html`<li class="${l.complete ? 'complete' : 'gaps'}" data-desk="${l.desk}">${l.text}${
    l.days ? html`<br><small>${t('report.complete.daysList', { days: l.days })}</small>` : ''}</li>`)}</ul>`;
}

/** The charts of a desk: a heading, then each chart as an image with its title. */
function chartsMarkup(title, images) {
  return html`<h2 id="report-charts-title">${title}</h2>
    <div class="chart-grid">${images.map((c) => html`<figure class="chart" data-kind="${c.kind}">
      <figcaption>${c.title}</figcaption>
      <img src="${c.src}" alt="${c.alt}" width="${c.width}" height="${c.height}">
    </figure>`)}</div>`;
}

export async function mount(root) {
  const ctx = await ipc.openRegister();
  const [years, presets] = await Promise.all([ipc.reportYears(), ipc.listDeskPresets()]);
  if (!root.isConnected) return;
  setLanguage(ctx.language);
  const lists = ctx.codebook.lists;
  const deskNames = new Map(presets.map((d) => [d.code, d.name]));
  const names = {
    desk: (code) => (deskNames.has(code) ? `${deskNames.get(code)} (${code})` : code),
    label: (list, code, italian) => entryLabel(lists[list]?.find((e) => e.code === code)) || italian,
  };
  const state = {
    year: defaultYear(years, new Date().getFullYear()), desk: null, tables: null, completeness: [],
    // which charts were asked for last: a slower, older answer is dropped
    chartsFor: '',
  };
  const $ = (sel) => find(sel, root);
  const say = (text, error = false) => sayIn($('#report-message'), text, error);

  render(root, pageMarkup(state.year));
  // the year's state and texts (report-texts.js), below the tables
  const yearBox = mountReportYear($('#report-year-box'), names);
  const context = mountContext($('#report-context'), { say, names });

  function fillDesks() {
    const desks = desksOf(state.tables);
    if (state.desk && !desks.includes(state.desk)) state.desk = null;
    const select = $('#report-desk');
    select.replaceChildren(new Option(t('report.allDesks'), ''),
      ...desks.map((d) => new Option(names.desk(d), d)));
    select.value = state.desk ?? '';
  }

  function draw() {
    const page = reportPage(state.tables, state.desk, names);
    const box = $('#report-tables');
    if (page.empty) render(box, html`<p class="empty">${page.empty}</p>`);
    else render(box, html`${page.tables.map(tableMarkup)}`);
    const lines = page.empty ? [] : completenessLines(state.completeness, state.desk, names);
    const check = $('#report-completeness');
    check.hidden = lines.length === 0;
    render(check, lines.length ? completenessMarkup(lines) : html``);
    say(t('report.shown', {
      year: state.year, desk: state.desk ? names.desk(state.desk) : t('report.allDesks'),
    }));
    drawCharts(page.empty !== null);
  }

  /** The charts of the year and desk shown, below the tables (none for an empty year). */
  async function drawCharts(empty) {
    const box = $('#report-charts');
    const { year, desk } = state;
    const asked = `${year}/${desk ?? ''}`;
    state.chartsFor = asked;
    if (empty) {
      box.hidden = true;
      return;
    }
    box.setAttribute('aria-busy', 'true');
    try {
      const charts = await ipc.reportCharts(year, desk);
      if (state.chartsFor !== asked || !root.isConnected) return;
      const title = t('report.charts.title', {
        year, desk: desk ? names.desk(desk) : t('report.allDesks'),
      });
      render(box, chartsMarkup(title, chartImages(charts)));
      box.hidden = false;
      box.setAttribute('aria-busy', 'false');
    } catch (err) {
      say(errorText(err, { area: 'report' }), true);
    }
  }

  /** Loads year `year`: every desk at once, so the desk selector filters instantly. */
  async function load(year) {
    state.year = year;
    $('#report-year').value = String(year);
    yearBox.show(year);
    say(t('report.loading', { year }));
    context.show(year);
    // the tables on the page are the previous year's until the answer comes
    $('#report-tables').setAttribute('aria-busy', 'true');
    try {
      const [tables, completeness] = await Promise.all([
        ipc.reportTables(year, null), ipc.reportCompleteness(year),
      ]);
      // a later choice of year wins over a slow answer for an earlier one
      if (state.year !== year || !root.isConnected) return;
      state.tables = tables;
      state.completeness = completeness;
      fillDesks();
      draw();
      $('#report-tables').setAttribute('aria-busy', 'false');
    } catch (err) {
      say(errorText(err), true);
    }
  }

  // What each save writes: the dialog that picks the file, the command, the message.
  const saves = {
    csv: {
      choose: (y, d) => ipc.chooseCsvPath(csvFileName(y, d, false)),
      write: (y, d, path) => ipc.saveReportCsv(y, d, false, path),
      saved: 'report.saved',
    },
    exactCsv: {
      choose: (y, d) => ipc.chooseCsvPath(csvFileName(y, d, true)),
      write: (y, d, path) => ipc.saveReportCsv(y, d, true, path),
      saved: 'report.savedExact',
    },
    xlsx: {
      choose: (y, d) => ipc.chooseXlsxPath(publishedFileName(y, d, 'xlsx')),
      write: (y, d, path) => ipc.saveReportXlsx(y, d, false, path),
      saved: 'report.savedXlsx',
    },
    pdf: {
      choose: (y, d) => ipc.chooseSavePath(publishedFileName(y, d, 'pdf')),
      write: (y, d, path) => ipc.saveReportPdf(y, d, false, path),
      saved: 'report.savedPdf',
      busy: 'report.savingPdf',
    },
  };

  /** Saves the report as `kind` (a key of `saves`) where the save dialog says. */
  async function save(kind) {
    if (!state.tables) return;
    const { year, desk } = state;
    const how = saves[kind];
    let path = null;
    try {
      path = await how.choose(year, desk);
      if (!path) {
        say(t('report.cancelled'));
        return;
      }
      if (how.busy) say(t(how.busy));
      const written = await how.write(year, desk, path);
      say(t(how.saved, { path: written }));
    } catch (err) {
      say(errorText(err, { area: 'report', file: path ?? '' }), true);
    }
  }

  const actions = {
    previousYear: () => load(stepYear(state.year, -1)),
    nextYear: () => load(stepYear(state.year, 1)),
    desk: () => $('#report-desk').focus(),
    saveCsv: () => save('csv'),
    saveExactCsv: () => save('exactCsv'),
    saveXlsx: () => save('xlsx'),
    savePdf: () => save('pdf'),
  };

  $('#report-prev').addEventListener('click', actions.previousYear);
  $('#report-next').addEventListener('click', actions.nextYear);
  $('#report-csv').addEventListener('click', actions.saveCsv);
  $('#report-csv-exact').addEventListener('click', actions.saveExactCsv);
  $('#report-xlsx').addEventListener('click', actions.saveXlsx);
  $('#report-pdf').addEventListener('click', actions.savePdf);
  $('#report-desk').addEventListener('change', (e) => {
    state.desk = e.target.value || null;
    if (state.tables) draw();
  });
  const yearInput = $('#report-year');
  const typedYear = () => {
    const y = parseYear(yearInput.value);
    if (y === null) say(t('report.err.year'), true);
    else if (y !== state.year) load(y);
  };
  yearInput.addEventListener('change', typedYear);
  yearInput.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') typedYear();
  });
  document.onkeydown = (e) => {
    const action = shortcut(e);
    if (!action) return;
    e.preventDefault();
    actions[action]();
  };

  await load(state.year);
  yearInput.focus();
}
