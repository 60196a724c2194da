import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { setLanguage, dictionaries } from '../js/i18n.js';
import {
  rejectionText, conflictText, exportErrorText, pendingStatus, countsText,
} from '../js/exchange-messages.js';

test('every rejection code of the core has its text in both languages', () => {
  const source = readFileSync(new URL('../../src/exchange/import/mod.rs', import.meta.url), 'utf8');
  const body = /pub enum RejectionKind \{([\s\S]*?)\n\}/.exec(source)[1];
  const kinds = [...body.matchAll(/^\s{4}([A-Z]\w*),$/gm)]
    .map((m) => m[1].replace(/[A-Z]/g, (c, i) => (i ? '_' : '') + c.toLowerCase()));
  assert.ok(kinds.includes('unknown_codes') && kinds.length > 20, `kinds read from the core: ${kinds}`);
  for (const lang of ['it', 'en']) {
    for (const kind of kinds) {
      assert.ok(dictionaries[lang][`rej.${kind}`], `${lang}: no text for rejection ${kind}`);
    }
  }
});

test('a rejection names the line and the field, in Italian and English', () => {
  const r = { kind: 'missing', line: 3, field: 'sex', message: 'missing' };
  setLanguage('it');
  assert.equal(rejectionText(r), 'Riga 3, campo «sex» (sesso): manca.');
  setLanguage('en');
  assert.equal(rejectionText(r), 'Line 3, field "sex" (sex): missing.');
  setLanguage('it');
  assert.equal(
    rejectionText({ kind: 'truncated', line: null, field: null, message: 'x' }),
    'Il file è incompleto (una copia interrotta?): chiedi allo sportello di rimandarlo.',
    'no line nor field: the sentence starts with a capital',
  );
  assert.equal(
    rejectionText({ kind: 'unknown_field', line: 12000, field: 'name', message: 'x' }),
    'Riga 12.000, campo «name»: campo che la versione 1 del formato non prevede.',
    'a field outside the format has no translation; line numbers use Italian separators',
  );
});

test('unknown codes are listed with field and line, and a new code does not show a key', () => {
  setLanguage('it');
  const codes = [{ line: 4, field: 'reasons', code: 'bonus_x' }, { line: 9, field: 'nationality', code: 'XX' }];
  const text = rejectionText({ kind: 'unknown_codes', line: null, field: null, codes, message: 'x' });
  assert.match(text, /«reasons» \(causali\) «bonus_x» \(riga 4\), «nationality» \(nazionalità\) «XX» \(riga 9\)/);
  const many = Array.from({ length: 13 }, (_, i) => ({ line: i + 2, field: 'sex', code: `s${i}` }));
  assert.match(rejectionText({ kind: 'unknown_codes', codes: many, message: 'x' }), /e altri 3\./);
  assert.equal(
    rejectionText({ kind: 'brand_new', line: null, field: null, message: 'what the core said' }),
    'Brand_new: what the core said',
  );
});

test('conflicts name the line, the record and the differing fields', () => {
  setLanguage('it');
  const c = { record: 'access', id: 'abc', revision: 2, line: 5, fields: ['hour', 'channel'] };
  assert.equal(conflictText(c),
    'Conflitto alla riga 5: accesso abc (revisione 2) differisce in «hour» (ora), «channel» (canale); tenuta la copia già presente.');
  assert.match(conflictText({ ...c, fields: ['desk'] }), /un altro sportello/);
  setLanguage('en');
  assert.match(conflictText({ ...c, record: 'case' }), /^Conflict on line 5: case abc \(revision 2\) differs in "hour" \(hour\)/);
  assert.equal(countsText({ new: 1234, updated: 0, unchanged: 2, conflicts: [c] }),
    '1,234 new, 0 updated, 2 unchanged, 1 conflicts');
  setLanguage('it');
});

test('export errors are told by code, naming the folder', () => {
  setLanguage('it');
  assert.match(exportErrorText({ code: 'io', message: '/x: Permission denied' }, '/media/usb'),
    /^Impossibile scrivere in «\/media\/usb»/);
  assert.match(exportErrorText({ code: 'invalid', field: 'out', message: 'x' }, '/tmp/nope'),
    /«\/tmp\/nope» non è una cartella/);
  assert.equal(exportErrorText({ code: 'no_desk', message: 'x' }, '/a'), 'Nessuno sportello configurato.');
  setLanguage('en');
  assert.match(exportErrorText({ code: 'io', message: 'x' }, '/media/usb'), /^Cannot write into "\/media\/usb"/);
  setLanguage('it');
});

test('the status line warns when records of earlier days wait for export', () => {
  setLanguage('it');
  assert.deepEqual(pendingStatus({ records: 0, older_than_today: 0, oldest: null }),
    { text: 'Tutti i record sono stati esportati.', warning: false });
  assert.deepEqual(pendingStatus({ records: 9, older_than_today: 0, oldest: '2026-11-26' }),
    { text: '9 record non ancora esportati, dal 26/11/2026', warning: false });
  const old = pendingStatus({ records: 15000, older_than_today: 2, oldest: '2026-11-24' });
  assert.equal(old.warning, true, 'records of earlier days are a warning');
  assert.equal(old.text,
    '15.000 record non ancora esportati, dal 24/11/2026. Attenzione: 2 sono di giorni precedenti, esportali oggi');
  setLanguage('en');
  assert.match(pendingStatus({ records: 1, older_than_today: 1, oldest: '2026-11-24' }).text,
    /^1 record not exported yet, of 24\/11\/2026\. Warning: 1 is of an earlier day/);
  setLanguage('it');
});
