// The first run's model: the desk proposed, hours, key picks, validation.
import test from 'node:test';
import assert from 'node:assert/strict';
import { setLanguage } from '../js/i18n.js';
import { BLANK, NEW, deskFor, hoursText, optionForKey, proposedDesk, validateSetup } from '../js/views/setup-model.js';

const presets = [
  { code: 'GRO', name: 'Grosseto', address: '', phone: '', front_office: [], back_office: [] },
  { code: 'FOL', name: 'Follonica', address: 'Via X', phone: '1', front_office: [{ weekday: 1, opens: '09:00', closes: '12:00' }], back_office: [] },
];

test('FOL is proposed when the presets hold it', () => {
  assert.equal(proposedDesk(presets).code, 'FOL');
  assert.equal(proposedDesk([presets[0]]).code, 'GRO');
  assert.equal(deskFor(NEW, presets), BLANK);
  assert.equal(deskFor('GRO', presets).name, 'Grosseto');
});

test('opening hours read by weekday', () => {
  setLanguage('it');
  assert.equal(hoursText(presets[1].front_office), 'Lun 09:00\u201112:00');
  assert.equal(hoursText([]), 'Nessun orario');
});

test('digits pick the presets and "new"; other keys nothing', () => {
  assert.equal(optionForKey('1', 3), 0);
  assert.equal(optionForKey('3', 3), 2);
  assert.equal(optionForKey('4', 3), -1);
  assert.equal(optionForKey('0', 3), -1);
  assert.equal(optionForKey('a', 3), -1);
  assert.equal(optionForKey('Enter', 3), -1);
});

test('the desk and the operator are checked before the core sees them', () => {
  setLanguage('it');
  const ok = validateSetup(presets[1], { code: 'fol ', name: ' Follonica ', address: 'Via X', phone: '1', operator: ' Maria Rossi ', initials: 'mr', pin: '246810', pin2: '246810' });
  assert.equal(ok.desk.code, 'FOL', 'the code in capitals');
  assert.equal(ok.desk.name, 'Follonica');
  assert.deepEqual(ok.desk.front_office, presets[1].front_office, 'the preset\'s hours go with it');
  assert.deepEqual(ok.operator, { name: 'Maria Rossi', initials: 'MR', pin: '246810', role: 'coordinator' });
  const bad = validateSetup(BLANK, { code: 'X', name: '', operator: '', initials: '', pin: '1' });
  assert.deepEqual(bad.errors.map(([f]) => f), ['code', 'name', 'operator', 'initials', 'pin']);
  assert.match(bad.errors[0][1], /GRO/);
});
