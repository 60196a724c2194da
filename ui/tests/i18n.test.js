import test from 'node:test';
import assert from 'node:assert/strict';
import { t, setLanguage, formatNumber, formatPercent, entryLabel } from '../js/i18n.js';
import it from '../js/i18n/it.js';
import en from '../js/i18n/en.js';

const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('Italian is the default and placeholders are filled', () => {
  setLanguage('it');
  assert.equal(t('reg.savedMany', { count: 5 }), '5 accessi salvati.');
  setLanguage('en');
  assert.equal(t('reg.savedMany', { count: 5 }), '5 accesses saved.');
  setLanguage('xx');
  assert.equal(t('reg.saved'), 'Accesso salvato.', 'an unknown language means Italian');
});

test('both language files hold exactly the same keys', () => {
  assert.ok(Object.keys(it).length > 400, 'every area has its words in the files');
  assert.deepEqual(Object.keys(en).sort(), Object.keys(it).sort());
});

test('each key has the same placeholders in both languages', () => {
  for (const key of Object.keys(it)) {
    assert.equal(typeof it[key], 'string', `it: ${key} is text`);
    assert.equal(typeof en[key], 'string', `en: ${key} is text`);
    assert.deepEqual(placeholders(en[key]), placeholders(it[key]), `placeholders of ${key}`);
  }
});

test('numbers use the language separators', () => {
  setLanguage('it');
  assert.equal(formatNumber(12345), '12.345');
  assert.equal(formatNumber(2.5), '2,5', 'decimal comma');
  assert.equal(formatNumber(9657), '9.657', 'grouped from the thousands, as the report writes it');
  assert.equal(formatNumber(-1234567.5), '-1.234.567,5');
  assert.equal(formatPercent(12.4), '12,4%');
  assert.equal(formatPercent(-3), '-3,0%');
  setLanguage('en');
  assert.equal(formatNumber(12345), '12,345');
  assert.equal(formatPercent(12.4), '12.4%');
  setLanguage('it');
});

test('codebook labels follow the language', () => {
  const entry = { code: 'telefono', label: 'Telefono', label_en: 'Phone' };
  setLanguage('en');
  assert.equal(entryLabel(entry), 'Phone');
  setLanguage('it');
  assert.equal(entryLabel(entry), 'Telefono');
});

test('the cases view words are there without importing the view', () => {
  setLanguage('it');
  assert.equal(t('cases.c.carried_out', { next: 2024 }), 'Pendenti al 2024');
  assert.match(t('cases.privacy'), /solo su questo computer/);
  assert.equal(t('nav.cases'), 'Accompagnamenti');
  setLanguage('en');
  assert.equal(t('cases.c.carried_in'), 'From earlier years');
  setLanguage('it');
});

test('the case type keys of a language differ from each other', () => {
  for (const [lang, d] of [['it', it], ['en', en]]) {
    assert.notEqual(d['cases.key.full'], d['cases.key.fast'], lang);
  }
});
