// The outbox model: what waits, the last attempt, a delivery's outcome, the offer, the
// question before closing, the keys; and every failure code of the core has its words.
import test from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setLanguage, dictionaries } from '../js/i18n.js';
import { errorText } from '../js/errors.js';
import {
  closeQuestion, deliveryMessage, detailLines, exportedText, failureText, fileText, offerText,
  shortcut, statusLine, waitingText,
} from '../js/views/outbox-model.js';

const status = (over = {}) => ({
  destination: { path: '/media/usb', mount_point: true },
  waiting: [], last: null, last_delivered: null, unexported: 0, closing_offer: null, ...over,
});
const file = (name, sequence) => ({ name, sequence, bytes: 100 });
const failedRow = {
  file: 'a.jsonl', sha256: '', destination: '/media/usb', outcome: 'failed',
  failure: 'destination_missing', message: '/media/usb is not reachable', first_at: '2026-11-28T09:00:00Z',
  last_at: '2026-11-28T10:00:00Z', attempts: 1,
};

test('what waits, as the status line says it', () => {
  setLanguage('it');
  assert.equal(waitingText(2), '2 file in attesa di consegna a Grosseto');
  assert.equal(waitingText(1), '1 file in attesa di consegna a Grosseto');
  assert.equal(waitingText(0), 'Nessun file in attesa di consegna.');
  assert.deepEqual(statusLine(status({ waiting: [file('a', 1), file('b', 2)] })),
    { text: '2 file in attesa di consegna a Grosseto', warning: false });
  assert.equal(statusLine(status({ waiting: [file('a', 1)], last: failedRow })).warning, true,
    'a warning while a file waits after a failed attempt');
  assert.equal(statusLine(status({ last: failedRow })).warning, false, 'nothing waits: nothing to warn of');
  setLanguage('en');
  assert.equal(waitingText(3), '3 files waiting for delivery to Grosseto');
  setLanguage('it');
});

test('the section tells the last failure while files wait, and the last delivery', () => {
  setLanguage('it');
  const lines = detailLines(status({
    waiting: [file('a.jsonl', 3)],
    last: { ...failedRow, attempts: 4 },
    last_delivered: { ...failedRow, file: 'z.jsonl', outcome: 'delivered', failure: null },
  }));
  assert.equal(lines.length, 3);
  assert.equal(lines[1].warning, true);
  assert.match(lines[1].text, /4 tentativi/);
  assert.match(lines[1].text, /inserisci la chiavetta/, 'the reason in Italian, not the core\'s English');
  assert.match(lines[2].text, /^Ultima consegna: z\.jsonl, il /);
  assert.equal(fileText(file('a.jsonl', 3)), 'a.jsonl (n. 3)');
  assert.equal(fileText(file('b.jsonl', null)), 'b.jsonl');
});

test('a delivery says what went and why the rest waits', () => {
  setLanguage('it');
  const d = (f) => ({ file: f, sha256: 'x', already_there: false });
  assert.deepEqual(deliveryMessage({ destination: '/m', delivered: [d('a'), d('b')], failure: null, waiting: [] }),
    { text: '2 file consegnati a Grosseto.', error: false });
  const full = { code: 'destination_full', file: 'c', message: 'full' };
  const m = deliveryMessage({ destination: '/m', delivered: [d('a')], failure: full, waiting: [file('c', 3)] });
  assert.equal(m.error, true);
  assert.match(m.text, /^1 file consegnato a Grosseto\. La destinazione è piena/);
  assert.equal(deliveryMessage({ destination: null, delivered: [], failure: null, waiting: [] }).text,
    'Niente da consegnare: la posta in uscita è vuota.');
  assert.match(failureText({ code: 'delivery_conflict', file: 'x.jsonl', message: '' }), /stesso nome \(x\.jsonl\)/);
  assert.match(failureText({ code: 'delivery_in_progress', message: 'busy' }), /già in corso/);
  assert.match(failureText({ code: 'something_new', message: 'the core says' }), /the core says/,
    'a code newer than this interface shows the core\'s words');
  assert.match(errorText({ code: 'invalid', field: 'destination', message: 'x' }, { area: 'outbox', folder: '/srv/x' }),
    /^«\/srv\/x» non può essere la destinazione/, 'a folder refused as the destination is named');
  assert.match(errorText({ code: 'demo_database', message: 'x' }, { area: 'outbox' }), /database dimostrativo/);
  assert.equal(exportedText({ sequence: 7, record_count: 1234 }),
    'Esportazione n. 7 (1.234 record) pronta nella posta in uscita.');
});

test('the end-of-hours offer, the question before closing, the keys', () => {
  setLanguage('it');
  assert.equal(offerText(null), null);
  assert.equal(offerText({ closes: '17:00', records: 5 }),
    'Fine dell’orario di sportello (17:00): 5 record da esportare per Grosseto.');
  assert.match(offerText({ closes: '13:00', records: 1 }), /1 record da esportare/);
  assert.match(closeQuestion(3), /^Ci sono 3 record non ancora esportati/);
  assert.match(closeQuestion(1), /^C’è 1 record/);
  const key = (k, extra = {}) => shortcut({ key: k, altKey: true, ctrlKey: false, metaKey: false, ...extra });
  assert.equal(key('g'), 'exportAndDeliver');
  assert.equal(key('O'), 'deliver');
  assert.equal(key('g', { ctrlKey: true }), null);
  assert.equal(shortcut({ key: 'g', altKey: false }), null);
});

test('every delivery failure of the core has its words in both languages', () => {
  const src = fileURLToPath(new URL('../../src/exchange/outbox/deliver.rs', import.meta.url));
  const body = /pub enum DeliveryFailure \{([\s\S]*?)\n\}/.exec(readFileSync(src, 'utf8'))[1];
  const codes = [...body.matchAll(/^\s{4}([A-Z]\w*),$/gm)]
    .map((m) => m[1].replace(/[A-Z]/g, (c, i) => (i ? '_' : '') + c.toLowerCase()));
  assert.ok(codes.includes('destination_read_only') && codes.length >= 8, `codes read from the core: ${codes}`);
  for (const lang of ['it', 'en']) {
    setLanguage(lang);
    for (const code of codes) {
      assert.ok(dictionaries[lang][`outbox.err.${code}`], `${lang}: no text for ${code}`);
      const text = failureText({ code, file: 'f.jsonl', message: 'm' });
      assert.ok(!text.includes(code), `${lang}: ${code} is worded, not shown as a code: ${text}`);
    }
  }
  setLanguage('it');
});
