import test from 'node:test';
import assert from 'node:assert/strict';
import { setLanguage } from '../js/i18n.js';
import {
  activityEvery, initialsOf, lockTime, isIdle, moveChoice, pinRefusal, recoveryKeyShaped,
  validateAccount,
} from '../js/views/signin-model.js';

test('initials are proposed from the name', () => {
  assert.equal(initialsOf(' maria  rossi '), 'MR');
  assert.equal(initialsOf('Anna Maria De Luca Bianchi'), 'AMDL');
  assert.equal(initialsOf(''), '');
});

test('a new account needs a name, initials and the same PIN twice, six at least', () => {
  setLanguage('it');
  const ok = validateAccount({ name: ' Maria Rossi ', initials: 'mr', pin: '246810', pin2: '246810' });
  assert.deepEqual(ok.operator, { name: 'Maria Rossi', initials: 'MR', pin: '246810' });
  const short = validateAccount({ name: '', initials: 'M1', pin: '12345', pin2: '12345' });
  assert.deepEqual(short.errors.map(([f]) => f), ['operator', 'initials', 'pin']);
  const differ = validateAccount({ name: 'A', initials: 'A', pin: '123456', pin2: '123465' });
  assert.deepEqual(differ.errors.map(([f]) => f), ['pin2']);
});

test('arrow keys move along the list and stop at its ends', () => {
  assert.equal(moveChoice('ArrowDown', 0, 3), 1);
  assert.equal(moveChoice('ArrowDown', 2, 3), 2);
  assert.equal(moveChoice('ArrowUp', 0, 3), 0);
  assert.equal(moveChoice('End', 0, 3), 2);
  assert.equal(moveChoice('Home', 2, 3), 0);
  assert.equal(moveChoice('a', 1, 3), -1);
  assert.equal(moveChoice('ArrowDown', 0, 0), -1);
});

test('a refused PIN says how long to wait', () => {
  setLanguage('it');
  assert.equal(pinRefusal({ code: 'wrong_pin', retry_after: 0 }), 'PIN errato.');
  assert.match(pinRefusal({ code: 'wrong_pin', retry_after: 4 }), /4 s/);
  assert.match(pinRefusal({ code: 'retry_later', retry_after: 8 }), /8 s/);
  assert.equal(pinRefusal({ code: 'io' }), null);
});

test('the lock comes after the idle time; input is reported often enough', () => {
  assert.equal(isIdle(299_999, 300), false);
  assert.equal(isIdle(300_000, 300), true);
  assert.equal(activityEvery(300), 15000);
  assert.equal(activityEvery(4), 1000);
});

test('the idle time reads in minutes, or seconds when shorter', () => {
  setLanguage('it');
  assert.equal(lockTime(300), '5 minuti');
  assert.equal(lockTime(60), '1 minuto');
  assert.equal(lockTime(4), '4 secondi');
});

test('a recovery key is 32 hexadecimal digits, however it is grouped or typed', () => {
  assert.equal(recoveryKeyShaped('1F3A-9C2B-0000-ABCD-1234-5678-9ABC-DEF0'), true);
  assert.equal(recoveryKeyShaped('1f3a 9c2b oooo abcd 1234 5678 9abc def0'), true, 'O read as zero');
  assert.equal(recoveryKeyShaped('1F3A9C2B0000ABCD123456789ABCDEF0'), true);
  assert.equal(recoveryKeyShaped('1F3A-9C2B-0000-ABCD-1234-5678-9ABC-DEF'), false, 'one digit short');
  assert.equal(recoveryKeyShaped('1F3A-9C2B-0000-ABCD-1234-5678-9ABC-DEFG'), false, 'G is no digit');
  assert.equal(recoveryKeyShaped(''), false);
  assert.equal(recoveryKeyShaped(undefined), false);
});

test('the errors of a recovery are told in Italian by their field', async () => {
  const { describeError } = await import('../js/errors.js');
  setLanguage('it');
  assert.match(describeError({ code: 'invalid', field: 'recovery_key', message: 'x' }).text,
    /non apre questo archivio/);
  assert.equal(describeError({ code: 'invalid', field: 'recovery_key' }).field, 'recovery_key');
  assert.match(describeError({ code: 'no_key', message: 'x' }).text, /reimpostarti il PIN/);
  assert.match(describeError({ code: 'personal_locked', message: 'x' }).text, /bloccati/);
});
