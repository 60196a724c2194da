import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setLanguage, dictionaries } from '../js/i18n.js';
import { appointmentErrorText } from '../js/appointment-messages.js';

test('every refusal reason of the core has its text in both languages', () => {
  const source = readFileSync(new URL('../../src/error.rs', import.meta.url), 'utf8');
  const body = /pub enum Refusal \{([\s\S]*?)\n\}/.exec(source)[1];
  const reasons = [...body.matchAll(/^\s{4}([A-Z]\w*),$/gm)]
    .map((m) => m[1].replace(/[A-Z]/g, (c, i) => (i ? '_' : '') + c.toLowerCase()));
  assert.ok(reasons.includes('not_a_slot') && reasons.length >= 8, `reasons read from the core: ${reasons}`);
  for (const lang of ['it', 'en']) {
    for (const reason of reasons) {
      assert.ok(dictionaries[lang][`appt.refusal.${reason}`], `${lang}: no text for refusal ${reason}`);
    }
  }
});

test('a refusal is told by its reason, whatever the English message says', () => {
  setLanguage('it');
  const past = { code: 'invalid', field: 'starts', reason: 'past', message: 'starts: the desk is closed' };
  assert.equal(appointmentErrorText(past), 'Orario già passato: scegline uno successivo.',
    'the reason decides, not words in the message');
  assert.equal(appointmentErrorText({ code: 'conflict', field: 'starts', reason: 'taken', message: 'x' }),
    'Orario appena preso da un’altra prenotazione: scegline un altro.');
  setLanguage('en');
  assert.equal(appointmentErrorText({ code: 'invalid', field: 'status', reason: 'not_yet_day', message: 'x' }),
    'Attended or no-show is marked on the day of the appointment.');
  setLanguage('it');
});

test('a closed day names the holiday or closure', () => {
  setLanguage('it');
  const closed = { code: 'invalid', field: 'day', reason: 'closed', detail: 'Pasqua', message: 'x' };
  assert.equal(appointmentErrorText(closed), 'Lo sportello è chiuso quel giorno (Pasqua): scegli un altro giorno.');
  setLanguage('en');
  assert.equal(appointmentErrorText(closed), 'The desk is closed that day (Pasqua): choose another day.');
  assert.equal(appointmentErrorText({ ...closed, detail: undefined }),
    'The desk is closed that day: choose another day.', 'no name, no empty brackets');
  setLanguage('it');
});

test('field errors and unknown reasons', () => {
  setLanguage('it');
  assert.match(appointmentErrorText({ code: 'invalid', field: 'phone', message: 'x' }), /^Telefono non valido/);
  assert.equal(appointmentErrorText({ code: 'invalid', field: 'status', message: 'x' }),
    'Operazione non possibile per lo stato di questo appuntamento.');
  assert.equal(appointmentErrorText({ code: 'invalid', reason: 'brand_new', message: 'day: what the core said' }),
    'Errore: day: what the core said', 'a reason newer than the interface shows the core message, not a key');
  assert.equal(appointmentErrorText({ code: 'conflict', message: 'could not draw a free booking code: try again' }),
    'Errore: could not draw a free booking code: try again', 'a conflict without reason is not a taken slot');
});
