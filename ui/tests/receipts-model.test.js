// The receipt in words: what the coordinator has, what can be delivered again.
import test from 'node:test';
import assert from 'node:assert/strict';
import { setLanguage } from '../js/i18n.js';
import { readLines, redeliverable, standingText } from '../js/views/receipts-model.js';
import { lastFileText } from '../js/views/sync-model.js';

const standing = {
  coordinator: 'GRO',
  created_at: '2026-11-30T08:00:00+00:00',
  received: [[1, 36], [38, 41]],
  missing: [37],
  files: [
    { export_id: 'a', sequence: 37, outcome: 'rejected', rejection: 'checksum_mismatch' },
    { export_id: 'b', sequence: 20, outcome: 'rejected', rejection: 'truncated' },
    { export_id: 'c', sequence: 41, outcome: 'imported', rejection: null },
  ],
};

test('the standing says what Grosseto received and what is missing', () => {
  setLanguage('it');
  assert.equal(standingText(standing), 'Grosseto ha ricevuto i file 1–36, 38–41; manca il 37');
  assert.equal(standingText({ ...standing, received: [[1, 41]], missing: [] }),
    'Grosseto ha ricevuto i file 1–41; non ne manca nessuno');
  assert.equal(standingText({ ...standing, received: [[1, 1]], missing: [] }),
    'Grosseto ha ricevuto il file 1; non ne manca nessuno');
  assert.equal(standingText({ ...standing, received: [[3, 5]], missing: [1, 2] }),
    'Grosseto ha ricevuto i file 3–5; mancano i file 1, 2');
  setLanguage('en');
  assert.equal(standingText(standing), 'Grosseto has received files 1–36, 38–41; 37 is missing');
  setLanguage('it');
});

test('missing files and rejected ones not received since can be delivered again', () => {
  assert.deepEqual(redeliverable(standing), [37],
    'file 20 was rejected but received since: nothing to deliver again');
  assert.deepEqual(redeliverable({ ...standing, received: [[1, 19], [21, 36], [38, 41]], missing: [20, 37] }), [20, 37]);
  assert.deepEqual(redeliverable({ ...standing, received: [[1, 41]], missing: [] }), [],
    'a rejected file sent again and imported is received');
});

test('reading receipts says what each did', () => {
  setLanguage('it');
  const lines = readLines([
    { file: '/x/sportello-receipt-FOL-1.jsonl', taken: { newer: true, codes_added: ['reason/a'], codes_retired: [], codes_restored: [], codes_relabelled: [], kinds_changed: ['altro'] } },
    { file: '/x/r2.jsonl', taken: { newer: false } },
    { file: 'r3.jsonl', rejection: { kind: 'checksum_mismatch', line: 9, field: 'sha256', message: '' } },
  ]);
  assert.match(lines[0].text, /sportello-receipt-FOL-1\.jsonl letta: 2 modifiche/);
  assert.match(lines[1].text, /non cambia nulla/);
  assert.equal(lines[2].error, true);
  assert.deepEqual(readLines([]), [{ text: 'Nessuna ricevuta trovata.', error: false }]);
});

test('a desk\'s last file is dated by the file itself, else by its import', () => {
  setLanguage('it');
  const d = { last_sequence: 41, last_imported_at: '2026-11-29T08:00:00.000Z',
    last_file_created_at: '2026-11-26T17:00:00+00:00', last_file_period: ['2026-11-01', '2026-11-26'] };
  assert.match(lastFileText(d), /^n\. 41, dal 01\/11\/2026 al 26\/11\/2026, creato il 26\/11\/2026/);
  assert.match(lastFileText({ ...d, last_file_created_at: null, last_file_period: null }), /^importato il 29\/11\/2026/);
});

test('a receipt that brings the coordinator\'s key says so, a new one as a warning', () => {
  setLanguage('it');
  const taken = { newer: true, codes_added: [], services_changed: ['asl'], recipient: 'age1abc' };
  const [set] = readLines([{ file: 'r.jsonl', taken }]);
  assert.match(set.text, /1 modifiche a codifica, tipi di appuntamento e servizi\. Da ora i file sono cifrati/);
  assert.equal(set.key, true);
  const [replaced] = readLines([{ file: 'r.jsonl', taken: { ...taken, recipient_replaced: 'age1old' } }]);
  assert.match(replaced.text, /la chiave pubblica del coordinamento è cambiata \(age1abc\)/);
});
