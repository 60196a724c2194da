import test from 'node:test';
import assert from 'node:assert/strict';
import { formatDate, parseDate, parseHour, isoDate } from '../js/dates.js';

test('ISO dates are shown as dd/mm/yyyy', () => {
  assert.equal(formatDate('2024-03-05'), '05/03/2024');
  assert.equal(formatDate(''), '', 'an empty date stays empty');
});

test('typed dates are read day first, with a two-digit year meaning 20yy', () => {
  assert.equal(parseDate('05/03/2024'), '2024-03-05');
  assert.equal(parseDate('5/3/24'), '2024-03-05');
  assert.equal(parseDate('5.3.2024'), '2024-03-05');
  assert.equal(parseDate('29/02/2024'), '2024-02-29', '2024 is a leap year');
  assert.equal(parseDate('29/02/2023'), null, '2023 is not');
  assert.equal(parseDate('31/04/2024'), null, 'April has 30 days');
  assert.equal(parseDate('2024-03-05'), null, 'ISO is not how operators type dates');
  assert.equal(parseDate('ieri'), null);
});

test('hours are 0-23, minutes ignored', () => {
  assert.equal(parseHour('9'), 9);
  assert.equal(parseHour('09:30'), 9);
  assert.equal(parseHour('0'), 0);
  assert.equal(parseHour('24'), null);
  assert.equal(parseHour(''), null);
});

test('isoDate uses the local calendar day', () => {
  assert.equal(isoDate(new Date(2024, 0, 31, 23, 59)), '2024-01-31');
});
