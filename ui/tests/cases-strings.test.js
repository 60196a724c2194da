import test from 'node:test';
import assert from 'node:assert/strict';
import { t, setLanguage, dictionaries } from '../js/i18n.js';
import '../js/views/cases-strings.js';

const keys = (lang) => Object.keys(dictionaries[lang]).filter((k) => k.startsWith('cases.')
  || ['nav.cases', 'reg.openCase', 'help.k.case'].includes(k));
const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('the cases view has every word in Italian and English', () => {
  assert.ok(keys('it').length > 50, 'the strings are added to the dictionaries');
  assert.deepEqual(keys('en').sort(), keys('it').sort());
  for (const k of keys('it')) {
    assert.deepEqual(placeholders(dictionaries.en[k]), placeholders(dictionaries.it[k]), k);
  }
});

test('the counts read as the report names them', () => {
  setLanguage('it');
  assert.equal(t('cases.c.carried_out', { next: 2024 }), 'Pendenti al 2024');
  assert.match(t('cases.privacy'), /solo su questo computer/);
  setLanguage('en');
  assert.equal(t('cases.c.carried_in'), 'From earlier years');
  setLanguage('it');
});

test('the type keys of a language differ from each other', () => {
  for (const lang of ['it', 'en']) {
    assert.notEqual(dictionaries[lang]['cases.key.full'], dictionaries[lang]['cases.key.fast'], lang);
  }
});
