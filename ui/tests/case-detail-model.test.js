// A case's detail: follow-ups, closing, the open list's progress, the week's lines.
import test from 'node:test';
import assert from 'node:assert/strict';
import { setLanguage } from '../js/i18n.js';
import {
  DOCUMENT_KINDS, documentLine, formatSize, OUTCOMES, dueLine, serviceLabel, serviceOptions, validateService, eraseQuestion, erasureNote, outcomeLabel, progressCells, validateClosing, validateFollowUp,
} from '../js/views/case-detail-model.js';

const TODAY = '2026-11-29';
const OPENED = '2026-10-01';

test('a follow-up is done today unless a day is typed, and carries its next step', () => {
  const got = validateFollowUp({ doneOn: '', what: ' chiamata al Comune ', withWhom: 'Comune', nextStep: 'ritiro',
    dueOn: '04/12/2026' }, { today: TODAY, openedOn: OPENED });
  assert.deepEqual(got.input, {
    done_on: TODAY, what: 'chiamata al Comune', with_whom: 'Comune', next_step: 'ritiro', due_on: '2026-12-04',
  });
  const bare = validateFollowUp({ doneOn: '02/10/2026', what: 'x' }, { today: TODAY, openedOn: OPENED });
  assert.equal(bare.input.due_on, null);
  assert.equal(bare.input.done_on, '2026-10-02');
});

test('a follow-up is refused when it says nothing, is dated wrong, or has a due day without a step', () => {
  setLanguage('it');
  const fields = (v) => validateFollowUp(v, { today: TODAY, openedOn: OPENED }).errors.map(([f]) => f);
  assert.deepEqual(fields({ doneOn: '30/11/2026', what: '' }), ['done_on', 'what'], 'not after today; what is required');
  assert.deepEqual(fields({ doneOn: '30/09/2026', what: 'x' }), ['done_on'], 'not before the opening');
  assert.deepEqual(fields({ what: 'x', dueOn: '01/12/2026' }), ['next_step'], 'a due day needs a step');
  assert.deepEqual(fields({ what: 'x', nextStep: 'y', dueOn: '28/11/2026' }), ['due_on'], 'not before the follow-up');
  assert.deepEqual(fields({ what: 'x', nextStep: 'y', dueOn: '31/02/2027' }), ['due_on'], 'a real day');
  assert.deepEqual(fields({ what: 'x'.repeat(4001) }), ['what']);
});

test('a closing needs a day within the case and an outcome', () => {
  setLanguage('it');
  const ok = validateClosing({ closedOn: '29/11/2026', outcome: 'referred', note: ' al CPI ' },
    { today: TODAY, openedOn: OPENED });
  assert.deepEqual(ok.closing, { closed_on: TODAY, outcome: 'referred', note: 'al CPI' });
  const bad = validateClosing({ closedOn: '30/09/2026', outcome: '' }, { today: TODAY, openedOn: OPENED });
  assert.deepEqual(bad.errors.map(([f]) => f), ['close', 'outcome']);
  assert.equal(OUTCOMES.length, 4);
  for (const o of OUTCOMES) assert.ok(!outcomeLabel(o).startsWith('cases.'), `${o} has words`);
});

test('the open list shows days since the last follow-up and marks an overdue step', () => {
  setLanguage('it');
  const cells = progressCells({ days_since_follow_up: 12, next_step: { text: 'ritiro', due_on: '2026-11-20', overdue: true } });
  assert.deepEqual(cells, { days: '12', step: 'ritiro', due: '20/11/2026', overdue: true });
  assert.deepEqual(progressCells({ days_since_follow_up: 3, next_step: null }),
    { days: '3', step: '—', due: '', overdue: false });
  const line = dueLine({ case_id: 'c1', person_name: null, next_step: { text: 's', due_on: '2026-11-30', overdue: false } });
  assert.equal(line.who, '(senza scheda)');
  assert.equal(line.due, '30/11/2026');
});

test('an erasure is asked and told in words', () => {
  setLanguage('it');
  assert.match(eraseQuestion({ opened_on: '2026-10-01' }), /01\/10\/2026/);
  assert.equal(erasureNote({}), '');
  assert.match(erasureNote({ erasure: { erased_at: '2026-11-29T10:00:00Z', cause: 'request' } }), /29\/11\/2026/);
  setLanguage('en');
  assert.match(erasureNote({ erasure: { erased_at: '2026-11-29T10:00:00Z', cause: 'retention' } }), /29\/11\/2026/);
});

test('a service is offered once, while active, and involved from the opening to today', () => {
  setLanguage('it');
  const kinds = [
    { code: 'asl', label: 'ASL', label_en: 'Health authority', active: true },
    { code: 'questura', label: 'Questura', label_en: 'Police', active: true },
    { code: 'vecchio', label: 'Vecchio', label_en: 'Old', active: false },
  ];
  assert.deepEqual(serviceOptions(kinds, [{ service: 'asl', involved_on: '2026-10-02' }]),
    [{ value: 'questura', label: 'Questura' }]);
  assert.equal(serviceLabel(kinds, 'vecchio'), 'Vecchio', 'a retired one is still named');
  assert.equal(serviceLabel(kinds, 'sparito'), 'sparito');
  setLanguage('en');
  assert.equal(serviceLabel(kinds, 'questura'), 'Police');
  const ok = validateService({ service: 'asl', involvedOn: '' }, { today: TODAY, openedOn: OPENED });
  assert.deepEqual(ok, { service: 'asl', involvedOn: TODAY });
  const bad = validateService({ service: '', involvedOn: '30/09/2026' }, { today: TODAY, openedOn: OPENED });
  assert.deepEqual(bad.errors.map(([f]) => f), ['service', 'involved_on']);
});

test('a copy of a document is listed with its kind, day and size in words', () => {
  setLanguage('it');
  assert.equal(formatSize(820), '820 B');
  assert.equal(formatSize(14 * 1024), '14 kB');
  assert.equal(formatSize(3.24 * 1048576), '3,2 MB');
  const line = documentLine({ id: 'd1', name: 'permesso.pdf', kind: 'permit', added_on: '2026-11-29', size: 2048 });
  assert.deepEqual(line, { id: 'd1', name: 'permesso.pdf', kind: 'Permesso di soggiorno', date: '29/11/2026', size: '2 kB' });
  for (const k of DOCUMENT_KINDS) assert.ok(!documentLine({ kind: k, size: 0 }).kind.startsWith('cases.'), k);
});

test('a refused copy is told in the operator\'s language, naming the file', async () => {
  const { describeError } = await import('../js/errors.js');
  setLanguage('it');
  const err = { code: 'invalid', reason: 'too_large', field: 'documents', detail: 'scansione.pdf', message: 'scansione.pdf is 25.0 MB' };
  assert.match(describeError(err).text, /^Il file scansione\.pdf supera i 20 MB/);
  const other = { code: 'invalid', reason: 'not_a_document', field: 'documents', detail: 'a.exe', message: '' };
  assert.match(describeError(other).text, /a\.exe non è una scansione/);
});
