// The report view's model: the year it opens on, the keys, and the tables as the page
// shows them (formatting per language, which desks, empty states).
import test from 'node:test';
import assert from 'node:assert/strict';
import { setLanguage } from '../js/i18n.js';
import {
  chartImages, completenessLines, csvFileName, defaultYear, desksOf, parseYear, publishedFileName,
  reportPage, shortcut, stepYear,
} from '../js/views/report-model.js';

const share = (code, label, count, percent) => ({ code, label, count, percent });
const months = (desk, front, phone) => ({
  desk,
  months: Array.from({ length: 12 }, (_, i) => ({
    month: i + 1, label: '', front_desk: front, phone_mail: phone, total: front + phone,
  })),
});
const typology = (desk, accesses) => ({
  desk,
  accesses,
  first_accesses: share('first_access', 'Primi accessi', 1200, 12.4),
  italians: share('IT', 'Italia', 30, 0.3),
  prevalent_age_band: share('30-39', '30-39 anni', 3000, 31.1),
  prevalent_sex: share('maschio', 'Maschio', 5000, 51.8),
  top_reasons: [share('lavoro', 'Lavoro', 2000, 20.7)],
  top_nationalities: [share('MA', 'Marocco', 1500, 15.5), share('SN', 'Senegal', 900, 9.3)],
});
const age = (desk) => ({
  desk,
  age_bands: [{ code: '18-29', label: '18-29' }, { code: '30-39', label: '30-39' }],
  sexes: [{ code: 'femmina', label: 'Femmina' }, { code: 'maschio', label: 'Maschio' }],
  counts: [[1, 2], [3, 4]],
});
const acc = (front_desk, phone_mail) => ({ front_desk, phone_mail, total: front_desk + phone_mail });

/** Two desks and their sum, like the 2023 demo. */
const TABLES = {
  year: 2023,
  desk: null,
  accesses: [
    { desk: 'FOL', accesses: acc(976, 451) },
    { desk: 'GRO', accesses: acc(4603, 5054) },
    { desk: 'ALL', accesses: acc(5579, 5505) },
  ],
  typology: [typology('FOL', 1427), typology('GRO', 9657), typology('ALL', 11084)],
  cases: ['FOL', 'GRO', 'ALL'].map((desk) => ({
    desk, cases: { total: 17, carried_in: 6, archived: 15, carried_out: 2, fast: 65 },
  })),
  months: [months('FOL', 80, 40), months('GRO', 400, 420), months('ALL', 480, 460)],
  comparison: [{
    desk: 'GRO', previous: acc(4000, 5000), current: acc(4603, 5054),
    difference: acc(603, 54), percent: 7.3,
  }],
  age_by_sex: [age('FOL'), age('GRO'), age('ALL')],
};

const byId = (page, id) => page.tables.find((tb) => tb.id === id);

test('the view opens on the last year with accesses, else the current one', () => {
  assert.equal(defaultYear({ first: 2021, last: 2023 }, 2026), 2023);
  assert.equal(defaultYear(null, 2026), 2026, 'an empty register');
});

test('the year keys move one year and stay within the limits', () => {
  assert.equal(stepYear(2023, -1), 2022);
  assert.equal(stepYear(2023, 1), 2024);
  assert.equal(stepYear(2000, -1), 2000, 'no year before the first the register accepts');
  assert.equal(parseYear(' 2023 '), 2023);
  assert.equal(parseYear('23x'), null);
  const key = (k, extra = {}) => shortcut({ key: k, altKey: true, ctrlKey: false, metaKey: false, ...extra });
  assert.equal(key('a'), 'previousYear');
  assert.equal(key('S'), 'nextYear', 'with Caps Lock too');
  assert.equal(key('d'), 'desk');
  assert.equal(key('c'), 'saveCsv');
  assert.equal(key('e'), 'saveExactCsv');
  assert.equal(key('X'), 'saveXlsx');
  assert.equal(key('p'), 'savePdf');
  assert.equal(publishedFileName(2023, null, 'xlsx'), 'rapporto-2023.xlsx');
  assert.equal(publishedFileName(2023, 'FOL', 'xlsx'), 'rapporto-2023-FOL.xlsx');
  assert.equal(publishedFileName(2023, 'FOL', 'pdf'), 'rapporto-2023-FOL.pdf');
  assert.equal(key('a', { ctrlKey: true }), null);
  assert.equal(shortcut({ key: 'a', altKey: false }), null, 'plain letters are typing');
});

test('Italian figures: 9.657, 12,4%, each desk then the total', () => {
  setLanguage('it');
  const page = reportPage(TABLES, null, { desk: (c) => ({ GRO: 'Grosseto (GRO)' }[c] ?? c) });
  assert.equal(page.empty, null);
  const a = byId(page, 'report-accesses');
  assert.equal(a.caption, 'Accessi gennaio-dicembre 2023 per sportello');
  assert.deepEqual(a.columns, ['Sportello', 'Front office', 'Telefono/mail', 'Totale']);
  assert.deepEqual(a.rows.map((r) => r.head), ['FOL', 'Grosseto (GRO)', 'Totale']);
  assert.deepEqual(a.rows[1].cells, ['4.603', '5.054', '9.657']);
  assert.deepEqual(a.rows[0].cells, ['976', '451', '1.427']);
  assert.equal(a.rows[2].total, true, 'the sum is marked as a total row');
  const ty = byId(page, 'report-typology-GRO');
  assert.match(ty.caption, /9\.657 accessi/);
  assert.deepEqual(ty.rows[0].cells, ['', '1.200', '12,4%']);
  assert.deepEqual(ty.textCells, [0], 'the value column holds words: aligned as text');
  assert.deepEqual(ty.rows[2].cells, ['30-39 anni', '3.000', '31,1%']);
  assert.deepEqual(ty.rows.map((r) => r.head).slice(4),
    ['Motivo 1', 'Nazionalità 1', 'Nazionalità 2'], 'only the ranks that exist');
});

test('English figures use English separators and labels from the codebook', () => {
  setLanguage('en');
  const label = (list, code, italian) => (list === 'nationality' && code === 'MA' ? 'Morocco' : italian);
  const page = reportPage(TABLES, null, { label });
  assert.deepEqual(byId(page, 'report-accesses').rows[1].cells, ['4,603', '5,054', '9,657']);
  const ty = byId(page, 'report-typology-GRO');
  assert.deepEqual(ty.rows.find((r) => r.head === 'Nationality 1').cells, ['Morocco', '1,500', '15.5%']);
  setLanguage('it');
});

test('the tables come in the order of the report', () => {
  setLanguage('it');
  const ids = reportPage(TABLES).tables.map((tb) => tb.id);
  assert.deepEqual(ids, [
    'report-accesses',
    'report-typology-FOL', 'report-typology-GRO', 'report-typology-ALL',
    'report-cases',
    'report-months-FOL', 'report-months-GRO', 'report-months-ALL',
    'report-comparison',
    'report-age-FOL', 'report-age-GRO', 'report-age-ALL',
  ]);
});

test('months by channel group, with the year total; age by sex with both totals', () => {
  setLanguage('it');
  const page = reportPage(TABLES);
  const m = byId(page, 'report-months-GRO');
  assert.equal(m.columns.length, 14, 'channel, twelve months, total');
  assert.deepEqual(m.columns.slice(0, 2), ['Canale', 'Gen']);
  assert.deepEqual(m.rows.map((r) => r.head), ['Front office', 'Telefono/mail', 'Totale']);
  assert.equal(m.rows[2].cells[12], '9.840', 'twelve months of 820');
  const a = byId(page, 'report-age-GRO');
  assert.deepEqual(a.columns, ["Fascia d'età", 'Femmina', 'Maschio', 'Totale']);
  assert.deepEqual(a.rows.map((r) => r.cells), [['1', '2', '3'], ['3', '4', '7'], ['4', '6', '10']]);
});

test('the comparison shows the signed difference and change, or says why it is missing', () => {
  setLanguage('it');
  const c = byId(reportPage(TABLES), 'report-comparison');
  assert.deepEqual(c.columns, ['Sportello', '2022', '2023', 'Differenza', 'Variazione %']);
  assert.deepEqual(c.rows[0].cells, ['9.000', '9.657', '+657', '+7,3%']);
  assert.equal(c.note, null);
  const none = byId(reportPage({ ...TABLES, comparison: [] }), 'report-comparison');
  assert.equal(none.rows.length, 0);
  assert.equal(none.note, 'Nessun accesso nel 2022: nessun confronto.');
});

test('one desk chosen: its rows alone, no total repeating it', () => {
  setLanguage('it');
  const page = reportPage(TABLES, 'FOL');
  assert.deepEqual(byId(page, 'report-accesses').rows.map((r) => r.head), ['FOL']);
  assert.equal(byId(page, 'report-typology-GRO'), undefined);
  assert.equal(byId(page, 'report-typology-ALL'), undefined);
  assert.equal(byId(page, 'report-comparison').rows.length, 0, 'FOL has no previous year');
});

test('a year with a single desk shows no total that only repeats it', () => {
  setLanguage('it');
  const one = {
    ...TABLES,
    accesses: TABLES.accesses.filter((a) => a.desk !== 'FOL'),
    typology: TABLES.typology.filter((x) => x.desk !== 'FOL'),
    cases: TABLES.cases.filter((x) => x.desk !== 'FOL'),
    months: TABLES.months.filter((x) => x.desk !== 'FOL'),
    age_by_sex: TABLES.age_by_sex.filter((x) => x.desk !== 'FOL'),
  };
  assert.deepEqual(desksOf(one), ['GRO']);
  assert.deepEqual(byId(reportPage(one), 'report-accesses').rows.map((r) => r.head), ['GRO']);
});

test('a desk with cases but no accesses has no prevalent values: a dash', () => {
  setLanguage('it');
  const ty = { ...typology('SCA', 0), prevalent_age_band: null, prevalent_sex: null, top_reasons: [], top_nationalities: [] };
  const page = reportPage({ ...TABLES, typology: [ty] }, 'SCA');
  assert.deepEqual(byId(page, 'report-typology-SCA').rows[2].cells, ['—', '', '']);
});

test('a year without records says so instead of empty tables', () => {
  setLanguage('it');
  const empty = {
    year: 2019, desk: null, accesses: [{ desk: 'ALL', accesses: acc(0, 0) }], typology: [], cases: [],
    months: [], comparison: [], age_by_sex: [],
  };
  const page = reportPage(empty);
  assert.deepEqual(page.tables, []);
  assert.equal(page.empty, 'Nessun accesso né accompagnamento registrato nel 2019.');
});

test('the CSV is offered under a name that says year, desk and exactness', () => {
  assert.equal(csvFileName(2023, null, false), 'rapporto-2023.csv');
  assert.equal(csvFileName(2023, 'GRO', true), 'rapporto-2023-GRO-esatto.csv');
});

const check = (desk, { files = [], days = [], opening = 10 } = {}) => ({
  desk, own: false, opening_days: opening, days_with_records: 0,
  days_without_records: days, missing_files: files,
});
const names = { desk: (code) => ({ FOL: 'Follonica', GRO: 'Grosseto', SCA: 'Scansano' }[code] ?? code) };

test('completeness: a missing file and days without records, singular and plural', () => {
  setLanguage('it');
  const lines = completenessLines([
    check('FOL', { files: [37], days: ['2023-05-02', '2023-05-04', '2023-05-09'] }),
    check('GRO'),
    check('XYZ', { files: [2, 4], days: ['2023-01-03'] }),
  ], null, names);
  assert.deepEqual(lines.map((l) => l.text), [
    'Follonica: manca il file 37; 3 giorni di apertura senza registrazioni',
    'Grosseto: completo',
    'XYZ: mancano i file 2, 4; 1 giorno di apertura senza registrazioni',
  ]);
  assert.equal(lines[0].days, '02/05/2023, 04/05/2023, 09/05/2023', 'the days, as the operator reads them');
  assert.equal(lines[1].days, '');
  assert.deepEqual(lines.map((l) => l.complete), [false, true, false]);
  setLanguage('en');
  assert.deepEqual(completenessLines([check('FOL', { files: [37], days: ['2023-05-02', '2023-05-04'] }),
    check('GRO', { days: ['2023-05-02'] }), check('XYZ', { files: [1, 2] })], null, names).map((l) => l.text), [
    'Follonica: file 37 missing; 2 opening days without records',
    'Grosseto: 1 opening day without records',
    'XYZ: files 1, 2 missing',
  ]);
  setLanguage('it');
});

test('completeness: at most five days listed, one desk alone, no hours never complete', () => {
  setLanguage('it');
  const days = Array.from({ length: 7 }, (_, i) => `2023-01-${String(i + 2).padStart(2, '0')}`);
  const [fol] = completenessLines([check('FOL', { days })], null, names);
  assert.equal(fol.days, '02/01/2023, 03/01/2023, 04/01/2023, 05/01/2023, 06/01/2023, …');
  assert.equal(fol.text, 'Follonica: 7 giorni di apertura senza registrazioni');
  const only = completenessLines([check('FOL'), check('GRO')], 'GRO', names);
  assert.deepEqual(only.map((l) => l.desk), ['GRO'], 'the desk chosen alone');
  const [sca] = completenessLines([check('SCA', { opening: null })], null, names);
  assert.equal(sca.text, 'Scansano: nessun orario di front office, giorni non verificati');
  assert.equal(sca.complete, false, 'unchecked is not complete');
  assert.deepEqual(completenessLines(null), [], 'nothing loaded yet');
});

test('charts become images with a title in the language and the SVG as a data URL', () => {
  const svg = '<svg role="img" width="680" height="250" xmlns="http://www.w3.org/2000/svg">'
    + '<title>Accessi per mese e canale (GRO)</title><text>Gen &amp; #1</text></svg>';
  const charts = [
    { kind: 'months', title: 'Accessi per mese e canale', width: 680, height: 250, empty: false, svg },
    { kind: 'reasons', title: 'Richieste principali', width: 680, height: 170, empty: true, svg: '<svg/>' },
  ];
  setLanguage('it');
  const [months, reasons] = chartImages(charts);
  assert.equal(months.title, 'Accessi per mese e canale');
  assert.equal(months.alt, 'Accessi per mese e canale');
  assert.equal(reasons.alt, 'Richieste principali: nessun dato', 'an empty chart says so');
  assert.ok(months.src.startsWith('data:image/svg+xml;charset=utf-8,%3Csvg'));
  assert.ok(!/[<>"#& ]/.test(months.src.slice(months.src.indexOf(',') + 1)),
    'the SVG is percent-encoded: nothing in it can end the attribute or the URL');
  assert.equal(decodeURIComponent(months.src.split(',').slice(1).join(',')), svg, 'the same SVG back');
  assert.deepEqual([months.width, months.height], [680, 250]);
  setLanguage('en');
  assert.equal(chartImages(charts)[0].title, 'Accesses by month and channel');
  assert.deepEqual(chartImages(null), []);
  setLanguage('it');
});
