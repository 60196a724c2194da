import test from 'node:test';
import assert from 'node:assert/strict';
import { t, setLanguage, dictionaries, formatNumber, entryLabel } from '../js/i18n.js';

test('Italian is the default and placeholders are filled', () => {
  setLanguage('it');
  assert.equal(t('reg.savedMany', { count: 5 }), '5 accessi salvati.');
  setLanguage('en');
  assert.equal(t('reg.savedMany', { count: 5 }), '5 accesses saved.');
  setLanguage('xx');
  assert.equal(t('reg.saved'), 'Accesso salvato.', 'an unknown language means Italian');
});

test('both dictionaries have the same keys', () => {
  const it = Object.keys(dictionaries.it).sort();
  const en = Object.keys(dictionaries.en).sort();
  assert.deepEqual(en, it);
});

test('numbers use the language separators', () => {
  setLanguage('it');
  assert.equal(formatNumber(12345), '12.345');
  assert.equal(formatNumber(2.5), '2,5', 'decimal comma');
  setLanguage('en');
  assert.equal(formatNumber(12345), '12,345');
  setLanguage('it');
});

test('codebook labels follow the language', () => {
  const entry = { code: 'telefono', label: 'Telefono', label_en: 'Phone' };
  setLanguage('en');
  assert.equal(entryLabel(entry), 'Phone');
  setLanguage('it');
  assert.equal(entryLabel(entry), 'Telefono');
});
