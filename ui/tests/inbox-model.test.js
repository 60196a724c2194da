import test from 'node:test';
import assert from 'node:assert/strict';
import { setLanguage } from '../js/i18n.js';
import {
  allLabel, cleanFiles, confirmationFor, confirmationOfAll, doneText, fileDecision, shortcut,
  summaryLines,
} from '../js/views/inbox-model.js';

const file = (over = {}) => ({
  file: '/inbox/sportello-FOL-2026-11-30_2026-11-30-0a1b2c3d.jsonl',
  path: '/inbox/sportello-FOL-2026-11-30_2026-11-30-0a1b2c3d.jsonl',
  outcome: 'imported', desk: 'FOL', sequence: 3, new: 2, updated: 0, unchanged: 0,
  conflicts: [], ...over,
});

test('the key takes only the files that need no decision', () => {
  setLanguage('it');
  const plan = [
    file(),
    file({ path: 'b', new_desk: true, desk: 'SCA' }),
    file({ path: 'c', conflicts: [{ record: 'access', id: 'x', revision: 1, line: 2, fields: ['hour'] }] }),
    file({ path: 'd', outcome: 'rejected', rejection: { kind: 'checksum_mismatch' } }),
    file({ path: 'e', closed_years: [{ year: 2025, figures: [] }] }),
  ];
  assert.deepEqual(cleanFiles(plan).map((r) => r.path), [plan[0].path]);
  assert.deepEqual(confirmationOfAll(plan), { files: [plan[0].path], new_desks: [], reopen_years: [] });
  assert.equal(allLabel(plan), 'Importa i file senza problemi (1) · Alt+I');
  assert.deepEqual(confirmationFor(plan[1]), { files: ['b'], new_desks: ['SCA'], reopen_years: [] });
  assert.deepEqual(confirmationFor(plan[4]).reopen_years, [2025]);
});

test('each file says what confirming it does', () => {
  setLanguage('it');
  assert.equal(fileDecision(file()).kind, 'import');
  const d = fileDecision(file({ new_desk: true, desk: 'SCA' }));
  assert.equal(d.kind, 'newDesk');
  assert.match(d.note, /Nuovo sportello SCA/);
  assert.equal(fileDecision(file({ outcome: 'rejected' })).kind, 'refuse');
  assert.match(fileDecision(file({ closed_years: [{ year: 2025 }] })).label, /2025/);
});

test('the summary names unreadable folders, new files and files seen before', () => {
  setLanguage('it');
  const lines = summaryLines({
    folders: [{ folder: '/a', files: 2, error: null }, { folder: '/b', files: 0, error: 'No such file' }],
    plan: [file(), file()], known: 5,
  });
  assert.deepEqual(lines.map((l) => l.warning), [true, false, false]);
  assert.match(lines[1].text, /2 file nuovi/);
  assert.match(lines[2].text, /5/);
  assert.match(summaryLines({ folders: [], plan: [], known: 0 })[0].text, /Nessun file nuovo/);
});

test('Alt+I is the key, and the result is counted', () => {
  assert.equal(shortcut({ altKey: true, key: 'I' }), 'importAll');
  assert.equal(shortcut({ altKey: true, ctrlKey: true, key: 'i' }), null);
  setLanguage('en');
  assert.equal(doneText([
    { outcome: 'imported' }, { outcome: 'rejected', rejection: { kind: 'new_desk' } },
    { outcome: 'rejected', rejection: { kind: 'checksum_mismatch' } },
  ]), 'Imported 1 file(s); 1 refused; 1 waiting for a confirmation.');
});
