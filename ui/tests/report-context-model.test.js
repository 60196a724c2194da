// The report view's "Contesto" section: the core's Context as the page shows it
// (Italian figures, the total row, the nationalities, the empty year), the load's
// message, the key, and a refused ISTAT file worded by its problem.
import test from 'node:test';
import assert from 'node:assert/strict';
import { setLanguage } from '../js/i18n.js';
import { errorText } from '../js/errors.js';
import { contextSection, contextShortcut, loadedText } from '../js/views/report-context-model.js';

const residents = (municipality, m, f, fm, ff, shares) => ({
  municipality,
  istat_code: null,
  males: m,
  females: f,
  total: m + f,
  foreign_males: fm,
  foreign_females: ff,
  foreign_total: fm + ff,
  foreign_share: { males: shares[0], females: shares[1], total: shares[2] },
});

// two municipalities of the 2023 report, and a zone total made of them
const context = {
  year: 2023,
  source: 'Rapporto di attività 2023',
  note: 'Ucraina a Grosseto: 626, ricostruito.',
  loaded_at: null,
  municipalities: [
    residents('Follonica', 9659, 10798, 608, 845, [6.3, 7.8, 7.1]),
    residents('Grosseto', 39228, 42380, 3579, 3898, [9.1, 9.2, 9.2]),
  ],
  total: residents('Totale complessivo', 48887, 53178, 4187, 4743, [8.6, 8.9, 8.7]),
  desks: [
    { desk: 'GRO', municipality: 'Grosseto', foreign_residents: 7477, nationalities: [
      { name: 'Romania', istat_code: null, residents: 1767, percent: 23.6 },
      { name: 'Ucraina', istat_code: null, residents: 626, percent: 8.4 },
    ] },
    { desk: 'SCA', municipality: 'Scansano', foreign_residents: 846, nationalities: [] },
  ],
};

test('the residents table reads as the report prints it, total row last', () => {
  setLanguage('it');
  const page = contextSection(context, 2023, { desk: (d) => `Sportello ${d}` });
  assert.equal(page.empty, null);
  assert.equal(page.source, 'Fonte: Rapporto di attività 2023. Nota: Ucraina a Grosseto: 626, ricostruito.');
  const [res, gro, sca] = page.tables;
  assert.equal(res.columns.length, 10);
  assert.equal(res.columns[7], '% stranieri maschi');
  assert.deepEqual(res.rows[1], {
    head: 'Grosseto',
    cells: ['39.228', '42.380', '81.608', '3.579', '3.898', '7.477', '9,1%', '9,2%', '9,2%'],
    total: false,
  });
  const last = res.rows.at(-1);
  assert.equal(last.head, 'Totale complessivo');
  assert.equal(last.total, true);
  assert.equal(last.cells[2], '102.065');
  assert.equal(gro.caption, 'Principali nazionalità dei residenti stranieri 2023: Grosseto, sede di Sportello GRO (7.477 stranieri residenti)');
  assert.deepEqual(gro.rows[1], { head: 'Ucraina', cells: ['626', '8,4%'], total: false });
  assert.equal(gro.note, null);
  assert.equal(sca.rows.length, 0);
  assert.equal(sca.note, 'Nessuna nazionalità disponibile per questo Comune nel 2023.');
});

test('a year without context says how to load it; English figures in English', () => {
  setLanguage('it');
  const empty = contextSection(null, 2024);
  assert.match(empty.empty, /Nessun dato di contesto per il 2024/);
  assert.match(empty.empty, /Carica dati ISTAT/);
  assert.deepEqual(empty.tables, []);
  setLanguage('en');
  const page = contextSection({ ...context, note: '' }, 2023);
  assert.equal(page.source, 'Source: Rapporto di attività 2023.');
  assert.deepEqual(page.tables[0].rows[1].cells.slice(0, 3), ['39,228', '42,380', '81,608']);
  assert.equal(page.tables[0].rows.at(-1).head, 'Grand total');
  setLanguage('it');
});

test('a load says what it stored', () => {
  setLanguage('it');
  const files = [{ name: 'Dati_RCS_cittadinanza_2024.zip (Dati_cittadinanza_2024.csv)', layout: 'citizenship', others: 7883, latin1: false }];
  assert.equal(
    loadedText({ year: 2024, files, municipalities: 20, nationalities: 1234 }),
    'Dati ISTAT del 2024 caricati: 20 Comuni e 1.234 righe di nazionalità (Dati_RCS_cittadinanza_2024.zip (Dati_cittadinanza_2024.csv)).',
  );
  assert.match(loadedText({ year: 2024, files, municipalities: 20, nationalities: 0 }), /senza nazionalità/);
});

test('Alt+I loads ISTAT files; nothing else is the section\'s', () => {
  assert.equal(contextShortcut({ altKey: true, key: 'i' }), 'loadIstat');
  assert.equal(contextShortcut({ altKey: true, key: 'I' }), 'loadIstat');
  assert.equal(contextShortcut({ altKey: false, key: 'i' }), null);
  assert.equal(contextShortcut({ altKey: true, ctrlKey: true, key: 'i' }), null);
  assert.equal(contextShortcut({ altKey: true, key: 'c' }), null, 'the report view\'s own keys');
});

test('a refused ISTAT file names file, line, column and value, in Italian', () => {
  setLanguage('it');
  const err = {
    code: 'bad_file',
    problem: 'number',
    file: 'Dati_cittadinanza_2024.csv',
    line: 1234,
    field: 'Maschi',
    detail: 'mille',
    message: "Dati_cittadinanza_2024.csv, line 1234, column \"Maschi\": 'mille' is not a whole number",
  };
  assert.equal(
    errorText(err, { area: 'context' }),
    'File «Dati_cittadinanza_2024.csv», riga 1.234, colonna «Maschi»: «mille»: non è un numero intero (solo cifre, al massimo 9, senza punti né decimali). Nulla è stato caricato.',
  );
  const missing = { code: 'bad_file', problem: 'missing_municipality', file: 'p.csv', detail: 'Grosseto', message: 'x' };
  assert.match(errorText(missing, { area: 'context' }), /^File «p\.csv»: «Grosseto»: questo Comune della zona non è nel file/);
  const newer = { code: 'bad_file', problem: 'from_the_future', file: 'a.csv', message: 'a.csv: something new' };
  assert.equal(errorText(newer, { area: 'context' }), 'File «a.csv»: a.csv: something new', 'the core\'s words');
  assert.equal(errorText({ code: 'invalid', field: 'year', message: 'x' }, { area: 'context' }), 'Anno non valido.');
  assert.match(errorText({ code: 'io', message: 'a.csv: No such file' }, { area: 'context' }), /Impossibile leggere il file: a\.csv/);
});
