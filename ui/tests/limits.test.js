// The interface's limits mirror the core's, in the form the core's test reads.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { EARLIEST_YEAR, LATEST_YEAR, EARLIEST_DATE, isYearInLimits } from '../js/limits.js';

test('the limits keep the form the core\'s test reads', () => {
  const source = readFileSync(new URL('../js/limits.js', import.meta.url), 'utf8');
  assert.ok(source.includes(`export const EARLIEST_YEAR = ${EARLIEST_YEAR};\n`), 'one line per limit');
  assert.ok(source.includes(`export const LATEST_YEAR = ${LATEST_YEAR};\n`), 'one line per limit');
});

test('the limits are the core\'s', () => {
  const rust = new URL('../../src/limits.rs', import.meta.url);
  if (!existsSync(rust)) return;
  const core = readFileSync(rust, 'utf8');
  assert.equal(Number(/pub const EARLIEST_YEAR: i32 = (\d+);/.exec(core)?.[1]), EARLIEST_YEAR);
  assert.equal(Number(/pub const LATEST_YEAR: i32 = (\d+);/.exec(core)?.[1]), LATEST_YEAR);
});

test('years within the limits', () => {
  assert.equal(EARLIEST_DATE, '2000-01-01');
  assert.equal(isYearInLimits(2000), true);
  assert.equal(isYearInLimits(9999), true);
  assert.equal(isYearInLimits(1999), false);
  assert.equal(isYearInLimits(10000), false);
  assert.equal(isYearInLimits(2024.5), false);
  assert.equal(isYearInLimits(Number.NaN), false);
});
