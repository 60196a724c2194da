// The export / import model: status lines, plan and result rows, conflicts, desks.
import test from 'node:test';
import assert from 'node:assert/strict';
import { setLanguage, dictionaries } from '../js/i18n.js';
import {
  baseName, canConfirm, conflictText, countsText, exportedMessage, fileDetails, fileLabel, missingText, outcomeText,
  pendingLines, rangesText,
} from '../js/views/sync-model.js';

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

test('the export status: pending records, a warning for earlier days, the last export', () => {
  setLanguage('it');
  assert.deepEqual(pendingLines({ records: 0, older_than_today: 0, oldest: null, last_export: null }),
    [{ text: 'Tutti i record sono già stati esportati.', warning: false }]);
  const lines = pendingLines({
    records: 2, older_than_today: 1, oldest: '2026-11-28',
    last_export: { sequence: 1, created_at: '2026-11-28T10:00:00Z', record_count: 3 },
  });
  assert.equal(lines[0].text, '2 record da esportare.', 'the words the end-to-end test waits for');
  assert.equal(lines[1].warning, true);
  assert.match(lines[1].text, /28\/11\/2026/);
  assert.match(lines[2].text, /n\. 1 del 28\/11\/2026/);
});

test('an export names its number, records and file', () => {
  setLanguage('it');
  const text = exportedMessage({ sequence: 2, record_count: 2, period_from: '2026-11-28', period_to: '2026-11-29',
    path: '/out/FOL-2.jsonl' });
  assert.ok(text.startsWith('Esportazione n. 2 scritta: 2 record'), text);
  assert.ok(text.includes('/out/FOL-2.jsonl'));
});

test('each file of a plan or a result: name, outcome, details', () => {
  setLanguage('it');
  const imported = { file: '/x/FOL-1.jsonl', desk: 'FOL', sequence: 1, outcome: 'imported',
    new: 3, updated: 0, unchanged: 0, conflicts: [] };
  assert.equal(fileLabel(imported), 'FOL-1.jsonl (FOL n. 1)');
  assert.equal(fileLabel({ file: 'C:\\in\\x.jsonl' }), 'x.jsonl');
  assert.equal(
    fileLabel({ ...imported, file: 'FOL-1.jsonl.age', encrypted: true }),
    'FOL-1.jsonl.age (FOL n. 1), cifrato',
    'an encrypted file says so',
  );
  assert.equal(outcomeText(imported, false), 'da importare');
  assert.equal(outcomeText(imported, true), 'importato');
  assert.deepEqual(fileDetails(imported), { text: '3 nuovi, 0 aggiornati, 0 invariati, 0 conflitti', conflicts: [] });
  const rejected = { file: 'y', outcome: 'rejected', message: 'core words', rejection: { kind: 'truncated' } };
  assert.match(fileDetails(rejected).text, /^Il file è incompleto/);
  assert.equal(fileDetails({ ...rejected, rejection: null }).text, 'core words');
  assert.equal(canConfirm([rejected]), false, 'nothing to confirm');
  assert.equal(canConfirm([rejected, imported]), true);
});

test('the per-desk status: ranges received and numbers missing', () => {
  setLanguage('it');
  assert.equal(rangesText([[1, 2], [4, 4]]), '1–2, 4');
  assert.equal(missingText([3]), '3');
  assert.equal(missingText([]), dictionaries.it['sync.none']);
  assert.equal(baseName('/a/b/c.jsonl'), 'c.jsonl');
});
