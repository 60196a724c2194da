import test from 'node:test';
import assert from 'node:assert/strict';
import { rank, fold } from '../js/typeahead.js';

const countries = [
  { code: 'MK', label: 'Macedonia del Nord' },
  { code: 'MG', label: 'Madagascar' },
  { code: 'MA', label: 'Marocco' },
  { code: 'RO', label: 'Romania' },
  { code: 'CI', label: "Costa d'Avorio" },
  { code: 'AL', label: 'Albania' },
  { code: 'DO', label: 'Repubblica Dominicana' },
];
const codes = (list) => list.map((e) => e.code);

test('frequent nationalities come first among the matches', () => {
  assert.deepEqual(codes(rank(countries, 'ma', ['MA'])), ['MA', 'MK', 'MG']);
  assert.deepEqual(codes(rank(countries, 'ma', [])), ['MK', 'MG', 'MA'], 'without frequency: by name');
});

test('an empty query lists the frequent ones in their order, then the others', () => {
  assert.deepEqual(codes(rank(countries, '', ['RO', 'MA'], 4)), ['RO', 'MA', 'AL', 'CI']);
});

test('a name start beats a later word, which beats a bare code', () => {
  assert.deepEqual(codes(rank(countries, 'dom', [])), ['DO'], 'a later word matches');
  assert.deepEqual(codes(rank(countries, 'avo', [])), ['CI'], "words split at apostrophes");
  assert.deepEqual(codes(rank(countries, 'do', ['DO'])), ['DO']);
  assert.deepEqual(codes(rank(countries, 'al', [])), ['AL'], 'Albania by name; no other label or code');
});

test('accents and case do not matter', () => {
  assert.equal(fold('È Côte'), 'e cote');
  assert.deepEqual(codes(rank([{ code: 'CI', label: "Côte d'Ivoire" }], 'cote')), ['CI']);
});

test('at most limit suggestions', () => {
  assert.equal(rank(countries, '', [], 3).length, 3);
});
