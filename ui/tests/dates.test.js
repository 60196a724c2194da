import test from 'node:test';
import assert from 'node:assert/strict';
import {
  formatDate, parseDate, parseHour, isoDate, today, formatDateTime, shiftDay, weekdayOf, formatHour,
} from '../js/dates.js';

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

test('today is the local day, from the clock passed in', () => {
  assert.equal(today(new Date(2026, 10, 29, 0, 5)), '2026-11-29', 'just after local midnight');
  assert.match(today(), /^\d{4}-\d{2}-\d{2}$/);
});

test('timestamps read as local dd/mm/yyyy hh:mm; unreadable ones stay as they are', () => {
  const ts = new Date(2026, 0, 2, 9, 7).toISOString();
  assert.equal(formatDateTime(ts), '02/01/2026 09:07');
  assert.equal(formatDateTime('later'), 'later');
});

test('days shift across months and years; weekdays are numbered from Monday', () => {
  assert.equal(shiftDay('2024-12-31', 1), '2025-01-01');
  assert.equal(shiftDay('2024-03-01', -1), '2024-02-29');
  assert.equal(weekdayOf('2025-03-03'), 1, 'a Monday');
  assert.equal(weekdayOf('2025-03-09'), 7, 'a Sunday');
  assert.equal(formatHour(9), '09');
});
