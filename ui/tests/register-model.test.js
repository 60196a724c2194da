// The register's model: validation, tab order, the core's offers, corrections, status.
import test from 'node:test';
import assert from 'node:assert/strict';
import { setLanguage } from '../js/i18n.js';
import {
  ORDER, corrected, correctionBanner, deleteQuestion, nextField, pendingStatus, profileSummary, recorded,
  shortcut, startEditing, validateAccess, valuesOf,
} from '../js/views/register-model.js';

const TODAY = '2026-11-29';
const filled = {
  date: '29/11/2026', hour: '10', count: '', nationality: 'MA', channel: 'sportello', sex: 'maschio',
  age_band: '30-39', referred_by: 'iniziativa_propria', reasons: ['rinnovo_permesso'], permit: 'in_rinnovo',
  actions: ['informazione'], first_access: 'no', accompaniment: 'no', mediation: 'no',
};

test('a complete form becomes the core\'s input; an empty quantity means one', () => {
  const got = validateAccess(filled, TODAY);
  assert.equal(got.errors, undefined);
  assert.equal(got.count, 1);
  assert.deepEqual(got.input, {
    date: '2026-11-29', hour: 10, channel: 'sportello', sex: 'maschio', age_band: '30-39',
    referred_by: 'iniziativa_propria', reasons: ['rinnovo_permesso'], permit: 'in_rinnovo',
    actions: ['informazione'], nationality: 'MA', first_access: false, accompaniment: false, mediation: false,
  });
  assert.equal(validateAccess({ ...filled, count: ' 5 ' }, TODAY).count, 5);
});

test('an empty form names every missing field, the first in tab order to focus', () => {
  setLanguage('it');
  const got = validateAccess({ date: '29/11/2026', hour: '9', count: '1' }, TODAY);
  const fields = got.errors.map(([f]) => f);
  for (const f of ['channel', 'nationality', 'sex', 'reasons', 'actions', 'first_access']) assert.ok(fields.includes(f), f);
  assert.equal(got.first, 'channel', 'the channel comes before the nationality in the form');
  assert.equal(got.errors.find(([f]) => f === 'nationality')[1], 'Scegli una nazionalità dall\'elenco.',
    'the words the end-to-end test reads');
});

test('dates: not in the future, not before the earliest year, a real day', () => {
  const dateError = (date) => validateAccess({ ...filled, date }, TODAY).errors?.some(([f]) => f === 'date') ?? false;
  assert.equal(dateError('30/11/2026'), true, 'tomorrow');
  assert.equal(dateError('31/12/1999'), true, 'before 2000');
  assert.equal(dateError('01/01/2000'), false, 'the first day allowed');
  assert.equal(dateError('31/02/2026'), true);
  assert.equal(validateAccess({ ...filled, hour: '24' }, TODAY).first, 'hour');
  assert.equal(validateAccess({ ...filled, count: '201' }, TODAY).first, 'count');
  assert.equal(validateAccess({ ...filled, count: '1.5' }, TODAY).first, 'count');
});

test('a key choice moves on in tab order; the last choice goes to save, never to the quantity', () => {
  assert.equal(nextField('nationality'), 'sex');
  assert.equal(nextField('referred_by'), 'permit', 'the person first (permit), then the request');
  assert.equal(nextField('permit'), 'reasons');
  assert.equal(nextField('mediation'), 'save');
  assert.equal(ORDER.at(-1), 'count');
});

test('the follow-ups are the core\'s offers, not a rule of the interface', () => {
  setLanguage('it');
  const access = { id: 'a1', revision: 1 };
  const plain = recorded({ accesses: [access], offers: { booking: null, case: null } });
  assert.deepEqual(plain.lastSave, { kind: 'recorded', accesses: [{ id: 'a1', revision: 1 }] });
  assert.equal(plain.message, 'Accesso salvato.');
  assert.equal(plain.bookFor, null);
  assert.equal(plain.caseFrom, null);
  const offer = { case_type: 'fast', opened_on: '2026-11-29', reason: 'lavoro', access_id: 'a1' };
  const both = recorded({ accesses: [access], offers: { booking: 'a1', case: offer } });
  assert.equal(both.bookFor, 'a1', 'the booking links to the access the core named');
  assert.deepEqual(both.caseFrom, offer, 'the case offer goes to the cases view as the core made it');
  const many = recorded({ accesses: [access, { id: 'a2', revision: 1 }], offers: { booking: null, case: null } });
  assert.equal(many.message, '2 accessi salvati.');
  assert.equal(many.lastSave.accesses.length, 2, 'undo takes back the whole batch');
});

test('a correction keeps what the form held before the first one', () => {
  setLanguage('it');
  const a = { id: 'a1', revision: 2, date: '2026-11-28', hour: 9 };
  const before = { channel: 'telefono', date: '29/11/2026', hour: '11' };
  const first = startEditing(a, null, before);
  assert.deepEqual(first, { id: 'a1', revision: 2, before });
  const second = startEditing({ ...a, id: 'a2' }, first, { channel: 'x', date: 'y', hour: 'z' });
  assert.deepEqual(second.before, before, 'a second correction does not take the first one\'s values');
  assert.equal(correctionBanner(a), 'Correzione dell\'accesso delle 09:00 del 28/11/2026 (revisione 2). Invio salva la correzione, Esc annulla.');
  assert.deepEqual(corrected({ id: 'a1', revision: 3 }).lastSave, { kind: 'corrected', access: { id: 'a1', revision: 3 } });
  assert.match(corrected({ id: 'a1', revision: 3 }).message, /revisione 3/, 'the end-to-end test reads the revision');
});

test('an access fills the form as typed', () => {
  const v = valuesOf({ ...filled, date: '2026-11-28', hour: 7, first_access: true, accompaniment: false, mediation: true });
  assert.equal(v.date, '28/11/2026');
  assert.equal(v.hour, '07');
  assert.deepEqual([v.first_access, v.accompaniment, v.mediation], ['yes', 'no', 'yes']);
  assert.deepEqual(v.reasons, ['rinnovo_permesso']);
});

test('the deletion asks with the hour, nationality and channel', () => {
  setLanguage('it');
  const label = (list, code) => ({ nationality: { MA: 'Marocco' }, channel: { telefono: 'Telefono' } })[list][code];
  assert.equal(deleteQuestion({ hour: 8, nationality: 'MA', channel: 'telefono' }, label),
    'Eliminare l\'accesso delle 08:00 (Marocco, Telefono)? Resta nel registro come eliminato.');
});

test('the status line warns when records of earlier days wait for export', () => {
  setLanguage('it');
  assert.deepEqual(pendingStatus({ records: 0, older_than_today: 0, oldest: null }),
    { text: 'Tutti i record sono stati esportati.', warning: false });
  assert.deepEqual(pendingStatus({ records: 9, older_than_today: 0, oldest: '2026-11-26' }),
    { text: '9 record non ancora esportati, dal 26/11/2026', warning: false });
  const old = pendingStatus({ records: 15000, older_than_today: 2, oldest: '2026-11-24' });
  assert.equal(old.warning, true, 'records of earlier days are a warning');
  assert.equal(old.text,
    '15.000 record non ancora esportati, dal 24/11/2026. Attenzione: 2 sono di giorni precedenti, esportali oggi');
  setLanguage('en');
  assert.match(pendingStatus({ records: 1, older_than_today: 1, oldest: '2026-11-24' }).text,
    /^1 record not exported yet, of 24\/11\/2026\. Warning: 1 is of an earlier day/);
  setLanguage('it');
});

test('shortcuts: F1, Esc while correcting, Alt+letters; none while a dialog is open', () => {
  const key = (k, mods = {}) => ({ key: k, altKey: false, ctrlKey: false, metaKey: false, ...mods });
  assert.equal(shortcut(key('F1')), 'help');
  assert.equal(shortcut(key('Escape')), null, 'Esc does nothing outside a correction');
  assert.equal(shortcut(key('Escape'), { editing: true }), 'cancelCorrection');
  assert.equal(shortcut(key('p', { altKey: true })), 'book');
  assert.equal(shortcut(key('A', { altKey: true })), 'openCase', 'either case');
  assert.equal(shortcut(key('r', { altKey: true, ctrlKey: true })), null, 'Ctrl+Alt is not ours');
  assert.equal(shortcut(key('r')), null, 'a plain letter is typing');
  assert.equal(shortcut(key('F1'), { dialogOpen: true }), null);
});

test('Ctrl+1...9 picks a frequent profile, by the key or the keyboard position', () => {
  const key = (k, mods = {}) => ({ key: k, altKey: false, ctrlKey: false, metaKey: false, ...mods });
  assert.equal(shortcut(key('3', { ctrlKey: true })), 'profile:3');
  assert.equal(shortcut(key('é', { ctrlKey: true, code: 'Digit2' })), 'profile:2', 'a layout with symbols on the digits');
  assert.equal(shortcut(key('0', { ctrlKey: true, code: 'Digit0' })), null, 'Ctrl+0 is the zoom reset');
  assert.equal(shortcut(key('3')), null, 'a plain digit picks an option');
  assert.equal(shortcut(key('3', { ctrlKey: true, altKey: true })), null);
  assert.equal(shortcut(key('3', { ctrlKey: true }), { dialogOpen: true }), null);
});

test('a profile reads as who, then why', () => {
  setLanguage('it');
  const label = (list, code) => `${list}:${code}`;
  const traits = { nationality: 'MA', sex: 'maschio', age_band: '30-39', first_access: true,
    reasons: ['lavoro', 'rinnovo_permesso'], actions: ['informazione'] };
  assert.deepEqual(profileSummary(traits, label), {
    what: 'nationality:MA, sex:maschio, age_band:30-39, primo',
    why: 'reason:lavoro; reason:rinnovo_permesso → action:informazione',
  });
  assert.equal(profileSummary({ ...traits, first_access: false }, label).what,
    'nationality:MA, sex:maschio, age_band:30-39');
});
