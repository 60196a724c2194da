// The closed years and the report's texts: the words of an import that would change a
// closed year, the years to confirm, a year's state, and the checks of a text.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { setLanguage } from '../js/i18n.js';
import { describeError, errorText, rejectionText } from '../js/errors.js';
import { canConfirm } from '../js/views/sync-model.js';
import {
  SECTION_TEXT_MAX_CHARS, changedSections, closedYearBlocks, countText, figureText,
  normaliseText, savedText, textProblem, yearState, yearsToConfirm,
} from '../js/views/years-model.js';

const desks = { GRO: 'Grosseto', FOL: 'Follonica' };
const deskName = (code) => desks[code] ?? code;
const labels = { nationality: { MA: 'Marocco', UA: 'Ucraina' }, sex: { maschio: 'Maschio' } };
const label = (list, code) => labels[list]?.[code];

const total = { desk: 'GRO', figure: 'accesses_total', before: 9657, after: 9660, difference: 3 };

test('a changed figure reads with the desk, before → after and the difference', () => {
  setLanguage('it');
  assert.equal(figureText(total, deskName), 'Grosseto accessi totali 9.657 → 9.660, +3');
  assert.equal(
    figureText({ desk: 'FOL', figure: 'cases_archived', before: 1, after: 0, difference: -1 }, deskName),
    'Follonica accompagnamenti archiviati 1 → 0, -1',
  );
  const top = {
    desk: 'FOL', figure: 'top_nationalities', difference: null,
    before: [{ code: 'MA', count: 3 }], after: [{ code: 'MA', count: 4 }, { code: 'XK', count: 1 }],
  };
  assert.equal(figureText(top, deskName, label), 'Follonica prime 5 nazionalità: Marocco 3 → Marocco 4, XK 1',
    'codes read with their labels, unknown ones as codes');
  const sex = { desk: 'GRO', figure: 'prevalent_sex', before: null, after: 'maschio', difference: null };
  assert.equal(figureText(sex, deskName, label), 'Grosseto sesso prevalente: nessuna → Maschio');
  setLanguage('en');
  assert.equal(figureText(total, deskName), 'Grosseto total accesses 9,657 → 9,660, +3');
  setLanguage('it');
});

test('a file that would change a closed year says so, and what it changed once imported', () => {
  setLanguage('it');
  const file = { outcome: 'imported', closed_years: [{ year: 2023, records: 3, figures: [total] }] };
  const [b] = closedYearBlocks(file, { deskName });
  assert.equal(b.title, 'Anno 2023 chiuso (rapporto già pubblicato): questo file cambierebbe 3 record del 2023.');
  assert.equal(b.intro, 'Cambierebbero:');
  assert.deepEqual(b.figures, ['Grosseto accessi totali 9.657 → 9.660, +3']);
  assert.equal(b.none, null);
  const [done] = closedYearBlocks(file, { done: true, deskName });
  assert.match(done.title, /^Anno 2023 riaperto: cambiati 3 record\. .*richiudi l’anno\.$/);
  assert.equal(done.intro, null);
  const [quiet] = closedYearBlocks({ closed_years: [{ year: 2022, records: 1, figures: [] }] });
  assert.match(quiet.title, /cambierebbe 1 record del 2022/);
  assert.equal(quiet.none, 'Nessuna cifra del rapporto cambierebbe.');
  assert.deepEqual(closedYearBlocks({ outcome: 'imported' }), [], 'a file without closed years says nothing');
});

test('the years to confirm, and confirming imports only what is confirmed', () => {
  const clean = { outcome: 'imported' };
  const y2023 = { outcome: 'imported', closed_years: [{ year: 2023, records: 1, figures: [] }] };
  const both = { outcome: 'imported', closed_years: [{ year: 2022 }, { year: 2023 }] };
  const refused = { outcome: 'rejected', closed_years: [{ year: 2021 }] };
  assert.deepEqual(yearsToConfirm([y2023, both, refused, clean]), [2022, 2023], 'in order, once each');
  assert.deepEqual(yearsToConfirm([clean]), []);
  assert.equal(canConfirm([y2023]), false, 'nothing imports before the box is ticked');
  assert.equal(canConfirm([y2023], [2023]), true);
  assert.equal(canConfirm([both], [2023]), false, 'every year of a file must be confirmed');
  assert.equal(canConfirm([y2023, clean]), true, 'the other files import anyway');
});

test('a year in the report view: closed, open, running, reopened', () => {
  setLanguage('it');
  const closed = {
    year: 2023, closed: true, changed_at: '2024-03-12T09:30:00.000Z', changed_by: 'M.R.', reason: '',
    ended: true, since_published: [],
  };
  const s = yearState(closed);
  assert.equal(s.text, 'Il 2023 è chiuso dal 12/03/2024 (M.R.): il rapporto è pubblicato e le sue cifre sono protette.');
  assert.equal(s.action, 'reopen');
  assert.equal(s.published, 'Le cifre sono quelle pubblicate alla chiusura.');
  const never = { year: 2023, closed: false, changed_at: null, changed_by: '', reason: '', ended: true, since_published: [] };
  assert.equal(yearState(never).action, 'close');
  assert.equal(yearState(never).published, null);
  const running = { ...never, year: 2026, ended: false };
  assert.equal(yearState(running).action, null, 'a running year cannot be closed');
  assert.match(yearState(running).text, /non è ancora finito/);
  const reopened = {
    ...closed, closed: false, reason: 'import of FOL export no. 2', since_published: [total],
  };
  const r = yearState(reopened, { deskName });
  assert.match(r.text, /riaperto il 12\/03\/2024 \(M\.R\., import of FOL export no\. 2\)/);
  assert.equal(r.action, 'close');
  assert.deepEqual(r.changed, ['Grosseto accessi totali 9.657 → 9.660, +3']);
  assert.match(r.published, /^Cifre cambiate/);
});

test('a text is checked as the core checks it', () => {
  setLanguage('it');
  assert.equal(normaliseText('  uno\r\n\r\ndue\r '), 'uno\n\ndue');
  assert.equal(textProblem('activities', 'Meno di < 5 accessi al giorno.'), null, 'a plain < is text');
  assert.equal(textProblem('activities', 'x'.repeat(SECTION_TEXT_MAX_CHARS)), null, 'the limit itself');
  assert.equal(textProblem('projects', `${'x'.repeat(SECTION_TEXT_MAX_CHARS)}yz`),
    'Progetti: il testo è lungo 20.002 caratteri, al massimo 20.000. Accorcialo.');
  assert.match(textProblem('conventions', 'uno\n<b>due</b>'), /^Convenzioni e protocolli, riga 2: «<b>» è un marcatore/);
  assert.match(textProblem('activities', 'a\u0007b'), /riga 1: contiene un carattere di controllo/);
  assert.equal(countText('ab\r\n'), '2 / 20.000 caratteri');
  assert.deepEqual(changedSections({ activities: 'a' }, { activities: 'a\r\n', conventions: 'x', projects: '' }),
    ['conventions'], 'a section differs only in what is kept');
  assert.equal(savedText({ updated_at: null }), '');
  assert.equal(savedText({ updated_at: '2024-03-12T09:30:00.000Z', updated_by: 'M.R.' }), 'salvato il 12/03/2024 (M.R.)');
});

test('the longest text is the core\'s', () => {
  const rust = new URL('../../src/yearbook/sections.rs', import.meta.url);
  if (!existsSync(rust)) return;
  const core = readFileSync(rust, 'utf8');
  const max = /pub const MAX_CHARS: usize = ([\d_]+);/.exec(core)?.[1];
  assert.equal(Number(max?.replaceAll('_', '')), SECTION_TEXT_MAX_CHARS);
});

test('a write refused for a closed year names the year, in every area', () => {
  setLanguage('it');
  const err = { code: 'invalid', field: 'date', reason: 'closed_year', detail: '2023', message: '2023 is closed' };
  assert.deepEqual(describeError(err), {
    field: 'date',
    text: 'Il 2023 è chiuso: il suo rapporto è già pubblicato. Per modificarlo riapri l’anno nel Rapporto (poi richiudilo).',
  });
  assert.match(errorText({ ...err, field: 'year' }, { area: 'report' }), /^Il 2023 è chiuso/);
  assert.match(errorText({ code: 'invalid', field: 'text', message: 'text: line 2 holds markup' }, { area: 'report' }),
    /al massimo 20\.000 caratteri/);
  assert.match(rejectionText({ kind: 'closed_year', message: 'x' }), /^Cambierebbe le cifre di un anno chiuso/);
  setLanguage('en');
  assert.match(errorText(err), /^2023 is closed: its report is published/);
  setLanguage('it');
});
