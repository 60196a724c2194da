// The cases' model: validation, archive dates, years, the register's offer, counts.
import test from 'node:test';
import assert from 'node:assert/strict';
import { setLanguage } from '../js/i18n.js';
import {
  countLines, deleteQuestion, findCase, parseYear, prefill, saveLabel, savedMessage, shortcut,
  validateCase, validateClose,
} from '../js/views/cases-model.js';

const TODAY = '2026-11-29';
const personal = { person_name: 'Amina', phone: '333', documents: '', description: '' };

test('a full case carries its personal file; a fast one none', () => {
  const full = validateCase({ caseType: 'full', reason: 'lavoro', openedOn: '28/11/2026', closedOn: '', personal },
    { today: TODAY });
  assert.deepEqual(full.input, {
    case_type: 'full', opened_on: '2026-11-28', closed_on: null, reason: 'lavoro', personal,
  });
  const fast = validateCase({ caseType: 'fast', reason: 'lavoro', openedOn: '28/11/2026', personal }, { today: TODAY });
  assert.equal(fast.input.personal, null, 'a fast accompaniment has no personal file');
  assert.equal(validateCase({ caseType: '', reason: 'x', openedOn: '28/11/2026' }, { today: TODAY }).input.case_type,
    'full', 'no type chosen means a full case');
});

test('the reason and a date within the limits are required, in form order', () => {
  setLanguage('it');
  const got = validateCase({ caseType: 'full', reason: '', openedOn: '31/12/1999' }, { today: TODAY });
  assert.deepEqual(got.errors.map(([f]) => f), ['reason', 'opened_on']);
  assert.equal(validateCase({ reason: 'x', openedOn: '30/11/2026' }, { today: TODAY }).errors[0][0], 'opened_on',
    'not after today');
  assert.equal(validateCase({ reason: 'x', openedOn: '01/01/2000' }, { today: TODAY }).errors, undefined);
});

test('the archive date is read only when correcting, and not before the opening', () => {
  const values = { reason: 'x', openedOn: '10/11/2026', closedOn: '09/11/2026' };
  assert.equal(validateCase(values, { today: TODAY }).input.closed_on, null, 'a new case is not archived from the form');
  assert.deepEqual(validateCase(values, { today: TODAY, editing: true }).errors.map(([f]) => f), ['closed_on']);
  assert.equal(validateCase({ ...values, closedOn: '12/11/2026' }, { today: TODAY, editing: true }).input.closed_on,
    '2026-11-12');
  assert.equal(validateClose('29/11/2026', { today: TODAY, openedOn: '2026-11-10' }), '2026-11-29');
  assert.equal(validateClose('09/11/2026', { today: TODAY, openedOn: '2026-11-10' }), null);
  assert.equal(validateClose('30/11/2026', { today: TODAY, openedOn: '2026-11-10' }), null);
  assert.equal(validateClose('domani', { today: TODAY, openedOn: '2026-11-10' }), null);
});

test('years within the shared limits', () => {
  assert.equal(parseYear(' 2024 '), 2024);
  assert.equal(parseYear('1999'), null);
  assert.equal(parseYear('10000'), null);
  assert.equal(parseYear('duemila'), null);
});

test('the offer of the register prefills the form and says where to go on', () => {
  const reasons = [{ code: 'lavoro', active: true }, { code: 'vecchia', active: false }];
  assert.deepEqual(prefill({ case_type: 'full', opened_on: '2026-11-28', reason: 'lavoro', access_id: 'a1' }, reasons),
    { caseType: 'full', reason: 'lavoro', openedOn: '28/11/2026', focus: 'person_name', accessId: 'a1' },
    'the case is linked to the access it comes from');
  assert.equal(prefill({ case_type: 'fast', opened_on: '2026-11-28', reason: 'lavoro' }, reasons).focus, 'save',
    'a fast one is ready to save');
  const retired = prefill({ case_type: 'fast', opened_on: '2026-11-28', reason: 'vecchia' }, reasons);
  assert.equal(retired.reason, null, 'a reason no longer offered is not chosen');
  assert.equal(retired.focus, 'reason');
  assert.equal(retired.accessId, null);
});

test('the save button and the messages follow the type', () => {
  setLanguage('it');
  assert.notEqual(saveLabel('fast', false), saveLabel('full', false));
  assert.equal(saveLabel('fast', true), saveLabel('full', true), 'a correction has one label');
  assert.notEqual(savedMessage({ case_type: 'fast' }), savedMessage({ case_type: 'full' }));
  assert.match(savedMessage({ case_type: 'full' }, 3), /3/);
});

test('the deletion warns when personal data goes with the case', () => {
  setLanguage('en');
  const label = () => 'Work';
  assert.equal(deleteQuestion({ opened_on: '2026-11-28', reason: 'x', personal: null, notes: 0 }, label),
    'Delete the accompaniment opened on 28/11/2026 (Work)?');
  assert.match(deleteQuestion({ opened_on: '2026-11-28', reason: 'x', personal: null, notes: 2 }, label),
    /erased for good/);
  setLanguage('it');
});

test('the counts read as the report names them, and cases are found in any list', () => {
  setLanguage('it');
  const d = { year: 2026, counts: { total: 12000, carried_in: 1, archived: 2, carried_out: 3, fast: 4 },
    open: [{ id: 'o' }], archived: [{ id: 'a' }], fast: [{ id: 'f' }] };
  const lines = countLines(d);
  assert.deepEqual(lines.map((l) => l.key), ['total', 'carried_in', 'archived', 'carried_out', 'fast']);
  assert.equal(lines[0].value, '12.000');
  assert.equal(lines[3].text, 'Pendenti al 2027');
  assert.equal(findCase(d, 'f').id, 'f');
  assert.equal(findCase(d, 'zz'), undefined);
});

test('shortcuts of the cases page', () => {
  const key = (k, mods = {}) => ({ key: k, altKey: false, ctrlKey: false, metaKey: false, ...mods });
  assert.equal(shortcut(key('v', { altKey: true })), 'fast');
  assert.equal(shortcut(key('L', { altKey: true })), 'list');
  assert.equal(shortcut(key('Escape'), { editing: true }), 'cancelCorrection');
  assert.equal(shortcut(key('n', { altKey: true }), { dialogOpen: true }), null);
  assert.equal(shortcut(key('x', { altKey: true })), null);
});

test('a correction keeps a closed case closed: reopening is its own step', () => {
  setLanguage('it');
  const values = { caseType: 'full', reason: 'lavoro', openedOn: '01/10/2026', closedOn: '', personal };
  const got = validateCase(values, { today: TODAY, editing: true, wasClosed: true });
  assert.deepEqual(got.errors.map(([f]) => f), ['closed_on']);
  assert.match(got.errors[0][1], /Riapri il caso/);
  assert.equal(validateCase(values, { today: TODAY, editing: true }).input.closed_on, null, 'an open case stays open');
});
