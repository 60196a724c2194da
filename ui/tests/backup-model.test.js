import test from 'node:test';
import assert from 'node:assert/strict';
import { setLanguage } from '../js/i18n.js';
import {
  backupErrorText, kindText, lastText, restoredText, rowOf, sizeText, warningText,
} from '../js/views/backup-model.js';

const backup = (over = {}) => ({
  path: '/home/op/.local/share/it.coeso.sportello/backups/sportello-20261128T100000Z.db',
  taken_at: '2026-11-28T10:00:00Z', size: 4714496, kind: 'backup', verified: true, ...over,
});

test('no warning while the last good backup is recent', () => {
  setLanguage('it');
  assert.equal(warningText({ stale: false, reachable: true, last: backup() }), null);
});

test('the status line warns when no backup is recent, and says why when it can', () => {
  setLanguage('it');
  assert.match(warningText({ stale: true, reachable: true, last: null }), /nessun backup/);
  const old = warningText({ stale: true, reachable: true, last: backup() });
  assert.match(old, /più di due giorni fa/);
  assert.match(old, /28\/11\/2026/);
  const away = warningText({ stale: true, reachable: false, folder: '/media/usb', last: backup() });
  assert.match(away, /\/media\/usb non è raggiungibile/);
  setLanguage('en');
  assert.match(warningText({ stale: true, reachable: true, last: null }), /no good backup/);
});

test('a row of the list: date, size, verified, kind, file', () => {
  setLanguage('it');
  const r = rowOf(backup());
  assert.equal(r.size, '4,5 MB');
  assert.equal(r.verified, 'sì');
  assert.equal(r.kind, 'backup');
  assert.equal(r.file, 'sportello-20261128T100000Z.db');
  assert.equal(sizeText(2000), '2 KB');
  assert.equal(kindText({ kind: 'before_migration', from_version: 10 }), 'prima dell’aggiornamento (schema 10)');
  assert.equal(rowOf(backup({ verified: false })).verified, 'DANNEGGIATO');
  assert.match(lastText({ last: backup() }), /Ultimo backup riuscito/);
});

test('a restore names the database it set aside', () => {
  setLanguage('it');
  assert.match(restoredText({ set_aside: '/x/backups/sportello-20261130T020000Z-before-restore.db' }),
    /conservato come sportello-20261130T020000Z-before-restore\.db/);
});

test('a refused file is named with what is wrong, and nothing changed', () => {
  setLanguage('it');
  const text = backupErrorText({ code: 'bad_file', problem: 'damaged', file: '/media/usb/x.db', message: '…' });
  assert.equal(text, 'x.db: il file è danneggiato (il controllo di integrità non è riuscito). Nulla è stato cambiato.');
  setLanguage('en');
  assert.match(backupErrorText({ code: 'bad_file', problem: 'not_sportello', file: 'y.db' }), /not a Sportello one/);
  assert.match(backupErrorText({ code: 'invalid', field: 'backup_folder' }), /plug in the drive/);
});
